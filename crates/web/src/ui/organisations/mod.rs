//! Organisation tree pages (组织机构): the caller's visible tree with the form creating an
//! organisation, one organisation with its edit, move, merge and close forms and its history.
//! Every write goes through [`neibao_engine::organisations::OrganisationService`], as the JSON
//! API does (docs/ORGANISATIONS.md).

mod detail;
mod rows;
mod tree;

use crate::state::AppState;

/// This capability's pages.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/organisations", routing::get(tree::page).post(tree::create))
        .route("/organisations/{id}", routing::get(detail::page).post(detail::update))
        .route("/organisations/{id}/move", routing::post(detail::move_to))
        .route("/organisations/{id}/merge", routing::post(detail::merge))
        .route("/organisations/{id}/close", routing::post(detail::close))
}
