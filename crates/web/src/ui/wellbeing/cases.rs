//! Case pages: the hub, one case, the escalation notices. A refused form shows the zh-CN error
//! and keeps what was typed. A case's content is shown only after a purpose is given (the read
//! is audited with it); the follow-up, escalation and closing forms carry that purpose back.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::access::Permission;
use neibao_domain::wellbeing::{CaseCount, CaseDetail, CaseSummary, Escalation, FollowUpKind, Risk};
use neibao_engine::wellbeing::{CaseInput, FollowUpInput};
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{field, fields, refused_in_form, status_of, with_status, Fields};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_time, Nav};

/// A case as a list row shows it (no content).
pub struct CaseRow {
    pub id: String,
    pub number: String,
    pub unit: String,
    pub risk: String,
    pub state: String,
    pub created: String,
    pub escalated: String,
    pub as_counsellor: bool,
}

fn case_row(c: &CaseSummary) -> CaseRow {
    CaseRow {
        id: c.id.clone(),
        number: c.number.clone(),
        unit: c.unit_name.clone(),
        risk: c.risk.label_zh().to_string(),
        state: c.state.label_zh().to_string(),
        created: fmt_time(c.created_at),
        escalated: c.escalated_at.map(fmt_time).unwrap_or_default(),
        as_counsellor: c.mine_as_counsellor,
    }
}

fn escalation_row(e: &Escalation) -> (String, String, String, String) {
    (
        fmt_time(e.at),
        e.unit_name.clone(),
        e.counsellor_name.clone(),
        e.contact.clone(),
    )
}

#[derive(Template)]
#[template(path = "wellbeing/hub.html")]
struct HubPage {
    nav: Nav,
    may_read: bool,
    cases: Vec<CaseRow>,
    may_raise: bool,
    counsellors: Vec<(String, String)>,
    may_count: bool,
    counts: Vec<CaseCount>,
    may_escalations: bool,
    escalations: Vec<(String, String, String, String)>,
    unit_link: Option<String>,
    risks: Vec<(&'static str, &'static str)>,
    sent: Fields,
    error: Option<String>,
}

impl HubPage {
    fn sent(&self, name: &str) -> &str {
        field(&self.sent, name)
    }
    fn chose(&self, name: &str, value: &str) -> bool {
        fields(&self.sent, name).contains(&value)
    }
}

async fn hub_page(state: &AppState, u: &CurrentUser, sent: Fields, error: Option<ApiError>) -> Response {
    let svc = &state.services.wellbeing;
    let p = &u.principal;
    let may_read = p.can(Permission::CrisisCaseRead);
    let cases = if may_read {
        match svc.my_cases(p).await {
            Ok(c) => c.iter().map(case_row).collect(),
            Err(e) => return error_page(u, e.into()),
        }
    } else {
        Vec::new()
    };
    let (may_raise, counsellors) = match svc.raise_form(p).await {
        Ok(x) => x,
        Err(e) => return error_page(u, e.into()),
    };
    let may_count = p.can(Permission::CrisisCountsRead);
    let counts = if may_count {
        match svc.counts(p).await {
            Ok(c) => c,
            Err(e) => return error_page(u, e.into()),
        }
    } else {
        Vec::new()
    };
    let may_escalations = p.can(Permission::CrisisEscalationRead);
    let escalations = if may_escalations {
        match svc.escalations(p).await {
            Ok(l) => l.iter().map(escalation_row).collect(),
            Err(e) => return error_page(u, e.into()),
        }
    } else {
        Vec::new()
    };
    let unit_link = p
        .unit_id
        .clone()
        .filter(|_| p.can(Permission::WellbeingRead))
        .map(|id| format!("/units/{id}/wellbeing"));
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    with_status(
        render(&HubPage {
            nav: Nav::new(u),
            may_read,
            cases,
            may_raise,
            counsellors,
            may_count,
            counts,
            may_escalations,
            escalations,
            unit_link,
            risks: Risk::ALL.iter().map(|r| (r.code(), r.label_zh())).collect(),
            sent,
            error: error.map(|e| e.message),
        }),
        status,
    )
}

/// `GET /wellbeing`.
pub async fn hub(State(state): State<AppState>, UiUser(u): UiUser) -> Response {
    hub_page(&state, &u, Vec::new(), None).await
}

/// `POST /wellbeing/cases`: `person_name`, `person_role`, `narrative`, `health_details`,
/// `risk`, `threat_to_others` (`1`), `counsellor_ids` (repeated).
pub async fn raise(State(state): State<AppState>, UiUser(u): UiUser, CsrfForm(f): CsrfForm<Fields>) -> Response {
    let input = CaseInput {
        person_name: field(&f, "person_name").to_string(),
        person_role: field(&f, "person_role").to_string(),
        narrative: field(&f, "narrative").to_string(),
        health_details: field(&f, "health_details").to_string(),
        risk: field(&f, "risk").to_string(),
        threat_to_others: field(&f, "threat_to_others") == "1",
        counsellor_ids: fields(&f, "counsellor_ids").into_iter().map(str::to_string).collect(),
    };
    match state.services.wellbeing.raise(&u.principal, input).await {
        Ok(_) => Redirect::to("/wellbeing?raised=1").into_response(),
        Err(e) => {
            let e: ApiError = e.into();
            if refused_in_form(&e) {
                hub_page(&state, &u, f, Some(e)).await
            } else {
                error_page(&u, e)
            }
        }
    }
}

/// The purpose of a case page.
#[derive(Debug, Default, Deserialize)]
pub struct PurposeQuery {
    #[serde(default)]
    pub purpose: Option<String>,
}

/// A follow-up as the page shows it.
pub struct FollowUpRow {
    pub kind: String,
    pub note: String,
    pub risk: String,
    pub by: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "wellbeing/purpose.html")]
struct PurposePage {
    nav: Nav,
    c: CaseRow,
    purpose: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "wellbeing/case.html")]
struct CasePage {
    nav: Nav,
    c: CaseRow,
    d: CaseDetail,
    counsellors: String,
    threat: bool,
    may_work: bool,
    may_escalate: bool,
    purpose: String,
    follow_ups: Vec<FollowUpRow>,
    kinds: Vec<(&'static str, &'static str)>,
    risks: Vec<(&'static str, &'static str)>,
    sent: Fields,
    error: Option<String>,
}

impl CasePage {
    fn sent(&self, name: &str) -> &str {
        field(&self.sent, name)
    }
}

async fn case_page(
    state: &AppState,
    u: &CurrentUser,
    id: &str,
    purpose: Option<&str>,
    sent: Fields,
    error: Option<ApiError>,
) -> Response {
    let svc = &state.services.wellbeing;
    let summary = match svc.case_summary(&u.principal, id).await {
        Ok(s) => s,
        Err(e) => return error_page(u, e.into()),
    };
    let Some(purpose) = purpose.filter(|p| !p.trim().is_empty()) else {
        return render(&PurposePage {
            nav: Nav::new(u),
            c: case_row(&summary),
            purpose: String::new(),
            error: None,
        });
    };
    let d = match svc.case(&u.principal, id, Some(purpose)).await {
        Ok(d) => d,
        Err(e) => {
            let e: ApiError = e.into();
            if e.code.http_status() == 400 {
                return with_status(
                    render(&PurposePage {
                        nav: Nav::new(u),
                        c: case_row(&summary),
                        purpose: purpose.to_string(),
                        error: Some(e.message),
                    }),
                    StatusCode::BAD_REQUEST,
                );
            }
            return error_page(u, e);
        }
    };
    let s = &d.summary;
    let may_work = s.mine_as_counsellor && u.principal.can(Permission::CrisisCaseWork);
    let open = s.state == neibao_domain::wellbeing::CaseState::Open;
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    let page = CasePage {
        nav: Nav::new(u),
        c: case_row(s),
        counsellors: d
            .counsellors
            .iter()
            .map(|c| c.name.clone())
            .collect::<Vec<_>>()
            .join("、"),
        threat: s.threat_to_others,
        may_work: may_work && open,
        may_escalate: may_work && neibao_domain::wellbeing::escalation_allowed(s.risk, s.threat_to_others, s.state),
        purpose: purpose.to_string(),
        follow_ups: d
            .follow_ups
            .iter()
            .map(|f| FollowUpRow {
                kind: f.kind.label_zh().to_string(),
                note: f.note.clone(),
                risk: f
                    .risk
                    .map(|r| format!("风险等级调整为{}", r.label_zh()))
                    .unwrap_or_default(),
                by: f.by_name.clone(),
                at: fmt_time(f.at),
            })
            .collect(),
        kinds: FollowUpKind::ALL.iter().map(|k| (k.code(), k.label_zh())).collect(),
        risks: Risk::ALL.iter().map(|r| (r.code(), r.label_zh())).collect(),
        d: d.clone(),
        sent,
        error: error.map(|e| e.message),
    };
    let mut resp = with_status(render(&page), status);
    resp.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    resp
}

/// `GET /wellbeing/cases/{id}[?purpose=…]`: without a purpose, the form asking for one.
pub async fn case(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    Query(q): Query<PurposeQuery>,
) -> Response {
    case_page(&state, &u, &id, q.purpose.as_deref(), Vec::new(), None).await
}

fn back_to(id: &str, f: &Fields) -> String {
    let q = serde_urlencoded::to_string([("purpose", field(f, "purpose"))]).unwrap_or_default();
    format!("/wellbeing/cases/{id}?{q}")
}

async fn after(state: &AppState, u: &CurrentUser, id: &str, f: Fields, r: Result<(), ApiError>) -> Response {
    match r {
        Ok(()) => Redirect::to(&back_to(id, &f)).into_response(),
        Err(e) if refused_in_form(&e) => {
            let purpose = field(&f, "purpose").to_string();
            case_page(state, u, id, Some(&purpose), f, Some(e)).await
        }
        Err(e) => error_page(u, e),
    }
}

/// `POST /wellbeing/cases/{id}/follow-ups`: `kind`, `note`, `risk`, `purpose`.
pub async fn follow_up(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let input = FollowUpInput {
        kind: field(&f, "kind").to_string(),
        note: field(&f, "note").to_string(),
        risk: field(&f, "risk").to_string(),
    };
    let r = state
        .services
        .wellbeing
        .follow_up(&u.principal, &id, input)
        .await
        .map(|_| ())
        .map_err(ApiError::from);
    after(&state, &u, &id, f, r).await
}

/// `POST /wellbeing/cases/{id}/escalate`: `contact`, `purpose`.
pub async fn escalate(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let r = state
        .services
        .wellbeing
        .escalate(&u.principal, &id, field(&f, "contact"))
        .await
        .map(|_| ())
        .map_err(ApiError::from);
    after(&state, &u, &id, f, r).await
}

/// `POST /wellbeing/cases/{id}/close`: `note`, `purpose`.
pub async fn close(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let r = state
        .services
        .wellbeing
        .close(&u.principal, &id, field(&f, "closure_note"))
        .await
        .map(|_| ())
        .map_err(ApiError::from);
    after(&state, &u, &id, f, r).await
}

#[derive(Template)]
#[template(path = "wellbeing/escalations.html")]
struct EscalationsPage {
    nav: Nav,
    escalations: Vec<(String, String, String, String)>,
}

/// `GET /wellbeing/escalations`: the minimal notices of the units in the caller's scope.
pub async fn escalations(State(state): State<AppState>, UiUser(u): UiUser) -> Response {
    match state.services.wellbeing.escalations(&u.principal).await {
        Ok(l) => render(&EscalationsPage {
            nav: Nav::new(&u),
            escalations: l.iter().map(escalation_row).collect(),
        }),
        Err(e) => error_page(&u, e.into()),
    }
}
