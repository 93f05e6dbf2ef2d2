//! Spreadsheet import of units (issue 12, docs/IMPORTS.md): `GET /api/v1/imports/units/template`
//! (the .xlsx template), `POST /api/v1/imports/units` (multipart `file`, `mode`: 202 with the
//! job) and `GET /api/v1/imports/{id}` (the caller's job: progress, then the result). Those who
//! may register units (`unit.register`); a job is read by the account that started it only.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use neibao_domain::imports::{ImportJob, ImportMode};

use crate::api::attachments::file_response;
use crate::error::{ApiError, ApiResult};
use crate::extract::multipart::{upload_limit, CsrfMultipart};
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

/// The content type of an .xlsx workbook.
pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The multipart body of an import.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // the schema of the body, which `CsrfMultipart` reads
pub struct ImportForm {
    /// The filled template (.xlsx), at most 10 MB and 50 000 data rows.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// `all_or_nothing` (default: any bad row, nothing is written) or `good_rows_only`. A form
    /// field: absent or empty for the default, never null.
    #[schema(nullable = false)]
    mode: Option<ImportMode>,
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ImportPath {
    /// The import job's id.
    pub id: String,
}

/// The unit import template: an .xlsx workbook with the Chinese header row, drop-down lists
/// for the unit kind and the yes/no columns, and a sheet of filling instructions.
#[utoipa::path(get, path = "/api/v1/imports/units/template", tag = "imports",
    responses((status = 200, description = "单位导入模板（.xlsx）", content((Vec<u8> =
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = crate::error::ErrorBody)))]
pub async fn unit_template(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Response> {
    let bytes = state.services.imports.template(&user.principal)?;
    Ok(file_response(
        bytes,
        XLSX_TYPE,
        neibao_engine::imports::template::TEMPLATE_FILE_NAME,
        false,
    ))
}

/// The `mode` field of an import form (absent: `all_or_nothing`).
pub fn mode_of(fields: &[(String, String)]) -> Result<ImportMode, ApiError> {
    match fields.iter().find(|(k, _)| k == "mode").map(|(_, v)| v.trim()) {
        None | Some("") => Ok(ImportMode::AllOrNothing),
        Some(v) => ImportMode::from_code(v)
            .ok_or_else(|| ApiError::validation("导入方式（mode）应为 all_or_nothing 或 good_rows_only")),
    }
}

/// Imports units from a filled template. The file is checked at once (refused with its code:
/// `not_xlsx`, `xlsx_too_large_uncompressed`, `xlsx_formula`, `xlsx_merged_cells`,
/// `xlsx_hidden_sheet`, `xlsx_too_many_rows`, `xlsx_bad_header`, 413 `payload_too_large`);
/// its rows are checked and written by a background job: 202 with the job (finished already
/// when the file was small). Every row is checked before anything is written; with a bad row in
/// `all_or_nothing` mode nothing is written. A row whose USCC is registered with the same
/// content is unchanged (re-importing a file changes nothing).
#[utoipa::path(post, path = "/api/v1/imports/units", tag = "imports",
    request_body(content_type = "multipart/form-data", content = ImportForm),
    responses((status = 202, body = ImportJob), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 413, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn import_units(
    State(state): State<AppState>,
    user: CurrentUser,
    body: CsrfMultipart,
) -> ApiResult<(StatusCode, Json<ImportJob>)> {
    user.principal
        .require(neibao_domain::access::Permission::UnitRegister)
        .map_err(ApiError::from)?;
    let (file, fields) = body.file_with_fields().await?;
    let mode = mode_of(&fields)?;
    let job = state
        .services
        .imports
        .start(&user.principal, &file.name, file.data, mode)
        .await?;
    Ok((StatusCode::ACCEPTED, Json(job)))
}

/// One of the caller's import jobs: its progress while it runs, its counts and bad rows when
/// done. Someone else's job answers 404.
#[utoipa::path(get, path = "/api/v1/imports/{id}", tag = "imports", params(ImportPath),
    responses((status = 200, body = ImportJob), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody)))]
pub async fn get_import(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<ImportPath>,
) -> ApiResult<Json<ImportJob>> {
    Ok(Json(state.services.imports.job(&user.principal, &p.id).await?))
}

/// The filters of the units export (as the unit list's).
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// Name substring or exact USCC.
    pub q: Option<String>,
    /// Division code prefix, e.g. `3301`.
    pub division: Option<String>,
    pub key_unit: Option<bool>,
    pub kind: Option<neibao_domain::registry::UnitKind>,
}

/// The units in the caller's jurisdiction (filtered as the unit list, at most 50 000) as an
/// .xlsx workbook in the import template's shape (`单位列表.xlsx`); the responsible persons are
/// not exported. Importing the file again changes nothing.
#[utoipa::path(get, path = "/api/v1/exports/units", tag = "imports", params(ExportQuery),
    responses((status = 200, description = "单位列表（.xlsx）", content((Vec<u8> =
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = crate::error::ErrorBody)))]
pub async fn export_units(
    State(state): State<AppState>,
    user: CurrentUser,
    axum::extract::Query(q): axum::extract::Query<ExportQuery>,
) -> ApiResult<Response> {
    let filter = neibao_domain::registry::UnitFilter {
        q: q.q
            .map(|s| s.trim().chars().take(100).collect())
            .filter(|s: &String| !s.is_empty()),
        division_prefix: q.division.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()),
        is_key_unit: q.key_unit,
        kind: q.kind,
        // Live units (在用, 停用), as the unit list shows by default.
        state: Default::default(),
        sort: None,
    };
    let bytes = state.services.imports.export_units(&user.principal, &filter).await?;
    Ok(file_response(
        bytes,
        XLSX_TYPE,
        neibao_engine::imports::template::EXPORT_FILE_NAME,
        false,
    ))
}

/// This capability's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/imports/units/template", get(unit_template))
        .route("/api/v1/imports/units", post(import_units).layer(upload_limit()))
        .route("/api/v1/imports/{id}", get(get_import))
        .route("/api/v1/exports/units", get(export_units))
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(unit_template, import_units, get_import, export_units))]
pub struct Doc;
