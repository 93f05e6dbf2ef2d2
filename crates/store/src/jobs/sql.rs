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
use neibao_domain::jobs::{Job, JobKind, NewJob};
use sqlx::Row;

/// Schedules `job` inside `tx` (the write it belongs to: a deadline with its hazard, a
/// delivery with its document); a job of the same kind, subject and time is there once.
pub(crate) async fn insert_in(
    tx: &mut sqlx::Transaction<'static, super::db::Db>,
    job: &NewJob,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    sqlx::query(&sql(
        "INSERT INTO scheduled_jobs (id, kind, subject_id, due_at, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (kind, subject_id, due_at) DO NOTHING",
    ))
    .bind(new_id())
    .bind(job.kind.code())
    .bind(&job.subject_id)
    .bind(ms(job.due_at))
    .bind(job.payload.to_string())
    .bind(ms(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A claimed row; `None` for a kind this binary does not know (not claimed, see below).
fn job_from_row(r: &DbRow) -> Option<Job> {
    Some(Job {
        id: r.get("id"),
        kind: JobKind::from_code(r.get::<&str, _>("kind"))?,
        subject_id: r.get("subject_id"),
        due_at: from_ms(r.get("due_at")),
        payload: serde_json::from_str(r.get::<&str, _>("payload")).unwrap_or(serde_json::Value::Null),
        attempts: r.get("attempts"),
    })
}

/// `kind IN (…)` of every known kind: jobs of kinds this binary does not know (written by a newer
/// version on another node) stay unclaimed for a node that knows them.
fn known_kinds() -> String {
    JobKind::ALL
        .iter()
        .map(|k| format!("'{}'", k.code()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[async_trait]
impl JobRepo for Backend {
    async fn schedule_job(&self, job: &NewJob, now: DateTime<Utc>) -> StoreResult<bool> {
        let done = sqlx::query(&sql(
            "INSERT INTO scheduled_jobs (id, kind, subject_id, due_at, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (kind, subject_id, due_at) DO NOTHING",
        ))
        .bind(new_id())
        .bind(job.kind.code())
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
                            AND kind IN ({known})
                          ORDER BY due_at LIMIT ?{SKIP_LOCKED})
             RETURNING id, kind, subject_id, due_at, payload, attempts",
            known = known_kinds()
        )))
        .bind(node)
        .bind(ms(now))
        .bind(ms(now))
        .bind(ms(now - lease))
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(rows.iter().filter_map(job_from_row).collect())
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
