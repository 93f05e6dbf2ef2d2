//! Safety-assessment pages (docs/ASSESSMENT.md; R32): the overview (`/assessments`: campaigns
//! and the launch form, the units overdue or due in their two-year cycle with a button to start,
//! recent assessments) and one assessment (`/assessments/{id}`: the sheet form with drafts kept
//! on the server, each item's data figures and query or its note and photos; submit, review and
//! sign; the result with grade and weakest defence, the PDF report, failed items to hazards).

mod pages;

use crate::state::AppState;

/// This capability's pages.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/assessments", routing::get(pages::index))
        .route("/assessments/campaigns", routing::post(pages::launch))
        .route("/assessments/campaigns/{id}/assignments", routing::post(pages::assign))
        .route("/assessments/start", routing::post(pages::start))
        .route("/assessments/{id}", routing::get(pages::sheet).post(pages::save))
        .route("/assessments/{id}/hazards", routing::post(pages::hazards))
        .route(
            "/assessments/{id}/evidence",
            routing::post(pages::evidence).layer(crate::extract::multipart::upload_limit()),
        )
}
