//! SQL of organisation tree administration (compiled once per backend: see `crate::sqlite` and
//! `crate::postgres`).

use super::accounts::end_access;
use super::audit::{append_created, append_in};
use super::common::{escape_like, from_ms, ms};
use super::db::{sql, Db, DbRow};
use super::store::Backend;
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::audit::AuditEntry;
use neibao_domain::ids::new_id;
use neibao_domain::organisations::{
    closed_refusal, closing_refusal, version_conflict, MergeCounts, NewOrgHistory, OrgDetail, OrgHistoryEntry,
};
use neibao_domain::registry::Organisation;
use sqlx::{QueryBuilder, Row};

const COLUMNS: &str = "SELECT o.id, o.name, o.kind, o.division_code, o.parent_id, o.sector, o.version, o.status, \
    o.merged_into, o.closed_at, \
    (SELECT COUNT(*) FROM units u WHERE u.police_station_id = o.id OR u.competent_department_id = o.id) AS n_units, \
    (SELECT COUNT(*) FROM users us WHERE us.org_id = o.id AND NOT us.disabled) AS n_users, \
    (SELECT COUNT(*) FROM organisations c WHERE c.parent_id = o.id AND c.status = 'open') AS n_children \
    FROM organisations o WHERE 1=1";

fn detail_from_row(r: &DbRow) -> OrgDetail {
    OrgDetail {
        org: Organisation {
            id: r.get("id"),
            name: r.get("name"),
            kind: r.get("kind"),
            division_code: r.get("division_code"),
            parent_id: r.get("parent_id"),
            sector: r.get("sector"),
        },
        version: r.get("version"),
        status: r.get("status"),
        merged_into: r.get("merged_into"),
        closed_at: r.get::<Option<i64>, _>("closed_at").map(from_ms),
        units: r.get("n_units"),
        users: r.get("n_users"),
        children: r.get("n_children"),
    }
}

fn json_text(v: &Option<serde_json::Value>) -> Option<String> {
    v.as_ref().map(serde_json::Value::to_string)
}

async fn insert_history(
    tx: &mut sqlx::Transaction<'_, Db>,
    org_id: &str,
    h: &NewOrgHistory,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    sqlx::query(&sql(
        "INSERT INTO organisation_history (id, org_id, action, actor_id, actor_name, at, before_json, after_json, sentence) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    ))
    .bind(new_id())
    .bind(org_id)
    .bind(&h.action)
    .bind(&h.actor_id)
    .bind(&h.actor_name)
    .bind(ms(now))
    .bind(json_text(&h.before))
    .bind(json_text(&h.after))
    .bind(&h.sentence)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Checks inside `tx` that `id` exists, is open and still at `version`.
async fn check_version(tx: &mut sqlx::Transaction<'_, Db>, id: &str, version: i64) -> StoreResult<()> {
    let row = sqlx::query(&sql("SELECT version, status FROM organisations WHERE id = ?"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    if row.get::<String, _>("status") != "open" {
        return Err(StoreError::Domain(closed_refusal()));
    }
    if row.get::<i64, _>("version") != version {
        return Err(StoreError::Domain(version_conflict()));
    }
    Ok(())
}

/// Raises the version of `id` from `version`; a concurrent change in between is a conflict.
async fn bump(tx: &mut sqlx::Transaction<'_, Db>, id: &str, version: i64) -> StoreResult<()> {
    let n = sqlx::query(&sql(
        "UPDATE organisations SET version = version + 1 WHERE id = ? AND version = ?",
    ))
    .bind(id)
    .bind(version)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::Domain(version_conflict()));
    }
    Ok(())
}

async fn count(tx: &mut sqlx::Transaction<'_, Db>, query: &str, id: &str) -> StoreResult<i64> {
    let n: i64 = sqlx::query_scalar(&sql(query)).bind(id).fetch_one(&mut **tx).await?;
    Ok(n)
}

#[async_trait]
impl OrgAdminRepo for Backend {
    async fn list_org_details(&self, prefix: Option<&str>, include_closed: bool) -> StoreResult<Vec<OrgDetail>> {
        let mut qb = QueryBuilder::<Db>::new(COLUMNS);
        if let Some(p) = prefix {
            qb.push(" AND o.division_code LIKE ")
                .push_bind(format!("{}%", escape_like(p)))
                .push(" ESCAPE '\\'");
        }
        if !include_closed {
            qb.push(" AND o.status = 'open'");
        }
        qb.push(" ORDER BY o.division_code, o.name, o.id");
        let rows = qb.build().fetch_all(&self.pool).await?;
        Ok(rows.iter().map(detail_from_row).collect())
    }

    async fn get_org_detail(&self, id: &str) -> StoreResult<OrgDetail> {
        let row = sqlx::query(&sql(&format!("{COLUMNS} AND o.id = ?")))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(detail_from_row).ok_or(StoreError::NotFound)
    }

    async fn create_org(
        &self,
        o: &Organisation,
        history: &NewOrgHistory,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(&sql(
            "INSERT INTO organisations (id, name, kind, division_code, parent_id, sector, version, status) \
             VALUES (?, ?, ?, ?, ?, ?, 1, 'open')",
        ))
        .bind(&o.id)
        .bind(&o.name)
        .bind(&o.kind)
        .bind(&o.division_code)
        .bind(&o.parent_id)
        .bind(&o.sector)
        .execute(&mut *tx)
        .await?;
        insert_history(&mut tx, &o.id, history, now).await?;
        append_created(&mut tx, audit, &o.id, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn update_org(
        &self,
        id: &str,
        version: i64,
        name: &str,
        sector: Option<&str>,
        parent_id: Option<&str>,
        history: &NewOrgHistory,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        check_version(&mut tx, id, version).await?;
        if let Some(p) = parent_id {
            // The new parent must still be open when the change commits.
            let open: Option<String> =
                sqlx::query_scalar(&sql("SELECT id FROM organisations WHERE id = ? AND status = 'open'"))
                    .bind(p)
                    .fetch_optional(&mut *tx)
                    .await?;
            if open.is_none() {
                return Err(StoreError::Domain(neibao_domain::error::DomainError::with_message(
                    neibao_domain::error::ErrorCode::ValidationFailed,
                    "所选上级组织不存在或已撤销",
                )));
            }
        }
        sqlx::query(&sql(
            "UPDATE organisations SET name = ?, sector = ?, parent_id = ? WHERE id = ?",
        ))
        .bind(name)
        .bind(sector)
        .bind(parent_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        bump(&mut tx, id, version).await?;
        insert_history(&mut tx, id, history, now).await?;
        append_in(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn merge_org(
        &self,
        source: &str,
        version: i64,
        target: &str,
        history: (&NewOrgHistory, &NewOrgHistory),
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<MergeCounts> {
        let mut tx = self.begin_write().await?;
        check_version(&mut tx, source, version).await?;
        let target_version: i64 = sqlx::query_scalar(&sql(
            "SELECT version FROM organisations WHERE id = ? AND status = 'open'",
        ))
        .bind(target)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| {
            StoreError::Domain(neibao_domain::error::DomainError::with_message(
                neibao_domain::error::ErrorCode::ValidationFailed,
                "合并目标组织不存在或已撤销",
            ))
        })?;
        let mut moved = MergeCounts::default();
        for column in ["police_station_id", "competent_department_id"] {
            moved.units += sqlx::query(&sql(&format!(
                "UPDATE units SET {column} = ?, updated_at = ? WHERE {column} = ?"
            )))
            .bind(target)
            .bind(ms(now))
            .bind(source)
            .execute(&mut *tx)
            .await?
            .rows_affected() as i64;
        }
        let users: Vec<String> = sqlx::query_scalar(&sql("SELECT id FROM users WHERE org_id = ?"))
            .bind(source)
            .fetch_all(&mut *tx)
            .await?;
        sqlx::query(&sql("UPDATE users SET org_id = ? WHERE org_id = ?"))
            .bind(target)
            .bind(source)
            .execute(&mut *tx)
            .await?;
        for user in &users {
            end_access(&mut tx, user, now).await?;
        }
        moved.users = users.len() as i64;
        moved.children = sqlx::query(&sql("UPDATE organisations SET parent_id = ? WHERE parent_id = ?"))
            .bind(target)
            .bind(source)
            .execute(&mut *tx)
            .await?
            .rows_affected() as i64;
        sqlx::query(&sql(
            "UPDATE organisations SET status = 'closed', merged_into = ?, closed_at = ? WHERE id = ?",
        ))
        .bind(target)
        .bind(ms(now))
        .bind(source)
        .execute(&mut *tx)
        .await?;
        bump(&mut tx, source, version).await?;
        bump(&mut tx, target, target_version).await?;
        insert_history(&mut tx, source, history.0, now).await?;
        insert_history(&mut tx, target, history.1, now).await?;
        append_in(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(moved)
    }

    async fn close_org(
        &self,
        id: &str,
        version: i64,
        history: &NewOrgHistory,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        check_version(&mut tx, id, version).await?;
        let units: i64 = sqlx::query_scalar(&sql(
            "SELECT COUNT(*) FROM units WHERE police_station_id = ? OR competent_department_id = ?",
        ))
        .bind(id)
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        let users = count(
            &mut tx,
            "SELECT COUNT(*) FROM users WHERE org_id = ? AND NOT disabled",
            id,
        )
        .await?;
        let children = count(
            &mut tx,
            "SELECT COUNT(*) FROM organisations WHERE parent_id = ? AND status = 'open'",
            id,
        )
        .await?;
        if let Some(refusal) = closing_refusal(units, users, children) {
            return Err(StoreError::Domain(refusal));
        }
        sqlx::query(&sql(
            "UPDATE organisations SET status = 'closed', closed_at = ? WHERE id = ?",
        ))
        .bind(ms(now))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        bump(&mut tx, id, version).await?;
        insert_history(&mut tx, id, history, now).await?;
        append_in(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn org_history(&self, id: &str) -> StoreResult<Vec<OrgHistoryEntry>> {
        let rows = sqlx::query(&sql(
            "SELECT id, org_id, action, actor_name, at, before_json, after_json, sentence \
             FROM organisation_history WHERE org_id = ? ORDER BY at, id",
        ))
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
        Ok(rows
            .iter()
            .map(|r| OrgHistoryEntry {
                id: r.get("id"),
                org_id: r.get("org_id"),
                action: r.get("action"),
                actor_name: r.get("actor_name"),
                at: from_ms(r.get("at")),
                before: parse(r.get("before_json")),
                after: parse(r.get("after_json")),
                sentence: r.get("sentence"),
            })
            .collect())
    }
}
