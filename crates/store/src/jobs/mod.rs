//! Repositories of jobs: [`JobRepo`]. Implemented by both
//! backends in `sql.rs` (compiled once per backend, see `crate::sqlite`).

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::jobs::*;

/// The durable scheduler's rows: scheduled once, claimed with a lease by one node, completed once.
#[async_trait]
pub trait JobRepo: Send + Sync {
    /// Schedules a job; the same (kind, subject, due time) twice is scheduled once. Returns
    /// whether it was new.
    async fn schedule_job(&self, job: &NewJob, now: DateTime<Utc>) -> StoreResult<bool>;
    /// Claims up to `limit` due jobs for `node`: jobs not done, due at `now`, and not claimed or
    /// whose claim is older than `lease` (the claimer died). Several nodes may call this at once;
    /// each job goes to one of them.
    async fn claim_due_jobs(
        &self,
        node: &str,
        now: DateTime<Utc>,
        lease: chrono::Duration,
        limit: i64,
    ) -> StoreResult<Vec<Job>>;
    /// Marks a job claimed by `node` done; false when it was not this node's (lease lost) or
    /// already done.
    async fn complete_job(&self, id: &str, node: &str, now: DateTime<Utc>) -> StoreResult<bool>;
}
