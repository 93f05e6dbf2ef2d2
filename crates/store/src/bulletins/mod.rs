//! Repository of bulletins: [`BulletinRepo`] (docs/BULLETINS.md; the Opinions Part 3, 警企通报).
//! Implemented by both backends in `sql.rs` (compiled once per backend, see `crate::sqlite`).

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::bulletins::*;
use neibao_domain::jobs::NewJob;
use neibao_domain::paging::{Listing, Page};

/// Bulletins and their recipients. A downward bulletin is visible to a scope holding at least one
/// of its recipients (and of them only those); an upward one to a scope holding its sending unit.
#[async_trait]
pub trait BulletinRepo: Send + Sync {
    /// Stores a bulletin with `audit` and `job` (the deadline job) in one transaction. A downward
    /// one gets its recipients: exactly the active units of `scope` under its division prefix
    /// matching its unit set, now (a validation error, zh-CN, when none; `NotFound` when a
    /// hand-picked unit is outside the scope). Returns the bulletin and its recipients.
    async fn create_bulletin(
        &self,
        scope: &Scope,
        b: &NewBulletin,
        job: Option<&NewJob>,
        audit: &AuditEntry,
    ) -> StoreResult<(Bulletin, Vec<Recipient>)>;

    /// One bulletin and its recipients in `scope` (by division code, name); `None` when absent or
    /// not visible to the scope.
    async fn bulletin(&self, scope: &Scope, id: &str) -> StoreResult<Option<(Bulletin, Vec<Recipient>)>>;

    /// The bulletins visible to `scope` (optionally one direction), newest first.
    async fn bulletins(
        &self,
        scope: &Scope,
        direction: Option<Direction>,
        page: Page,
    ) -> StoreResult<Listing<Bulletin>>;

    /// Records the unit's first reading (`by`: who) with `audit`; `false` when already read.
    async fn read_bulletin(
        &self,
        id: &str,
        unit_id: &str,
        by: &str,
        at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> StoreResult<bool>;

    /// Records the unit's acknowledgement (and reading, if not yet) with its reply and `audit`;
    /// an acknowledged unit's row is returned unchanged (a double submit changes nothing).
    /// `NotFound` when the unit is not a recipient.
    async fn acknowledge_bulletin(
        &self,
        id: &str,
        unit_id: &str,
        by: &str,
        reply: Option<&str>,
        at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> StoreResult<Recipient>;

    /// Marks the recipients that have not acknowledged and were not yet reminded as reminded at
    /// `at` (overdue), with `audit`; returns exactly those (each is reminded once).
    async fn remind_bulletin(&self, id: &str, at: DateTime<Utc>, audit: &AuditEntry) -> StoreResult<Vec<Recipient>>;

    /// Records the police's reply to the unit's report `id` (direction up) with `audit`, unless
    /// it already has one; answers the bulletin as it now stands and whether this reply was
    /// stored (`false`: replied before, nothing changed). `NotFound` when absent. The caller
    /// checks the report is visible to the replying police.
    async fn reply_to_bulletin(
        &self,
        id: &str,
        reply: &PoliceReply,
        audit: &AuditEntry,
    ) -> StoreResult<(Bulletin, bool)>;
}
