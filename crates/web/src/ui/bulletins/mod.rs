//! Bulletin pages (警企通报, docs/BULLETINS.md): the list (`/bulletins`: the police's bulletins
//! with the issue form, a unit's inbox-style list with the report form), and one bulletin
//! (`/bulletins/{id}`: for the police the recipients, rates and overdue units; for a unit a
//! phone-sized read and acknowledge page, opening it records the read receipt), with its files
//! (the issuer attaches them there) and, for a unit's report, the police's reply.

mod list;
mod page;

use crate::extract::multipart::upload_limit;
use crate::state::AppState;

/// This capability's pages.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/bulletins", routing::get(list::list).post(list::create))
        .route("/bulletins/report", routing::post(list::report))
        .route("/bulletins/{id}", routing::get(page::page))
        .route("/bulletins/{id}/acknowledge", routing::post(page::acknowledge))
        .route(
            "/bulletins/{id}/attachments",
            routing::post(page::add_file).layer(upload_limit()),
        )
        .route("/bulletins/{id}/reply", routing::post(page::reply))
}
