//! Stored shapes of supervision (issue 3): checklist versions, campaigns, inspections, hazards
//! and their steps, official documents, credit records and evidence files. The rules that decide
//! what may be stored live in `neibao_domain::supervision`; the store persists the outcome
//! atomically (a hazard's new state, its step, its document number, its credit entry and its
//! deadline jobs in one transaction, guarded by the hazard's version).

use chrono::{DateTime, Utc};
use neibao_domain::supervision::checklist::{ChecklistItem, ItemResult, Score, Variant};
use neibao_domain::supervision::credit::EntryKind;
use neibao_domain::supervision::documents::DocumentKind;
use neibao_domain::supervision::ladder::{Case, HazardClass, HazardSource, Phase};
use serde::{Deserialize, Serialize};

use crate::model::NewJob;

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

/// Who inspects (GLOSSARY: police, a competent department, or the unit itself, 自查).
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
    pub fn for_role(role: neibao_domain::scope::Role) -> Option<InspectionKind> {
        use neibao_domain::scope::Role;
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
    pub name: String,
    /// 检查人员 / 被检查单位陪同人员 / 见证人.
    pub role: String,
    pub at: DateTime<Utc>,
}

/// The inspection record (检查笔录) fields of REQUIREMENTS.md R22.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct InspectionRecord {
    #[serde(default)]
    pub started_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub ended_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub place: String,
    /// GPS position as "lat,lon" when the phone gave one.
    #[serde(default)]
    pub location: String,
    #[serde(default)]
    pub officers: Vec<String>,
    #[serde(default)]
    pub accompanying_person: String,
    #[serde(default)]
    pub witness: String,
    #[serde(default)]
    pub purpose: String,
    /// e.g. 定期检查, 专项检查, 复查.
    #[serde(default)]
    pub inspection_type: String,
    /// 询问 / 查阅 / 调取 / 实地查看.
    #[serde(default)]
    pub methods: Vec<String>,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub signatures: Vec<Signature>,
}

/// The result of one checklist item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ItemOutcome {
    pub code: String,
    pub result: ItemResult,
    #[serde(default)]
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

/// The content of an official document, as laid out (see the docgen crate).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DocumentContent {
    pub issuer: String,
    pub title: String,
    pub addressee: String,
    pub paragraphs: Vec<String>,
    pub fields: Vec<(String, String)>,
    pub signature: Vec<String>,
    pub footer: Vec<String>,
}

/// A document to number and store.
#[derive(Debug, Clone)]
pub struct DocumentDraft {
    pub kind: DocumentKind,
    pub org_id: String,
    /// Number prefix and department, e.g. 西公 and 内保.
    pub prefix: String,
    pub department: String,
    pub year: i32,
    pub unit_id: String,
    pub hazard_id: Option<String>,
    pub inspection_id: Option<String>,
    pub content: DocumentContent,
    pub issued_by: String,
}

/// A numbered official document.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Document {
    pub id: String,
    pub kind: DocumentKind,
    pub org_id: String,
    pub year: i32,
    pub serial: i64,
    /// e.g. 西公(内保)限字〔2026〕第0001号
    pub number: String,
    pub unit_id: String,
    pub unit_name: String,
    pub hazard_id: Option<String>,
    pub inspection_id: Option<String>,
    pub content: DocumentContent,
    pub issued_by: String,
    pub issued_at: DateTime<Utc>,
}

/// Filter of document lists.
#[derive(Debug, Clone, Default)]
pub struct DocumentFilter {
    pub unit_id: Option<String>,
    pub hazard_id: Option<String>,
    pub inspection_id: Option<String>,
    pub kind: Option<DocumentKind>,
}

/// A credit entry to record.
#[derive(Debug, Clone)]
pub struct NewCreditRecord {
    pub unit_id: String,
    pub kind: EntryKind,
    pub points: i64,
    pub source_id: Option<String>,
    pub basis: String,
    pub reason: String,
    pub recorded_by: String,
    pub expires_at: DateTime<Utc>,
}

/// A stored credit entry.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CreditRecord {
    pub id: String,
    pub unit_id: String,
    pub kind: EntryKind,
    pub points: i64,
    /// The hazard it came from.
    pub source_id: Option<String>,
    pub basis: String,
    pub reason: String,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// Evidence to store (a photo, a file).
#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub unit_id: String,
    /// `inspection` or `hazard`.
    pub owner_kind: String,
    pub owner_id: String,
    pub name: String,
    pub content_type: String,
    pub data: Vec<u8>,
    pub uploaded_by: String,
}

/// Stored evidence, without its bytes.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Attachment {
    pub id: String,
    pub unit_id: String,
    pub owner_kind: String,
    pub owner_id: String,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub uploaded_by: String,
    pub created_at: DateTime<Utc>,
}
