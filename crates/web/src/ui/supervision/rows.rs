//! What the supervision pages share: dates as forms and rows read them, and the rows of the
//! hazard, campaign, inspection, due-unit, document and evidence tables.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Asia::Shanghai;
use neibao_domain::attachments::Attachment;
use neibao_domain::documents::Document;
use neibao_domain::registry::UnitKind;
use neibao_domain::supervision::calendar::date_zh;
use neibao_domain::supervision::ladder::Phase;
use neibao_domain::supervision::{Campaign, CampaignProgress, Hazard, Inspection, InspectionStatus};
use neibao_engine::supervision::{CampaignSelection, DueUnit};
use serde::Deserialize;

use crate::error::ApiError;
use crate::ui::views::fmt_time;

// ------------------------------------------------------------------ dates

/// A `YYYY-MM-DD` date from a form field.
pub fn parse_date(s: &str, label: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| ApiError::validation(format!("请填写{label}（年-月-日）")))
}

/// `2026-11-29` in Beijing time, as a date input's value.
pub fn date_value(t: DateTime<Utc>) -> String {
    t.with_timezone(&Shanghai).format("%Y-%m-%d").to_string()
}

/// Whole Beijing calendar days from today to `deadline` (negative once passed).
pub fn days_left(deadline: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (deadline.with_timezone(&Shanghai).date_naive() - now.with_timezone(&Shanghai).date_naive()).num_days()
}

/// 剩余N天 / 今日到期 / 逾期N天 with its CSS class; empty without a running deadline.
pub fn days_label(phase: Phase, deadline: Option<DateTime<Utc>>, now: DateTime<Utc>) -> (String, &'static str) {
    match deadline {
        Some(d) if phase.has_deadline() => {
            let n = days_left(d, now);
            if phase == Phase::Overdue || d <= now {
                match -n {
                    past if past > 0 => (format!("逾期{past}天"), "late"),
                    _ => ("已逾期".into(), "late"),
                }
            } else if n == 0 {
                ("今日到期".into(), "soon")
            } else if n <= 7 {
                (format!("剩余{n}天"), "soon")
            } else {
                (format!("剩余{n}天"), "")
            }
        }
        _ => (String::new(), ""),
    }
}

// ------------------------------------------------------------------ queries

/// The notice a page shows after a redirect.
#[derive(Deserialize, Default)]
pub struct NoticeQuery {
    #[serde(default)]
    pub saved: String,
    #[serde(default)]
    pub done: String,
    /// The rung of an escalation just done (with `done=escalate`).
    #[serde(default)]
    pub rung: String,
    #[serde(default)]
    pub uploaded: String,
}

// ------------------------------------------------------------------ rows

pub struct HazardRow {
    pub id: String,
    pub title: String,
    pub class_label: &'static str,
    pub class_code: &'static str,
    pub unit_id: String,
    pub unit_name: String,
    pub phase_label: &'static str,
    pub phase_code: &'static str,
    pub deadline: String,
    pub days: String,
    pub days_class: &'static str,
    /// 登记日期.
    pub created: String,
}

impl HazardRow {
    pub fn new(h: &Hazard, now: DateTime<Utc>) -> HazardRow {
        let (days, days_class) = days_label(h.phase, h.deadline, now);
        HazardRow {
            id: h.id.clone(),
            title: h.title.clone(),
            class_label: h.class.label_zh(),
            class_code: h.class.code(),
            unit_id: h.unit_id.clone(),
            unit_name: h.unit_name.clone(),
            phase_label: h.phase.label_zh(),
            phase_code: h.phase.code(),
            deadline: h.deadline.map(date_zh).unwrap_or_default(),
            days,
            days_class,
            created: date_zh(h.created_at),
        }
    }
}

pub struct CampaignRow {
    pub id: String,
    pub title: String,
    pub description: String,
    pub selection: String,
    pub due: String,
    pub created_by: String,
    pub created_at: String,
    pub p: CampaignProgress,
    /// Submitted share, 0–100.
    pub percent: i64,
}

impl CampaignRow {
    pub fn new(c: &Campaign) -> CampaignRow {
        let percent = (c.progress.submitted * 100).checked_div(c.progress.total).unwrap_or(0);
        CampaignRow {
            id: c.id.clone(),
            title: c.title.clone(),
            description: c.description.clone(),
            selection: selection_text(&c.selection),
            due: date_zh(c.due_at),
            created_by: c.created_by_name.clone(),
            created_at: fmt_time(c.created_at),
            p: c.progress.clone(),
            percent,
        }
    }
}

/// A campaign's selection in words: 区划 3301*；企业；仅重点单位；诚信等级 C、D.
fn selection_text(v: &serde_json::Value) -> String {
    let Ok(s) = serde_json::from_value::<CampaignSelection>(v.clone()) else {
        return String::new();
    };
    let mut parts = Vec::new();
    if let Some(p) = s.division_prefix.filter(|p| !p.is_empty()) {
        parts.push(format!("行政区划 {p}*"));
    }
    if let Some(k) = s.kind.as_deref().and_then(UnitKind::from_code) {
        parts.push(k.label_zh().to_string());
    }
    if s.key_unit_only {
        parts.push("仅治安保卫重点单位".into());
    }
    if let Some(c) = s.key_unit_category {
        parts.push(format!("重点单位类别{c}"));
    }
    if s.counter_terror_only {
        parts.push("仅反恐怖重点目标".into());
    }
    if s.university_only {
        parts.push("仅高等学校".into());
    }
    if !s.grades.is_empty() {
        let g: Vec<&str> = s.grades.iter().map(|g| g.code()).collect();
        parts.push(format!("诚信等级 {}", g.join("、")));
    }
    if parts.is_empty() {
        "辖区内全部单位".into()
    } else {
        parts.join("；")
    }
}

pub struct InspectionRow {
    pub id: String,
    pub unit_id: String,
    pub unit_name: String,
    pub kind_label: &'static str,
    pub status_label: &'static str,
    pub status_code: &'static str,
    pub assignee: String,
    pub due: String,
    pub late: bool,
    pub score: String,
}

impl InspectionRow {
    pub fn new(i: &Inspection, now: DateTime<Utc>) -> InspectionRow {
        InspectionRow {
            id: i.id.clone(),
            unit_id: i.unit_id.clone(),
            unit_name: i.unit_name.clone(),
            kind_label: i.kind.label_zh(),
            status_label: i.status.label_zh(),
            status_code: i.status.code(),
            assignee: match i.assignee_name.is_empty() && i.status != InspectionStatus::Submitted {
                true => "待指派".into(),
                false => i.assignee_name.clone(),
            },
            due: i.due_at.map(date_zh).unwrap_or_default(),
            late: i.status != InspectionStatus::Submitted && i.due_at.is_some_and(|d| d < now),
            score: i.score.as_ref().map(|s| format!("{:.1}", s.total)).unwrap_or_default(),
        }
    }
}

pub struct DueRow {
    pub unit_id: String,
    pub unit_name: String,
    pub grade: &'static str,
    pub score: i64,
    pub interval_days: i64,
    pub last: String,
    pub open_hazards: i64,
}

impl DueRow {
    pub fn new(d: DueUnit) -> DueRow {
        DueRow {
            unit_id: d.unit_id,
            unit_name: d.unit_name,
            grade: d.grade.code(),
            score: d.score,
            interval_days: d.interval_days,
            last: d.last_inspected_at.map(date_zh).unwrap_or_else(|| "从未检查".into()),
            open_hazards: d.open_hazards,
        }
    }
}

pub struct DocRow {
    pub id: String,
    pub number: String,
    pub title: String,
    pub issued: String,
    pub issued_by: String,
    /// `张三 2026-12-06 10:00:00 签收` or `未签收`.
    pub receipt: String,
    pub signed: bool,
    /// For a 问题抄告函: `主管部门已反馈处理情况（2026-12-06 10:00）` or `主管部门尚未反馈处理情况`;
    /// empty for other documents.
    pub feedback: String,
}

impl DocRow {
    pub fn new(d: &Document) -> DocRow {
        DocRow {
            id: d.id.clone(),
            number: d.number.clone(),
            title: d.content.title.clone(),
            issued: fmt_time(d.issued_at),
            issued_by: d.issued_by.clone(),
            receipt: match &d.receipt {
                Some(r) => format!("{}于 {} 签收", r.read_by, fmt_time(r.read_at)),
                None => format!("{}未签收", neibao_domain::documents::Addressee::of(d.kind).label_zh()),
            },
            signed: d.receipt.is_some(),
            feedback: if !neibao_domain::documents::records_actions(d.kind) {
                String::new()
            } else {
                match d.last_action_at {
                    Some(at) => format!("主管部门已反馈处理情况（{}）", fmt_time(at)),
                    None => "主管部门尚未反馈处理情况".into(),
                }
            },
        }
    }
}

pub struct AttRow {
    pub id: String,
    pub name: String,
    pub size: String,
    pub uploaded_by: String,
    pub at: String,
    pub image: bool,
}

impl AttRow {
    pub fn new(a: &Attachment) -> AttRow {
        let size = if a.size >= 1024 * 1024 {
            format!("{:.1} MB", a.size as f64 / 1024.0 / 1024.0)
        } else {
            format!("{} KB", (a.size + 1023) / 1024)
        };
        AttRow {
            id: a.id.clone(),
            name: a.name.clone(),
            size,
            uploaded_by: a.uploaded_by.clone(),
            at: fmt_time(a.created_at),
            image: a.content_type.starts_with("image/"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use neibao_domain::supervision::calendar::end_of_day;

    #[test]
    fn a_form_date_is_the_end_of_that_beijing_day() {
        let d = parse_date(" 2026-12-10 ", "整改期限").unwrap();
        assert_eq!(end_of_day(d).to_rfc3339(), "2026-12-10T15:59:59+00:00");
        assert!(parse_date("2026/12/10", "整改期限")
            .unwrap_err()
            .message
            .contains("整改期限"));
    }

    #[test]
    fn days_left_reads_beijing_calendar_days() {
        let now = DateTime::parse_from_rfc3339("2026-12-01T02:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let deadline = |d: &str| Some(end_of_day(parse_date(d, "").unwrap()));
        assert_eq!(
            days_label(Phase::Rectifying, deadline("2026-12-01"), now),
            ("今日到期".into(), "soon")
        );
        assert_eq!(
            days_label(Phase::Rectifying, deadline("2026-12-04"), now),
            ("剩余3天".into(), "soon")
        );
        assert_eq!(
            days_label(Phase::Rectifying, deadline("2026-12-20"), now),
            ("剩余19天".into(), "")
        );
        assert_eq!(
            days_label(Phase::Overdue, deadline("2026-11-28"), now),
            ("逾期3天".into(), "late")
        );
        assert_eq!(
            days_label(Phase::Overdue, deadline("2026-12-01"), now),
            ("已逾期".into(), "late")
        );
        assert_eq!(
            days_label(Phase::Closed, deadline("2026-12-04"), now),
            (String::new(), "")
        );
    }
}
