//! The phone-sized run page of a drill (`/drills/{id}/run`, 390×844, large touch targets): the
//! start button, then one button per expected action tapped as it happens (the server records
//! the time), an optional photo per recorded step, and the finish button. A double tap records
//! one step.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::access::Permission;
use neibao_domain::drills::{Drill, DrillState};
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::multipart::CsrfMultipart;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{field, status_of, with_status, Fields};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_time, Nav};

/// One expected action as shown on the run page.
pub struct RunStep {
    pub seq: i64,
    pub label: String,
    pub target_minutes: i64,
    /// When it was recorded (Beijing time), "" when not yet.
    pub at: String,
    /// Minutes from the start, "" when not yet.
    pub minutes: String,
    pub photo_id: Option<String>,
}

#[derive(Template)]
#[template(path = "drills/run.html")]
struct RunPage {
    nav: Nav,
    id: String,
    title: String,
    scenario: &'static str,
    planned: bool,
    running: bool,
    started_at: String,
    finished_at: String,
    steps: Vec<RunStep>,
    recorded: usize,
    may_run: bool,
    error: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RunQuery {
    done: String,
}

fn page(u: &CurrentUser, d: &Drill, error: Option<ApiError>, notice: Option<String>) -> Response {
    let steps = d
        .expected
        .iter()
        .map(|a| {
            let s = d.steps.iter().find(|s| s.seq == a.seq);
            RunStep {
                seq: a.seq,
                label: a.label.clone(),
                target_minutes: a.target_minutes,
                at: s.map(|s| fmt_time(s.at)).unwrap_or_default(),
                minutes: match (s, d.started_at) {
                    (Some(s), Some(t0)) => format!("{:.1}", (s.at - t0).num_seconds() as f64 / 60.0),
                    _ => String::new(),
                },
                photo_id: s.and_then(|s| s.photo_id.clone()),
            }
        })
        .collect();
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    with_status(
        render(&RunPage {
            nav: Nav::new(u),
            id: d.id.clone(),
            title: d.title.clone(),
            scenario: d.scenario.label_zh(),
            planned: d.state == DrillState::Planned,
            running: d.state == DrillState::Running,
            started_at: d.started_at.map(fmt_time).unwrap_or_default(),
            finished_at: d.finished_at.map(fmt_time).unwrap_or_default(),
            steps,
            recorded: d.steps.len(),
            may_run: u.principal.can(Permission::DrillRun),
            error: error.map(|e| e.message),
            notice,
        }),
        status,
    )
}

/// `GET /drills/{id}/run`.
pub async fn run(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    Query(q): Query<RunQuery>,
) -> Response {
    let notice = match q.done.as_str() {
        "started" => Some("演练已开始：每完成一个动作，立即点击对应按钮".to_string()),
        "step" => Some("已记录".to_string()),
        "finished" => Some("演练已结束，请保卫负责人评估".to_string()),
        "photo" => Some("照片已上传".to_string()),
        _ => None,
    };
    match state.services.drills.get(&u.principal, &id).await {
        Ok(d) => page(&u, &d, None, notice),
        Err(e) => error_page(&u, e.into()),
    }
}

async fn refused(state: &AppState, u: &CurrentUser, id: &str, e: ApiError) -> Response {
    if matches!(e.code.http_status(), 400 | 409 | 413) {
        match state.services.drills.get(&u.principal, id).await {
            Ok(d) => page(u, &d, Some(e), None),
            Err(e2) => error_page(u, e2.into()),
        }
    } else {
        error_page(u, e)
    }
}

/// `POST /drills/{id}/start`.
pub async fn start(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(_f): CsrfForm<Fields>,
) -> Response {
    match state.services.drills.start(&u.principal, &id).await {
        Ok(_) => Redirect::to(&format!("/drills/{id}/run?done=started")).into_response(),
        Err(e) => refused(&state, &u, &id, e.into()).await,
    }
}

/// `POST /drills/{id}/step`: `seq` of the action done.
pub async fn step(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let r = async {
        u.principal.require(Permission::DrillRun)?;
        let seq: i64 = field(&f, "seq")
            .trim()
            .parse()
            .map_err(|_| ApiError::validation("请点击一个演练步骤"))?;
        Ok::<_, ApiError>(state.services.drills.step(&u.principal, &id, seq).await?)
    }
    .await;
    match r {
        Ok(_) => Redirect::to(&format!("/drills/{id}/run?done=step")).into_response(),
        Err(e) => refused(&state, &u, &id, e).await,
    }
}

/// `POST /drills/{id}/photo`: multipart `csrf`, `_once`, `seq`, then `file`.
pub async fn photo(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    body: CsrfMultipart,
) -> Response {
    let svc = &state.services.drills;
    let r = async {
        // Who and which drill before the upload is read (403, 404).
        u.principal.require(Permission::DrillRun)?;
        svc.get(&u.principal, &id).await?;
        let (file, sent) = body.file_with_fields().await?;
        let seq: i64 = field(&sent, "seq")
            .trim()
            .parse()
            .map_err(|_| ApiError::validation("缺少演练步骤"))?;
        Ok::<_, ApiError>(svc.add_step_photo(&u.principal, &id, seq, file).await?)
    }
    .await;
    match r {
        Ok(_) => Redirect::to(&format!("/drills/{id}/run?done=photo")).into_response(),
        Err(e) if matches!(e.code.http_status(), 403 | 404) => error_page(&u, e),
        Err(e) => refused(&state, &u, &id, e).await,
    }
}

/// `POST /drills/{id}/finish`.
pub async fn finish(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(_f): CsrfForm<Fields>,
) -> Response {
    match state.services.drills.finish(&u.principal, &id).await {
        Ok(_) => Redirect::to(&format!("/drills/{id}/run?done=finished")).into_response(),
        Err(e) => refused(&state, &u, &id, e.into()).await,
    }
}
