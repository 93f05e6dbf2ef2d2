//! [`InspectionRepo`]: inspections, their drafts and their one atomic submission.

use super::super::common::{ms, paged, push_scope};
use super::super::db::{sql, Db};
use super::super::store::Backend;
use super::rows::{inspection_from_row, INSPECTION_COLUMNS, INSPECTION_FROM};
use super::tx::{audit_in, insert_hazard, insert_inspection};
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::supervision::{
    Inspection, InspectionFilter, InspectionRecord, ItemOutcome, NewInspection, SubmitInspection,
};
use sqlx::{QueryBuilder, Row};

#[async_trait]
impl InspectionRepo for Backend {
    async fn create_inspection(
        &self,
        scope: &Scope,
        i: &NewInspection,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Inspection> {
        self.unit_in_scope(scope, &i.unit_id).await?;
        let mut tx = self.begin_write().await?;
        let id = insert_inspection(&mut tx, i, now).await?;
        audit_in(&mut tx, audit, Some(&id), now).await?;
        tx.commit().await?;
        self.get_inspection(scope, &id).await
    }

    async fn get_inspection(&self, scope: &Scope, id: &str) -> StoreResult<Inspection> {
        let mut qb: QueryBuilder<'_, Db> = QueryBuilder::new(format!("SELECT {INSPECTION_COLUMNS} {INSPECTION_FROM}"));
        qb.push(" AND i.id = ").push_bind(id.to_string());
        push_scope(&mut qb, scope);
        let r = qb
            .build()
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(inspection_from_row(&r))
    }

    async fn list_inspections(
        &self,
        scope: &Scope,
        f: &InspectionFilter,
        page: Page,
    ) -> StoreResult<Listing<Inspection>> {
        let filters = |qb: &mut QueryBuilder<'_, Db>| {
            push_scope(qb, scope);
            if let Some(c) = &f.campaign_id {
                qb.push(" AND i.campaign_id = ").push_bind(c.clone());
            }
            if let Some(u) = &f.unit_id {
                qb.push(" AND i.unit_id = ").push_bind(u.clone());
            }
            if let Some(s) = f.status {
                qb.push(" AND i.status = ").push_bind(s.code());
            }
            match (&f.assignee_id, &f.or_unassigned_in_org) {
                (Some(a), Some(org)) => {
                    qb.push(" AND (i.assignee_id = ")
                        .push_bind(a.clone())
                        .push(" OR (i.org_id = ")
                        .push_bind(org.clone())
                        .push(" AND (i.assignee_id IS NULL OR i.assignee_id = '') AND i.status <> 'submitted'))");
                }
                (Some(a), None) => {
                    qb.push(" AND i.assignee_id = ").push_bind(a.clone());
                }
                _ => {}
            }
        };
        paged(
            &self.pool,
            INSPECTION_FROM,
            &format!("SELECT {INSPECTION_COLUMNS} {INSPECTION_FROM}"),
            filters,
            "i.created_at DESC, i.id DESC",
            page,
            inspection_from_row,
        )
        .await
    }

    async fn save_inspection(
        &self,
        scope: &Scope,
        id: &str,
        record: &InspectionRecord,
        results: &[ItemOutcome],
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Inspection> {
        self.get_inspection(scope, id).await?;
        let (record, record_sealed, results, results_sealed) = self.seal_inspection(id, record, results).await?;
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(&sql(
            "UPDATE inspections SET record = ?, results = ?, status = 'in_progress', updated_at = ?,
                                    record_sealed = ?, results_sealed = ?
             WHERE id = ? AND status <> 'submitted'",
        ))
        .bind(record)
        .bind(results)
        .bind(ms(now))
        .bind(record_sealed)
        .bind(results_sealed)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict("inspection already submitted".into()));
        }
        audit_in(&mut tx, audit, Some(id), now).await?;
        tx.commit().await?;
        self.get_inspection(scope, id).await
    }

    async fn submit_inspection(
        &self,
        scope: &Scope,
        id: &str,
        s: &SubmitInspection,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<(Inspection, Vec<String>, Option<String>)> {
        self.get_inspection(scope, id).await?;
        let (record, record_sealed, results, results_sealed) = self.seal_inspection(id, &s.record, &s.results).await?;
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(&sql(
            "UPDATE inspections SET record = ?, results = ?, score = ?, status = 'submitted', updated_at = ?, submitted_at = ?,
                                    record_sealed = ?, results_sealed = ?
             WHERE id = ? AND status <> 'submitted'",
        ))
        .bind(record)
        .bind(results)
        .bind(serde_json::to_string(&s.score).unwrap_or_default())
        .bind(ms(now))
        .bind(ms(now))
        .bind(record_sealed)
        .bind(results_sealed)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict("inspection already submitted".into()));
        }
        let mut hazards = Vec::new();
        for h in &s.hazards {
            hazards.push(insert_hazard(&mut tx, &self.cipher, h, now).await?);
        }
        let doc = match &s.document {
            Some(d) => Some(super::super::documents::insert_in(&mut tx, d, now).await?),
            None => None,
        };
        audit_in(&mut tx, audit, Some(id), now).await?;
        tx.commit().await?;
        Ok((self.get_inspection(scope, id).await?, hazards, doc))
    }
}

impl Backend {
    /// The stored forms of an inspection's record and item results: masked JSON for the columns
    /// and the sealed plaintext JSON when something was masked (docs/SECURITY.md, "Personal data
    /// in free text"): `(record, record_sealed, results, results_sealed)`.
    /// A draft sent back from a form filled from the masked columns keeps the sealed plaintext of
    /// every string it did not change (`neibao_domain::privacy::restore_masked`).
    async fn seal_inspection(
        &self,
        id: &str,
        record: &InspectionRecord,
        results: &[ItemOutcome],
    ) -> StoreResult<(String, Option<String>, String, Option<String>)> {
        let mut record = serde_json::to_value(record).unwrap_or_default();
        let mut results = serde_json::to_value(results).unwrap_or_default();
        let row = sqlx::query(&sql(
            "SELECT record_sealed, results_sealed FROM inspections WHERE id = ?",
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        if let Some(row) = row {
            for (column, value) in [("record", &mut record), ("results", &mut results)] {
                let Some(ct) = row.get::<Option<String>, _>(format!("{column}_sealed").as_str()) else {
                    continue;
                };
                let plain = self
                    .cipher
                    .decrypt(&format!("inspections.{column}"), &ct)
                    .map_err(StoreError::Other)?;
                if let Ok(old) = serde_json::from_str(&plain) {
                    neibao_domain::privacy::restore_masked(value, &old);
                }
            }
        }
        let (record, record_sealed) = self.cipher.seal_free_json("inspections", "record", &record);
        let (results, results_sealed) = self.cipher.seal_free_json("inspections", "results", &results);
        Ok((record, record_sealed, results, results_sealed))
    }
}
