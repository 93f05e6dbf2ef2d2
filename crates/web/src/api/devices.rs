//! Devices. Creating one returns its ingest token once; only its hash is stored.

use crate::auth::{random_token, CurrentUser};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::Utc;
use neibao_domain::access::{Permission, Scope};
use neibao_domain::devices::{Device, DeviceFilter, DeviceFormat, NewDevice, UnitHealth, DEVICE_KINDS};
use neibao_domain::ids::token_hash;
use neibao_domain::paging::{Listing, Page};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct DeviceInput {
    pub unit_id: String,
    pub key_area_id: Option<String>,
    /// Ingest format: `hikvision`, `generic_json`, `dahua`, `onvif`, `frigate`, `gb28181` or `zkteco` (docs/EVENTS.md).
    pub format: DeviceFormat,
    /// `camera`, `nvr`, `access_terminal`, `alarm_panel` or `other` (default `camera`).
    pub kind: Option<String>,
    pub name: String,
    #[serde(default)]
    pub serial: String,
    /// Channel number → label.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub channel_map: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedDevice {
    #[serde(flatten)]
    pub device: Device,
    /// Shown once: the secret in the device's push URL.
    pub ingest_token: String,
    /// Path the device posts to, e.g. `/ingest/hikvision/{ingest_token}`.
    pub ingest_path: String,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeviceQuery {
    pub unit_id: Option<String>,
    pub online: Option<bool>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// Checks a device input; returns the validated record with a fresh ingest token.
pub fn validate_device(input: DeviceInput) -> ApiResult<(NewDevice, String)> {
    let name = crate::api::units::text_field(&input.name, "设备名称", 100, true)?;
    let serial = crate::api::units::text_field(&input.serial, "序列号", 64, false)?;
    if input.channel_map.len() > 256 {
        return Err(ApiError::validation("通道映射不超过256项"));
    }
    if input
        .channel_map
        .values()
        .any(|v| v.as_str().is_none_or(|s| s.chars().count() > 50))
    {
        return Err(ApiError::validation("通道映射的值应为不超过50字的通道名称"));
    }
    let kind = input.kind.unwrap_or_else(|| "camera".into());
    if !DEVICE_KINDS.iter().any(|(k, _)| *k == kind) {
        return Err(ApiError::validation(
            "设备类型应为 camera、nvr、access_terminal、alarm_panel 或 other",
        ));
    }
    for k in input.channel_map.keys() {
        if k.parse::<u32>().is_err() {
            return Err(ApiError::validation("通道映射的键应为通道号"));
        }
    }
    let token = random_token();
    Ok((
        NewDevice {
            unit_id: input.unit_id,
            key_area_id: input.key_area_id.filter(|s| !s.is_empty()),
            format: input.format,
            kind,
            name,
            serial,
            channel_map: input.channel_map,
            ingest_token_hash: token_hash(&token),
        },
        token,
    ))
}

/// Devices in the caller's scope with online/offline state.
#[utoipa::path(get, path = "/api/v1/devices", tag = "devices", params(DeviceQuery), responses((status = 200, body = Listing<Device>)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<DeviceQuery>,
) -> ApiResult<Json<Listing<Device>>> {
    let filter = DeviceFilter {
        unit_id: q.unit_id,
        online: q.online,
    };
    Ok(Json(
        state
            .store
            .list_devices(&user.scope, &filter, Page::new(q.page, q.per_page), Utc::now())
            .await?,
    ))
}

/// Register a device; the response carries its ingest token (shown only this once).
#[utoipa::path(post, path = "/api/v1/devices", tag = "devices", request_body = DeviceInput,
    responses((status = 201, body = CreatedDevice), (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(input): Json<DeviceInput>,
) -> ApiResult<(StatusCode, Json<CreatedDevice>)> {
    state.store.get_unit(&user.scope, &input.unit_id).await?;
    user.principal.require(Permission::DeviceManage)?;
    let (device, token) = validate_device(input)?;
    let format = device.format;
    let device = state.store.create_device(&user.scope, device, Utc::now()).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedDevice {
            device,
            ingest_path: format!("/ingest/{}/{token}", format.ingest_path()),
            ingest_token: token,
        }),
    ))
}

/// One device.
#[utoipa::path(get, path = "/api/v1/devices/{id}", tag = "devices", responses((status = 200, body = Device), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> ApiResult<Json<Device>> {
    Ok(Json(state.store.get_device(&user.scope, &id, Utc::now()).await?))
}

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/api/v1/devices", routing::get(list).post(create))
        .route("/api/v1/devices/{id}", routing::get(get))
        .route("/api/v1/devices/health", routing::get(device_health))
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, create, get, device_health))]
pub struct Doc;

/// Online devices over all devices, per unit and per jurisdiction level.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeviceHealth {
    /// A device is online when heard from (event or heartbeat) within this many seconds.
    pub offline_after_seconds: i64,
    pub devices: i64,
    pub online: i64,
    /// online / devices, 0–1 (1 when there are no devices).
    pub online_rate: f64,
    pub units: Vec<UnitHealthRow>,
    /// Per division at the next level below the caller's (city, county).
    pub divisions: Vec<DivisionHealth>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UnitHealthRow {
    #[serde(flatten)]
    pub unit: UnitHealth,
    pub online_rate: f64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DivisionHealth {
    pub division_code: String,
    pub name: String,
    pub devices: i64,
    pub online: i64,
    pub online_rate: f64,
}

fn rate(online: i64, devices: i64) -> f64 {
    if devices == 0 {
        1.0
    } else {
        online as f64 / devices as f64
    }
}

/// Computes device health for the caller's scope.
pub async fn device_health_for(state: &AppState, user: &CurrentUser) -> ApiResult<DeviceHealth> {
    let units = state.store.device_health(&user.scope, Utc::now()).await?;
    let (devices, online) = units.iter().fold((0, 0), |(d, o), u| (d + u.devices, o + u.online));
    // Group per city (4 digits) for the province and administrators, per county (6) below.
    let digits = match &user.scope {
        Scope::All => 4,
        Scope::Division { prefix } if prefix.len() <= 2 => 4,
        _ => 6,
    };
    let mut groups: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for u in &units {
        let code = u.division_code.chars().take(digits).collect::<String>();
        let g = groups.entry(code).or_default();
        g.0 += u.devices;
        g.1 += u.online;
    }
    // Names: one lookup per parent division.
    let mut names = std::collections::HashMap::new();
    let parents: std::collections::BTreeSet<String> = groups
        .keys()
        .map(|c| format!("{:0<6}", &c[..c.len().saturating_sub(2)]))
        .collect();
    for p in parents {
        for d in state.store.list_divisions(Some(&p)).await? {
            names.insert(d.code.clone(), d.name);
        }
    }
    let divisions = groups
        .into_iter()
        .map(|(code, (d, o))| {
            let full = format!("{code:0<6}");
            DivisionHealth {
                name: names.get(&full).cloned().unwrap_or_else(|| full.clone()),
                division_code: full,
                devices: d,
                online: o,
                online_rate: rate(o, d),
            }
        })
        .collect();
    let mut rows: Vec<UnitHealthRow> = units
        .into_iter()
        .map(|u| UnitHealthRow {
            online_rate: rate(u.online, u.devices),
            unit: u,
        })
        .collect();
    rows.sort_by(|a, b| a.online_rate.total_cmp(&b.online_rate));
    Ok(DeviceHealth {
        offline_after_seconds: state.store.offline_after_seconds(),
        devices,
        online,
        online_rate: rate(online, devices),
        units: rows,
        divisions,
    })
}

/// Device online rate in the caller's jurisdiction: overall, per division and per unit (lowest
/// first).
#[utoipa::path(get, path = "/api/v1/devices/health", tag = "early-warning", responses((status = 200, body = DeviceHealth)))]
pub async fn device_health(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<DeviceHealth>> {
    Ok(Json(device_health_for(&state, &user).await?))
}
