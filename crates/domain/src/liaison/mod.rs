//! Police–enterprise liaison points (警企联系点, docs/LIAISON.md; R33, Part 3 of the Zhejiang
//! Opinions). A liaison point is a police officer (an account of a police organisation) or a team
//! named by the police of the jurisdiction, assigned to a set of units (hand-picked, or an
//! industrial park given as a name and its units), with contact hours and a contact phone
//! (encrypted at rest with the field cipher, masked in answers and pages). Every assignment and
//! its end is kept with who and when (the history).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Longest team, park or contact-hours text (characters).
pub const MAX_NAME_CHARS: usize = 60;
/// Most units one point is assigned to.
pub const MAX_UNITS: usize = 500;

/// One liaison point as answered (phone masked).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LiaisonPoint {
    pub id: String,
    /// The officer's account (a police account); `None` for a team.
    pub officer_id: Option<String>,
    /// The officer's name as shown, or the team's name.
    pub name: String,
    /// The officer's organisation (派出所、分局) when an officer.
    pub officer_org_name: Option<String>,
    /// The team's name (empty for an officer).
    pub team_name: String,
    /// The industrial park (园区) the units make up (empty for hand-picked units).
    pub park_name: String,
    /// e.g. `工作日 9:00–17:00`.
    pub contact_hours: String,
    /// Masked: `138****5678`.
    pub phone: String,
    /// The police organisation that set it up.
    pub org_id: Option<String>,
    pub org_name: Option<String>,
    /// Units assigned now.
    pub unit_count: i64,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// A unit assigned to a point now.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LiaisonUnit {
    pub unit_id: String,
    pub unit_name: String,
    pub point_id: String,
    pub assigned_at: DateTime<Utc>,
}

/// One assignment as kept (the history): who assigned, when, and its end if ended.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LiaisonAssignment {
    pub id: String,
    pub point_id: String,
    /// The point's officer or team name.
    pub point_name: String,
    pub unit_id: String,
    pub unit_name: String,
    pub assigned_at: DateTime<Utc>,
    pub assigned_by: String,
    pub unassigned_at: Option<DateTime<Utc>>,
    pub unassigned_by: Option<String>,
}

/// A point with its current units and its history, newest first.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LiaisonPointDetail {
    #[serde(flatten)]
    pub point: LiaisonPoint,
    pub units: Vec<LiaisonUnit>,
    pub history: Vec<LiaisonAssignment>,
}

/// A new point as checked by the service (phone in plaintext: the store encrypts it).
#[derive(Debug, Clone)]
pub struct NewLiaisonPoint {
    pub id: String,
    pub officer_id: Option<String>,
    /// The officer's display name (or the team name).
    pub name: String,
    pub officer_org_name: Option<String>,
    pub team_name: String,
    pub park_name: String,
    pub contact_hours: String,
    pub phone: String,
    pub org_id: Option<String>,
    pub org_name: Option<String>,
    pub created_by: String,
    pub at: DateTime<Utc>,
}
