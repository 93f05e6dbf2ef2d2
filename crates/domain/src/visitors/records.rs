//! What the visitors capability stores and answers: visits (an invitation filled in by the
//! visitor, or a walk-in registered at the gate), their state machine, the versioned privacy
//! notices, the unit's settings (docs/VISITORS.md).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::identity::{IdDocument, IdType};

/// Where a visit comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = visitors::VisitSource)]
pub enum VisitSource {
    /// 预约：the host invited, the visitor filled in the form.
    Invitation,
    /// 现场登记：registered by a guard at the gate.
    WalkIn,
}

impl VisitSource {
    pub fn code(self) -> &'static str {
        match self {
            VisitSource::Invitation => "invitation",
            VisitSource::WalkIn => "walk_in",
        }
    }
    pub fn from_code(s: &str) -> Option<VisitSource> {
        [VisitSource::Invitation, VisitSource::WalkIn]
            .into_iter()
            .find(|v| v.code() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            VisitSource::Invitation => "预约",
            VisitSource::WalkIn => "现场登记",
        }
    }
}

/// A visit's state: invited → submitted → approved (or rejected) → inside → left; a walk-in
/// starts inside.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = visitors::VisitStatus)]
pub enum VisitStatus {
    /// 待访客填写.
    Invited,
    /// 待审批.
    Submitted,
    /// 已批准，待入场.
    Approved,
    /// 未批准.
    Rejected,
    /// 在场.
    Inside,
    /// 已离场.
    Left,
}

impl VisitStatus {
    pub const ALL: [VisitStatus; 6] = [
        VisitStatus::Invited,
        VisitStatus::Submitted,
        VisitStatus::Approved,
        VisitStatus::Rejected,
        VisitStatus::Inside,
        VisitStatus::Left,
    ];
    pub fn code(self) -> &'static str {
        match self {
            VisitStatus::Invited => "invited",
            VisitStatus::Submitted => "submitted",
            VisitStatus::Approved => "approved",
            VisitStatus::Rejected => "rejected",
            VisitStatus::Inside => "inside",
            VisitStatus::Left => "left",
        }
    }
    pub fn from_code(s: &str) -> Option<VisitStatus> {
        VisitStatus::ALL.into_iter().find(|v| v.code() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            VisitStatus::Invited => "待访客填写",
            VisitStatus::Submitted => "待审批",
            VisitStatus::Approved => "已批准待入场",
            VisitStatus::Rejected => "未批准",
            VisitStatus::Inside => "在场",
            VisitStatus::Left => "已离场",
        }
    }
}

/// The legal basis of a registration's processing (PIPL Art 13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = visitors::LegalBasis)]
pub enum LegalBasis {
    /// 个人同意 (PIPL Art 13(1)): the visitor ticks the consent box; its time is recorded.
    Consent,
    /// 履行法定职责或义务 (PIPL Art 13(3); Decree 421 Art 11: the unit's security staff check
    /// and register people entering): the notice is shown, no consent is asked.
    LegalDuty,
}

impl LegalBasis {
    pub fn code(self) -> &'static str {
        match self {
            LegalBasis::Consent => "consent",
            LegalBasis::LegalDuty => "legal_duty",
        }
    }
    pub fn from_code(s: &str) -> Option<LegalBasis> {
        [LegalBasis::Consent, LegalBasis::LegalDuty]
            .into_iter()
            .find(|v| v.code() == s)
    }
}

/// A versioned privacy notice (个人信息处理告知, PIPL Art 17): what a registration of its purpose
/// shows. A new text gets a new version; each visit records the version it was shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = visitors::PrivacyNotice)]
pub struct PrivacyNotice {
    /// The purpose's code: `visitor_preregistration` or `visitor_gate_check`.
    pub purpose: &'static str,
    pub version: &'static str,
    pub basis: LegalBasis,
    pub title: &'static str,
    pub text: &'static str,
}

/// The notice of a pre-registration (the visitor fills in the form; consent is the basis).
pub const NOTICE_PREREGISTRATION: PrivacyNotice = PrivacyNotice {
    purpose: "visitor_preregistration",
    version: "2026-12-v1",
    basis: LegalBasis::Consent,
    title: "访客预约登记个人信息处理告知",
    text: "为办理来访预约和入场核验，本单位将收集您的姓名、证件类型和号码、手机号码、来访事由、车牌号和携带物品。\
证件号码和手机号码加密保存，显示时脱敏；记录仅用于本次来访的入场核验和安全管理，不向第三方提供，\
保存期满（默认 90 天）后自动删除。未满 18 周岁的访客须由监护人同意并填写监护人姓名。\
您可以拒绝提供，但将无法预约，可到门岗现场登记。如需查阅、更正或删除您的信息，请联系被访人或本单位保卫部门。",
};

/// The notice of a registration at the gate (Decree 421 Art 11: the guard checks and registers).
pub const NOTICE_GATE_CHECK: PrivacyNotice = PrivacyNotice {
    purpose: "visitor_gate_check",
    version: "2026-12-v1",
    basis: LegalBasis::LegalDuty,
    title: "门岗来访登记个人信息处理告知",
    text: "依照《企业事业单位内部治安保卫条例》第十一条，门岗对进出人员、车辆和物品进行查验登记。\
登记的姓名、证件号码、手机号码等仅用于本单位治安保卫，证件号码和手机号码加密保存、显示时脱敏，\
保存期满（默认 90 天）后自动删除。未满 18 周岁的访客须登记监护人姓名并经其同意。",
};

impl VisitSource {
    /// The notice shown to a visit of this source.
    pub fn notice(self) -> &'static PrivacyNotice {
        match self {
            VisitSource::Invitation => &NOTICE_PREREGISTRATION,
            VisitSource::WalkIn => &NOTICE_GATE_CHECK,
        }
    }
}

/// The longest retention a unit may set (days) and the default (docs/VISITORS.md; R66).
pub const MAX_RETENTION_DAYS: i64 = 365;
pub const DEFAULT_RETENTION_DAYS: i64 = 90;
/// Default closing time (Beijing time).
pub const DEFAULT_CLOSING_TIME: &str = "18:00";

/// A unit's visitor settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = visitors::VisitorSettings)]
pub struct VisitorSettings {
    pub unit_id: String,
    /// Days a visit is kept after it ends (1–365, default 90), then deleted by the retention sweep.
    pub retention_days: i64,
    /// 闭门时间 (Beijing time, `HH:MM`): visitors still inside after it are listed.
    pub closing_time: String,
}

/// A visit. ID numbers and phones are never answered in plaintext: only masked.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = VisitorVisit)]
pub struct Visit {
    pub id: String,
    pub unit_id: String,
    pub unit_name: String,
    pub source: VisitSource,
    pub status: VisitStatus,
    /// 被访人.
    pub host_name: String,
    /// 来访事由.
    pub purpose: String,
    /// The day the visit is expected (invitations).
    pub expected_on: Option<NaiveDate>,
    /// The key areas (重点部位) the visitor goes to: alarms of their devices are suppressed
    /// while the visitor is inside.
    pub area_ids: Vec<String>,
    pub visitor_name: String,
    pub id_type: Option<IdType>,
    /// Masked (`330106********1234`).
    pub id_number_masked: String,
    /// Masked (`138****5678`).
    pub phone_masked: String,
    pub minor: bool,
    /// 监护人 (a minor's).
    pub guardian_name: String,
    pub plate: String,
    /// 携带物品（入）.
    pub goods_in: String,
    /// 携带物品（出）, with who authorised taking them out.
    pub goods_out: String,
    pub goods_out_authorised_by: String,
    /// The privacy notice shown (purpose and version) and the legal basis.
    pub notice_purpose: String,
    pub notice_version: String,
    pub basis: Option<LegalBasis>,
    /// When the visitor (or the guardian for a minor) consented, where consent is the basis.
    pub consent_at: Option<DateTime<Utc>>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub decided_by: String,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: String,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub checked_in_by: String,
    pub checked_out_at: Option<DateTime<Utc>>,
    pub checked_out_by: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    /// The token of the invitation's link (`/visit?t=…`) while the visitor has not filled it in.
    pub link_token: Option<String>,
}

/// A visitor's details, checked (the service builds it; the store encrypts the number and phone
/// and keeps the blind index of the number).
#[derive(Debug, Clone)]
pub struct CheckedVisitor {
    pub name: String,
    pub id: IdDocument,
    pub phone: crate::sensitive::Sensitive,
    pub purpose: String,
    pub plate: String,
    pub goods_in: String,
    pub minor: bool,
    pub guardian_name: String,
    pub notice_purpose: String,
    pub notice_version: String,
    pub basis: LegalBasis,
    pub consent_at: Option<DateTime<Utc>>,
}

/// A new invitation (the host's part).
#[derive(Debug, Clone)]
pub struct NewInvitation {
    pub id: String,
    pub unit_id: String,
    pub token: String,
    pub host_name: String,
    pub purpose: String,
    pub expected_on: NaiveDate,
    pub area_ids: Vec<String>,
    pub created_by: String,
    pub at: DateTime<Utc>,
}

/// What the public form of an invitation shows (nothing about the visitor).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = visitors::PublicInvitation)]
pub struct PublicInvitation {
    pub unit_name: String,
    pub host_name: String,
    pub purpose: String,
    pub expected_on: NaiveDate,
    pub status: VisitStatus,
    pub notice: PrivacyNotice,
}

/// A list filter of visits.
#[derive(Debug, Clone, Default)]
pub struct VisitFilter {
    pub unit_id: Option<String>,
    pub status: Option<VisitStatus>,
    /// Blind index of an ID number (the store computes it from the plaintext the caller gave).
    pub id_number: Option<String>,
    /// Only visits expected on, or checked in on, this day (Beijing): the date and the instant
    /// its Beijing midnight begins.
    pub day: Option<(NaiveDate, DateTime<Utc>)>,
}
