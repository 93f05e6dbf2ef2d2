//! What the rulebook stores and answers: versions, 不适用 marks, acknowledgements, and the
//! views built from them (a unit's nine subjects, the police coverage list).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::subject::SubjectState;

/// One version of a unit's rules on one subject. Versions are never changed or deleted; the
/// current version of a subject is the one with the highest number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RuleVersion {
    pub id: String,
    pub unit_id: String,
    /// Decree 421 Art 8 item, 1–9.
    pub subject: i64,
    /// 1, 2, … per unit and subject.
    pub version: i64,
    /// Title of the document (at most 100 characters).
    pub title: String,
    /// The text of the rules as typed (at most 20 000 characters).
    pub body: String,
    /// 批准日期 (Beijing date).
    pub approved_on: NaiveDate,
    /// 发布日期 (Beijing date); the annual review runs from it.
    pub published_on: NaiveDate,
    /// The account that published it (user name).
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// A version to store (validated by the service).
#[derive(Debug, Clone)]
pub struct NewRuleVersion {
    pub id: String,
    pub unit_id: String,
    pub subject: i64,
    pub title: String,
    pub body: String,
    pub approved_on: NaiveDate,
    pub published_on: NaiveDate,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// A subject a unit marked 不适用 (only subject 8), with its reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NotApplicable {
    pub unit_id: String,
    pub subject: i64,
    /// Why (at most 200 characters), e.g. 本单位不存放危险物品.
    pub reason: String,
    pub set_by: String,
    pub set_at: DateTime<Utc>,
}

/// One account's acknowledgement (e-signature) of one version: 我已阅读并遵守.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Acknowledgement {
    pub version_id: String,
    pub user_id: String,
    /// The account's name as signed (display name at the time).
    pub signed_name: String,
    pub acknowledged_at: DateTime<Utc>,
}

/// One of the unit's accounts (manager or guard) and whether it acknowledged a version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StaffAcknowledgement {
    pub user_id: String,
    pub username: String,
    pub display_name: String,
    /// `unit_manager` or `guard`.
    pub role: String,
    /// When it acknowledged the version; `None`: not yet.
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// The name it signed with.
    pub signed_name: Option<String>,
}

/// Who of the unit's active accounts has and has not acknowledged the current version of one
/// subject.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AcknowledgementRoster {
    pub unit_id: String,
    pub subject: i64,
    /// The current version (`None`: no version yet, nothing to acknowledge).
    pub version: Option<RuleVersion>,
    /// Every active account of the unit, those who have not acknowledged first.
    pub staff: Vec<StaffAcknowledgement>,
    pub acknowledged: i64,
}

/// One subject of a unit's rules as shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SubjectView {
    /// Decree 421 Art 8 item, 1–9.
    pub subject: i64,
    /// Its title in the regulation's words.
    pub label: String,
    pub state: SubjectState,
    /// The state as a person reads it (缺失 / 现行 / 待复审 / 不适用).
    pub state_label: String,
    /// The current version (the highest number), if any.
    pub current: Option<RuleVersion>,
    /// How many versions there are (the older ones are kept).
    pub versions: i64,
    /// The 不适用 mark, if any.
    pub not_applicable: Option<NotApplicable>,
    /// Whether the caller acknowledged the current version.
    pub acknowledged_by_me: bool,
    /// How many of the unit's active accounts acknowledged the current version, of how many.
    pub acknowledged: i64,
    pub staff: i64,
}

/// A unit's rules: the nine subjects and how many are covered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UnitRulebook {
    pub unit_id: String,
    pub unit_name: String,
    /// Subjects covered (a current version or 不适用), of [`super::SUBJECTS`].
    pub covered: i64,
    pub total: i64,
    /// Subjects whose current version is 待复审.
    pub review_due: i64,
    pub subjects: Vec<SubjectView>,
}

/// A unit in the police coverage list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UnitCoverage {
    pub unit_id: String,
    pub unit_name: String,
    pub division_code: String,
    /// Subjects covered (a version or 不适用), of 9.
    pub covered: i64,
    pub total: i64,
}

/// What is stored for one unit: every version, the 不适用 marks, and its staff's
/// acknowledgements of those versions.
#[derive(Debug, Clone, Default)]
pub struct UnitRules {
    pub unit_name: String,
    /// Every version, newest first per subject.
    pub versions: Vec<RuleVersion>,
    pub not_applicable: Vec<NotApplicable>,
    pub acknowledgements: Vec<Acknowledgement>,
    /// The unit's active accounts (manager, guards).
    pub staff: Vec<StaffAcknowledgement>,
}
