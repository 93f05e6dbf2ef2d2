//! One-press alarm pages (docs/ALARMS.md; R12(4), R20(3), R34): the phone page with the big
//! button (`/units/{id}/alarm`), one alarm with its timeline and the police's arrival form
//! (`/alarms/{id}`), and the police's list of recent alarms in the jurisdiction
//! (`/emergency/alarms`).

mod pages;

use crate::state::AppState;

/// This capability's pages.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/units/{id}/alarm", routing::get(pages::phone).post(pages::raise))
        .route("/alarms/{id}", routing::get(pages::alarm))
        .route("/alarms/{id}/arrival", routing::post(pages::arrival))
        .route("/emergency/alarms", routing::get(pages::list))
}
