//! Supervision API (issue 3): checklists, campaigns, inspections, hazards and their ladder,
//! evidence, credit and the due-for-inspection list, bureau settings. Official documents and
//! evidence downloads are the kernels' own (`crate::api::documents`, `crate::api::attachments`).
//!
//! Who may do what is the permission table's (docs/SECURITY.md) and the supervision service's
//! object checks: everyone signed in reads what lies in their jurisdiction; police and
//! competent departments launch campaigns; police, departments and unit managers inspect (each
//! their own kind of inspection) and record hazards; the ladder decides which hazard actions
//! police and the unit may take (anything else is 403 or 409); administrators and provincial
//! police publish checklist versions; county-level and higher police set their bureau's
//! deadlines, reminders, ladder order and credit rule; police hand a campaign's inspections down
//! to subordinate organisations and assign them to officers (their own organisation or below).

mod campaigns;
mod checklists;
mod credit;
mod dispatch;
mod evidence;
pub(crate) mod hazards;
mod inspections;
mod paging;
mod settings;

use crate::extract::multipart::upload_limit;
use crate::state::AppState;

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/api/v1/checklists", routing::get(checklists::list_checklists))
        .route("/api/v1/checklists/{id}", routing::get(checklists::get_checklist))
        .route(
            "/api/v1/checklists/{variant}/versions",
            routing::post(checklists::add_checklist_version),
        )
        .route(
            "/api/v1/campaigns",
            routing::get(campaigns::list_campaigns).post(campaigns::create_campaign),
        )
        .route("/api/v1/campaigns/{id}", routing::get(campaigns::get_campaign))
        .route("/api/v1/campaigns/{id}/hand_out", routing::post(dispatch::hand_out))
        .route(
            "/api/v1/campaigns/{id}/assign",
            routing::post(dispatch::assign_campaign),
        )
        .route(
            "/api/v1/inspections/{id}/assignee",
            routing::put(dispatch::assign_inspection),
        )
        .route(
            "/api/v1/inspections",
            routing::get(inspections::list_inspections).post(inspections::create_inspection),
        )
        .route(
            "/api/v1/inspections/{id}",
            routing::get(inspections::get_inspection).put(inspections::save_inspection),
        )
        .route(
            "/api/v1/inspections/{id}/submit",
            routing::post(inspections::submit_inspection),
        )
        .route(
            "/api/v1/inspections/{id}/evidence",
            routing::post(inspections::inspection_evidence).layer(upload_limit()),
        )
        .route(
            "/api/v1/hazards",
            routing::get(hazards::list_hazards).post(hazards::create_hazard),
        )
        .route("/api/v1/hazards/{id}", routing::get(hazards::get_hazard))
        .route("/api/v1/hazards/{id}/actions", routing::post(hazards::act))
        .route(
            "/api/v1/hazards/{id}/evidence",
            routing::post(hazards::hazard_evidence).layer(upload_limit()),
        )
        .route("/api/v1/units/{id}/credit", routing::get(credit::unit_credit))
        .route("/api/v1/supervision/due", routing::get(credit::units_due))
        .route(
            "/api/v1/supervision/settings",
            routing::get(settings::get_settings).put(settings::put_settings),
        )
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    components(schemas(hazards::HazardSortParam)),
    paths(
        checklists::list_checklists,
        checklists::get_checklist,
        checklists::add_checklist_version,
        campaigns::list_campaigns,
        campaigns::create_campaign,
        campaigns::get_campaign,
        dispatch::hand_out,
        dispatch::assign_campaign,
        dispatch::assign_inspection,
        inspections::list_inspections,
        inspections::create_inspection,
        inspections::get_inspection,
        inspections::save_inspection,
        inspections::submit_inspection,
        inspections::inspection_evidence,
        hazards::list_hazards,
        hazards::create_hazard,
        hazards::get_hazard,
        hazards::act,
        hazards::hazard_evidence,
        credit::unit_credit,
        credit::units_due,
        settings::get_settings,
        settings::put_settings
    )
)]
pub struct Doc;
