//! Organisation tree administration (组织机构管理): `POST /api/v1/organisations`,
//! `GET /api/v1/organisations/tree`, `GET/PATCH /api/v1/organisations/{id}`,
//! `POST /api/v1/organisations/{id}/move|merge|close`, `GET /api/v1/organisations/{id}/history`.
//! Administrators only (`organisation.administer`), inside their jurisdiction
//! (docs/ORGANISATIONS.md). The list of open organisations for everyone stays
//! `GET /api/v1/organisations` (`crate::api::registry`).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use neibao_domain::organisations::{OrgDetail, OrgHistoryEntry};
use neibao_engine::organisations::{NewOrganisation, OrgClose, OrgEdit, OrgMerge, OrgMove, TreeNode};
use serde::Deserialize;

use crate::error::ApiResult;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct OrgPath {
    /// The organisation's id.
    pub id: String,
}

/// Whether closed organisations are shown.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TreeQuery {
    /// `true`: closed (撤销) organisations too (default: open ones only).
    pub include_closed: Option<bool>,
}

/// Creates an organisation under an open parent inside the caller's jurisdiction.
///
/// Errors: `validation_failed` (name; kind must fit the parent's: 市级公安局 under 省级公安机关 …;
/// the division code must lie within the parent's), `invalid_division_code`, `forbidden`.
#[utoipa::path(post, path = "/api/v1/organisations", tag = "organisations", request_body = NewOrganisation,
    responses((status = 201, body = OrgDetail), (status = 403, body = crate::error::ErrorBody)))]
pub async fn create_organisation(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(input): Json<NewOrganisation>,
) -> ApiResult<(StatusCode, Json<OrgDetail>)> {
    let created = state.services.organisations.create(&user.principal, input).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// The caller's visible tree, depth first (`depth` 0 for its roots), with counts.
#[utoipa::path(get, path = "/api/v1/organisations/tree", tag = "organisations", params(TreeQuery),
    responses((status = 200, body = Vec<TreeNode>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn tree(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<TreeQuery>,
) -> ApiResult<Json<Vec<TreeNode>>> {
    Ok(Json(
        state
            .services
            .organisations
            .tree(&user.principal, q.include_closed.unwrap_or(false))
            .await?,
    ))
}

/// One organisation with its version, state and the counts of its units, active accounts and
/// open children.
#[utoipa::path(get, path = "/api/v1/organisations/{id}", tag = "organisations", params(OrgPath),
    responses((status = 200, body = OrgDetail), (status = 403, body = crate::error::ErrorBody)))]
pub async fn get_organisation(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<OrgPath>,
) -> ApiResult<Json<OrgDetail>> {
    Ok(Json(state.services.organisations.get(&user.principal, &p.id).await?))
}

/// Renames an organisation or sets its sector, at the version the user saw.
///
/// Errors: 409 `version_conflict` (changed by someone else: nothing written), 409
/// `invalid_transition` (closed), `validation_failed`, `forbidden`.
#[utoipa::path(patch, path = "/api/v1/organisations/{id}", tag = "organisations", params(OrgPath),
    request_body = OrgEdit,
    responses((status = 200, body = OrgDetail), (status = 403, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody)))]
pub async fn update_organisation(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<OrgPath>,
    Json(edit): Json<OrgEdit>,
) -> ApiResult<Json<OrgDetail>> {
    Ok(Json(
        state
            .services
            .organisations
            .update(&user.principal, &p.id, edit)
            .await?,
    ))
}

/// Moves an organisation under another parent (no cycles; kind and division must fit).
///
/// Errors: as PATCH.
#[utoipa::path(post, path = "/api/v1/organisations/{id}/move", tag = "organisations", params(OrgPath),
    request_body = OrgMove,
    responses((status = 200, body = OrgDetail), (status = 403, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody)))]
pub async fn move_organisation(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<OrgPath>,
    Json(mv): Json<OrgMove>,
) -> ApiResult<Json<OrgDetail>> {
    Ok(Json(
        state.services.organisations.move_to(&user.principal, &p.id, mv).await?,
    ))
}

/// Merges an organisation into another of the same kind: its units, accounts (signed out) and
/// child organisations move to the target; it is closed with `merged_into`. The answer is the
/// merged (now closed) organisation.
///
/// Errors: as PATCH.
#[utoipa::path(post, path = "/api/v1/organisations/{id}/merge", tag = "organisations", params(OrgPath),
    request_body = OrgMerge,
    responses((status = 200, body = OrgDetail), (status = 403, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody)))]
pub async fn merge_organisation(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<OrgPath>,
    Json(m): Json<OrgMerge>,
) -> ApiResult<Json<OrgDetail>> {
    Ok(Json(
        state.services.organisations.merge(&user.principal, &p.id, m).await?,
    ))
}

/// Closes (撤销) an organisation.
///
/// Errors: 409 `invalid_transition` naming what still hangs on it (units, active accounts, open
/// child organisations, with counts) or when already closed; 409 `version_conflict`; `forbidden`.
#[utoipa::path(post, path = "/api/v1/organisations/{id}/close", tag = "organisations", params(OrgPath),
    request_body = OrgClose,
    responses((status = 200, body = OrgDetail), (status = 403, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody)))]
pub async fn close_organisation(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<OrgPath>,
    Json(c): Json<OrgClose>,
) -> ApiResult<Json<OrgDetail>> {
    Ok(Json(
        state.services.organisations.close(&user.principal, &p.id, c).await?,
    ))
}

/// An organisation's history, oldest first: who, when, what (a zh-CN sentence), before and after.
#[utoipa::path(get, path = "/api/v1/organisations/{id}/history", tag = "organisations", params(OrgPath),
    responses((status = 200, body = Vec<OrgHistoryEntry>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn history(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<OrgPath>,
) -> ApiResult<Json<Vec<OrgHistoryEntry>>> {
    Ok(Json(
        state.services.organisations.history_of(&user.principal, &p.id).await?,
    ))
}

/// This capability's routes (`GET /api/v1/organisations` itself is the registry's).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/organisations", post(create_organisation))
        .route("/api/v1/organisations/tree", get(tree))
        .route(
            "/api/v1/organisations/{id}",
            get(get_organisation).patch(update_organisation),
        )
        .route("/api/v1/organisations/{id}/move", post(move_organisation))
        .route("/api/v1/organisations/{id}/merge", post(merge_organisation))
        .route("/api/v1/organisations/{id}/close", post(close_organisation))
        .route("/api/v1/organisations/{id}/history", get(history))
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    create_organisation,
    tree,
    get_organisation,
    update_organisation,
    move_organisation,
    merge_organisation,
    close_organisation,
    history
))]
pub struct Doc;
