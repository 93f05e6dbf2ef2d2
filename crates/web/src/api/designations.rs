//! Designations (docs/FILINGS.md): 治安保卫重点单位 (Decree 421 Art 13, R15) and 防范恐怖袭击
//! 重点目标 (R40) — the police proposal, the decision recorded from the government's document
//! (the unit's flag set, the unit told), a refusal, a revocation. Handlers parse, call
//! [`neibao_engine::designations::DesignationService`] and answer.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use neibao_domain::designations::{Designation, DesignationFilter, DesignationKind, DesignationStatus};
use neibao_domain::paging::{Listing, Page};
use neibao_engine::designations::{DecisionDraft, ProposalDraft};
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

/// A designation record.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct DesignationPath {
    /// The record's id.
    pub id: String,
}

/// Which records to list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only this unit.
    pub unit_id: Option<String>,
    /// Only this status.
    pub status: Option<DesignationStatus>,
    /// Only this kind.
    pub kind: Option<DesignationKind>,
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

/// A proposal (county-level and higher police).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ProposeRequest {
    pub kind: DesignationKind,
    /// Decree 421 Art 13 category 1–11: required for a key unit, absent for a target.
    #[schema(minimum = 1, maximum = 11)]
    pub category: Option<u8>,
    /// Grade of a counter-terror target (optional, at most 20 characters).
    #[serde(default)]
    #[schema(max_length = 20)]
    pub grade: String,
    /// Why (1–500 characters).
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

/// A decision or a revocation, from the government's document.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct DecisionRequest {
    /// The record's `version` as read (stale: 409).
    #[schema(minimum = 1)]
    pub version: i64,
    /// The deciding government or authority (decision: required, at most 100 characters).
    #[serde(default)]
    #[schema(max_length = 100)]
    pub authority: String,
    /// The document number (文号, 1–100 characters).
    #[schema(min_length = 1, max_length = 100)]
    pub document_number: String,
    /// The document's date (not after today).
    pub decided_on: NaiveDate,
    /// The date the unit was told (counter-terror targets); absent: the decision date.
    #[serde(default, deserialize_with = "neibao_domain::json::opt_date")]
    pub notice_on: Option<NaiveDate>,
    /// A note (decision: optional; revocation: the reason, required; at most 500 characters).
    #[serde(default)]
    #[schema(max_length = 500)]
    pub note: String,
}

/// A refusal.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RejectRequest {
    #[schema(minimum = 1)]
    pub version: i64,
    /// Why it was not approved (1–500 characters).
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

fn draft(r: DecisionRequest) -> (i64, DecisionDraft) {
    (
        r.version,
        DecisionDraft {
            authority: r.authority,
            document_number: r.document_number,
            decided_on: r.decided_on,
            notice_on: r.notice_on,
            note: r.note,
        },
    )
}

/// The designation records of the caller's scope, newest first.
#[utoipa::path(get, path = "/api/v1/designations", tag = "designations", params(ListQuery),
    responses((status = 200, body = Listing<Designation>), (status = 400, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Listing<Designation>>> {
    let page = Page::checked(q.page, q.per_page)?;
    let filter = DesignationFilter {
        unit_id: q.unit_id,
        status: q.status,
        kind: q.kind,
    };
    Ok(Json(
        state.services.designations.list(&user.principal, &filter, page).await?,
    ))
}

/// Proposes a unit as key unit or counter-terror target (county-level and higher police, the
/// unit in their jurisdiction).
#[utoipa::path(post, path = "/api/v1/units/{id}/designations", tag = "designations", params(UnitPath),
    request_body = ProposeRequest,
    responses((status = 201, body = Designation), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody, description = "仅县级以上公安机关可以提议"),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "单位已注销")))]
pub async fn propose(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
    Json(r): Json<ProposeRequest>,
) -> ApiResult<(StatusCode, Json<Designation>)> {
    let d = ProposalDraft {
        kind: r.kind,
        category: r.category,
        grade: r.grade,
        reason: r.reason,
    };
    let out = state.services.designations.propose(&user.principal, &p.id, d).await?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// One record with its history.
#[utoipa::path(get, path = "/api/v1/designations/{id}", tag = "designations", params(DesignationPath),
    responses((status = 200, body = Designation),
        (status = 404, body = crate::error::ErrorBody, description = "不存在或不在本辖区")))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<DesignationPath>,
) -> ApiResult<Json<Designation>> {
    Ok(Json(state.services.designations.get(&user.principal, &p.id).await?))
}

/// Records the government's decision: sets the unit's flag and tells the unit in its inbox.
#[utoipa::path(post, path = "/api/v1/designations/{id}/decide", tag = "designations", params(DesignationPath),
    request_body = DecisionRequest,
    responses((status = 200, body = Designation), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody, description = "状态不允许或版本已变")))]
pub async fn decide(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<DesignationPath>,
    Json(r): Json<DecisionRequest>,
) -> ApiResult<Json<Designation>> {
    let (version, d) = draft(r);
    Ok(Json(
        state
            .services
            .designations
            .decide(&user.principal, &p.id, version, d)
            .await?,
    ))
}

/// Records that a proposal was not approved.
#[utoipa::path(post, path = "/api/v1/designations/{id}/reject", tag = "designations", params(DesignationPath),
    request_body = RejectRequest,
    responses((status = 200, body = Designation), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody, description = "状态不允许或版本已变")))]
pub async fn reject(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<DesignationPath>,
    Json(r): Json<RejectRequest>,
) -> ApiResult<Json<Designation>> {
    Ok(Json(
        state
            .services
            .designations
            .reject(&user.principal, &p.id, r.version, &r.reason)
            .await?,
    ))
}

/// Revokes a decided record (document number, date, reason in `note`): clears the unit's flag
/// and tells the unit.
#[utoipa::path(post, path = "/api/v1/designations/{id}/revoke", tag = "designations", params(DesignationPath),
    request_body = DecisionRequest,
    responses((status = 200, body = Designation), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody, description = "状态不允许或版本已变")))]
pub async fn revoke(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<DesignationPath>,
    Json(r): Json<DecisionRequest>,
) -> ApiResult<Json<Designation>> {
    let (version, d) = draft(r);
    Ok(Json(
        state
            .services
            .designations
            .revoke(&user.principal, &p.id, version, d)
            .await?,
    ))
}

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/api/v1/designations", routing::get(list))
        .route("/api/v1/designations/{id}", routing::get(get))
        .route("/api/v1/designations/{id}/decide", routing::post(decide))
        .route("/api/v1/designations/{id}/reject", routing::post(reject))
        .route("/api/v1/designations/{id}/revoke", routing::post(revoke))
        .route("/api/v1/units/{id}/designations", routing::post(propose))
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, propose, get, decide, reject, revoke))]
pub struct Doc;
