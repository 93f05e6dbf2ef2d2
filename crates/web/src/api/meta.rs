//! Dashboard, divisions, organisations and the built-in rule catalogue.

use axum::extract::{Query, State};
use axum::Json;
use neibao_domain::dashboard::Dashboard;
use neibao_domain::registry::{Division, Organisation};
use neibao_engine::alerts::builtin::{builtin_rules, RuleDef};
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::state::AppState;

/// Units, key units, open alerts and devices (offline too) by city, inside the caller's scope.
#[utoipa::path(get, path = "/api/v1/dashboard", tag = "dashboard", responses((status = 200, body = Dashboard)))]
pub async fn dashboard(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Dashboard>> {
    Ok(Json(state.services.dashboard.get(&user.principal).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DivisionQuery {
    /// Parent code; omitted → provinces.
    pub parent: Option<String>,
}

/// Administrative divisions (GB/T 2260), children of `parent`.
#[utoipa::path(get, path = "/api/v1/divisions", tag = "registry", params(DivisionQuery), responses((status = 200, body = Vec<Division>)))]
pub async fn divisions(
    State(state): State<AppState>,
    _user: CurrentUser,
    Query(q): Query<DivisionQuery>,
) -> ApiResult<Json<Vec<Division>>> {
    Ok(Json(state.store.list_divisions(q.parent.as_deref()).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgQuery {
    /// `police_province`, `police_city`, `police_county`, `police_station` or `department`.
    pub kind: Option<String>,
    /// Division code prefix.
    pub division: Option<String>,
}

/// Police organisations and competent departments.
#[utoipa::path(get, path = "/api/v1/organisations", tag = "registry", params(OrgQuery), responses((status = 200, body = Vec<Organisation>)))]
pub async fn organisations(
    State(state): State<AppState>,
    _user: CurrentUser,
    Query(q): Query<OrgQuery>,
) -> ApiResult<Json<Vec<Organisation>>> {
    Ok(Json(
        state
            .store
            .list_organisations(q.kind.as_deref(), q.division.as_deref())
            .await?,
    ))
}

/// The built-in early-warning rules with their defaults.
#[utoipa::path(get, path = "/api/v1/rules", tag = "rules", responses((status = 200, body = Vec<RuleDef>)))]
pub async fn rules(_user: CurrentUser) -> Json<Vec<RuleDef>> {
    Json(builtin_rules())
}

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/api/v1/dashboard", routing::get(dashboard))
        .route("/api/v1/divisions", routing::get(divisions))
        .route("/api/v1/organisations", routing::get(organisations))
        .route("/api/v1/rules", routing::get(rules))
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(dashboard, divisions, organisations, rules))]
pub struct Doc;
