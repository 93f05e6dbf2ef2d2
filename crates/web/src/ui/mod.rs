//! Server-rendered zh-CN web UI (askama templates under `templates/`). Uses the browser session;
//! every form carries the session's CSRF token. Assets are served from the binary.

pub(crate) mod accounts;
mod alarms;
mod alerts;
mod assessment;
mod assets;
mod audit;
mod bulletins;
mod compliance;
mod credit;
mod dashboard;
mod devices;
mod divisions;
mod drills;
mod emergency;
mod emergency_plans;
mod enterprise_requests;
mod equipment;
mod events;
mod filings;
mod form;
mod honours;
mod imports;
mod kit;
mod liaison;
mod notifications;
mod organisations;
mod patrol;
mod privacy;
mod protection_levels;
mod registry;
mod reports;
mod rollup;
mod rulebook;
mod security_staff;
mod setup;
mod supervision;
mod universities;
mod users;
mod video;
mod views;
mod visitors;
mod warning;
mod watchlists;
mod weekly;
mod wellbeing;

use axum::Router;

use crate::state::AppState;

pub use accounts::login_page::carry_forms;
pub use kit::{error_page, render, UiUser};
pub use views::fmt_time;

/// Every page, one line per capability.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(assets::routes())
        .merge(accounts::routes())
        .merge(dashboard::routes())
        .merge(registry::routes())
        .merge(divisions::routes())
        .merge(devices::routes())
        .merge(events::routes())
        .merge(alerts::routes())
        .merge(notifications::routes())
        .merge(privacy::routes())
        .merge(audit::routes())
        .merge(supervision::routes())
        .merge(warning::routes())
        .merge(users::routes())
        .merge(setup::routes())
        .merge(imports::routes())
        .merge(organisations::routes())
        .merge(rulebook::routes())
        .merge(video::routes())
        .merge(patrol::routes())
        .merge(emergency::routes())
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
        .merge(protection_levels::routes())
        .merge(visitors::routes())
        .merge(wellbeing::routes())
}
