//! SQL of bulletins (compiled once per backend: see `crate::sqlite` and `crate::postgres`).

use super::audit::append_in;
use super::common::{from_ms, ms, opt_ms, paged, push_scope};
use super::db::{sql, Db, DbRow};
use super::store::Backend;
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::bulletins::*;
use neibao_domain::jobs::NewJob;
use neibao_domain::paging::{Listing, Page};
use sqlx::{QueryBuilder, Row};

/// Most units one bulletin reaches.
const MAX_UNITS: i64 = 20_000;

fn bulletin_from_row(r: &DbRow) -> Bulletin {
    Bulletin {
        id: r.get("id"),
        direction: Direction::from_code(r.get::<&str, _>("direction")),
        kind: BulletinKind::from_code(r.get::<&str, _>("kind")).unwrap_or(BulletinKind::RiskWarning),
        severity: Severity::from_code(r.get::<&str, _>("severity")).unwrap_or(Severity::Normal),
        title: r.get("title"),
        body: r.get("body"),
        division_prefix: r.get("division_prefix"),
        unit_set: serde_json::from_str(r.get::<&str, _>("unit_set")).unwrap_or_default(),
        ack_deadline: opt_ms(r, "ack_deadline"),
        reply_requested: r.get("reply_requested"),
        from_unit_id: r.get("from_unit_id"),
        from_unit_name: r.get("from_unit_name"),
        org_id: r.get("org_id"),
        org_name: r.get("org_name"),
        created_by: r.get("created_by"),
        created_by_name: r.get("created_by_name"),
        created_at: from_ms(r.get("created_at")),
        recipient_count: r.get("recipients"),
        police_reply: r.get::<Option<String>, _>("police_reply").map(|text| PoliceReply {
            text,
            by: r.get::<Option<String>, _>("police_reply_by").unwrap_or_default(),
            by_name: r.get::<Option<String>, _>("police_reply_by_name").unwrap_or_default(),
            at: opt_ms(r, "police_reply_at").unwrap_or_else(|| from_ms(0)),
        }),
        my_read_at: None,
        my_acknowledged_at: None,
    }
}

fn recipient_from_row(r: &DbRow) -> Recipient {
    Recipient {
        bulletin_id: r.get("bulletin_id"),
        unit_id: r.get("unit_id"),
        unit_name: r.get("unit_name"),
        division_code: r.get("division_code"),
        read_at: opt_ms(r, "read_at"),
        read_by: r.get("read_by"),
        acknowledged_at: opt_ms(r, "ack_at"),
        acknowledged_by: r.get("ack_by"),
        reply: r.get("reply"),
        reminded_at: opt_ms(r, "reminded_at"),
    }
}

async fn bulletin_in<'e, E>(exec: E, id: &str) -> StoreResult<Option<Bulletin>>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    Ok(sqlx::query(&sql("SELECT * FROM bulletins WHERE id = ?"))
        .bind(id)
        .fetch_optional(exec)
        .await?
        .as_ref()
        .map(bulletin_from_row))
}

async fn recipient_in<'e, E>(exec: E, id: &str, unit_id: &str) -> StoreResult<Option<Recipient>>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    Ok(sqlx::query(&sql(
        "SELECT * FROM bulletin_recipients WHERE bulletin_id = ? AND unit_id = ?",
    ))
    .bind(id)
    .bind(unit_id)
    .fetch_optional(exec)
    .await?
    .as_ref()
    .map(recipient_from_row))
}

fn with_object(audit: &AuditEntry, id: &str) -> AuditEntry {
    let mut a = audit.clone();
    if a.object_id.is_empty() {
        a.object_id = id.to_string();
    }
    a
}

/// ` AND (<visible to scope>)` for the bulletin aliased `b`.
fn push_visible(qb: &mut QueryBuilder<'_, Db>, scope: &Scope) {
    qb.push(
        " AND ((b.direction = 'down' AND EXISTS (SELECT 1 FROM bulletin_recipients r JOIN units u ON u.id = r.unit_id \
         WHERE r.bulletin_id = b.id",
    );
    push_scope(qb, scope);
    qb.push(")) OR (b.direction = 'up' AND EXISTS (SELECT 1 FROM units u WHERE u.id = b.from_unit_id");
    push_scope(qb, scope);
    qb.push(")))");
}

#[async_trait]
impl BulletinRepo for Backend {
    async fn create_bulletin(
        &self,
        scope: &Scope,
        b: &NewBulletin,
        job: Option<&NewJob>,
        audit: &AuditEntry,
    ) -> StoreResult<(Bulletin, Vec<Recipient>)> {
        let at = b.created_at;
        let mut tx = self.begin_write().await?;
        let units = if b.direction == Direction::Down {
            super::unit_set::resolve(&mut tx, scope, &b.division_prefix, &b.unit_set, MAX_UNITS, "通报").await?
        } else {
            Vec::new()
        };
        sqlx::query(&sql(
            "INSERT INTO bulletins (id, direction, kind, severity, title, body, division_prefix, unit_set, ack_deadline, \
             reply_requested, from_unit_id, from_unit_name, org_id, org_name, created_by, created_by_name, created_at, \
             recipients) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(&b.id)
        .bind(b.direction.code())
        .bind(b.kind.code())
        .bind(b.severity.code())
        .bind(&b.title)
        .bind(&b.body)
        .bind(&b.division_prefix)
        .bind(serde_json::to_string(&b.unit_set).unwrap_or_else(|_| "{}".into()))
        .bind(b.ack_deadline.map(ms))
        .bind(b.reply_requested)
        .bind(&b.from_unit_id)
        .bind(&b.from_unit_name)
        .bind(&b.org_id)
        .bind(&b.org_name)
        .bind(&b.created_by)
        .bind(&b.created_by_name)
        .bind(ms(at))
        .bind(units.len() as i64)
        .execute(&mut *tx)
        .await?;
        for u in &units {
            sqlx::query(&sql(
                "INSERT INTO bulletin_recipients (bulletin_id, unit_id, unit_name, division_code) VALUES (?, ?, ?, ?)",
            ))
            .bind(&b.id)
            .bind(&u.id)
            .bind(&u.name)
            .bind(&u.division_code)
            .execute(&mut *tx)
            .await?;
        }
        if let Some(job) = job {
            super::jobs::insert_in(&mut tx, job, at).await?;
        }
        let mut a = with_object(audit, &b.id);
        a.detail = serde_json::json!({
            "direction": b.direction.code(),
            "kind": b.kind.code(),
            "division_prefix": b.division_prefix,
            "units": units.len(),
        })
        .to_string();
        append_in(&mut tx, &a, at).await?;
        let bulletin = bulletin_in(&mut *tx, &b.id).await?.ok_or(StoreError::NotFound)?;
        let recipients = sqlx::query(&sql(
            "SELECT * FROM bulletin_recipients WHERE bulletin_id = ? ORDER BY division_code, unit_name, unit_id",
        ))
        .bind(&b.id)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(recipient_from_row)
        .collect();
        tx.commit().await?;
        Ok((bulletin, recipients))
    }

    async fn bulletin(&self, scope: &Scope, id: &str) -> StoreResult<Option<(Bulletin, Vec<Recipient>)>> {
        let mut qb = QueryBuilder::new("SELECT b.* FROM bulletins b WHERE b.id = ");
        qb.push_bind(id.to_string());
        push_visible(&mut qb, scope);
        let Some(row) = qb.build().fetch_optional(&self.pool).await? else {
            return Ok(None);
        };
        let bulletin = bulletin_from_row(&row);
        let mut qb = QueryBuilder::new(
            "SELECT r.* FROM bulletin_recipients r JOIN units u ON u.id = r.unit_id WHERE r.bulletin_id = ",
        );
        qb.push_bind(id.to_string());
        push_scope(&mut qb, scope);
        qb.push(" ORDER BY r.division_code, r.unit_name, r.unit_id");
        let recipients = qb
            .build()
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(recipient_from_row)
            .collect();
        Ok(Some((bulletin, recipients)))
    }

    async fn bulletins(
        &self,
        scope: &Scope,
        direction: Option<Direction>,
        page: Page,
    ) -> StoreResult<Listing<Bulletin>> {
        let filter = |qb: &mut QueryBuilder<'_, Db>| {
            push_visible(qb, scope);
            if let Some(d) = direction {
                qb.push(" AND b.direction = ").push_bind(d.code());
            }
        };
        let mut listing = paged(
            &self.pool,
            "FROM bulletins b WHERE 1=1",
            "SELECT b.* FROM bulletins b WHERE 1=1",
            filter,
            "b.created_at DESC, b.id",
            page,
            bulletin_from_row,
        )
        .await?;
        // A unit's own receipts of the bulletins listed.
        if let (Scope::Unit { unit_id }, false) = (scope, listing.items.is_empty()) {
            let mut qb =
                QueryBuilder::new("SELECT bulletin_id, read_at, ack_at FROM bulletin_recipients WHERE unit_id = ");
            qb.push_bind(unit_id.clone()).push(" AND bulletin_id IN (");
            let mut sep = qb.separated(", ");
            for b in &listing.items {
                sep.push_bind(b.id.clone());
            }
            qb.push(")");
            for r in qb.build().fetch_all(&self.pool).await? {
                let id: String = r.get("bulletin_id");
                if let Some(b) = listing.items.iter_mut().find(|b| b.id == id) {
                    b.my_read_at = opt_ms(&r, "read_at");
                    b.my_acknowledged_at = opt_ms(&r, "ack_at");
                }
            }
        }
        Ok(listing)
    }

    async fn read_bulletin(
        &self,
        id: &str,
        unit_id: &str,
        by: &str,
        at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(&sql("UPDATE bulletin_recipients SET read_at = ?, read_by = ? \
             WHERE bulletin_id = ? AND unit_id = ? AND read_at IS NULL"))
        .bind(ms(at))
        .bind(by)
        .bind(id)
        .bind(unit_id)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            > 0;
        if done {
            append_in(&mut tx, &with_object(audit, id), at).await?;
        }
        tx.commit().await?;
        Ok(done)
    }

    async fn acknowledge_bulletin(
        &self,
        id: &str,
        unit_id: &str,
        by: &str,
        reply: Option<&str>,
        at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> StoreResult<Recipient> {
        let mut tx = self.begin_write().await?;
        let current = recipient_in(&mut *tx, id, unit_id).await?.ok_or(StoreError::NotFound)?;
        if current.acknowledged_at.is_some() {
            return Ok(current);
        }
        sqlx::query(&sql(
            "UPDATE bulletin_recipients SET ack_at = ?, ack_by = ?, reply = ?, \
             read_at = COALESCE(read_at, ?), read_by = COALESCE(read_by, ?) \
             WHERE bulletin_id = ? AND unit_id = ? AND ack_at IS NULL",
        ))
        .bind(ms(at))
        .bind(by)
        .bind(reply)
        .bind(ms(at))
        .bind(by)
        .bind(id)
        .bind(unit_id)
        .execute(&mut *tx)
        .await?;
        append_in(&mut tx, &with_object(audit, id), at).await?;
        let row = recipient_in(&mut *tx, id, unit_id).await?.ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(row)
    }

    async fn remind_bulletin(&self, id: &str, at: DateTime<Utc>, audit: &AuditEntry) -> StoreResult<Vec<Recipient>> {
        let mut tx = self.begin_write().await?;
        let due: Vec<Recipient> = sqlx::query(&sql(
            "SELECT * FROM bulletin_recipients WHERE bulletin_id = ? AND ack_at IS NULL AND reminded_at IS NULL \
             ORDER BY division_code, unit_name, unit_id",
        ))
        .bind(id)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(recipient_from_row)
        .collect();
        if due.is_empty() {
            return Ok(due);
        }
        sqlx::query(&sql(
            "UPDATE bulletin_recipients SET reminded_at = ? WHERE bulletin_id = ? AND ack_at IS NULL AND reminded_at IS NULL",
        ))
        .bind(ms(at))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let mut a = with_object(audit, id);
        a.detail = serde_json::json!({ "units": due.len() }).to_string();
        append_in(&mut tx, &a, at).await?;
        tx.commit().await?;
        Ok(due)
    }

    async fn reply_to_bulletin(
        &self,
        id: &str,
        reply: &PoliceReply,
        audit: &AuditEntry,
    ) -> StoreResult<(Bulletin, bool)> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(&sql(
            "UPDATE bulletins SET police_reply = ?, police_reply_by = ?, police_reply_by_name = ?, police_reply_at = ? \
             WHERE id = ? AND direction = 'up' AND police_reply IS NULL",
        ))
        .bind(&reply.text)
        .bind(&reply.by)
        .bind(&reply.by_name)
        .bind(ms(reply.at))
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            > 0;
        if done {
            append_in(&mut tx, &with_object(audit, id), reply.at).await?;
        }
        let b = bulletin_in(&mut *tx, id).await?.ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok((b, done))
    }
}
