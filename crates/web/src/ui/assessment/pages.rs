//! The pages of `mod.rs`. A refused form shows the zh-CN error and keeps what was typed.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::access::Permission;
use neibao_domain::assessment::{Assessment, AssessmentFilter, AssessmentState, AssessorKind, ScoredBy};
use neibao_domain::error::ErrorCode;
use neibao_domain::paging::Page;
use neibao_domain::supervision::checklist::ItemResult;
use neibao_engine::assessment::{AssessmentService, CampaignInput, ItemInput, SheetInput, StartInput};
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::multipart::CsrfMultipart;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{field, fields, refused_in_form, status_of, with_status, Fields};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_time, Nav, Pager};

/// A campaign as listed.
pub struct CampaignRow {
    pub id: String,
    pub title: String,
    pub assessor: String,
    pub created: String,
    pub started: i64,
    pub signed: i64,
}

/// A unit of the cycle as listed.
pub struct DueRow {
    pub unit_id: String,
    pub unit: String,
    pub last: String,
    pub last_total: String,
    pub status: String,
    pub overdue: bool,
}

/// An assessment as listed.
pub struct Row {
    pub id: String,
    pub unit: String,
    pub assessor: String,
    pub state: String,
    pub total: String,
    pub grade: String,
    pub created: String,
}

#[derive(Template)]
#[template(path = "assessment/index.html")]
struct IndexPage {
    nav: Nav,
    campaigns: Vec<CampaignRow>,
    campaign: String,
    campaign_title: String,
    due: Vec<DueRow>,
    due_total: i64,
    pager: Pager,
    rows: Vec<Row>,
    only_signed: bool,
    may_launch: bool,
    may_start: bool,
    assessors: Vec<(&'static str, &'static str)>,
    /// Third-party assessment organisations for the launch form: (id, name).
    orgs: Vec<(String, String)>,
    /// The selected campaign names a third-party organisation and the caller launched it: the
    /// assign form is shown.
    may_assign: bool,
    /// The units assigned in the selected campaign (a third-party assessor: its own).
    assigned: Vec<DueRow>,
    /// A third-party assessor: starts sheets from the assigned list only.
    third_party: bool,
    title: String,
    assessor: String,
    assessor_org: String,
    assessor_org_id: String,
    unit_kind: String,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct IndexQuery {
    campaign: String,
    page: Option<u32>,
    /// `signed`: the recent list shows signed results only (the dashboard's mean score links here).
    state: String,
}

async fn index_page(
    state: &AppState,
    u: &CurrentUser,
    q: &IndexQuery,
    sent: &Fields,
    error: Option<ApiError>,
) -> Response {
    let who = &u.principal;
    let svc = &state.services.assessment;
    let first = Page { page: 1, per_page: 20 };
    let campaigns = match svc.campaigns(who, first).await {
        Ok(l) => l.items,
        Err(e) => return error_page(u, e.into()),
    };
    let campaign = q.campaign.trim().to_string();
    let campaign_title = campaigns
        .iter()
        .find(|c| c.id == campaign)
        .map(|c| c.title.clone())
        .unwrap_or_default();
    let page = Page::checked(q.page, Some(50)).unwrap_or(Page { page: 1, per_page: 50 });
    let due = match svc
        .due(who, (!campaign.is_empty()).then_some(campaign.as_str()), true, page)
        .await
    {
        Ok(l) => l,
        Err(e) => return error_page(u, e.into()),
    };
    let only_signed = q.state == "signed";
    let filter = AssessmentFilter {
        state: only_signed.then_some(AssessmentState::Signed),
        ..Default::default()
    };
    let rows = svc.list(who, &filter, first).await.map(|l| l.items).unwrap_or_default();
    let selected = campaigns.iter().find(|c| c.id == campaign);
    let assigned = match selected.filter(|c| c.assessor_org_id.is_some()) {
        Some(c) => svc.assignments(who, &c.id).await.unwrap_or_default(),
        None => Vec::new(),
    };
    let may_assign = selected
        .is_some_and(|c| c.assessor_org_id.is_some() && c.org_id.is_some() && c.org_id == who.org_id)
        && who.can(Permission::AssessmentLaunch);
    let orgs = svc
        .assessor_orgs(who)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let third_party = who.can(Permission::AssessmentThirdParty);
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    with_status(
        render(&IndexPage {
            nav: Nav::new(u),
            campaigns: campaigns
                .iter()
                .map(|c| CampaignRow {
                    id: c.id.clone(),
                    title: c.title.clone(),
                    assessor: if c.assessor_org.is_empty() {
                        c.assessor.label_zh().to_string()
                    } else {
                        format!("{}（{}）", c.assessor.label_zh(), c.assessor_org)
                    },
                    created: format!("{}（{}）", fmt_time(c.created_at), c.created_by),
                    started: c.started,
                    signed: c.signed,
                })
                .collect(),
            campaign: campaign.clone(),
            campaign_title,
            due: due
                .items
                .iter()
                .map(|d| DueRow {
                    unit_id: d.unit_id.clone(),
                    unit: d.unit_name.clone(),
                    last: d.last_signed_at.map(fmt_time).unwrap_or_else(|| "从未评估".into()),
                    last_total: d.last_total.map(|t| format!("{t:.1}")).unwrap_or_default(),
                    status: d.status_label.clone(),
                    overdue: d.status == neibao_domain::assessment::CycleStatus::Overdue,
                })
                .collect(),
            due_total: due.total,
            pager: Pager::new(
                "/assessments",
                &[("campaign", campaign)],
                due.page,
                due.per_page,
                due.total,
            ),
            rows: rows
                .iter()
                .map(|r| Row {
                    id: r.id.clone(),
                    unit: r.unit_name.clone(),
                    assessor: r.assessor.label_zh().into(),
                    state: r.state.label_zh().into(),
                    total: r.total.map(|t| format!("{t:.1}")).unwrap_or_default(),
                    grade: r.grade.map(|g| g.label_zh().to_string()).unwrap_or_default(),
                    created: fmt_time(r.created_at),
                })
                .collect(),
            only_signed,
            may_launch: who.can(Permission::AssessmentLaunch),
            may_start: who.can(Permission::AssessmentConduct) || who.can(Permission::AssessmentSelf),
            assessors: AssessorKind::ALL.iter().map(|k| (k.code(), k.label_zh())).collect(),
            orgs,
            may_assign,
            assigned: assigned
                .iter()
                .map(|x| DueRow {
                    unit_id: x.unit_id.clone(),
                    unit: x.unit_name.clone(),
                    last: format!("{}（{}）", fmt_time(x.assigned_at), x.assigned_by),
                    last_total: String::new(),
                    status: String::new(),
                    overdue: false,
                })
                .collect(),
            third_party,
            title: field(sent, "title").to_string(),
            assessor: field(sent, "assessor").to_string(),
            assessor_org: field(sent, "assessor_org").to_string(),
            assessor_org_id: field(sent, "assessor_org_id").to_string(),
            unit_kind: field(sent, "unit_kind").to_string(),
            error: error.map(|e| e.message),
        }),
        status,
    )
}

/// `GET /assessments`.
pub async fn index(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<IndexQuery>) -> Response {
    index_page(&state, &u, &q, &Vec::new(), None).await
}

/// `POST /assessments/campaigns`: `title`, `assessor`, `assessor_org`, `unit_kind`.
pub async fn launch(State(state): State<AppState>, UiUser(u): UiUser, CsrfForm(f): CsrfForm<Fields>) -> Response {
    let input = CampaignInput {
        title: field(&f, "title").to_string(),
        assessor: field(&f, "assessor").to_string(),
        assessor_org: field(&f, "assessor_org").to_string(),
        assessor_org_id: Some(field(&f, "assessor_org_id").to_string()),
        department_id: None,
        unit_kind: Some(field(&f, "unit_kind").to_string()),
    };
    match state.services.assessment.launch(&u.principal, input).await {
        Ok(c) => Redirect::to(&format!("/assessments?campaign={}", c.id)).into_response(),
        Err(e) => {
            let e: ApiError = e.into();
            if refused_in_form(&e) {
                index_page(&state, &u, &IndexQuery::default(), &f, Some(e)).await
            } else {
                error_page(&u, e)
            }
        }
    }
}

/// `POST /assessments/campaigns/{id}/assignments`: `unit_id` (repeated): the units to assign to
/// the campaign's third-party assessment organisation.
pub async fn assign(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let units: Vec<String> = fields(&f, "unit_id").into_iter().map(str::to_string).collect();
    match state.services.assessment.assign(&u.principal, &id, &units).await {
        Ok(_) => Redirect::to(&format!("/assessments?campaign={id}#assigned")).into_response(),
        Err(e) => {
            let e: ApiError = e.into();
            if refused_in_form(&e) {
                let q = IndexQuery {
                    campaign: id,
                    ..Default::default()
                };
                index_page(&state, &u, &q, &Vec::new(), Some(e)).await
            } else {
                error_page(&u, e)
            }
        }
    }
}

/// `POST /assessments/start`: `unit_id`, `campaign_id`, optionally `assessor`, `assessor_org`.
pub async fn start(State(state): State<AppState>, UiUser(u): UiUser, CsrfForm(f): CsrfForm<Fields>) -> Response {
    let opt = |k: &str| Some(field(&f, k).to_string()).filter(|s| !s.trim().is_empty());
    let input = StartInput {
        unit_id: field(&f, "unit_id").to_string(),
        campaign_id: opt("campaign_id"),
        assessor: opt("assessor"),
        assessor_org: field(&f, "assessor_org").to_string(),
        period_from: opt("period_from"),
        period_to: opt("period_to"),
    };
    match state.services.assessment.start(&u.principal, input).await {
        Ok(a) => Redirect::to(&format!("/assessments/{}", a.id)).into_response(),
        Err(e) => {
            let e: ApiError = e.into();
            if refused_in_form(&e) {
                let q = IndexQuery {
                    campaign: field(&f, "campaign_id").to_string(),
                    ..Default::default()
                };
                index_page(&state, &u, &q, &Vec::new(), Some(e)).await
            } else {
                error_page(&u, e)
            }
        }
    }
}

/// A figure of a data-scored item.
pub struct FigureRow {
    pub label: String,
    pub value: String,
}

/// An evidence file.
pub struct FileRow {
    pub id: String,
    pub name: String,
}

/// An item of the sheet as shown.
pub struct ItemRow {
    pub code: String,
    pub defence: String,
    pub title: String,
    pub basis: String,
    pub weight: String,
    pub critical: bool,
    pub data: bool,
    pub scored_by: String,
    /// `pass`, `fail`, `not_applicable` or "".
    pub result: String,
    pub result_label: String,
    pub note: String,
    pub figures: Vec<FigureRow>,
    pub rule: String,
    pub query: String,
    pub hazard_id: String,
    pub files: Vec<FileRow>,
}

/// A defence's part of the result.
pub struct DefenceRow {
    pub label: String,
    pub earned: String,
    pub applicable: String,
}

#[derive(Template)]
#[template(path = "assessment/sheet.html")]
struct SheetPage {
    nav: Nav,
    a: Assessment,
    items: Vec<ItemRow>,
    defences: Vec<DefenceRow>,
    state: String,
    assessor: String,
    period: String,
    total: String,
    editable: bool,
    may_submit: bool,
    may_sign: bool,
    may_hazards: bool,
    signed: bool,
    signed_line: String,
    outcome_cases: String,
    failed_open: usize,
    choices: Vec<(&'static str, &'static str)>,
    error: Option<String>,
}

fn result_code(r: Option<ItemResult>) -> &'static str {
    match r {
        Some(ItemResult::Pass) => "pass",
        Some(ItemResult::Fail) => "fail",
        Some(ItemResult::NotApplicable) => "not_applicable",
        None => "",
    }
}

fn result_label(r: Option<ItemResult>) -> &'static str {
    match r {
        Some(ItemResult::Pass) => "符合",
        Some(ItemResult::Fail) => "不符合",
        Some(ItemResult::NotApplicable) => "不适用",
        None => "未评分",
    }
}

async fn sheet_page(state: &AppState, u: &CurrentUser, id: &str, sent: &Fields, error: Option<ApiError>) -> Response {
    let who = &u.principal;
    let svc = &state.services.assessment;
    let a = match svc.get(who, id).await {
        Ok(a) => a,
        Err(e) => return error_page(u, e.into()),
    };
    let evidence = svc.evidence(who, id).await.unwrap_or_default();
    let editable = AssessmentService::editable(who, &a);
    let resent = !sent.is_empty();
    let items = a
        .items
        .iter()
        .map(|i| {
            let result = if resent && i.scored_by == ScoredBy::Hand {
                field(sent, &format!("r_{}", i.code)).to_string()
            } else {
                result_code(i.result).to_string()
            };
            ItemRow {
                code: i.code.clone(),
                defence: i.defence.label_zh().into(),
                title: i.title.clone(),
                basis: i.basis.clone(),
                weight: format!("{}", i.weight),
                critical: i.critical,
                data: i.scored_by == ScoredBy::Data,
                scored_by: i.scored_by.label_zh().into(),
                result,
                result_label: result_label(i.result).into(),
                note: if resent {
                    field(sent, &format!("n_{}", i.code)).to_string()
                } else {
                    i.note.clone()
                },
                figures: i
                    .data
                    .as_ref()
                    .map(|d| {
                        d.figures
                            .iter()
                            .map(|f| FigureRow {
                                label: f.label.clone(),
                                value: f.value.clone(),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                rule: i.data.as_ref().map(|d| d.rule.clone()).unwrap_or_default(),
                query: i.data.as_ref().map(|d| d.query.clone()).unwrap_or_default(),
                hazard_id: i.hazard_id.clone().unwrap_or_default(),
                files: evidence
                    .iter()
                    .find(|e| e.code == i.code)
                    .map(|e| {
                        e.files
                            .iter()
                            .map(|f| FileRow {
                                id: f.id.clone(),
                                name: f.name.clone(),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        })
        .collect();
    let r = &a.result;
    let signed = a.state == AssessmentState::Signed;
    let conduct = who.can(Permission::AssessmentConduct);
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    let page = SheetPage {
        nav: Nav::new(u),
        items,
        defences: r
            .by_defence
            .iter()
            .map(|d| DefenceRow {
                label: d.defence.label_zh().into(),
                earned: format!("{:.1}", d.earned),
                applicable: format!("{:.1}", d.applicable),
            })
            .collect(),
        state: a.state.label_zh().into(),
        assessor: if a.assessor_org.is_empty() {
            a.assessor.label_zh().to_string()
        } else {
            format!("{}（{}）", a.assessor.label_zh(), a.assessor_org)
        },
        period: format!("{} 至 {}", &fmt_time(a.period_from)[..10], &fmt_time(a.period_to)[..10]),
        total: format!("{:.1}", r.total),
        editable,
        may_submit: editable && a.state == AssessmentState::Draft,
        may_sign: editable && conduct,
        may_hazards: signed
            && conduct
            && a.items
                .iter()
                .any(|i| i.result == Some(ItemResult::Fail) && i.hazard_id.is_none()),
        signed,
        signed_line: match (&a.signed_by, a.signed_at) {
            (Some(by), Some(t)) => format!("{}（{by}）", fmt_time(t)),
            _ => String::new(),
        },
        outcome_cases: if resent {
            field(sent, "outcome_cases").to_string()
        } else {
            a.outcome_cases.to_string()
        },
        failed_open: a
            .items
            .iter()
            .filter(|i| i.result == Some(ItemResult::Fail) && i.hazard_id.is_none())
            .count(),
        choices: vec![("pass", "符合"), ("fail", "不符合"), ("not_applicable", "不适用")],
        error: error.map(|e| e.message),
        a,
    };
    with_status(render(&page), status)
}

/// `GET /assessments/{id}`.
pub async fn sheet(State(state): State<AppState>, UiUser(u): UiUser, Path(id): Path<String>) -> Response {
    sheet_page(&state, &u, &id, &Vec::new(), None).await
}

/// `POST /assessments/{id}`: `action` (`save`, `submit`, `sign`), `version`, `outcome_cases`,
/// and per hand-scored item `r_{code}` (result) and `n_{code}` (note).
pub async fn save(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let svc = &state.services.assessment;
    let a = match svc.get(&u.principal, &id).await {
        Ok(a) => a,
        Err(e) => return error_page(&u, e.into()),
    };
    let cases = field(&f, "outcome_cases").trim();
    let outcome_cases = if cases.is_empty() {
        None
    } else {
        match cases.parse() {
            Ok(n) => Some(n),
            Err(_) => {
                let e = ApiError::validation("因防范不力发生的案件数应为 0–100 的整数");
                return sheet_page(&state, &u, &id, &f, Some(e)).await;
            }
        }
    };
    let input = SheetInput {
        items: a
            .items
            .iter()
            .map(|i| ItemInput {
                code: i.code.clone(),
                result: field(&f, &format!("r_{}", i.code)).to_string(),
                note: field(&f, &format!("n_{}", i.code)).to_string(),
            })
            .collect(),
        outcome_cases,
        expected_version: field(&f, "version").trim().parse().ok(),
    };
    let r = match field(&f, "action") {
        "submit" => svc.submit(&u.principal, &id, input).await,
        "sign" => svc.sign(&u.principal, &id, input).await,
        _ => svc.save(&u.principal, &id, input).await,
    };
    match r {
        Ok(_) => Redirect::to(&format!("/assessments/{id}")).into_response(),
        Err(e) => {
            let e: ApiError = e.into();
            if refused_in_form(&e) {
                sheet_page(&state, &u, &id, &f, Some(e)).await
            } else {
                error_page(&u, e)
            }
        }
    }
}

/// `POST /assessments/{id}/hazards`: every failed item becomes a hazard.
pub async fn hazards(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(_f): CsrfForm<Fields>,
) -> Response {
    match state.services.assessment.open_hazards(&u.principal, &id).await {
        Ok(_) => Redirect::to(&format!("/assessments/{id}#result")).into_response(),
        Err(e) => {
            let e: ApiError = e.into();
            if refused_in_form(&e) {
                sheet_page(&state, &u, &id, &Vec::new(), Some(e)).await
            } else {
                error_page(&u, e)
            }
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ItemQuery {
    /// The item's code.
    item: String,
}

/// `POST /assessments/{id}/evidence?item={code}` (multipart: `csrf`, `_once`, then `file`).
pub async fn evidence(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    Query(q): Query<ItemQuery>,
    body: CsrfMultipart,
) -> Response {
    let code = q.item;
    let svc = &state.services.assessment;
    let r: Result<(), ApiError> = async {
        svc.evidence_target(&u.principal, &id).await?;
        let file = body.file().await?;
        svc.add_evidence(&u.principal, &id, &code, file).await?;
        Ok(())
    }
    .await;
    match r {
        Ok(()) => Redirect::to(&format!("/assessments/{id}#item-{code}")).into_response(),
        Err(e) if e.code == ErrorCode::Forbidden || e.code == ErrorCode::NotFound => error_page(&u, e),
        Err(e) => sheet_page(&state, &u, &id, &Vec::new(), Some(e)).await,
    }
}
