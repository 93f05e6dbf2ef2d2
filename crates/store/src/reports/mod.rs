//! Repositories of reports to the police: [`ReportRepo`]. Implemented by both backends in
//! `sql.rs` (compiled once per backend, see `crate::sqlite`).

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::reports::*;

/// Reports from units and the public (docs/REPORTS.md; R12(4), R24, R48). A report is in a scope
/// when: everything (administrators); its division starts with the prefix (bureaus); it was
/// routed to the station (stations); it is the unit's (unit accounts); never for competent
/// departments. Outside the scope a report is not found. People and contact are encrypted at
/// rest with the field cipher and read back decrypted (the service masks them).
#[async_trait]
pub trait ReportRepo: Send + Sync {
    /// Stores a new report with `audit`, in one transaction.
    async fn create_report(&self, r: &NewReport, audit: &AuditEntry) -> StoreResult<Report>;

    /// One report; `None` when absent or outside the scope.
    async fn report(&self, scope: &Scope, id: &str) -> StoreResult<Option<Report>>;

    /// Reports in scope, newest first (without their notes).
    async fn list_reports(&self, scope: &Scope, f: &ReportFilter, page: Page) -> StoreResult<Listing<Report>>;

    /// Acknowledges a submitted report at `at` by `by` with `audit`. `NotFound` outside the scope;
    /// `InvalidTransition` when it was acknowledged already.
    async fn acknowledge_report(
        &self,
        scope: &Scope,
        id: &str,
        by: &str,
        at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> StoreResult<Report>;

    /// Adds a handling note (`note.close`: it closes the report; acknowledging a submitted report at the same time; `close`: the
    /// report is closed) with `audit`. `NotFound` outside the scope; `InvalidTransition` once
    /// closed.
    async fn add_report_note(
        &self,
        scope: &Scope,
        id: &str,
        note: &HandlingNote,
        audit: &AuditEntry,
    ) -> StoreResult<Report>;

    /// Public reports stored since `since` (all addresses): the installation's hourly budget.
    async fn public_reports_since(&self, since: DateTime<Utc>) -> StoreResult<i64>;
}
