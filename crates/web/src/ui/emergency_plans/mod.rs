//! The pages of emergency plans (应急预案, docs/EMERGENCY-PLANS.md): a unit's plans
//! (`/units/{id}/emergency-plans`, `?scenario=` shows that scenario's current plan first), the
//! form to create (`/units/{id}/emergency-plans/new`) and edit (`/emergency-plans/{id}/edit`) a
//! plan, one plan with a version, its history, maps and the review actions
//! (`/emergency-plans/{id}`), and the police overview (`/emergency/plans`: waiting for review,
//! key units without an accepted plan).
//!
//! Every write goes through the service, as the JSON API does. Forms are CSRF-checked before
//! anything else; a refused form is shown again with its zh-CN message and the values as typed.

mod edit;
mod pages;

use crate::extract::multipart::upload_limit;
use crate::state::AppState;

/// This capability's pages.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route(
            "/units/{id}/emergency-plans",
            routing::get(pages::unit_page).post(edit::create),
        )
        .route("/units/{id}/emergency-plans/new", routing::get(edit::new_form))
        .route("/emergency-plans/{id}", routing::get(pages::detail))
        .route(
            "/emergency-plans/{id}/edit",
            routing::get(edit::edit_form).post(edit::save),
        )
        .route("/emergency-plans/{id}/review", routing::post(pages::review))
        .route(
            "/emergency-plans/{id}/maps",
            routing::post(pages::add_map).layer(upload_limit()),
        )
        .route("/emergency/plans", routing::get(pages::overview))
}
