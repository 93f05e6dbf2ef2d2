//! SQL of filings and the step history shared with designations (compiled once per backend:
//! see `crate::sqlite` and `crate::postgres`).

use super::audit::append_in;
use super::common::{from_ms, ms, paged, push_scope};
use super::db::{sql, Db, DbRow};
use super::store::Backend;
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::error::{DomainError, ErrorCode};
use neibao_domain::filings::*;
use neibao_domain::ids::new_id;
use neibao_domain::jobs::NewJob;
use neibao_domain::paging::{Listing, Page};
use sqlx::{QueryBuilder, Row};

fn opt_date(r: &DbRow, col: &str) -> Option<NaiveDate> {
    r.get::<Option<String>, _>(col).and_then(|s| s.parse().ok())
}

fn filing_from_row(r: &DbRow) -> Filing {
    let kind = FilingKind::from_code(r.get::<&str, _>("kind")).unwrap_or(FilingKind::SecurityBody);
    let status = FilingStatus::from_code(r.get::<&str, _>("status")).unwrap_or(FilingStatus::Draft);
    Filing {
        id: r.get("id"),
        kind,
        kind_label: kind.label_zh().to_string(),
        unit_id: r.get("unit_id"),
        unit_name: r.get("unit_name"),
        division_code: r.get("division_code"),
        source_ref: r.get("source_ref"),
        trigger_on: r.get::<&str, _>("trigger_on").parse().unwrap_or_default(),
        due_on: opt_date(r, "due_on"),
        status,
        status_label: status.label_zh().to_string(),
        content: serde_json::from_str(r.get::<&str, _>("content")).unwrap_or_default(),
        first_submitted_on: opt_date(r, "first_submitted_on"),
        on_time: None,
        overdue: false,
        version: r.get("version"),
        created_at: from_ms(r.get("created_at")),
        updated_at: from_ms(r.get("updated_at")),
        steps: Vec::new(),
    }
}

/// A version mismatch, as a person reads it.
pub(crate) fn stale(what: &str) -> StoreError {
    StoreError::Domain(DomainError::with_message(
        ErrorCode::VersionConflict,
        format!("{what}已被他人修改，请刷新后重试"),
    ))
}

/// Refuses a change concerning a closed (注销) unit, or one outside the scope (`NotFound`).
pub(crate) async fn open_unit(
    tx: &mut sqlx::Transaction<'static, Db>,
    scope: &Scope,
    unit_id: &str,
) -> StoreResult<()> {
    let mut qb = QueryBuilder::new("SELECT u.state FROM units u WHERE u.id = ");
    qb.push_bind(unit_id.to_string());
    push_scope(&mut qb, scope);
    let state: String = qb
        .build_query_scalar()
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    if state == "closed" {
        return Err(
            DomainError::with_message(ErrorCode::InvalidTransition, "单位已注销，不能再办理备案或确定事项").into(),
        );
    }
    Ok(())
}

/// Appends a step to the history of `object_id` (a filing or a designation).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_step(
    tx: &mut sqlx::Transaction<'static, Db>,
    object_id: &str,
    at: DateTime<Utc>,
    actor_name: &str,
    action: &str,
    label: &str,
    status: &str,
    note: &str,
) -> StoreResult<()> {
    let seq: i64 = sqlx::query_scalar(&sql(
        "SELECT COALESCE(MAX(seq), 0) + 1 FROM filing_steps WHERE object_id = ?",
    ))
    .bind(object_id)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query(&sql(
        "INSERT INTO filing_steps (id, object_id, seq, at, actor_name, action, label, status, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    ))
    .bind(new_id())
    .bind(object_id)
    .bind(seq)
    .bind(ms(at))
    .bind(actor_name)
    .bind(action)
    .bind(label)
    .bind(status)
    .bind(note)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The steps of `object_id`, oldest first.
pub(crate) async fn steps_of(pool: &sqlx::Pool<Db>, object_id: &str) -> StoreResult<Vec<Step>> {
    Ok(
        sqlx::query(&sql("SELECT * FROM filing_steps WHERE object_id = ? ORDER BY seq"))
            .bind(object_id)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| Step {
                at: from_ms(r.get("at")),
                actor_name: r.get("actor_name"),
                action: r.get("action"),
                action_label: r.get("label"),
                status: r.get("status"),
                note: r.get("note"),
            })
            .collect(),
    )
}

const SELECT: &str = "SELECT f.*, u.name AS unit_name, u.division_code FROM filings f JOIN units u ON u.id = f.unit_id";

async fn one(pool: &sqlx::Pool<Db>, scope: &Scope, id: &str) -> StoreResult<Filing> {
    let mut qb = QueryBuilder::new(format!("{SELECT} WHERE f.id = "));
    qb.push_bind(id.to_string());
    push_scope(&mut qb, scope);
    let row = qb.build().fetch_optional(pool).await?.ok_or(StoreError::NotFound)?;
    let mut f = filing_from_row(&row);
    f.steps = steps_of(pool, id).await?;
    Ok(f)
}

fn push_filter(qb: &mut QueryBuilder<'_, Db>, scope: &Scope, filter: &FilingFilter) {
    push_scope(qb, scope);
    if let Some(u) = &filter.unit_id {
        qb.push(" AND f.unit_id = ").push_bind(u.clone());
    }
    if let Some(s) = filter.status {
        qb.push(" AND f.status = ").push_bind(s.code());
    }
    if let Some(k) = filter.kind {
        qb.push(" AND f.kind = ").push_bind(k.code());
    }
    if let Some(today) = filter.overdue_on {
        qb.push(
            " AND f.status <> 'archived' AND f.due_on IS NOT NULL AND ((f.first_submitted_on IS NULL AND f.due_on < ",
        )
        .push_bind(today.to_string())
        .push(") OR f.first_submitted_on > f.due_on)");
    }
}

#[async_trait]
impl FilingRepo for Backend {
    async fn open_filing(
        &self,
        scope: &Scope,
        f: &NewFiling,
        jobs: &[NewJob],
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<(Filing, bool)> {
        let mut tx = self.begin_write().await?;
        open_unit(&mut tx, scope, &f.unit_id).await?;
        let existing: Option<String> = sqlx::query_scalar(&sql(
            "SELECT id FROM filings WHERE kind = ? AND unit_id = ? AND source_ref = ?",
        ))
        .bind(f.kind.code())
        .bind(&f.unit_id)
        .bind(&f.source_ref)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(id) = existing {
            drop(tx);
            return Ok((one(&self.pool, &Scope::All, &id).await?, false));
        }
        sqlx::query(&sql(
            "INSERT INTO filings (id, kind, unit_id, source_ref, trigger_on, due_on, status, content, first_submitted_on, opened_by, version, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, 'draft', '{}', NULL, ?, 1, ?, ?)",
        ))
        .bind(&f.id)
        .bind(f.kind.code())
        .bind(&f.unit_id)
        .bind(&f.source_ref)
        .bind(f.trigger_on.to_string())
        .bind(f.due_on.map(|d| d.to_string()))
        .bind(&f.opened_by)
        .bind(ms(now))
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
        for job in jobs {
            super::jobs::insert_in(&mut tx, job, now).await?;
        }
        insert_step(
            &mut tx,
            &f.id,
            now,
            &f.opened_by,
            FilingAction::Open.code(),
            FilingAction::Open.label_zh(),
            FilingStatus::Draft.code(),
            &f.source_ref,
        )
        .await?;
        let mut audit = audit.clone();
        if audit.object_id.is_empty() {
            audit.object_id = f.id.clone();
        }
        append_in(&mut tx, &audit, now).await?;
        tx.commit().await?;
        Ok((one(&self.pool, &Scope::All, &f.id).await?, true))
    }

    async fn get_filing(&self, scope: &Scope, id: &str) -> StoreResult<Filing> {
        one(&self.pool, scope, id).await
    }

    async fn list_filings(&self, scope: &Scope, filter: &FilingFilter, page: Page) -> StoreResult<Listing<Filing>> {
        let from = "FROM filings f JOIN units u ON u.id = f.unit_id WHERE 1=1";
        paged(
            &self.pool,
            from,
            &format!("{SELECT} WHERE 1=1"),
            |qb| push_filter(qb, scope, filter),
            "CASE WHEN f.due_on IS NULL THEN 1 ELSE 0 END, f.due_on, f.created_at DESC, f.id",
            page,
            filing_from_row,
        )
        .await
    }

    async fn change_filing(
        &self,
        scope: &Scope,
        id: &str,
        version: i64,
        change: &FilingChange,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Filing> {
        let mut tx = self.begin_write().await?;
        let mut qb = QueryBuilder::new(
            "SELECT f.version, f.unit_id FROM filings f JOIN units u ON u.id = f.unit_id WHERE f.id = ",
        );
        qb.push_bind(id.to_string());
        push_scope(&mut qb, scope);
        let row = qb.build().fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
        if row.get::<i64, _>("version") != version {
            return Err(stale("备案"));
        }
        let content = change
            .content
            .as_ref()
            .map(|c| serde_json::to_string(c).unwrap_or_else(|_| "{}".into()));
        let n = sqlx::query(&sql(
            "UPDATE filings SET status = ?, content = COALESCE(?, content), first_submitted_on = COALESCE(first_submitted_on, ?),
             version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
        ))
        .bind(change.status.code())
        .bind(content)
        .bind(change.submitted_on.map(|d| d.to_string()))
        .bind(ms(now))
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n != 1 {
            return Err(stale("备案"));
        }
        insert_step(
            &mut tx,
            id,
            now,
            &change.actor_name,
            change.step.code(),
            change.step.label_zh(),
            change.status.code(),
            &change.note,
        )
        .await?;
        let mut audit = audit.clone();
        if audit.unit_id.is_none() {
            audit.unit_id = Some(row.get("unit_id"));
        }
        append_in(&mut tx, &audit, now).await?;
        tx.commit().await?;
        one(&self.pool, &Scope::All, id).await
    }

    async fn filing_counts(
        &self,
        scope: &Scope,
        unit_id: &str,
        today: NaiveDate,
    ) -> StoreResult<(Vec<(FilingStatus, i64)>, i64)> {
        let mut qb = QueryBuilder::new("SELECT u.id FROM units u WHERE u.id = ");
        qb.push_bind(unit_id.to_string());
        push_scope(&mut qb, scope);
        qb.build_query_scalar::<String>()
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        let rows = sqlx::query(&sql(
            "SELECT status, COUNT(*) AS n FROM filings WHERE unit_id = ? GROUP BY status",
        ))
        .bind(unit_id)
        .fetch_all(&self.pool)
        .await?;
        let counts = rows
            .iter()
            .filter_map(|r| FilingStatus::from_code(r.get::<&str, _>("status")).map(|s| (s, r.get::<i64, _>("n"))))
            .collect();
        let mut qb = QueryBuilder::new("SELECT COUNT(*) FROM filings f JOIN units u ON u.id = f.unit_id WHERE 1=1");
        push_filter(
            &mut qb,
            &Scope::All,
            &FilingFilter {
                unit_id: Some(unit_id.to_string()),
                overdue_on: Some(today),
                ..Default::default()
            },
        );
        let overdue: i64 = qb.build_query_scalar().fetch_one(&self.pool).await?;
        Ok((counts, overdue))
    }
}
