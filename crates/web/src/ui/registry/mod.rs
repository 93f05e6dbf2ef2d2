//! Pages of the registry: units, their key areas, armed schedules and built-in rule settings.

mod edit_unit;
mod lifecycle;
mod new_unit;
mod persons;
mod settings;
mod unit;
mod units;

pub use lifecycle::{action_sent, after, version_sent, StateForm};
pub use unit::{unit_page, NewDeviceSent, SentEdit, UnitExtras};

use crate::state::AppState;

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/units", routing::get(units::units).post(new_unit::create_unit))
        .route("/units/new", routing::get(new_unit::new_unit))
        .route("/units/{id}", routing::get(unit::unit))
        .route("/units/{id}/key_areas", routing::post(settings::create_key_area))
        .route("/units/{id}/schedule", routing::post(settings::set_schedule))
        .route("/units/{id}/rules/{rule}", routing::post(settings::set_rule))
        .route(
            "/units/{id}/edit",
            routing::get(edit_unit::edit_form).post(edit_unit::save),
        )
        .route("/units/{id}/move", routing::post(lifecycle::move_unit))
        .route("/units/{id}/state", routing::post(lifecycle::unit_state))
        .route("/units/{id}/persons", routing::post(persons::add_person))
        .route("/units/{id}/persons/{pid}/edit", routing::post(persons::edit_person))
        .route(
            "/units/{id}/persons/{pid}/remove",
            routing::post(persons::remove_person),
        )
        .route("/key_areas/{id}/edit", routing::post(lifecycle::edit_key_area))
        .route("/key_areas/{id}/state", routing::post(lifecycle::key_area_state))
}
