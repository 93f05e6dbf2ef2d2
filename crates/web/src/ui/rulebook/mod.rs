//! The pages of the unit's written security rules (治安保卫制度, docs/RULEBOOK.md): the coverage
//! list of the units in the user's jurisdiction (`/rulebook`) and a unit's nine subjects
//! (`/units/{id}/rulebook`: versions, 不适用, 我已阅读并遵守, who has signed).
//!
//! Every write goes through [`neibao_engine::rulebook::RulebookService`], as the JSON API does.
//! Forms are CSRF-checked before anything else; a refused form is shown again with its zh-CN
//! message and the values as typed.

mod coverage;
mod unit;

use crate::state::AppState;

/// This capability's pages.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/rulebook", routing::get(coverage::coverage))
        .route("/units/{id}/rulebook", routing::get(unit::unit))
        .route("/units/{id}/rulebook/versions", routing::post(unit::publish))
        .route("/units/{id}/rulebook/applicability", routing::post(unit::applicability))
        .route("/units/{id}/rulebook/acknowledge", routing::post(unit::acknowledge))
        .route(
            "/units/{id}/rulebook/{subject}/pdf",
            routing::post(unit::pdf).layer(crate::extract::multipart::upload_limit()),
        )
}
