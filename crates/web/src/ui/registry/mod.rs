//! Pages of the registry: units, their key areas, armed schedules and built-in rule settings.

mod new_unit;
mod settings;
mod unit;
mod units;

pub use unit::{unit_page, UnitExtras};

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
}
