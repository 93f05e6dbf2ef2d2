//! SQL of reports to the police (compiled once per backend: see `crate::sqlite` and
//! `crate::postgres`). People and contact are encrypted with the field cipher.

use super::audit::append_in;
use super::common::{escape_like, from_ms, ms, opt_ms, paged};
use super::db::{sql, Db, DbRow};
use super::store::Backend;
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::error::{DomainError, ErrorCode};
use neibao_domain::ids::new_id;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::reports::*;
use sqlx::{QueryBuilder, Row};

/// The AEAD associated data of the people involved (also in `privacy/rotate.rs`).
const AAD_PEOPLE: &str = "reports.people";
/// The AEAD associated data of the public reporter's contact (also in `privacy/rotate.rs`).
const AAD_CONTACT: &str = "reports.contact";

const SELECT: &str = "SELECT r.*, u.name AS unit_name, o.name AS station_name, k.name AS key_area_name \
     FROM reports r LEFT JOIN units u ON u.id = r.unit_id LEFT JOIN organisations o ON o.id = r.station_id \
     LEFT JOIN key_areas k ON k.id = r.key_area_id WHERE 1=1";

const FROM: &str = "FROM reports r WHERE 1=1";

/// The scope of reports (see [`ReportRepo`]). Security-sensitive.
fn push_report_scope(qb: &mut QueryBuilder<'_, Db>, scope: &Scope) {
    match scope {
        Scope::All => {}
        Scope::Division { prefix } => {
            qb.push(" AND r.division_code LIKE ")
                .push_bind(format!("{}%", escape_like(prefix)))
                .push(" ESCAPE '\\'");
        }
        Scope::Station { org_id } => {
            qb.push(" AND r.station_id = ").push_bind(org_id.clone());
        }
        Scope::Unit { unit_id } => {
            qb.push(" AND r.unit_id = ").push_bind(unit_id.clone());
        }
        Scope::Department { .. } | Scope::Assessor { .. } | Scope::Nothing => {
            qb.push(" AND 1=0");
        }
    }
}

fn push_filter(qb: &mut QueryBuilder<'_, Db>, scope: &Scope, f: &ReportFilter) {
    push_report_scope(qb, scope);
    if let Some(k) = f.kind {
        qb.push(" AND r.kind = ").push_bind(k.code());
    }
    if let Some(s) = f.status {
        qb.push(" AND r.status = ").push_bind(s.code());
    }
    if let Some(u) = &f.unit_id {
        qb.push(" AND r.unit_id = ").push_bind(u.clone());
    }
}

impl Backend {
    fn report_from_row(&self, r: &DbRow) -> StoreResult<Report> {
        let people = match r.get::<Option<String>, _>("people") {
            Some(enc) => serde_json::from_str(&self.cipher.decrypt(AAD_PEOPLE, &enc)?).unwrap_or_default(),
            None => Vec::new(),
        };
        let contact = match r.get::<Option<String>, _>("contact") {
            Some(enc) => self.cipher.decrypt(AAD_CONTACT, &enc)?,
            None => String::new(),
        };
        Ok(Report {
            id: r.get("id"),
            receipt_no: r.get("receipt_no"),
            kind: ReportKind::from_code(r.get::<&str, _>("kind")).unwrap_or(ReportKind::Incident),
            source: r.get("source"),
            unit_id: r.get("unit_id"),
            unit_name: r.get("unit_name"),
            station_id: r.get("station_id"),
            station_name: r.get("station_name"),
            division_code: r.get("division_code"),
            key_area_id: r.get("key_area_id"),
            key_area_name: r.get("key_area_name"),
            place: r.get("place"),
            title: r.get("title"),
            details: r.get("details"),
            occurred_at: opt_ms(r, "occurred_at"),
            people,
            first_actions: r.get("first_actions"),
            scene_preserved: r.get::<bool, _>("scene_preserved"),
            reporter_name: r.get("reporter_name"),
            contact,
            anonymous: r.get::<bool, _>("anonymous"),
            status: ReportStatus::from_code(r.get::<&str, _>("status")),
            submitted_at: from_ms(r.get("submitted_at")),
            acknowledged_at: opt_ms(r, "acknowledged_at"),
            acknowledged_by: r.get("acknowledged_by"),
            closed_at: opt_ms(r, "closed_at"),
            notes: Vec::new(),
        })
    }

    async fn report_in<'e, E>(&self, exec: E, scope: &Scope, id: &str) -> StoreResult<Option<Report>>
    where
        E: sqlx::Executor<'e, Database = Db>,
    {
        let mut qb = QueryBuilder::new(format!("{SELECT} AND r.id = "));
        qb.push_bind(id.to_string());
        push_report_scope(&mut qb, scope);
        match qb.build().fetch_optional(exec).await? {
            Some(row) => Ok(Some(self.report_from_row(&row)?)),
            None => Ok(None),
        }
    }

    async fn report_with_notes(&self, scope: &Scope, id: &str) -> StoreResult<Option<Report>> {
        let Some(mut r) = self.report_in(&self.pool, scope, id).await? else {
            return Ok(None);
        };
        let rows = sqlx::query(&sql(
            "SELECT at, by_name, body, closed FROM report_notes WHERE report_id = ? ORDER BY at, id",
        ))
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        r.notes = rows
            .iter()
            .map(|n| ReportNote {
                at: from_ms(n.get("at")),
                by: n.get("by_name"),
                text: n.get("body"),
                closed: n.get::<bool, _>("closed"),
            })
            .collect();
        Ok(Some(r))
    }
}

fn audited(audit: &AuditEntry, id: &str, unit_id: Option<&String>) -> AuditEntry {
    let mut a = audit.clone();
    if a.object_id.is_empty() {
        a.object_id = id.to_string();
    }
    if a.unit_id.is_none() {
        a.unit_id = unit_id.cloned();
    }
    a
}

#[async_trait]
impl ReportRepo for Backend {
    async fn create_report(&self, r: &NewReport, audit: &AuditEntry) -> StoreResult<Report> {
        let people = (!r.people.is_empty()).then(|| {
            self.cipher
                .encrypt(AAD_PEOPLE, &serde_json::to_string(&r.people).unwrap_or_default())
        });
        let contact = (!r.contact.is_empty()).then(|| self.cipher.encrypt(AAD_CONTACT, &r.contact));
        let mut tx = self.begin_write().await?;
        sqlx::query(&sql(
            "INSERT INTO reports (id, receipt_no, kind, source, unit_id, station_id, division_code, key_area_id, place, \
             title, details, occurred_at, people, first_actions, scene_preserved, reporter_id, reporter_name, contact, \
             anonymous, client, status, submitted_at, acknowledged_at, acknowledged_by, closed_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'submitted', ?, NULL, NULL, NULL)",
        ))
        .bind(&r.id)
        .bind(&r.receipt_no)
        .bind(r.kind.code())
        .bind(r.source)
        .bind(&r.unit_id)
        .bind(&r.station_id)
        .bind(&r.division_code)
        .bind(&r.key_area_id)
        .bind(&r.place)
        .bind(&r.title)
        .bind(&r.details)
        .bind(r.occurred_at.map(ms))
        .bind(&people)
        .bind(&r.first_actions)
        .bind(r.scene_preserved)
        .bind(&r.reporter_id)
        .bind(&r.reporter_name)
        .bind(&contact)
        .bind(r.anonymous)
        .bind(&r.client)
        .bind(ms(r.at))
        .execute(&mut *tx)
        .await?;
        append_in(&mut tx, &audited(audit, &r.id, r.unit_id.as_ref()), r.at).await?;
        tx.commit().await?;
        self.report_with_notes(&Scope::All, &r.id)
            .await?
            .ok_or(StoreError::NotFound)
    }

    async fn report(&self, scope: &Scope, id: &str) -> StoreResult<Option<Report>> {
        self.report_with_notes(scope, id).await
    }

    async fn list_reports(&self, scope: &Scope, f: &ReportFilter, page: Page) -> StoreResult<Listing<Report>> {
        let l = paged(
            &self.pool,
            FROM,
            SELECT,
            |qb| push_filter(qb, scope, f),
            "r.submitted_at DESC, r.id DESC",
            page,
            |r| self.report_from_row(r),
        )
        .await?;
        let mut items = Vec::with_capacity(l.items.len());
        for i in l.items {
            items.push(i?);
        }
        Ok(Listing {
            items,
            total: l.total,
            total_capped: l.total_capped,
            page: l.page,
            per_page: l.per_page,
        })
    }

    async fn acknowledge_report(
        &self,
        scope: &Scope,
        id: &str,
        by: &str,
        at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> StoreResult<Report> {
        let mut tx = self.begin_write().await?;
        let current = self.report_in(&mut *tx, scope, id).await?.ok_or(StoreError::NotFound)?;
        if current.status != ReportStatus::Submitted {
            return Err(DomainError::with_message(ErrorCode::InvalidTransition, "该报告已签收，不能重复签收").into());
        }
        sqlx::query(&sql(
            "UPDATE reports SET status = 'acknowledged', acknowledged_at = ?, acknowledged_by = ? \
             WHERE id = ? AND status = 'submitted'",
        ))
        .bind(ms(at))
        .bind(by)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        append_in(&mut tx, &audited(audit, id, current.unit_id.as_ref()), at).await?;
        tx.commit().await?;
        self.report_with_notes(&Scope::All, id)
            .await?
            .ok_or(StoreError::NotFound)
    }

    async fn add_report_note(
        &self,
        scope: &Scope,
        id: &str,
        note: &HandlingNote,
        audit: &AuditEntry,
    ) -> StoreResult<Report> {
        let (text, close, by, at) = (note.text.as_str(), note.close, note.by.as_str(), note.at);
        let mut tx = self.begin_write().await?;
        let current = self.report_in(&mut *tx, scope, id).await?.ok_or(StoreError::NotFound)?;
        if current.status == ReportStatus::Closed {
            return Err(DomainError::with_message(ErrorCode::InvalidTransition, "该报告已办结，不能再登记处置").into());
        }
        if current.status == ReportStatus::Submitted {
            // Handling a report acknowledges it.
            sqlx::query(&sql(
                "UPDATE reports SET status = 'acknowledged', acknowledged_at = ?, acknowledged_by = ? WHERE id = ?",
            ))
            .bind(ms(at))
            .bind(by)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(&sql(
            "INSERT INTO report_notes (id, report_id, at, by_name, body, closed) VALUES (?, ?, ?, ?, ?, ?)",
        ))
        .bind(new_id())
        .bind(id)
        .bind(ms(at))
        .bind(by)
        .bind(text)
        .bind(close)
        .execute(&mut *tx)
        .await?;
        if close {
            sqlx::query(&sql("UPDATE reports SET status = 'closed', closed_at = ? WHERE id = ?"))
                .bind(ms(at))
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        append_in(&mut tx, &audited(audit, id, current.unit_id.as_ref()), at).await?;
        tx.commit().await?;
        self.report_with_notes(&Scope::All, id)
            .await?
            .ok_or(StoreError::NotFound)
    }

    async fn public_reports_since(&self, since: DateTime<Utc>) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(&sql(
            "SELECT COUNT(*) FROM reports WHERE source = 'public' AND submitted_at >= ?",
        ))
        .bind(ms(since))
        .fetch_one(&self.pool)
        .await?)
    }
}
