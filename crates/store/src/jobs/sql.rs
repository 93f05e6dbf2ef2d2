//! SQL of jobs (compiled once per backend: see `crate::sqlite` and `crate::postgres`).

use super::common::{from_ms, ms};
use super::db::{sql, DbRow, SKIP_LOCKED};
use super::store::Backend;
use crate::error::StoreResult;
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::ids::new_id;
use neibao_domain::jobs::{Job, NewJob};
use sqlx::Row;

fn job_from_row(r: &DbRow) -> Job {
    Job {
        id: r.get("id"),
        kind: r.get("kind"),
        subject_id: r.get("subject_id"),
        due_at: from_ms(r.get("due_at")),
        payload: serde_json::from_str(r.get::<&str, _>("payload")).unwrap_or(serde_json::Value::Null),
        attempts: r.get("attempts"),
    }
}

#[async_trait]
impl JobRepo for Backend {
    async fn schedule_job(&self, job: &NewJob, now: DateTime<Utc>) -> StoreResult<bool> {
        let done = sqlx::query(&sql(
            "INSERT INTO scheduled_jobs (id, kind, subject_id, due_at, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (kind, subject_id, due_at) DO NOTHING",
        ))
        .bind(new_id())
        .bind(&job.kind)
        .bind(&job.subject_id)
        .bind(ms(job.due_at))
        .bind(job.payload.to_string())
        .bind(ms(now))
        .execute(self.writer())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn claim_due_jobs(
        &self,
        node: &str,
        now: DateTime<Utc>,
        lease: chrono::Duration,
        limit: i64,
    ) -> StoreResult<Vec<Job>> {
        let mut tx = self.begin_write().await?;
        let rows = sqlx::query(&sql(&format!(
            "UPDATE scheduled_jobs SET claimed_by = ?, claimed_at = ?, attempts = attempts + 1
             WHERE id IN (SELECT id FROM scheduled_jobs
                          WHERE done_at IS NULL AND due_at <= ? AND (claimed_at IS NULL OR claimed_at < ?)
                          ORDER BY due_at LIMIT ?{SKIP_LOCKED})
             RETURNING id, kind, subject_id, due_at, payload, attempts"
        )))
        .bind(node)
        .bind(ms(now))
        .bind(ms(now))
        .bind(ms(now - lease))
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(rows.iter().map(job_from_row).collect())
    }

    async fn complete_job(&self, id: &str, node: &str, now: DateTime<Utc>) -> StoreResult<bool> {
        let done = sqlx::query(&sql(
            "UPDATE scheduled_jobs SET done_at = ? WHERE id = ? AND claimed_by = ? AND done_at IS NULL",
        ))
        .bind(ms(now))
        .bind(id)
        .bind(node)
        .execute(self.writer())
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
