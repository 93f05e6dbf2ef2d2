//! Spreadsheet import and export (issue 12, docs/IMPORTS.md): `GET /api/v1/imports/units/template`
//! (the .xlsx template), `POST /api/v1/imports/units` (multipart `file`, `mode`: 202 with the
//! job) and `GET /api/v1/imports/{id}` (the caller's job: progress, then the result), for those
//! who may register units (`unit.register`; a job is read by the account that started it only);
//! `GET /api/v1/exports/{units,devices,alerts,hazards,inspections}`: a list page as .xlsx, with
//! the list's filters, in the caller's jurisdiction, personal fields masked, audited.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use neibao_domain::imports::{ImportJob, ImportKind, ImportMode};
use neibao_domain::paging::Sort;
use neibao_engine::imports::Export;

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

/// The template of `kind` as the answer.
pub(crate) fn template_of(state: &AppState, user: &CurrentUser, kind: ImportKind) -> ApiResult<Response> {
    let bytes = state.services.imports.template(&user.principal, kind)?;
    Ok(file_response(bytes, XLSX_TYPE, &kind.template_file_name(), false))
}

/// The unit import template: an .xlsx workbook with the Chinese header row, drop-down lists
/// for the unit kind and the yes/no columns, and a sheet of filling instructions.
#[utoipa::path(get, path = "/api/v1/imports/units/template", tag = "imports",
    responses((status = 200, description = "单位导入模板（.xlsx）", content((Vec<u8> =
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = crate::error::ErrorBody)))]
pub async fn unit_template(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Response> {
    template_of(&state, &user, ImportKind::Units)
}

/// The key area import template (`重要部位导入模板.xlsx`): 统一社会信用代码 (the unit's),
/// 重要部位名称, 说明, and a sheet of filling instructions.
#[utoipa::path(get, path = "/api/v1/imports/key_areas/template", tag = "imports",
    responses((status = 200, description = "重要部位导入模板（.xlsx）", content((Vec<u8> =
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = crate::error::ErrorBody)))]
pub async fn key_area_template(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Response> {
    template_of(&state, &user, ImportKind::KeyAreas)
}

/// The responsible person import template (`责任人导入模板.xlsx`): 单位统一社会信用代码, 身份 (a
/// drop-down list), 姓名, 公民身份号码, 联系电话, and a sheet of filling instructions.
#[utoipa::path(get, path = "/api/v1/imports/persons/template", tag = "imports",
    responses((status = 200, description = "责任人导入模板（.xlsx）", content((Vec<u8> =
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = crate::error::ErrorBody)))]
pub async fn person_template(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Response> {
    template_of(&state, &user, ImportKind::Persons)
}

/// The account import template (`账号导入模板.xlsx`): 用户名, 姓名, 角色 (a drop-down list),
/// 所属机构, 所在单位统一社会信用代码, and a sheet of filling instructions. Account
/// administrators.
#[utoipa::path(get, path = "/api/v1/imports/accounts/template", tag = "imports",
    responses((status = 200, description = "账号导入模板（.xlsx）", content((Vec<u8> =
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = crate::error::ErrorBody)))]
pub async fn account_template(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Response> {
    template_of(&state, &user, ImportKind::Accounts)
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
    import_of(&state, &user, body, ImportKind::Units).await
}

/// Starts an import of `kind` from a multipart body (`file`, `mode`).
pub(crate) async fn import_of(
    state: &AppState,
    user: &CurrentUser,
    body: CsrfMultipart,
    kind: ImportKind,
) -> ApiResult<(StatusCode, Json<ImportJob>)> {
    user.principal.require(kind.permission()).map_err(ApiError::from)?;
    let (file, fields) = body.file_with_fields().await?;
    let mode = mode_of(&fields)?;
    let job = state
        .services
        .imports
        .start(&user.principal, kind, &file.name, file.data, mode)
        .await?;
    Ok((StatusCode::ACCEPTED, Json(job)))
}

/// Imports key areas (重要部位) of registered units from a filled template, as
/// `POST /api/v1/imports/units` imports units (the same file refusals, modes and job). A row
/// names its unit by USCC (registered, inside the caller's jurisdiction: `unit_not_found`,
/// `outside_jurisdiction`); a key area of that unit with the same name and description is
/// unchanged, with another description refused (`key_area_registered_differently`); the same
/// unit and name twice in the file: `duplicate_in_file`. Each area is written by the registry
/// (`key_area.create`), the import audited once (`import.key_areas`).
#[utoipa::path(post, path = "/api/v1/imports/key_areas", tag = "imports",
    request_body(content_type = "multipart/form-data", content = ImportForm),
    responses((status = 202, body = ImportJob), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 413, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn import_key_areas(
    State(state): State<AppState>,
    user: CurrentUser,
    body: CsrfMultipart,
) -> ApiResult<(StatusCode, Json<ImportJob>)> {
    import_of(&state, &user, body, ImportKind::KeyAreas).await
}

/// Imports responsible persons (责任人) of registered units from a filled template, as
/// `POST /api/v1/imports/units` imports units (the same file refusals, modes and job). A row
/// names its unit by USCC (registered, inside the caller's jurisdiction, not closed:
/// `unit_not_found`, `outside_jurisdiction`, `unit_closed`), a role (`invalid_role`), a name, a
/// GB 11643 citizen ID (`invalid_citizen_id`) and a phone (`invalid_phone`). A person is found
/// again by unit, role and the citizen ID's blind index: the same name and phone is unchanged,
/// another name or phone updates it (`person.update`, with its history row); new ones are added
/// (`person.create`); the import is audited once (`import.persons`). The same unit, role and
/// citizen ID twice in the file: `duplicate_in_file`.
#[utoipa::path(post, path = "/api/v1/imports/persons", tag = "imports",
    request_body(content_type = "multipart/form-data", content = ImportForm),
    responses((status = 202, body = ImportJob), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 413, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn import_persons(
    State(state): State<AppState>,
    user: CurrentUser,
    body: CsrfMultipart,
) -> ApiResult<(StatusCode, Json<ImportJob>)> {
    import_of(&state, &user, body, ImportKind::Persons).await
}

/// Creates accounts from a filled template (account administrators, `user.administer`), as
/// `POST /api/v1/imports/units` imports units (the same file refusals, modes and job). A row is
/// checked as `POST /api/v1/users` checks an account (user name, name, role, and its node: an
/// organisation inside the caller's jurisdiction by full name or id, or a registered unit by
/// USCC) and created by it (`user.create`); an account with the same user name, name, role and
/// node is unchanged, a user name taken otherwise refused (`username_taken`). No password is
/// shown or kept: an imported account signs in after an administrator resets its password
/// (`POST /api/v1/users/{id}/reset`, shown once). The import is audited as `import.accounts`.
#[utoipa::path(post, path = "/api/v1/imports/accounts", tag = "imports",
    request_body(content_type = "multipart/form-data", content = ImportForm),
    responses((status = 202, body = ImportJob), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 413, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn import_accounts(
    State(state): State<AppState>,
    user: CurrentUser,
    body: CsrfMultipart,
) -> ApiResult<(StatusCode, Json<ImportJob>)> {
    import_of(&state, &user, body, ImportKind::Accounts).await
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

/// An export as the answer: the workbook under its Chinese file name.
fn xlsx(export: Export) -> Response {
    file_response(export.bytes, XLSX_TYPE, &export.file_name, false)
}

/// The units in the caller's jurisdiction (filtered as the unit list, at most 50 000) as an
/// .xlsx workbook in the import template's shape (`单位列表.xlsx`); the responsible persons are
/// not exported. Importing the file again changes nothing. Audited (`export.units`).
#[utoipa::path(get, path = "/api/v1/exports/units", tag = "imports", params(ExportQuery),
    responses((status = 200, description = "单位列表（.xlsx）", content((Vec<u8> =
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = crate::error::ErrorBody)))]
pub async fn export_units(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ExportQuery>,
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
    Ok(xlsx(
        state.services.imports.export_units(&user.principal, &filter).await?,
    ))
}

/// The filters of the devices export (as the device list's).
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeviceExportQuery {
    /// Only this unit's devices.
    pub unit_id: Option<String>,
    /// Only online (`true`) or offline (`false`) devices.
    pub online: Option<bool>,
    /// The order, as the device list's.
    #[param(value_type = Option<crate::api::devices::DeviceSortParam>)]
    pub sort: Option<String>,
}

/// The devices in the caller's jurisdiction (filtered as the device list, at most 50 000) as
/// `设备列表.xlsx`. Audited (`export.devices`). Errors: `validation_failed` (400: unknown `sort`).
#[utoipa::path(get, path = "/api/v1/exports/devices", tag = "imports", params(DeviceExportQuery),
    responses((status = 200, description = "设备列表（.xlsx）", content((Vec<u8> =
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, body = crate::error::ErrorBody)))]
pub async fn export_devices(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<DeviceExportQuery>,
) -> ApiResult<Response> {
    let filter = neibao_domain::devices::DeviceFilter {
        unit_id: q.unit_id.filter(|s| !s.is_empty()),
        online: q.online,
        sort: Sort::checked(q.sort.as_deref())?,
    };
    Ok(xlsx(
        state.services.imports.export_devices(&user.principal, &filter).await?,
    ))
}

/// The filters of the alerts export (as the alert list's).
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AlertExportQuery {
    pub status: Option<neibao_domain::alerts::AlertStatus>,
    pub severity: Option<neibao_domain::alerts::Severity>,
    /// Only this unit's alerts.
    pub unit_id: Option<String>,
    /// Only this device's alerts.
    pub device_id: Option<String>,
}

/// The alerts in the caller's jurisdiction (filtered as the alert list, at most 50 000) as
/// `告警列表.xlsx`: comments with ID and phone numbers masked, handlers by masked name.
/// Audited (`export.alerts`).
#[utoipa::path(get, path = "/api/v1/exports/alerts", tag = "imports", params(AlertExportQuery),
    responses((status = 200, description = "告警列表（.xlsx）", content((Vec<u8> =
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, body = crate::error::ErrorBody)))]
pub async fn export_alerts(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<AlertExportQuery>,
) -> ApiResult<Response> {
    let filter = neibao_domain::alerts::AlertFilter {
        status: q.status,
        severity: q.severity,
        unit_id: q.unit_id.filter(|s| !s.is_empty()),
        device_id: q.device_id.filter(|s| !s.is_empty()),
    };
    Ok(xlsx(
        state.services.imports.export_alerts(&user.principal, &filter).await?,
    ))
}

/// The filters of the hazards export (as the hazard list's).
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HazardExportQuery {
    /// Only the hazards of this unit.
    pub unit_id: Option<String>,
    pub phase: Option<neibao_domain::supervision::ladder::Phase>,
    pub class: Option<neibao_domain::supervision::ladder::HazardClass>,
    /// Only hazards not yet closed or ended in a penalty.
    #[serde(default)]
    pub open: bool,
    /// The order, as the hazard list's.
    #[param(value_type = Option<crate::api::supervision::hazards::HazardSortParam>)]
    pub sort: Option<String>,
}

/// The hazards in the caller's jurisdiction (filtered as the hazard list, at most 50 000) as
/// `隐患列表.xlsx`: descriptions with ID and phone numbers masked. Audited (`export.hazards`).
#[utoipa::path(get, path = "/api/v1/exports/hazards", tag = "imports", params(HazardExportQuery),
    responses((status = 200, description = "隐患列表（.xlsx）", content((Vec<u8> =
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, body = crate::error::ErrorBody)))]
pub async fn export_hazards(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<HazardExportQuery>,
) -> ApiResult<Response> {
    let filter = neibao_domain::supervision::HazardFilter {
        unit_id: q.unit_id.filter(|s| !s.is_empty()),
        phase: q.phase,
        open_only: q.open,
        inspection_id: None,
        class: q.class,
        sort: Sort::checked(q.sort.as_deref())?,
    };
    Ok(xlsx(
        state.services.imports.export_hazards(&user.principal, &filter).await?,
    ))
}

/// The filters of the inspections export (as the inspection list's).
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InspectionExportQuery {
    /// Only the inspections of this campaign.
    pub campaign_id: Option<String>,
    /// Only the inspections of this unit.
    pub unit_id: Option<String>,
    pub status: Option<neibao_domain::supervision::InspectionStatus>,
    /// Only the caller's: assigned to them, or held by their organisation and assigned to
    /// nobody yet (待指派).
    #[serde(default)]
    pub mine: bool,
}

/// The inspections in the caller's jurisdiction (filtered as the inspection list, at most
/// 50 000) as `检查列表.xlsx`: inspectors by masked name. Audited (`export.inspections`).
#[utoipa::path(get, path = "/api/v1/exports/inspections", tag = "imports", params(InspectionExportQuery),
    responses((status = 200, description = "检查列表（.xlsx）", content((Vec<u8> =
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, body = crate::error::ErrorBody)))]
pub async fn export_inspections(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<InspectionExportQuery>,
) -> ApiResult<Response> {
    let filter = neibao_domain::supervision::InspectionFilter {
        campaign_id: q.campaign_id.filter(|s| !s.is_empty()),
        unit_id: q.unit_id.filter(|s| !s.is_empty()),
        status: q.status,
        assignee_id: None,
        or_unassigned_in_org: None,
    };
    Ok(xlsx(
        state
            .services
            .imports
            .export_inspections(&user.principal, &filter, q.mine)
            .await?,
    ))
}

/// This capability's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/imports/units/template", get(unit_template))
        .route("/api/v1/imports/units", post(import_units).layer(upload_limit()))
        .route("/api/v1/imports/key_areas/template", get(key_area_template))
        .route(
            "/api/v1/imports/key_areas",
            post(import_key_areas).layer(upload_limit()),
        )
        .route("/api/v1/imports/persons/template", get(person_template))
        .route("/api/v1/imports/persons", post(import_persons).layer(upload_limit()))
        .route("/api/v1/imports/accounts/template", get(account_template))
        .route("/api/v1/imports/accounts", post(import_accounts).layer(upload_limit()))
        .route("/api/v1/imports/{id}", get(get_import))
        .route("/api/v1/exports/units", get(export_units))
        .route("/api/v1/exports/devices", get(export_devices))
        .route("/api/v1/exports/alerts", get(export_alerts))
        .route("/api/v1/exports/hazards", get(export_hazards))
        .route("/api/v1/exports/inspections", get(export_inspections))
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    unit_template,
    import_units,
    key_area_template,
    import_key_areas,
    person_template,
    import_persons,
    account_template,
    import_accounts,
    get_import,
    export_units,
    export_devices,
    export_alerts,
    export_hazards,
    export_inspections
))]
pub struct Doc;
