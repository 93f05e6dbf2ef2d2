//! Supervision pages (监督检查): the hub, campaigns, the phone-sized inspection form, hazards
//! with their ladder actions, evidence uploads, document PDFs, the checklists and the bureau's
//! settings; and the credit box of the unit page.
//!
//! Everything goes through the supervision service, as the JSON API does: the pages only show
//! the forms that fit the viewer (the permission table and the service's object checks) and
//! the hazard's phase, and the ladder state machine still decides; a refusal is shown on the
//! page as its zh-CN message. Forms take their fields through `CsrfForm`, uploads through
//! `CsrfMultipart`: the session's CSRF token is checked before anything else.

mod campaigns;
mod checklists;
mod credit;
mod documents;
mod evidence;
mod hazard;
mod hazards;
mod hub;
mod inspection;
mod rows;
mod settings;

pub use credit::{credit_box, CreditBox};

use crate::extract::multipart::upload_limit;
use crate::state::AppState;

/// This capability's pages.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/supervision", routing::get(hub::hub))
        .route(
            "/supervision/settings",
            routing::get(settings::settings).post(settings::save_settings),
        )
        .route("/campaigns", routing::post(hub::launch))
        .route("/campaigns/{id}", routing::get(campaigns::campaign))
        .route("/campaigns/{id}/hand_out", routing::post(campaigns::hand_out))
        .route("/campaigns/{id}/assign", routing::post(campaigns::assign))
        .route("/inspections", routing::post(inspection::start_inspection))
        .route(
            "/inspections/{id}",
            routing::get(inspection::inspection).post(inspection::save_inspection),
        )
        .route("/inspections/{id}/assignee", routing::post(inspection::assign))
        .route("/hazards", routing::get(hazards::hazards).post(hazards::create_hazard))
        .route("/hazards/new", routing::get(hazards::new_hazard))
        .route("/hazards/{id}", routing::get(hazard::hazard))
        .route("/hazards/{id}/act", routing::post(hazard::act))
        .route("/documents", routing::get(documents::documents))
        .route("/documents/{id}", routing::get(documents::document))
        .route("/documents/{id}/actions", routing::post(documents::record_action))
        .route("/documents/{id}/pdf", routing::get(documents::document_pdf))
        .route("/documents/{id}/receipt", routing::post(documents::sign))
        .route("/checklists", routing::get(checklists::checklists))
        .route("/checklists/{id}", routing::get(checklists::checklist))
        .route("/checklists/{id}/versions", routing::post(checklists::add_version))
        // Evidence uploads: up to 10 MB.
        .merge(
            axum::Router::new()
                .route(
                    "/inspections/{id}/evidence",
                    routing::post(evidence::inspection_evidence),
                )
                .route("/hazards/{id}/evidence", routing::post(evidence::hazard_evidence))
                .layer(upload_limit()),
        )
}
