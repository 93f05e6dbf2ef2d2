//! Personal-information compliance (个人信息保护合规, docs/COMPLIANCE.md; R61, R62, R67, R69, R72,
//! R73; PIPL; GB/T 35273-2020). Three records a personal-information handler (个人信息处理者: a
//! unit, a police organ, or the installation itself) keeps:
//!
//! - the record of processing activities (个人信息处理活动记录, PIPL Art 54–56 and GB/T 35273
//!   §11.3): per purpose, its legal basis (required, one of PIPL Art 13's list), the categories
//!   of personal information (sensitive ones flagged, PIPL Art 28), retention, recipients and the
//!   reference of its impact assessment (PIA; the PIA itself is kept elsewhere);
//! - data-subject requests (个人信息主体权利请求, PIPL Art 44–48, 50: access, copy, correction,
//!   deletion, explanation) with a reply deadline in working days ([`working_days`]), a handler,
//!   the reply, and the reasons when refused (Art 50: a refusal states its reasons);
//! - data incidents (个人信息泄露等安全事件, PIPL Art 57) with the notification content the law
//!   lists, the notification of the authority and of the individuals with their times, and
//!   closure.
//!
//! The retention engine, legal holds and purpose-logged reveals are the privacy capability's
//! (`crate::privacy`); this one keeps the handler's own records.

pub mod working_days;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Default reply period of a data-subject request in working days (GB/T 35273-2020 §8.7 c)).
pub const DEFAULT_DEADLINE_WORKING_DAYS: i64 = 15;
/// Meta key of the installation's settings (JSON of [`ComplianceSettings`]).
pub const SETTINGS_KEY: &str = "compliance.settings";
/// Most holidays in the configured list.
pub const MAX_HOLIDAYS: usize = 400;
/// Longest one-line text (characters).
pub const MAX_LINE_CHARS: usize = 200;
/// Longest free text (characters).
pub const MAX_TEXT_CHARS: usize = 4000;
/// Longest kept retention in days (a record's retention period).
pub const MAX_RETENTION_DAYS: i64 = 36_500;

macro_rules! coded {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $code:literal / $zh:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $v),+ }
        impl $name {
            /// Every value, in display order.
            pub const ALL: &[$name] = &[$($name::$v),+];
            /// The stable code.
            pub fn code(self) -> &'static str { match self { $($name::$v => $code),+ } }
            /// The value of a code.
            pub fn from_code(s: &str) -> Option<$name> { $name::ALL.iter().copied().find(|x| x.code() == s) }
            /// The zh-CN label.
            pub fn label_zh(self) -> &'static str { match self { $($name::$v => $zh),+ } }
        }
    };
}

coded!(
    /// What the personal information is processed for.
    PiPurpose {
        VisitorRegistration = "visitor_registration" / "访客登记",
        AccessControl = "access_control" / "出入口门禁",
        Watchlist = "watchlist" / "布控比对",
        Video = "video" / "视频监控",
        Patrol = "patrol" / "巡查巡更",
        Counselling = "counselling" / "心理疏导",
        SecurityStaff = "security_staff" / "保卫人员管理",
        ResponsiblePersons = "responsible_persons" / "单位责任人登记",
        Reports = "reports" / "报告受理",
        Accounts = "accounts" / "系统账号",
        Other = "other" / "其他",
    }
);

coded!(
    /// The legal basis of the processing: PIPL Art 13 (1)–(7).
    PiLegalBasis {
        /// Art 13(1) 取得个人的同意.
        Consent = "consent" / "取得个人的同意（第十三条第一项）",
        /// Art 13(2).
        Contract = "contract" / "订立、履行合同或人力资源管理所必需（第十三条第二项）",
        /// Art 13(3).
        LegalDuty = "legal_duty" / "履行法定职责或者法定义务所必需（第十三条第三项）",
        /// Art 13(4).
        Emergency = "emergency" / "应对突发公共卫生事件或紧急情况下保护生命健康和财产安全所必需（第十三条第四项）",
        /// Art 13(5).
        PublicInterest = "public_interest" / "为公共利益实施新闻报道、舆论监督（第十三条第五项）",
        /// Art 13(6).
        Disclosed = "disclosed" / "处理已合法公开的个人信息（第十三条第六项）",
        /// Art 13(7).
        OtherLaw = "other_law" / "法律、行政法规规定的其他情形（第十三条第七项）",
    }
);

coded!(
    /// A category of personal information (GB/T 35273-2020 Annex A/B).
    PiCategory {
        Identity = "identity" / "姓名等身份信息",
        IdNumber = "id_number" / "身份证件号码",
        Contact = "contact" / "联系方式",
        Face = "face" / "人脸信息",
        Plate = "plate" / "车牌号码",
        Trajectory = "trajectory" / "行踪轨迹",
        Image = "image" / "图像视频",
        Health = "health" / "健康生理信息",
        Minor = "minor" / "不满十四周岁未成年人的信息",
        Account = "account" / "账号与操作记录",
        Work = "work" / "工作与排班信息",
    }
);

impl PiCategory {
    /// Sensitive personal information (PIPL Art 28: biometrics, specific identities, medical
    /// health, whereabouts, minors under fourteen; GB/T 35273 Annex B: ID card numbers).
    pub fn sensitive(self) -> bool {
        matches!(
            self,
            PiCategory::IdNumber | PiCategory::Face | PiCategory::Trajectory | PiCategory::Health | PiCategory::Minor
        )
    }
}

coded!(
    /// Who keeps a record: a unit, a police organ, or the installation (neibao's operator).
    PiOwnerKind {
        Unit = "unit" / "单位",
        Org = "org" / "公安机关",
        Installation = "installation" / "本系统",
    }
);

coded!(
    /// What a data subject asks (PIPL Arts 44–48).
    PiRequestKind {
        Access = "access" / "查阅",
        Copy = "copy" / "复制",
        Correction = "correction" / "更正、补充",
        Deletion = "deletion" / "删除",
        Explanation = "explanation" / "解释说明",
    }
);

coded!(
    /// Where a data-subject request stands.
    PiRequestState {
        Open = "open" / "办理中",
        Replied = "replied" / "已答复",
        Refused = "refused" / "已拒绝",
    }
);

coded!(
    /// Where a data incident stands.
    PiBreachState {
        Open = "open" / "处置中",
        Closed = "closed" / "已结案",
    }
);

coded!(
    /// Whom an incident is notified to (PIPL Art 57).
    PiNotifyTarget {
        Authority = "authority" / "履行个人信息保护职责的部门",
        Individuals = "individuals" / "个人",
    }
);

/// The keeper of a record, as answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PiOwner {
    pub owner_kind: PiOwnerKind,
    pub unit_id: Option<String>,
    pub org_id: Option<String>,
    /// The unit's or the organ's name, or 本系统.
    pub owner_name: String,
    /// The division of the organ (for police of a wider jurisdiction); the unit's is on the unit.
    pub division_code: Option<String>,
}

/// One record of processing activities (个人信息处理活动记录).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProcessingActivity {
    pub id: String,
    #[serde(flatten)]
    pub owner: PiOwner,
    pub purpose: PiPurpose,
    pub purpose_label: String,
    /// What is done, in the handler's words.
    pub description: String,
    pub legal_basis: PiLegalBasis,
    pub legal_basis_label: String,
    pub categories: Vec<PiCategory>,
    /// Whether any category is sensitive personal information.
    pub sensitive: bool,
    /// How long the information is kept (days).
    pub retention_days: i64,
    /// Who receives the information (provision to others, PIPL Art 23), or empty.
    pub recipients: String,
    /// The reference of the personal-information protection impact assessment (PIA) (PIPL Art
    /// 55–56): an id or a document number; empty when none is recorded.
    pub pia_ref: String,
    /// A default seeded for what neibao itself processes.
    pub seeded: bool,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

/// One data-subject request (个人信息主体权利请求).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SubjectRequest {
    pub id: String,
    #[serde(flatten)]
    pub owner: PiOwner,
    pub kind: PiRequestKind,
    pub kind_label: String,
    /// The requester's name.
    pub subject_name: String,
    /// The requester's contact, masked (stored encrypted).
    pub contact: String,
    /// What is asked.
    pub content: String,
    /// The day the request was received (Beijing date).
    pub received_on: NaiveDate,
    /// The last day of the reply period (working days after receipt).
    pub deadline: NaiveDate,
    pub state: PiRequestState,
    pub state_label: String,
    /// Still open after the deadline day.
    pub overdue: bool,
    /// Who handles it.
    pub handler: String,
    pub reply: String,
    /// The reasons of a refusal (PIPL Art 50).
    pub refusal_reasons: String,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_by: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// Which data-subject requests a list shows.
#[derive(Debug, Clone, Default)]
pub struct SubjectRequestFilter {
    pub state: Option<PiRequestState>,
    /// Only the overdue ones (open after their deadline).
    pub overdue: bool,
}

/// One data incident (个人信息泄露、篡改、丢失等安全事件, PIPL Art 57).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Breach {
    pub id: String,
    #[serde(flatten)]
    pub owner: PiOwner,
    pub title: String,
    pub occurred_at: Option<DateTime<Utc>>,
    pub discovered_at: DateTime<Utc>,
    pub description: String,
    /// Art 57(1): the categories of personal information concerned.
    pub categories: Vec<PiCategory>,
    /// How many individuals, when known.
    pub affected_count: Option<i64>,
    /// Art 57(1): the cause.
    pub cause: String,
    /// Art 57(1): the harm it may cause.
    pub possible_harm: String,
    /// Art 57(2): the remedial measures taken.
    pub remedial_measures: String,
    /// Art 57(2): what individuals can do to reduce the harm.
    pub individual_measures: String,
    /// Art 57(3): the handler's contact.
    pub handler_contact: String,
    pub state: PiBreachState,
    pub state_label: String,
    /// The authority notified (name) and when.
    pub authority_name: String,
    pub authority_notified_at: Option<DateTime<Utc>>,
    pub authority_notified_by: Option<String>,
    /// How the individuals were told (letter, SMS, notice …) and when.
    pub individuals_method: String,
    pub individuals_notified_at: Option<DateTime<Utc>>,
    pub individuals_notified_by: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_by: Option<String>,
    pub closure_note: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl Breach {
    /// The Art 57 items a notification needs that are still empty (zh-CN names, in the law's
    /// order).
    pub fn missing_notification_items(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.categories.is_empty() {
            out.push("发生或者可能发生泄露的个人信息种类");
        }
        if self.cause.trim().is_empty() {
            out.push("原因");
        }
        if self.possible_harm.trim().is_empty() {
            out.push("可能造成的危害");
        }
        if self.remedial_measures.trim().is_empty() {
            out.push("已采取的补救措施");
        }
        if self.individual_measures.trim().is_empty() {
            out.push("个人可以采取的减轻危害的措施");
        }
        if self.handler_contact.trim().is_empty() {
            out.push("个人信息处理者的联系方式");
        }
        out
    }
}

/// The installation's settings: the reply period and the holiday list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ComplianceSettings {
    /// Working days to reply to a data-subject request (1–60; default 15).
    pub deadline_working_days: i64,
    /// Dates that are not working days besides Saturdays and Sundays (public holidays are not
    /// built in).
    #[serde(default)]
    pub holidays: Vec<NaiveDate>,
}

impl Default for ComplianceSettings {
    fn default() -> Self {
        ComplianceSettings {
            deadline_working_days: DEFAULT_DEADLINE_WORKING_DAYS,
            holidays: Vec::new(),
        }
    }
}

/// Category codes as stored (comma-separated), and back (unknown codes dropped).
pub fn categories_to_codes(c: &[PiCategory]) -> String {
    c.iter().map(|x| x.code()).collect::<Vec<_>>().join(",")
}

/// See [`categories_to_codes`].
pub fn categories_from_codes(s: &str) -> Vec<PiCategory> {
    s.split(',').filter_map(|c| PiCategory::from_code(c.trim())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_categories_are_flagged_and_codes_round_trip() {
        assert!(PiCategory::Face.sensitive() && PiCategory::IdNumber.sensitive() && PiCategory::Minor.sensitive());
        assert!(!PiCategory::Plate.sensitive() && !PiCategory::Contact.sensitive());
        let c = vec![PiCategory::Face, PiCategory::Plate];
        assert_eq!(categories_from_codes(&categories_to_codes(&c)), c);
        assert_eq!(PiLegalBasis::from_code("legal_duty"), Some(PiLegalBasis::LegalDuty));
        assert_eq!(PiLegalBasis::ALL.len(), 7, "PIPL Art 13 has seven bases");
    }
}
