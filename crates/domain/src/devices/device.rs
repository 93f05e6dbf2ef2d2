//! Devices as registered and as the ingest path sees them.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::format::DeviceFormat;
use crate::registry::ArmedSchedule;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Device {
    pub id: String,
    pub unit_id: String,
    pub unit_name: String,
    pub key_area_id: Option<String>,
    pub key_area_name: Option<String>,
    pub format: DeviceFormat,
    /// `camera`, `nvr`, `access_terminal`, `alarm_panel`, `other`.
    pub kind: String,
    pub name: String,
    pub serial: String,
    /// Device channel number → label, e.g. `{"1": "北门", "33": "IP通道1"}`.
    pub channel_map: serde_json::Map<String, serde_json::Value>,
    /// The device clock's time zone, an IANA tz database name (e.g. `Asia/Urumqi`), for the
    /// times it sends without an offset (GB/T 28181 `AlarmTime`, Dahua `LocaleTime`, Hikvision
    /// DVR `dateTime`, ZKTeco rows); `None`: the installation's zone, Asia/Shanghai.
    /// docs/DEVICE-FORMATS.md §0.4.
    pub time_zone: Option<String>,
    pub last_seen_at: Option<DateTime<Utc>>,
    /// Heard from within the offline threshold.
    pub online: bool,
    /// The optimistic version (1 at registration, +1 with each change).
    pub version: i64,
    /// 在用 / 停用 / 注销: only a device in use (of a unit in use) has its events taken.
    pub state: crate::registry::LifeState,
    pub created_at: DateTime<Utc>,
    /// A camera's location type (安装位置类型, docs/VIDEO.md, R49); `None` for other devices
    /// and for cameras registered before it was recorded.
    pub location_type: Option<crate::video::LocationType>,
    /// A camera's field-of-view note (视野说明, R51), at most 200 characters.
    pub view_note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewDevice {
    pub unit_id: String,
    pub key_area_id: Option<String>,
    pub format: DeviceFormat,
    pub kind: String,
    pub name: String,
    pub serial: String,
    pub channel_map: serde_json::Map<String, serde_json::Value>,
    /// The device clock's time zone, an IANA tz database name (e.g. `Asia/Urumqi`), for the
    /// times it sends without an offset (GB/T 28181 `AlarmTime`, Dahua `LocaleTime`, Hikvision
    /// DVR `dateTime`, ZKTeco rows); `None`: the installation's zone, Asia/Shanghai.
    /// docs/DEVICE-FORMATS.md §0.4.
    pub time_zone: Option<String>,
    /// SHA-256 of the ingest token; the token itself is shown once to the creator.
    pub ingest_token_hash: String,
    /// A camera's location type (R49; a prohibited one is refused before this is built).
    pub location_type: Option<crate::video::LocationType>,
    /// A camera's field-of-view note (R51).
    pub view_note: Option<String>,
}

/// The device an ingest token resolved to, with what the rules need to know about it.
#[derive(Debug, Clone)]
pub struct IngestDevice {
    pub id: String,
    pub unit_id: String,
    pub key_area_id: Option<String>,
    pub name: String,
    pub format: DeviceFormat,
    pub armed_schedule: Option<ArmedSchedule>,
    /// Division code of the device's unit (for bus subjects by jurisdiction).
    pub division_code: String,
    /// The device clock's time zone, an IANA tz database name (e.g. `Asia/Urumqi`), for the
    /// times it sends without an offset (GB/T 28181 `AlarmTime`, Dahua `LocaleTime`, Hikvision
    /// DVR `dateTime`, ZKTeco rows); `None`: the installation's zone, Asia/Shanghai.
    /// docs/DEVICE-FORMATS.md §0.4.
    pub time_zone: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct DeviceFilter {
    pub unit_id: Option<String>,
    pub online: Option<bool>,
    /// The order; `None`: by unit name, then device name.
    pub sort: Option<crate::paging::Sort<DeviceSort>>,
}

/// The columns a device list may be ordered by (`sort=name`, `sort=-last_seen` …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceSort {
    /// 设备名称.
    Name,
    /// 所属单位 (the unit's name).
    Unit,
    /// 最后上报 (never reported counts as oldest).
    LastSeen,
}

impl crate::paging::SortColumn for DeviceSort {
    const ALL: &'static [DeviceSort] = &[DeviceSort::Name, DeviceSort::Unit, DeviceSort::LastSeen];
    fn code(self) -> &'static str {
        match self {
            DeviceSort::Name => "name",
            DeviceSort::Unit => "unit",
            DeviceSort::LastSeen => "last_seen",
        }
    }
}
