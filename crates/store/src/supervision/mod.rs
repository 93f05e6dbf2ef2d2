//! Repositories of supervision: [`ChecklistRepo`], [`CampaignRepo`], [`InspectionRepo`],
//! [`DispatchRepo`], [`HazardRepo`], [`CreditRepo`], [`BureauSettingsRepo`]. Implemented by both backends in
//! `sql/` (compiled once per backend, see `crate::sqlite`).
//!
//! Every write takes the [`AuditEntry`] of the change and appends it in the change's own
//! transaction: both commit or neither does (a failed append fails the change). On a create the
//! entry's `object_id` may be empty; the new object's id is filled in. Writes no person causes
//! (the deadline and reminder jobs) pass no entry.

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::*;
use neibao_domain::audit::AuditEntry;
use neibao_domain::paging::*;
use neibao_domain::supervision::checklist::{ChecklistItem, Variant};
use neibao_domain::supervision::dispatch::{AssignWhat, Officer, OrgProgress, Subordinate, Unassigned};
use neibao_domain::supervision::*;

/// Versioned five-defence checklists.
#[async_trait]
pub trait ChecklistRepo: Send + Sync {
    /// Every checklist version, newest first per variant (seeds version 1 of each variant).
    async fn list_checklists(&self) -> StoreResult<Vec<ChecklistVersion>>;
    async fn get_checklist(&self, id: &str) -> StoreResult<ChecklistVersion>;
    /// The newest version of a variant (version 1 is seeded from docs/REQUIREMENTS.md §d on first use).
    async fn latest_checklist(&self, variant: Variant) -> StoreResult<ChecklistVersion>;
    /// Stores a new version of a variant (version = latest + 1); past inspections keep theirs.
    async fn add_checklist_version(
        &self,
        variant: Variant,
        title: &str,
        items: &[ChecklistItem],
        by: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<ChecklistVersion>;
}

/// Inspection campaigns and the standings of units they select from.
#[async_trait]
pub trait CampaignRepo: Send + Sync {
    /// Units in scope matching the filter with their credit deductions in force at `now`, last
    /// police/department inspection and open hazards (at most `STANDINGS_CAP`).
    async fn unit_standings(
        &self,
        scope: &Scope,
        filter: &StandingFilter,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<UnitStanding>>;
    /// Creates a campaign and its inspections in one transaction; returns its id.
    async fn create_campaign(
        &self,
        campaign: &NewCampaign,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<String>;
    /// Campaigns with at least one inspection in scope; progress counts only those.
    async fn list_campaigns(&self, scope: &Scope, page: Page, now: DateTime<Utc>) -> StoreResult<Listing<Campaign>>;
    async fn get_campaign(&self, scope: &Scope, id: &str, now: DateTime<Utc>) -> StoreResult<Campaign>;
}

/// Handing a campaign's inspections down the police organisation tree (下发下级) and assigning
/// them to officers (指派检查人), and a campaign's progress per organisation (issue 20).
#[async_trait]
pub trait DispatchRepo: Send + Sync {
    /// The direct subordinate police organisations of an organisation (its police children)
    /// that have an active police account in them or below them.
    async fn subordinate_organisations(&self, org_id: &str) -> StoreResult<Vec<Subordinate>>;
    /// An organisation and every organisation below it (ids; one recursive query).
    async fn organisation_subtree(&self, org_id: &str) -> StoreResult<Vec<String>>;
    /// The inspections of a campaign in scope that `org_id` holds, not submitted and assigned to
    /// nobody, with their units' division code and police station.
    async fn unassigned_inspections(
        &self,
        scope: &Scope,
        campaign_id: &str,
        org_id: &str,
    ) -> StoreResult<Vec<Unassigned>>;
    /// Moves inspections of a campaign from `from_org` to other organisations (`(to_org,
    /// inspection ids)`): only those still held by `from_org`, unassigned and not submitted move.
    /// With the audit entry, in one transaction; returns how many moved.
    async fn hand_out_inspections(
        &self,
        campaign_id: &str,
        from_org: &str,
        moves: &[(String, Vec<String>)],
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<i64>;
    /// Assigns inspections held by `org_id` (in scope, not submitted) to an officer, with the
    /// audit entry in one transaction; returns how many were assigned.
    async fn assign_inspections(
        &self,
        scope: &Scope,
        what: &AssignWhat,
        org_id: &str,
        officer: &Officer,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<i64>;
    /// A campaign's progress per organisation holding its inspections in scope (one query).
    async fn campaign_by_organisation(
        &self,
        scope: &Scope,
        campaign_id: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<OrgProgress>>;
    /// The active police accounts of these organisations, by name.
    async fn organisation_officers(&self, org_ids: &[String]) -> StoreResult<Vec<Officer>>;
}

/// Inspections: drafts and the one atomic submission.
#[async_trait]
pub trait InspectionRepo: Send + Sync {
    async fn create_inspection(
        &self,
        scope: &Scope,
        inspection: &NewInspection,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Inspection>;
    async fn get_inspection(&self, scope: &Scope, id: &str) -> StoreResult<Inspection>;
    async fn list_inspections(
        &self,
        scope: &Scope,
        filter: &InspectionFilter,
        page: Page,
    ) -> StoreResult<Listing<Inspection>>;
    /// Saves a draft (record and results); conflict once submitted.
    async fn save_inspection(
        &self,
        scope: &Scope,
        id: &str,
        record: &InspectionRecord,
        results: &[ItemOutcome],
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Inspection>;
    /// Submits once: the inspection, its hazards, its record document and the audit entry in one
    /// transaction. Returns the inspection, the new hazard ids and the document id.
    async fn submit_inspection(
        &self,
        scope: &Scope,
        id: &str,
        submit: &SubmitInspection,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<(Inspection, Vec<String>, Option<String>)>;
}

/// Hazards and their steps through the ladder.
#[async_trait]
pub trait HazardRepo: Send + Sync {
    async fn create_hazard(
        &self,
        scope: &Scope,
        hazard: &NewHazard,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Hazard>;
    async fn get_hazard(&self, scope: &Scope, id: &str) -> StoreResult<Hazard>;
    /// Hazards in scope, nearest deadline first.
    async fn list_hazards(&self, scope: &Scope, filter: &HazardFilter, page: Page) -> StoreResult<Listing<Hazard>>;
    async fn hazard_steps(&self, scope: &Scope, id: &str) -> StoreResult<Vec<HazardStep>>;
    /// Writes a hazard's new state, its step, document, credit entry, jobs and audit entry (when
    /// a person acts: `None` for the deadline timers) in one transaction if the hazard is still
    /// at `expected_version` (else `Conflict`, nothing written).
    async fn update_hazard(
        &self,
        scope: &Scope,
        update: &HazardUpdate,
        audit: Option<&AuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<(Hazard, HazardStep)>;
}

/// Credit (诚信) records of a unit.
#[async_trait]
pub trait CreditRepo: Send + Sync {
    /// A unit's credit records, newest first (at most 500).
    async fn credit_records(&self, scope: &Scope, unit_id: &str) -> StoreResult<Vec<CreditRecord>>;
}

/// The supervision settings of each issuing organisation (bureau).
#[async_trait]
pub trait BureauSettingsRepo: Send + Sync {
    /// An organisation's stored settings; `None` when it has none (the defaults apply).
    async fn bureau_settings(&self, org_id: &str) -> StoreResult<Option<SupervisionSettings>>;
    /// Replaces an organisation's settings (as given: validate first).
    async fn save_bureau_settings(
        &self,
        org_id: &str,
        settings: &SupervisionSettings,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
}
