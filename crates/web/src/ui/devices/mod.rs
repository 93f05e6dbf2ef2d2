//! Pages of devices: the device list and registration, device health, the device forms of the
//! unit page (edit, 停用, 恢复在用, 注销, 重新生成接入令牌).

mod health;
mod lifecycle;
mod list;
mod token;

pub(crate) use list::public_base;

use crate::state::AppState;

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/devices", routing::get(list::devices).post(list::create_device))
        .route("/devices/health", routing::get(health::health))
        .route("/devices/{id}/edit", routing::post(lifecycle::edit_device))
        .route("/devices/{id}/state", routing::post(lifecycle::device_state))
        .route("/devices/{id}/token", routing::post(token::reissue_token))
}
