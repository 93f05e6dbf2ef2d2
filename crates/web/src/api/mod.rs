//! The JSON API under `/api/v1`: one file per capability, each with its `routes()` and its
//! part of the OpenAPI document (`Doc`, merged in `crate::openapi`). This file lists them, one line
//! each. Every handler takes the caller ([`crate::extract::principal::CurrentUser`]) and calls its capability's
//! service with the caller's principal; objects outside the caller's scope answer 404.

pub mod accounts;
pub mod alarms;
pub mod alerts;
pub mod assessment;
pub mod attachments;
pub mod audit;
pub mod bulletins;
pub mod compliance;
pub mod credit;
pub mod dashboard;
pub mod designations;
pub mod device_import;
pub mod devices;
pub mod divisions;
pub mod documents;
pub mod drills;
pub mod emergency_plans;
pub mod enterprise_requests;
pub mod equipment;
pub mod events;
pub mod filings;
pub mod honours;
pub mod imports;
pub mod intake;
pub mod liaison;
pub mod lifecycle;
pub mod notifications;
pub mod organisations;
pub mod patrol;
pub mod persons;
pub mod privacy;
pub mod protection_levels;
pub mod registry;
pub mod reports;
pub mod rollup;
pub mod rulebook;
pub mod security_staff;
pub mod setup;
pub mod supervision;
pub mod unit_records;
pub mod universities;
pub mod users;
pub mod video;
pub mod visitors;
pub mod warning;
pub mod watchlists;
pub mod wellbeing;

use axum::routing::get;
use axum::Router;

use crate::state::AppState;

/// Every API route.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/openapi.json", get(crate::openapi::openapi_json))
        .merge(accounts::routes())
        .merge(dashboard::routes())
        .merge(registry::routes())
        .merge(lifecycle::routes())
        .merge(persons::routes())
        .merge(divisions::routes())
        .merge(devices::routes())
        .merge(events::routes())
        .merge(intake::routes())
        .merge(alerts::routes())
        .merge(warning::routes())
        .merge(notifications::routes())
        .merge(privacy::routes())
        .merge(audit::routes())
        .merge(supervision::routes())
        .merge(unit_records::routes())
        .merge(documents::routes())
        .merge(attachments::routes())
        .merge(users::routes())
        .merge(setup::routes())
        .merge(imports::routes())
        .merge(device_import::routes())
        .merge(organisations::routes())
        .merge(rulebook::routes())
        .merge(video::routes())
        .merge(patrol::routes())
        .merge(emergency_plans::routes())
        .merge(equipment::routes())
        .merge(drills::routes())
        .merge(alarms::routes())
        .merge(bulletins::routes())
        .merge(reports::routes())
        .merge(liaison::routes())
        .merge(enterprise_requests::routes())
        .merge(compliance::routes())
        .merge(credit::routes())
        .merge(rollup::routes())
        .merge(honours::routes())
        .merge(assessment::routes())
        .merge(watchlists::routes())
        .merge(universities::routes())
        .merge(security_staff::routes())
        .merge(filings::routes())
        .merge(designations::routes())
        .merge(protection_levels::routes())
        .merge(visitors::routes())
        .merge(wellbeing::routes())
}
