//! The pages of `mod.rs`. A refused form shows the zh-CN error and keeps what was typed.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::access::Permission;
use neibao_domain::liaison::{LiaisonAssignment, LiaisonPoint, LiaisonUnit};
use neibao_domain::paging::Page;
use neibao_domain::registry::UnitFilter;
use neibao_engine::liaison::LiaisonInput;

use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{field, fields, status_of, with_status, Fields};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_time, Nav};

/// A point as a row shows it.
pub struct PointRow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub park: String,
    pub hours: String,
    pub phone: String,
    pub units: i64,
    pub org: String,
}

fn point_row(p: &LiaisonPoint) -> PointRow {
    PointRow {
        id: p.id.clone(),
        name: match &p.officer_org_name {
            Some(o) => format!("{}（{o}）", p.name),
            None => p.name.clone(),
        },
        kind: if p.officer_id.is_some() {
            "联系民警"
        } else {
            "联络组"
        }
        .to_string(),
        park: p.park_name.clone(),
        hours: p.contact_hours.clone(),
        phone: p.phone.clone(),
        units: p.unit_count,
        org: p.org_name.clone().unwrap_or_default(),
    }
}

/// A history row.
pub struct HistoryRow {
    pub point: String,
    pub unit_id: String,
    pub unit: String,
    pub assigned: String,
    pub ended: String,
}

fn history_row(a: &LiaisonAssignment) -> HistoryRow {
    HistoryRow {
        point: a.point_name.clone(),
        unit_id: a.unit_id.clone(),
        unit: a.unit_name.clone(),
        assigned: format!("{} 由 {} 指派", fmt_time(a.assigned_at), a.assigned_by),
        ended: match (a.unassigned_at, &a.unassigned_by) {
            (Some(t), Some(by)) => format!("{} 由 {by} 撤销", fmt_time(t)),
            (Some(t), None) => fmt_time(t),
            _ => "联系中".into(),
        },
    }
}

#[derive(Template)]
#[template(path = "liaison/hub.html")]
struct HubPage {
    nav: Nav,
    mine: Vec<LiaisonUnit>,
    points: Vec<PointRow>,
    may_manage: bool,
    officers: Vec<(String, String)>,
    units: Vec<(String, String)>,
    chosen: Vec<String>,
    officer: String,
    team_name: String,
    park_name: String,
    contact_hours: String,
    phone: String,
    error: Option<String>,
}

async fn hub_page(state: &AppState, u: &CurrentUser, sent: &Fields, error: Option<ApiError>) -> Response {
    let svc = &state.services.liaison;
    let mine = match svc.my_units(&u.principal).await {
        Ok(m) => m,
        Err(e) => return error_page(u, e.into()),
    };
    let points = match svc.list(&u.principal).await {
        Ok(p) => p.iter().map(point_row).collect(),
        Err(e) => return error_page(u, e.into()),
    };
    let may_manage = u.principal.can(Permission::LiaisonManage);
    let mut officers = match svc.officers(&u.principal).await {
        Ok(o) => o,
        Err(e) => return error_page(u, e.into()),
    };
    if may_manage && !officers.iter().any(|o| o.0 == u.principal.user_id) {
        officers.insert(0, (u.principal.user_id.clone(), u.principal.display_name.clone()));
    }
    let units = if may_manage {
        match state
            .services
            .registry
            .units(&u.principal, &UnitFilter::default(), Page { page: 1, per_page: 200 })
            .await
        {
            Ok(l) => l.items.into_iter().map(|x| (x.id, x.name)).collect(),
            Err(e) => return error_page(u, e.into()),
        }
    } else {
        Vec::new()
    };
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    with_status(
        render(&HubPage {
            nav: Nav::new(u),
            mine,
            points,
            may_manage,
            officers,
            units,
            chosen: fields(sent, "unit_ids").into_iter().map(str::to_string).collect(),
            officer: field(sent, "officer").to_string(),
            team_name: field(sent, "team_name").to_string(),
            park_name: field(sent, "park_name").to_string(),
            contact_hours: field(sent, "contact_hours").to_string(),
            phone: field(sent, "phone").to_string(),
            error: error.map(|e| e.message),
        }),
        status,
    )
}

/// `GET /liaison`.
pub async fn hub(State(state): State<AppState>, UiUser(u): UiUser) -> Response {
    hub_page(&state, &u, &Vec::new(), None).await
}

/// `POST /liaison/points`: `officer` (`self` or empty), `team_name`, `park_name`,
/// `contact_hours`, `phone`, `unit_ids` (repeated).
pub async fn create(State(state): State<AppState>, UiUser(u): UiUser, CsrfForm(f): CsrfForm<Fields>) -> Response {
    let input = LiaisonInput {
        officer_id: Some(field(&f, "officer").to_string()),
        team_name: Some(field(&f, "team_name").to_string()),
        park_name: Some(field(&f, "park_name").to_string()),
        contact_hours: field(&f, "contact_hours").to_string(),
        phone: field(&f, "phone").to_string(),
        unit_ids: fields(&f, "unit_ids").into_iter().map(str::to_string).collect(),
    };
    match state.services.liaison.create(&u.principal, input).await {
        Ok(p) => Redirect::to(&format!("/liaison/points/{}", p.point.id)).into_response(),
        Err(e) => {
            let e: ApiError = e.into();
            if matches!(e.code.http_status(), 400 | 409) {
                hub_page(&state, &u, &f, Some(e)).await
            } else {
                error_page(&u, e)
            }
        }
    }
}

#[derive(Template)]
#[template(path = "liaison/point.html")]
struct PointPage {
    nav: Nav,
    p: PointRow,
    units: Vec<LiaisonUnit>,
    history: Vec<HistoryRow>,
    may_manage: bool,
    choices: Vec<(String, String, bool)>,
    error: Option<String>,
}

async fn point_page(state: &AppState, u: &CurrentUser, id: &str, error: Option<ApiError>) -> Response {
    let d = match state.services.liaison.get(&u.principal, id).await {
        Ok(d) => d,
        Err(e) => return error_page(u, e.into()),
    };
    let may_manage = u.principal.can(Permission::LiaisonManage);
    let mut choices: Vec<(String, String, bool)> = d
        .units
        .iter()
        .map(|x| (x.unit_id.clone(), x.unit_name.clone(), true))
        .collect();
    if may_manage {
        if let Ok(l) = state
            .services
            .registry
            .units(&u.principal, &UnitFilter::default(), Page { page: 1, per_page: 200 })
            .await
        {
            for x in l.items {
                if !choices.iter().any(|c| c.0 == x.id) {
                    choices.push((x.id, x.name, false));
                }
            }
        }
    }
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    with_status(
        render(&PointPage {
            nav: Nav::new(u),
            p: point_row(&d.point),
            units: d.units.clone(),
            history: d.history.iter().map(history_row).collect(),
            may_manage,
            choices,
            error: error.map(|e| e.message),
        }),
        status,
    )
}

/// `GET /liaison/points/{id}`.
pub async fn point(State(state): State<AppState>, UiUser(u): UiUser, Path(id): Path<String>) -> Response {
    point_page(&state, &u, &id, None).await
}

/// `POST /liaison/points/{id}/units`: `unit_ids` (repeated): the units as they should be.
pub async fn set_units(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let ids: Vec<String> = fields(&f, "unit_ids").into_iter().map(str::to_string).collect();
    match state.services.liaison.set_units(&u.principal, &id, &ids).await {
        Ok(_) => Redirect::to(&format!("/liaison/points/{id}")).into_response(),
        Err(e) => {
            let e: ApiError = e.into();
            if matches!(e.code.http_status(), 400 | 409) {
                point_page(&state, &u, &id, Some(e)).await
            } else {
                error_page(&u, e)
            }
        }
    }
}

#[derive(Template)]
#[template(path = "liaison/unit.html")]
struct UnitPage {
    nav: Nav,
    unit_id: String,
    unit_name: String,
    points: Vec<PointRow>,
    history: Vec<HistoryRow>,
}

/// `GET /units/{id}/liaison`: the unit's liaison officers (phones masked) and its history.
pub async fn unit(State(state): State<AppState>, UiUser(u): UiUser, Path(id): Path<String>) -> Response {
    let l = match state.services.liaison.of_unit(&u.principal, &id).await {
        Ok(l) => l,
        Err(e) => return error_page(&u, e.into()),
    };
    let unit_name = match state.services.registry.unit(&u.principal, &id).await {
        Ok(x) => x.name,
        Err(e) => return error_page(&u, e.into()),
    };
    render(&UnitPage {
        nav: Nav::new(&u),
        unit_id: id,
        unit_name,
        points: l.points.iter().map(point_row).collect(),
        history: l.history.iter().map(history_row).collect(),
    })
}
