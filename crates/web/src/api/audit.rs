//! The audit log, read inside the caller's scope.

use axum::extract::{Query, State};
use axum::Json;
use neibao_domain::audit::{AuditFilter, AuditLine};
use neibao_domain::paging::{Listing, Page};
use serde::Deserialize;

use crate::error::ApiResult;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

/// Highest page number accepted.

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Action prefix, e.g. `person.` or `token.`.
    pub action: Option<String>,
    /// Exact user name of the actor.
    pub actor: Option<String>,
    pub object_id: Option<String>,
    /// Page number, 1–1 000 000.
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    /// Rows per page, 1–200 (50 when absent).
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

/// The audit log, newest first: administrators see all of it; police see the rows about units
/// in their jurisdiction, the rows written by the users of those units (unit managers, guards)
/// and the rows of their own actions (look-ups, …). Each row keeps its stable `action` code and
/// adds `action_label` and `sentence` in zh-CN ("李四 确认了告警 …").
///
/// Errors: `validation_failed` (400) for a page out of range, `forbidden` (403).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = Listing<AuditLine>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn list_audit(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<AuditQuery>,
) -> ApiResult<Json<Listing<AuditLine>>> {
    let page = Page::checked(q.page, q.per_page)?;
    let filter = AuditFilter {
        action: q.action,
        actor: q.actor,
        object_id: q.object_id,
    };
    let list = state.services.audit.list(&user.principal, &filter, page).await?;
    Ok(Json(Listing {
        items: list.items.into_iter().map(AuditLine::from).collect(),
        total: list.total,
        total_capped: list.total_capped,
        page: list.page,
        per_page: list.per_page,
    }))
}

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/api/v1/audit", axum::routing::get(list_audit))
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list_audit))]
pub struct Doc;
