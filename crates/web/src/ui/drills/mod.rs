//! Emergency drill pages (docs/DRILLS.md; R18, R46 ¶2): a unit's drills with the plan form
//! (`/units/{id}/drills`), a drill with its evaluation form, shortfalls → hazards and the PDF link
//! (`/drills/{id}`), the phone-sized run page (`/drills/{id}/run`), and the police overview of
//! overdue units and recent drills (`/emergency/drills`).

mod pages;
mod run;

use crate::extract::multipart::upload_limit;
use crate::state::AppState;

/// This capability's pages.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/units/{id}/drills", routing::get(pages::unit).post(pages::plan))
        .route("/drills/{id}", routing::get(pages::drill))
        .route("/drills/{id}/evaluation", routing::post(pages::evaluate))
        .route("/drills/{id}/hazards", routing::post(pages::hazard))
        .route("/drills/{id}/run", routing::get(run::run))
        .route("/drills/{id}/start", routing::post(run::start))
        .route("/drills/{id}/step", routing::post(run::step))
        .route("/drills/{id}/photo", routing::post(run::photo).layer(upload_limit()))
        .route("/drills/{id}/finish", routing::post(run::finish))
        .route("/emergency/drills", routing::get(pages::overview))
}
