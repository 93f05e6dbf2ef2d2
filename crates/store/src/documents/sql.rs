//! SQL of documents (compiled once per backend: see `crate::sqlite` and `crate::postgres`).

use super::audit::append_in;
use super::common::json_or;
use super::common::{from_ms, ms, paged, push_scope};
use super::db::{sql, Db, DbRow};
use super::store::Backend;
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::documents::{
    format_number, DepartmentAction, Document, DocumentContent, DocumentDraft, DocumentFilter, DocumentKind,
    DocumentReceipt,
};
use neibao_domain::ids::new_id;
use neibao_domain::jobs::{JobKind, NewJob};
use neibao_domain::paging::{Listing, Page};
use sqlx::{QueryBuilder, Row};

const DOCUMENT_FROM: &str =
    "FROM documents d JOIN units u ON u.id = d.unit_id LEFT JOIN document_receipts dr ON dr.document_id = d.id WHERE 1=1";

/// The columns of a document row (with its unit's name and department, and its receipt).
const DOCUMENT_COLUMNS: &str = "SELECT d.*, u.name AS unit_name, u.competent_department_id AS department_id, dr.read_at AS receipt_at, dr.read_by_name AS receipt_by, (SELECT MAX(da.recorded_at) FROM document_actions da WHERE da.document_id = d.id) AS last_action_at";

fn document_from_row(r: &DbRow) -> Document {
    Document {
        id: r.get("id"),
        kind: DocumentKind::from_code(r.get("kind")).unwrap_or(DocumentKind::RectificationOrder),
        org_id: r.get("org_id"),
        year: r.get::<i64, _>("year") as i32,
        serial: r.get("serial"),
        number: r.get("number"),
        unit_id: r.get("unit_id"),
        unit_name: r.get("unit_name"),
        hazard_id: r.get("hazard_id"),
        inspection_id: r.get("inspection_id"),
        content: json_or(r.get("content"), DocumentContent::default()),
        issued_by: r.get("issued_by"),
        issued_at: from_ms(r.get("issued_at")),
        department_id: r.get("department_id"),
        receipt: r.get::<Option<i64>, _>("receipt_at").map(|at| DocumentReceipt {
            read_at: from_ms(at),
            read_by: r.get::<Option<String>, _>("receipt_by").unwrap_or_default(),
        }),
        last_action_at: r.get::<Option<i64>, _>("last_action_at").map(from_ms),
        actions: Vec::new(),
    }
}

fn action_from_row(r: &DbRow) -> DepartmentAction {
    DepartmentAction {
        id: r.get("id"),
        document_id: r.get("document_id"),
        text: r.get("text"),
        recorded_at: from_ms(r.get("recorded_at")),
        recorded_by: r.get("recorded_by_name"),
    }
}

/// Numbers and inserts a document inside `tx` (the write that issues it): the counter row of
/// (organisation, kind, year) is bumped in the same transaction, so numbers are unique and
/// gapless. Returns the document's id.
pub(crate) async fn insert_in(
    tx: &mut sqlx::Transaction<'static, Db>,
    d: &DocumentDraft,
    now: DateTime<Utc>,
) -> StoreResult<String> {
    let serial: i64 = sqlx::query_scalar(&sql(
        "INSERT INTO doc_counters (org_id, kind, year, last) VALUES (?, ?, ?, 1)
         ON CONFLICT (org_id, kind, year) DO UPDATE SET last = doc_counters.last + 1 RETURNING last",
    ))
    .bind(&d.org_id)
    .bind(d.kind.code())
    .bind(d.year as i64)
    .fetch_one(&mut **tx)
    .await?;
    let id = new_id();
    let number = format_number(&d.prefix, &d.department, d.kind, d.year, serial);
    sqlx::query(&sql(
        "INSERT INTO documents (id, kind, org_id, year, serial, number, unit_id, hazard_id, inspection_id, content, issued_by, issued_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    ))
    .bind(&id)
    .bind(d.kind.code())
    .bind(&d.org_id)
    .bind(d.year as i64)
    .bind(serial)
    .bind(&number)
    .bind(&d.unit_id)
    .bind(&d.hazard_id)
    .bind(&d.inspection_id)
    .bind(serde_json::to_string(&d.content).unwrap_or_default())
    .bind(&d.issued_by)
    .bind(ms(now))
    .execute(&mut **tx)
    .await?;
    // Delivered to its addressee by a job written with it (engine `documents::delivery`).
    let job = NewJob {
        kind: JobKind::DocumentNotify,
        subject_id: id.clone(),
        due_at: now,
        payload: serde_json::Value::Null,
    };
    super::jobs::insert_in(tx, &job, now).await?;
    Ok(id)
}

#[async_trait]
impl DocumentRepo for Backend {
    async fn list_documents(&self, scope: &Scope, f: &DocumentFilter, page: Page) -> StoreResult<Listing<Document>> {
        let filters = |qb: &mut QueryBuilder<'_, Db>| {
            push_scope(qb, scope);
            if let Some(u) = &f.unit_id {
                qb.push(" AND d.unit_id = ").push_bind(u.clone());
            }
            if let Some(h) = &f.hazard_id {
                qb.push(" AND d.hazard_id = ").push_bind(h.clone());
            }
            if let Some(i) = &f.inspection_id {
                qb.push(" AND d.inspection_id = ").push_bind(i.clone());
            }
            if let Some(k) = f.kind {
                qb.push(" AND d.kind = ").push_bind(k.code());
            }
            match f.unread {
                Some(true) => {
                    qb.push(" AND dr.document_id IS NULL");
                }
                Some(false) => {
                    qb.push(" AND dr.document_id IS NOT NULL");
                }
                None => {}
            }
        };
        paged(
            &self.pool,
            DOCUMENT_FROM,
            &format!("{DOCUMENT_COLUMNS} {DOCUMENT_FROM}"),
            filters,
            "d.issued_at DESC, d.id DESC",
            page,
            document_from_row,
        )
        .await
    }

    async fn get_document(&self, scope: &Scope, id: &str) -> StoreResult<Document> {
        let mut qb: QueryBuilder<'_, Db> = QueryBuilder::new(format!("{DOCUMENT_COLUMNS} {DOCUMENT_FROM}"));
        qb.push(" AND d.id = ").push_bind(id.to_string());
        push_scope(&mut qb, scope);
        let r = qb
            .build()
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut d = document_from_row(&r);
        if d.last_action_at.is_some() {
            d.actions = sqlx::query(&sql(
                "SELECT id, document_id, text, recorded_at, recorded_by_name FROM document_actions
                 WHERE document_id = ? ORDER BY recorded_at, id",
            ))
            .bind(&d.id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(action_from_row)
            .collect();
        }
        Ok(d)
    }

    async fn record_receipt(
        &self,
        document_id: &str,
        user_id: &str,
        user_name: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(&sql(
            "INSERT INTO document_receipts (document_id, read_at, read_by, read_by_name) VALUES (?, ?, ?, ?) ON CONFLICT (document_id) DO NOTHING",
        ))
        .bind(document_id)
        .bind(ms(now))
        .bind(user_id)
        .bind(user_name)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if done {
            append_in(&mut tx, audit, now).await?;
        }
        tx.commit().await?;
        Ok(done)
    }

    async fn record_document_action(
        &self,
        document_id: &str,
        user_id: &str,
        user_name: &str,
        text: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<DepartmentAction> {
        let mut tx = self.begin_write().await?;
        let unit_id: String = sqlx::query_scalar(&sql("SELECT unit_id FROM documents WHERE id = ?"))
            .bind(document_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        sqlx::query(&sql(
            "INSERT INTO document_receipts (document_id, read_at, read_by, read_by_name) VALUES (?, ?, ?, ?) ON CONFLICT (document_id) DO NOTHING",
        ))
        .bind(document_id)
        .bind(ms(now))
        .bind(user_id)
        .bind(user_name)
        .execute(&mut *tx)
        .await?;
        let id = new_id();
        let (shown, sealed) = self.cipher.seal_free_text("document_actions", "text", text);
        sqlx::query(&sql(
            "INSERT INTO document_actions (id, document_id, unit_id, text, text_sealed, recorded_at, recorded_by, recorded_by_name)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(&id)
        .bind(document_id)
        .bind(&unit_id)
        .bind(&shown)
        .bind(&sealed)
        .bind(ms(now))
        .bind(user_id)
        .bind(user_name)
        .execute(&mut *tx)
        .await?;
        append_in(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(DepartmentAction {
            id,
            document_id: document_id.to_string(),
            text: shown,
            recorded_at: from_ms(ms(now)),
            recorded_by: user_name.to_string(),
        })
    }
}
