//! `/visitors` (the unit's visits, the host's invitation form, approvals, settings) and
//! `/visitors/{id}` (one visit: the link's QR code while the visitor has not filled it in, the
//! host's decision, check-in and check-out).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use neibao_domain::access::Permission;
use neibao_domain::paging::Page;
use neibao_domain::visitors::{VisitStatus, VisitorSettings};
use neibao_engine::visitors::{InvitationDraft, VisitorService};
use serde::Deserialize;

use super::view::VisitView;
use crate::api::visitors::{invitation_link, qr_svg};
use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{field, fields, refused_in_form, status_of, with_status, Fields, Sent};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::Nav;

#[derive(Template)]
#[template(path = "visitors/hub.html")]
struct HubPage {
    nav: Nav,
    may_host: bool,
    visits: Vec<VisitView>,
    total: i64,
    q: String,
    status: String,
    statuses: Vec<(&'static str, &'static str)>,
    areas: Vec<(String, String)>,
    settings: VisitorSettings,
    sent: Sent,
    notice: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct HubQuery {
    /// An ID number to look up (blind index).
    q: String,
    status: String,
    done: String,
}

async fn hub_page(state: &AppState, u: &CurrentUser, q: &HubQuery, sent: Sent, error: Option<ApiError>) -> Response {
    let svc = &state.services.visitors;
    let unit = match VisitorService::own_unit(&u.principal) {
        Ok(unit) => unit,
        Err(e) => return error_page(u, e.into()),
    };
    let status = VisitStatus::from_code(q.status.trim());
    let search = Some(q.q.as_str()).filter(|s| !s.trim().is_empty());
    let list = match svc
        .list(
            &u.principal,
            Some(unit.clone()),
            status,
            search,
            None,
            Page::new(Some(1), Some(100)),
        )
        .await
    {
        Ok(l) => l,
        Err(e) => return error_page(u, e.into()),
    };
    let settings = match svc.settings(&u.principal, &unit).await {
        Ok(s) => s,
        Err(e) => return error_page(u, e.into()),
    };
    let may_host = u.principal.can(Permission::VisitorHost);
    let areas = if may_host {
        state
            .services
            .registry
            .key_areas(&u.principal, &unit)
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|a| (a.id, a.name))
            .collect()
    } else {
        Vec::new()
    };
    let notice = match q.done.as_str() {
        "settings" => Some("已保存".to_string()),
        _ => None,
    };
    let status_code = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    with_status(
        render(&HubPage {
            nav: Nav::new(u),
            may_host,
            visits: list.items.iter().map(VisitView::of).collect(),
            total: list.total,
            q: q.q.clone(),
            status: q.status.clone(),
            statuses: VisitStatus::ALL.iter().map(|s| (s.code(), s.label_zh())).collect(),
            areas,
            settings,
            sent,
            notice,
            error: error.map(|e| e.message),
        }),
        status_code,
    )
}

/// `GET /visitors`.
pub async fn hub(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<HubQuery>) -> Response {
    hub_page(&state, &u, &q, Sent::default(), None).await
}

/// `POST /visitors/invitations`: `host_name`, `purpose`, `expected_on` (YYYY-MM-DD), `area`
/// (repeated).
pub async fn invite(State(state): State<AppState>, UiUser(u): UiUser, CsrfForm(f): CsrfForm<Fields>) -> Response {
    let unit = u.principal.unit_id.clone().unwrap_or_default();
    let r = async {
        let expected_on = match field(&f, "expected_on").trim() {
            "" => None,
            s => Some(NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
                ApiError::from(neibao_engine::error::ServiceError::invalid("来访日期格式应为 年-月-日"))
            })?),
        };
        let d = InvitationDraft {
            unit_id: unit,
            host_name: field(&f, "host_name").to_string(),
            purpose: field(&f, "purpose").to_string(),
            expected_on,
            area_ids: fields(&f, "area").into_iter().map(str::to_string).collect(),
        };
        Ok::<_, ApiError>(state.services.visitors.invite(&u.principal, d).await?)
    }
    .await;
    match r {
        Ok(inv) => Redirect::to(&format!("/visitors/{}?done=invited", inv.visit.id)).into_response(),
        Err(e) if refused_in_form(&e) => {
            hub_page(&state, &u, &HubQuery::default(), Sent::new("invite", &f), Some(e)).await
        }
        Err(e) => error_page(&u, e),
    }
}

/// `POST /visitors/settings`: `retention_days`, `closing_time` (HH:MM).
pub async fn settings(State(state): State<AppState>, UiUser(u): UiUser, CsrfForm(f): CsrfForm<Fields>) -> Response {
    let r = async {
        let retention_days = field(&f, "retention_days").trim().parse::<i64>().map_err(|_| {
            ApiError::from(neibao_engine::error::ServiceError::invalid(
                "访客记录保存期限应为 1–365 天",
            ))
        })?;
        let s = VisitorSettings {
            unit_id: u.principal.unit_id.clone().unwrap_or_default(),
            retention_days,
            closing_time: field(&f, "closing_time").to_string(),
        };
        Ok::<_, ApiError>(state.services.visitors.set_settings(&u.principal, s).await?)
    }
    .await;
    match r {
        Ok(_) => Redirect::to("/visitors?done=settings").into_response(),
        Err(e) if refused_in_form(&e) => {
            hub_page(&state, &u, &HubQuery::default(), Sent::new("settings", &f), Some(e)).await
        }
        Err(e) => error_page(&u, e),
    }
}

#[derive(Template)]
#[template(path = "visitors/visit.html")]
struct VisitPage {
    nav: Nav,
    v: VisitView,
    link: String,
    qr: String,
    may_host: bool,
    may_gate: bool,
    notice: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VisitQuery {
    done: String,
}

async fn visit_page(
    state: &AppState,
    u: &CurrentUser,
    headers: &HeaderMap,
    id: &str,
    notice: Option<String>,
    error: Option<ApiError>,
) -> Response {
    let v = match state.services.visitors.get(&u.principal, id).await {
        Ok(v) => v,
        Err(e) => return error_page(u, e.into()),
    };
    let (link, qr) = match &v.link_token {
        Some(t) => {
            let link = invitation_link(state, headers, t);
            let qr = qr_svg(&link);
            (link, qr)
        }
        None => (String::new(), String::new()),
    };
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    with_status(
        render(&VisitPage {
            nav: Nav::new(u),
            v: VisitView::of(&v),
            link,
            qr,
            may_host: u.principal.can(Permission::VisitorHost),
            may_gate: u.principal.can(Permission::VisitorGate),
            notice,
            error: error.map(|e| e.message),
        }),
        status,
    )
}

/// `GET /visitors/{id}`.
pub async fn visit(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<VisitQuery>,
) -> Response {
    let notice = match q.done.as_str() {
        "invited" => Some("邀请已创建：把下面的链接或二维码发给访客".to_string()),
        "approved" => Some("已批准".to_string()),
        "rejected" => Some("已退回".to_string()),
        "in" => Some("已登记入场".to_string()),
        "out" => Some("已登记离场".to_string()),
        _ => None,
    };
    visit_page(&state, &u, &headers, &id, notice, None).await
}

/// `POST /visitors/{id}/decision`: `approve` (1 or 0), `note`.
pub async fn decide(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let approve = field(&f, "approve") == "1";
    match state
        .services
        .visitors
        .decide(&u.principal, &id, approve, field(&f, "note"))
        .await
    {
        Ok(_) => Redirect::to(&format!(
            "/visitors/{id}?done={}",
            if approve { "approved" } else { "rejected" }
        ))
        .into_response(),
        Err(e) => {
            let e: ApiError = e.into();
            if refused_in_form(&e) {
                visit_page(&state, &u, &headers, &id, None, Some(e)).await
            } else {
                error_page(&u, e)
            }
        }
    }
}
