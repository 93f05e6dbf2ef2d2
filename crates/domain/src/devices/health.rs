//! Device health: online rate per unit, silent devices, where a device is placed.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::registry::ArmedSchedule;

/// Device counts of one unit.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitHealth {
    pub unit_id: String,
    pub unit_name: String,
    pub division_code: String,
    pub devices: i64,
    pub online: i64,
}

/// A device that has been silent (no event, no heartbeat), with what absence rules look at.
#[derive(Debug, Clone)]
pub struct SilentDevice {
    pub facts: DevicePlacement,
    pub last_seen_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A device with its unit and key-area attributes (the facts rules see).
#[derive(Debug, Clone, Default)]
pub struct DevicePlacement {
    pub device_id: String,
    pub device_name: String,
    pub device_kind: String,
    pub device_format: String,
    pub unit_id: String,
    pub unit_name: String,
    pub unit_kind: String,
    pub division_code: String,
    pub key_unit: bool,
    pub counter_terror: bool,
    pub key_area: Option<String>,
    pub armed_schedule: Option<ArmedSchedule>,
    /// The unit's effective protection level (0 常态, 1 加强, 2 最高; docs/PROTECTION-LEVELS.md).
    pub protection_level: i64,
}
