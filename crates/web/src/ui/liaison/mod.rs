//! Liaison point pages (docs/LIAISON.md; R33): the hub (`/liaison`: 我联系的单位, the points
//! visible to the caller, the form to set one up), one point with its units and history
//! (`/liaison/points/{id}`), and the unit-facing page (`/units/{id}/liaison`).

mod pages;

use crate::state::AppState;

/// This capability's pages.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/liaison", routing::get(pages::hub))
        .route("/liaison/points", routing::post(pages::create))
        .route("/liaison/points/{id}", routing::get(pages::point))
        .route("/liaison/points/{id}/units", routing::post(pages::set_units))
        .route("/units/{id}/liaison", routing::get(pages::unit))
}
