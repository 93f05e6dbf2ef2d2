//! Durable scheduled jobs: schedule once, claim with a lease (one node at a time), complete once.

use chrono::{DateTime, Utc};
use neibao_domain::ids::new_id;
use sqlx::Row;

use super::{from_ms, ms, sql, Backend, DbRow, SKIP_LOCKED};
use crate::repo::StoreResult;
use neibao_domain::jobs::{Job, NewJob};

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

impl Backend {
    pub(crate) async fn schedule_job_impl(&self, job: &NewJob, now: DateTime<Utc>) -> StoreResult<bool> {
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

    pub(crate) async fn claim_due_jobs_impl(
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

    pub(crate) async fn complete_job_impl(&self, id: &str, node: &str, now: DateTime<Utc>) -> StoreResult<bool> {
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
