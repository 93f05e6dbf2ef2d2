//! Repository of the biennial safety assessment: [`AssessmentRepo`] (docs/ASSESSMENT.md, R32).
//! Implemented by both backends in `sql.rs` (compiled once per backend, see `crate::sqlite`).

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::assessment::*;
use neibao_domain::audit::AuditEntry;
use neibao_domain::paging::{Listing, Page};

/// The facts of a unit an assessment needs: name, kind, the checklist variant's flags
/// (university, counter-terror target, key unit) and whether it is closed.
#[derive(Debug, Clone)]
pub struct AssessedUnit {
    pub name: String,
    pub kind: String,
    pub university: bool,
    pub counter_terror: bool,
    pub key_unit: bool,
    pub closed: bool,
    /// The police station the unit is assigned to (who reviews its self-assessment).
    pub station_id: Option<String>,
}

/// Assessment campaigns and assessments. Methods taking a scope do not find a unit, campaign
/// or assessment outside it (`NotFound` / `None`); a campaign is in scope when it concerns at
/// least one unit of the scope.
#[async_trait]
pub trait AssessmentRepo: Send + Sync {
    /// The unit's facts. `NotFound` outside the scope.
    async fn assessed_unit(&self, scope: &Scope, unit_id: &str) -> StoreResult<AssessedUnit>;

    /// The unit's figures over `[from, to]` (devices, tamper events, hazards, drills); no scope:
    /// call after [`AssessmentRepo::assessed_unit`].
    async fn unit_figures(&self, unit_id: &str, from: DateTime<Utc>, to: DateTime<Utc>) -> StoreResult<UnitFigures>;

    /// Stores a campaign with `audit`, in one transaction.
    async fn create_assessment_campaign(
        &self,
        c: &NewAssessmentCampaign,
        station_id: Option<&str>,
        audit: &AuditEntry,
    ) -> StoreResult<AssessmentCampaign>;

    /// One campaign; `None` when absent or outside the scope.
    async fn assessment_campaign(&self, scope: &Scope, id: &str) -> StoreResult<Option<AssessmentCampaign>>;

    /// The campaigns in scope, newest first.
    async fn assessment_campaigns(&self, scope: &Scope, page: Page) -> StoreResult<Listing<AssessmentCampaign>>;

    /// The active units in scope (of the campaign when given) with their cycle status at `now`;
    /// `only_due`: only the overdue and due ones. Overdue first, then oldest assessment first.
    async fn assessment_due_units(
        &self,
        scope: &Scope,
        campaign: Option<&AssessmentCampaign>,
        only_due: bool,
        now: DateTime<Utc>,
        page: Page,
    ) -> StoreResult<Listing<DueUnit>>;

    /// Stores a new assessment with `audit`. `Conflict` when the unit has an unsigned one.
    async fn create_assessment(&self, scope: &Scope, a: &NewAssessment, audit: &AuditEntry) -> StoreResult<Assessment>;

    /// One assessment; `None` when absent or outside the scope.
    async fn assessment(&self, scope: &Scope, id: &str) -> StoreResult<Option<Assessment>>;

    /// Assessments in scope, newest first.
    async fn list_assessments(
        &self,
        scope: &Scope,
        f: &AssessmentFilter,
        page: Page,
    ) -> StoreResult<Listing<AssessmentRow>>;

    /// Writes `u` (sheet, state, signature, the hazards it opens and their links) with `audit`
    /// in one transaction; `VersionConflict` when the assessment moved on.
    async fn update_assessment(
        &self,
        scope: &Scope,
        u: &AssessmentUpdate,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Assessment>;

    /// Assigns the units to the campaign's third-party organisation `org_id` with `audit`, in
    /// one transaction; units already assigned in the campaign stay as they are. `NotFound` when
    /// a unit is outside the scope or not concerned by the campaign. Returns how many were new.
    #[allow(clippy::too_many_arguments)]
    async fn assign_assessment_units(
        &self,
        scope: &Scope,
        campaign: &AssessmentCampaign,
        org_id: &str,
        unit_ids: &[String],
        assigned_by: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<usize>;

    /// The units assigned in a campaign that the scope reaches (a third-party assessor: its
    /// own), by unit name.
    async fn assessment_assignments(&self, scope: &Scope, campaign_id: &str) -> StoreResult<Vec<AssessmentAssignment>>;

    /// The latest signed result per unit in scope signed within `[from, to]`, by unit name.
    async fn latest_assessment_results(
        &self,
        scope: &Scope,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<UnitResult>>;
}
