//! The device forms of the unit page (docs/REGISTRY.md): rename a device, put it in another key
//! area or set its clock's time zone, deactivate, reactivate or close it. Each carries the version the page showed; a refused
//! form shows the unit page again with the reason and what was typed.

use axum::extract::{Path, State};
use axum::response::Response;
use neibao_domain::access::Permission;
use neibao_engine::devices::DeviceUpdate;
use serde::Deserialize;

use super::super::kit::{error_page, UiUser};
use super::super::registry::{action_sent, after, version_sent, SentEdit, StateForm, UnitExtras};
use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct DeviceForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    key_area_id: String,
    /// The device clock's IANA time zone; empty: Asia/Shanghai.
    #[serde(default)]
    time_zone: String,
}

/// `POST /devices/{id}/edit`.
pub async fn edit_device(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<DeviceForm>,
) -> Response {
    let device = match state.services.devices.get(&u.principal, &id).await {
        Ok(d) => d,
        Err(e) => return error_page(&u, e.into()),
    };
    let r = async {
        let input = DeviceUpdate {
            version: version_sent(&f.version),
            name: f.name.clone(),
            key_area_id: Some(f.key_area_id.clone()),
            time_zone: Some(f.time_zone.clone()),
        };
        state.services.devices.update(&u.principal, &id, input).await?;
        Ok::<_, ApiError>(())
    }
    .await;
    let extras = UnitExtras {
        device_sent: Some(SentEdit {
            id: id.clone(),
            name: f.name,
            extra: f.key_area_id,
            zone: f.time_zone,
        }),
        ..UnitExtras::default()
    };
    after(&state, &u, &device.unit_id, "devices", r, extras).await
}

/// `POST /devices/{id}/state`: 停用, 恢复在用, 注销.
pub async fn device_state(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<StateForm>,
) -> Response {
    let device = match state.services.devices.get(&u.principal, &id).await {
        Ok(d) => d,
        Err(e) => return error_page(&u, e.into()),
    };
    let r = async {
        let (version, action) = action_sent(&f, u.principal.can(Permission::DeviceManage))?;
        state
            .services
            .devices
            .set_state(&u.principal, &id, version, action)
            .await?;
        Ok::<_, ApiError>(())
    }
    .await;
    after(&state, &u, &device.unit_id, "devices", r, UnitExtras::default()).await
}
