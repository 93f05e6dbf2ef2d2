//! A unit's own records beside the inspection checklist (docs/SUPERVISION.md, "单位台账"): one
//! read over every capability that keeps them ([`neibao_engine::unit_records::for_unit`]).

use axum::extract::{Path, State};
use axum::Json;
use neibao_domain::unit_records::UnitRecords;
use serde::Deserialize;

use crate::error::ApiResult;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

/// A unit.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct UnitPath {
    /// The unit's id.
    pub id: String,
}

/// The unit's records as evidence for the inspection checklist: one line per kind of record
/// (rules, security staff, patrols, filings, video system …), each naming the checklist items
/// (`Z6`, `P6` …) it bears on, what it says now, and the page that shows the records. Records
/// the caller's role may not read are left out.
#[utoipa::path(get, path = "/api/v1/units/{id}/records", tag = "supervision", params(UnitPath),
    responses((status = 200, body = UnitRecords),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn records(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
) -> ApiResult<Json<UnitRecords>> {
    Ok(Json(
        neibao_engine::unit_records::for_unit(&state.services, &user.principal, &p.id).await?,
    ))
}

pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/api/v1/units/{id}/records", axum::routing::get(records))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(records))]
pub struct Doc;
