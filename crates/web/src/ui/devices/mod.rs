//! Pages of devices: the device list and registration, device health.

mod health;
mod list;

use crate::state::AppState;

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/devices", routing::get(list::devices).post(list::create_device))
        .route("/devices/health", routing::get(health::health))
}
