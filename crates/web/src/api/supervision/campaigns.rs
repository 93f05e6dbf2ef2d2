//! Campaigns (专项检查): the list with progress, launching one, one campaign.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use neibao_domain::paging::Listing;
use neibao_domain::supervision::{Campaign, CampaignDetail};
use neibao_engine::supervision::CampaignInput;

use super::paging::PageQuery;
use crate::error::ApiResult;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

/// Campaigns with inspections in the caller's jurisdiction, with progress.
#[utoipa::path(get, path = "/api/v1/campaigns", tag = "supervision", params(PageQuery), responses((status = 200, body = Listing<Campaign>)))]
pub async fn list_campaigns(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Listing<Campaign>>> {
    Ok(Json(
        state
            .services
            .supervision
            .campaigns(&user.principal, q.to_page()?)
            .await?,
    ))
}

/// Launches a campaign (专项检查): one inspection per selected unit in the caller's
/// jurisdiction, kept by the launcher (`hand_out: self`) or handed to the direct subordinate
/// police organisations covering the units (`subordinates`). Bureaus and competent departments.
#[utoipa::path(post, path = "/api/v1/campaigns", tag = "supervision", request_body = CampaignInput,
    responses((status = 201, body = Campaign), (status = 403, body = crate::error::ErrorBody)))]
pub async fn create_campaign(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(input): Json<CampaignInput>,
) -> ApiResult<(StatusCode, Json<Campaign>)> {
    let c = state
        .services
        .supervision
        .launch_campaign(&user.principal, input)
        .await?;
    Ok((StatusCode::CREATED, Json(c)))
}

/// One campaign, its progress and its progress per organisation holding its inspections
/// (`by_organisation`), counting only inspections in the caller's jurisdiction.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}", tag = "supervision",
    params(("id" = String, Path, description = "专项检查编号")),
    responses((status = 200, body = CampaignDetail)))]
pub async fn get_campaign(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<CampaignDetail>> {
    Ok(Json(state.services.supervision.campaign(&user.principal, &id).await?))
}
