//! What a caller sends to [`super::SecurityStaffService`], as typed (codes are checked by the
//! service, which answers a zh-CN message for each bad field).

use chrono::NaiveDate;

/// The unit's security body as typed.
#[derive(Debug, Clone, Default)]
pub struct BodyInput {
    /// 1–100 characters, e.g. 保卫处.
    pub name: String,
    /// `dedicated` (专职保卫机构) or `designated` (指定专兼职人员).
    pub kind: String,
    /// The head's name, 1–50 characters.
    pub head: String,
    pub established_on: Option<NaiveDate>,
    /// `None` or empty: keep the stored phone (none when first saved); `Some("-")`: clear it.
    pub phone: Option<String>,
}

/// A security staff member as typed.
#[derive(Debug, Clone, Default)]
pub struct StaffInput {
    /// 1–50 characters.
    pub name: String,
    /// 职务/岗位, at most 50 characters.
    pub post: String,
    pub full_time: bool,
    /// `None` or empty: keep (none when added); `Some("-")`: clear.
    pub phone: Option<String>,
    pub on_duty: bool,
}

/// A guard as typed.
#[derive(Debug, Clone, Default)]
pub struct GuardInput {
    pub name: String,
    /// 岗位, at most 50 characters (default 保安员).
    pub post: String,
    pub full_time: bool,
    pub phone: Option<String>,
    pub on_duty: bool,
    /// `own_hired` (自行招用) or `company` (保安服务公司派驻).
    pub employment: String,
    /// Required for `company`: the company's name (at most 100 characters).
    pub company_name: String,
    /// Required for `company`: 保安服务许可证号 (at most 50 characters).
    pub company_licence_no: String,
    pub company_foreign_invested: bool,
    /// 保安员证号 (at most 50 characters; optional).
    pub certificate_no: String,
    /// 公民身份号码: required when adding; empty on an edit keeps the stored one.
    pub citizen_id: String,
    pub started_on: Option<NaiveDate>,
    pub stopped_on: Option<NaiveDate>,
    /// `pending` (未审查), `passed` (审查合格) or `unsuitable` (不适宜); empty: `pending`.
    pub vetting: String,
}

/// A training or exam record as typed.
#[derive(Debug, Clone, Default)]
pub struct TrainingInput {
    /// The roster member (staff or guard) trained.
    pub member_id: String,
    pub trained_on: Option<NaiveDate>,
    /// 1–100 characters.
    pub topic: String,
    /// 0.5–1000 hours.
    pub hours: f64,
    /// `none` (未考核), `passed` or `failed`; empty: `none`.
    pub exam_result: String,
    /// Optional, at most 100 characters.
    pub certificate_name: String,
    /// Optional; not before `trained_on`.
    pub certificate_expires_on: Option<NaiveDate>,
}

/// A commendation, duty injury/death or complaint as typed.
#[derive(Debug, Clone, Default)]
pub struct RecordInput {
    /// `commendation`, `duty_injury`, `duty_death` or `complaint`.
    pub kind: String,
    /// The roster member concerned (optional; empty: the unit or someone not on the roster).
    pub member_id: String,
    /// Whom it concerns (1–100 characters; empty with a member: the member's name).
    pub subject: String,
    pub occurred_on: Option<NaiveDate>,
    /// 1–2000 characters.
    pub content: String,
    /// 处理情况, at most 2000 characters.
    pub handling: String,
    /// 处理结果, at most 500 characters.
    pub result: String,
}
