//! The pages of filings and designations (备案、重点单位和重点目标, docs/FILINGS.md): a unit's
//! filings and designations (`/units/{id}/filings`: open a filing by hand, propose a
//! designation), a filing (`/filings/{id}`: content, history, submit / return / acknowledge /
//! archive), the police list with the overdue filings of the jurisdiction (`/filings`), and the
//! designations (`/designations`, `/designations/{id}`: decide, reject, revoke).
//!
//! Every write goes through the services, as the JSON API does. Forms are CSRF-checked before
//! anything else; a refused form is shown again with its zh-CN message and the values as typed.

mod designations;
mod detail;
mod pages;

use crate::state::AppState;

/// This capability's pages.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/filings", routing::get(pages::police_list))
        .route("/units/{id}/filings", routing::get(pages::unit_page).post(pages::open))
        .route("/units/{id}/designations", routing::post(designations::propose))
        .route("/filings/{id}", routing::get(detail::detail).post(detail::act))
        .route("/designations", routing::get(designations::list))
        .route(
            "/designations/{id}",
            routing::get(designations::detail).post(designations::act),
        )
}
