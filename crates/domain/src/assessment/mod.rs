//! The biennial safety assessment (每两年一次安全评估, docs/ASSESSMENT.md; docs/REQUIREMENTS.md R32,
//! R6, R8, R37 and §d "Scoring model"): campaigns over a jurisdiction, sector or unit kind; the
//! two-year cycle per unit (due / overdue); the sheet, which is the five-defence checklist version
//! in force with its weights, critical (veto) items and the separate outcome score; items scored
//! by hand (note and photos) or from platform data (the figures and the query behind them); the
//! result (score, grade, weakest defence) once signed.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::supervision::checklist::{score, ChecklistItem, Defence, DefenceScore, ItemResult, Variant};

/// The cycle: a unit is assessed every two years (R32): 730 days after its last signed
/// assessment it is overdue.
pub const CYCLE_DAYS: i64 = 730;
/// A unit is listed as due this many days before its cycle ends.
pub const DUE_WINDOW_DAYS: i64 = 90;
/// Below this total the result fails (不合格) and a ladder case is opened (§d: a failed critical
/// item caps the total at 59).
pub const PASS_SCORE: f64 = 60.0;
/// The outcome score's points (§d "Outcome modifier", modelled on S13's 25-point block).
pub const OUTCOME_POINTS: i64 = 25;
/// Points the outcome score loses per case attributable to failed prevention.
pub const OUTCOME_DEDUCTION: i64 = 5;
/// Longest note on an item (characters).
pub const MAX_NOTE_CHARS: usize = 1000;

/// Who assesses (R32 open point, §e: the unit itself, the police or a third party).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssessorKind {
    /// 公安机关评估.
    Police,
    /// 单位自评，公安机关复核 (`self`).
    #[serde(rename = "self")]
    SelfAssessment,
    /// 第三方机构评估（记录机构名称；公安机关签发）.
    ThirdParty,
}

impl AssessorKind {
    pub const ALL: [AssessorKind; 3] = [
        AssessorKind::Police,
        AssessorKind::SelfAssessment,
        AssessorKind::ThirdParty,
    ];
    pub fn code(self) -> &'static str {
        match self {
            AssessorKind::Police => "police",
            AssessorKind::SelfAssessment => "self",
            AssessorKind::ThirdParty => "third_party",
        }
    }
    pub fn from_code(s: &str) -> Option<AssessorKind> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            AssessorKind::Police => "公安机关评估",
            AssessorKind::SelfAssessment => "单位自评（公安复核）",
            AssessorKind::ThirdParty => "第三方机构评估",
        }
    }
}

/// Where an assessment stands: a draft kept on the server, submitted for review, signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssessmentState {
    Draft,
    Submitted,
    Signed,
}

impl AssessmentState {
    pub fn code(self) -> &'static str {
        match self {
            AssessmentState::Draft => "draft",
            AssessmentState::Submitted => "submitted",
            AssessmentState::Signed => "signed",
        }
    }
    pub fn from_code(s: &str) -> Option<AssessmentState> {
        [Self::Draft, Self::Submitted, Self::Signed]
            .into_iter()
            .find(|k| k.code() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            AssessmentState::Draft => "草稿",
            AssessmentState::Submitted => "待复核签发",
            AssessmentState::Signed => "已签发",
        }
    }
}

/// The grade of a total (neibao's decision, docs/ASSESSMENT.md: §d gives only the fail line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = AssessmentGrade)]
pub enum Grade {
    /// ≥ 90: 优秀.
    Excellent,
    /// ≥ 75: 良好.
    Good,
    /// ≥ 60: 合格.
    Pass,
    /// < 60: 不合格.
    Fail,
}

impl Grade {
    pub fn of(total: f64) -> Grade {
        if total >= 90.0 {
            Grade::Excellent
        } else if total >= 75.0 {
            Grade::Good
        } else if total >= PASS_SCORE {
            Grade::Pass
        } else {
            Grade::Fail
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Grade::Excellent => "excellent",
            Grade::Good => "good",
            Grade::Pass => "pass",
            Grade::Fail => "fail",
        }
    }
    pub fn from_code(s: &str) -> Option<Grade> {
        [Self::Excellent, Self::Good, Self::Pass, Self::Fail]
            .into_iter()
            .find(|k| k.code() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Grade::Excellent => "优秀",
            Grade::Good => "良好",
            Grade::Pass => "合格",
            Grade::Fail => "不合格",
        }
    }
}

/// How an item is scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScoredBy {
    /// 人工评分 (the assessor's result, note and photos).
    Hand,
    /// 数据评分 (platform data over the period; the figures and the query are kept).
    Data,
}

impl ScoredBy {
    pub fn label_zh(self) -> &'static str {
        match self {
            ScoredBy::Hand => "人工评分",
            ScoredBy::Data => "数据评分",
        }
    }
}

/// One figure behind a data-scored item, e.g. ("设备在线率", "92.5%").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Figure {
    pub label: String,
    pub value: String,
}

/// The data behind a data-scored item: what was counted (the query, in words and SQL), the
/// figures over the period, the rule and whether it passed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DataEvidence {
    /// The query behind the figures (SQL over the platform's tables, with the period).
    pub query: String,
    pub figures: Vec<Figure>,
    /// The rule that decides pass or fail (zh-CN).
    pub rule: String,
    pub passed: bool,
}

/// One item of a sheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SheetItem {
    pub code: String,
    pub defence: Defence,
    pub title: String,
    pub basis: String,
    /// Points of the item (the checklist version's weight).
    pub weight: f64,
    /// A failure caps the total at 59 (§d critical items).
    pub critical: bool,
    pub scored_by: ScoredBy,
    /// `None` until scored (an unscored item counts as failed).
    pub result: Option<ItemResult>,
    /// The assessor's note (evidence in words).
    pub note: String,
    /// Data-scored items: the figures and the query.
    pub data: Option<DataEvidence>,
    /// The hazard opened for this failed item, once opened.
    pub hazard_id: Option<String>,
}

/// Figures of a unit over a period, read from the platform's data (technical defence: devices
/// and tamper events; hazards: overdue and closure time; drills).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UnitFigures {
    /// Devices registered at the period's end.
    pub devices: i64,
    /// Devices heard from in the last 24 hours before the period's end.
    pub devices_online: i64,
    /// Video tamper events (`video.tamper`: lens covered, camera moved) received in the period.
    pub tamper_events: i64,
    /// Hazards of the unit in phase 逾期 (overdue) now.
    pub hazards_overdue: i64,
    /// Hazards closed in the period.
    pub hazards_closed: i64,
    /// Median days from opening to closing of the hazards closed in the period (`None`: none).
    pub median_closure_days: Option<f64>,
    /// Drills started in the period.
    pub drills: i64,
    /// Awareness and education activities (talks, training, campaigns; docs/WELLBEING.md, R36,
    /// R88) held in the 365 days (Beijing dates) up to the period's end: item X2.
    pub education_last_year: i64,
    /// Visits (docs/VISITORS.md) checked in during the period and still kept (visit records are
    /// deleted after the unit's retention period): item U4 of the universities' sheet (R87).
    pub visits_entered: i64,
    /// Of those, the visits whose exit was recorded.
    pub visits_exited: i64,
    /// Of those, the visits checked in more than 24 hours before the period's end without an
    /// exit time (a visitor may still be inside within a day).
    pub visits_without_exit: i64,
}

/// The device online rate target (§d T3: "device online rate ≥ target"): 90 %.
pub const ONLINE_TARGET_PERCENT: f64 = 90.0;
/// Hazards: the longest median closure time that passes (days).
pub const CLOSURE_TARGET_DAYS: f64 = 30.0;

/// The SQL behind the figures (shown with data-scored items; `:unit`, `:from`, `:to` the unit and period).
pub const QUERY_DEVICES: &str =
    "SELECT COUNT(*), SUM(last_seen_at >= :to - 24h) FROM devices WHERE unit_id = :unit AND state = 'active'; \
SELECT COUNT(*) FROM events WHERE unit_id = :unit AND kind = 'video.tamper' AND received_at BETWEEN :from AND :to";
pub const QUERY_HAZARDS: &str = "SELECT COUNT(*) FROM hazards WHERE unit_id = :unit AND phase = 'overdue'; \
SELECT MEDIAN(updated_at - created_at) FROM hazards WHERE unit_id = :unit AND phase = 'closed' AND updated_at BETWEEN :from AND :to";
pub const QUERY_DRILLS: &str = "SELECT COUNT(*) FROM drills WHERE unit_id = :unit AND started_at BETWEEN :from AND :to";
pub const QUERY_EDUCATION: &str =
    "SELECT COUNT(*) FROM education_activities WHERE unit_id = :unit AND held_on BETWEEN date(:to - 365 days) AND date(:to)";
pub const QUERY_VISITS: &str =
    "SELECT COUNT(*), COUNT(checked_out_at), SUM(checked_out_at IS NULL AND checked_in_at < :to - 24h) \
FROM visits WHERE unit_id = :unit AND checked_in_at BETWEEN :from AND :to";
/// Item X2 (杭州市平安单位考核标准: 每年开展安全宣传活动不少于4次): the fewest activities a year.
pub const EDUCATION_PER_YEAR: i64 = 4;

/// The data evidence of an item when platform data scores it: T3 (device online rate and tamper
/// events), P7 (hazards overdue and median closure), X2 (awareness activities in the last year,
/// from the 心防 records), U4 (universities: visits with their exit times, from the gate), and the drill items (Z10, and the counter-terror plan item) whose
/// title names a drill (演练). `None`: scored by hand.
pub fn data_for(item: &ChecklistItem, f: &UnitFigures) -> Option<DataEvidence> {
    if item.code == "T3" {
        let rate = if f.devices > 0 {
            f.devices_online as f64 * 100.0 / f.devices as f64
        } else {
            0.0
        };
        return Some(DataEvidence {
            query: QUERY_DEVICES.into(),
            figures: vec![
                fig("登记设备数", f.devices.to_string()),
                fig("在线设备数", f.devices_online.to_string()),
                fig("设备在线率", format!("{rate:.1}%")),
                fig("评估期内防破坏（遮挡）报警", format!("{} 次", f.tamper_events)),
            ],
            rule: format!("有登记设备，在线率不低于 {ONLINE_TARGET_PERCENT:.0}%，且评估期内无防破坏报警"),
            passed: f.devices > 0 && rate >= ONLINE_TARGET_PERCENT && f.tamper_events == 0,
        });
    }
    if item.code == "P7" {
        let median = f.median_closure_days;
        return Some(DataEvidence {
            query: QUERY_HAZARDS.into(),
            figures: vec![
                fig("逾期未整改隐患", format!("{} 条", f.hazards_overdue)),
                fig("评估期内销号隐患", format!("{} 条", f.hazards_closed)),
                fig(
                    "整改用时中位数",
                    median.map(|d| format!("{d:.1} 天")).unwrap_or_else(|| "—".into()),
                ),
            ],
            rule: format!("无逾期隐患，且整改用时中位数不超过 {CLOSURE_TARGET_DAYS:.0} 天"),
            passed: f.hazards_overdue == 0 && median.is_none_or(|d| d <= CLOSURE_TARGET_DAYS),
        });
    }
    if item.code == "X2" {
        return Some(DataEvidence {
            query: QUERY_EDUCATION.into(),
            figures: vec![fig("近一年宣传教育活动", format!("{} 次", f.education_last_year))],
            rule: format!("近一年开展安全宣传教育活动不少于 {EDUCATION_PER_YEAR} 次"),
            passed: f.education_last_year >= EDUCATION_PER_YEAR,
        });
    }
    if item.code == "U4" {
        return Some(DataEvidence {
            query: QUERY_VISITS.into(),
            figures: vec![
                fig("评估期内访客入场登记（保存期内）", format!("{} 人次", f.visits_entered)),
                fig("已登记离场", format!("{} 人次", f.visits_exited)),
                fig("入场逾 24 小时未登记离场", format!("{} 人次", f.visits_without_exit)),
            ],
            rule: "门岗有访客、车辆出入登记，且每次入场都记录了离场时间（24 小时内入场、仍在校内的除外）".into(),
            passed: f.visits_entered > 0 && f.visits_without_exit == 0,
        });
    }
    if item.title.contains("演练") {
        return Some(DataEvidence {
            query: QUERY_DRILLS.into(),
            figures: vec![fig("评估期内开展的演练", format!("{} 次", f.drills))],
            rule: "评估期内至少开展一次演练".into(),
            passed: f.drills > 0,
        });
    }
    None
}

fn fig(label: &str, value: String) -> Figure {
    Figure {
        label: label.into(),
        value,
    }
}

/// The sheet of a checklist version: every item, data-scored ones filled from `figures`.
pub fn sheet(items: &[ChecklistItem], figures: &UnitFigures) -> Vec<SheetItem> {
    items
        .iter()
        .map(|it| {
            let data = data_for(it, figures);
            SheetItem {
                code: it.code.clone(),
                defence: it.defence,
                title: it.title.clone(),
                basis: it.basis.clone(),
                weight: it.weight,
                critical: it.critical,
                scored_by: if data.is_some() { ScoredBy::Data } else { ScoredBy::Hand },
                result: data
                    .as_ref()
                    .map(|d| if d.passed { ItemResult::Pass } else { ItemResult::Fail }),
                note: String::new(),
                data,
                hazard_id: None,
            }
        })
        .collect()
}

/// The result of a sheet (§d): the defence score (a failed critical item caps it at 59), the
/// grade, the weakest defence (lowest share of its applicable points), the failed items and the
/// separate outcome score (25 − 5 per attributable case, at least 0).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AssessmentResult {
    /// 0–100, one decimal.
    pub total: f64,
    pub grade: Grade,
    pub grade_label: String,
    pub capped_by_critical: bool,
    pub weakest: Option<Defence>,
    pub weakest_label: String,
    pub by_defence: Vec<DefenceScore>,
    pub failed: Vec<String>,
    /// Cases attributable to failed prevention in the period.
    pub outcome_cases: i64,
    /// 0–25, kept apart from the total.
    pub outcome_score: i64,
}

/// Scores a sheet.
pub fn result(items: &[SheetItem], outcome_cases: i64) -> AssessmentResult {
    let as_items: Vec<ChecklistItem> = items
        .iter()
        .map(|i| ChecklistItem {
            code: i.code.clone(),
            defence: i.defence,
            title: i.title.clone(),
            basis: String::new(),
            weight: i.weight,
            critical: i.critical,
            evidence: String::new(),
            auto: i.scored_by == ScoredBy::Data,
        })
        .collect();
    let s = score(&as_items, |code| {
        items.iter().find(|i| i.code == code).and_then(|i| i.result)
    });
    let weakest = s
        .by_defence
        .iter()
        .filter(|d| d.applicable > 0.0)
        .min_by(|a, b| (a.earned / a.applicable).total_cmp(&(b.earned / b.applicable)))
        .map(|d| d.defence);
    let grade = Grade::of(s.total);
    AssessmentResult {
        total: s.total,
        grade,
        grade_label: grade.label_zh().into(),
        capped_by_critical: s.capped_by_critical,
        weakest,
        weakest_label: weakest.map(|d| d.label_zh().to_string()).unwrap_or_default(),
        by_defence: s.by_defence,
        failed: s.failed,
        outcome_cases,
        outcome_score: (OUTCOME_POINTS - OUTCOME_DEDUCTION * outcome_cases.max(0)).max(0),
    }
}

/// An assessment campaign (评估批次): launched over the launcher's jurisdiction, optionally one
/// sector (competent department) and one unit kind, with the assessor.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AssessmentCampaign {
    pub id: String,
    pub title: String,
    pub assessor: AssessorKind,
    /// The third-party organisation's name ("" otherwise).
    pub assessor_org: String,
    /// The third-party assessment organisation (an organisation of kind `assessor_org`) whose
    /// own accounts (第三方评估人员) fill in the sheets of the units assigned to it; `None`: the
    /// third party is recorded by name only and a police account enters its sheet.
    pub assessor_org_id: Option<String>,
    /// The organisation that launched the campaign (it assigns the units to the third party).
    pub org_id: Option<String>,
    /// The launcher's scope as a division prefix ("" for a station or department scope).
    pub division_prefix: String,
    /// Units of this competent department only.
    pub department_id: Option<String>,
    /// Units of this kind only (`enterprise`, `school` … as the registry codes them).
    pub unit_kind: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    /// Assessments started in the campaign / of them signed (filled on read).
    pub started: i64,
    pub signed: i64,
}

/// A campaign as checked by the service.
#[derive(Debug, Clone)]
pub struct NewAssessmentCampaign {
    pub id: String,
    pub title: String,
    pub assessor: AssessorKind,
    pub assessor_org: String,
    pub assessor_org_id: Option<String>,
    pub division_prefix: String,
    pub department_id: Option<String>,
    pub unit_kind: Option<String>,
    pub org_id: Option<String>,
    pub created_by: String,
    pub at: DateTime<Utc>,
}

/// Where a unit stands in its two-year cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CycleStatus {
    /// No signed assessment, or the last one older than two years: 已逾期.
    Overdue,
    /// The cycle ends within 90 days: 本周期到期.
    Due,
    /// Assessed within the cycle: 周期内已评估.
    Current,
}

impl CycleStatus {
    /// The status at `now` of a unit last signed at `last`.
    pub fn of(last: Option<DateTime<Utc>>, now: DateTime<Utc>) -> CycleStatus {
        match last {
            None => CycleStatus::Overdue,
            Some(t) if t + chrono::Duration::days(CYCLE_DAYS) <= now => CycleStatus::Overdue,
            Some(t) if t + chrono::Duration::days(CYCLE_DAYS - DUE_WINDOW_DAYS) <= now => CycleStatus::Due,
            Some(_) => CycleStatus::Current,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            CycleStatus::Overdue => "overdue",
            CycleStatus::Due => "due",
            CycleStatus::Current => "current",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            CycleStatus::Overdue => "已逾期",
            CycleStatus::Due => "本周期到期",
            CycleStatus::Current => "周期内已评估",
        }
    }
}

/// A unit in the due list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = AssessmentDueUnit)]
pub struct DueUnit {
    pub unit_id: String,
    pub unit_name: String,
    pub division_code: String,
    pub last_signed_at: Option<DateTime<Utc>>,
    pub last_total: Option<f64>,
    /// When the next assessment is due (`None`: now, never assessed).
    pub due_at: Option<DateTime<Utc>>,
    pub status: CycleStatus,
    pub status_label: String,
}

/// A unit's latest signed result (for the roll-up, 平安单位 and dashboards: read through
/// `AssessmentService::latest_results`).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitResult {
    pub unit_id: String,
    pub unit_name: String,
    pub division_code: String,
    pub assessment_id: String,
    pub total: f64,
    pub grade: Grade,
    pub outcome_score: i64,
    pub signed_at: DateTime<Utc>,
}

/// An assessment with its sheet and, when signed, its result.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Assessment {
    pub id: String,
    pub campaign_id: Option<String>,
    pub unit_id: String,
    pub unit_name: String,
    pub assessor: AssessorKind,
    pub assessor_org: String,
    /// The third-party assessment organisation whose accounts fill in this sheet (then the
    /// police review and sign it once submitted); `None` otherwise.
    pub assessor_org_id: Option<String>,
    pub checklist_id: String,
    pub variant: Variant,
    pub period_from: DateTime<Utc>,
    pub period_to: DateTime<Utc>,
    pub state: AssessmentState,
    pub items: Vec<SheetItem>,
    pub outcome_cases: i64,
    /// The result as it stands (final once signed).
    pub result: AssessmentResult,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub signed_by: Option<String>,
    pub signed_at: Option<DateTime<Utc>>,
    /// The ladder case (a major hazard, source assessment) opened because the result failed.
    pub escalation_hazard_id: Option<String>,
    /// Why the ladder case was opened (e.g. "评估得分 52.0 分，低于 60 分").
    pub escalation_trigger: String,
    pub version: i64,
}

/// A new assessment as checked by the service.
#[derive(Debug, Clone)]
pub struct NewAssessment {
    pub id: String,
    pub campaign_id: Option<String>,
    pub unit_id: String,
    pub assessor: AssessorKind,
    pub assessor_org: String,
    pub assessor_org_id: Option<String>,
    pub checklist_id: String,
    pub variant: Variant,
    pub period_from: DateTime<Utc>,
    pub period_to: DateTime<Utc>,
    pub items: Vec<SheetItem>,
    pub created_by: String,
    pub at: DateTime<Utc>,
}

/// A row of the assessments list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AssessmentRow {
    pub id: String,
    pub unit_id: String,
    pub unit_name: String,
    pub assessor: AssessorKind,
    pub state: AssessmentState,
    pub total: Option<f64>,
    pub grade: Option<Grade>,
    pub created_at: DateTime<Utc>,
    pub signed_at: Option<DateTime<Utc>>,
}

/// A change of an assessment, written in one transaction if it is still at `expected_version`:
/// the sheet, the state, the signature and result, and the hazards to open (with the code of
/// the failed item they are for, or `None` for the ladder case of a failing result).
#[derive(Debug, Clone)]
pub struct AssessmentUpdate {
    pub id: String,
    pub expected_version: i64,
    pub state: AssessmentState,
    pub items: Vec<SheetItem>,
    pub outcome_cases: i64,
    pub submitted_at: Option<DateTime<Utc>>,
    /// Set when signing: who, when and the final result.
    pub signed: Option<Signature>,
    pub hazards: Vec<(Option<String>, crate::supervision::NewHazard)>,
    pub escalation_trigger: String,
}

/// The signature of a result.
#[derive(Debug, Clone)]
pub struct Signature {
    pub by: String,
    pub at: DateTime<Utc>,
    pub total: f64,
    pub grade: Grade,
    pub outcome_score: i64,
}

/// A unit assigned to a campaign's third-party assessment organisation (docs/ASSESSMENT.md
/// "Third-party assessors"): the organisation's accounts see it and fill in its sheet.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AssessmentAssignment {
    pub campaign_id: String,
    pub unit_id: String,
    pub unit_name: String,
    pub division_code: String,
    /// The third-party assessment organisation.
    pub org_id: String,
    pub assigned_by: String,
    pub assigned_at: DateTime<Utc>,
}

/// Filters of the assessments list.
#[derive(Debug, Clone, Default)]
pub struct AssessmentFilter {
    pub unit_id: Option<String>,
    pub campaign_id: Option<String>,
    pub state: Option<AssessmentState>,
}

#[cfg(test)]
mod tests;
