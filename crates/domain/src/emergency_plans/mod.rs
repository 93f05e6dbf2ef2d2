//! Emergency plans (应急预案, docs/EMERGENCY-PLANS.md; R18, R41(1)): a unit's plans by scenario
//! ([`crate::emergency::Scenario`]), each a chain of versions (roles, contact tree, ordered
//! steps, resources; evacuation maps are attachments of the plan), and the police review of a
//! key unit's plan. Decree 421 Art 15 asks key units for an emergency plan made under the
//! guidance of the police; Part 4 of the Zhejiang Opinions (浙政办发〔2019〕24号) asks units to
//! prepare and drill their emergency response. Any unit may keep plans; only key units submit
//! them for review and must have an accepted one.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::attachments::Attachment;
use crate::emergency::Scenario;
use crate::sensitive::mask;

/// Where a plan stands in its review. Stable codes are stored and sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlanStatus {
    /// 草稿 (kept by the unit; also after an edit of an accepted or returned plan).
    Draft,
    /// 待审核 (a key unit submitted its current version to the police).
    Submitted,
    /// 已通过 (the police accepted the submitted version).
    Accepted,
    /// 已退回 (the police returned it with comments).
    Returned,
}

impl PlanStatus {
    pub const ALL: [PlanStatus; 4] = [
        PlanStatus::Draft,
        PlanStatus::Submitted,
        PlanStatus::Accepted,
        PlanStatus::Returned,
    ];

    pub fn code(self) -> &'static str {
        match self {
            PlanStatus::Draft => "draft",
            PlanStatus::Submitted => "submitted",
            PlanStatus::Accepted => "accepted",
            PlanStatus::Returned => "returned",
        }
    }

    pub fn from_code(s: &str) -> Option<PlanStatus> {
        PlanStatus::ALL.into_iter().find(|x| x.code() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            PlanStatus::Draft => "草稿",
            PlanStatus::Submitted => "待审核",
            PlanStatus::Accepted => "已通过",
            PlanStatus::Returned => "已退回",
        }
    }

    /// Whether the unit may save a new version: not while the police review it.
    pub fn editable(self) -> bool {
        self != PlanStatus::Submitted
    }
}

/// A step of the review (办理记录).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewAction {
    /// 新建 (version 1).
    Create,
    /// 修改 (a new version).
    Edit,
    /// 提交审核.
    Submit,
    /// 退回.
    Return,
    /// 审核通过.
    Accept,
}

impl ReviewAction {
    pub const ALL: [ReviewAction; 5] = [
        ReviewAction::Create,
        ReviewAction::Edit,
        ReviewAction::Submit,
        ReviewAction::Return,
        ReviewAction::Accept,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ReviewAction::Create => "create",
            ReviewAction::Edit => "edit",
            ReviewAction::Submit => "submit",
            ReviewAction::Return => "return",
            ReviewAction::Accept => "accept",
        }
    }

    pub fn from_code(s: &str) -> Option<ReviewAction> {
        ReviewAction::ALL.into_iter().find(|x| x.code() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ReviewAction::Create => "新建",
            ReviewAction::Edit => "修改（新版本）",
            ReviewAction::Submit => "提交审核",
            ReviewAction::Return => "退回",
            ReviewAction::Accept => "审核通过",
        }
    }

    /// The status after this action from `from`; `None` when not allowed (the review state
    /// machine: draft → submitted → accepted | returned → (edit) → submitted …).
    pub fn next(self, from: PlanStatus) -> Option<PlanStatus> {
        use PlanStatus::*;
        match (self, from) {
            (ReviewAction::Create, _) => Some(Draft),
            (ReviewAction::Edit, s) if s.editable() => Some(Draft),
            (ReviewAction::Submit, Draft | Returned) => Some(Submitted),
            (ReviewAction::Return, Submitted) => Some(Returned),
            (ReviewAction::Accept, Submitted) => Some(Accepted),
            _ => None,
        }
    }
}

/// Who does what in an emergency (角色分工).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlanRole {
    /// 角色（如 现场指挥）.
    pub role: String,
    /// 人员.
    pub person: String,
    /// 职责.
    pub duty: String,
}

/// One person of the contact tree (通讯联络). The phone is encrypted at rest and answered masked
/// (`138****5678`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlanContact {
    pub name: String,
    pub role: String,
    pub phone: String,
}

/// What a resource is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResourceKind {
    /// 装备物资.
    Equipment,
    /// 场所（集合点、避难场所、指挥点）.
    Place,
}

impl ResourceKind {
    pub fn code(self) -> &'static str {
        match self {
            ResourceKind::Equipment => "equipment",
            ResourceKind::Place => "place",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ResourceKind::Equipment => "装备物资",
            ResourceKind::Place => "场所",
        }
    }
}

/// A resource of the plan (应急资源).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlanResource {
    pub kind: ResourceKind,
    pub name: String,
    /// Quantity, location or other note.
    #[serde(default)]
    pub detail: String,
}

/// The content of one version of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlanContent {
    pub title: String,
    pub scenario: Scenario,
    pub roles: Vec<PlanRole>,
    pub contacts: Vec<PlanContact>,
    /// The response steps, in order.
    pub steps: Vec<String>,
    pub resources: Vec<PlanResource>,
}

impl PlanContent {
    /// The content with every contact phone masked, as answered and shown.
    pub fn masked(mut self) -> PlanContent {
        for c in &mut self.contacts {
            if !c.phone.contains('*') {
                c.phone = mask(&c.phone, 3, 4);
            }
        }
        self
    }
}

/// One saved version (each saved change is a new version; earlier ones stay readable).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlanVersion {
    pub version: i64,
    pub content: PlanContent,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// A version as listed in the history.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VersionInfo {
    pub version: i64,
    pub title: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// A step of the plan's history (created, edited, submitted, returned, accepted).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReviewStep {
    pub version: i64,
    pub action: ReviewAction,
    pub action_label: String,
    pub status: PlanStatus,
    pub status_label: String,
    /// The police's comments (a return's reasons) or the unit's note.
    pub comment: String,
    pub actor_name: String,
    pub at: DateTime<Utc>,
}

/// A plan as listed: what the one-press alarm and drills link to.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlanSummary {
    pub id: String,
    pub unit_id: String,
    pub unit_name: String,
    pub is_key_unit: bool,
    pub title: String,
    pub scenario: Scenario,
    pub scenario_label: String,
    pub current_version: i64,
    pub status: PlanStatus,
    pub status_label: String,
    /// The version the police accepted last (it stays accepted while a newer draft is edited).
    pub accepted_version: Option<i64>,
    /// The version waiting for review (status `submitted`).
    pub submitted_version: Option<i64>,
    pub updated_at: DateTime<Utc>,
}

/// A plan with the version read, its versions, its review history and evacuation maps.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Plan {
    #[serde(flatten)]
    pub summary: PlanSummary,
    /// The version read (the current one unless another was asked for).
    pub shown: PlanVersion,
    pub versions: Vec<VersionInfo>,
    pub history: Vec<ReviewStep>,
    /// Evacuation maps (images or PDF, downloaded at `/api/v1/attachments/{id}`).
    pub maps: Vec<Attachment>,
}

impl Plan {
    /// The plan with the contact phones masked.
    pub fn masked(mut self) -> Plan {
        self.shown.content = self.shown.content.masked();
        self
    }
}

/// A new plan to store (version 1).
#[derive(Debug, Clone)]
pub struct NewPlan {
    pub id: String,
    pub unit_id: String,
    pub content: PlanContent,
    pub actor_name: String,
    pub at: DateTime<Utc>,
}

/// A change of a plan: a new version (`content`) and/or a status step.
#[derive(Debug, Clone)]
pub struct PlanChange {
    pub action: ReviewAction,
    pub status: PlanStatus,
    pub content: Option<PlanContent>,
    pub comment: String,
    pub actor_name: String,
    pub at: DateTime<Utc>,
}

/// A key unit in the jurisdiction without an accepted plan.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UnitWithoutPlan {
    pub unit_id: String,
    pub unit_name: String,
    pub division_code: String,
    /// How many plans the unit keeps (none accepted).
    pub plans: i64,
    /// How many of them wait for review.
    pub submitted: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_review_state_machine() {
        use PlanStatus::*;
        assert_eq!(ReviewAction::Submit.next(Draft), Some(Submitted));
        assert_eq!(ReviewAction::Submit.next(Returned), Some(Submitted));
        assert_eq!(ReviewAction::Submit.next(Submitted), None);
        assert_eq!(ReviewAction::Return.next(Submitted), Some(Returned));
        assert_eq!(ReviewAction::Accept.next(Submitted), Some(Accepted));
        assert_eq!(ReviewAction::Accept.next(Draft), None);
        assert_eq!(ReviewAction::Edit.next(Submitted), None);
        assert_eq!(ReviewAction::Edit.next(Accepted), Some(Draft));
        for s in PlanStatus::ALL {
            assert_eq!(PlanStatus::from_code(s.code()), Some(s));
        }
    }

    #[test]
    fn phones_are_masked() {
        let c = PlanContent {
            title: "t".into(),
            scenario: Scenario::Fire,
            roles: vec![],
            contacts: vec![PlanContact {
                name: "张三".into(),
                role: "指挥".into(),
                phone: "13812345678".into(),
            }],
            steps: vec![],
            resources: vec![],
        };
        assert_eq!(c.masked().contacts[0].phone, "138****5678");
    }
}
