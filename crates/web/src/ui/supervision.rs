//! Supervision pages (监督检查): the hub, campaigns, the phone-sized inspection form, hazards
//! with their ladder actions, evidence uploads and document PDFs.
//!
//! Everything goes through the supervision workflow (`neibao_engine::supervision::workflow`), as the JSON
//! API does: the pages only show the forms that fit the viewer's side and the hazard's phase,
//! and the ladder state machine still decides; a refusal is shown on the page as its zh-CN
//! message. Forms carry the session's CSRF token (`csrf_token`; multipart uploads a `csrf` field
//! before the file, or the `X-CSRF-Token` header) and it is checked before anything else.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Asia::Shanghai;
use neibao_domain::access::Role;
use neibao_domain::attachments::Attachment;
use neibao_domain::documents::Document;
use neibao_domain::error::ErrorCode;
use neibao_domain::paging::Page;
use neibao_domain::registry::UnitKind;
use neibao_domain::supervision::checklist::{Defence, ItemResult};
use neibao_domain::supervision::credit::Grade;
use neibao_domain::supervision::ladder::{
    Action, FineDecision, Harm, HazardClass, HazardSource, PersonFine, Phase, Rung,
};
use neibao_domain::supervision::{
    Campaign, CampaignProgress, Hazard, HazardFilter, HazardStep, Inspection, InspectionFilter, InspectionKind,
    InspectionRecord, InspectionStatus, ItemOutcome, Signature,
};
use neibao_engine::supervision::workflow as sv;
use serde::Deserialize;

use super::form::{field, fields, status_of, with_status, Fields};
use super::kit::error_page;
use super::kit::{render, UiUser};
use super::views::total_label;
use super::views::{fmt_time, Nav, Pager};
use crate::api::supervision::{self as api, officer};
use crate::auth::{CurrentUser, CSRF_HEADER};
use crate::error::ApiError;
use crate::state::AppState;

// ------------------------------------------------------------------ dates

use sv::{beijing_noon, end_of_day};

/// A `YYYY-MM-DD` date from a form field.
pub fn parse_date(s: &str, label: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| ApiError::validation(format!("请填写{label}（年-月-日）")))
}

/// `2026-11-29` in Beijing time, as a date input's value.
fn date_value(t: DateTime<Utc>) -> String {
    t.with_timezone(&Shanghai).format("%Y-%m-%d").to_string()
}

/// Whole Beijing calendar days from today to `deadline` (negative once passed).
fn days_left(deadline: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (deadline.with_timezone(&Shanghai).date_naive() - now.with_timezone(&Shanghai).date_naive()).num_days()
}

/// 剩余N天 / 今日到期 / 逾期N天 with its CSS class; empty without a running deadline.
fn days_label(phase: Phase, deadline: Option<DateTime<Utc>>, now: DateTime<Utc>) -> (String, &'static str) {
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
}

impl HazardRow {
    fn new(h: &Hazard, now: DateTime<Utc>) -> HazardRow {
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
            deadline: h.deadline.map(sv::date_zh).unwrap_or_default(),
            days,
            days_class,
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
    fn new(c: &Campaign) -> CampaignRow {
        let percent = (c.progress.submitted * 100).checked_div(c.progress.total).unwrap_or(0);
        CampaignRow {
            id: c.id.clone(),
            title: c.title.clone(),
            description: c.description.clone(),
            selection: selection_text(&c.selection),
            due: sv::date_zh(c.due_at),
            created_by: c.created_by_name.clone(),
            created_at: fmt_time(c.created_at),
            p: c.progress.clone(),
            percent,
        }
    }
}

/// A campaign's selection in words: 区划 3301*；企业；仅重点单位；诚信等级 C、D.
fn selection_text(v: &serde_json::Value) -> String {
    let Ok(s) = serde_json::from_value::<sv::CampaignSelection>(v.clone()) else {
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
    fn new(i: &Inspection, now: DateTime<Utc>) -> InspectionRow {
        InspectionRow {
            id: i.id.clone(),
            unit_id: i.unit_id.clone(),
            unit_name: i.unit_name.clone(),
            kind_label: i.kind.label_zh(),
            status_label: i.status.label_zh(),
            status_code: i.status.code(),
            assignee: i.assignee_name.clone(),
            due: i.due_at.map(sv::date_zh).unwrap_or_default(),
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

pub struct DocRow {
    pub id: String,
    pub number: String,
    pub title: String,
    pub issued: String,
    pub issued_by: String,
}

impl DocRow {
    fn new(d: &Document) -> DocRow {
        DocRow {
            id: d.id.clone(),
            number: d.number.clone(),
            title: d.content.title.clone(),
            issued: fmt_time(d.issued_at),
            issued_by: d.issued_by.clone(),
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
    fn new(a: &Attachment) -> AttRow {
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

/// Police, departments and administrators see the jurisdiction's side of supervision; unit
/// users their unit's.
fn jurisdiction_side(u: &CurrentUser) -> bool {
    u.user.role.is_police() || matches!(u.user.role, Role::Department | Role::Admin)
}

/// Who may start an inspection (police, departments, and a unit manager's self-inspection).
pub(super) fn may_inspect(u: &CurrentUser) -> bool {
    InspectionKind::for_role(u.user.role).is_some()
}

// ------------------------------------------------------------------ hub

#[derive(Default)]
pub struct LaunchValues {
    title: String,
    description: String,
    due_date: String,
    division_prefix: String,
    kind: String,
    key_unit_only: bool,
    counter_terror_only: bool,
    university_only: bool,
    grades: Vec<String>,
}

#[derive(Template)]
#[template(path = "supervision/hub.html")]
struct HubPage {
    nav: Nav,
    jurisdiction: bool,
    may_launch: bool,
    campaigns: Vec<CampaignRow>,
    campaigns_total: String,
    pager: Pager,
    due: Vec<DueRow>,
    overdue: Vec<HazardRow>,
    soon: Vec<HazardRow>,
    recheck: Vec<HazardRow>,
    unit_id: String,
    unit_name: String,
    open_hazards: Vec<HazardRow>,
    inspections: Vec<InspectionRow>,
    may_self_inspect: bool,
    kinds: Vec<(&'static str, &'static str)>,
    /// (code, label, checked)
    grades: Vec<(&'static str, &'static str, bool)>,
    min_date: String,
    f: LaunchValues,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct HubQuery {
    page: Option<u32>,
}

pub async fn hub(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<HubQuery>) -> Response {
    let f = LaunchValues {
        due_date: date_value(sv::deadline_after_days(Utc::now(), 30)),
        ..Default::default()
    };
    hub_page(&state, &u, q.page, f, None).await
}

async fn hub_page(
    state: &AppState,
    u: &CurrentUser,
    page: Option<u32>,
    f: LaunchValues,
    error: Option<ApiError>,
) -> Response {
    let now = Utc::now();
    let who = officer(u);
    let jurisdiction = jurisdiction_side(u);
    let page = Page::new(page, Some(20));
    let loaded = async {
        let hazards = |phase: Option<Phase>, per_page: u32| {
            let filter = HazardFilter {
                phase,
                open_only: phase.is_none(),
                ..Default::default()
            };
            let scope = u.scope.clone();
            async move {
                state
                    .store
                    .list_hazards(&scope, &filter, Page::new(Some(1), Some(per_page)))
                    .await
            }
        };
        if jurisdiction {
            let campaigns = state.store.list_campaigns(&u.scope, page, now).await?;
            let due = sv::units_due(state.store.as_ref(), &who, now, 50).await?;
            let overdue = hazards(Some(Phase::Overdue), 50).await?.items;
            let soon: Vec<Hazard> = hazards(Some(Phase::Rectifying), 200)
                .await?
                .items
                .into_iter()
                .filter(|h| h.deadline.is_some_and(|d| days_left(d, now) <= 7))
                .collect();
            let recheck = hazards(Some(Phase::RecheckPending), 50).await?.items;
            Ok::<_, ApiError>((Some(campaigns), due, overdue, soon, recheck, Vec::new(), Vec::new()))
        } else {
            let open = hazards(None, 100).await?.items;
            let inspections = state
                .store
                .list_inspections(&u.scope, &InspectionFilter::default(), Page::new(Some(1), Some(30)))
                .await?
                .items;
            Ok((None, Vec::new(), Vec::new(), Vec::new(), Vec::new(), open, inspections))
        }
    }
    .await;
    let (campaigns, due, overdue, soon, recheck, open, inspections) = match loaded {
        Ok(v) => v,
        Err(e) => return error_page(u, e),
    };
    let (campaigns_total, pager, campaigns) = match campaigns {
        Some(list) => (
            total_label(&list),
            Pager::new("/supervision", &[], page.page, page.per_page, list.total),
            list.items.iter().map(CampaignRow::new).collect(),
        ),
        None => (String::new(), Pager::new("/supervision", &[], 1, 20, 0), Vec::new()),
    };
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    let page = render(&HubPage {
        nav: Nav::new(u),
        jurisdiction,
        may_launch: u.user.role.is_police() || u.user.role == Role::Department,
        campaigns,
        campaigns_total,
        pager,
        due: due
            .into_iter()
            .map(|d| DueRow {
                unit_id: d.unit_id,
                unit_name: d.unit_name,
                grade: d.grade.code(),
                score: d.score,
                interval_days: d.interval_days,
                last: d
                    .last_inspected_at
                    .map(sv::date_zh)
                    .unwrap_or_else(|| "从未检查".into()),
                open_hazards: d.open_hazards,
            })
            .collect(),
        overdue: overdue.iter().map(|h| HazardRow::new(h, now)).collect(),
        soon: soon.iter().map(|h| HazardRow::new(h, now)).collect(),
        recheck: recheck.iter().map(|h| HazardRow::new(h, now)).collect(),
        unit_id: u.user.unit_id.clone().unwrap_or_default(),
        unit_name: u.user.unit_name.clone().unwrap_or_default(),
        open_hazards: open.iter().map(|h| HazardRow::new(h, now)).collect(),
        inspections: inspections.iter().map(|i| InspectionRow::new(i, now)).collect(),
        may_self_inspect: u.user.role == Role::UnitManager && u.user.unit_id.is_some(),
        kinds: UnitKind::ALL.iter().map(|k| (k.code(), k.label_zh())).collect(),
        grades: Grade::ALL
            .iter()
            .map(|g| (g.code(), g.label_zh(), f.grades.iter().any(|c| c == g.code())))
            .collect(),
        min_date: date_value(now + chrono::Duration::days(1)),
        f,
        error: error.map(|e| e.message),
    });
    with_status(page, status)
}

/// `POST /campaigns`: launches a campaign (专项检查) from the hub's form.
pub async fn launch(State(state): State<AppState>, UiUser(u): UiUser, Form(f): Form<Fields>) -> Response {
    if let Err(e) = u.check_form_csrf(field(&f, "csrf_token")) {
        return error_page(&u, e);
    }
    let values = LaunchValues {
        title: field(&f, "title").to_string(),
        description: field(&f, "description").to_string(),
        due_date: field(&f, "due_date").to_string(),
        division_prefix: field(&f, "division_prefix").trim().to_string(),
        kind: field(&f, "kind").to_string(),
        key_unit_only: !field(&f, "key_unit_only").is_empty(),
        counter_terror_only: !field(&f, "counter_terror_only").is_empty(),
        university_only: !field(&f, "university_only").is_empty(),
        grades: fields(&f, "grades").into_iter().map(str::to_string).collect(),
    };
    let r = async {
        let due_date = parse_date(&values.due_date, "检查截止日期")?;
        let input = sv::CampaignInput {
            title: values.title.clone(),
            description: values.description.clone(),
            selection: sv::CampaignSelection {
                division_prefix: Some(values.division_prefix.clone()).filter(|p| !p.is_empty()),
                kind: Some(values.kind.clone()).filter(|k| UnitKind::from_code(k).is_some()),
                key_unit_only: values.key_unit_only,
                key_unit_category: None,
                counter_terror_only: values.counter_terror_only,
                university_only: values.university_only,
                grades: values.grades.iter().filter_map(|g| Grade::from_code(g)).collect(),
            },
            due_date,
            assignee_name: None,
        };
        Ok::<_, ApiError>(sv::launch_campaign(state.store.as_ref(), &officer(&u), input, Utc::now()).await?)
    }
    .await;
    match r {
        Ok(c) => Redirect::to(&format!("/campaigns/{}", c.id)).into_response(),
        Err(e) => hub_page(&state, &u, None, values, Some(e)).await,
    }
}

// ------------------------------------------------------------------ campaign

#[derive(Template)]
#[template(path = "supervision/campaign.html")]
struct CampaignPage {
    nav: Nav,
    c: CampaignRow,
    inspections: Vec<InspectionRow>,
    total: String,
    pager: Pager,
}

pub async fn campaign(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    Query(q): Query<HubQuery>,
) -> Response {
    let now = Utc::now();
    let page = Page::new(q.page, Some(50));
    let loaded = async {
        let c = state.store.get_campaign(&u.scope, &id, now).await?;
        let filter = InspectionFilter {
            campaign_id: Some(id.clone()),
            ..Default::default()
        };
        let list = state.store.list_inspections(&u.scope, &filter, page).await?;
        Ok::<_, neibao_store::StoreError>((c, list))
    }
    .await;
    match loaded {
        Ok((c, list)) => render(&CampaignPage {
            nav: Nav::new(&u),
            c: CampaignRow::new(&c),
            inspections: list.items.iter().map(|i| InspectionRow::new(i, now)).collect(),
            total: total_label(&list),
            pager: Pager::new(&format!("/campaigns/{id}"), &[], page.page, page.per_page, list.total),
        }),
        Err(e) => error_page(&u, e.into()),
    }
}

// ------------------------------------------------------------------ inspections

/// `POST /inspections`: starts an inspection of a unit (a unit manager's self-inspection).
pub async fn start_inspection(State(state): State<AppState>, UiUser(u): UiUser, Form(f): Form<Fields>) -> Response {
    if let Err(e) = u.check_form_csrf(field(&f, "csrf_token")) {
        return error_page(&u, e);
    }
    let r = async {
        let due = match field(&f, "due_date").trim() {
            "" => None,
            d => Some(parse_date(d, "检查截止日期")?),
        };
        let unit_id = match field(&f, "unit_id").trim() {
            "" => u.user.unit_id.clone().unwrap_or_default(),
            id => id.to_string(),
        };
        Ok::<_, ApiError>(sv::start_inspection(state.store.as_ref(), &officer(&u), &unit_id, due, Utc::now()).await?)
    }
    .await;
    match r {
        Ok(i) => Redirect::to(&format!("/inspections/{}", i.id)).into_response(),
        Err(e) => error_page(&u, e),
    }
}

pub struct ItemRow {
    pub code: String,
    pub title: String,
    pub basis: String,
    pub evidence: String,
    pub critical: bool,
    /// `pass`, `fail`, `not_applicable` or empty.
    pub result: &'static str,
    pub result_label: &'static str,
    pub note: String,
}

pub struct DefenceGroup {
    pub label: &'static str,
    pub items: Vec<ItemRow>,
    /// Earned / applicable points after submission.
    pub score: String,
}

pub struct DefenceScoreRow {
    pub label: &'static str,
    pub earned: String,
    pub applicable: String,
    pub percent: String,
}

fn result_code(r: ItemResult) -> &'static str {
    match r {
        ItemResult::Pass => "pass",
        ItemResult::Fail => "fail",
        ItemResult::NotApplicable => "not_applicable",
    }
}

fn result_label(r: ItemResult) -> &'static str {
    match r {
        ItemResult::Pass => "合格",
        ItemResult::Fail => "不合格",
        ItemResult::NotApplicable => "不适用",
    }
}

fn result_from(s: &str) -> Option<ItemResult> {
    [ItemResult::Pass, ItemResult::Fail, ItemResult::NotApplicable]
        .into_iter()
        .find(|r| result_code(*r) == s)
}

const DEFENCES: [Defence; 5] = [
    Defence::Institutional,
    Defence::Human,
    Defence::Physical,
    Defence::Technical,
    Defence::Psychological,
];

pub const METHODS: [&str; 4] = ["询问", "查阅", "调取", "实地查看"];
pub const SIGNATURE_ROLES: [&str; 3] = ["检查人员", "被检查单位陪同人员", "见证人"];
pub const INSPECTION_TYPES: [&str; 4] = ["定期检查", "专项检查", "复查", "日常检查"];

/// What the inspection form holds: stored, or as just sent when it was refused.
struct InspectionWork {
    record: InspectionRecord,
    results: Vec<ItemOutcome>,
    /// Notes of items without a result yet (kept when a refused form is shown again).
    notes: HashMap<String, String>,
}

/// Reads the inspection form: the record fields, `r:CODE` results and `n:CODE` notes, the typed
/// signature.
fn work_from_form(f: &Fields, stored: &InspectionRecord, now: DateTime<Utc>) -> InspectionWork {
    let officers = field(f, "officers")
        .split([',', '，', '、', ';', '；'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let sig_name = field(f, "sig_name").trim();
    let signatures = if sig_name.is_empty() {
        Vec::new()
    } else {
        vec![Signature {
            name: sig_name.to_string(),
            role: field(f, "sig_role").trim().to_string(),
            at: now,
        }]
    };
    let record = InspectionRecord {
        started_at: stored.started_at.or(Some(now)),
        ended_at: stored.ended_at,
        place: field(f, "place").to_string(),
        location: stored.location.clone(),
        officers,
        accompanying_person: field(f, "accompanying_person").to_string(),
        witness: field(f, "witness").to_string(),
        purpose: field(f, "purpose").to_string(),
        inspection_type: field(f, "inspection_type").to_string(),
        methods: fields(f, "methods").into_iter().map(str::to_string).collect(),
        notes: field(f, "notes").to_string(),
        signatures,
    };
    let mut notes = HashMap::new();
    for (k, v) in f {
        if let Some(code) = k.strip_prefix("n:") {
            if !v.trim().is_empty() {
                notes.insert(code.to_string(), v.clone());
            }
        }
    }
    let results = f
        .iter()
        .filter_map(|(k, v)| {
            let code = k.strip_prefix("r:")?;
            Some(ItemOutcome {
                code: code.to_string(),
                result: result_from(v)?,
                note: notes.get(code).cloned().unwrap_or_default(),
            })
        })
        .collect();
    InspectionWork { record, results, notes }
}

#[derive(Template)]
#[template(path = "supervision/inspection.html")]
struct InspectionPage {
    nav: Nav,
    i: InspectionRow,
    campaign_id: String,
    checklist_title: String,
    editable: bool,
    groups: Vec<DefenceGroup>,
    place: String,
    officers: String,
    accompanying_person: String,
    witness: String,
    purpose: String,
    inspection_type: String,
    notes: String,
    methods: Vec<(&'static str, bool)>,
    inspection_types: Vec<&'static str>,
    sig_name: String,
    /// (role, selected)
    sig_roles: Vec<(&'static str, bool)>,
    times: String,
    signatures: Vec<String>,
    total_score: String,
    capped: bool,
    defence_scores: Vec<DefenceScoreRow>,
    hazards: Vec<HazardRow>,
    documents: Vec<DocRow>,
    attachments: Vec<AttRow>,
    upload_action: String,
    error: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct NoticeQuery {
    #[serde(default)]
    saved: String,
    #[serde(default)]
    done: String,
    #[serde(default)]
    uploaded: String,
}

pub async fn inspection(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Response {
    let notice = if !q.saved.is_empty() {
        Some("草稿已保存".to_string())
    } else if !q.uploaded.is_empty() {
        Some("材料已上传".to_string())
    } else {
        None
    };
    inspection_page(&state, &u, &id, None, None, notice).await
}

async fn inspection_page(
    state: &AppState,
    u: &CurrentUser,
    id: &str,
    sent: Option<InspectionWork>,
    error: Option<ApiError>,
    notice: Option<String>,
) -> Response {
    let now = Utc::now();
    let d = match api::inspection_detail(state, u, id).await {
        Ok(d) => d,
        Err(e) => return error_page(u, e),
    };
    let i = &d.inspection;
    let role = u.user.role;
    let own_kind = InspectionKind::for_role(role) == Some(i.kind);
    let editable = own_kind && i.status != InspectionStatus::Submitted;
    let work = sent.unwrap_or_else(|| InspectionWork {
        record: i.record.clone(),
        results: i.results.clone(),
        notes: HashMap::new(),
    });
    let mut groups: Vec<DefenceGroup> = Vec::new();
    for defence in DEFENCES {
        let items: Vec<ItemRow> = d
            .checklist
            .items
            .iter()
            .filter(|it| it.defence == defence)
            .map(|it| {
                let outcome = work.results.iter().find(|r| r.code == it.code);
                ItemRow {
                    code: it.code.clone(),
                    title: it.title.clone(),
                    basis: it.basis.clone(),
                    evidence: it.evidence.clone(),
                    critical: it.critical,
                    result: outcome.map(|o| result_code(o.result)).unwrap_or(""),
                    result_label: outcome.map(|o| result_label(o.result)).unwrap_or("未填写"),
                    note: outcome
                        .map(|o| o.note.clone())
                        .filter(|n| !n.is_empty())
                        .or_else(|| work.notes.get(&it.code).cloned())
                        .unwrap_or_default(),
                }
            })
            .collect();
        if items.is_empty() {
            continue;
        }
        let score = i
            .score
            .as_ref()
            .and_then(|s| s.by_defence.iter().find(|b| b.defence == defence))
            .map(|b| format!("{:.1} / {:.1}", b.earned, b.applicable))
            .unwrap_or_default();
        groups.push(DefenceGroup {
            label: defence.label_zh(),
            items,
            score,
        });
    }
    let r = &work.record;
    let signature = r.signatures.first();
    let default_signer = if editable && r.signatures.is_empty() {
        u.user.display_name.clone()
    } else {
        String::new()
    };
    let sig_role = signature.map(|s| s.role.clone()).unwrap_or_else(|| {
        if i.kind == InspectionKind::SelfInspection {
            "被检查单位陪同人员".into()
        } else {
            "检查人员".into()
        }
    });
    let times = match (r.started_at, r.ended_at) {
        (Some(a), Some(b)) => format!("{} 至 {}", fmt_time(a), fmt_time(b)),
        (Some(a), None) => format!("{} 开始", fmt_time(a)),
        _ => String::new(),
    };
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    let page = render(&InspectionPage {
        nav: Nav::new(u),
        i: InspectionRow::new(i, now),
        campaign_id: i.campaign_id.clone().unwrap_or_default(),
        checklist_title: format!("{}（第{}版）", d.checklist.title, d.checklist.version),
        editable,
        groups,
        place: r.place.clone(),
        officers: r.officers.join("，"),
        accompanying_person: r.accompanying_person.clone(),
        witness: r.witness.clone(),
        purpose: r.purpose.clone(),
        inspection_type: r.inspection_type.clone(),
        notes: r.notes.clone(),
        methods: METHODS.iter().map(|m| (*m, r.methods.iter().any(|x| x == m))).collect(),
        inspection_types: INSPECTION_TYPES.to_vec(),
        sig_name: signature.map(|s| s.name.clone()).unwrap_or(default_signer),
        sig_roles: SIGNATURE_ROLES.iter().map(|r| (*r, *r == sig_role)).collect(),
        times,
        signatures: r
            .signatures
            .iter()
            .map(|s| {
                format!(
                    "{}：{}（{}）",
                    if s.role.is_empty() { "签名" } else { &s.role },
                    s.name,
                    fmt_time(s.at)
                )
            })
            .collect(),
        total_score: i.score.as_ref().map(|s| format!("{:.1}", s.total)).unwrap_or_default(),
        capped: i.score.as_ref().is_some_and(|s| s.capped_by_critical),
        defence_scores: i
            .score
            .as_ref()
            .map(|s| {
                s.by_defence
                    .iter()
                    .map(|b| DefenceScoreRow {
                        label: b.defence.label_zh(),
                        earned: format!("{:.1}", b.earned),
                        applicable: format!("{:.1}", b.applicable),
                        percent: if b.applicable > 0.0 {
                            format!("{:.0}%", b.earned / b.applicable * 100.0)
                        } else {
                            "—".into()
                        },
                    })
                    .collect()
            })
            .unwrap_or_default(),
        hazards: d.hazards.iter().map(|h| HazardRow::new(h, now)).collect(),
        documents: d.documents.iter().map(DocRow::new).collect(),
        attachments: d.attachments.iter().map(AttRow::new).collect(),
        upload_action: format!("/inspections/{}/evidence", i.id),
        error: error.map(|e| e.message),
        notice,
    });
    with_status(page, status)
}

/// `POST /inspections/{id}`: saves the draft, or submits it (`submit=submit`).
pub async fn save_inspection(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(e) = u.check_form_csrf(field(&f, "csrf_token")) {
        return error_page(&u, e);
    }
    let now = Utc::now();
    let stored = match state.store.get_inspection(&u.scope, &id).await {
        Ok(i) => i,
        Err(e) => return error_page(&u, e.into()),
    };
    let work = work_from_form(&f, &stored.record, now);
    let submit = field(&f, "submit") == "submit";
    let who = officer(&u);
    let store = state.store.as_ref();
    let r = if submit {
        sv::submit_inspection(store, &who, &id, &work.record, &work.results, now)
            .await
            .map(|_| ())
    } else {
        sv::save_inspection(store, &who, &id, &work.record, &work.results, now)
            .await
            .map(|_| ())
    };
    match r {
        Ok(()) if submit => Redirect::to(&format!("/inspections/{id}")).into_response(),
        Ok(()) => Redirect::to(&format!("/inspections/{id}?saved=1")).into_response(),
        Err(e) => inspection_page(&state, &u, &id, Some(work), Some(e.into()), None).await,
    }
}

/// Reads an evidence upload after checking the CSRF token: the `X-CSRF-Token` header, or the
/// form's `csrf` field, which must come first, so the file is not even read without it.
async fn checked_upload(u: &CurrentUser, headers: &HeaderMap, mut mp: Multipart) -> Result<api::Upload, ApiError> {
    let header = headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
    match header {
        Some(t) => u.check_form_csrf(t)?,
        None if u.csrf.is_some() => {
            let refused = || ApiError::msg(ErrorCode::Forbidden, "页面已过期，请刷新后重试");
            let first = match mp.next_field().await {
                Ok(Some(f)) => f,
                _ => return Err(refused()),
            };
            if first.name() != Some("csrf") {
                return Err(refused());
            }
            let token = first.text().await.map_err(|_| refused())?;
            u.check_form_csrf(&token)?;
        }
        None => {}
    }
    api::read_upload(mp).await
}

/// `POST /inspections/{id}/evidence` (multipart: `csrf`, then `file`).
pub async fn inspection_evidence(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    headers: HeaderMap,
    mp: Multipart,
) -> Response {
    let r = async {
        let up = checked_upload(&u, &headers, mp).await?;
        api::store_evidence(&state, &u, "inspection", &id, up).await
    }
    .await;
    match r {
        Ok(_) => Redirect::to(&format!("/inspections/{id}?uploaded=1#evidence")).into_response(),
        Err(e) if e.code == ErrorCode::Forbidden => error_page(&u, e),
        Err(e) => inspection_page(&state, &u, &id, None, Some(e), None).await,
    }
}

// ------------------------------------------------------------------ hazards

#[derive(Deserialize, Default)]
pub struct HazardsQuery {
    #[serde(default)]
    phase: String,
    #[serde(default)]
    open: String,
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    class: String,
    page: Option<u32>,
}

#[derive(Template)]
#[template(path = "supervision/hazards.html")]
struct HazardsPage {
    nav: Nav,
    hazards: Vec<HazardRow>,
    total: String,
    pager: Pager,
    phase: String,
    open: bool,
    class: String,
    unit_id: String,
    unit_name: String,
    phases: Vec<(&'static str, &'static str)>,
    classes: Vec<(&'static str, &'static str)>,
    may_report: bool,
}

pub async fn hazards(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<HazardsQuery>) -> Response {
    let now = Utc::now();
    let page = Page::new(q.page, Some(50));
    let filter = HazardFilter {
        unit_id: Some(q.unit_id.clone()).filter(|s| !s.is_empty()),
        phase: Phase::from_code(&q.phase),
        open_only: !q.open.is_empty(),
        inspection_id: None,
        class: HazardClass::from_code(&q.class),
    };
    let unit_name = match &filter.unit_id {
        Some(id) => match state.store.get_unit(&u.scope, id).await {
            Ok(unit) => unit.name,
            Err(e) => return error_page(&u, e.into()),
        },
        None => String::new(),
    };
    match state.store.list_hazards(&u.scope, &filter, page).await {
        Ok(list) => render(&HazardsPage {
            nav: Nav::new(&u),
            hazards: list.items.iter().map(|h| HazardRow::new(h, now)).collect(),
            total: total_label(&list),
            pager: Pager::new(
                "/hazards",
                &[
                    ("phase", q.phase.clone()),
                    ("open", q.open.clone()),
                    ("unit_id", q.unit_id.clone()),
                    ("class", q.class.clone()),
                ],
                page.page,
                page.per_page,
                list.total,
            ),
            open: !q.open.is_empty(),
            phase: q.phase,
            class: q.class,
            unit_id: q.unit_id,
            unit_name,
            phases: Phase::ALL.iter().map(|p| (p.code(), p.label_zh())).collect(),
            classes: [HazardClass::General, HazardClass::Major]
                .iter()
                .map(|c| (c.code(), c.label_zh()))
                .collect(),
            may_report: may_inspect(&u),
        }),
        Err(e) => error_page(&u, e.into()),
    }
}

#[derive(Template)]
#[template(path = "supervision/hazard_new.html")]
struct NewHazardPage {
    nav: Nav,
    unit_id: String,
    unit_name: String,
    error: Option<String>,
    title: String,
    description: String,
    class: String,
    source: String,
    /// The alert a hazard is made from (empty otherwise).
    source_id: String,
    sources: Vec<(&'static str, &'static str)>,
}

#[derive(Deserialize, Default)]
pub struct NewHazardQuery {
    #[serde(default)]
    unit_id: String,
    /// Turn this alert into a hazard (source 预警告警).
    #[serde(default)]
    alert_id: String,
}

const HAND_SOURCES: [HazardSource; 3] = [HazardSource::Report, HazardSource::Inspection, HazardSource::Assessment];

pub async fn new_hazard(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<NewHazardQuery>) -> Response {
    if !q.alert_id.is_empty() {
        let alert = match state.store.get_alert(&u.scope, &q.alert_id).await {
            Ok(a) => a,
            Err(e) => return error_page(&u, e.into()),
        };
        let prefill: Fields = vec![
            (
                "title".into(),
                format!("告警：{}", alert.title).chars().take(200).collect(),
            ),
            ("source".into(), HazardSource::Alert.code().into()),
            ("source_id".into(), alert.id.clone()),
            (
                "description".into(),
                format!(
                    "由告警转为隐患（规则 {}，首次发生于 {}）",
                    alert.rule,
                    alert
                        .first_seen
                        .with_timezone(&chrono_tz::Asia::Shanghai)
                        .format("%Y-%m-%d %H:%M")
                ),
            ),
        ];
        return new_hazard_page(&state, &u, &alert.unit_id, None, &prefill).await;
    }
    let unit_id = if q.unit_id.is_empty() {
        u.user.unit_id.clone().unwrap_or_default()
    } else {
        q.unit_id
    };
    new_hazard_page(&state, &u, &unit_id, None, &Fields::new()).await
}

async fn new_hazard_page(
    state: &AppState,
    u: &CurrentUser,
    unit_id: &str,
    error: Option<ApiError>,
    f: &Fields,
) -> Response {
    if !may_inspect(u) {
        return error_page(u, ApiError::forbidden());
    }
    let unit = match state.store.get_unit(&u.scope, unit_id).await {
        Ok(unit) => unit,
        Err(e) => return error_page(u, e.into()),
    };
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    let page = render(&NewHazardPage {
        nav: Nav::new(u),
        unit_id: unit.id,
        unit_name: unit.name,
        error: error.map(|e| e.message),
        title: field(f, "title").to_string(),
        description: field(f, "description").to_string(),
        class: field(f, "class").to_string(),
        source: field(f, "source").to_string(),
        source_id: field(f, "source_id").to_string(),
        sources: if field(f, "source_id").is_empty() {
            HAND_SOURCES.iter().map(|s| (s.code(), s.label_zh())).collect()
        } else {
            vec![(HazardSource::Alert.code(), HazardSource::Alert.label_zh())]
        },
    });
    with_status(page, status)
}

/// `POST /hazards`: records a hazard by hand.
pub async fn create_hazard(State(state): State<AppState>, UiUser(u): UiUser, Form(f): Form<Fields>) -> Response {
    if let Err(e) = u.check_form_csrf(field(&f, "csrf_token")) {
        return error_page(&u, e);
    }
    let unit_id = field(&f, "unit_id").to_string();
    let input = sv::HazardInput {
        unit_id: unit_id.clone(),
        title: field(&f, "title").to_string(),
        description: field(&f, "description").to_string(),
        class: HazardClass::from_code(field(&f, "class")).unwrap_or(HazardClass::General),
        source: if field(&f, "source_id").is_empty() {
            HazardSource::from_code(field(&f, "source"))
                .filter(|s| HAND_SOURCES.contains(s))
                .unwrap_or(HazardSource::Report)
        } else {
            HazardSource::Alert
        },
        // An alert id is checked against the caller's jurisdiction by `report_hazard`.
        source_id: Some(field(&f, "source_id").to_string()).filter(|s| !s.is_empty()),
    };
    match sv::report_hazard(state.store.as_ref(), &officer(&u), input, Utc::now()).await {
        Ok(h) => Redirect::to(&format!("/hazards/{}", h.id)).into_response(),
        Err(e) => new_hazard_page(&state, &u, &unit_id, Some(e.into()), &f).await,
    }
}

pub struct StepRow {
    pub at: String,
    pub actor: String,
    pub code: String,
    pub label: String,
    pub phases: String,
    pub reason: String,
    pub basis: String,
    pub extra: String,
    pub document_id: String,
    pub document_number: String,
    pub evidence: Vec<(String, String)>,
}

/// The zh-CN label of a recorded step (`HazardStep::action`).
fn step_label(action: &str, detail: &serde_json::Value) -> String {
    let label = match action {
        "detect" => "登记隐患",
        "issue_order" => "责令限期整改并警告",
        "fix_on_spot" => "当场整改",
        "dismiss" => "不构成隐患，销号",
        "submit_rectification" => "提交整改报告",
        "recheck_pass" => "复查合格",
        "recheck_fail" => "复查不合格",
        "request_extension" => "申请延期",
        "approve_extension" => "批准延期",
        "refuse_extension" => "不予延期",
        "mark_overdue" => "逾期未整改",
        "decide_fine" => "作出罚款决定",
        "transfer_criminal" => "移送司法机关",
        "remind" => "整改期限提醒",
        "escalate" => {
            let rung = detail
                .get("rung")
                .and_then(|r| r.as_str())
                .and_then(Rung::from_code)
                .map(|r| r.label_zh())
                .unwrap_or("");
            return format!("升级督办：{rung}");
        }
        other => other,
    };
    label.to_string()
}

fn detail_date(detail: &serde_json::Value, key: &str) -> Option<String> {
    let s = detail.get(key)?.as_str()?;
    let t = DateTime::parse_from_rfc3339(s).ok()?.with_timezone(&Utc);
    Some(sv::date_zh(t))
}

fn step_row(s: &HazardStep, attachments: &[Attachment]) -> StepRow {
    let mut extra = Vec::new();
    if let Some(d) = detail_date(&s.detail, "deadline") {
        extra.push(format!("整改期限：{d}"));
    }
    if let Some(d) = detail_date(&s.detail, "until") {
        extra.push(format!("申请延至：{d}"));
    }
    if let Some(d) = detail_date(&s.detail, "severe_event_at") {
        extra.push(format!("特别严重事件：{d}"));
    }
    if s.action == "decide_fine" {
        if let Some(fine) = s
            .detail
            .get("fine")
            .and_then(|f| serde_json::from_value::<FineDecision>(f.clone()).ok())
        {
            extra.push(fine_text(&fine));
        }
    }
    if s.action == "approve_extension" {
        if let Some(d) = detail_date(&s.detail, "deadline_after") {
            extra.push(format!("新整改期限：{d}"));
        }
    }
    let evidence = s
        .detail
        .get("evidence")
        .and_then(|e| e.as_array())
        .map(|ids| {
            ids.iter()
                .filter_map(|id| id.as_str())
                .map(|id| {
                    let name = attachments
                        .iter()
                        .find(|a| a.id == id)
                        .map(|a| a.name.clone())
                        .unwrap_or_else(|| "佐证材料".into());
                    (id.to_string(), name)
                })
                .collect()
        })
        .unwrap_or_default();
    StepRow {
        at: fmt_time(s.at),
        actor: s.actor_name.clone(),
        code: s.action.clone(),
        label: step_label(&s.action, &s.detail),
        phases: if s.from_phase == s.to_phase {
            s.to_phase.label_zh().to_string()
        } else {
            format!("{} → {}", s.from_phase.label_zh(), s.to_phase.label_zh())
        },
        reason: s.reason.clone(),
        basis: s.legal_basis.clone(),
        extra: extra.join("；"),
        document_id: s.document_id.clone().unwrap_or_default(),
        document_number: s.document_number.clone().unwrap_or_default(),
        evidence,
    }
}

fn fine_text(f: &FineDecision) -> String {
    let mut parts = vec![format!("单位罚款人民币{}元", f.unit_amount_yuan)];
    for p in &f.persons {
        parts.push(format!("{}罚款人民币{}元", p.name, p.amount_yuan));
    }
    if f.recommend_discipline {
        parts.push("建议给予处分".into());
    }
    format!("{}（{}）", parts.join("；"), f.harm.label_zh())
}

const HARMS: [(&str, Harm); 2] = [
    ("injury_or_loss", Harm::InjuryOrLoss),
    ("serious_threat", Harm::SeriousThreat),
];

#[derive(Template)]
#[template(path = "supervision/hazard.html")]
struct HazardPage {
    nav: Nav,
    h: HazardRow,
    description: String,
    version: i64,
    created: String,
    created_source: String,
    inspection_id: String,
    rungs: String,
    honours_bar: String,
    fine: String,
    extension: String,
    steps: Vec<StepRow>,
    documents: Vec<DocRow>,
    attachments: Vec<AttRow>,
    upload_action: String,
    f_issue: bool,
    f_recheck: bool,
    f_extension: bool,
    f_escalate: bool,
    f_fine: bool,
    f_transfer: bool,
    f_rectify: bool,
    f_request_extension: bool,
    f_upload: bool,
    default_deadline: String,
    min_date: String,
    next_rungs: Vec<(&'static str, &'static str)>,
    harms: Vec<(&'static str, &'static str)>,
    error: Option<String>,
    notice: Option<String>,
}

pub async fn hazard(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Response {
    let notice = if !q.uploaded.is_empty() {
        Some("佐证材料已上传".to_string())
    } else if !q.done.is_empty() {
        Some(format!("已完成：{}", step_label(&q.done, &serde_json::Value::Null)))
            .filter(|_| q.done.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
    } else {
        None
    };
    hazard_page(&state, &u, &id, None, notice).await
}

async fn hazard_page(
    state: &AppState,
    u: &CurrentUser,
    id: &str,
    error: Option<ApiError>,
    notice: Option<String>,
) -> Response {
    let now = Utc::now();
    let d = match api::hazard_detail(state, u, id).await {
        Ok(d) => d,
        Err(e) => return error_page(u, e),
    };
    let h = &d.hazard;
    let case = &h.case_state;
    let role = u.user.role;
    let police = role.is_police();
    let unit = role == Role::UnitManager;
    let phase = h.phase;
    // The ladder order of the bureau that ordered rectification (as the workflow reads it).
    let order_org = h.org_id.clone().or_else(|| u.user.org_id.clone());
    let ladder = match sv::settings(state.store.as_ref(), order_org.as_deref()).await {
        Ok(s) => s.ladder,
        Err(e) => return error_page(u, e.into()),
    };
    let next_rungs: Vec<(&'static str, &'static str)> = case
        .next_rungs(&ladder)
        .into_iter()
        .map(|r| (r.code(), r.label_zh()))
        .collect();
    let default_deadline = d
        .default_deadline
        .map(date_value)
        .unwrap_or_else(|| date_value(sv::deadline_after_days(now, 7)));
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    let page = render(&HazardPage {
        nav: Nav::new(u),
        h: HazardRow::new(h, now),
        description: h.description.clone(),
        version: h.version,
        created: fmt_time(h.created_at),
        created_source: h.source.label_zh().to_string(),
        inspection_id: h.inspection_id.clone().unwrap_or_default(),
        rungs: case.rungs.iter().map(|r| r.label_zh()).collect::<Vec<_>>().join(" → "),
        honours_bar: case.honours_bar_until.map(sv::date_zh).unwrap_or_default(),
        fine: case.fine.as_ref().map(fine_text).unwrap_or_default(),
        extension: case
            .extension
            .as_ref()
            .map(|e| {
                format!(
                    "申请延至{}（{}申请），待审批",
                    sv::date_zh(e.until),
                    fmt_time(e.requested_at)
                )
            })
            .unwrap_or_default(),
        steps: d.steps.iter().map(|s| step_row(s, &d.attachments)).collect(),
        documents: d.documents.iter().map(DocRow::new).collect(),
        attachments: d.attachments.iter().map(AttRow::new).collect(),
        upload_action: format!("/hazards/{}/evidence", h.id),
        f_issue: police && phase == Phase::Detected,
        f_recheck: police && phase == Phase::RecheckPending,
        f_extension: police && matches!(phase, Phase::Rectifying | Phase::Overdue) && case.extension.is_some(),
        f_escalate: police && phase == Phase::Overdue && !next_rungs.is_empty(),
        f_fine: police && phase == Phase::Overdue,
        f_transfer: police && phase == Phase::FineDecided,
        f_rectify: unit && matches!(phase, Phase::Rectifying | Phase::Overdue),
        f_request_extension: unit
            && phase == Phase::Rectifying
            && case.extension.is_none()
            && case.deadline.is_some_and(|d| d > now),
        f_upload: (police || unit || role == Role::Department) && !phase.is_end(),
        default_deadline,
        min_date: date_value(now + chrono::Duration::days(1)),
        next_rungs,
        harms: HARMS.iter().map(|(c, h)| (*c, h.label_zh())).collect(),
        error: error.map(|e| e.message),
        notice,
    });
    with_status(page, status)
}

fn amount(s: &str, label: &str) -> Result<i64, ApiError> {
    s.trim()
        .parse()
        .map_err(|_| ApiError::validation(format!("请填写{label}（整数，单位：元）")))
}

/// The ladder action a hazard form sent.
fn action_from_form(f: &Fields) -> Result<sv::ActInput, ApiError> {
    let date = |name: &str, label: &str| parse_date(field(f, name), label).map(end_of_day);
    let action = match field(f, "action") {
        "issue_order" => Action::IssueOrder {
            deadline: date("deadline", "整改期限")?,
        },
        "fix_on_spot" => Action::FixOnSpot,
        "dismiss" => Action::Dismiss,
        "submit_rectification" => Action::SubmitRectification,
        "recheck_pass" => Action::Recheck { passed: true },
        "recheck_fail" => Action::Recheck { passed: false },
        "request_extension" => Action::RequestExtension {
            until: date("until", "延期至日期")?,
        },
        "approve_extension" => Action::DecideExtension { approve: true },
        "refuse_extension" => Action::DecideExtension { approve: false },
        "escalate" => Action::Escalate {
            rung: Rung::from_code(field(f, "rung")).ok_or_else(|| ApiError::validation("请选择督办措施"))?,
            deadline: date("deadline", "整改期限")?,
            severe_event_at: match field(f, "severe_event").trim() {
                "" => None,
                d => Some(beijing_noon(parse_date(d, "特别严重事件日期")?)),
            },
        },
        "decide_fine" => {
            let harm = HARMS
                .iter()
                .find(|(c, _)| *c == field(f, "harm"))
                .map(|(_, h)| *h)
                .ok_or_else(|| ApiError::validation("请选择后果认定"))?;
            let mut persons = Vec::new();
            for n in 1..=3 {
                let name = field(f, &format!("p{n}_name")).trim().to_string();
                let sum = field(f, &format!("p{n}_amount")).trim();
                if name.is_empty() && sum.is_empty() {
                    continue;
                }
                if name.is_empty() {
                    return Err(ApiError::validation(format!("请填写第{n}名责任人员的姓名")));
                }
                persons.push(PersonFine {
                    amount_yuan: amount(sum, &format!("责任人员{name}的罚款金额"))?,
                    name,
                });
            }
            Action::DecideFine {
                fine: FineDecision {
                    harm,
                    unit_amount_yuan: amount(field(f, "unit_amount"), "单位罚款金额")?,
                    persons,
                    recommend_discipline: !field(f, "recommend_discipline").is_empty(),
                },
            }
        }
        "transfer_criminal" => Action::TransferCriminal,
        _ => return Err(ApiError::validation("未知的处置操作")),
    };
    Ok(sv::ActInput {
        action,
        reason: field(f, "reason").to_string(),
        evidence: fields(f, "evidence").into_iter().map(str::to_string).collect(),
        expected_version: field(f, "version").trim().parse().ok(),
    })
}

/// `POST /hazards/{id}/act`: one ladder action (`action` plus its fields and `reason`).
pub async fn act(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(e) = u.check_form_csrf(field(&f, "csrf_token")) {
        return error_page(&u, e);
    }
    let r = async {
        let input = action_from_form(&f)?;
        Ok::<_, ApiError>(sv::act(state.store.as_ref(), &officer(&u), &id, input, Utc::now()).await?)
    }
    .await;
    match r {
        Ok((_, step)) => Redirect::to(&format!("/hazards/{id}?done={}", step.action)).into_response(),
        Err(e) => hazard_page(&state, &u, &id, Some(e), None).await,
    }
}

/// `POST /hazards/{id}/evidence` (multipart: `csrf`, then `file`).
pub async fn hazard_evidence(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    headers: HeaderMap,
    mp: Multipart,
) -> Response {
    let r = async {
        let up = checked_upload(&u, &headers, mp).await?;
        api::store_evidence(&state, &u, "hazard", &id, up).await
    }
    .await;
    match r {
        Ok(_) => Redirect::to(&format!("/hazards/{id}?uploaded=1#evidence")).into_response(),
        Err(e) if e.code == ErrorCode::Forbidden => error_page(&u, e),
        Err(e) => hazard_page(&state, &u, &id, Some(e), None).await,
    }
}

// ------------------------------------------------------------------ documents, unit credit

/// `GET /documents/{id}/pdf`: an official document as PDF.
pub async fn document_pdf(State(state): State<AppState>, UiUser(u): UiUser, Path(id): Path<String>) -> Response {
    let r = async {
        let d = state.store.get_document(&u.scope, &id).await?;
        let (pdf, number) = tokio::task::spawn_blocking(move || api::render_document(&d).map(|p| (p, d.number)))
            .await
            .map_err(|_| ApiError::new(ErrorCode::Internal))??;
        Ok::<_, ApiError>(api::file_response(
            pdf,
            "application/pdf",
            &format!("{number}.pdf"),
            true,
        ))
    }
    .await;
    r.unwrap_or_else(|e| error_page(&u, e))
}

/// The unit page's credit box (诚信等级).
pub struct CreditBox {
    pub grade: &'static str,
    pub grade_label: &'static str,
    pub score: i64,
    pub interval_days: i64,
    pub last: String,
    pub next_due: String,
    pub due_now: bool,
    pub records: usize,
}

/// A unit's credit for its page; `None` when it cannot be read (the page shows without it).
pub(super) async fn credit_box(state: &AppState, u: &CurrentUser, unit_id: &str) -> Option<CreditBox> {
    let now = Utc::now();
    let c = sv::credit_summary(state.store.as_ref(), &officer(u), unit_id, now)
        .await
        .ok()?;
    Some(CreditBox {
        grade: c.grade.code(),
        grade_label: c.grade.label_zh(),
        score: c.score,
        interval_days: c.interval_days,
        last: c
            .last_inspected_at
            .map(sv::date_zh)
            .unwrap_or_else(|| "从未检查".into()),
        next_due: sv::date_zh(c.next_due_at),
        due_now: c.next_due_at <= now,
        records: c.records.len(),
    })
}

/// Whether the unit page offers 开始检查.
/// This capability's pages.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/supervision", routing::get(hub))
        .route("/campaigns", routing::post(launch))
        .route("/campaigns/{id}", routing::get(campaign))
        .route("/inspections", routing::post(start_inspection))
        .route("/inspections/{id}", routing::get(inspection).post(save_inspection))
        .route("/hazards", routing::get(hazards).post(create_hazard))
        .route("/hazards/new", routing::get(new_hazard))
        .route("/hazards/{id}", routing::get(hazard))
        .route("/hazards/{id}/act", routing::post(act))
        .route("/documents/{id}/pdf", routing::get(document_pdf))
        // Evidence uploads: up to 10 MB.
        .merge(
            axum::Router::new()
                .route("/inspections/{id}/evidence", routing::post(inspection_evidence))
                .route("/hazards/{id}/evidence", routing::post(hazard_evidence))
                .layer(crate::api::supervision::evidence_limit()),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Fields {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

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

    #[test]
    fn hazard_forms_become_ladder_actions() {
        let a = action_from_form(&form(&[
            ("action", "decide_fine"),
            ("harm", "serious_threat"),
            ("unit_amount", "20000"),
            ("p1_name", "张三"),
            ("p1_amount", "1000"),
            ("p2_name", ""),
            ("p2_amount", ""),
            ("recommend_discipline", "1"),
            ("reason", "逾期不整改"),
            ("version", "3"),
        ]))
        .unwrap();
        assert_eq!(a.expected_version, Some(3));
        assert_eq!(a.reason, "逾期不整改");
        match a.action {
            Action::DecideFine { fine } => {
                assert_eq!(fine.harm, Harm::SeriousThreat);
                assert_eq!(fine.unit_amount_yuan, 20_000);
                assert_eq!(fine.persons.len(), 1);
                assert_eq!(fine.persons[0].amount_yuan, 1_000);
                assert!(fine.recommend_discipline);
            }
            other => panic!("{other:?}"),
        }
        let e = action_from_form(&form(&[
            ("action", "decide_fine"),
            ("harm", "serious_threat"),
            ("unit_amount", "2万"),
        ]))
        .unwrap_err();
        assert!(e.message.contains("单位罚款金额"), "{}", e.message);
        let e = action_from_form(&form(&[
            ("action", "decide_fine"),
            ("harm", "serious_threat"),
            ("unit_amount", "20000"),
            ("p1_amount", "1000"),
        ]))
        .unwrap_err();
        assert!(e.message.contains("姓名"), "{}", e.message);
        let a = action_from_form(&form(&[
            ("action", "submit_rectification"),
            ("evidence", "a1"),
            ("evidence", "a2"),
        ]))
        .unwrap();
        assert_eq!(a.action, Action::SubmitRectification);
        assert_eq!(a.evidence, ["a1", "a2"]);
        let a = action_from_form(&form(&[
            ("action", "escalate"),
            ("rung", "listed_supervision"),
            ("deadline", "2026-12-31"),
            ("severe_event", "2026-11-20"),
        ]))
        .unwrap();
        match a.action {
            Action::Escalate {
                rung,
                deadline,
                severe_event_at,
            } => {
                assert_eq!(rung, Rung::ListedSupervision);
                assert_eq!(deadline.to_rfc3339(), "2026-12-31T15:59:59+00:00");
                assert_eq!(severe_event_at.unwrap().to_rfc3339(), "2026-11-20T04:00:00+00:00");
            }
            other => panic!("{other:?}"),
        }
        assert!(action_from_form(&form(&[("action", "escalate"), ("deadline", "2026-12-31")])).is_err());
        assert!(
            action_from_form(&form(&[("action", "mark_overdue")])).is_err(),
            "system actions are not offered"
        );
    }

    #[test]
    fn the_inspection_form_keeps_results_notes_and_the_signature() {
        let f = form(&[
            ("place", "监控室"),
            ("officers", "张三，李四, 王五"),
            ("methods", "询问"),
            ("methods", "实地查看"),
            ("r:Z1", "pass"),
            ("r:W2", "fail"),
            ("n:W2", "库房门锁损坏"),
            ("n:Z3", "未见会议纪要"),
            ("r:Z9", "bogus"),
            ("sig_name", " 张三 "),
            ("sig_role", "检查人员"),
        ]);
        let now = Utc::now();
        let w = work_from_form(&f, &InspectionRecord::default(), now);
        assert_eq!(w.record.officers, ["张三", "李四", "王五"]);
        assert_eq!(w.record.methods, ["询问", "实地查看"]);
        assert_eq!(w.record.started_at, Some(now));
        assert_eq!(w.record.signatures.len(), 1);
        assert_eq!(w.record.signatures[0].name, "张三");
        assert_eq!(w.results.len(), 2, "an unknown result value is left out");
        assert_eq!(w.results[1].note, "库房门锁损坏");
        assert_eq!(w.notes.get("Z3").map(String::as_str), Some("未见会议纪要"));
    }
}
