//! The unit page's lifecycle forms (docs/REGISTRY.md): move the unit to another police station or
//! competent department, deactivate, reactivate or close it; edit, deactivate, reactivate or close
//! a key area. Every form carries the version the page showed (hidden); a refused form (a stale
//! version: 已被他人修改) shows the unit page again, as it is now, with the reason and what was
//! typed still in the form.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::access::Permission;
use neibao_domain::error::ErrorCode;
use neibao_domain::registry::LifeAction;
use neibao_engine::registry::{action_from_code, KeyAreaInput, KeyAreaUpdate, MoveUnitInput};
use serde::Deserialize;

use super::super::kit::{error_page, UiUser};
use super::unit::{unit_page, SentEdit, UnitExtras};
use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

/// A state form: the version shown and the action (`deactivate`, `reactivate`, `close`; a close
/// needs its confirmation box ticked).
#[derive(Deserialize)]
pub struct StateForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    confirm: String,
}

/// The version a form carried back; a missing or garbled one reads as 0, which is never current:
/// the service refuses it as stale (after checking the caller may act at all).
pub fn version_sent(v: &str) -> i64 {
    v.trim().parse::<i64>().unwrap_or(0)
}

/// The action of a state form, its confirmation checked for a close (only for a caller who may
/// act: `may`; the others are refused by the service as for any action).
pub fn action_sent(f: &StateForm, may: bool) -> Result<(i64, LifeAction), ApiError> {
    let action = action_from_code(&f.action)?;
    if action == LifeAction::Close && f.confirm.is_empty() && may {
        return Err(ApiError::validation("注销前请勾选确认框"));
    }
    Ok((version_sent(&f.version), action))
}

/// After a lifecycle form: back to the unit page at `anchor`; a refusal the user can act on
/// (bad input, a stale version, a state that does not allow it) shows the unit page again with
/// the reason and `extras` (what was typed); anything else (not found, forbidden) the error page.
pub async fn after(
    state: &AppState,
    u: &CurrentUser,
    unit_id: &str,
    anchor: &str,
    r: Result<(), ApiError>,
    mut extras: UnitExtras,
) -> Response {
    match r {
        Ok(()) => Redirect::to(&format!("/units/{unit_id}#{anchor}")).into_response(),
        Err(e)
            if matches!(
                e.code,
                ErrorCode::ValidationFailed
                    | ErrorCode::VersionConflict
                    | ErrorCode::InvalidTransition
                    | ErrorCode::InvalidCitizenId
                    | ErrorCode::InvalidPhone
                    | ErrorCode::ProhibitedCameraLocation
            ) =>
        {
            let message = if e.code == ErrorCode::VersionConflict {
                format!(
                    "{}。本页已显示最新内容，您填写的内容仍在表单中，请核对后再次提交。",
                    e.message.trim_end_matches('。')
                )
            } else {
                e.message
            };
            extras.lifecycle_error = Some(message);
            extras.refused_status = StatusCode::from_u16(e.code.http_status()).ok();
            unit_page(state, u, unit_id, extras).await
        }
        Err(e) => error_page(u, e),
    }
}

#[derive(Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    police_station_id: String,
    #[serde(default)]
    competent_department_id: String,
}

/// `POST /units/{id}/move`.
pub async fn move_unit(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<MoveForm>,
) -> Response {
    let r = async {
        let input = MoveUnitInput {
            version: version_sent(&f.version),
            police_station_id: Some(f.police_station_id.clone()),
            competent_department_id: Some(f.competent_department_id.clone()),
        };
        state.services.registry.move_unit(&u.principal, &id, input).await?;
        Ok::<_, ApiError>(())
    }
    .await;
    let extras = UnitExtras {
        move_sent: Some((f.police_station_id, f.competent_department_id)),
        ..UnitExtras::default()
    };
    after(&state, &u, &id, "lifecycle", r, extras).await
}

/// `POST /units/{id}/state`: 停用, 恢复在用, 注销.
pub async fn unit_state(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<StateForm>,
) -> Response {
    let r = async {
        let (version, action) = action_sent(&f, u.principal.can(Permission::UnitRegister))?;
        state
            .services
            .registry
            .set_unit_state(&u.principal, &id, version, action)
            .await?;
        Ok::<_, ApiError>(())
    }
    .await;
    after(&state, &u, &id, "lifecycle", r, UnitExtras::default()).await
}

#[derive(Deserialize)]
pub struct AreaForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
}

/// `POST /key_areas/{id}/edit`.
pub async fn edit_key_area(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<AreaForm>,
) -> Response {
    let area = match state.services.registry.key_area(&u.principal, &id).await {
        Ok(a) => a,
        Err(e) => return error_page(&u, e.into()),
    };
    let r = async {
        let input = KeyAreaUpdate {
            version: version_sent(&f.version),
            area: KeyAreaInput {
                name: f.name.clone(),
                description: f.description.clone(),
            },
        };
        state
            .services
            .registry
            .update_key_area(&u.principal, &id, input)
            .await?;
        Ok::<_, ApiError>(())
    }
    .await;
    let extras = UnitExtras {
        area_sent: Some(SentEdit {
            id: id.clone(),
            name: f.name,
            extra: f.description,
            zone: String::new(),
        }),
        ..UnitExtras::default()
    };
    after(&state, &u, &area.unit_id, "key-areas", r, extras).await
}

/// `POST /key_areas/{id}/state`.
pub async fn key_area_state(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<StateForm>,
) -> Response {
    let area = match state.services.registry.key_area(&u.principal, &id).await {
        Ok(a) => a,
        Err(e) => return error_page(&u, e.into()),
    };
    let r = async {
        let (version, action) = action_sent(&f, u.principal.can(Permission::DeviceManage))?;
        state
            .services
            .registry
            .set_key_area_state(&u.principal, &id, version, action)
            .await?;
        Ok::<_, ApiError>(())
    }
    .await;
    after(&state, &u, &area.unit_id, "key-areas", r, UnitExtras::default()).await
}
