//! SQL of the registry's lifecycle (compiled once per backend: see `crate::sqlite` and
//! `crate::postgres`): moves, edits and state changes of units, key areas and devices with their
//! versions and history rows (docs/REGISTRY.md).

use super::audit::append_in;
use super::common::{from_ms, ms, push_scope};
use super::db::{sql, Db};
use super::registry::{check_and_bump, insert_history, key_area_from_row};
use super::store::Backend;
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::error::{DomainError, ErrorCode};
use neibao_domain::registry::{HistoryEntry, KeyArea, LifeAction, LifeState, NewHistory, Unit};
use sqlx::{QueryBuilder, Row};

fn refused(code: ErrorCode, message: impl Into<String>) -> StoreError {
    StoreError::Domain(DomainError::with_message(code, message))
}

async fn count(tx: &mut sqlx::Transaction<'_, Db>, query: &str, id: &str) -> StoreResult<i64> {
    let n: i64 = sqlx::query_scalar(&sql(query)).bind(id).fetch_one(&mut **tx).await?;
    Ok(n)
}

/// Sets the state of the row `id` of `table` after `action`, from `before`.
async fn write_state(
    tx: &mut sqlx::Transaction<'_, Db>,
    table: &'static str,
    id: &str,
    before: LifeState,
    action: LifeAction,
    what: &str,
) -> StoreResult<LifeState> {
    let after = action.apply(before, what).map_err(StoreError::Domain)?;
    sqlx::query(&sql(&format!("UPDATE {table} SET state = ? WHERE id = ?")))
        .bind(after.code())
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(after)
}

/// The unit and version of a device in scope.
async fn device_owner(b: &Backend, scope: &Scope, id: &str) -> StoreResult<(String, i64)> {
    let mut qb = QueryBuilder::<Db>::new(
        "SELECT dv.unit_id, dv.version FROM devices dv JOIN units u ON u.id = dv.unit_id WHERE dv.id = ",
    );
    qb.push_bind(id.to_string());
    push_scope(&mut qb, scope);
    let row = qb.build().fetch_optional(&b.pool).await?.ok_or(StoreError::NotFound)?;
    Ok((row.get("unit_id"), row.get("version")))
}

#[async_trait]
impl LifecycleRepo for Backend {
    async fn move_unit(
        &self,
        scope: &Scope,
        id: &str,
        version: i64,
        station_id: Option<&str>,
        department_id: Option<&str>,
        history: &NewHistory,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Unit> {
        self.get_unit(scope, id).await?;
        let mut tx = self.begin_write().await?;
        check_and_bump(&mut tx, "units", id, version, "单位").await?;
        // The new station and department must still be open when the move commits.
        for (org, kind, label) in [
            (station_id, "police_station", "派出所"),
            (department_id, "department", "行业主管部门"),
        ] {
            if let Some(org) = org {
                let found: Option<String> =
                    sqlx::query_scalar(&sql("SELECT kind FROM organisations WHERE id = ? AND status = 'open'"))
                        .bind(org)
                        .fetch_optional(&mut *tx)
                        .await?;
                if found.as_deref() != Some(kind) {
                    return Err(refused(
                        ErrorCode::ValidationFailed,
                        format!("所选{label}不存在或已撤销"),
                    ));
                }
            }
        }
        sqlx::query(&sql(
            "UPDATE units SET police_station_id = ?, competent_department_id = ?, updated_at = ? WHERE id = ?",
        ))
        .bind(station_id)
        .bind(department_id)
        .bind(ms(now))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        insert_history(&mut tx, id, "unit", id, version + 1, history, now).await?;
        append_in(&mut tx, audit, now).await?;
        tx.commit().await?;
        // The unit may have left the caller's jurisdiction; read it back unscoped.
        self.get_unit(&Scope::All, id).await
    }

    async fn set_unit_state(
        &self,
        scope: &Scope,
        id: &str,
        version: i64,
        action: LifeAction,
        history: &NewHistory,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Unit> {
        self.get_unit(scope, id).await?;
        let mut tx = self.begin_write().await?;
        let before = check_and_bump(&mut tx, "units", id, version, "单位").await?;
        if action == LifeAction::Close {
            // Decree 421 Art 19 and the rectification ladder: an order still running must be
            // ended (closed, fined or transferred) before the unit leaves the registry.
            let hazards = count(
                &mut tx,
                "SELECT COUNT(*) FROM hazards WHERE unit_id = ? AND phase NOT IN ('closed','fine_decided','criminal_transfer')",
                id,
            )
            .await?;
            let inspections = count(
                &mut tx,
                "SELECT COUNT(*) FROM inspections WHERE unit_id = ? AND status <> 'submitted'",
                id,
            )
            .await?;
            if hazards > 0 || inspections > 0 {
                let mut parts = Vec::new();
                if hazards > 0 {
                    parts.push(format!("未办结的隐患（含整改指令） {hazards} 条"));
                }
                if inspections > 0 {
                    parts.push(format!("未提交的检查 {inspections} 次"));
                }
                return Err(refused(
                    ErrorCode::InvalidTransition,
                    format!("该单位仍有{}，不能注销；请先办结后再注销", parts.join("、")),
                ));
            }
        }
        let after = write_state(&mut tx, "units", id, before, action, "单位").await?;
        let closed_at = (after == LifeState::Closed).then(|| ms(now));
        sqlx::query(&sql("UPDATE units SET closed_at = ?, updated_at = ? WHERE id = ?"))
            .bind(closed_at)
            .bind(ms(now))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        insert_history(&mut tx, id, "unit", id, version + 1, history, now).await?;
        append_in(&mut tx, audit, now).await?;
        tx.commit().await?;
        self.get_unit(&Scope::All, id).await
    }

    async fn get_key_area(&self, scope: &Scope, id: &str) -> StoreResult<KeyArea> {
        let mut qb =
            QueryBuilder::<Db>::new("SELECT ka.* FROM key_areas ka JOIN units u ON u.id = ka.unit_id WHERE ka.id = ");
        qb.push_bind(id.to_string());
        push_scope(&mut qb, scope);
        let row = qb
            .build()
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(key_area_from_row(&row))
    }

    async fn update_key_area(
        &self,
        scope: &Scope,
        id: &str,
        version: i64,
        name: &str,
        description: &str,
        history: &NewHistory,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<KeyArea> {
        let area = self.get_key_area(scope, id).await?;
        // A description sent back as shown (masked) keeps its sealed plaintext, as for units.
        let (description, sealed) = self.cipher.seal_free_text("key_areas", "description", description);
        let mut tx = self.begin_write().await?;
        check_and_bump(&mut tx, "key_areas", id, version, "重要部位").await?;
        sqlx::query(&sql("UPDATE key_areas SET name = ?, \
             description_sealed = CASE WHEN description = ? THEN description_sealed ELSE ? END, description = ? \
             WHERE id = ?"))
        .bind(name)
        .bind(&description)
        .bind(&sealed)
        .bind(&description)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        insert_history(&mut tx, &area.unit_id, "key_area", id, version + 1, history, now).await?;
        append_in(&mut tx, audit, now).await?;
        tx.commit().await?;
        self.get_key_area(&Scope::All, id).await
    }

    async fn set_key_area_state(
        &self,
        scope: &Scope,
        id: &str,
        version: i64,
        action: LifeAction,
        history: &NewHistory,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<KeyArea> {
        let area = self.get_key_area(scope, id).await?;
        let mut tx = self.begin_write().await?;
        let before = check_and_bump(&mut tx, "key_areas", id, version, "重要部位").await?;
        if action == LifeAction::Close {
            let devices = count(
                &mut tx,
                "SELECT COUNT(*) FROM devices WHERE key_area_id = ? AND state <> 'closed'",
                id,
            )
            .await?;
            if devices > 0 {
                return Err(refused(
                    ErrorCode::InvalidTransition,
                    format!("该重要部位仍有未注销的设备 {devices} 台，不能注销；请先将设备移到其他部位或注销设备"),
                ));
            }
        }
        write_state(&mut tx, "key_areas", id, before, action, "重要部位").await?;
        insert_history(&mut tx, &area.unit_id, "key_area", id, version + 1, history, now).await?;
        append_in(&mut tx, audit, now).await?;
        tx.commit().await?;
        self.get_key_area(&Scope::All, id).await
    }

    async fn update_device(
        &self,
        scope: &Scope,
        id: &str,
        version: i64,
        name: &str,
        key_area_id: Option<&str>,
        time_zone: Option<&str>,
        history: &NewHistory,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let (unit_id, _) = device_owner(self, scope, id).await?;
        let mut tx = self.begin_write().await?;
        check_and_bump(&mut tx, "devices", id, version, "设备").await?;
        if let Some(ka) = key_area_id {
            let row = sqlx::query(&sql("SELECT unit_id, state FROM key_areas WHERE id = ?"))
                .bind(ka)
                .fetch_optional(&mut *tx)
                .await?;
            let fits = row.is_some_and(|r| {
                r.get::<String, _>("unit_id") == unit_id && r.get::<String, _>("state") != LifeState::Closed.code()
            });
            if !fits {
                return Err(refused(ErrorCode::ValidationFailed, "重要部位不属于该单位或已注销"));
            }
        }
        sqlx::query(&sql(
            "UPDATE devices SET name = ?, key_area_id = ?, time_zone = ? WHERE id = ?",
        ))
        .bind(name)
        .bind(key_area_id)
        .bind(time_zone)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        insert_history(&mut tx, &unit_id, "device", id, version + 1, history, now).await?;
        append_in(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn set_device_state(
        &self,
        scope: &Scope,
        id: &str,
        version: i64,
        action: LifeAction,
        history: &NewHistory,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let (unit_id, _) = device_owner(self, scope, id).await?;
        let mut tx = self.begin_write().await?;
        let before = check_and_bump(&mut tx, "devices", id, version, "设备").await?;
        write_state(&mut tx, "devices", id, before, action, "设备").await?;
        insert_history(&mut tx, &unit_id, "device", id, version + 1, history, now).await?;
        append_in(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn unit_history(&self, scope: &Scope, unit_id: &str) -> StoreResult<Vec<HistoryEntry>> {
        let mut qb = QueryBuilder::<Db>::new(
            "SELECT h.* FROM registry_history h JOIN units u ON u.id = h.unit_id WHERE h.unit_id = ",
        );
        qb.push_bind(unit_id.to_string());
        push_scope(&mut qb, scope);
        qb.push(" ORDER BY h.at DESC, h.id DESC LIMIT 500");
        let rows = qb.build().fetch_all(&self.pool).await?;
        Ok(rows
            .iter()
            .map(|r| HistoryEntry {
                id: r.get("id"),
                unit_id: r.get("unit_id"),
                object_type: r.get("object_type"),
                object_id: r.get("object_id"),
                action: r.get("action"),
                actor_name: r.get("actor_name"),
                at: from_ms(r.get("at")),
                version: r.get("version"),
                sentence: r.get("sentence"),
            })
            .collect())
    }
}
