//! SQL of liaison points (compiled once per backend: see `crate::sqlite` and `crate::postgres`).
//! The contact phone is encrypted with the field cipher (AAD `liaison_points.phone`, covered by
//! key rotation in `privacy/rotate.rs`) and answered masked.

use super::audit::append_in;
use super::common::{from_ms, ms, opt_ms, push_scope};
use super::db::{sql, Db, DbRow};
use super::store::Backend;
use crate::error::{StoreError, StoreResult};
use crate::liaison::UnitSet;
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::ids::new_id;
use neibao_domain::liaison::*;
use neibao_domain::sensitive::mask;
use sqlx::{QueryBuilder, Row};

type Tx = sqlx::Transaction<'static, Db>;

const AAD_PHONE: &str = "liaison_points.phone";

const SELECT: &str = "SELECT p.*, (SELECT COUNT(*) FROM liaison_assignments c WHERE c.point_id = p.id \
     AND c.unassigned_at IS NULL) AS unit_count FROM liaison_points p WHERE 1=1";

/// ` AND <the point is visible>`: set up by `org_id`, or one of its current units in `scope`.
fn push_visible(qb: &mut QueryBuilder<'_, Db>, scope: &Scope, org_id: Option<&str>) {
    if matches!(scope, Scope::All) {
        return;
    }
    qb.push(" AND (");
    if let Some(o) = org_id {
        qb.push("p.org_id = ").push_bind(o.to_string()).push(" OR ");
    }
    qb.push(
        "EXISTS (SELECT 1 FROM liaison_assignments v JOIN units u ON u.id = v.unit_id \
         WHERE v.point_id = p.id AND v.unassigned_at IS NULL",
    );
    push_scope(qb, scope);
    qb.push("))");
}

impl Backend {
    fn lp_from_row(&self, r: &DbRow) -> StoreResult<LiaisonPoint> {
        let phone = match r.get::<Option<&str>, _>("phone_enc") {
            Some(enc) => mask(&self.cipher.decrypt(AAD_PHONE, enc)?, 3, 4),
            None => String::new(),
        };
        Ok(LiaisonPoint {
            id: r.get("id"),
            officer_id: r.get("officer_id"),
            name: r.get("name"),
            officer_org_name: r.get("officer_org_name"),
            team_name: r.get("team_name"),
            park_name: r.get("park_name"),
            contact_hours: r.get("contact_hours"),
            phone,
            org_id: r.get("org_id"),
            org_name: r.get("org_name"),
            unit_count: r.get::<i64, _>("unit_count"),
            created_by: r.get("created_by"),
            created_at: from_ms(r.get("created_at")),
        })
    }

    async fn lp_detail<'e, E>(&self, exec: E, id: &str) -> StoreResult<Option<LiaisonPointDetail>>
    where
        E: sqlx::Executor<'e, Database = Db> + Copy,
    {
        let mut qb = QueryBuilder::new(format!("{SELECT} AND p.id = "));
        qb.push_bind(id.to_string());
        let Some(row) = qb.build().fetch_optional(exec).await? else {
            return Ok(None);
        };
        let point = self.lp_from_row(&row)?;
        let history = lp_history(exec, "a.point_id", id).await?;
        let units = history
            .iter()
            .filter(|a| a.unassigned_at.is_none())
            .map(|a| LiaisonUnit {
                unit_id: a.unit_id.clone(),
                unit_name: a.unit_name.clone(),
                point_id: a.point_id.clone(),
                assigned_at: a.assigned_at,
            })
            .collect();
        Ok(Some(LiaisonPointDetail { point, units, history }))
    }

    async fn lp_visible(&self, scope: &Scope, org_id: Option<&str>, id: &str) -> StoreResult<bool> {
        let mut qb = QueryBuilder::new("SELECT p.id FROM liaison_points p WHERE p.id = ");
        qb.push_bind(id.to_string());
        push_visible(&mut qb, scope, org_id);
        Ok(qb.build().fetch_optional(&self.pool).await?.is_some())
    }
}

async fn lp_history<'e, E>(exec: E, col: &str, value: &str) -> StoreResult<Vec<LiaisonAssignment>>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    let rows = sqlx::query(&sql(&format!(
        "SELECT a.*, u.name AS unit_name, p.name AS point_name FROM liaison_assignments a \
         JOIN units u ON u.id = a.unit_id JOIN liaison_points p ON p.id = a.point_id \
         WHERE {col} = ? ORDER BY a.assigned_at DESC, a.id DESC LIMIT 2000"
    )))
    .bind(value)
    .fetch_all(exec)
    .await?;
    Ok(rows
        .iter()
        .map(|r| LiaisonAssignment {
            id: r.get("id"),
            point_id: r.get("point_id"),
            point_name: r.get("point_name"),
            unit_id: r.get("unit_id"),
            unit_name: r.get("unit_name"),
            assigned_at: from_ms(r.get("assigned_at")),
            assigned_by: r.get("assigned_by"),
            unassigned_at: opt_ms(r, "unassigned_at"),
            unassigned_by: r.get("unassigned_by"),
        })
        .collect())
}

/// `NotFound` unless every unit is in `scope`.
async fn units_in_scope(tx: &mut Tx, scope: &Scope, unit_ids: &[String]) -> StoreResult<()> {
    for u in unit_ids {
        let mut qb = QueryBuilder::new("SELECT u.id FROM units u WHERE u.id = ");
        qb.push_bind(u.clone());
        push_scope(&mut qb, scope);
        if qb.build().fetch_optional(&mut **tx).await?.is_none() {
            return Err(StoreError::NotFound);
        }
    }
    Ok(())
}

async fn assign_in(
    tx: &mut Tx,
    point_id: &str,
    unit_id: &str,
    by: &str,
    at: DateTime<Utc>,
    audit: &AuditEntry,
) -> StoreResult<()> {
    sqlx::query(&sql(
        "INSERT INTO liaison_assignments (id, point_id, unit_id, assigned_at, assigned_by, unassigned_at, unassigned_by) \
         VALUES (?, ?, ?, ?, ?, NULL, NULL)",
    ))
    .bind(new_id())
    .bind(point_id)
    .bind(unit_id)
    .bind(ms(at))
    .bind(by)
    .execute(&mut **tx)
    .await?;
    let mut a = audit.clone();
    a.action = "liaison.assign".into();
    a.object_type = "liaison_point".into();
    a.object_id = point_id.to_string();
    a.unit_id = Some(unit_id.to_string());
    append_in(tx, &a, at).await?;
    Ok(())
}

#[async_trait]
impl LiaisonRepo for Backend {
    async fn create_liaison_point(
        &self,
        scope: &Scope,
        p: &NewLiaisonPoint,
        unit_ids: &[String],
        audit: &AuditEntry,
    ) -> StoreResult<LiaisonPointDetail> {
        let mut tx = self.begin_write().await?;
        units_in_scope(&mut tx, scope, unit_ids).await?;
        let phone = (!p.phone.is_empty()).then(|| self.cipher.encrypt(AAD_PHONE, &p.phone));
        sqlx::query(&sql(
            "INSERT INTO liaison_points (id, officer_id, name, officer_org_name, team_name, park_name, contact_hours, \
             phone_enc, org_id, org_name, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(&p.id)
        .bind(&p.officer_id)
        .bind(&p.name)
        .bind(&p.officer_org_name)
        .bind(&p.team_name)
        .bind(&p.park_name)
        .bind(&p.contact_hours)
        .bind(phone)
        .bind(&p.org_id)
        .bind(&p.org_name)
        .bind(&p.created_by)
        .bind(ms(p.at))
        .execute(&mut *tx)
        .await?;
        let mut a = audit.clone();
        if a.object_id.is_empty() {
            a.object_id = p.id.clone();
        }
        append_in(&mut tx, &a, p.at).await?;
        for u in unit_ids {
            assign_in(&mut tx, &p.id, u, &p.created_by, p.at, audit).await?;
        }
        tx.commit().await?;
        self.lp_detail(&self.pool, &p.id).await?.ok_or(StoreError::NotFound)
    }

    async fn liaison_point(
        &self,
        scope: &Scope,
        org_id: Option<&str>,
        id: &str,
    ) -> StoreResult<Option<LiaisonPointDetail>> {
        if !self.lp_visible(scope, org_id, id).await? {
            return Ok(None);
        }
        self.lp_detail(&self.pool, id).await
    }

    async fn list_liaison_points(&self, scope: &Scope, org_id: Option<&str>) -> StoreResult<Vec<LiaisonPoint>> {
        let mut qb = QueryBuilder::new(SELECT);
        push_visible(&mut qb, scope, org_id);
        qb.push(" ORDER BY p.created_at DESC, p.id DESC LIMIT 500");
        let rows = qb.build().fetch_all(&self.pool).await?;
        rows.iter().map(|r| self.lp_from_row(r)).collect()
    }

    async fn set_liaison_units(
        &self,
        scope: &Scope,
        org_id: Option<&str>,
        id: &str,
        set: &UnitSet<'_>,
        audit: &AuditEntry,
    ) -> StoreResult<LiaisonPointDetail> {
        let (unit_ids, by, at) = (set.unit_ids, set.by, set.at);
        if !self.lp_visible(scope, org_id, id).await? {
            return Err(StoreError::NotFound);
        }
        let mut tx = self.begin_write().await?;
        let current: Vec<String> = sqlx::query_scalar(&sql(
            "SELECT unit_id FROM liaison_assignments WHERE point_id = ? AND unassigned_at IS NULL",
        ))
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        let added: Vec<String> = unit_ids.iter().filter(|u| !current.contains(u)).cloned().collect();
        let removed: Vec<String> = current.iter().filter(|u| !unit_ids.contains(u)).cloned().collect();
        units_in_scope(&mut tx, scope, &added).await?;
        units_in_scope(&mut tx, scope, &removed).await?;
        for u in &removed {
            sqlx::query(&sql(
                "UPDATE liaison_assignments SET unassigned_at = ?, unassigned_by = ? \
                 WHERE point_id = ? AND unit_id = ? AND unassigned_at IS NULL",
            ))
            .bind(ms(at))
            .bind(by)
            .bind(id)
            .bind(u)
            .execute(&mut *tx)
            .await?;
            let mut a = audit.clone();
            a.action = "liaison.unassign".into();
            a.object_type = "liaison_point".into();
            a.object_id = id.to_string();
            a.unit_id = Some(u.clone());
            append_in(&mut tx, &a, at).await?;
        }
        for u in &added {
            assign_in(&mut tx, id, u, by, at, audit).await?;
        }
        tx.commit().await?;
        self.lp_detail(&self.pool, id).await?.ok_or(StoreError::NotFound)
    }

    async fn unit_liaison(
        &self,
        scope: &Scope,
        unit_id: &str,
    ) -> StoreResult<(Vec<LiaisonPoint>, Vec<LiaisonAssignment>)> {
        let mut qb = QueryBuilder::new("SELECT u.id FROM units u WHERE u.id = ");
        qb.push_bind(unit_id.to_string());
        push_scope(&mut qb, scope);
        if qb.build().fetch_optional(&self.pool).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        let mut qb = QueryBuilder::new(format!(
            "{SELECT} AND EXISTS (SELECT 1 FROM liaison_assignments w WHERE w.point_id = p.id \
             AND w.unassigned_at IS NULL AND w.unit_id = "
        ));
        qb.push_bind(unit_id.to_string()).push(") ORDER BY p.created_at, p.id");
        let rows = qb.build().fetch_all(&self.pool).await?;
        let points = rows
            .iter()
            .map(|r| self.lp_from_row(r))
            .collect::<StoreResult<Vec<_>>>()?;
        let history = lp_history(&self.pool, "a.unit_id", unit_id).await?;
        Ok((points, history))
    }

    async fn officer_liaison_units(&self, user_id: &str) -> StoreResult<Vec<LiaisonUnit>> {
        let rows = sqlx::query(&sql(
            "SELECT a.unit_id, u.name AS unit_name, a.point_id, a.assigned_at FROM liaison_assignments a \
             JOIN liaison_points p ON p.id = a.point_id JOIN units u ON u.id = a.unit_id \
             WHERE p.officer_id = ? AND a.unassigned_at IS NULL ORDER BY u.name, a.unit_id LIMIT 2000",
        ))
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| LiaisonUnit {
                unit_id: r.get("unit_id"),
                unit_name: r.get("unit_name"),
                point_id: r.get("point_id"),
                assigned_at: from_ms(r.get("assigned_at")),
            })
            .collect())
    }
}
