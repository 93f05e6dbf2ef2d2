//! The pages of `mod.rs`. A refused form shows the zh-CN error and keeps what was typed.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::access::Permission;
use neibao_domain::alarms::duration_zh;
use neibao_domain::enterprise_requests::{
    EnterpriseRequest, Rating, RequestCounts, RequestDetail, RequestFilter, RequestKind, RESPONSE_DAYS,
};
use neibao_domain::paging::Page;
use neibao_engine::enterprise_requests::FileInput;
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::multipart::CsrfMultipart;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{field, status_of, with_status, Fields};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_time, Nav, Pager};

/// A request as a row shows it.
pub struct Row {
    pub id: String,
    pub unit_id: String,
    pub unit: String,
    pub kind: String,
    pub text: String,
    pub state: String,
    pub overdue: bool,
    pub filed: String,
    pub filed_by: String,
    pub deadline: String,
    pub handler: String,
    pub station: String,
    pub first_reply: String,
    pub closed: String,
    pub closing_note: String,
    pub rating: String,
}

fn row(r: &EnterpriseRequest) -> Row {
    Row {
        id: r.id.clone(),
        unit_id: r.unit_id.clone(),
        unit: r.unit_name.clone(),
        kind: r.kind.label_zh().to_string(),
        text: r.text.clone(),
        state: r.state_zh(),
        overdue: r.overdue,
        filed: fmt_time(r.filed_at),
        filed_by: r.filed_by_name.clone(),
        deadline: fmt_time(r.deadline),
        handler: r.handler_name.clone().unwrap_or_default(),
        station: r.station_name.clone().unwrap_or_default(),
        first_reply: r.seconds_to_first_reply().map(duration_zh).unwrap_or_default(),
        closed: match (r.closed_at, &r.closed_by) {
            (Some(t), Some(by)) => format!("{} 由 {by} 办结", fmt_time(t)),
            (Some(t), None) => fmt_time(t),
            _ => String::new(),
        },
        closing_note: r.closing_note.clone(),
        rating: r.rating_zh().to_string(),
    }
}

#[derive(Template)]
#[template(path = "enterprise_requests/list.html")]
struct ListPage {
    nav: Nav,
    rows: Vec<Row>,
    total: i64,
    state: String,
    overdue: bool,
    counts: RequestCounts,
    mean_reply: String,
    may_file: bool,
    kinds: Vec<(&'static str, &'static str)>,
    kind: String,
    text: String,
    days: i64,
    pager: Pager,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    /// `open`, `closed` or empty.
    state: String,
    /// `true`: overdue only.
    overdue: String,
    /// One unit's requests only.
    unit_id: String,
    page: Option<u32>,
}

async fn list_page(
    state: &AppState,
    u: &CurrentUser,
    q: &ListQuery,
    sent: &Fields,
    error: Option<ApiError>,
) -> Response {
    let svc = &state.services.enterprise_requests;
    let page = Page::checked(q.page, Some(50)).unwrap_or(Page { page: 1, per_page: 50 });
    let overdue = q.overdue == "true";
    let f = RequestFilter {
        unit_id: (!q.unit_id.trim().is_empty()).then(|| q.unit_id.trim().to_string()),
        state: matches!(q.state.as_str(), "open" | "closed").then(|| q.state.clone()),
        overdue: overdue.then_some(true),
    };
    let l = match svc.list(&u.principal, &f, page).await {
        Ok(l) => l,
        Err(e) => return error_page(u, e.into()),
    };
    let counts = match svc.counts(&u.principal).await {
        Ok(c) => c,
        Err(e) => return error_page(u, e.into()),
    };
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    with_status(
        render(&ListPage {
            nav: Nav::new(u),
            rows: l.items.iter().map(row).collect(),
            total: l.total,
            pager: Pager::new(
                "/enterprise-requests",
                &[
                    ("state", q.state.clone()),
                    ("overdue", q.overdue.clone()),
                    ("unit_id", q.unit_id.clone()),
                ],
                l.page,
                l.per_page,
                l.total,
            ),
            state: q.state.clone(),
            overdue,
            mean_reply: counts
                .mean_seconds_to_first_reply
                .map(duration_zh)
                .unwrap_or_else(|| "—".into()),
            counts,
            may_file: u.principal.can(Permission::EnterpriseRequestFile) && u.principal.unit_id.is_some(),
            kinds: RequestKind::ALL.iter().map(|k| (k.code(), k.label_zh())).collect(),
            kind: field(sent, "kind").to_string(),
            text: field(sent, "text").to_string(),
            days: RESPONSE_DAYS,
            error: error.map(|e| e.message),
        }),
        status,
    )
}

/// `GET /enterprise-requests`.
pub async fn list(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<ListQuery>) -> Response {
    list_page(&state, &u, &q, &Vec::new(), None).await
}

/// `POST /enterprise-requests`: `kind`, `text` (the caller's own unit).
pub async fn file(State(state): State<AppState>, UiUser(u): UiUser, CsrfForm(f): CsrfForm<Fields>) -> Response {
    let unit_id = u.principal.unit_id.clone().unwrap_or_default();
    let input = FileInput {
        kind: field(&f, "kind").to_string(),
        text: field(&f, "text").to_string(),
    };
    match state
        .services
        .enterprise_requests
        .file(&u.principal, &unit_id, input)
        .await
    {
        Ok(r) => Redirect::to(&format!("/enterprise-requests/{}", r.id)).into_response(),
        Err(e) => {
            let e: ApiError = e.into();
            if matches!(e.code.http_status(), 400 | 409) {
                list_page(&state, &u, &ListQuery::default(), &f, Some(e)).await
            } else {
                error_page(&u, e)
            }
        }
    }
}

/// A reply as shown.
pub struct ReplyRow {
    pub police: bool,
    pub author: String,
    pub at: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "enterprise_requests/detail.html")]
struct DetailPage {
    nav: Nav,
    r: Row,
    open: bool,
    rated: bool,
    replies: Vec<ReplyRow>,
    may_handle: bool,
    may_file: bool,
    officers: Vec<(String, String)>,
    ratings: Vec<(&'static str, &'static str)>,
    reply: String,
    note: String,
    error: Option<String>,
    /// The enterprise's files: (id, name, uploaded by and when).
    files: Vec<(String, String, String)>,
    /// The caller may attach a file (the enterprise, request open).
    may_attach: bool,
}

async fn detail_page(
    state: &AppState,
    u: &CurrentUser,
    d: &RequestDetail,
    sent: &Fields,
    error: Option<ApiError>,
) -> Response {
    let mut officers = state.services.liaison.officers(&u.principal).await.unwrap_or_default();
    if !officers.iter().any(|o| o.0 == u.principal.user_id) {
        officers.insert(0, (u.principal.user_id.clone(), u.principal.display_name.clone()));
    }
    if let Some(h) = &d.request.handler_id {
        if let Some(i) = officers.iter().position(|o| &o.0 == h) {
            let o = officers.remove(i);
            officers.insert(0, o);
        }
    }
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    with_status(
        render(&DetailPage {
            nav: Nav::new(u),
            r: row(&d.request),
            open: d.request.state == "open",
            rated: d.request.rating.is_some(),
            replies: d
                .replies
                .iter()
                .map(|x| ReplyRow {
                    police: x.side == "police",
                    author: x.author_name.clone(),
                    at: fmt_time(x.at),
                    text: x.text.clone(),
                })
                .collect(),
            may_handle: u.principal.can(Permission::EnterpriseRequestHandle),
            may_file: u.principal.can(Permission::EnterpriseRequestFile),
            officers,
            ratings: Rating::ALL.iter().map(|k| (k.code(), k.label_zh())).collect(),
            reply: field(sent, "text").to_string(),
            note: field(sent, "note").to_string(),
            error: error.map(|e| e.message),
            files: d
                .attachments
                .iter()
                .map(|a| {
                    (
                        a.id.clone(),
                        a.name.clone(),
                        format!("{} · {}", a.uploaded_by, fmt_time(a.created_at)),
                    )
                })
                .collect(),
            may_attach: d.request.state == "open"
                && u.principal.can(Permission::EnterpriseRequestFile)
                && u.principal.unit_id.as_deref() == Some(d.request.unit_id.as_str())
                && d.attachments.len() < neibao_engine::enterprise_requests::MAX_FILES,
        }),
        status,
    )
}

/// `GET /enterprise-requests/{id}`.
pub async fn detail(State(state): State<AppState>, UiUser(u): UiUser, Path(id): Path<String>) -> Response {
    match state.services.enterprise_requests.get(&u.principal, &id).await {
        Ok(d) => detail_page(&state, &u, &d, &Vec::new(), None).await,
        Err(e) => error_page(&u, e.into()),
    }
}

/// Runs one action of the detail page's forms and shows the page again (or its error).
async fn act(state: &AppState, u: &CurrentUser, id: &str, action: &str, f: &Fields) -> Response {
    let svc = &state.services.enterprise_requests;
    let who = &u.principal;
    let r = match action {
        "assign" => svc.assign(who, id, field(f, "handler_id")).await,
        "reply" => svc.reply(who, id, field(f, "text")).await,
        "close" => svc.close(who, id, field(f, "note")).await,
        _ => svc.rate(who, id, field(f, "rating")).await,
    };
    match r {
        Ok(_) => Redirect::to(&format!("/enterprise-requests/{id}")).into_response(),
        Err(e) => {
            let e: ApiError = e.into();
            if matches!(e.code.http_status(), 400 | 409) {
                match svc.get(who, id).await {
                    Ok(d) => detail_page(state, u, &d, f, Some(e)).await,
                    Err(e2) => error_page(u, e2.into()),
                }
            } else {
                error_page(u, e)
            }
        }
    }
}

/// `POST /enterprise-requests/{id}/assign`: `handler_id` (police).
pub async fn assign(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    act(&state, &u, &id, "assign", &f).await
}

/// `POST /enterprise-requests/{id}/reply`: `text` (either side).
pub async fn reply(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    act(&state, &u, &id, "reply", &f).await
}

/// `POST /enterprise-requests/{id}/close`: `note` (police).
pub async fn close(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    act(&state, &u, &id, "close", &f).await
}

/// `POST /enterprise-requests/{id}/rating`: `rating` (the enterprise).
pub async fn rate(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    act(&state, &u, &id, "rating", &f).await
}

/// `POST /enterprise-requests/{id}/attachments`: the enterprise attaches a file (multipart:
/// `csrf`, `_once`, then `file`); a refused file shows the page with the reason.
pub async fn add_file(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    body: CsrfMultipart,
) -> Response {
    let svc = &state.services.enterprise_requests;
    let r = async {
        svc.check_file_target(&u.principal, &id).await?;
        let file = body.file().await?;
        Ok::<_, ApiError>(svc.add_file(&u.principal, &id, file).await?)
    }
    .await;
    match r {
        Ok(_) => Redirect::to(&format!("/enterprise-requests/{id}#files")).into_response(),
        Err(e) if matches!(e.code.http_status(), 400 | 409 | 413) => match svc.get(&u.principal, &id).await {
            Ok(d) => detail_page(&state, &u, &d, &Vec::new(), Some(e)).await,
            Err(e2) => error_page(&u, e2.into()),
        },
        Err(e) => error_page(&u, e),
    }
}
