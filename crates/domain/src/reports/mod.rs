//! Reports from units and the public to the police (docs/REPORTS.md; issue 15 "Reports from
//! units"): an internal case/incident report (内部案事件, R12(4), R24), a suspicious-activity or
//! terrorism-related report (可疑情况/涉恐线索, R48) from a unit account or the public form, and a
//! surroundings issue (周边问题, Part 4 of the Zhejiang Opinions). Each is routed at filing to the
//! police organisation of its place (the unit's police station; for the public form the deepest
//! police organisation covering the division the reporter picked), which acknowledges it (the time
//! to acknowledgement is measured, R24) and records its handling until it is closed.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::imports::export::mask_name;
use crate::sensitive::mask;

/// What a report is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    /// 内部案事件 (R12(4), R24).
    Incident,
    /// 可疑情况/涉恐线索 (R48).
    Suspicious,
    /// 周边治安问题 (Part 4 of the Opinions).
    Surroundings,
}

impl ReportKind {
    pub const ALL: [ReportKind; 3] = [ReportKind::Incident, ReportKind::Suspicious, ReportKind::Surroundings];
    pub fn code(self) -> &'static str {
        match self {
            ReportKind::Incident => "incident",
            ReportKind::Suspicious => "suspicious",
            ReportKind::Surroundings => "surroundings",
        }
    }
    pub fn from_code(s: &str) -> Option<ReportKind> {
        ReportKind::ALL.into_iter().find(|k| k.code() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            ReportKind::Incident => "内部案事件",
            ReportKind::Suspicious => "可疑情况/涉恐线索",
            ReportKind::Surroundings => "周边治安问题",
        }
    }
}

/// Where a report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    /// 待签收: filed, the police have not acknowledged it yet.
    Submitted,
    /// 处理中: acknowledged by the police.
    Acknowledged,
    /// 已办结.
    Closed,
}

impl ReportStatus {
    pub fn code(self) -> &'static str {
        match self {
            ReportStatus::Submitted => "submitted",
            ReportStatus::Acknowledged => "acknowledged",
            ReportStatus::Closed => "closed",
        }
    }
    pub fn from_code(s: &str) -> ReportStatus {
        match s {
            "acknowledged" => ReportStatus::Acknowledged,
            "closed" => ReportStatus::Closed,
            _ => ReportStatus::Submitted,
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            ReportStatus::Submitted => "待签收",
            ReportStatus::Acknowledged => "处理中",
            ReportStatus::Closed => "已办结",
        }
    }
}

/// A person involved in an incident (涉事人员). Stored encrypted with the field cipher; answered
/// and shown masked (name `张**`, ID `330106********1234`, phone `138****5678`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct InvolvedPerson {
    /// Name (required when the person is given), at most 50 characters.
    #[serde(default)]
    pub name: String,
    /// Role in the incident (嫌疑人、受害人、目击者…), at most 50 characters.
    #[serde(default)]
    pub role: String,
    /// Citizen identity number (GB 11643), optional.
    #[serde(default)]
    pub id_number: String,
    /// Phone, optional.
    #[serde(default)]
    pub phone: String,
}

impl InvolvedPerson {
    /// The person as answered and shown.
    pub fn masked(&self) -> InvolvedPerson {
        InvolvedPerson {
            name: mask_name(&self.name),
            role: self.role.clone(),
            id_number: if self.id_number.is_empty() {
                String::new()
            } else {
                mask(&self.id_number, 6, 4)
            },
            phone: if self.phone.is_empty() {
                String::new()
            } else {
                mask(&self.phone, 3, 4)
            },
        }
    }
}

/// One handling note of the police (处置记录).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReportNote {
    pub at: DateTime<Utc>,
    pub by: String,
    pub text: String,
    /// This note closed the report.
    pub closed: bool,
}

/// One report as stored (people and contact decrypted; mask them before answering with
/// [`Report::masked`]).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Report {
    pub id: String,
    /// The receipt number the reporter is given (`YYYYMMDD-XXXXXX`).
    pub receipt_no: String,
    pub kind: ReportKind,
    /// `unit` (a unit account) or `public` (the public form, no account).
    pub source: String,
    pub unit_id: Option<String>,
    pub unit_name: Option<String>,
    /// The police organisation it was routed to.
    pub station_id: Option<String>,
    pub station_name: Option<String>,
    /// The division of the place (the unit's, or the one the public reporter picked).
    pub division_code: String,
    pub key_area_id: Option<String>,
    pub key_area_name: Option<String>,
    /// Where (free text), at most 200 characters.
    pub place: String,
    /// What happened, one line, at most 100 characters.
    pub title: String,
    /// Details, at most 2000 characters.
    pub details: String,
    pub occurred_at: Option<DateTime<Utc>>,
    /// People involved (incident reports), masked in answers.
    pub people: Vec<InvolvedPerson>,
    /// First actions taken (先期处置), at most 1000 characters.
    pub first_actions: String,
    /// The scene is preserved (现场保护).
    pub scene_preserved: bool,
    /// The reporter's name (a unit account's), empty for a public report.
    pub reporter_name: String,
    /// The reporter's contact (a public report's, optional), masked in answers.
    pub contact: String,
    pub anonymous: bool,
    pub status: ReportStatus,
    pub submitted_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    pub notes: Vec<ReportNote>,
}

impl Report {
    /// Seconds from filing to the police's acknowledgement (R24).
    pub fn seconds_to_acknowledge(&self) -> Option<i64> {
        self.acknowledged_at
            .map(|t| (t - self.submitted_at).num_seconds().max(0))
    }
    /// The report as answered and shown: people and contact masked.
    pub fn masked(mut self) -> Report {
        self.people = self.people.iter().map(InvolvedPerson::masked).collect();
        if !self.contact.is_empty() {
            self.contact = mask(&self.contact, 3, 4);
        }
        self
    }
}

/// A new report to store.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub id: String,
    pub receipt_no: String,
    pub kind: ReportKind,
    pub source: &'static str,
    pub unit_id: Option<String>,
    pub station_id: Option<String>,
    pub division_code: String,
    pub key_area_id: Option<String>,
    pub place: String,
    pub title: String,
    pub details: String,
    pub occurred_at: Option<DateTime<Utc>>,
    pub people: Vec<InvolvedPerson>,
    pub first_actions: String,
    pub scene_preserved: bool,
    pub reporter_id: Option<String>,
    pub reporter_name: String,
    pub contact: String,
    pub anonymous: bool,
    /// The public reporter's address group (for the budget; never shown).
    pub client: String,
    pub at: DateTime<Utc>,
}

/// A handling note to store: its text, whether it closes the report, who wrote it and when.
#[derive(Debug, Clone)]
pub struct HandlingNote {
    pub text: String,
    pub close: bool,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// Which reports a list shows.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    pub kind: Option<ReportKind>,
    pub status: Option<ReportStatus>,
    pub unit_id: Option<String>,
}

/// Longest title (characters).
pub const MAX_TITLE_CHARS: usize = 100;
/// Longest details (characters).
pub const MAX_DETAILS_CHARS: usize = 2000;
/// Longest place (characters).
pub const MAX_PLACE_CHARS: usize = 200;
/// Longest first actions (characters).
pub const MAX_ACTIONS_CHARS: usize = 1000;
/// Longest handling note (characters).
pub const MAX_NOTE_CHARS: usize = 1000;
/// Longest public contact (characters).
pub const MAX_CONTACT_CHARS: usize = 50;
/// Most people involved in one report.
pub const MAX_PEOPLE: usize = 20;
/// Most photos one report holds (a unit account's, at filing and added while it is open).
pub const MAX_REPORT_PHOTOS: usize = 6;

/// The fields a purpose-logged reveal of a report answers (`POST /api/v1/reveal/reports/{id}`,
/// docs/REPORTS.md "Sensitive data"): column and its zh-CN label. `people` is the JSON array of
/// the people involved, `contact` the public reporter's contact, each present only when stored.
pub const REVEALED_FIELDS: [(&str, &str); 2] = [("people", "涉事人员"), ("contact", "报告人联系方式")];

/// The people involved as one line a person reads (name, role, ID number, phone of each, `；`
/// between them): the reveal page shows it.
pub fn people_line(people: &[InvolvedPerson]) -> String {
    people
        .iter()
        .map(|p| {
            [p.name.as_str(), p.role.as_str(), p.id_number.as_str(), p.phone.as_str()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("；")
}

/// Public reports one client address may file at once (then one per [`PUBLIC_REFILL_SECONDS`]).
pub const PUBLIC_BURST: u32 = 5;
/// Seconds for one public report of an address's budget to come back.
pub const PUBLIC_REFILL_SECONDS: u64 = 120;
/// Public reports the whole installation takes per hour (a flood from many addresses).
pub const PUBLIC_PER_HOUR: u32 = 600;

/// The receipt number of a report filed at `at` with id `id`: `YYYYMMDD-` and six characters
/// of the id, upper case.
pub fn receipt_no(at: DateTime<Utc>, id: &str) -> String {
    let date = at.with_timezone(&chrono_tz::Asia::Shanghai).format("%Y%m%d");
    let tail: String = id.chars().rev().take(6).collect::<Vec<_>>().into_iter().rev().collect();
    format!("{date}-{}", tail.to_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_and_receipts() {
        let p = InvolvedPerson {
            name: "张三丰".into(),
            role: "嫌疑人".into(),
            id_number: "330106199003071236".into(),
            phone: "13812345678".into(),
        };
        let m = p.masked();
        assert_eq!(m.name, "张**");
        assert_eq!(m.id_number, "330106********1236");
        assert_eq!(m.phone, "138****5678");
        let at = DateTime::parse_from_rfc3339("2026-12-07T01:00:00Z").unwrap().to_utc();
        assert_eq!(receipt_no(at, "01abcdefgh"), "20261207-CDEFGH");
    }
}
