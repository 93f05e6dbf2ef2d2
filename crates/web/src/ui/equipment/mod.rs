//! Protective equipment pages (docs/EQUIPMENT.md; R35): a unit's posts and inventory with the
//! check form guards use on a phone (`/units/{id}/equipment`), the police overview of units
//! below their minimum (`/emergency/equipment`) and the minimum sets (`/equipment/standards`).

mod overview;
mod unit;

use crate::extract::multipart::upload_limit;
use crate::state::AppState;

/// This capability's pages.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/units/{id}/equipment", routing::get(unit::unit))
        .route("/units/{id}/equipment/posts", routing::post(unit::create_post))
        .route("/equipment/posts/{id}/items", routing::post(unit::add_item))
        .route("/equipment/items/{id}", routing::post(unit::update_item))
        .route(
            "/equipment/items/{id}/check",
            routing::post(unit::check).layer(upload_limit()),
        )
        .route("/emergency/equipment", routing::get(overview::overview))
        .route(
            "/equipment/standards",
            routing::get(overview::standards).post(overview::create),
        )
        .route("/equipment/standards/{standard}", routing::post(overview::update))
}
