//! University pages (docs/UNIVERSITIES.md; R84–R88): `/units/{id}/university` — the
//! university's organisation, colleges and departments, campuses with their key areas and
//! police stations, dormitory buildings and the holiday duty roster, with their forms;
//! `/semesters` — the semester calendar of the cities in scope; `/semesters/{id}` — a
//! semester's inspection rounds and its universities' drills and duty.

mod pages;

use crate::state::AppState;

/// This capability's pages.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route(
            "/units/{id}/university",
            routing::get(pages::profile).post(pages::save_profile),
        )
        .route("/units/{id}/university/colleges", routing::post(pages::add_college))
        .route("/units/{id}/university/campuses", routing::post(pages::add_campus))
        .route(
            "/units/{id}/university/dormitories",
            routing::post(pages::add_dormitory),
        )
        .route("/units/{id}/university/duty", routing::post(pages::add_duty))
        .route(
            "/semesters",
            routing::get(pages::semesters).post(pages::create_semester),
        )
        .route("/semesters/{id}", routing::get(pages::semester))
        .route("/semesters/{id}/schedule", routing::post(pages::schedule))
}
