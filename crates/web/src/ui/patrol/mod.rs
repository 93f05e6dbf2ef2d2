//! Patrol pages (docs/PATROL.md; R12(3)): a unit's routes, summary and recent rounds
//! (`/units/{id}/patrol`), a route with its edit form (`/patrol/routes/{id}`), and the
//! phone-sized walking page of a round (`/patrol/rounds/{id}`).

mod routes;
mod walk;

use crate::extract::multipart::upload_limit;
use crate::state::AppState;

/// This capability's pages.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/units/{id}/patrol", routing::get(routes::unit))
        .route("/units/{id}/patrol/routes", routing::post(routes::create))
        .route("/patrol/routes/{id}", routing::get(routes::route).post(routes::update))
        .route("/patrol/routes/{id}/start", routing::post(walk::start))
        .route("/patrol/rounds/{id}", routing::get(walk::round))
        .route("/patrol/rounds/{id}/visit", routing::post(walk::visit))
        .route(
            "/patrol/rounds/{id}/visits/{visit}/photo",
            routing::post(walk::photo).layer(upload_limit()),
        )
        .route("/patrol/rounds/{id}/finish", routing::post(walk::finish))
}
