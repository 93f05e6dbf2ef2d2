//! Pages of privacy: the purpose-logged read of a responsible person on the unit page and of
//! the personal data masked in free text, the look-up by ID number, retention policies and legal holds.

mod free_text;
mod lookup;
mod retention;
mod reveal;

use crate::state::AppState;

/// This capability's pages.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/units/lookup", routing::get(lookup::lookup_form).post(lookup::lookup))
        .route("/units/{id}/persons/{pid}/reveal", routing::post(reveal::reveal_person))
        .route(
            "/reveal/{object}/{id}",
            routing::get(free_text::reveal_form).post(free_text::reveal),
        )
        .route("/retention", routing::get(retention::retention))
        .route("/retention/holds", routing::post(retention::create_hold))
        .route("/retention/holds/{id}/release", routing::post(retention::release_hold))
        .route("/retention/{class}", routing::post(retention::set_policy))
}
