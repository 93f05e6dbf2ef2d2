//! Repository of 平安单位 titles: [`HonoursRepo`] (docs/HONOURS.md; the Opinions Part 5, S10
//! Art 29). Implemented by both backends in `sql.rs`. The honours block is computed from the
//! unit's hazard cases (supervision's `HazardRepo`), not stored.

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::honours::{SafeUnitTitle, TitleState};

/// A new application as checked by the service.
#[derive(Debug, Clone)]
pub struct NewApplication {
    pub id: String,
    pub unit_id: String,
    pub year: i32,
    pub statement: String,
    pub by: String,
    pub by_name: String,
    pub at: DateTime<Utc>,
}

/// A decision, grant, refusal or revocation, as checked by the service.
#[derive(Debug, Clone)]
pub struct TitleChange {
    /// `Granted`, `Refused` or `Revoked`.
    pub to: TitleState,
    pub reason: String,
    pub by: String,
    pub by_name: String,
    pub at: DateTime<Utc>,
    /// Granted: the validity.
    pub valid: Option<(NaiveDate, NaiveDate)>,
}

#[async_trait]
pub trait HonoursRepo: Send + Sync {
    /// Stores an application with `audit` in one transaction. `NotFound` when the unit is outside
    /// the scope; `InvalidTransition` when the unit is closed or already has an application for
    /// the year that was not refused.
    async fn apply_safe_unit(
        &self,
        scope: &Scope,
        a: &NewApplication,
        audit: &AuditEntry,
    ) -> StoreResult<SafeUnitTitle>;

    /// One application; `None` when absent or outside the scope.
    async fn safe_unit_title(&self, scope: &Scope, id: &str) -> StoreResult<Option<SafeUnitTitle>>;

    /// The unit's applications, newest year first; empty outside the scope.
    async fn safe_unit_titles(&self, scope: &Scope, unit_id: &str) -> StoreResult<Vec<SafeUnitTitle>>;

    /// Applies `c` with `audit` in one transaction: grant or refuse an `applied` title, revoke a
    /// `granted` one. `NotFound` outside the scope; `InvalidTransition` from any other state.
    async fn change_safe_unit_title(
        &self,
        scope: &Scope,
        id: &str,
        c: &TitleChange,
        audit: &AuditEntry,
    ) -> StoreResult<SafeUnitTitle>;
}
