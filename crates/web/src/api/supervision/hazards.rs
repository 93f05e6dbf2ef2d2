//! Hazards: the list, reporting one, reading one with its steps, ladder actions, evidence.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use neibao_domain::attachments::{Attachment, AttachmentOwner};
use neibao_domain::paging::{Listing, Sort};
use neibao_domain::supervision::ladder::{HazardClass, Phase};
use neibao_domain::supervision::{Hazard, HazardFilter, HazardStep};
use neibao_engine::supervision::{ActInput, HazardDetail, HazardInput};
use serde::{Deserialize, Serialize};

use super::evidence::upload;
use super::paging::page;
use crate::error::ApiResult;
use crate::extract::multipart::CsrfMultipart;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

/// The orders of the hazard list (the `sort` parameter).
/// (Only the schema is used: the value is read as text and checked by `Sort::checked`.)
#[derive(Debug, Clone, Copy, serde::Serialize, Deserialize, utoipa::ToSchema)]
pub enum HazardSortParam {
    #[serde(rename = "deadline")]
    Deadline,
    #[serde(rename = "-deadline")]
    DeadlineDesc,
    #[serde(rename = "created")]
    Created,
    #[serde(rename = "-created")]
    CreatedDesc,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HazardQuery {
    /// Only the hazards of this unit.
    pub unit_id: Option<String>,
    pub phase: Option<Phase>,
    pub class: Option<HazardClass>,
    /// Only hazards not yet closed or ended in a penalty.
    #[serde(default)]
    pub open: bool,
    /// The order: by deadline (none last either way) or registration, `-` first for
    /// descending; by default the nearest deadline first.
    #[param(value_type = Option<HazardSortParam>)]
    pub sort: Option<String>,
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

/// Hazards in the caller's jurisdiction, nearest deadline first or as `sort` says (400
/// `validation_failed` for an unknown `sort`).
#[utoipa::path(get, path = "/api/v1/hazards", tag = "supervision", params(HazardQuery), responses((status = 200, body = Listing<Hazard>)))]
pub async fn list_hazards(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<HazardQuery>,
) -> ApiResult<Json<Listing<Hazard>>> {
    let p = page(q.page, q.per_page)?;
    let f = HazardFilter {
        unit_id: q.unit_id,
        phase: q.phase,
        open_only: q.open,
        inspection_id: None,
        class: q.class,
        sort: Sort::checked(q.sort.as_deref())?,
    };
    Ok(Json(state.services.supervision.hazards(&user.principal, &f, p).await?))
}

/// Records a hazard from an alert, an assessment, a report or an inspection. Police,
/// competent departments and the unit.
#[utoipa::path(post, path = "/api/v1/hazards", tag = "supervision", request_body = HazardInput,
    responses((status = 201, body = Hazard), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody, description = "单位或来源告警不存在或不在本辖区")))]
pub async fn create_hazard(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(input): Json<HazardInput>,
) -> ApiResult<(StatusCode, Json<Hazard>)> {
    let h = state.services.supervision.report_hazard(&user.principal, input).await?;
    Ok((StatusCode::CREATED, Json(h)))
}

/// One hazard with its steps, documents and evidence.
#[utoipa::path(get, path = "/api/v1/hazards/{id}", tag = "supervision",
    params(("id" = String, Path, description = "隐患编号")),
    responses((status = 200, body = HazardDetail)))]
pub async fn get_hazard(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<HazardDetail>> {
    Ok(Json(
        state.services.supervision.hazard_detail(&user.principal, &id).await?,
    ))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ActOutcome {
    pub hazard: Hazard,
    pub step: HazardStep,
}

/// Takes one ladder action on a hazard (docs/REQUIREMENTS.md §b.1): `issue_order`, `fix_on_spot`,
/// `dismiss`, `submit_rectification`, `recheck`, `request_extension`, `decide_extension`,
/// `escalate`, `decide_fine`, `transfer_criminal`. Illegal actions are refused (403 for the
/// wrong side, 409 for the wrong moment, 400 for bad amounts or dates) and change nothing.
#[utoipa::path(post, path = "/api/v1/hazards/{id}/actions", tag = "supervision", request_body = ActInput,
    params(("id" = String, Path, description = "隐患编号")),
    responses((status = 200, body = ActOutcome),
        (status = 400, body = crate::error::ErrorBody, description = "数据不符合要求（validation_failed）；文书必备事项缺失（document_incomplete，如约谈未写明约谈时间、地点）"),
        (status = 403, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody, description = "当前状态不允许此操作，或隐患已被他人更新")))]
pub async fn act(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<ActInput>,
) -> ApiResult<Json<ActOutcome>> {
    let (hazard, step) = state.services.supervision.act(&user.principal, &id, input).await?;
    Ok(Json(ActOutcome { hazard, step }))
}

/// Uploads a rectification or inspection photo or file to a hazard (multipart field `file`,
/// at most 10 MB). Police, departments and the unit, until the hazard is closed or ended.
#[utoipa::path(post, path = "/api/v1/hazards/{id}/evidence", tag = "supervision",
    request_body(content_type = "multipart/form-data", content = super::evidence::EvidenceForm),
    params(("id" = String, Path, description = "隐患编号")),
    responses((status = 201, body = Attachment), (status = 403, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody, description = "隐患已销号或处罚终结"),
        (status = 413, body = crate::error::ErrorBody)))]
pub async fn hazard_evidence(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: CsrfMultipart,
) -> ApiResult<(StatusCode, Json<Attachment>)> {
    upload(&state, &user, AttachmentOwner::Hazard, &id, body).await
}
