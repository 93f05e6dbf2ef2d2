//! What the security-staff capability stores and answers: the unit's security body, the roster
//! (staff and guards), training and exam records, commendations / duty injuries / complaints,
//! the change history, and the summary shown next to inspection items.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::rules::*;
use crate::sensitive::Sensitive;
use crate::validate::{CitizenId, PhoneNumber};

/// The unit's security body (保卫机构, Decree 421 Art 6; R7, R16). One per unit; each change
/// raises `version` (1 when first saved) and leaves a history row.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SecurityBody {
    pub unit_id: String,
    /// Name, e.g. 保卫处 (1–100 characters).
    pub name: String,
    pub kind: BodyKind,
    /// The head's name (1–50 characters).
    pub head: String,
    /// 成立日期 (Beijing date), if known.
    pub established_on: Option<NaiveDate>,
    /// Masked, e.g. `138****5678`; encrypted at rest.
    #[schema(value_type = Option<String>)]
    pub phone: Option<Sensitive>,
    pub version: i64,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

/// The security body to save (validated by the service).
#[derive(Debug, Clone)]
pub struct BodyDraft {
    pub name: String,
    pub kind: BodyKind,
    pub head: String,
    pub established_on: Option<NaiveDate>,
    /// `None`: keep the stored phone; `Some(None)`: clear it.
    pub phone: Option<Option<PhoneNumber>>,
}

/// A member of the security staff roster (保卫人员, R10).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StaffMember {
    pub id: String,
    pub unit_id: String,
    pub name: String,
    /// 职务/岗位, e.g. 保卫干事 (at most 50 characters).
    pub post: String,
    /// 专职 (true) or 兼职 (false).
    pub full_time: bool,
    /// Masked; encrypted at rest.
    #[schema(value_type = Option<String>)]
    pub phone: Option<Sensitive>,
    /// 在岗 (true) or 不在岗.
    pub on_duty: bool,
    /// Optimistic version: an edit or removal carries it (stale → 409 `version_conflict`).
    pub version: i64,
    /// When removed (soft: the entry is kept in history); `None`: on the roster.
    pub removed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A guard (保安员, Decree 564; R10, R19, R57).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Guard {
    pub id: String,
    pub unit_id: String,
    pub name: String,
    /// 岗位, e.g. 门卫 (at most 50 characters).
    pub post: String,
    pub full_time: bool,
    #[schema(value_type = Option<String>)]
    pub phone: Option<Sensitive>,
    pub on_duty: bool,
    /// 自行招用 or 保安服务公司派驻: own-hired guards are filed with the city police within 30
    /// days of `started_on` and of `stopped_on` (R57, Decree 564 Art 14).
    pub employment: Employment,
    /// The security company (when `employment` is `company`).
    pub company_name: Option<String>,
    /// 保安服务许可证号 of the company.
    pub company_licence_no: Option<String>,
    /// Whether the company is foreign-invested (R19).
    pub company_foreign_invested: bool,
    /// 保安员证号.
    pub certificate_no: Option<String>,
    /// Masked (`330106********1234`); encrypted at rest with a blind index.
    #[schema(value_type = String)]
    pub citizen_id: Sensitive,
    /// The birth date from the ID number: used for `age` and `eligible`, never sent.
    #[serde(skip)]
    pub birth_date: NaiveDate,
    /// Age in full years today (Beijing), from the ID's birth date.
    pub age: u32,
    /// Whether the guard is at least 18 today (Decree 564 Art 16).
    pub eligible: bool,
    /// 上岗日期 (start of service).
    pub started_on: NaiveDate,
    /// 离岗日期 (end of service), if stopped.
    pub stopped_on: Option<NaiveDate>,
    /// 审查情况: the status only.
    pub vetting: Vetting,
    /// R19: set when a foreign-invested security company serves a key unit (zh-CN warning).
    pub warning: Option<String>,
    pub version: i64,
    pub removed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A guard's own fields to store.
#[derive(Debug, Clone)]
pub struct GuardDraft {
    pub employment: Employment,
    pub company_name: Option<String>,
    pub company_licence_no: Option<String>,
    pub company_foreign_invested: bool,
    pub certificate_no: Option<String>,
    /// Required when adding; `None` on an edit keeps the stored number.
    pub citizen_id: Option<CitizenId>,
    pub started_on: NaiveDate,
    pub stopped_on: Option<NaiveDate>,
    pub vetting: Vetting,
}

/// A roster entry to add or the new values of one (validated by the service).
#[derive(Debug, Clone)]
pub struct MemberDraft {
    pub name: String,
    pub post: String,
    pub full_time: bool,
    /// `None`: keep the stored phone (edit), `Some(None)`: none / clear.
    pub phone: Option<Option<PhoneNumber>>,
    pub on_duty: bool,
    /// Present for a guard, absent for security staff.
    pub guard: Option<GuardDraft>,
}

/// A training or exam record of one roster member (R58).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Training {
    pub id: String,
    pub unit_id: String,
    pub member_id: String,
    /// The member's name and category, for display.
    pub member_name: String,
    pub member_category: MemberCategory,
    /// 培训日期.
    pub trained_on: NaiveDate,
    /// 培训内容 (1–100 characters).
    pub topic: String,
    /// 学时 (0.5–1000).
    pub hours: f64,
    pub exam_result: ExamResult,
    /// 证书名称, if a certificate was issued.
    pub certificate_name: Option<String>,
    /// 证书有效期至, if any; reminded 30 days before.
    pub certificate_expires_on: Option<NaiveDate>,
    /// The certificate's state today (`None`: no expiry date).
    pub certificate_state: Option<CertificateState>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// A training to store.
#[derive(Debug, Clone)]
pub struct NewTraining {
    pub id: String,
    pub unit_id: String,
    pub member_id: String,
    pub trained_on: NaiveDate,
    pub topic: String,
    pub hours: f64,
    pub exam_result: ExamResult,
    pub certificate_name: Option<String>,
    pub certificate_expires_on: Option<NaiveDate>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// A commendation, duty injury/death or complaint (R11, R14).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StaffRecord {
    pub id: String,
    pub unit_id: String,
    pub kind: RecordKind,
    /// The roster member concerned; `None`: the unit as a whole (a commendation) or not on the
    /// roster.
    pub member_id: Option<String>,
    /// Whom it concerns as written (a person's or the unit's name, 1–100 characters).
    pub subject: String,
    /// 日期 (of the commendation, injury, or the complaint's receipt).
    pub occurred_on: NaiveDate,
    /// 内容 (1–2000 characters).
    pub content: String,
    /// 处理情况 (complaints; at most 2000 characters).
    pub handling: String,
    /// 处理结果 (at most 500 characters).
    pub result: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// One change of the body or a roster entry, as kept (the values masked).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StaffHistory {
    /// `body`, `staff` or `guard`.
    pub object_type: String,
    pub object_id: String,
    /// The version after the change.
    pub version: i64,
    /// `create`, `update` or `remove`.
    pub action: String,
    /// The values after the change (masked), as JSON text.
    pub snapshot: String,
    pub changed_by: String,
    pub changed_at: DateTime<Utc>,
}

/// Everything stored about one unit's security staff.
#[derive(Debug, Clone, Default)]
pub struct UnitSecurityData {
    pub unit_name: String,
    /// The unit's key-unit flag (R19 warning).
    pub is_key_unit: bool,
    pub body: Option<SecurityBody>,
    /// Current and removed, current first.
    pub staff: Vec<StaffMember>,
    pub guards: Vec<Guard>,
    pub trainings: Vec<Training>,
    pub records: Vec<StaffRecord>,
    /// Newest first (at most 200).
    pub history: Vec<StaffHistory>,
}

/// A unit's security organisation in brief: shown next to the inspection checklist items and
/// on the unit page.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SecuritySummary {
    pub unit_id: String,
    /// Whether a security body is recorded.
    pub body_present: bool,
    /// Its kind's label, if any.
    pub body_kind: Option<String>,
    /// Security staff on the roster (not removed).
    pub staff: i64,
    /// Guards in service (not removed, not stopped).
    pub guards: i64,
    /// Of them, own-hired.
    pub own_hired_guards: i64,
    /// Guards in service younger than 18 today.
    pub ineligible_guards: i64,
    /// Training records dated within the last 12 months.
    pub trainings_last_12_months: i64,
    /// Certificates expiring within 30 days.
    pub certificates_expiring: i64,
    /// Certificates already expired (of members still on the roster).
    pub certificates_expired: i64,
    /// R19 warnings (foreign-invested security company at a key unit).
    pub warnings: Vec<String>,
}
