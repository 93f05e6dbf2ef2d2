//! The division table's versions (docs/DIVISIONS.md): the loaded versions, one code with its
//! history, and loading a later GB/T 2260 table beside the current one (installation-wide
//! administrators only). The children of a division are `GET /api/v1/divisions` (registry).

use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use neibao_domain::registry::DivisionVersion;
use neibao_engine::registry::{DivisionDetail, DivisionLoadReport, DivisionTableInput};
use serde::Deserialize;

use crate::error::ApiResult;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

/// The largest table accepted: the whole of China with its townships is about 1.7 MB.
const MAX_TABLE_BYTES: usize = 16 * 1024 * 1024;

/// A later table to load.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DivisionTableBody {
    /// CSV `code,name,level,parent_code` (as data/divisions-china.csv); a first comment line may
    /// say `# version=… valid_from=YYYY-MM-DD`.
    pub csv: String,
    /// Change list: `old_code,successor_code` per line, for codes merged or renumbered.
    #[serde(default)]
    pub changes: Option<String>,
    /// Version name (default: the CSV's `version=`), at most 64 characters.
    #[serde(default)]
    pub version: Option<String>,
    /// Day the table takes effect, `YYYY-MM-DD` (default: the CSV's `valid_from=`); must be after
    /// the latest loaded version's.
    #[serde(default)]
    pub valid_from: Option<String>,
    /// Where the table comes from.
    #[serde(default)]
    pub source: Option<String>,
}

/// The loaded versions of the division table, oldest first.
#[utoipa::path(get, path = "/api/v1/divisions/versions", tag = "registry",
    responses((status = 200, body = Vec<DivisionVersion>)))]
pub async fn versions(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Vec<DivisionVersion>>> {
    Ok(Json(state.services.registry.division_versions(&user.principal).await?))
}

/// Loads a later version of the table: codes it no longer has are retired (or merged into the
/// successor the change list names), renames and moves kept as history. Audited.
#[utoipa::path(post, path = "/api/v1/divisions/versions", tag = "registry", request_body = DivisionTableBody,
    responses((status = 201, body = DivisionLoadReport), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
        (status = 413, body = crate::error::ErrorBody)))]
pub async fn load(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<DivisionTableBody>,
) -> ApiResult<(StatusCode, Json<DivisionLoadReport>)> {
    let input = DivisionTableInput {
        csv: body.csv,
        successors: body.changes,
        version: body.version,
        valid_from: body.valid_from,
        source: body.source,
    };
    let report = state
        .services
        .registry
        .load_division_table(&user.principal, input)
        .await?;
    Ok((StatusCode::CREATED, Json(report)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct DivisionPath {
    /// GB/T 2260 code (6 digits, 9 for townships).
    pub code: String,
}

/// One division, in force or retired, with its history and that of the codes merged into it.
#[utoipa::path(get, path = "/api/v1/divisions/{code}", tag = "registry", params(DivisionPath),
    responses((status = 200, body = DivisionDetail), (status = 404, body = crate::error::ErrorBody)))]
pub async fn division(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<DivisionPath>,
) -> ApiResult<Json<DivisionDetail>> {
    Ok(Json(state.services.registry.division(&user.principal, &p.code).await?))
}

/// This capability's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/divisions/versions",
            get(versions).post(load).layer(DefaultBodyLimit::max(MAX_TABLE_BYTES)),
        )
        .route("/api/v1/divisions/{code}", get(division))
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(versions, load, division))]
pub struct Doc;
