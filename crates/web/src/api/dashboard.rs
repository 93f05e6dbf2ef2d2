//! The dashboard: units, key units, open alerts and devices by area (one level below the caller's
//! own: cities, counties or townships), inside the caller's scope; and every figure of the
//! dashboard charts (trends, the map, the breakdown, top-N lists) from the maintained counters.

use axum::extract::{Query, State};
use axum::Json;
use neibao_domain::dashboard::{Dashboard, DashboardCharts};
use serde::Deserialize;

use crate::error::ApiResult;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

/// Units, key units, open alerts and devices (offline too) inside the caller's scope, by area one
/// level below it (`area_level`; none for one unit). The figures may be up to 15 seconds old.
#[utoipa::path(get, path = "/api/v1/dashboard", tag = "dashboard", responses((status = 200, body = Dashboard)))]
pub async fn dashboard(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Dashboard>> {
    Ok(Json(state.services.dashboard.get(&user.principal).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChartsQuery {
    /// The period: this many days up to today (China Standard Time), 7 to 366; default 30.
    #[param(minimum = 7, maximum = 366)]
    pub days: Option<i64>,
}

/// Every figure the dashboard charts draw for the caller's scope (docs/DASHBOARDS.md): daily
/// trends of alerts raised and hazards opened/closed, figures by city for the map of Zhejiang and
/// by area one level below the scope, totals, the units with most overdue hazards and the rules with
/// most false positives; each with the link of the list behind it. Read from counters the database
/// keeps on write, live (not cached). 400 `validation_failed` for `days` outside 7..=366.
#[utoipa::path(get, path = "/api/v1/dashboard/charts", tag = "dashboard", params(ChartsQuery),
    responses((status = 200, body = DashboardCharts), (status = 400, body = crate::error::ErrorBody)))]
pub async fn charts(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ChartsQuery>,
) -> ApiResult<Json<DashboardCharts>> {
    Ok(Json(state.services.dashboard.charts(&user.principal, q.days).await?))
}

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/api/v1/dashboard", axum::routing::get(dashboard))
        .route("/api/v1/dashboard/charts", axum::routing::get(charts))
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(dashboard, charts))]
pub struct Doc;
