//! Repositories of filings (备案, docs/FILINGS.md): [`FilingRepo`]. Implemented by both
//! backends in `sql.rs` (compiled once per backend, see `crate::sqlite`).

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::filings::*;
use neibao_domain::jobs::NewJob;
use neibao_domain::paging::{Listing, Page};

/// Filings with the police. Every method takes the caller's scope (applied to the filing's
/// unit): a filing outside it is not found.
#[async_trait]
pub trait FilingRepo: Send + Sync {
    /// Opens `f` with its deadline jobs, its first step and `audit` in one transaction, unless a
    /// filing of the same kind, unit and source reference exists: then that one is answered
    /// (`false`) and nothing is written. `NotFound` when the unit is outside the scope;
    /// `invalid_transition` when it is closed.
    async fn open_filing(
        &self,
        scope: &Scope,
        f: &NewFiling,
        jobs: &[NewJob],
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<(Filing, bool)>;

    /// One filing with its steps (oldest first). `NotFound` outside the scope.
    async fn get_filing(&self, scope: &Scope, id: &str) -> StoreResult<Filing>;

    /// Filings in the scope (without steps), due first (no deadline last), then newest.
    async fn list_filings(&self, scope: &Scope, filter: &FilingFilter, page: Page) -> StoreResult<Listing<Filing>>;

    /// Applies `change` to filing `id` when it is at `version` (else `version_conflict`),
    /// raising the version, appending its step and writing `audit`, in one transaction. The first
    /// submission date is kept once set. `NotFound` outside the scope.
    async fn change_filing(
        &self,
        scope: &Scope,
        id: &str,
        version: i64,
        change: &FilingChange,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Filing>;

    /// How many filings of the unit are in each status, and how many are overdue on `today`.
    /// `NotFound` outside the scope.
    async fn filing_counts(
        &self,
        scope: &Scope,
        unit_id: &str,
        today: NaiveDate,
    ) -> StoreResult<(Vec<(FilingStatus, i64)>, i64)>;
}
