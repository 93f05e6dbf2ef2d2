//! Inspection campaigns (专项检查) and the standings of units they select from.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::dispatch::OrgProgress;
use super::inspection::NewInspection;

/// Progress of a campaign over the inspections the caller may see.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct CampaignProgress {
    pub total: i64,
    pub planned: i64,
    pub in_progress: i64,
    pub submitted: i64,
    /// Hazards found by its inspections.
    pub hazards: i64,
    /// Inspections past their due date and not submitted.
    pub late: i64,
}

/// An inspection campaign (专项检查).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Campaign {
    pub id: String,
    pub title: String,
    pub description: String,
    pub org_id: Option<String>,
    /// The selection the units were chosen by, as given.
    pub selection: serde_json::Value,
    pub due_at: DateTime<Utc>,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
    pub progress: CampaignProgress,
}

/// One campaign with its progress per organisation holding its inspections (`GET
/// /api/v1/campaigns/{id}`).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CampaignDetail {
    #[serde(flatten)]
    pub campaign: Campaign,
    /// Progress per organisation holding inspections in the caller's jurisdiction (承办单位),
    /// by name.
    pub by_organisation: Vec<OrgProgress>,
}

/// A campaign to create with its fanned-out inspections.
#[derive(Debug, Clone)]
pub struct NewCampaign {
    pub title: String,
    pub description: String,
    pub org_id: Option<String>,
    pub selection: serde_json::Value,
    pub due_at: DateTime<Utc>,
    pub created_by: String,
    pub created_by_name: String,
    pub inspections: Vec<NewInspection>,
}

/// A unit's standing for supervision: what campaign selection and the due list need.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitStanding {
    pub unit_id: String,
    pub unit_name: String,
    pub division_code: String,
    /// The police station (organisation id) the unit is assigned to, if any.
    pub police_station_id: Option<String>,
    pub kind: String,
    pub is_key_unit: bool,
    pub key_unit_category: Option<i64>,
    pub is_counter_terror_target: bool,
    pub is_university: bool,
    /// Points of the credit records in force.
    pub credit_deductions: i64,
    /// Last submitted police or department inspection.
    pub last_inspected_at: Option<DateTime<Utc>>,
    /// Hazards not closed and not ended in a penalty.
    pub open_hazards: i64,
}

/// Which units a standing list covers.
#[derive(Debug, Clone, Default)]
pub struct StandingFilter {
    pub division_prefix: Option<String>,
    pub kind: Option<String>,
    pub key_unit_only: bool,
    pub key_unit_category: Option<i64>,
    pub counter_terror_only: bool,
    pub university_only: bool,
    pub unit_id: Option<String>,
}

/// The most units one standing list returns.
pub const STANDINGS_CAP: i64 = 20_000;
