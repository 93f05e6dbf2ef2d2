//! SQL of designations (compiled once per backend: see `crate::sqlite` and `crate::postgres`);
//! the step history is the filings' (`filing_steps`).

use super::audit::append_in;
use super::common::{from_ms, ms, paged, push_scope};
use super::db::{sql, Db, DbRow};
use super::filings::{insert_step, open_unit, stale, steps_of};
use super::store::Backend;
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::designations::*;
use neibao_domain::paging::{Listing, Page};
use sqlx::{QueryBuilder, Row};

fn opt_date(r: &DbRow, col: &str) -> Option<NaiveDate> {
    r.get::<Option<String>, _>(col).and_then(|s| s.parse().ok())
}

fn from_row(r: &DbRow) -> Designation {
    let kind = DesignationKind::from_code(r.get::<&str, _>("kind")).unwrap_or(DesignationKind::KeyUnit);
    let status = DesignationStatus::from_code(r.get::<&str, _>("status")).unwrap_or(DesignationStatus::Proposed);
    Designation {
        id: r.get("id"),
        unit_id: r.get("unit_id"),
        unit_name: r.get("unit_name"),
        kind,
        kind_label: kind.label_zh().to_string(),
        category: r.get::<Option<i64>, _>("category").and_then(|c| u8::try_from(c).ok()),
        grade: r.get("grade"),
        proposing_org_id: r.get("proposing_org_id"),
        proposing_org_name: r.get("proposing_org_name"),
        reason: r.get("reason"),
        deciding_authority: r.get("deciding_authority"),
        document_number: r.get("document_number"),
        decided_on: opt_date(r, "decided_on"),
        notice_on: opt_date(r, "notice_on"),
        status,
        status_label: status.label_zh().to_string(),
        version: r.get("version"),
        created_at: from_ms(r.get("created_at")),
        updated_at: from_ms(r.get("updated_at")),
        steps: Vec::new(),
    }
}

const SELECT: &str = "SELECT d.*, u.name AS unit_name FROM designations d JOIN units u ON u.id = d.unit_id";

async fn one(pool: &sqlx::Pool<Db>, scope: &Scope, id: &str) -> StoreResult<Designation> {
    let mut qb = QueryBuilder::new(format!("{SELECT} WHERE d.id = "));
    qb.push_bind(id.to_string());
    push_scope(&mut qb, scope);
    let row = qb.build().fetch_optional(pool).await?.ok_or(StoreError::NotFound)?;
    let mut d = from_row(&row);
    d.steps = steps_of(pool, id).await?;
    Ok(d)
}

#[async_trait]
impl DesignationRepo for Backend {
    async fn add_designation(
        &self,
        scope: &Scope,
        d: &NewDesignation,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Designation> {
        let mut tx = self.begin_write().await?;
        open_unit(&mut tx, scope, &d.unit_id).await?;
        sqlx::query(&sql(
            "INSERT INTO designations (id, unit_id, kind, category, grade, proposing_org_id, proposing_org_name, reason,
             deciding_authority, document_number, decided_on, notice_on, status, version, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', '', NULL, NULL, 'proposed', 1, ?, ?)",
        ))
        .bind(&d.id)
        .bind(&d.unit_id)
        .bind(d.kind.code())
        .bind(d.category.map(i64::from))
        .bind(&d.grade)
        .bind(&d.proposing_org_id)
        .bind(&d.proposing_org_name)
        .bind(&d.reason)
        .bind(ms(now))
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
        insert_step(
            &mut tx,
            &d.id,
            now,
            &d.actor_name,
            "propose",
            "提议",
            DesignationStatus::Proposed.code(),
            &d.reason,
        )
        .await?;
        let mut audit = audit.clone();
        if audit.object_id.is_empty() {
            audit.object_id = d.id.clone();
        }
        append_in(&mut tx, &audit, now).await?;
        tx.commit().await?;
        one(&self.pool, &Scope::All, &d.id).await
    }

    async fn get_designation(&self, scope: &Scope, id: &str) -> StoreResult<Designation> {
        one(&self.pool, scope, id).await
    }

    async fn list_designations(
        &self,
        scope: &Scope,
        filter: &DesignationFilter,
        page: Page,
    ) -> StoreResult<Listing<Designation>> {
        let filters = |qb: &mut QueryBuilder<'_, Db>| {
            push_scope(qb, scope);
            if let Some(u) = &filter.unit_id {
                qb.push(" AND d.unit_id = ").push_bind(u.clone());
            }
            if let Some(s) = filter.status {
                qb.push(" AND d.status = ").push_bind(s.code());
            }
            if let Some(k) = filter.kind {
                qb.push(" AND d.kind = ").push_bind(k.code());
            }
        };
        paged(
            &self.pool,
            "FROM designations d JOIN units u ON u.id = d.unit_id WHERE 1=1",
            &format!("{SELECT} WHERE 1=1"),
            filters,
            "d.created_at DESC, d.id",
            page,
            from_row,
        )
        .await
    }

    async fn change_designation(
        &self,
        scope: &Scope,
        id: &str,
        version: i64,
        change: &DesignationChange,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Designation> {
        let mut tx = self.begin_write().await?;
        let mut qb = QueryBuilder::new(
            "SELECT d.version, d.unit_id FROM designations d JOIN units u ON u.id = d.unit_id WHERE d.id = ",
        );
        qb.push_bind(id.to_string());
        push_scope(&mut qb, scope);
        let row = qb.build().fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
        if row.get::<i64, _>("version") != version {
            return Err(stale("该确定事项"));
        }
        let n = sqlx::query(&sql(
            "UPDATE designations SET status = ?, deciding_authority = COALESCE(?, deciding_authority),
             document_number = COALESCE(?, document_number), decided_on = COALESCE(?, decided_on),
             notice_on = COALESCE(?, notice_on), version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
        ))
        .bind(change.status.code())
        .bind(change.deciding_authority.clone())
        .bind(change.document_number.clone())
        .bind(change.decided_on.map(|d| d.to_string()))
        .bind(change.notice_on.map(|d| d.to_string()))
        .bind(ms(now))
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n != 1 {
            return Err(stale("该确定事项"));
        }
        insert_step(
            &mut tx,
            id,
            now,
            &change.actor_name,
            change.action,
            change.action_label,
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
}
