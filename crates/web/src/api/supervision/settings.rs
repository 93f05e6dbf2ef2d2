//! The caller's bureau settings.

use axum::extract::State;
use axum::Json;
use neibao_domain::supervision::SupervisionSettings;

use crate::error::ApiResult;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

/// The caller's bureau settings: document numbering, default deadlines, reminders, ladder
/// order and credit rule (defaults where none are stored).
#[utoipa::path(get, path = "/api/v1/supervision/settings", tag = "supervision", responses((status = 200, body = SupervisionSettings)))]
pub async fn get_settings(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<SupervisionSettings>> {
    Ok(Json(state.services.supervision.settings(&user.principal).await?))
}

/// Replaces the caller's bureau settings (county-level and higher police).
#[utoipa::path(put, path = "/api/v1/supervision/settings", tag = "supervision", request_body = SupervisionSettings,
    responses((status = 200, body = SupervisionSettings), (status = 403, body = crate::error::ErrorBody)))]
pub async fn put_settings(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(s): Json<SupervisionSettings>,
) -> ApiResult<Json<SupervisionSettings>> {
    Ok(Json(
        state.services.supervision.save_settings(&user.principal, &s).await?,
    ))
}
