//! 平安单位 pages (docs/HONOURS.md): `/units/{id}/honours` — the honours block computed from the
//! ladder and the record the police decide on, the unit's applications, the unit's application
//! form, the police's decision and revocation forms. Phone-sized.

mod pages;

use crate::state::AppState;

/// This capability's pages.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/units/{id}/honours", routing::get(pages::unit).post(pages::apply))
        .route("/honours/{id}/decision", routing::post(pages::decide))
        .route("/honours/{id}/revoke", routing::post(pages::revoke))
}
