//! Hazards (隐患), their steps through the ladder and the atomic update of a step.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::credit_records::NewCreditRecord;
use super::ladder::{Case, HazardClass, HazardSource, Phase};
use crate::documents::records::DocumentDraft;
use crate::jobs::NewJob;
use crate::paging::{Sort, SortColumn};

/// A hazard to create.
#[derive(Debug, Clone)]
pub struct NewHazard {
    pub unit_id: String,
    pub source: HazardSource,
    pub source_id: Option<String>,
    pub inspection_id: Option<String>,
    pub item_code: Option<String>,
    pub class: HazardClass,
    pub title: String,
    pub description: String,
    pub org_id: Option<String>,
    pub created_by: String,
}

/// A stored hazard with its ladder state.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Hazard {
    pub id: String,
    pub unit_id: String,
    pub unit_name: String,
    pub source: HazardSource,
    pub source_id: Option<String>,
    pub inspection_id: Option<String>,
    pub item_code: Option<String>,
    pub class: HazardClass,
    pub title: String,
    pub description: String,
    pub phase: Phase,
    pub deadline: Option<DateTime<Utc>>,
    #[serde(rename = "case")]
    pub case_state: Case,
    /// Changes with every step; an update naming an older version is refused (409).
    pub version: i64,
    /// The police organisation that ordered rectification.
    pub org_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Filter of hazard lists.
#[derive(Debug, Clone, Default)]
pub struct HazardFilter {
    pub unit_id: Option<String>,
    pub phase: Option<Phase>,
    /// Only hazards not yet ended (not closed, fined or transferred).
    pub open_only: bool,
    pub inspection_id: Option<String>,
    pub class: Option<HazardClass>,
    /// The order; `None`: nearest deadline first (none last), then newest.
    pub sort: Option<Sort<HazardSort>>,
}

/// The columns a hazard list may be ordered by (`sort=deadline`, `sort=-created` …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HazardSort {
    /// 整改期限 (hazards without a deadline last either way).
    Deadline,
    /// 登记时间.
    Created,
}

impl SortColumn for HazardSort {
    const ALL: &'static [HazardSort] = &[HazardSort::Deadline, HazardSort::Created];
    fn code(self) -> &'static str {
        match self {
            HazardSort::Deadline => "deadline",
            HazardSort::Created => "created",
        }
    }
}

/// One recorded step of a hazard.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HazardStep {
    pub id: String,
    pub hazard_id: String,
    pub seq: i64,
    pub action: String,
    pub from_phase: Phase,
    pub to_phase: Phase,
    pub actor_name: String,
    pub at: DateTime<Utc>,
    pub reason: String,
    pub legal_basis: String,
    pub detail: serde_json::Value,
    pub document_id: Option<String>,
    pub document_number: Option<String>,
}

/// A step to record.
#[derive(Debug, Clone)]
pub struct StepDraft {
    pub action: String,
    pub actor_id: Option<String>,
    pub actor_name: String,
    pub reason: String,
    pub legal_basis: String,
    pub detail: serde_json::Value,
    /// Makes the step idempotent (a reminder job id): a second step with the key is refused
    /// with a conflict and nothing is written.
    pub dedup_key: Option<String>,
}

/// A hazard's new state with everything that goes with it, written in one transaction if the
/// hazard is still at `expected_version`.
#[derive(Debug, Clone)]
pub struct HazardUpdate {
    pub hazard_id: String,
    pub expected_version: i64,
    pub from: Phase,
    pub case_state: Case,
    pub step: StepDraft,
    pub document: Option<DocumentDraft>,
    pub credit: Option<NewCreditRecord>,
    pub jobs: Vec<NewJob>,
    /// Sets the issuing organisation when the hazard has none yet (the order's issuer).
    pub org_id: Option<String>,
}
