//! Checklists: every version, one version, publishing a new version of a variant.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use neibao_domain::supervision::ChecklistVersion;
use neibao_engine::supervision::ChecklistInput;

use crate::error::ApiResult;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

/// Every checklist version (the five-defence checklist of docs/REQUIREMENTS.md §d and its variants).
#[utoipa::path(get, path = "/api/v1/checklists", tag = "supervision", responses((status = 200, body = Vec<ChecklistVersion>)))]
pub async fn list_checklists(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<ChecklistVersion>>> {
    Ok(Json(state.services.supervision.checklists(&user.principal).await?))
}

/// One checklist version with its items.
#[utoipa::path(get, path = "/api/v1/checklists/{id}", tag = "supervision",
    params(("id" = String, Path, description = "检查表版本编号")),
    responses((status = 200, body = ChecklistVersion)))]
pub async fn get_checklist(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<ChecklistVersion>> {
    Ok(Json(state.services.supervision.checklist(&user.principal, &id).await?))
}

/// Publishes a new version of a checklist variant; inspections already made keep the version
/// they used. Administrators and provincial police.
#[utoipa::path(post, path = "/api/v1/checklists/{variant}/versions", tag = "supervision", request_body = ChecklistInput,
    params(("variant" = String, Path, description = "检查表类型",
        pattern = "^(all_units|key_units|counter_terror|universities)$")),
    responses((status = 201, body = ChecklistVersion), (status = 403, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody, description = "同时发布了另一个版本")))]
pub async fn add_checklist_version(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(variant): Path<String>,
    Json(input): Json<ChecklistInput>,
) -> ApiResult<(StatusCode, Json<ChecklistVersion>)> {
    let c = state
        .services
        .supervision
        .publish_checklist(&user.principal, &variant, input)
        .await?;
    Ok((StatusCode::CREATED, Json(c)))
}
