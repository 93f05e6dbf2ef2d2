//! [`HazardRepo`]: hazards, their steps, and the one atomic update of a ladder step (state,
//! step, document, credit entry, jobs, audit entry).

use super::super::common::{ms, paged, push_scope};
use super::super::db::{sql, Db};
use super::super::jobs::insert_in as insert_job;
use super::super::store::Backend;
use super::rows::{hazard_from_row, step_from_row, HAZARD_FROM};
use super::tx::{audit_in, insert_hazard};
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::ids::new_id;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::supervision::{Hazard, HazardFilter, HazardSort, HazardStep, HazardUpdate, NewHazard};
use sqlx::QueryBuilder;

#[async_trait]
impl HazardRepo for Backend {
    async fn create_hazard(
        &self,
        scope: &Scope,
        h: &NewHazard,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Hazard> {
        self.unit_in_scope(scope, &h.unit_id).await?;
        let mut tx = self.begin_write().await?;
        let id = insert_hazard(&mut tx, &self.cipher, h, now).await?;
        audit_in(&mut tx, audit, Some(&id), now).await?;
        tx.commit().await?;
        self.get_hazard(scope, &id).await
    }

    async fn get_hazard(&self, scope: &Scope, id: &str) -> StoreResult<Hazard> {
        let mut qb: QueryBuilder<'_, Db> = QueryBuilder::new(format!("SELECT h.*, u.name AS unit_name {HAZARD_FROM}"));
        qb.push(" AND h.id = ").push_bind(id.to_string());
        push_scope(&mut qb, scope);
        let r = qb
            .build()
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(hazard_from_row(&r))
    }

    async fn list_hazards(&self, scope: &Scope, f: &HazardFilter, page: Page) -> StoreResult<Listing<Hazard>> {
        let filters = |qb: &mut QueryBuilder<'_, Db>| {
            push_scope(qb, scope);
            if let Some(u) = &f.unit_id {
                qb.push(" AND h.unit_id = ").push_bind(u.clone());
            }
            if let Some(p) = f.phase {
                qb.push(" AND h.phase = ").push_bind(p.code());
            }
            if f.open_only {
                qb.push(" AND h.phase NOT IN ('closed','fine_decided','criminal_transfer')");
            }
            if let Some(i) = &f.inspection_id {
                qb.push(" AND h.inspection_id = ").push_bind(i.clone());
            }
            if let Some(c) = f.class {
                qb.push(" AND h.class = ").push_bind(c.code());
            }
        };
        // Fixed SQL per column (the caller's value only picks one of these).
        let order = match f.sort {
            None => "CASE WHEN h.deadline IS NULL THEN 1 ELSE 0 END, h.deadline, h.created_at DESC, h.id".to_string(),
            Some(s) => match s.column {
                HazardSort::Deadline => format!(
                    "CASE WHEN h.deadline IS NULL THEN 1 ELSE 0 END, h.deadline {}, h.created_at DESC, h.id",
                    s.direction()
                ),
                HazardSort::Created => format!("h.created_at {}, h.id", s.direction()),
            },
        };
        paged(
            &self.pool,
            HAZARD_FROM,
            &format!("SELECT h.*, u.name AS unit_name {HAZARD_FROM}"),
            filters,
            &order,
            page,
            hazard_from_row,
        )
        .await
    }

    async fn hazard_steps(&self, scope: &Scope, id: &str) -> StoreResult<Vec<HazardStep>> {
        self.get_hazard(scope, id).await?;
        let rows = sqlx::query(&sql(
            "SELECT s.*, d.number AS document_number FROM hazard_steps s LEFT JOIN documents d ON d.id = s.document_id
             WHERE s.hazard_id = ? ORDER BY s.seq",
        ))
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(step_from_row).collect())
    }

    async fn update_hazard(
        &self,
        scope: &Scope,
        u: &HazardUpdate,
        audit: Option<&AuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<(Hazard, HazardStep)> {
        self.get_hazard(scope, &u.hazard_id).await?;
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(&sql(
            "UPDATE hazards SET phase = ?, deadline = ?, case_state = ?, version = version + 1, updated_at = ?,
                                org_id = COALESCE(org_id, ?)
             WHERE id = ? AND version = ?",
        ))
        .bind(u.case_state.phase.code())
        .bind(u.case_state.deadline.map(ms))
        .bind(serde_json::to_string(&u.case_state).unwrap_or_default())
        .bind(ms(now))
        .bind(&u.org_id)
        .bind(&u.hazard_id)
        .bind(u.expected_version)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict("hazard changed meanwhile".into()));
        }
        let doc_id = match &u.document {
            Some(d) => Some(super::super::documents::insert_in(&mut tx, d, now).await?),
            None => None,
        };
        // The version check above serializes the writers of one hazard, so the next sequence
        // number is read without another lock.
        let seq: i64 = sqlx::query_scalar(&sql(
            "SELECT CAST(COALESCE(MAX(seq), 0) + 1 AS BIGINT) FROM hazard_steps WHERE hazard_id = ?",
        ))
        .bind(&u.hazard_id)
        .fetch_one(&mut *tx)
        .await?;
        let step_id = new_id();
        let (reason, reason_sealed) = self.cipher.seal_free_text("hazard_steps", "reason", &u.step.reason);
        sqlx::query(&sql(
            "INSERT INTO hazard_steps (id, hazard_id, seq, action, from_phase, to_phase, actor_id, actor_name, at, reason,
                                       legal_basis, detail, document_id, dedup_key, reason_sealed)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(&step_id)
        .bind(&u.hazard_id)
        .bind(seq)
        .bind(&u.step.action)
        .bind(u.from.code())
        .bind(u.case_state.phase.code())
        .bind(&u.step.actor_id)
        .bind(&u.step.actor_name)
        .bind(ms(now))
        .bind(&reason)
        .bind(&u.step.legal_basis)
        .bind(u.step.detail.to_string())
        .bind(&doc_id)
        .bind(&u.step.dedup_key)
        .bind(&reason_sealed)
        .execute(&mut *tx)
        .await?;
        if let Some(c) = &u.credit {
            sqlx::query(&sql(
                "INSERT INTO credit_records (id, unit_id, kind, points, source_id, basis, reason, recorded_by, recorded_at, expires_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ))
            .bind(new_id())
            .bind(&c.unit_id)
            .bind(c.kind.code())
            .bind(c.points)
            .bind(&c.source_id)
            .bind(&c.basis)
            .bind(&c.reason)
            .bind(&c.recorded_by)
            .bind(ms(now))
            .bind(ms(c.expires_at))
            .execute(&mut *tx)
            .await?;
        }
        for j in &u.jobs {
            insert_job(&mut tx, j, now).await?;
        }
        if let Some(audit) = audit {
            audit_in(&mut tx, audit, Some(&u.hazard_id), now).await?;
        }
        tx.commit().await?;
        let hazard = self.get_hazard(scope, &u.hazard_id).await?;
        let steps = self.hazard_steps(scope, &u.hazard_id).await?;
        let step = steps
            .into_iter()
            .find(|s| s.id == step_id)
            .ok_or(StoreError::NotFound)?;
        Ok((hazard, step))
    }
}
