//! `GET /imports/units` (the upload form), `POST /imports/units` (starts the import, then goes
//! to its page), `GET /imports/{id}` (the job: progress, counts, bad rows).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::access::Permission;
use neibao_domain::error::ErrorCode;
use neibao_domain::imports::{ImportJob, ImportMode, ImportStatus, RowError};

use crate::api::imports::mode_of;
use crate::error::ApiError;
use crate::extract::multipart::CsrfMultipart;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_time, Nav};

#[derive(Template)]
#[template(path = "imports/upload.html")]
struct UploadPage {
    nav: Nav,
    error: Option<String>,
    modes: Vec<(&'static str, &'static str)>,
}

#[derive(Template)]
#[template(path = "imports/job.html")]
struct JobPage {
    nav: Nav,
    job: ImportJob,
    status: &'static str,
    running: bool,
    /// Percent of the rows checked (then written), 0–100.
    percent: u32,
    started: String,
    finished: String,
    mode: &'static str,
    errors: Vec<RowError>,
}

fn refused() -> ApiError {
    ApiError::msg(ErrorCode::Forbidden, "当前角色无权批量导入单位")
}

fn upload_form(u: &CurrentUser, error: Option<String>) -> Response {
    render(&UploadPage {
        nav: Nav::new(u),
        error,
        modes: vec![
            (
                ImportMode::AllOrNothing.code(),
                "全部正确才导入（有任何错误行则一行也不导入）",
            ),
            (ImportMode::GoodRowsOnly.code(), "仅导入正确的行（错误行列出，不导入）"),
        ],
    })
}

/// `GET /imports/units`.
pub async fn upload_page(UiUser(u): UiUser) -> Response {
    if !u.principal.can(Permission::UnitRegister) {
        return error_page(&u, refused());
    }
    upload_form(&u, None)
}

/// `POST /imports/units`: multipart `csrf`, `_once`, `mode`, `file`. Starts the import and goes
/// to its page; a refused file is shown on the form with the reason.
pub async fn upload(State(state): State<AppState>, UiUser(u): UiUser, mp: CsrfMultipart) -> Response {
    if !u.principal.can(Permission::UnitRegister) {
        return error_page(&u, refused());
    }
    let r = async {
        let (file, fields) = mp.file_with_fields().await.map_err(|e| match e.code {
            ErrorCode::PayloadTooLarge => ApiError::msg(ErrorCode::PayloadTooLarge, "文件不超过10MB"),
            _ => e,
        })?;
        if file.data.is_empty() {
            return Err(ApiError::validation("请选择要导入的电子表格文件"));
        }
        let mode = mode_of(&fields)?;
        Ok::<_, ApiError>(
            state
                .services
                .imports
                .start(&u.principal, &file.name, file.data, mode)
                .await?,
        )
    }
    .await;
    match r {
        Ok(job) => Redirect::to(&format!("/imports/{}", job.id)).into_response(),
        Err(e) => {
            let status = StatusCode::from_u16(e.code.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
            let mut resp = upload_form(&u, Some(e.message));
            *resp.status_mut() = status;
            resp
        }
    }
}

/// `GET /imports/{id}`: the caller's job (someone else's is not found).
pub async fn job_page(State(state): State<AppState>, UiUser(u): UiUser, Path(id): Path<String>) -> Response {
    let job = match state.services.imports.job(&u.principal, &id).await {
        Ok(j) => j,
        Err(e) => return error_page(&u, e.into()),
    };
    let running = job.status == ImportStatus::Running;
    let mut nav = Nav::new(&u);
    if running {
        nav.autorefresh = 2;
    }
    // Checking is the first half of the bar, writing the second.
    let total = job.rows_total.max(1) as u64;
    let percent = if running {
        ((u64::from(job.rows_checked) * 50 + u64::from(job.rows_written) * 50) / total).min(99) as u32
    } else {
        100
    };
    render(&JobPage {
        nav,
        status: job.status.label_zh(),
        running,
        percent,
        started: fmt_time(job.created_at),
        finished: job.finished_at.map(fmt_time).unwrap_or_default(),
        mode: job.mode.label_zh(),
        errors: job.errors.clone(),
        job,
    })
}
