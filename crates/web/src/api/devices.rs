//! Devices: registration (the answer carries the ingest token, shown once; only its hash is
//! stored), the device list and detail, device health.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use neibao_domain::devices::{Device, DeviceFilter};
use neibao_domain::paging::{Listing, Page, Sort};
use neibao_domain::registry::LifeAction;
use neibao_engine::devices::{CreatedDevice, DeviceHealth, DeviceInput, DeviceUpdate, ReissuedToken};
use neibao_engine::registry::VersionInput;
use serde::Deserialize;

use crate::error::ApiResult;
use crate::extract::principal::CurrentUser;
use crate::idempotency::ShownOnce;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeviceQuery {
    pub unit_id: Option<String>,
    pub online: Option<bool>,
    /// The order: by device name, unit name or last report, `-` first for descending; by
    /// default by unit name, then device name.
    #[param(value_type = Option<DeviceSortParam>)]
    pub sort: Option<String>,
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

/// The orders of the device list (the `sort` parameter).
/// (Only the schema is used: the value is read as text and checked by `Sort::checked`.)
#[derive(Debug, Clone, Copy, serde::Serialize, Deserialize, utoipa::ToSchema)]
pub enum DeviceSortParam {
    #[serde(rename = "name")]
    Name,
    #[serde(rename = "-name")]
    NameDesc,
    #[serde(rename = "unit")]
    Unit,
    #[serde(rename = "-unit")]
    UnitDesc,
    #[serde(rename = "last_seen")]
    LastSeen,
    #[serde(rename = "-last_seen")]
    LastSeenDesc,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct DevicePath {
    /// The device's id.
    pub id: String,
}

/// Devices in the caller's scope with online/offline state.
#[utoipa::path(get, path = "/api/v1/devices", tag = "devices", params(DeviceQuery), responses((status = 200, body = Listing<Device>)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<DeviceQuery>,
) -> ApiResult<Json<Listing<Device>>> {
    let page = Page::checked(q.page, q.per_page)?;
    let filter = DeviceFilter {
        unit_id: q.unit_id,
        online: q.online,
        sort: Sort::checked(q.sort.as_deref())?,
    };
    Ok(Json(state.services.devices.list(&user.principal, &filter, page).await?))
}

/// Register a device of a unit (police, administrators, the unit's security manager); the
/// response carries its ingest token (shown only this once).
///
/// Errors: `validation_failed` (400), `forbidden` (403), `not_found` (404: the unit),
/// `conflict` (409), `invalid_transition` (409: the unit is closed, docs/REGISTRY.md).
#[utoipa::path(post, path = "/api/v1/devices", tag = "devices", request_body = DeviceInput,
    responses((status = 201, body = CreatedDevice), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(input): Json<DeviceInput>,
) -> ApiResult<(StatusCode, Extension<ShownOnce>, Json<CreatedDevice>)> {
    let created = state.services.devices.register(&user.principal, input).await?;
    // The ingest token is shown once: a repeat (`Idempotency-Key`) is not answered with it.
    Ok((StatusCode::CREATED, Extension(ShownOnce), Json(created)))
}

/// One device.
#[utoipa::path(get, path = "/api/v1/devices/{id}", tag = "devices", params(DevicePath), responses((status = 200, body = Device)))]
pub async fn get(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> ApiResult<Json<Device>> {
    Ok(Json(state.services.devices.get(&user.principal, &id).await?))
}

async fn device_state(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    version: i64,
    action: LifeAction,
) -> ApiResult<Json<Device>> {
    Ok(Json(
        state
            .services
            .devices
            .set_state(&user.principal, id, version, action)
            .await?,
    ))
}

/// Rename a device or put it in another key area of its unit (police, administrators, the unit's
/// manager), sending the `version` read (docs/REGISTRY.md).
///
/// Errors: `validation_failed` (400: a key area of another unit or closed), `forbidden` (403),
/// `not_found` (404), `version_conflict` (409: changed since it was read; nothing written),
/// `invalid_transition` (409: closed).
#[utoipa::path(patch, path = "/api/v1/devices/{id}", tag = "devices", params(DevicePath), request_body = DeviceUpdate,
    responses((status = 200, body = Device), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<DeviceUpdate>,
) -> ApiResult<Json<Device>> {
    Ok(Json(state.services.devices.update(&user.principal, &id, input).await?))
}

/// Deactivate (停用) a device: from now on its events are refused at intake (its token answers as
/// an unknown one) and it raises no alerts and no offline warnings.
#[utoipa::path(post, path = "/api/v1/devices/{id}/deactivate", tag = "devices", params(DevicePath), request_body = VersionInput,
    responses((status = 200, body = Device), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn deactivate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<VersionInput>,
) -> ApiResult<Json<Device>> {
    device_state(&state, &user, &id, input.version, LifeAction::Deactivate).await
}

/// Put a deactivated device back in use (恢复在用): its token is taken again.
#[utoipa::path(post, path = "/api/v1/devices/{id}/reactivate", tag = "devices", params(DevicePath), request_body = VersionInput,
    responses((status = 200, body = Device), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn reactivate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<VersionInput>,
) -> ApiResult<Json<Device>> {
    device_state(&state, &user, &id, input.version, LifeAction::Reactivate).await
}

/// Close (注销) a device for good: its records (events, alerts) stay readable; its token is
/// refused from now on.
#[utoipa::path(post, path = "/api/v1/devices/{id}/close", tag = "devices", params(DevicePath), request_body = VersionInput,
    responses((status = 200, body = Device), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn close(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<VersionInput>,
) -> ApiResult<Json<Device>> {
    device_state(&state, &user, &id, input.version, LifeAction::Close).await
}

/// Reissue a device's ingest token (重新生成接入令牌; police, administrators, the unit's manager:
/// those who may edit the device): a new token replaces the old one, which is refused as an
/// unknown token from now on (on other nodes within 5 s). The answer carries the new token and
/// its ingest path, shown only this once; a repeat with the same `Idempotency-Key` does not make
/// another token and is refused (409 `idempotency_secret_shown`). Audited
/// (`device.token_reissue`), the token itself never.
///
/// Errors: `forbidden` (403), `not_found` (404: not in the caller's jurisdiction),
/// `invalid_transition` (409: the device is closed).
#[utoipa::path(post, path = "/api/v1/devices/{id}/token", tag = "devices", params(DevicePath),
    responses((status = 200, body = ReissuedToken), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn reissue_token(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<(Extension<ShownOnce>, Json<ReissuedToken>)> {
    let issued = state.services.devices.reissue_token(&user.principal, &id).await?;
    // Shown once: a repeat (`Idempotency-Key`) is not answered with the token again.
    Ok((Extension(ShownOnce), Json(issued)))
}

/// Device online rate in the caller's jurisdiction: overall, per division and per unit (lowest
/// first).
#[utoipa::path(get, path = "/api/v1/devices/health", tag = "early-warning", responses((status = 200, body = DeviceHealth)))]
pub async fn device_health(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<DeviceHealth>> {
    Ok(Json(state.services.devices.health(&user.principal).await?))
}

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/api/v1/devices", routing::get(list).post(create))
        .route("/api/v1/devices/{id}", routing::get(get).patch(update))
        .route("/api/v1/devices/{id}/deactivate", routing::post(deactivate))
        .route("/api/v1/devices/{id}/reactivate", routing::post(reactivate))
        .route("/api/v1/devices/{id}/close", routing::post(close))
        .route("/api/v1/devices/{id}/token", routing::post(reissue_token))
        .route("/api/v1/devices/health", routing::get(device_health))
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    components(schemas(DeviceSortParam)),
    paths(
        list,
        create,
        get,
        update,
        deactivate,
        reactivate,
        close,
        reissue_token,
        device_health
    )
)]
pub struct Doc;
