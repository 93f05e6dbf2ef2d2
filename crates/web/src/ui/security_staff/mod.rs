//! The pages of a unit's security organisation (保卫机构、保卫人员、保安员, docs/SECURITY-STAFF.md):
//! `/units/{id}/security` (the body, the roster of staff and guards, training and exam records
//! with expiring certificates, commendations / duty injuries / complaints, the change history)
//! and the edit pages of a staff member or guard. Police of the jurisdiction and the competent
//! department read the same pages; the unit's security manager writes.
//!
//! Every write goes through [`neibao_engine::security_staff::SecurityStaffService`], as the JSON
//! API does. Forms are CSRF-checked before anything else; a refused form is shown again with its
//! zh-CN message and the values as typed.

mod member;
mod page;
mod parse;

use crate::state::AppState;

/// This capability's pages.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/units/{id}/security", routing::get(page::unit))
        .route("/units/{id}/security/body", routing::post(page::body))
        .route("/units/{id}/security/staff", routing::post(page::add_staff))
        .route("/units/{id}/security/guards", routing::post(page::add_guard))
        .route("/units/{id}/security/trainings", routing::post(page::add_training))
        .route("/units/{id}/security/records", routing::post(page::add_record))
        .route(
            "/units/{id}/security/staff/{staff_id}/edit",
            routing::get(member::edit_staff_page).post(member::edit_staff),
        )
        .route(
            "/units/{id}/security/staff/{staff_id}/remove",
            routing::post(member::remove_staff),
        )
        .route(
            "/units/{id}/security/guards/{guard_id}/edit",
            routing::get(member::edit_guard_page).post(member::edit_guard),
        )
        .route(
            "/units/{id}/security/guards/{guard_id}/remove",
            routing::post(member::remove_guard),
        )
}
