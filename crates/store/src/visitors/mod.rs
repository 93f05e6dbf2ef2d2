//! Repositories of visitors: [`VisitRepo`]. Implemented by both backends in `sql.rs` (compiled
//! once per backend, see `crate::sqlite`). The retention of visits is swept with the other data
//! classes (`crate::privacy`, `RetentionRepo::retention_sweep`).

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::visitors::*;

/// A unit's visits (docs/VISITORS.md; R12(2), R87; Decree 421 Art 11). Methods taking a scope do
/// not find a unit or visit outside it (`NotFound` / `None`). Every change writes its audit entry
/// in its transaction. ID numbers and phones are encrypted, the ID number's blind index kept for
/// look-ups.
#[async_trait]
pub trait VisitRepo: Send + Sync {
    /// The unit's name; `NotFound` outside the scope.
    async fn visitor_unit(&self, scope: &Scope, unit_id: &str) -> StoreResult<String>;

    /// Stores an invitation (state `invited`); its key areas must belong to the unit
    /// (`validation_failed` otherwise).
    async fn create_invitation(&self, scope: &Scope, inv: &NewInvitation, audit: &AuditEntry) -> StoreResult<Visit>;

    /// The invitation of a link token (no scope: the token is the visitor's key).
    async fn invitation_by_token(&self, token: &str) -> StoreResult<Option<Visit>>;

    /// The visitor's details for the invitation of `token`, moving it to `submitted`;
    /// `InvalidTransition` once it is no longer `invited`.
    async fn submit_invitation(
        &self,
        token: &str,
        v: &CheckedVisitor,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Visit>;

    /// A walk-in registered at the gate: stored `inside`, checked in at `now`, suppression windows
    /// opened until `until` for the devices of `area_ids`.
    #[allow(clippy::too_many_arguments)]
    async fn create_walk_in(
        &self,
        scope: &Scope,
        id: &str,
        unit_id: &str,
        host_name: &str,
        area_ids: &[String],
        v: &CheckedVisitor,
        by: &str,
        until: DateTime<Utc>,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Visit>;

    async fn visit(&self, scope: &Scope, id: &str) -> StoreResult<Option<Visit>>;

    /// Visits in scope, newest first.
    async fn list_visits(&self, scope: &Scope, f: &VisitFilter, page: Page) -> StoreResult<Listing<Visit>>;

    /// Approves or rejects a submitted visit; `InvalidTransition` otherwise.
    #[allow(clippy::too_many_arguments)]
    async fn decide_visit(
        &self,
        scope: &Scope,
        id: &str,
        approve: bool,
        by: &str,
        note: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Visit>;

    /// Checks an approved visit in at `now` after comparing the ID number shown at the gate
    /// (`shown`, normalized) with the registered one (`validation_failed` when they differ), and
    /// opens suppression windows until `until` for the devices of its key areas.
    /// `InvalidTransition` unless approved.
    #[allow(clippy::too_many_arguments)]
    async fn check_in_visit(
        &self,
        scope: &Scope,
        id: &str,
        shown: &str,
        by: &str,
        until: DateTime<Utc>,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Visit>;

    /// Checks a visit out at `now` with the goods carried out and who authorised them; ends its
    /// suppression windows. `InvalidTransition` unless inside.
    #[allow(clippy::too_many_arguments)]
    async fn check_out_visit(
        &self,
        scope: &Scope,
        id: &str,
        goods_out: &str,
        authorised_by: &str,
        by: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Visit>;

    /// The unit's settings (the defaults when never set).
    async fn visitor_settings(&self, scope: &Scope, unit_id: &str) -> StoreResult<VisitorSettings>;

    async fn set_visitor_settings(
        &self,
        scope: &Scope,
        s: &VisitorSettings,
        by: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
}
