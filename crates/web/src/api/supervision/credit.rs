//! A unit's credit and the due-for-inspection list.

use axum::extract::{Path, Query, State};
use axum::Json;
use neibao_domain::paging::Listing;
use neibao_engine::supervision::{CreditSummary, DueUnit};

use super::paging::PageQuery;
use crate::error::ApiResult;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

/// A unit's credit grade, score, inspection interval and credit records.
#[utoipa::path(get, path = "/api/v1/units/{id}/credit", tag = "supervision",
    params(("id" = String, Path, description = "单位编号")),
    responses((status = 200, body = CreditSummary)))]
pub async fn unit_credit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<CreditSummary>> {
    Ok(Json(state.services.supervision.credit(&user.principal, &id).await?))
}

/// Units in the caller's jurisdiction due for inspection by their credit grade (worst grade,
/// never inspected and longest overdue first), one page at a time with the exact total.
#[utoipa::path(get, path = "/api/v1/supervision/due", tag = "supervision", params(PageQuery),
    responses((status = 200, body = Listing<DueUnit>), (status = 400, body = crate::error::ErrorBody)))]
pub async fn units_due(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Listing<DueUnit>>> {
    Ok(Json(
        state
            .services
            .supervision
            .units_due_page(&user.principal, q.to_page()?)
            .await?,
    ))
}
