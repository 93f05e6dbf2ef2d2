//! `/units/{id}/patrol` (routes, 30-day summary, recent rounds; the security manager's new-route
//! form; the guards' start buttons) and `/patrol/routes/{id}` (a route, its edit form).
//! Checkpoints are typed one per line as `标签编号，名称，位置`; the schedule is the weekly rows
//! kit (`ui/weekly.rs`), each row a start window.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::access::Permission;
use neibao_domain::paging::Page;
use neibao_domain::patrol::{CheckpointDraft, PatrolRound, PatrolRoute, PatrolSummary};
use neibao_engine::patrol::RouteDraft;

use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{field, status_of, with_status, Fields};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_time, Nav};
use crate::ui::weekly::{periods_sent, rows_of, rows_sent, WeeklyRow};

/// The route form as shown or sent.
#[derive(Default, Clone)]
pub struct RouteForm {
    pub name: String,
    pub note: String,
    pub max_minutes: String,
    /// One checkpoint per line: 标签编号，名称，位置.
    pub checkpoints: String,
    pub weekly: Vec<WeeklyRow>,
    pub version: String,
}

impl RouteForm {
    fn empty() -> RouteForm {
        RouteForm {
            max_minutes: "60".into(),
            weekly: rows_of(&[]),
            ..Default::default()
        }
    }

    fn of(r: &PatrolRoute) -> RouteForm {
        RouteForm {
            name: r.name.clone(),
            note: r.note.clone(),
            max_minutes: r.max_minutes.to_string(),
            checkpoints: r
                .checkpoints
                .iter()
                .map(|c| {
                    if c.location.is_empty() {
                        format!("{}，{}", c.tag, c.name)
                    } else {
                        format!("{}，{}，{}", c.tag, c.name, c.location)
                    }
                })
                .collect::<Vec<_>>()
                .join("\n"),
            weekly: rows_of(&r.schedule),
            version: r.version.to_string(),
        }
    }

    fn sent(f: &Fields) -> RouteForm {
        RouteForm {
            name: field(f, "name").to_string(),
            note: field(f, "note").to_string(),
            max_minutes: field(f, "max_minutes").to_string(),
            checkpoints: field(f, "checkpoints").to_string(),
            weekly: rows_sent(f),
            version: field(f, "version").to_string(),
        }
    }
}

/// The checkpoints typed one per line (`标签编号，名称，位置`; `,` `|` or a tab also separate);
/// an existing route's checkpoints keep their id by tag.
fn checkpoints_of(text: &str, existing: Option<&PatrolRoute>) -> Result<Vec<CheckpointDraft>, ApiError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        let parts: Vec<&str> = line.splitn(3, ['，', ',', '|', '\t']).map(str::trim).collect();
        if parts.len() < 2 || parts[1].is_empty() {
            return Err(ApiError::validation(format!(
                "巡查点第{}行：请按“标签编号，名称，位置”填写（位置可省略）",
                i + 1
            )));
        }
        let tag = parts[0].to_string();
        let id = existing.and_then(|r| {
            r.checkpoints
                .iter()
                .find(|c| c.tag.eq_ignore_ascii_case(tag.trim()))
                .map(|c| c.id.clone())
        });
        out.push(CheckpointDraft {
            id,
            name: parts[1].to_string(),
            location: parts.get(2).unwrap_or(&"").to_string(),
            tag,
        });
    }
    Ok(out)
}

fn draft_of(f: &Fields, existing: Option<&PatrolRoute>) -> Result<RouteDraft, ApiError> {
    let max_minutes = field(f, "max_minutes")
        .trim()
        .parse()
        .map_err(|_| ApiError::validation("单次最长用时应为 5–720 的整数（分钟）"))?;
    Ok(RouteDraft {
        name: field(f, "name").to_string(),
        note: field(f, "note").to_string(),
        schedule: periods_sent(f, "巡查排班")?,
        max_minutes,
        checkpoints: checkpoints_of(field(f, "checkpoints"), existing)?,
    })
}

/// A route as listed.
pub struct RouteRow {
    pub id: String,
    pub name: String,
    pub note: String,
    pub checkpoints: Vec<(String, String, String)>,
    pub schedule: Vec<String>,
    pub max_minutes: i64,
}

fn weekdays_label(days: &[u8]) -> String {
    const NAMES: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];
    let names: Vec<&str> = days
        .iter()
        .filter(|d| (1..=7).contains(*d))
        .map(|d| NAMES[*d as usize - 1])
        .collect();
    format!("周{}", names.join("、"))
}

impl RouteRow {
    fn new(r: &PatrolRoute) -> RouteRow {
        RouteRow {
            id: r.id.clone(),
            name: r.name.clone(),
            note: r.note.clone(),
            checkpoints: r
                .checkpoints
                .iter()
                .map(|c| (c.name.clone(), c.location.clone(), c.tag.clone()))
                .collect(),
            schedule: r
                .schedule
                .iter()
                .map(|p| format!("{} {}–{}", weekdays_label(&p.weekdays), p.start, p.end))
                .collect(),
            max_minutes: r.max_minutes,
        }
    }
}

/// A round as listed.
pub struct RoundRow {
    pub id: String,
    pub route_name: String,
    pub guard_name: String,
    pub state: &'static str,
    pub started_at: String,
    pub visited: usize,
    pub expected: usize,
    pub missed: Vec<String>,
    pub overtime: bool,
}

impl RoundRow {
    pub fn new(r: &PatrolRound) -> RoundRow {
        RoundRow {
            id: r.id.clone(),
            route_name: r.route_name.clone(),
            guard_name: r.guard_name.clone(),
            state: r.state.label_zh(),
            started_at: fmt_time(r.started_at),
            visited: r.visits.len(),
            expected: r.expected.len(),
            missed: if r.finished_at.is_some() {
                r.missed().iter().map(|c| c.name.clone()).collect()
            } else {
                Vec::new()
            },
            overtime: r.finished_at.is_some() && r.overtime(chrono::Utc::now()),
        }
    }
}

#[derive(Template)]
#[template(path = "patrol/unit.html")]
struct UnitPage {
    nav: Nav,
    unit_id: String,
    unit_name: String,
    routes: Vec<RouteRow>,
    rounds: Vec<RoundRow>,
    summary: PatrolSummary,
    may_manage: bool,
    may_walk: bool,
    form: RouteForm,
    error: Option<String>,
}

async fn unit_page(state: &AppState, u: &CurrentUser, id: &str, form: RouteForm, error: Option<ApiError>) -> Response {
    let svc = &state.services.patrol;
    let r = async {
        let (unit_name, routes) = svc.routes(&u.principal, id).await?;
        let rounds = svc
            .rounds(&u.principal, id, None, Page::checked(Some(1), Some(20))?)
            .await?;
        let summary = svc.summary(&u.principal, id).await?;
        Ok::<_, ApiError>((unit_name, routes, rounds, summary))
    }
    .await;
    let (unit_name, routes, rounds, summary) = match r {
        Ok(x) => x,
        Err(e) => return error_page(u, e),
    };
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    with_status(
        render(&UnitPage {
            nav: Nav::new(u),
            unit_id: id.to_string(),
            unit_name,
            routes: routes.iter().map(RouteRow::new).collect(),
            rounds: rounds.items.iter().map(RoundRow::new).collect(),
            summary,
            may_manage: u.principal.can(Permission::PatrolManage),
            may_walk: u.principal.can(Permission::PatrolWalk),
            form,
            error: error.map(|e| e.message),
        }),
        status,
    )
}

/// `GET /units/{id}/patrol`.
pub async fn unit(State(state): State<AppState>, UiUser(u): UiUser, Path(id): Path<String>) -> Response {
    unit_page(&state, &u, &id, RouteForm::empty(), None).await
}

/// `POST /units/{id}/patrol/routes`: creates a route; a refused form keeps what was typed.
pub async fn create(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let r = async {
        u.principal.require(Permission::PatrolManage)?;
        let d = draft_of(&f, None)?;
        Ok::<_, ApiError>(state.services.patrol.create_route(&u.principal, &id, d).await?)
    }
    .await;
    match r {
        Ok(route) => Redirect::to(&format!("/patrol/routes/{}", route.id)).into_response(),
        Err(e) if matches!(e.code.http_status(), 400 | 409) => {
            unit_page(&state, &u, &id, RouteForm::sent(&f), Some(e)).await
        }
        Err(e) => error_page(&u, e),
    }
}

#[derive(Template)]
#[template(path = "patrol/route.html")]
struct RoutePage {
    nav: Nav,
    route: RouteRow,
    unit_id: String,
    unit_name: String,
    rounds: Vec<RoundRow>,
    may_manage: bool,
    may_walk: bool,
    form: RouteForm,
    error: Option<String>,
}

async fn route_page(
    state: &AppState,
    u: &CurrentUser,
    id: &str,
    form: Option<RouteForm>,
    error: Option<ApiError>,
) -> Response {
    let svc = &state.services.patrol;
    let r = async {
        let route = svc.route(&u.principal, id).await?;
        let rounds = svc
            .rounds(
                &u.principal,
                &route.unit_id,
                Some(id),
                Page::checked(Some(1), Some(20))?,
            )
            .await?;
        Ok::<_, ApiError>((route, rounds))
    }
    .await;
    let (route, rounds) = match r {
        Ok(x) => x,
        Err(e) => return error_page(u, e),
    };
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    with_status(
        render(&RoutePage {
            nav: Nav::new(u),
            form: form.unwrap_or_else(|| RouteForm::of(&route)),
            route: RouteRow::new(&route),
            unit_id: route.unit_id.clone(),
            unit_name: route.unit_name.clone(),
            rounds: rounds.items.iter().map(RoundRow::new).collect(),
            may_manage: u.principal.can(Permission::PatrolManage),
            may_walk: u.principal.can(Permission::PatrolWalk),
            error: error.map(|e| e.message),
        }),
        status,
    )
}

/// `GET /patrol/routes/{id}`.
pub async fn route(State(state): State<AppState>, UiUser(u): UiUser, Path(id): Path<String>) -> Response {
    route_page(&state, &u, &id, None, None).await
}

/// `POST /patrol/routes/{id}`: saves the edit form (with the version read).
pub async fn update(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let svc = &state.services.patrol;
    let r = async {
        u.principal.require(Permission::PatrolManage)?;
        let current = svc.route(&u.principal, &id).await?;
        let version = field(&f, "version")
            .trim()
            .parse()
            .map_err(|_| ApiError::validation("缺少版本号，请刷新后重新填写"))?;
        let d = draft_of(&f, Some(&current))?;
        Ok::<_, ApiError>(svc.update_route(&u.principal, &id, version, d).await?)
    }
    .await;
    match r {
        Ok(_) => Redirect::to(&format!("/patrol/routes/{id}")).into_response(),
        Err(e) if matches!(e.code.http_status(), 400 | 409) => {
            route_page(&state, &u, &id, Some(RouteForm::sent(&f)), Some(e)).await
        }
        Err(e) => error_page(&u, e),
    }
}
