//! SQL of spreadsheet imports (compiled once per backend: see `crate::sqlite` and
//! `crate::postgres`).

use super::audit::append_in;
use super::common::{from_ms, json_or, ms, opt_ms};
use super::db::{sql, DbRow};
use super::store::Backend;
use crate::error::{StoreError, StoreResult};
use crate::imports::{ImportOutcome, NewImportJob};
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::audit::AuditEntry;
use neibao_domain::ids::new_id;
use neibao_domain::imports::{ImportJob, ImportKind, ImportMode, ImportStatus};
use sqlx::{QueryBuilder, Row};

const COLUMNS: &str = "SELECT id, user_id, kind, mode, status, file_name, rows_total, rows_checked, rows_written, \
    created_count, unchanged_count, refused_count, errors, reason, created_at, finished_at FROM import_jobs";

fn count(r: &DbRow, col: &str) -> u32 {
    u32::try_from(r.get::<i64, _>(col)).unwrap_or(0)
}

fn job_from_row(r: &DbRow) -> ImportJob {
    let kind = ImportKind::from_code(&r.get::<String, _>("kind")).unwrap_or_default();
    ImportJob {
        id: r.get("id"),
        kind,
        notice: kind.notice_zh().map(str::to_string),
        user_id: r.get("user_id"),
        mode: ImportMode::from_code(&r.get::<String, _>("mode")).unwrap_or_default(),
        status: ImportStatus::from_code(&r.get::<String, _>("status")).unwrap_or(ImportStatus::Failed),
        file_name: r.get("file_name"),
        rows_total: count(r, "rows_total"),
        rows_checked: count(r, "rows_checked"),
        rows_written: count(r, "rows_written"),
        created: count(r, "created_count"),
        unchanged: count(r, "unchanged_count"),
        refused: count(r, "refused_count"),
        errors: json_or(&r.get::<String, _>("errors"), Vec::new()),
        reason: r.get("reason"),
        created_at: from_ms(r.get("created_at")),
        finished_at: opt_ms(r, "finished_at"),
    }
}

#[async_trait]
impl ImportJobRepo for Backend {
    async fn create_import_job(&self, job: &NewImportJob, now: DateTime<Utc>) -> StoreResult<String> {
        let id = new_id();
        sqlx::query(&sql(
            "INSERT INTO import_jobs (id, user_id, kind, mode, status, file_name, rows_total, created_at, beat_at) \
             VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?)",
        ))
        .bind(&id)
        .bind(&job.user_id)
        .bind(job.kind.code())
        .bind(job.mode.code())
        .bind(&job.file_name)
        .bind(i64::from(job.rows_total))
        .bind(ms(now))
        .bind(ms(now))
        .execute(self.writer())
        .await?;
        Ok(id)
    }

    async fn set_import_progress(&self, id: &str, checked: u32, written: u32, now: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query(&sql(
            "UPDATE import_jobs SET rows_checked = ?, rows_written = ?, beat_at = ? WHERE id = ? AND status = 'running'",
        ))
        .bind(i64::from(checked))
        .bind(i64::from(written))
        .bind(ms(now))
        .bind(id)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    async fn finish_import_job(
        &self,
        id: &str,
        o: &ImportOutcome,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let errors = serde_json::to_string(&o.errors).unwrap_or_else(|_| "[]".into());
        let mut tx = self.begin_write().await?;
        let n = sqlx::query(&sql(
            "UPDATE import_jobs SET status = ?, rows_checked = rows_total, created_count = ?, unchanged_count = ?, \
             refused_count = ?, rows_written = ?, errors = ?, finished_at = ? WHERE id = ? AND status = 'running'",
        ))
        .bind(o.status.code())
        .bind(i64::from(o.created))
        .bind(i64::from(o.unchanged))
        .bind(i64::from(o.refused))
        .bind(i64::from(o.created))
        .bind(errors)
        .bind(ms(now))
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        append_in(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn fail_import_job(&self, id: &str, reason: &str, now: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query(&sql(
            "UPDATE import_jobs SET status = 'failed', reason = ?, finished_at = ? WHERE id = ? AND status = 'running'",
        ))
        .bind(reason)
        .bind(ms(now))
        .bind(id)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    async fn fail_stale_imports(
        &self,
        beat_before: DateTime<Utc>,
        reason: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<u64> {
        let n = sqlx::query(&sql(
            "UPDATE import_jobs SET status = 'failed', reason = ?, finished_at = ? WHERE status = 'running' AND beat_at < ?",
        ))
        .bind(reason)
        .bind(ms(now))
        .bind(ms(beat_before))
        .execute(self.writer())
        .await?
        .rows_affected();
        Ok(n)
    }

    async fn get_import_job(&self, id: &str, user_id: &str) -> StoreResult<ImportJob> {
        let row = sqlx::query(&sql(&format!("{COLUMNS} WHERE id = ? AND user_id = ?")))
            .bind(id)
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(job_from_row).ok_or(StoreError::NotFound)
    }

    async fn unit_ids_by_uscc(&self, usccs: &[String]) -> StoreResult<Vec<(String, String)>> {
        let mut out = Vec::new();
        for chunk in usccs.chunks(500) {
            let mut qb = QueryBuilder::new("SELECT uscc, id FROM units WHERE uscc IN (");
            let mut sep = qb.separated(", ");
            for u in chunk {
                sep.push_bind(u.clone());
            }
            qb.push(")");
            let rows = qb.build().fetch_all(&self.pool).await?;
            out.extend(
                rows.iter()
                    .map(|r| (r.get::<String, _>("uscc"), r.get::<String, _>("id"))),
            );
        }
        Ok(out)
    }
}
