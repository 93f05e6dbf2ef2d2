//! Pages of alerts: the list, an alert with its actions and deliveries, per-rule statistics.

mod detail;
mod list;
mod stats;

use crate::state::AppState;

/// This capability's pages.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/alerts", routing::get(list::alerts))
        .route("/alerts/{id}", routing::get(detail::alert))
        .route("/alerts/{id}/acknowledge", routing::post(detail::acknowledge))
        .route("/alerts/{id}/resolve", routing::post(detail::resolve))
        .route("/alerts/{id}/false_positive", routing::post(detail::false_positive))
        .route("/alerts/stats", routing::get(stats::alert_stats))
}
