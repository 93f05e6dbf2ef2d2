//! Credit pages (docs/CREDIT.md; R30): a unit's credit (`/units/{id}/credit`: grade, score,
//! every entry with its state, the police's form to enter one by hand, the unit's objection
//! form), the objection list (`/credit/objections`: pending first, overdue filter) and one
//! objection (`/credit/objections/{id}`: the entry, the text, evidence and its upload, the
//! police review form). Phone-sized.

mod pages;
mod public;

use crate::state::AppState;

/// This capability's pages.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/units/{id}/credit", routing::get(pages::unit).post(pages::record))
        .route("/credit/entries/{id}/objection", routing::post(pages::object))
        .route("/credit/objections", routing::get(pages::list))
        .route("/credit/public", routing::get(public::list))
        .route("/credit/objections/{id}", routing::get(pages::detail))
        .route(
            "/credit/objections/{id}/evidence",
            routing::post(pages::evidence).layer(crate::extract::multipart::upload_limit()),
        )
        .route("/credit/objections/{id}/decision", routing::post(pages::decide))
}
