//! Repository of liaison points: [`LiaisonRepo`]. Implemented by both backends in `sql.rs`
//! (compiled once per backend, see `crate::sqlite`).

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::liaison::*;

/// The units a point should have now, set by `by` at `at` (see
/// [`LiaisonRepo::set_liaison_units`]).
#[derive(Debug, Clone)]
pub struct UnitSet<'a> {
    pub unit_ids: &'a [String],
    /// Who changed it, as shown in the history.
    pub by: &'a str,
    pub at: DateTime<Utc>,
}

/// Liaison points and their assignments (docs/LIAISON.md; R33). A point is found by a scope
/// that covers one of its current units, or by the police organisation that set it up
/// (`org_id`); otherwise `None` / `NotFound`. Phones are encrypted at rest and answered masked.
#[async_trait]
pub trait LiaisonRepo: Send + Sync {
    /// Stores a new point assigned to `unit_ids` (each must be in `scope`, else `NotFound` and
    /// nothing is stored) by `by` at `p.at`, with `audit`, in one transaction.
    async fn create_liaison_point(
        &self,
        scope: &Scope,
        p: &NewLiaisonPoint,
        unit_ids: &[String],
        audit: &AuditEntry,
    ) -> StoreResult<LiaisonPointDetail>;

    /// One point with its units and history; `None` when absent or not visible (see the trait).
    async fn liaison_point(
        &self,
        scope: &Scope,
        org_id: Option<&str>,
        id: &str,
    ) -> StoreResult<Option<LiaisonPointDetail>>;

    /// Points visible to the caller (see the trait), newest first (at most 500).
    async fn list_liaison_points(&self, scope: &Scope, org_id: Option<&str>) -> StoreResult<Vec<LiaisonPoint>>;

    /// Sets the point's units to `set.unit_ids`: units not yet assigned are assigned, units no longer
    /// named are unassigned (the row kept with `set.by` and `set.at`); each unit added or removed must be
    /// in `scope` (else `NotFound`, nothing changed). One audit row per unit added
    /// (`liaison.assign`) or removed (`liaison.unassign`), built from `audit`, in one transaction.
    /// Answers the point as it now stands.
    async fn set_liaison_units(
        &self,
        scope: &Scope,
        org_id: Option<&str>,
        id: &str,
        set: &UnitSet<'_>,
        audit: &AuditEntry,
    ) -> StoreResult<LiaisonPointDetail>;

    /// The points a unit is assigned to now, and the unit's assignment history (newest first).
    /// `NotFound` when the unit is outside the scope.
    async fn unit_liaison(
        &self,
        scope: &Scope,
        unit_id: &str,
    ) -> StoreResult<(Vec<LiaisonPoint>, Vec<LiaisonAssignment>)>;

    /// The units the officer `user_id` is the liaison of now (我联系的单位).
    async fn officer_liaison_units(&self, user_id: &str) -> StoreResult<Vec<LiaisonUnit>>;
}
