//! 心防 (psychological defence, docs/WELLBEING.md; docs/REQUIREMENTS.md R36, R87, R64, R88):
//! a unit's volunteer safety teams (群防群治: 安全志愿者, 护校队 …) with members, duties and
//! activity records; awareness and education activities (talks, training, campaigns such as
//! 安全教育周, counter-terror education R88) with attendance; and the referral and
//! crisis-intervention case (心理危机干预个案), raised by a reporter the unit's security manager
//! designated, followed by the counsellors named on it.
//!
//! A case's content (the person's name, the narrative, health details, follow-ups) is health
//! data, sensitive personal information (R64, PIPL Art 28): the store encrypts it with its own
//! key (not the general field key) in tables of its own, and only the counsellors named on the
//! case and the reporter (their own report) read it, each read logged with a purpose. Police see
//! counts by unit and risk level; a unit's security head and the police station see a case only
//! through a minimal escalation notice (no health details) when a counsellor escalates a
//! high-risk case that threatens others (R36).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Longest one-line text (team name, title, duty, member name; characters).
pub const MAX_NAME_CHARS: usize = 60;
/// Longest paragraph (duties, summary, materials, narrative, note; characters).
pub const MAX_TEXT_CHARS: usize = 2000;
/// Most members of one team.
pub const MAX_MEMBERS: usize = 200;
/// Most counsellors named on one case.
pub const MAX_COUNSELLORS: usize = 5;

/// A member of a volunteer team: a name and their duty (no phone or ID number is kept).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = wellbeing::TeamMember)]
pub struct TeamMember {
    pub name: String,
    /// e.g. `上学放学时段校门值守`.
    #[serde(default)]
    pub duty: String,
}

/// A volunteer safety team of a unit (群防群治, R36).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = wellbeing::VolunteerTeam)]
pub struct VolunteerTeam {
    pub id: String,
    pub unit_id: String,
    pub name: String,
    /// e.g. `安全志愿者`, `护校队`, `治安巡防队`.
    pub kind: String,
    pub duties: String,
    pub members: Vec<TeamMember>,
    /// Activities recorded.
    pub activity_count: i64,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// One activity of a volunteer team (a patrol, a gate duty, a campaign).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = wellbeing::TeamActivity)]
pub struct TeamActivity {
    pub id: String,
    pub team_id: String,
    pub team_name: String,
    /// Beijing date `YYYY-MM-DD`.
    pub held_on: String,
    pub summary: String,
    pub participants: i64,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// Kinds of awareness and education activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = wellbeing::EducationKind)]
pub enum EducationKind {
    /// 讲座
    Talk,
    /// 培训
    Training,
    /// 宣传活动（如安全教育周）
    Campaign,
    /// 反恐怖防范教育 (R88)
    CounterTerror,
    /// 心理健康教育
    MentalHealth,
}

impl EducationKind {
    pub const ALL: [EducationKind; 5] = [
        EducationKind::Talk,
        EducationKind::Training,
        EducationKind::Campaign,
        EducationKind::CounterTerror,
        EducationKind::MentalHealth,
    ];
    pub fn code(self) -> &'static str {
        match self {
            EducationKind::Talk => "talk",
            EducationKind::Training => "training",
            EducationKind::Campaign => "campaign",
            EducationKind::CounterTerror => "counter_terror",
            EducationKind::MentalHealth => "mental_health",
        }
    }
    pub fn from_code(s: &str) -> Option<EducationKind> {
        EducationKind::ALL.into_iter().find(|k| k.code() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            EducationKind::Talk => "安全讲座",
            EducationKind::Training => "安全培训",
            EducationKind::Campaign => "宣传活动（如安全教育周）",
            EducationKind::CounterTerror => "反恐怖防范教育",
            EducationKind::MentalHealth => "心理健康教育",
        }
    }
}

/// An awareness or education activity of a unit, with its attendance and materials.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = wellbeing::EducationActivity)]
pub struct EducationActivity {
    pub id: String,
    pub unit_id: String,
    pub kind: EducationKind,
    pub title: String,
    /// Beijing date `YYYY-MM-DD`.
    pub held_on: String,
    pub attendance: i64,
    /// The materials used (titles, where they are kept).
    pub materials: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// Counts of a unit's 心防 work, for the assessment's 人防 and 心防 evidence.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = wellbeing::WellbeingCounts)]
pub struct WellbeingCounts {
    pub teams: i64,
    pub team_members: i64,
    pub team_activities: i64,
    pub education_activities: i64,
    pub education_attendance: i64,
}

/// A unit's 心防 work: its teams, their activities and its education activities (newest first).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = wellbeing::UnitWellbeing)]
pub struct UnitWellbeing {
    pub unit_id: String,
    pub teams: Vec<VolunteerTeam>,
    pub team_activities: Vec<TeamActivity>,
    pub education: Vec<EducationActivity>,
    pub counts: WellbeingCounts,
}

/// An account of the unit designated to raise cases (a counsellor, a head teacher, an HR officer).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = wellbeing::Reporter)]
pub struct Reporter {
    pub user_id: String,
    pub name: String,
    pub designated_by: String,
    pub designated_at: DateTime<Utc>,
}

/// Risk level of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = wellbeing::Risk)]
pub enum Risk {
    Low,
    Medium,
    High,
}

impl Risk {
    pub const ALL: [Risk; 3] = [Risk::Low, Risk::Medium, Risk::High];
    pub fn code(self) -> &'static str {
        match self {
            Risk::Low => "low",
            Risk::Medium => "medium",
            Risk::High => "high",
        }
    }
    pub fn from_code(s: &str) -> Option<Risk> {
        Risk::ALL.into_iter().find(|k| k.code() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Risk::Low => "低",
            Risk::Medium => "中",
            Risk::High => "高",
        }
    }
}

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = wellbeing::CaseState)]
pub enum CaseState {
    Open,
    Closed,
}

impl CaseState {
    pub fn code(self) -> &'static str {
        match self {
            CaseState::Open => "open",
            CaseState::Closed => "closed",
        }
    }
    pub fn from_code(s: &str) -> CaseState {
        if s == "closed" {
            CaseState::Closed
        } else {
            CaseState::Open
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            CaseState::Open => "跟进中",
            CaseState::Closed => "已结案",
        }
    }
}

/// What a follow-up record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = wellbeing::FollowUpKind)]
pub enum FollowUpKind {
    /// 跟进计划
    Plan,
    /// 回访、面谈
    Visit,
    /// 与家属联系
    Family,
    /// 转介医疗卫生机构
    Referral,
}

impl FollowUpKind {
    pub const ALL: [FollowUpKind; 4] = [
        FollowUpKind::Plan,
        FollowUpKind::Visit,
        FollowUpKind::Family,
        FollowUpKind::Referral,
    ];
    pub fn code(self) -> &'static str {
        match self {
            FollowUpKind::Plan => "plan",
            FollowUpKind::Visit => "visit",
            FollowUpKind::Family => "family",
            FollowUpKind::Referral => "referral",
        }
    }
    pub fn from_code(s: &str) -> Option<FollowUpKind> {
        FollowUpKind::ALL.into_iter().find(|k| k.code() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            FollowUpKind::Plan => "跟进计划",
            FollowUpKind::Visit => "回访面谈",
            FollowUpKind::Family => "家属联系",
            FollowUpKind::Referral => "转介医疗卫生机构",
        }
    }
}

/// A case as a list shows it: no content (no name, no narrative), only what the caller's own
/// work list needs.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = wellbeing::CaseSummary)]
pub struct CaseSummary {
    pub id: String,
    /// `XF-` and the first 8 characters of the id: what people call the case.
    pub number: String,
    pub unit_id: String,
    pub unit_name: String,
    pub risk: Risk,
    pub state: CaseState,
    pub threat_to_others: bool,
    pub escalated_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// The caller is a counsellor named on the case (else the reporter).
    pub mine_as_counsellor: bool,
}

/// A counsellor named on a case.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = wellbeing::CaseCounsellor)]
pub struct CaseCounsellor {
    pub user_id: String,
    pub name: String,
}

/// The encrypted content of a case as the reporter gave it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = wellbeing::CaseContent)]
pub struct CaseContent {
    pub person_name: String,
    /// e.g. `学生（计算机学院 2024 级）`.
    #[serde(default)]
    pub person_role: String,
    pub narrative: String,
    /// Health details known to the reporter (may be empty); only counsellors read them.
    #[serde(default)]
    pub health_details: String,
    /// The closing note (counsellors).
    #[serde(default)]
    pub closure_note: String,
}

/// A follow-up record (content encrypted with the case key).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = wellbeing::FollowUp)]
pub struct FollowUp {
    pub id: String,
    pub kind: FollowUpKind,
    pub note: String,
    /// The risk level it set, if it changed it.
    pub risk: Option<Risk>,
    pub by_name: String,
    pub at: DateTime<Utc>,
}

/// A case with its content: answered to a named counsellor (everything) or to the reporter of
/// the case (what they reported: no health details, no follow-ups).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = wellbeing::CaseDetail)]
pub struct CaseDetail {
    #[serde(flatten)]
    pub summary: CaseSummary,
    pub reporter_name: String,
    pub counsellors: Vec<CaseCounsellor>,
    pub content: CaseContent,
    pub follow_ups: Vec<FollowUp>,
}

/// A minimal escalation notice (R36): no name, no narrative, no health details.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = wellbeing::Escalation)]
pub struct Escalation {
    pub id: String,
    pub unit_id: String,
    pub unit_name: String,
    /// The counsellor to contact.
    pub counsellor_name: String,
    /// How to reach them (as the counsellor gave it).
    pub contact: String,
    pub at: DateTime<Utc>,
}

/// Counts of cases of a unit at one risk level (what police see).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = wellbeing::CaseCount)]
pub struct CaseCount {
    pub unit_id: String,
    pub unit_name: String,
    pub risk: Risk,
    pub open: i64,
    pub closed: i64,
}

/// The case's number as people call it.
pub fn case_number(id: &str) -> String {
    let short: String = id.chars().filter(|c| c.is_ascii_alphanumeric()).take(8).collect();
    format!("XF-{}", short.to_uppercase())
}

/// A Beijing date as typed (`YYYY-MM-DD`), or `None`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// The escalation notice's one line (R36): the unit, that a high-risk situation needs security
/// attention, and whom to contact. Nothing about the person or their health.
pub fn escalation_title(unit_name: &str, counsellor: &str, contact: &str) -> String {
    let contact = if contact.trim().is_empty() {
        String::new()
    } else {
        format!("（{}）", contact.trim())
    };
    format!("【安保关注】{unit_name}有一起高风险情况需要安保关注，请联系心理辅导员{counsellor}{contact}")
}

/// Whether a case may be escalated: open, high risk and a threat to others (R36).
pub fn escalation_allowed(risk: Risk, threat_to_others: bool, state: CaseState) -> bool {
    state == CaseState::Open && risk == Risk::High && threat_to_others
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for r in Risk::ALL {
            assert_eq!(Risk::from_code(r.code()), Some(r));
        }
        for k in EducationKind::ALL {
            assert_eq!(EducationKind::from_code(k.code()), Some(k));
        }
        for k in FollowUpKind::ALL {
            assert_eq!(FollowUpKind::from_code(k.code()), Some(k));
        }
    }

    #[test]
    fn only_open_high_risk_threats_escalate() {
        assert!(escalation_allowed(Risk::High, true, CaseState::Open));
        assert!(!escalation_allowed(Risk::High, false, CaseState::Open));
        assert!(!escalation_allowed(Risk::Medium, true, CaseState::Open));
        assert!(!escalation_allowed(Risk::High, true, CaseState::Closed));
    }

    #[test]
    fn the_notice_names_unit_and_counsellor_only() {
        let t = escalation_title("某大学", "李老师", "0571-88880000");
        assert!(t.contains("某大学") && t.contains("李老师") && t.contains("高风险"));
        assert_eq!(case_number("ab12-cd34ef56"), "XF-AB12CD34");
    }
}
