//! Protection-level pages (docs/PROTECTION-LEVELS.md; R46 ¶4): the police's list of orders with
//! the new-order form (`/emergency/levels`), an order with its acknowledgement counts, units and
//! history and the change form (`/emergency/levels/{id}`), and a unit's current level with the
//! acknowledge and measures forms (`/units/{id}/protection-level`, posting to
//! `/emergency/levels/{id}/acknowledge` and `…/measures` for the caller's own unit).

mod orders;
mod unit;
mod view;

use crate::state::AppState;

/// This capability's pages.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/emergency/levels", routing::get(orders::list).post(orders::create))
        .route("/emergency/levels/{id}", routing::get(orders::order))
        .route("/emergency/levels/{id}/change", routing::post(orders::change))
        .route("/emergency/levels/{id}/acknowledge", routing::post(unit::acknowledge))
        .route("/emergency/levels/{id}/measures", routing::post(unit::measures))
        .route("/units/{id}/protection-level", routing::get(unit::page))
}
