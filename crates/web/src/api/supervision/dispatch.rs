//! Handing a campaign's inspections down to subordinate organisations (下发下级) and assigning
//! them to officers (指派检查人), issue 20: police of the organisation holding them or of one
//! above it.

use axum::extract::{Path, State};
use axum::Json;
use neibao_domain::supervision::Inspection;
use neibao_engine::supervision::{AssignAllInput, AssignResult, AssigneeInput, HandOutInput, HandOutResult};

use crate::error::ApiResult;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

/// Hands an organisation's unassigned inspections of a campaign (the caller's own organisation
/// by default) to its direct subordinate police organisations, each to the one covering the
/// unit (for a city bureau the county bureau, for a county bureau the unit's police station);
/// they arrive unassigned (待指派). Inspections no subordinate covers stay.
#[utoipa::path(post, path = "/api/v1/campaigns/{id}/hand_out", tag = "supervision", request_body = HandOutInput,
    params(("id" = String, Path, description = "专项检查编号")),
    responses((status = 200, body = HandOutResult),
        (status = 400, body = crate::error::ErrorBody, description = "承办单位编号无效或账号未关联公安机关（validation_failed）"),
        (status = 403, body = crate::error::ErrorBody, description = "不是民警，或该单位不是本单位或下级单位"),
        (status = 404, body = crate::error::ErrorBody, description = "专项检查不在本辖区，或承办单位不存在"),
        (status = 409, body = crate::error::ErrorBody, description = "没有待下发的检查，或没有管辖这些单位的下级单位")))]
pub async fn hand_out(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<HandOutInput>,
) -> ApiResult<Json<HandOutResult>> {
    Ok(Json(
        state.services.supervision.hand_out(&user.principal, &id, input).await?,
    ))
}

/// Assigns every unassigned inspection of a campaign that an organisation holds (the caller's
/// own by default) to one of its active officers.
#[utoipa::path(post, path = "/api/v1/campaigns/{id}/assign", tag = "supervision", request_body = AssignAllInput,
    params(("id" = String, Path, description = "专项检查编号")),
    responses((status = 200, body = AssignResult),
        (status = 400, body = crate::error::ErrorBody, description = "未选择检查人，或检查人不是承办单位在岗的民警（validation_failed）"),
        (status = 403, body = crate::error::ErrorBody, description = "不是民警，或该单位不是本单位或下级单位"),
        (status = 404, body = crate::error::ErrorBody, description = "专项检查不在本辖区，或承办单位、检查人不存在"),
        (status = 409, body = crate::error::ErrorBody, description = "没有待指派的检查")))]
pub async fn assign_campaign(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<AssignAllInput>,
) -> ApiResult<Json<AssignResult>> {
    Ok(Json(
        state
            .services
            .supervision
            .assign_campaign(&user.principal, &id, input)
            .await?,
    ))
}

/// Assigns one inspection (not submitted) to an active officer of the organisation holding it.
#[utoipa::path(put, path = "/api/v1/inspections/{id}/assignee", tag = "supervision", request_body = AssigneeInput,
    params(("id" = String, Path, description = "检查编号")),
    responses((status = 200, body = Inspection),
        (status = 400, body = crate::error::ErrorBody, description = "未选择检查人，或检查人不是承办单位在岗的民警（validation_failed）"),
        (status = 403, body = crate::error::ErrorBody, description = "不是民警，或承办单位不是本单位或下级单位"),
        (status = 404, body = crate::error::ErrorBody, description = "检查不在本辖区，或检查人不存在"),
        (status = 409, body = crate::error::ErrorBody, description = "检查已提交，或没有承办单位")))]
pub async fn assign_inspection(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<AssigneeInput>,
) -> ApiResult<Json<Inspection>> {
    Ok(Json(
        state
            .services
            .supervision
            .assign_inspection(&user.principal, &id, input)
            .await?,
    ))
}
