//! Dashboard figures inside a scope.

use serde::Serialize;

/// Numbers for the dashboard, per city, inside the caller's scope.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CityStats {
    pub city_code: String,
    pub city_name: String,
    pub units: i64,
    pub key_units: i64,
    pub open_alerts: i64,
    pub devices: i64,
    pub offline_devices: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Dashboard {
    pub units: i64,
    pub key_units: i64,
    pub open_alerts: i64,
    pub devices: i64,
    pub offline_devices: i64,
    pub by_city: Vec<CityStats>,
}
