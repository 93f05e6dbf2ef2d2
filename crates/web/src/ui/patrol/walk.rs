//! The phone-sized walking page of a round (`/patrol/rounds/{id}`, 390×844, large touch
//! targets): a text field the NFC/QR reader (or the keyboard) types the tag id into, one button
//! per checkpoint to tap, and the finish button. A wrong tag shows a zh-CN error and keeps the
//! round as it was; a double tap records one visit.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::access::Permission;
use neibao_domain::patrol::{PatrolRound, RoundState};
use neibao_engine::patrol::VisitInput;
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::multipart::CsrfMultipart;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{field, status_of, with_status, Fields};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_time, Nav};

/// One checkpoint of the round as shown.
pub struct Stop {
    pub id: String,
    pub seq: i64,
    pub name: String,
    /// When it was visited (Beijing time), "" when not yet.
    pub visited_at: String,
    pub method: String,
    /// The visit's id, "" when not yet visited.
    pub visit_id: String,
    /// The attachment id of the photo taken there, if any.
    pub photo_id: Option<String>,
}

#[derive(Template)]
#[template(path = "patrol/round.html")]
struct RoundPage {
    nav: Nav,
    id: String,
    route_id: String,
    route_name: String,
    guard_name: String,
    in_progress: bool,
    started_at: String,
    finished_at: String,
    stops: Vec<Stop>,
    visited: usize,
    missed: Vec<String>,
    may_walk: bool,
    /// Whether the caller may add photos (the unit's guards and manager).
    own_round: bool,
    tag: String,
    error: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RoundQuery {
    done: String,
}

fn page(u: &CurrentUser, r: &PatrolRound, tag: String, error: Option<ApiError>, notice: Option<String>) -> Response {
    let stops = r
        .expected
        .iter()
        .map(|c| {
            let v = r.visits.iter().find(|v| v.checkpoint_id == c.id);
            Stop {
                id: c.id.clone(),
                seq: c.seq,
                name: c.name.clone(),
                visited_at: v.map(|v| fmt_time(v.visited_at)).unwrap_or_default(),
                method: v
                    .map(|v| if v.method == "scan" { "扫描" } else { "点选" })
                    .unwrap_or_default()
                    .to_string(),
                visit_id: v.map(|v| v.id.clone()).unwrap_or_default(),
                photo_id: v.and_then(|v| v.photo_id.clone()),
            }
        })
        .collect();
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    with_status(
        render(&RoundPage {
            nav: Nav::new(u),
            id: r.id.clone(),
            route_id: r.route_id.clone(),
            route_name: r.route_name.clone(),
            guard_name: r.guard_name.clone(),
            in_progress: r.state == RoundState::InProgress,
            started_at: fmt_time(r.started_at),
            finished_at: r.finished_at.map(fmt_time).unwrap_or_default(),
            stops,
            visited: r.visits.len(),
            missed: if r.state == RoundState::Finished {
                r.missed().iter().map(|c| c.name.clone()).collect()
            } else {
                Vec::new()
            },
            may_walk: u.principal.can(Permission::PatrolWalk),
            own_round: u.principal.can(Permission::PatrolWalk),
            tag,
            error: error.map(|e| e.message),
            notice,
        }),
        status,
    )
}

/// `GET /patrol/rounds/{id}`.
pub async fn round(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    Query(q): Query<RoundQuery>,
) -> Response {
    let notice = match q.done.as_str() {
        "started" => Some("巡查已开始：到达每个巡查点后扫描标签或点选该巡查点".to_string()),
        "visited" => Some("已记录".to_string()),
        "finished" => Some("巡查已结束".to_string()),
        "photo" => Some("照片已上传".to_string()),
        _ => None,
    };
    match state.services.patrol.round(&u.principal, &id).await {
        Ok(r) => page(&u, &r, String::new(), None, notice),
        Err(e) => error_page(&u, e.into()),
    }
}

/// `POST /patrol/routes/{id}/start`: starts a round and opens its walking page.
pub async fn start(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(_f): CsrfForm<Fields>,
) -> Response {
    match state.services.patrol.start_round(&u.principal, &id).await {
        Ok(r) => Redirect::to(&format!("/patrol/rounds/{}?done=started", r.id)).into_response(),
        Err(e) => error_page(&u, e.into()),
    }
}

/// `POST /patrol/rounds/{id}/visit`: `tag` (scanned or typed) or `checkpoint_id` (tapped).
pub async fn visit(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let svc = &state.services.patrol;
    let input = VisitInput {
        tag: Some(field(&f, "tag").to_string()).filter(|s| !s.trim().is_empty()),
        checkpoint_id: Some(field(&f, "checkpoint_id").to_string()).filter(|s| !s.trim().is_empty()),
    };
    match svc.visit(&u.principal, &id, input).await {
        Ok(_) => Redirect::to(&format!("/patrol/rounds/{id}?done=visited")).into_response(),
        Err(e) => {
            let e: ApiError = e.into();
            if matches!(e.code.http_status(), 400 | 409) {
                match svc.round(&u.principal, &id).await {
                    Ok(r) => page(&u, &r, field(&f, "tag").to_string(), Some(e), None),
                    Err(e2) => error_page(&u, e2.into()),
                }
            } else {
                error_page(&u, e)
            }
        }
    }
}

/// `POST /patrol/rounds/{id}/visits/{visit}/photo`: the photo taken at a visited checkpoint
/// (multipart: `csrf`, `_once`, then `file`; the camera opens on a phone). A refused photo shows
/// the round again with the zh-CN message; nothing of the round is lost.
pub async fn photo(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path((id, visit)): Path<(String, String)>,
    body: CsrfMultipart,
) -> Response {
    let svc = &state.services.patrol;
    let r = async {
        svc.check_visit_photo_target(&u.principal, &id, &visit).await?;
        let file = body.file().await?;
        Ok::<_, ApiError>(svc.add_visit_photo(&u.principal, &id, &visit, file).await?)
    }
    .await;
    match r {
        Ok(_) => Redirect::to(&format!("/patrol/rounds/{id}?done=photo")).into_response(),
        Err(e) if matches!(e.code.http_status(), 400 | 403 | 409 | 413) => match svc.round(&u.principal, &id).await {
            Ok(r) => page(&u, &r, String::new(), Some(e), None),
            Err(e2) => error_page(&u, e2.into()),
        },
        Err(e) => error_page(&u, e),
    }
}

/// `POST /patrol/rounds/{id}/finish`: finishes the round (checkpoints not visited raise alerts).
pub async fn finish(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(_f): CsrfForm<Fields>,
) -> Response {
    match state.services.patrol.finish_round(&u.principal, &id).await {
        Ok(_) => Redirect::to(&format!("/patrol/rounds/{id}?done=finished")).into_response(),
        Err(e) => error_page(&u, e.into()),
    }
}
