//! `GET /imports` (the choice of what to import), `GET /imports/{units,key_areas,persons,accounts}` (the upload
//! form of a kind), `POST /imports/{units,key_areas,persons,accounts}` (starts the import, then goes to its
//! page), `GET /imports/{id}` (the job: progress, counts, bad rows).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::error::ErrorCode;
use neibao_domain::imports::{ImportJob, ImportKind, ImportMode, ImportStatus, RowError};

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
    /// The kind's code (the form's and the template's path) and Chinese name.
    kind: &'static str,
    label: &'static str,
    /// What a row must satisfy, for this kind.
    intro: &'static str,
}

#[derive(Template)]
#[template(path = "imports/choose.html")]
struct ChoosePage {
    nav: Nav,
    /// (code, 单位, what it imports)
    kinds: Vec<(&'static str, &'static str, &'static str)>,
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
    kind: &'static str,
    label: &'static str,
}

fn refused() -> ApiError {
    ApiError::msg(ErrorCode::Forbidden, "当前角色无权批量导入")
}

/// What a row of each kind must satisfy (the upload page's introduction).
fn intro(kind: ImportKind) -> &'static str {
    match kind {
        ImportKind::Units => "每一行在写入前都按单位登记的规则核验（统一社会信用代码、行政区划代码、所属派出所和行业主管部门须在本辖区内等）；同一统一社会信用代码已登记且内容相同的行跳过。",
        ImportKind::KeyAreas => "每一行按统一社会信用代码找到已登记的本辖区单位，按添加重要部位的规则核验（名称必填、不超过100字，说明不超过500字）；同一单位已有同名且说明相同的重要部位跳过，说明不同的行不导入（请在单位页修改）。",
        ImportKind::Devices => "每一行按统一社会信用代码找到已登记、未注销的本辖区单位，重要部位须为该单位已登记的，按登记设备的规则核验（名称、设备类型、接入格式、序列号、时区偏移）；同一单位已有相同序列号（无序列号时为同名）且内容相同的设备跳过，内容不同的行不导入（请在单位页修改）。导入的设备不显示接入令牌：配置每台设备时，请在单位页该设备的“重新生成接入令牌”取得接入地址。",
        ImportKind::Persons => "每一行按统一社会信用代码找到已登记的本辖区单位（已注销的单位不导入），按新增责任人的规则核验（身份、姓名必填，公民身份号码按GB 11643核验校验位，电话为手机或固定电话）。同一单位内按身份和公民身份号码识别同一责任人：姓名和电话相同的行跳过，姓名或电话不同的行更新该责任人并记入变更记录；电话留空则保留已登记的电话。身份证号和电话加密保存，页面上只显示脱敏信息。",
        ImportKind::Accounts => "每一行按开设账号的规则核验（用户名、姓名、角色，以及本辖区内的所属机构或所在单位）；用户名已存在且内容相同的行跳过。导入的账号不生成可见的密码：请在账号页为每个账号“重置密码”，临时密码只显示一次，交本人首次登录后修改。",
    }
}

/// What each kind imports (the choice page).
fn summary(kind: ImportKind) -> &'static str {
    match kind {
        ImportKind::Units => "按统一社会信用代码登记单位，含所属派出所、行业主管部门、重点单位类别和负责人",
        ImportKind::KeyAreas => "为已登记的单位添加重要部位（按单位的统一社会信用代码）",
        ImportKind::Persons => {
            "为已登记的单位导入责任人（主要负责人、分管负责人、保卫负责人，按单位的统一社会信用代码）"
        }
        ImportKind::Accounts => "批量开设账号（用户名、姓名、角色、所属机构或所在单位），仅系统管理员",
        ImportKind::Devices => "为已登记的单位批量登记设备（设备台账：名称、类型、接入格式、序列号、所在重要部位）",
    }
}

/// `GET /imports`: what to import.
pub async fn choose_page(UiUser(u): UiUser) -> Response {
    let kinds: Vec<_> = ImportKind::ALL
        .iter()
        .filter(|k| u.principal.can(k.permission()))
        .map(|k| (k.code(), k.label_zh(), summary(*k)))
        .collect();
    if kinds.is_empty() {
        return error_page(&u, refused());
    }
    render(&ChoosePage {
        nav: Nav::new(&u),
        kinds,
    })
}

fn upload_form(u: &CurrentUser, kind: ImportKind, error: Option<String>) -> Response {
    render(&UploadPage {
        nav: Nav::new(u),
        kind: kind.code(),
        label: kind.label_zh(),
        intro: intro(kind),
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
pub async fn units_page(UiUser(u): UiUser) -> Response {
    upload_page(u, ImportKind::Units)
}

/// `GET /imports/key_areas`.
pub async fn key_areas_page(UiUser(u): UiUser) -> Response {
    upload_page(u, ImportKind::KeyAreas)
}

/// `GET /imports/persons`.
pub async fn persons_page(UiUser(u): UiUser) -> Response {
    upload_page(u, ImportKind::Persons)
}

/// `GET /imports/accounts`.
pub async fn accounts_page(UiUser(u): UiUser) -> Response {
    upload_page(u, ImportKind::Accounts)
}

pub(super) fn upload_page(u: CurrentUser, kind: ImportKind) -> Response {
    if !u.principal.can(kind.permission()) {
        return error_page(&u, refused());
    }
    upload_form(&u, kind, None)
}

/// `POST /imports/units`.
pub async fn units_upload(State(state): State<AppState>, UiUser(u): UiUser, mp: CsrfMultipart) -> Response {
    upload(state, u, mp, ImportKind::Units).await
}

/// `POST /imports/key_areas`.
pub async fn key_areas_upload(State(state): State<AppState>, UiUser(u): UiUser, mp: CsrfMultipart) -> Response {
    upload(state, u, mp, ImportKind::KeyAreas).await
}

/// `POST /imports/persons`.
pub async fn persons_upload(State(state): State<AppState>, UiUser(u): UiUser, mp: CsrfMultipart) -> Response {
    upload(state, u, mp, ImportKind::Persons).await
}

/// Multipart `csrf`, `_once`, `mode`, `file`. Starts the import and goes to its page; a refused
/// file is shown on the form with the reason.
/// `POST /imports/accounts`.
pub async fn accounts_upload(State(state): State<AppState>, UiUser(u): UiUser, mp: CsrfMultipart) -> Response {
    upload(state, u, mp, ImportKind::Accounts).await
}

pub(super) async fn upload(state: AppState, u: CurrentUser, mp: CsrfMultipart, kind: ImportKind) -> Response {
    if !u.principal.can(kind.permission()) {
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
                .start(&u.principal, kind, &file.name, file.data, mode)
                .await?,
        )
    }
    .await;
    match r {
        Ok(job) => Redirect::to(&format!("/imports/{}", job.id)).into_response(),
        Err(e) => {
            let status = StatusCode::from_u16(e.code.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
            let mut resp = upload_form(&u, kind, Some(e.message));
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
        kind: job.kind.code(),
        label: job.kind.label_zh(),
        job,
    })
}
