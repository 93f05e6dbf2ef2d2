//! 心防 pages (docs/WELLBEING.md; R36, R87, R88): the hub (`/wellbeing`: my cases, the form to
//! raise one, the police count view), a case (`/wellbeing/cases/{id}`: asks the purpose, then
//! the content with the follow-up, escalation and closing forms), the escalation notices
//! (`/wellbeing/escalations`), and a unit's volunteer teams, activities, education activities
//! and designated reporters (`/units/{id}/wellbeing`).

mod cases;
mod unit;

use crate::state::AppState;

/// This capability's pages.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/wellbeing", routing::get(cases::hub))
        .route("/wellbeing/cases", routing::post(cases::raise))
        .route("/wellbeing/cases/{id}", routing::get(cases::case))
        .route("/wellbeing/cases/{id}/follow-ups", routing::post(cases::follow_up))
        .route("/wellbeing/cases/{id}/escalate", routing::post(cases::escalate))
        .route("/wellbeing/cases/{id}/close", routing::post(cases::close))
        .route("/wellbeing/escalations", routing::get(cases::escalations))
        .route("/units/{id}/wellbeing", routing::get(unit::page))
        .route("/units/{id}/wellbeing/teams", routing::post(unit::create_team))
        .route("/units/{id}/wellbeing/education", routing::post(unit::add_education))
        .route("/units/{id}/wellbeing/reporters", routing::post(unit::set_reporters))
        .route(
            "/wellbeing/teams/{id}/activities",
            routing::post(unit::add_team_activity),
        )
}
