//! The device import (docs/IMPORTS.md "Devices"): `GET /api/v1/imports/devices/template` and
//! `POST /api/v1/imports/devices`, through the same import engine, job and refusals as the
//! other kinds (`crate::api::imports`). Those who may register units (`unit.register`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use neibao_domain::imports::{ImportJob, ImportKind};

use crate::api::imports::{import_of, template_of, ImportForm};
use crate::error::ApiResult;
use crate::extract::multipart::{upload_limit, CsrfMultipart};
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

/// The device import template (`设备导入模板.xlsx`): 单位统一社会信用代码, 重要部位名称, 设备名称,
/// 设备类型 and 接入格式 (drop-down lists of their Chinese labels), 序列号, 时区偏移, and a sheet
/// of filling instructions.
#[utoipa::path(get, path = "/api/v1/imports/devices/template", tag = "imports",
    responses((status = 200, description = "设备导入模板（.xlsx）", content((Vec<u8> =
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = crate::error::ErrorBody)))]
pub async fn device_template(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Response> {
    template_of(&state, &user, ImportKind::Devices)
}

/// Registers devices of registered units from a filled template, as `POST /api/v1/imports/units`
/// imports units (the same file refusals, modes and job). A row names its unit by USCC
/// (registered, not closed, inside the caller's jurisdiction: `unit_not_found`,
/// `outside_jurisdiction`, `unit_closed`), optionally a key area of that unit by name
/// (`key_area_not_found`), the device's name, kind and ingest format by their Chinese labels
/// (`invalid_device_kind`, `invalid_device_format`), its serial number and clock offset
/// (`invalid_utc_offset`). A device is recognised by its unit and serial number (without one: by
/// its unit and name): the same content is unchanged, other content refused
/// (`device_registered_differently`); twice in the file: `duplicate_in_file`. Each device is
/// registered as `POST /api/v1/devices` registers one (`device.create`) with a random token that
/// is shown to nobody: the device's token is issued with `POST /api/v1/devices/{id}/token` when
/// it is configured (the job's `notice` says so). The import is audited as `import.devices`.
#[utoipa::path(post, path = "/api/v1/imports/devices", tag = "imports",
    request_body(content_type = "multipart/form-data", content = ImportForm),
    responses((status = 202, body = ImportJob), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 413, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn import_devices(
    State(state): State<AppState>,
    user: CurrentUser,
    body: CsrfMultipart,
) -> ApiResult<(StatusCode, Json<ImportJob>)> {
    import_of(&state, &user, body, ImportKind::Devices).await
}

/// This capability's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/imports/devices/template", get(device_template))
        .route("/api/v1/imports/devices", post(import_devices).layer(upload_limit()))
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(device_template, import_devices))]
pub struct Doc;
