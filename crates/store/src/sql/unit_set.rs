//! The resolution of a [`UnitSet`] (the registry's shared target set) to units: the active units
//! of a scope under a division prefix that match the set, at this moment. Used by protection
//! levels and bulletins when they store their recipients (compiled once per backend).

use super::common::{escape_like, push_scope};
use super::db::Db;
use crate::error::{StoreError, StoreResult};
use neibao_domain::access::Scope;
use neibao_domain::error::{DomainError, ErrorCode};
use neibao_domain::registry::UnitSet;
use sqlx::{QueryBuilder, Row};

/// One resolved unit: id, name, division code.
pub(crate) struct TargetUnit {
    pub id: String,
    pub name: String,
    pub division_code: String,
}

/// The active units of `scope` whose division code starts with `prefix` and that match `set`,
/// by division code and name (at most `max`; inside `tx`); a park (`set.liaison_point_id`) is the
/// units assigned to that liaison point now; a sector (`set.department_id`) the units under
/// that competent department. `NotFound` when a hand-picked unit is outside the
/// scope or the liaison point does not exist or has no unit of the scope; a validation error (zh-CN, `what` names the thing not sent, e.g. 指令)
/// when none matches or more than `max` do.
pub(crate) async fn resolve(
    tx: &mut sqlx::Transaction<'static, Db>,
    scope: &Scope,
    prefix: &str,
    set: &UnitSet,
    max: i64,
    what: &str,
) -> StoreResult<Vec<TargetUnit>> {
    for id in &set.unit_ids {
        let mut qb = QueryBuilder::new("SELECT u.id FROM units u WHERE u.id = ");
        qb.push_bind(id.clone());
        push_scope(&mut qb, scope);
        qb.build()
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(StoreError::NotFound)?;
    }
    if let Some(point) = &set.liaison_point_id {
        // A park is visible to a sender whose scope holds one of its units now.
        let mut qb = QueryBuilder::new(
            "SELECT 1 FROM liaison_assignments la JOIN units u ON u.id = la.unit_id \
             WHERE la.unassigned_at IS NULL AND la.point_id = ",
        );
        qb.push_bind(point.clone());
        push_scope(&mut qb, scope);
        qb.push(" LIMIT 1");
        qb.build()
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(StoreError::NotFound)?;
    }
    let mut qb: QueryBuilder<'_, Db> =
        QueryBuilder::new("SELECT u.id, u.name, u.division_code FROM units u WHERE u.state = 'active'");
    qb.push(" AND u.division_code LIKE ")
        .push_bind(format!("{}%", escape_like(prefix)))
        .push(" ESCAPE '\\'");
    push_scope(&mut qb, scope);
    if set.key_units_only {
        qb.push(" AND u.is_key_unit = ").push_bind(true);
    }
    if set.counter_terror_only {
        qb.push(" AND u.is_counter_terror_target = ").push_bind(true);
    }
    if !set.kinds.is_empty() {
        qb.push(" AND u.kind IN (");
        let mut sep = qb.separated(", ");
        for k in &set.kinds {
            sep.push_bind(k.clone());
        }
        qb.push(")");
    }
    if !set.unit_ids.is_empty() {
        qb.push(" AND u.id IN (");
        let mut sep = qb.separated(", ");
        for id in &set.unit_ids {
            sep.push_bind(id.clone());
        }
        qb.push(")");
    }
    if let Some(point) = &set.liaison_point_id {
        qb.push(
            " AND u.id IN (SELECT la.unit_id FROM liaison_assignments la \
             WHERE la.unassigned_at IS NULL AND la.point_id = ",
        )
        .push_bind(point.clone())
        .push(")");
    }
    if let Some(department) = &set.department_id {
        qb.push(" AND u.competent_department_id = ")
            .push_bind(department.clone());
    }
    qb.push(" ORDER BY u.division_code, u.name LIMIT ").push_bind(max + 1);
    let rows = qb.build().fetch_all(&mut **tx).await?;
    if rows.is_empty() {
        return Err(DomainError::with_message(
            ErrorCode::ValidationFailed,
            format!("所选辖区和单位范围内没有在用的单位，未下达{what}"),
        )
        .into());
    }
    if rows.len() as i64 > max {
        return Err(DomainError::with_message(
            ErrorCode::ValidationFailed,
            format!("一条{what}最多覆盖 {max} 家单位，请缩小辖区或单位范围"),
        )
        .into());
    }
    Ok(rows
        .iter()
        .map(|r| TargetUnit {
            id: r.get("id"),
            name: r.get("name"),
            division_code: r.get("division_code"),
        })
        .collect())
}
