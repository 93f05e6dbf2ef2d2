//! The registry's lifecycle (docs/REGISTRY.md): moving a unit to another police station or
//! competent department; deactivating (停用), reactivating (恢复在用) and closing (注销) units and
//! key areas; editing key areas; a unit's change history (变更记录). Every change sends the
//! `version` the caller read: a stale one is 409 `version_conflict` and nothing is written.
//! (Devices' edits and states are in `api/devices.rs`, the unit's edit in `api/registry.rs`.)

use axum::extract::{Path, State};
use axum::Json;
use neibao_domain::registry::{HistoryEntry, KeyArea, LifeAction, Unit};
use neibao_engine::registry::{KeyAreaUpdate, MoveUnitInput, VersionInput};
use serde::Deserialize;

use crate::error::ApiResult;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct UnitIdPath {
    /// The unit's id.
    pub id: String,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct KeyAreaPath {
    /// The key area's id.
    pub id: String,
}

async fn unit_state(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    version: i64,
    action: LifeAction,
) -> ApiResult<Json<Unit>> {
    Ok(Json(
        state
            .services
            .registry
            .set_unit_state(&user.principal, id, version, action)
            .await?,
    ))
}

async fn area_state(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    version: i64,
    action: LifeAction,
) -> ApiResult<Json<KeyArea>> {
    Ok(Json(
        state
            .services
            .registry
            .set_key_area_state(&user.principal, id, version, action)
            .await?,
    ))
}

/// Move a unit to another police station and competent department (county police and above,
/// administrators; 403 for a police station). Afterwards the old station no longer sees it.
///
/// Errors: `validation_failed` (400: unchanged, a station not of the unit's county, a department
/// not covering it, either closed), `forbidden` (403), `not_found` (404), `version_conflict` and
/// `invalid_transition` (409: closed).
#[utoipa::path(post, path = "/api/v1/units/{id}/move", tag = "units", params(UnitIdPath), request_body = MoveUnitInput,
    responses((status = 200, body = Unit), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn move_unit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<MoveUnitInput>,
) -> ApiResult<Json<Unit>> {
    Ok(Json(
        state.services.registry.move_unit(&user.principal, &id, input).await?,
    ))
}

/// Deactivate (停用) a unit in use: its devices' events are refused at intake until it is
/// reactivated (police and administrators).
#[utoipa::path(post, path = "/api/v1/units/{id}/deactivate", tag = "units", params(UnitIdPath), request_body = VersionInput,
    responses((status = 200, body = Unit), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody, description = "已被他人修改（version_conflict）；状态不允许（invalid_transition）")))]
pub async fn deactivate_unit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<VersionInput>,
) -> ApiResult<Json<Unit>> {
    unit_state(&state, &user, &id, input.version, LifeAction::Deactivate).await
}

/// Put a deactivated unit back in use (恢复在用).
#[utoipa::path(post, path = "/api/v1/units/{id}/reactivate", tag = "units", params(UnitIdPath), request_body = VersionInput,
    responses((status = 200, body = Unit), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn reactivate_unit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<VersionInput>,
) -> ApiResult<Json<Unit>> {
    unit_state(&state, &user, &id, input.version, LifeAction::Reactivate).await
}

/// Close (注销) a unit for good: it stays readable (`GET /api/v1/units?state=closed`) but takes
/// no changes, key areas, devices or inspections, and its devices' events are refused. Refused
/// (409 `invalid_transition`) while it has hazards not ended (open rectification orders) or
/// inspections not submitted; the message names the counts.
#[utoipa::path(post, path = "/api/v1/units/{id}/close", tag = "units", params(UnitIdPath), request_body = VersionInput,
    responses((status = 200, body = Unit), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn close_unit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<VersionInput>,
) -> ApiResult<Json<Unit>> {
    unit_state(&state, &user, &id, input.version, LifeAction::Close).await
}

/// A unit's change history (变更记录): the unit, its key areas, responsible persons and devices,
/// newest first (at most 500), each with a zh-CN sentence.
#[utoipa::path(get, path = "/api/v1/units/{id}/history", tag = "units", params(UnitIdPath),
    responses((status = 200, body = Vec<HistoryEntry>), (status = 404, body = crate::error::ErrorBody)))]
pub async fn unit_history(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<HistoryEntry>>> {
    Ok(Json(state.services.registry.unit_history(&user.principal, &id).await?))
}

/// One key area (重要部位) with its `version` and `state`.
#[utoipa::path(get, path = "/api/v1/key_areas/{id}", tag = "units", params(KeyAreaPath),
    responses((status = 200, body = KeyArea), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get_key_area(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<KeyArea>> {
    Ok(Json(state.services.registry.key_area(&user.principal, &id).await?))
}

/// Rename a key area or change its description (police, administrators, the unit's manager).
#[utoipa::path(patch, path = "/api/v1/key_areas/{id}", tag = "units", params(KeyAreaPath), request_body = KeyAreaUpdate,
    responses((status = 200, body = KeyArea), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody, description = "已被他人修改（version_conflict）；已注销（invalid_transition）")))]
pub async fn update_key_area(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<KeyAreaUpdate>,
) -> ApiResult<Json<KeyArea>> {
    Ok(Json(
        state
            .services
            .registry
            .update_key_area(&user.principal, &id, input)
            .await?,
    ))
}

/// Deactivate (停用) a key area.
#[utoipa::path(post, path = "/api/v1/key_areas/{id}/deactivate", tag = "units", params(KeyAreaPath), request_body = VersionInput,
    responses((status = 200, body = KeyArea), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn deactivate_key_area(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<VersionInput>,
) -> ApiResult<Json<KeyArea>> {
    area_state(&state, &user, &id, input.version, LifeAction::Deactivate).await
}

/// Put a deactivated key area back in use (恢复在用).
#[utoipa::path(post, path = "/api/v1/key_areas/{id}/reactivate", tag = "units", params(KeyAreaPath), request_body = VersionInput,
    responses((status = 200, body = KeyArea), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn reactivate_key_area(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<VersionInput>,
) -> ApiResult<Json<KeyArea>> {
    area_state(&state, &user, &id, input.version, LifeAction::Reactivate).await
}

/// Close (注销) a key area; refused (409 `invalid_transition`) while devices not closed sit in it.
#[utoipa::path(post, path = "/api/v1/key_areas/{id}/close", tag = "units", params(KeyAreaPath), request_body = VersionInput,
    responses((status = 200, body = KeyArea), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn close_key_area(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<VersionInput>,
) -> ApiResult<Json<KeyArea>> {
    area_state(&state, &user, &id, input.version, LifeAction::Close).await
}

/// This part's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/api/v1/units/{id}/move", routing::post(move_unit))
        .route("/api/v1/units/{id}/deactivate", routing::post(deactivate_unit))
        .route("/api/v1/units/{id}/reactivate", routing::post(reactivate_unit))
        .route("/api/v1/units/{id}/close", routing::post(close_unit))
        .route("/api/v1/units/{id}/history", routing::get(unit_history))
        .route(
            "/api/v1/key_areas/{id}",
            routing::get(get_key_area).patch(update_key_area),
        )
        .route("/api/v1/key_areas/{id}/deactivate", routing::post(deactivate_key_area))
        .route("/api/v1/key_areas/{id}/reactivate", routing::post(reactivate_key_area))
        .route("/api/v1/key_areas/{id}/close", routing::post(close_key_area))
}

/// This part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    move_unit,
    deactivate_unit,
    reactivate_unit,
    close_unit,
    unit_history,
    get_key_area,
    update_key_area,
    deactivate_key_area,
    reactivate_key_area,
    close_key_area
))]
pub struct Doc;
