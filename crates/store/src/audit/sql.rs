//! SQL of audit (compiled once per backend: see `crate::sqlite` and `crate::postgres`).

use super::common::{ms, push_scope};
use super::db::{sql, DbRow, FOR_UPDATE};
use super::store::Backend;
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::{link_hash, AuditEntry, AuditFilter, AuditHead, AuditRecord};
use neibao_domain::paging::{Listing, Page};
use sqlx::{QueryBuilder, Row};

fn audit_from_row(r: &DbRow) -> AuditRecord {
    AuditRecord {
        seq: r.get("seq"),
        at: r.get("at"),
        entry: AuditEntry {
            actor_id: r.get("actor_id"),
            actor_name: r.get("actor_name"),
            action: r.get("action"),
            object_type: r.get("object_type"),
            object_id: r.get("object_id"),
            unit_id: r.get("unit_id"),
            purpose: r.get("purpose"),
            detail: r.get("detail"),
        },
        prev_hash: r.get("prev_hash"),
        hash: r.get("hash"),
    }
}

/// Appends `e` to the chain inside `tx` (which must be a write transaction): locks the head,
/// links the row to it and moves it.
pub(crate) async fn append_in(
    tx: &mut sqlx::Transaction<'_, super::db::Db>,
    e: &AuditEntry,
    now: DateTime<Utc>,
) -> StoreResult<AuditRecord> {
    // A missing head is a broken log, not a missing object: the change fails as an internal
    // error.
    let (last_seq, last_hash): (i64, String) = sqlx::query_as(&sql(&format!(
        "SELECT last_seq, last_hash FROM audit_head WHERE id = 1{FOR_UPDATE}"
    )))
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| StoreError::Other(anyhow::anyhow!("the audit log has no head row")))?;
    let at = ms(now);
    let seq = last_seq + 1;
    let hash = link_hash(&last_hash, at, e);
    sqlx::query(&sql("INSERT INTO audit_log (seq, at, actor_id, actor_name, action, object_type, object_id, unit_id, purpose, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"))
        .bind(seq)
        .bind(at)
        .bind(&e.actor_id)
        .bind(&e.actor_name)
        .bind(&e.action)
        .bind(&e.object_type)
        .bind(&e.object_id)
        .bind(&e.unit_id)
        .bind(&e.purpose)
        .bind(&e.detail)
        .bind(&last_hash)
        .bind(&hash)
        .execute(&mut **tx)
        .await?;
    sqlx::query(&sql("UPDATE audit_head SET last_seq = ?, last_hash = ? WHERE id = 1"))
        .bind(seq)
        .bind(&hash)
        .execute(&mut **tx)
        .await?;
    Ok(AuditRecord {
        seq,
        at,
        entry: e.clone(),
        prev_hash: last_hash,
        hash,
    })
}

/// Appends the audit entry of a create inside `tx`: an empty `object_id` becomes the new
/// object's id.
pub(crate) async fn append_created(
    tx: &mut sqlx::Transaction<'_, super::db::Db>,
    e: &AuditEntry,
    id: &str,
    now: DateTime<Utc>,
) -> StoreResult<AuditRecord> {
    if e.object_id.is_empty() {
        let e = AuditEntry {
            object_id: id.to_string(),
            ..e.clone()
        };
        append_in(tx, &e, now).await
    } else {
        append_in(tx, e, now).await
    }
}

#[async_trait]
impl AuditRepo for Backend {
    /// Appends one entry to the chain under the head's row lock (one appender at a time on
    /// every node).
    async fn append_audit(&self, e: &AuditEntry, now: DateTime<Utc>) -> StoreResult<AuditRecord> {
        let mut tx = self.begin_write().await?;
        let rec = append_in(&mut tx, e, now).await?;
        tx.commit().await?;
        Ok(rec)
    }

    async fn audit_head(&self) -> StoreResult<AuditHead> {
        let r = sqlx::query(&sql(
            "SELECT first_seq, first_prev_hash, last_seq, last_hash FROM audit_head WHERE id = 1",
        ))
        .fetch_one(&self.pool)
        .await?;
        Ok(AuditHead {
            first_seq: r.get("first_seq"),
            first_prev_hash: r.get("first_prev_hash"),
            last_seq: r.get("last_seq"),
            last_hash: r.get("last_hash"),
        })
    }

    /// Rows after `after_seq` in sequence order, at most `limit` (for verification).
    async fn audit_rows(&self, after_seq: i64, limit: i64) -> StoreResult<Vec<AuditRecord>> {
        let rows = sqlx::query(&sql("SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?"))
            .bind(after_seq)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(audit_from_row).collect())
    }

    /// Newest first. `Scope::All` sees every row; other scopes see the rows about their units,
    /// the rows written by the users of their units, and the rows of their own actions
    /// (`viewer`).
    async fn list_audit(
        &self,
        scope: &Scope,
        viewer: &str,
        f: &AuditFilter,
        page: Page,
    ) -> StoreResult<Listing<AuditRecord>> {
        let all = *scope == Scope::All;
        let from = if all {
            "FROM audit_log a WHERE 1=1"
        } else {
            "FROM audit_log a LEFT JOIN units u ON u.id = a.unit_id WHERE 1=1"
        };
        let filters = |qb: &mut QueryBuilder<'_, super::db::Db>| {
            if !all {
                // Own actions; rows about a unit in scope; rows written by a user of a unit in
                // scope (a unit manager's sign-ins, password changes, refused attempts …).
                qb.push(" AND (a.actor_id = ").push_bind(viewer.to_string());
                qb.push(" OR (u.id IS NOT NULL");
                push_scope(qb, scope);
                qb.push(") OR a.actor_id IN (SELECT au.id FROM users au JOIN units u ON u.id = au.unit_id WHERE 1=1");
                push_scope(qb, scope);
                qb.push("))");
            }
            if let Some(a) = f.action.as_ref().filter(|a| !a.is_empty()) {
                qb.push(" AND a.action LIKE ")
                    .push_bind(format!("{}%", super::common::escape_like(a)))
                    .push(" ESCAPE '\\'");
            }
            if let Some(a) = f.actor.as_ref().filter(|a| !a.is_empty()) {
                qb.push(" AND a.actor_name = ").push_bind(a.clone());
            }
            if let Some(o) = f.object_id.as_ref().filter(|o| !o.is_empty()) {
                qb.push(" AND a.object_id = ").push_bind(o.clone());
            }
        };
        super::common::paged(
            &self.pool,
            from,
            &format!("SELECT a.* {from}"),
            filters,
            "a.seq DESC",
            page,
            audit_from_row,
        )
        .await
    }
}
