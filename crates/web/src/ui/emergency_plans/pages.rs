//! `/units/{id}/emergency-plans` (a unit's plans; `?scenario=` puts that scenario's current plan
//! first), `/emergency-plans/{id}` (a plan: a version, its versions, history, maps and the review
//! forms), and `/emergency/plans` (the police overview).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::access::Permission;
use neibao_domain::audit::actor_label;
use neibao_domain::emergency::Scenario;
use neibao_domain::emergency_plans::{Plan, PlanStatus, PlanSummary, UnitWithoutPlan};
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::multipart::CsrfMultipart;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{field, status_of, with_status, Fields};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_time, Nav};

/// A plan as a row.
pub struct Row {
    pub id: String,
    pub title: String,
    pub scenario: String,
    pub version: i64,
    pub status: String,
    pub accepted: String,
    pub updated: String,
    pub unit_id: String,
    pub unit_name: String,
    /// The current plan of the scenario asked for.
    pub current: bool,
}

impl Row {
    fn new(p: &PlanSummary, current: bool) -> Row {
        Row {
            id: p.id.clone(),
            title: p.title.clone(),
            scenario: p.scenario_label.clone(),
            version: p.current_version,
            status: p.status_label.clone(),
            accepted: match p.accepted_version {
                Some(v) if p.status != PlanStatus::Accepted => format!("第{v}版已通过"),
                _ => String::new(),
            },
            updated: fmt_time(p.updated_at),
            unit_id: p.unit_id.clone(),
            unit_name: p.unit_name.clone(),
            current,
        }
    }
}

#[derive(Template)]
#[template(path = "emergency_plans/unit.html")]
struct UnitPage {
    nav: Nav,
    unit_id: String,
    unit_name: String,
    is_key_unit: bool,
    scenario: String,
    scenario_label: String,
    rows: Vec<Row>,
    has_current: bool,
    may_write: bool,
    may_review: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct UnitQuery {
    scenario: String,
}

/// `GET /units/{id}/emergency-plans[?scenario=]`.
pub async fn unit_page(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    Query(q): Query<UnitQuery>,
) -> Response {
    let s = &state.services.emergency_plans;
    let scenario = Scenario::from_code(q.scenario.trim());
    let r = async {
        let (name, key) = s.unit(&u.principal, &id).await?;
        let plans = s.list(&u.principal, &id, None).await?;
        let current = match scenario {
            Some(sc) => s.current_plan(&u.principal, &id, sc).await?,
            None => None,
        };
        Ok::<_, ApiError>((name, key, plans, current))
    }
    .await;
    let (unit_name, is_key_unit, plans, current) = match r {
        Ok(x) => x,
        Err(e) => return error_page(&u, e),
    };
    let current_id = current.map(|c| c.id);
    let mut rows: Vec<Row> = Vec::new();
    if let Some(c) = plans.iter().find(|p| Some(&p.id) == current_id.as_ref()) {
        rows.push(Row::new(c, true));
    }
    rows.extend(
        plans
            .iter()
            .filter(|p| Some(&p.id) != current_id.as_ref())
            .map(|p| Row::new(p, false)),
    );
    render(&UnitPage {
        nav: Nav::new(&u),
        unit_id: id,
        unit_name,
        is_key_unit,
        scenario: scenario.map(|s| s.code().to_string()).unwrap_or_default(),
        scenario_label: scenario.map(|s| s.label_zh().to_string()).unwrap_or_default(),
        has_current: current_id.is_some(),
        rows,
        may_write: u.principal.can(Permission::EmergencyPlanWrite),
        may_review: u.principal.can(Permission::EmergencyPlanReview),
    })
}

/// A history step as shown.
pub struct StepRow {
    pub at: String,
    pub actor: String,
    pub version: i64,
    pub action: String,
    pub status: String,
    pub comment: String,
}

/// A resource as shown.
pub struct ResourceRow {
    pub kind: &'static str,
    pub name: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "emergency_plans/detail.html")]
struct DetailPage {
    nav: Nav,
    p: Plan,
    is_current: bool,
    resources: Vec<ResourceRow>,
    steps: Vec<StepRow>,
    may_write: bool,
    may_review: bool,
    editable: bool,
    submittable: bool,
    submitted: bool,
    comment: String,
    error: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DetailQuery {
    version: Option<i64>,
    done: String,
}

async fn view(
    state: &AppState,
    u: &CurrentUser,
    id: &str,
    version: Option<i64>,
    typed: Option<&Fields>,
    error: Option<ApiError>,
    notice: Option<String>,
) -> Response {
    let p = match state.services.emergency_plans.get(&u.principal, id, version).await {
        Ok(p) => p,
        Err(e) => return error_page(u, e.into()),
    };
    let s = &p.summary;
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    let page = render(&DetailPage {
        nav: Nav::new(u),
        is_current: p.shown.version == s.current_version,
        resources: p
            .shown
            .content
            .resources
            .iter()
            .map(|r| ResourceRow {
                kind: r.kind.label_zh(),
                name: r.name.clone(),
                detail: r.detail.clone(),
            })
            .collect(),
        steps: p
            .history
            .iter()
            .map(|h| StepRow {
                at: fmt_time(h.at),
                actor: actor_label(&h.actor_name),
                version: h.version,
                action: h.action_label.clone(),
                status: h.status_label.clone(),
                comment: h.comment.clone(),
            })
            .collect(),
        may_write: u.principal.can(Permission::EmergencyPlanWrite),
        may_review: u.principal.can(Permission::EmergencyPlanReview),
        editable: s.status.editable(),
        submittable: s.is_key_unit && matches!(s.status, PlanStatus::Draft | PlanStatus::Returned),
        submitted: s.status == PlanStatus::Submitted,
        comment: typed.map(|t| field(t, "comment").to_string()).unwrap_or_default(),
        error: error.map(|e| e.message),
        notice,
        p,
    });
    with_status(page, status)
}

/// `GET /emergency-plans/{id}[?version=]`.
pub async fn detail(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    Query(q): Query<DetailQuery>,
) -> Response {
    let notice = match q.done.as_str() {
        "map" => Some("疏散图已上传".to_string()),
        "submit" => Some("已提交公安机关审核".to_string()),
        "return" => Some("已退回，单位将收到通知".to_string()),
        "accept" => Some("已审核通过，单位将收到通知".to_string()),
        _ => None,
    };
    view(&state, &u, &id, q.version, None, None, notice).await
}

/// `POST /emergency-plans/{id}/review`: `action` = `submit` (the unit's manager), `return`
/// (comment required) or `accept` (police); `version` is the current version as read.
pub async fn review(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let version: i64 = field(&f, "version").parse().unwrap_or(0);
    let comment = field(&f, "comment");
    let s = &state.services.emergency_plans;
    let p = &u.principal;
    let action = field(&f, "action").to_string();
    let r = match action.as_str() {
        "submit" => s.submit(p, &id, version).await,
        "return" => s.return_plan(p, &id, version, comment).await,
        "accept" => s.accept(p, &id, version, comment).await,
        _ => return error_page(&u, ApiError::validation("未知的操作")),
    };
    match r {
        Ok(_) => Redirect::to(&format!("/emergency-plans/{id}?done={action}")).into_response(),
        Err(e) => {
            let e: ApiError = e.into();
            if matches!(e.code.http_status(), 400 | 409) {
                view(&state, &u, &id, None, Some(&f), Some(e), None).await
            } else {
                error_page(&u, e)
            }
        }
    }
}

/// `POST /emergency-plans/{id}/maps`: an evacuation map (multipart: `csrf`, `_once`, `file`).
pub async fn add_map(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    body: CsrfMultipart,
) -> Response {
    let r = async {
        let s = &state.services.emergency_plans;
        s.check_map_target(&u.principal, &id).await?;
        let file = body.file().await?;
        Ok::<_, ApiError>(s.add_map(&u.principal, &id, file).await?)
    }
    .await;
    match r {
        Ok(_) => Redirect::to(&format!("/emergency-plans/{id}?done=map")).into_response(),
        Err(e) if matches!(e.code.http_status(), 400 | 413) => view(&state, &u, &id, None, None, Some(e), None).await,
        Err(e) => error_page(&u, e),
    }
}

#[derive(Template)]
#[template(path = "emergency_plans/overview.html")]
struct OverviewPage {
    nav: Nav,
    waiting: Vec<Row>,
    missing: Vec<UnitWithoutPlan>,
}

/// `GET /emergency/plans`: the plans waiting for review and the key units without an accepted
/// plan in the caller's jurisdiction. A unit's own accounts go to their unit's plans.
pub async fn overview(State(state): State<AppState>, UiUser(u): UiUser) -> Response {
    if let Some(unit) = &u.principal.unit_id {
        return Redirect::to(&format!("/units/{unit}/emergency-plans")).into_response();
    }
    let s = &state.services.emergency_plans;
    let r = async {
        let waiting = s.waiting(&u.principal).await?;
        let missing = s.key_units_without_plan(&u.principal).await?;
        Ok::<_, ApiError>((waiting, missing))
    }
    .await;
    let (waiting, missing) = match r {
        Ok(x) => x,
        Err(e) => return error_page(&u, e),
    };
    render(&OverviewPage {
        nav: Nav::new(&u),
        waiting: waiting.iter().map(|p| Row::new(p, false)).collect(),
        missing,
    })
}
