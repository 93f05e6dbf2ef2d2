//! Private-enterprise request pages (docs/ENTERPRISE-REQUESTS.md; seed highlight 6): the list
//! (`/enterprise-requests`: a unit's own with the form to file one; the police's with the open,
//! overdue and closed filters, counts and response times) and one request with its replies and
//! the forms to assign, reply, close and rate, and the enterprise's files with its upload form
//! (`/enterprise-requests/{id}`). Phone-sized.

mod pages;

use crate::extract::multipart::upload_limit;
use crate::state::AppState;

/// This capability's pages.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/enterprise-requests", routing::get(pages::list).post(pages::file))
        .route("/enterprise-requests/{id}", routing::get(pages::detail))
        .route("/enterprise-requests/{id}/assign", routing::post(pages::assign))
        .route("/enterprise-requests/{id}/reply", routing::post(pages::reply))
        .route("/enterprise-requests/{id}/close", routing::post(pages::close))
        .route("/enterprise-requests/{id}/rating", routing::post(pages::rate))
        .route(
            "/enterprise-requests/{id}/attachments",
            routing::post(pages::add_file).layer(upload_limit()),
        )
}
