//! The dashboard: units, key units, open alerts and devices by area (one level below the caller's
//! own: cities, counties or townships), inside the caller's scope.

use axum::extract::State;
use axum::Json;
use neibao_domain::dashboard::Dashboard;

use crate::error::ApiResult;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

/// Units, key units, open alerts and devices (offline too) inside the caller's scope, by area one
/// level below it (`area_level`; none for one unit). The figures may be up to 15 seconds old.
#[utoipa::path(get, path = "/api/v1/dashboard", tag = "dashboard", responses((status = 200, body = Dashboard)))]
pub async fn dashboard(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Dashboard>> {
    Ok(Json(state.services.dashboard.get(&user.principal).await?))
}

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/api/v1/dashboard", axum::routing::get(dashboard))
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(dashboard))]
pub struct Doc;
