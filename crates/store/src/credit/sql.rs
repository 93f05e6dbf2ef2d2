//! SQL of manual credit entries and objections (compiled once per backend: see `crate::sqlite`
//! and `crate::postgres`).

use super::audit::append_in;
use super::common::{from_ms, ms, opt_ms, paged, push_scope};
use super::db::{sql, Db, DbRow};
use super::store::Backend;
use super::supervision::credit_from_row;
use crate::credit::CreditEntryRepo;
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::credit::*;
use neibao_domain::error::{DomainError, ErrorCode};
use neibao_domain::jobs::NewJob;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::supervision::credit::EntryKind;
use neibao_domain::supervision::CreditRecord;
use sqlx::{QueryBuilder, Row};

const SELECT: &str = "SELECT o.*, u.name AS unit_name, cr.kind AS record_kind, cr.basis AS record_basis, \
     COALESCE(cr.recorded_org_id, u.police_station_id) AS review_org_id \
     FROM credit_objections o JOIN credit_records cr ON cr.id = o.record_id JOIN units u ON u.id = o.unit_id WHERE 1=1";
const FROM: &str = "FROM credit_objections o JOIN units u ON u.id = o.unit_id WHERE 1=1";

fn from_row(r: &DbRow) -> Objection {
    let kind = EntryKind::from_code(r.get::<&str, _>("record_kind")).unwrap_or(EntryKind::OtherViolation);
    let state = ObjectionState::from_code(r.get::<&str, _>("state")).unwrap_or(ObjectionState::Pending);
    Objection {
        id: r.get("id"),
        record_id: r.get("record_id"),
        unit_id: r.get("unit_id"),
        unit_name: r.get("unit_name"),
        review_org_id: r.get("review_org_id"),
        record_kind: kind,
        record_kind_label: kind.label_zh().to_string(),
        record_basis: r.get("record_basis"),
        text: r.get("text"),
        state,
        state_label: state.label_zh().to_string(),
        filed_by: r.get("filed_by"),
        filed_by_name: r.get("filed_by_name"),
        filed_at: from_ms(r.get("filed_at")),
        deadline: from_ms(r.get("deadline")),
        overdue: r.get::<bool, _>("overdue"),
        decision: r.get::<Option<&str>, _>("decision").and_then(DecisionKind::from_code),
        decision_reason: r.get("decision_reason"),
        decided_by_name: r.get("decided_by_name"),
        decided_at: opt_ms(r, "decided_at"),
        old_points: r.get("old_points"),
        old_expires_at: from_ms(r.get("old_expires_at")),
        new_points: r.get("new_points"),
        new_expires_at: opt_ms(r, "new_expires_at"),
    }
}

fn push_filter(qb: &mut QueryBuilder<'_, Db>, scope: &Scope, f: &ObjectionFilter) {
    push_scope(qb, scope);
    if let Some(u) = &f.unit_id {
        qb.push(" AND o.unit_id = ").push_bind(u.clone());
    }
    if let Some(r) = &f.record_id {
        qb.push(" AND o.record_id = ").push_bind(r.clone());
    }
    if let Some(s) = f.state {
        qb.push(" AND o.state = ").push_bind(s.code());
    }
    if let Some(o) = f.overdue {
        qb.push(" AND o.overdue = ").push_bind(o);
    }
}

fn refused(m: &str) -> StoreError {
    DomainError::with_message(ErrorCode::InvalidTransition, m).into()
}

impl Backend {
    async fn objection_in<'e, E>(&self, exec: E, scope: &Scope, id: &str) -> StoreResult<Option<Objection>>
    where
        E: sqlx::Executor<'e, Database = Db>,
    {
        let mut qb = QueryBuilder::new(format!("{SELECT} AND o.id = "));
        qb.push_bind(id.to_string());
        push_scope(&mut qb, scope);
        Ok(qb.build().fetch_optional(exec).await?.as_ref().map(from_row))
    }

    async fn entry_in<'e, E>(&self, exec: E, scope: &Scope, id: &str) -> StoreResult<Option<CreditRecord>>
    where
        E: sqlx::Executor<'e, Database = Db>,
    {
        let mut qb =
            QueryBuilder::new("SELECT cr.* FROM credit_records cr JOIN units u ON u.id = cr.unit_id WHERE cr.id = ");
        qb.push_bind(id.to_string());
        push_scope(&mut qb, scope);
        Ok(qb.build().fetch_optional(exec).await?.as_ref().map(credit_from_row))
    }
}

#[async_trait]
impl CreditEntryRepo for Backend {
    async fn record_credit_entry(
        &self,
        scope: &Scope,
        e: &NewManualEntry,
        audit: &AuditEntry,
    ) -> StoreResult<CreditRecord> {
        let mut tx = self.begin_write().await?;
        let mut qb = QueryBuilder::new("SELECT u.state FROM units u WHERE u.id = ");
        qb.push_bind(e.unit_id.clone());
        push_scope(&mut qb, scope);
        let row = qb.build().fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
        if row.get::<&str, _>("state") == "closed" {
            return Err(refused("单位已注销，不能再录入诚信记录"));
        }
        sqlx::query(&sql(
            "INSERT INTO credit_records (id, unit_id, kind, points, source_id, basis, reason, recorded_by, recorded_at, \
             expires_at, manual, published, recorded_org_id, withdrawal_reason) \
             VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, '')",
        ))
        .bind(&e.id)
        .bind(&e.unit_id)
        .bind(e.kind.code())
        .bind(e.points)
        .bind(&e.basis)
        .bind(&e.reason)
        .bind(&e.recorded_by)
        .bind(ms(e.at))
        .bind(ms(e.expires_at))
        .bind(true)
        .bind(e.published)
        .bind(&e.recorded_org_id)
        .execute(&mut *tx)
        .await?;
        let mut a = audit.clone();
        if a.object_id.is_empty() {
            a.object_id = e.id.clone();
        }
        a.unit_id.get_or_insert_with(|| e.unit_id.clone());
        append_in(&mut tx, &a, e.at).await?;
        tx.commit().await?;
        self.entry_in(&self.pool, &Scope::All, &e.id)
            .await?
            .ok_or(StoreError::NotFound)
    }

    async fn credit_entry(&self, scope: &Scope, id: &str) -> StoreResult<Option<CreditRecord>> {
        self.entry_in(&self.pool, scope, id).await
    }

    async fn file_credit_objection(
        &self,
        scope: &Scope,
        o: &NewObjection,
        job: &NewJob,
        audit: &AuditEntry,
    ) -> StoreResult<Objection> {
        let mut tx = self.begin_write().await?;
        let entry = self
            .entry_in(&mut *tx, scope, &o.record_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        if entry.withdrawn_at.is_some() {
            return Err(refused("该诚信记录已撤销，不能再提出异议"));
        }
        if entry.expires_at <= o.at {
            return Err(refused("该诚信记录已过有效期，不再计分，不能再提出异议"));
        }
        let pending: i64 = sqlx::query_scalar(&sql(
            "SELECT COUNT(*) FROM credit_objections WHERE record_id = ? AND state = 'pending'",
        ))
        .bind(&o.record_id)
        .fetch_one(&mut *tx)
        .await?;
        if pending > 0 {
            return Err(refused("该诚信记录已有待复核的异议，请等待公安机关复核"));
        }
        sqlx::query(&sql(
            "INSERT INTO credit_objections (id, record_id, unit_id, text, state, filed_by, filed_by_name, filed_at, \
             deadline, overdue, decision_reason, old_points, old_expires_at) \
             VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, '', ?, ?)",
        ))
        .bind(&o.id)
        .bind(&o.record_id)
        .bind(&entry.unit_id)
        .bind(&o.text)
        .bind(&o.filed_by)
        .bind(&o.filed_by_name)
        .bind(ms(o.at))
        .bind(ms(o.deadline))
        .bind(false)
        .bind(entry.points)
        .bind(ms(entry.expires_at))
        .execute(&mut *tx)
        .await?;
        super::jobs::insert_in(&mut tx, job, o.at).await?;
        let mut a = audit.clone();
        if a.object_id.is_empty() {
            a.object_id = o.id.clone();
        }
        a.unit_id.get_or_insert_with(|| entry.unit_id.clone());
        append_in(&mut tx, &a, o.at).await?;
        tx.commit().await?;
        self.objection_in(&self.pool, &Scope::All, &o.id)
            .await?
            .ok_or(StoreError::NotFound)
    }

    async fn credit_objection(&self, scope: &Scope, id: &str) -> StoreResult<Option<Objection>> {
        self.objection_in(&self.pool, scope, id).await
    }

    async fn list_credit_objections(
        &self,
        scope: &Scope,
        f: &ObjectionFilter,
        page: Page,
    ) -> StoreResult<Listing<Objection>> {
        paged(
            &self.pool,
            FROM,
            SELECT,
            |qb| push_filter(qb, scope, f),
            "CASE WHEN o.state = 'pending' THEN 0 ELSE 1 END, o.deadline, o.id",
            page,
            from_row,
        )
        .await
    }

    async fn decide_credit_objection(
        &self,
        scope: &Scope,
        id: &str,
        d: &Decision,
        at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> StoreResult<Objection> {
        let mut tx = self.begin_write().await?;
        let current = self
            .objection_in(&mut *tx, scope, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        if current.state != ObjectionState::Pending {
            return Err(refused("该异议已复核，不能重复复核"));
        }
        let state = match d.kind {
            DecisionKind::Reject => ObjectionState::Rejected,
            DecisionKind::Withdraw | DecisionKind::Amend => ObjectionState::Corrected,
        };
        match d.kind {
            DecisionKind::Withdraw => {
                sqlx::query(&sql(
                    "UPDATE credit_records SET withdrawn_at = ?, withdrawal_reason = ? WHERE id = ? AND withdrawn_at IS NULL",
                ))
                .bind(ms(at))
                .bind(&d.reason)
                .bind(&current.record_id)
                .execute(&mut *tx)
                .await?;
            }
            DecisionKind::Amend => {
                let points = d.points.unwrap_or(current.old_points);
                let expires = d.expires_at.unwrap_or(current.old_expires_at);
                sqlx::query(&sql(
                    "UPDATE credit_records SET points = ?, expires_at = ? WHERE id = ?",
                ))
                .bind(points)
                .bind(ms(expires))
                .bind(&current.record_id)
                .execute(&mut *tx)
                .await?;
            }
            DecisionKind::Reject => {}
        }
        let (new_points, new_expires) = if d.kind == DecisionKind::Amend {
            (
                Some(d.points.unwrap_or(current.old_points)),
                Some(ms(d.expires_at.unwrap_or(current.old_expires_at))),
            )
        } else {
            (None, None)
        };
        sqlx::query(&sql(
            "UPDATE credit_objections SET state = ?, decision = ?, decision_reason = ?, decided_by = ?, \
             decided_by_name = ?, decided_at = ?, new_points = ?, new_expires_at = ? WHERE id = ? AND state = 'pending'",
        ))
        .bind(state.code())
        .bind(d.kind.code())
        .bind(&d.reason)
        .bind(&d.by)
        .bind(&d.by_name)
        .bind(ms(at))
        .bind(new_points)
        .bind(new_expires)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let mut a = audit.clone();
        a.unit_id.get_or_insert_with(|| current.unit_id.clone());
        append_in(&mut tx, &a, at).await?;
        tx.commit().await?;
        self.objection_in(&self.pool, &Scope::All, id)
            .await?
            .ok_or(StoreError::NotFound)
    }

    async fn public_credit_entries(&self, now: DateTime<Utc>, page: Page) -> StoreResult<Listing<PublicEntry>> {
        let at = ms(now);
        paged(
            &self.pool,
            "FROM credit_records cr JOIN units u ON u.id = cr.unit_id WHERE u.state <> 'closed'",
            "SELECT cr.id, u.name AS unit_name, cr.kind, cr.basis, cr.points, cr.recorded_at, cr.expires_at \
             FROM credit_records cr JOIN units u ON u.id = cr.unit_id WHERE u.state <> 'closed'",
            |qb| {
                qb.push(" AND cr.published = ").push_bind(true);
                qb.push(" AND cr.withdrawn_at IS NULL AND cr.expires_at > ")
                    .push_bind(at);
            },
            "cr.recorded_at DESC, cr.id",
            page,
            |r| {
                let kind = EntryKind::from_code(r.get::<&str, _>("kind")).unwrap_or(EntryKind::OtherViolation);
                PublicEntry {
                    id: r.get("id"),
                    unit_name: r.get("unit_name"),
                    kind,
                    kind_label: kind.label_zh().to_string(),
                    basis: r.get("basis"),
                    points: r.get("points"),
                    recorded_at: from_ms(r.get("recorded_at")),
                    expires_at: from_ms(r.get("expires_at")),
                }
            },
        )
        .await
    }

    async fn mark_credit_objection_overdue(
        &self,
        id: &str,
        now: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> StoreResult<Option<Objection>> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(&sql(
            "UPDATE credit_objections SET overdue = ? WHERE id = ? AND state = 'pending' AND overdue = ? AND deadline <= ?",
        ))
        .bind(true)
        .bind(id)
        .bind(false)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if done == 0 {
            return Ok(None);
        }
        let unit: String = sqlx::query_scalar(&sql("SELECT unit_id FROM credit_objections WHERE id = ?"))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        let mut a = audit.clone();
        a.unit_id.get_or_insert(unit);
        append_in(&mut tx, &a, now).await?;
        tx.commit().await?;
        self.objection_in(&self.pool, &Scope::All, id).await
    }
}
