//! Repository of manual credit entries and objections: [`CreditEntryRepo`] (docs/CREDIT.md,
//! R30). Implemented by both backends in `sql.rs` (compiled once per backend, see
//! `crate::sqlite`). The entries live in supervision's `credit_records` table; the ladder's
//! entries are read with [`crate::supervision::CreditRepo`].

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::credit::*;
use neibao_domain::jobs::NewJob;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::supervision::CreditRecord;

/// Manual credit entries and the unit's objections to credit entries. Methods taking a scope
/// do not find an entry, objection or unit outside it.
#[async_trait]
pub trait CreditEntryRepo: Send + Sync {
    /// Stores a manual entry with `audit`, in one transaction. `NotFound` when the unit is
    /// outside the scope; `InvalidTransition` when the unit is closed (注销).
    async fn record_credit_entry(
        &self,
        scope: &Scope,
        e: &NewManualEntry,
        audit: &AuditEntry,
    ) -> StoreResult<CreditRecord>;

    /// One credit entry (manual or from the ladder); `None` when absent or outside the scope.
    async fn credit_entry(&self, scope: &Scope, id: &str) -> StoreResult<Option<CreditRecord>>;

    /// Stores an objection to entry `o.record_id` with its deadline job and `audit`, in one
    /// transaction. `NotFound` when the entry is outside the scope; `InvalidTransition` when it
    /// is withdrawn or expired, or already has a pending objection.
    async fn file_credit_objection(
        &self,
        scope: &Scope,
        o: &NewObjection,
        job: &NewJob,
        audit: &AuditEntry,
    ) -> StoreResult<Objection>;

    /// One objection; `None` when absent or outside the scope.
    async fn credit_objection(&self, scope: &Scope, id: &str) -> StoreResult<Option<Objection>>;

    /// Objections in scope: pending first, then oldest deadline first.
    async fn list_credit_objections(
        &self,
        scope: &Scope,
        f: &ObjectionFilter,
        page: Page,
    ) -> StoreResult<Listing<Objection>>;

    /// Applies the review `d` at `at` with `audit` in one transaction: withdraw sets the
    /// entry's `withdrawn_at` and reason; amend sets its points and expiry; reject leaves it.
    /// `NotFound` outside the scope; `InvalidTransition` when the objection is already decided.
    async fn decide_credit_objection(
        &self,
        scope: &Scope,
        id: &str,
        d: &Decision,
        at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> StoreResult<Objection>;

    /// The public 诚信公示 list: entries published, not withdrawn and in force at `now` (of units
    /// not closed), newest first. No scope: the list is public (docs/CREDIT.md "Public list").
    async fn public_credit_entries(&self, now: DateTime<Utc>, page: Page) -> StoreResult<Listing<PublicEntry>>;

    /// Marks the objection overdue if it is still pending and its deadline is at or before
    /// `now`; answers it when it was marked now (`None` otherwise), with `audit`.
    async fn mark_credit_objection_overdue(
        &self,
        id: &str,
        now: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> StoreResult<Option<Objection>>;
}
