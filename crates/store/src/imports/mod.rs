//! Repository of spreadsheet imports: [`ImportJobRepo`]. Implemented by both backends in
//! `sql.rs` (compiled once per backend, see `crate::sqlite`). The units an import creates are
//! written by the registry's own repository (`crate::registry::UnitRepo`), each with its audit
//! entry; the import's own audit entry is written when it finishes.

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::audit::AuditEntry;
use neibao_domain::imports::{ImportJob, ImportMode, RowError};

/// A new import job (status `running`, no rows checked yet).
#[derive(Debug, Clone)]
pub struct NewImportJob {
    pub user_id: String,
    pub kind: neibao_domain::imports::ImportKind,
    pub mode: ImportMode,
    pub file_name: String,
    pub rows_total: u32,
}

/// The end of an import job: its counts and bad rows.
#[derive(Debug, Clone)]
pub struct ImportOutcome {
    /// `done` or `refused`.
    pub status: neibao_domain::imports::ImportStatus,
    pub created: u32,
    pub unchanged: u32,
    pub refused: u32,
    pub errors: Vec<RowError>,
}

/// Import jobs: started, advanced, finished, read back by their owner.
#[async_trait]
pub trait ImportJobRepo: Send + Sync {
    /// Records a new running job; returns its id.
    async fn create_import_job(&self, job: &NewImportJob, now: DateTime<Utc>) -> StoreResult<String>;
    /// Sets a running job's progress (rows checked, rows written) and its beat (`now`).
    async fn set_import_progress(&self, id: &str, checked: u32, written: u32, now: DateTime<Utc>) -> StoreResult<()>;
    /// Finishes a running job with its outcome and writes `audit` (the import's own entry) in
    /// the same transaction.
    async fn finish_import_job(
        &self,
        id: &str,
        outcome: &ImportOutcome,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Marks a job failed with a zh-CN reason (only while it runs).
    async fn fail_import_job(&self, id: &str, reason: &str, now: DateTime<Utc>) -> StoreResult<()>;
    /// Marks every running job whose last beat is before `beat_before` failed with `reason` (a
    /// stopped server left them); returns how many.
    async fn fail_stale_imports(
        &self,
        beat_before: DateTime<Utc>,
        reason: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<u64>;
    /// One job of `user_id`. NotFound when there is none or it is someone else's.
    async fn get_import_job(&self, id: &str, user_id: &str) -> StoreResult<ImportJob>;
    /// The ids of the units registered under these USCCs, whoever's jurisdiction they lie in
    /// (the USCC is unique across the installation): `(uscc, unit id)`.
    async fn unit_ids_by_uscc(&self, usccs: &[String]) -> StoreResult<Vec<(String, String)>>;
}
