//! Inspections: the list, starting one, reading, saving the draft, submitting once, evidence.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use neibao_domain::attachments::{Attachment, AttachmentOwner};
use neibao_domain::paging::Listing;
use neibao_domain::supervision::{Inspection, InspectionFilter, InspectionRecord, InspectionStatus, ItemOutcome};
use neibao_engine::supervision::{InspectionDetail, Submitted};
use serde::Deserialize;

use super::evidence::upload;
use super::paging::page;
use crate::error::ApiResult;
use crate::extract::multipart::CsrfMultipart;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InspectionQuery {
    /// Only the inspections of this campaign.
    pub campaign_id: Option<String>,
    /// Only the inspections of this unit.
    pub unit_id: Option<String>,
    pub status: Option<InspectionStatus>,
    /// Only the caller's: assigned to them, or held by their organisation and assigned to
    /// nobody yet (待指派).
    #[serde(default)]
    pub mine: bool,
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

/// Inspections in the caller's jurisdiction, newest first.
#[utoipa::path(get, path = "/api/v1/inspections", tag = "supervision", params(InspectionQuery), responses((status = 200, body = Listing<Inspection>)))]
pub async fn list_inspections(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<InspectionQuery>,
) -> ApiResult<Json<Listing<Inspection>>> {
    let p = page(q.page, q.per_page)?;
    let f = InspectionFilter {
        campaign_id: q.campaign_id,
        unit_id: q.unit_id,
        status: q.status,
        assignee_id: None,
        or_unassigned_in_org: None,
    };
    Ok(Json(
        state
            .services
            .supervision
            .inspections(&user.principal, f, q.mine, p)
            .await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct InspectionInput {
    pub unit_id: String,
    /// Due date (optional): today to a year ahead.
    #[serde(default)]
    pub due_date: Option<chrono::NaiveDate>,
}

/// Starts an inspection of one unit: police inspect as police, departments as the competent
/// department, a unit manager makes the unit's self-inspection (自查).
#[utoipa::path(post, path = "/api/v1/inspections", tag = "supervision", request_body = InspectionInput,
    responses((status = 201, body = Inspection), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn create_inspection(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(input): Json<InspectionInput>,
) -> ApiResult<(StatusCode, Json<Inspection>)> {
    let i = state
        .services
        .supervision
        .start_inspection(&user.principal, &input.unit_id, input.due_date)
        .await?;
    Ok((StatusCode::CREATED, Json(i)))
}

/// One inspection with its checklist, the hazards it found, its documents and evidence.
#[utoipa::path(get, path = "/api/v1/inspections/{id}", tag = "supervision",
    params(("id" = String, Path, description = "检查编号")),
    responses((status = 200, body = InspectionDetail)))]
pub async fn get_inspection(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<InspectionDetail>> {
    Ok(Json(
        state
            .services
            .supervision
            .inspection_detail(&user.principal, &id)
            .await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct InspectionWork {
    #[serde(default)]
    pub record: InspectionRecord,
    #[serde(default)]
    pub results: Vec<ItemOutcome>,
}

/// Saves a draft of the record and item results (until submitted). The side whose kind of
/// inspection it is.
#[utoipa::path(put, path = "/api/v1/inspections/{id}", tag = "supervision", request_body = InspectionWork,
    params(("id" = String, Path, description = "检查编号")),
    responses((status = 200, body = Inspection), (status = 403, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody, description = "检查已提交")))]
pub async fn save_inspection(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(w): Json<InspectionWork>,
) -> ApiResult<Json<Inspection>> {
    Ok(Json(
        state
            .services
            .supervision
            .save_inspection(&user.principal, &id, &w.record, &w.results)
            .await?,
    ))
}

/// Submits an inspection once: every item needs a result and one signature; failed items open
/// hazards (critical items: major), and the numbered inspection record (检查笔录) is produced.
#[utoipa::path(post, path = "/api/v1/inspections/{id}/submit", tag = "supervision", request_body = InspectionWork,
    params(("id" = String, Path, description = "检查编号")),
    responses((status = 200, body = Submitted),
        (status = 400, body = crate::error::ErrorBody, description = "检查项未填完或数据不符合要求（validation_failed）；检查笔录必备事项缺失（document_incomplete，消息写明缺少的事项，如见证人）"),
        (status = 403, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody, description = "检查已提交")))]
pub async fn submit_inspection(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(w): Json<InspectionWork>,
) -> ApiResult<Json<Submitted>> {
    Ok(Json(
        state
            .services
            .supervision
            .submit_inspection(&user.principal, &id, &w.record, &w.results)
            .await?,
    ))
}

/// Uploads a photo or file to an inspection (multipart field `file`, at most 10 MB). The side
/// whose kind of inspection it is, before it is submitted.
#[utoipa::path(post, path = "/api/v1/inspections/{id}/evidence", tag = "supervision",
    request_body(content_type = "multipart/form-data", content = super::evidence::EvidenceForm),
    params(("id" = String, Path, description = "检查编号")),
    responses((status = 201, body = Attachment), (status = 403, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody, description = "检查已提交"),
        (status = 413, body = crate::error::ErrorBody)))]
pub async fn inspection_evidence(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: CsrfMultipart,
) -> ApiResult<(StatusCode, Json<Attachment>)> {
    upload(&state, &user, AttachmentOwner::Inspection, &id, body).await
}
