//! Repositories of the security staff (docs/SECURITY-STAFF.md): [`SecurityStaffRepo`].
//! Implemented by both backends in `sql.rs` (compiled once per backend, see `crate::sqlite`).

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::jobs::NewJob;
use neibao_domain::security_staff::*;

/// A unit's security body, roster (staff and guards), training records, commendations / duty
/// injuries / complaints and their change history. Every method takes the caller's scope: a
/// unit outside it is not found. Writes to a closed (注销) unit are refused (409
/// `invalid_transition`). Phone and ID numbers are encrypted at rest, the ID number also kept
/// as a blind index; what is read back is masked.
#[async_trait]
pub trait SecurityStaffRepo: Send + Sync {
    /// Everything stored about one unit's security staff (the derived fields — age, eligibility,
    /// warnings, certificate states — are left for the service). `NotFound` outside the scope.
    async fn unit_security(&self, scope: &Scope, unit_id: &str) -> StoreResult<UnitSecurityData>;

    /// Saves the unit's security body with `audit` and a history row, in one transaction.
    /// `version`: `None` to create (a `Conflict` when one exists), else the version the caller
    /// saw (stale → `version_conflict`). Returns the new version.
    #[allow(clippy::too_many_arguments)]
    async fn save_security_body(
        &self,
        scope: &Scope,
        unit_id: &str,
        d: &BodyDraft,
        version: Option<i64>,
        by: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<i64>;

    /// Adds a roster entry `id` (a guard when `d.guard` is set, whose ID number is required),
    /// version 1, with `audit` and a history row. A guard whose ID number is already on the
    /// unit's current roster is a `Conflict`.
    async fn add_security_member(
        &self,
        scope: &Scope,
        unit_id: &str,
        id: &str,
        d: &MemberDraft,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// Changes a current roster entry of `category` carrying the `version` the caller saw
    /// (stale → `version_conflict`; removed → `invalid_transition`; absent → `NotFound`).
    #[allow(clippy::too_many_arguments)]
    async fn update_security_member(
        &self,
        scope: &Scope,
        unit_id: &str,
        id: &str,
        category: MemberCategory,
        version: i64,
        d: &MemberDraft,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// Removes a roster entry softly (kept, with `removed_at`, in the lists and history), with the
    /// same version rules as an update.
    #[allow(clippy::too_many_arguments)]
    async fn remove_security_member(
        &self,
        scope: &Scope,
        unit_id: &str,
        id: &str,
        category: MemberCategory,
        version: i64,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// Stores a training record of a current roster member of the unit (`NotFound` otherwise)
    /// with its certificate-expiry reminder job, if any, and `audit`, in one transaction.
    async fn add_security_training(
        &self,
        scope: &Scope,
        t: &NewTraining,
        reminder: Option<&NewJob>,
        audit: &AuditEntry,
    ) -> StoreResult<()>;

    /// Stores a commendation, duty injury/death or complaint (its `member_id`, if any, must be
    /// a roster entry of the unit) with `audit`.
    async fn add_security_record(&self, scope: &Scope, r: &StaffRecord, audit: &AuditEntry) -> StoreResult<()>;

    /// One training record by id with the unit's name and whether its member is still on the
    /// roster (for the reminder job). `None` when absent or outside the scope.
    async fn security_training(&self, scope: &Scope, id: &str) -> StoreResult<Option<(Training, String, bool)>>;
}
