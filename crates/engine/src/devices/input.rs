//! What a caller sends to register a device, and what registration and the health view answer.

use neibao_domain::devices::{Device, DeviceFormat, UnitHealth};
use serde::{Deserialize, Serialize};

/// A device to register.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct DeviceInput {
    pub unit_id: String,
    /// A key area of the same unit; empty: none.
    pub key_area_id: Option<String>,
    /// Ingest format: `hikvision`, `generic_json`, `dahua`, `onvif`, `frigate`, `gb28181` or
    /// `zkteco` (docs/EVENTS.md).
    pub format: DeviceFormat,
    /// `camera`, `nvr`, `access_terminal`, `alarm_panel` or `other` (default `camera`).
    #[schema(pattern = "^(camera|nvr|access_terminal|alarm_panel|other)$")]
    pub kind: Option<String>,
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\x00-\x1F\x7F-\x9F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u061C]*[^\s\x00-\x1F\x7F-\x9F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u061C][^\x00-\x1F\x7F-\x9F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u061C]*$"
    )]
    pub name: String,
    #[serde(default)]
    #[schema(
        max_length = 64,
        pattern = r"^[^\x00-\x1F\x7F-\x9F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u061C]*$"
    )]
    pub serial: String,
    /// Channel number → label (at most 256, labels up to 50 characters).
    #[serde(default)]
    #[schema(value_type = Object)]
    pub channel_map: serde_json::Map<String, serde_json::Value>,
    /// The device clock's time zone, an IANA tz database name (e.g. `Asia/Urumqi`,
    /// `Europe/Berlin`, `UTC`), for the times it sends without an offset (docs/DEVICE-FORMATS.md
    /// §0.4); absent, null or empty: the installation's zone, Asia/Shanghai. An unknown name is
    /// refused (422 `validation_failed`).
    #[serde(default)]
    #[schema(max_length = 64, example = "Asia/Shanghai")]
    pub time_zone: Option<String>,
    /// A camera's location type (安装位置类型, docs/VIDEO.md, R49); only for `kind` `camera`.
    /// A prohibited spot (S7 Art 8: guest room, dormitory room, staff rest room, bath, toilet,
    /// changing, nursing or fitting room) is refused with 422 `prohibited_camera_location`.
    #[serde(default)]
    pub location_type: Option<neibao_domain::video::LocationType>,
    /// A camera's field-of-view note (视野说明, R51), at most 200 characters.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub view_note: Option<String>,
}

/// A registered device with its ingest token, shown this once.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CreatedDevice {
    #[serde(flatten)]
    pub device: Device,
    /// Shown once: the secret in the device's push URL.
    pub ingest_token: String,
    /// Path the device posts to, e.g. `/ingest/hikvision/{ingest_token}`.
    pub ingest_path: String,
}

/// Online devices over all devices, per unit and per jurisdiction level.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
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

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitHealthRow {
    #[serde(flatten)]
    pub unit: UnitHealth,
    pub online_rate: f64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DivisionHealth {
    pub division_code: String,
    pub name: String,
    pub devices: i64,
    pub online: i64,
    pub online_rate: f64,
}

/// The new name and key area of a device with the version the caller saw (docs/REGISTRY.md).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct DeviceUpdate {
    /// The device's `version` as read; a stale one is refused (409 `version_conflict`).
    #[schema(minimum = 1)]
    pub version: i64,
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\x00-\x1F\x7F-\x9F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u061C]*[^\s\x00-\x1F\x7F-\x9F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u061C][^\x00-\x1F\x7F-\x9F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u061C]*$"
    )]
    pub name: String,
    /// A key area of the device's unit, not closed; absent, null or empty: none.
    pub key_area_id: Option<String>,
    /// The device clock's time zone (IANA name, as at registration); absent or null: unchanged,
    /// empty: back to the installation's zone, Asia/Shanghai. An unknown name is refused (422).
    #[serde(default)]
    #[schema(max_length = 64, example = "Asia/Urumqi")]
    pub time_zone: Option<String>,
}
