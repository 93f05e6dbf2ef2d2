//! Checklist versions and inspections: records, outcomes, submission.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::checklist::{ChecklistItem, ItemResult, Score, Variant};
use super::hazard::NewHazard;
use crate::documents::records::DocumentDraft;

/// One version of a checklist.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChecklistVersion {
    pub id: String,
    pub variant: Variant,
    pub version: i64,
    pub title: String,
    pub items: Vec<ChecklistItem>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// Who inspects (docs/GLOSSARY.md: police, a competent department, or the unit itself, 自查).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InspectionKind {
    Police,
    Department,
    #[serde(rename = "self")]
    SelfInspection,
}

impl InspectionKind {
    pub fn code(self) -> &'static str {
        match self {
            InspectionKind::Police => "police",
            InspectionKind::Department => "department",
            InspectionKind::SelfInspection => "self",
        }
    }
    pub fn from_code(s: &str) -> Option<InspectionKind> {
        match s {
            "police" => Some(InspectionKind::Police),
            "department" => Some(InspectionKind::Department),
            "self" => Some(InspectionKind::SelfInspection),
            _ => None,
        }
    }
    /// The kind of inspection a role makes (police, a competent department, a unit manager's
    /// self-inspection); None for roles that do not inspect. The one place this mapping lives.
    pub fn for_role(role: crate::access::Role) -> Option<InspectionKind> {
        use crate::access::Role;
        if role.is_police() {
            Some(InspectionKind::Police)
        } else if role == Role::Department {
            Some(InspectionKind::Department)
        } else if role == Role::UnitManager {
            Some(InspectionKind::SelfInspection)
        } else {
            None
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            InspectionKind::Police => "公安检查",
            InspectionKind::Department => "主管部门检查",
            InspectionKind::SelfInspection => "单位自查",
        }
    }
}

/// Inspection status: planned → in progress (saved once) → submitted (final).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InspectionStatus {
    Planned,
    InProgress,
    Submitted,
}

impl InspectionStatus {
    pub fn code(self) -> &'static str {
        match self {
            InspectionStatus::Planned => "planned",
            InspectionStatus::InProgress => "in_progress",
            InspectionStatus::Submitted => "submitted",
        }
    }
    pub fn from_code(s: &str) -> Option<InspectionStatus> {
        match s {
            "planned" => Some(InspectionStatus::Planned),
            "in_progress" => Some(InspectionStatus::InProgress),
            "submitted" => Some(InspectionStatus::Submitted),
            _ => None,
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            InspectionStatus::Planned => "待检查",
            InspectionStatus::InProgress => "检查中",
            InspectionStatus::Submitted => "已提交",
        }
    }
}

/// A typed signature: name and time is enough (issue 3).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Signature {
    #[schema(min_length = 1, max_length = 50)]
    pub name: String,
    /// 检查人员 / 被检查单位陪同人员 / 见证人.
    #[schema(max_length = 30)]
    pub role: String,
    pub at: DateTime<Utc>,
}

/// The inspection record (检查笔录) fields of docs/REQUIREMENTS.md R22.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct InspectionRecord {
    #[serde(default)]
    pub started_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub ended_at: Option<DateTime<Utc>>,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub place: String,
    /// GPS position as "lat,lon" when the phone gave one.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub location: String,
    #[serde(default)]
    #[schema(max_items = 20)]
    pub officers: Vec<String>,
    #[serde(default)]
    #[schema(max_length = 50)]
    pub accompanying_person: String,
    #[serde(default)]
    #[schema(max_length = 50)]
    pub witness: String,
    /// Why there is no witness (见证人空缺原因), e.g. the unit's accompanying person refused to
    /// sign and nobody else was present: a police or department record with no witness is issued
    /// only with this stated (docs/SUPERVISION.md, "Inspection record").
    #[serde(default)]
    #[schema(max_length = 200)]
    pub witness_absent_reason: String,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub purpose: String,
    /// e.g. 定期检查, 专项检查, 复查.
    #[serde(default)]
    #[schema(max_length = 50)]
    pub inspection_type: String,
    /// 询问 / 查阅 / 调取 / 实地查看.
    #[serde(default)]
    #[schema(max_items = 10)]
    pub methods: Vec<String>,
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub notes: String,
    #[serde(default)]
    #[schema(max_items = 20)]
    pub signatures: Vec<Signature>,
}

/// The result of one checklist item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ItemOutcome {
    /// The checklist item's code.
    #[schema(max_length = 20)]
    pub code: String,
    pub result: ItemResult,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub note: String,
}

/// A stored inspection.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Inspection {
    pub id: String,
    pub campaign_id: Option<String>,
    pub unit_id: String,
    pub unit_name: String,
    pub checklist_id: String,
    pub checklist_variant: Variant,
    pub checklist_version: i64,
    pub kind: InspectionKind,
    pub status: InspectionStatus,
    pub org_id: Option<String>,
    pub assignee_id: Option<String>,
    pub assignee_name: String,
    pub due_at: Option<DateTime<Utc>>,
    pub record: InspectionRecord,
    pub results: Vec<ItemOutcome>,
    pub score: Option<Score>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
}

/// An inspection to create (alone, or fanned out by a campaign).
#[derive(Debug, Clone)]
pub struct NewInspection {
    pub campaign_id: Option<String>,
    pub unit_id: String,
    pub checklist_id: String,
    pub kind: InspectionKind,
    pub org_id: Option<String>,
    pub assignee_id: Option<String>,
    pub assignee_name: String,
    pub due_at: Option<DateTime<Utc>>,
    pub created_by: String,
}

/// Filter of inspection lists.
#[derive(Debug, Clone, Default)]
pub struct InspectionFilter {
    pub campaign_id: Option<String>,
    pub unit_id: Option<String>,
    pub status: Option<InspectionStatus>,
    pub assignee_id: Option<String>,
    /// With `assignee_id`: also the inspections of this organisation nobody is assigned to yet
    /// (待指派), the "mine" list of an officer.
    pub or_unassigned_in_org: Option<String>,
}

/// What submitting an inspection stores in one transaction.
#[derive(Debug, Clone)]
pub struct SubmitInspection {
    pub record: InspectionRecord,
    pub results: Vec<ItemOutcome>,
    pub score: Score,
    /// One hazard per failed item (and any added by hand).
    pub hazards: Vec<NewHazard>,
    /// The inspection record document (检查笔录).
    pub document: Option<DocumentDraft>,
}
