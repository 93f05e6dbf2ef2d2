//! Report pages (docs/REPORTS.md; R12(4), R24, R48): the phone-sized filing page of a unit
//! (`/units/{id}/report`), one report with the police's acknowledgement and handling
//! (`/reports/{id}`), the list in scope (`/reports`) and the public suspicious-activity form
//! without an account (`/report`). Photos are added at filing (the phone page's form is
//! multipart) and while the report is open (`/reports/{id}/photos`); police who handle reports
//! reveal the people involved for a stated purpose (`/reports/{id}/reveal`, audited).

mod pages;
mod public;

pub use pages::revealed_fields;

use crate::extract::multipart::upload_limit;
use crate::state::AppState;

/// This capability's pages.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route(
            "/units/{id}/report",
            routing::get(pages::file_form).post(pages::file).layer(upload_limit()),
        )
        .route("/reports", routing::get(pages::list))
        .route("/reports/{id}", routing::get(pages::report))
        .route("/reports/{id}/acknowledge", routing::post(pages::acknowledge))
        .route("/reports/{id}/handling", routing::post(pages::handling))
        .route(
            "/reports/{id}/photos",
            routing::post(pages::add_photo).layer(upload_limit()),
        )
        .route("/reports/{id}/reveal", routing::post(pages::reveal))
        .route(
            "/report",
            routing::get(public::form)
                .post(public::submit)
                .layer(axum::extract::DefaultBodyLimit::max(
                    crate::api::reports::MAX_PUBLIC_BODY,
                )),
        )
}
