//! Personal-information compliance pages (docs/COMPLIANCE.md; R61, R62, R67, R69, R72, R73): the
//! hub (`/compliance`: the records of processing activities, the data-subject requests with the
//! overdue ones flagged, the data incidents, each with its form, and the reply period for
//! administrators), and one page per record, request and incident with their actions.

mod detail;
mod forms;
mod hub;

use crate::state::AppState;

/// This capability's pages.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/compliance", routing::get(hub::hub))
        .route("/compliance/settings", routing::post(hub::settings))
        .route("/compliance/activities", routing::post(hub::create_activity))
        .route("/compliance/requests", routing::post(hub::create_request))
        .route("/compliance/breaches", routing::post(hub::create_breach))
        .route(
            "/compliance/activities/{id}",
            routing::get(detail::activity).post(detail::update_activity),
        )
        .route("/compliance/requests/{id}", routing::get(detail::request))
        .route("/compliance/requests/{id}/reply", routing::post(detail::reply))
        .route("/compliance/requests/{id}/refuse", routing::post(detail::refuse))
        .route(
            "/compliance/breaches/{id}",
            routing::get(detail::breach).post(detail::update_breach),
        )
        .route("/compliance/breaches/{id}/notifications", routing::post(detail::notify))
        .route("/compliance/breaches/{id}/close", routing::post(detail::close_breach))
}
