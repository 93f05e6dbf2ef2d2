//! Filings with the police (备案, docs/FILINGS.md; R16, R41(5), R50, R57): the kinds, a unit's
//! filings, opening one by hand, drafting and submitting, the police's acknowledgement, return
//! and archive, the overdue list of a jurisdiction, and a unit's summary. Handlers parse, call
//! [`neibao_engine::filings::FilingService`] and answer; who may do what, and the jurisdiction,
//! is the service's business.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use neibao_domain::filings::{Filing, FilingFilter, FilingKind, FilingStatus, FilingSummary};
use neibao_domain::paging::{Listing, Page};
use neibao_engine::filings::KindInfo;
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

/// A filing.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct FilingPath {
    /// The filing's id.
    pub id: String,
}

/// Which filings to list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only this status.
    pub status: Option<FilingStatus>,
    /// Only this kind.
    pub kind: Option<FilingKind>,
    /// Only overdue filings.
    #[serde(default)]
    pub overdue: bool,
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

/// A page of a list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

/// A filing to open by hand (the unit's security manager).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct OpenRequest {
    pub kind: FilingKind,
    /// The trigger date (Beijing date, not after today): guard service started, system in use …
    pub trigger_date: NaiveDate,
    /// What it is about (at most 100 characters); absent or empty: a new reference. The same
    /// kind and reference again answers the first filing (200).
    #[serde(default)]
    #[schema(max_length = 100)]
    pub source_ref: Option<String>,
}

/// A filing's content to save (draft or returned filings).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SaveRequest {
    /// The filing's `version` as read (stale: 409).
    #[schema(minimum = 1)]
    pub version: i64,
    /// Field key → value, the keys of the kind's fields (`GET /api/v1/filing-kinds`).
    pub content: BTreeMap<String, String>,
}

/// A submission.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SubmitRequest {
    #[schema(minimum = 1)]
    pub version: i64,
    /// The content to submit; absent: as saved. Every field of the kind is required.
    #[serde(default)]
    pub content: Option<BTreeMap<String, String>>,
}

/// A police step: acknowledge (optional note), return (reasons required), archive.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ReviewRequest {
    #[schema(minimum = 1)]
    pub version: i64,
    /// The note of an acknowledgement or the reasons of a return (at most 500 characters).
    #[serde(default)]
    #[schema(max_length = 500)]
    pub note: String,
}

fn filter(q: &ListQuery, unit_id: Option<String>) -> FilingFilter {
    FilingFilter {
        unit_id,
        status: q.status,
        kind: q.kind,
        overdue_on: q.overdue.then(neibao_engine::filings::beijing_today),
    }
}

/// The kinds of filing: required content, deadline rule, receiving police level, article.
#[utoipa::path(get, path = "/api/v1/filing-kinds", tag = "filings",
    responses((status = 200, body = Vec<KindInfo>)))]
pub async fn kinds(State(state): State<AppState>, _user: CurrentUser) -> Json<Vec<KindInfo>> {
    Json(state.services.filings.kinds())
}

/// The filings of the caller's jurisdiction (police), of their unit (unit accounts), due first.
#[utoipa::path(get, path = "/api/v1/filings", tag = "filings", params(ListQuery),
    responses((status = 200, body = Listing<Filing>), (status = 400, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Listing<Filing>>> {
    let page = Page::checked(q.page, q.per_page)?;
    Ok(Json(
        state
            .services
            .filings
            .list(&user.principal, &filter(&q, None), page)
            .await?,
    ))
}

/// The overdue filings of the caller's jurisdiction: due date passed without a submission, or
/// first submitted late; not archived. Oldest due date first.
#[utoipa::path(get, path = "/api/v1/filings/overdue", tag = "filings", params(PageQuery),
    responses((status = 200, body = Listing<Filing>), (status = 400, body = crate::error::ErrorBody)))]
pub async fn overdue(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Listing<Filing>>> {
    let page = Page::checked(q.page, q.per_page)?;
    Ok(Json(state.services.filings.overdue(&user.principal, page).await?))
}

/// A unit's filings.
#[utoipa::path(get, path = "/api/v1/units/{id}/filings", tag = "filings", params(UnitPath, ListQuery),
    responses((status = 200, body = Listing<Filing>), (status = 400, body = crate::error::ErrorBody)))]
pub async fn unit_list(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Listing<Filing>>> {
    let page = Page::checked(q.page, q.per_page)?;
    Ok(Json(
        state
            .services
            .filings
            .list(&user.principal, &filter(&q, Some(p.id)), page)
            .await?,
    ))
}

/// Opens a filing by hand (the unit's security manager): its due date follows the kind's rule
/// and the reminder and overdue jobs are scheduled. 201 when new; 200 with the existing filing
/// of the same kind and source reference.
#[utoipa::path(post, path = "/api/v1/units/{id}/filings", tag = "filings", params(UnitPath),
    request_body = OpenRequest,
    responses((status = 201, body = Filing), (status = 200, body = Filing, description = "同一事项已立项"),
        (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位保卫负责人可以立项"),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "单位已注销")))]
pub async fn open(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
    Json(r): Json<OpenRequest>,
) -> ApiResult<(StatusCode, Json<Filing>)> {
    let (f, new) = state
        .services
        .filings
        .open(&user.principal, &p.id, r.kind, r.trigger_date, r.source_ref.as_deref())
        .await?;
    Ok((if new { StatusCode::CREATED } else { StatusCode::OK }, Json(f)))
}

/// A unit's filings by status, overdue count and designations (shown next to inspection
/// checklist items).
#[utoipa::path(get, path = "/api/v1/units/{id}/filings/summary", tag = "filings", params(UnitPath),
    responses((status = 200, body = FilingSummary),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn summary(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
) -> ApiResult<Json<FilingSummary>> {
    Ok(Json(state.services.filings.summary(&user.principal, &p.id).await?))
}

/// One filing with its history (every step, a returned filing's reasons included).
#[utoipa::path(get, path = "/api/v1/filings/{id}", tag = "filings", params(FilingPath),
    responses((status = 200, body = Filing),
        (status = 404, body = crate::error::ErrorBody, description = "备案不存在或不在本辖区")))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<FilingPath>,
) -> ApiResult<Json<Filing>> {
    Ok(Json(state.services.filings.get(&user.principal, &p.id).await?))
}

/// Saves a draft or returned filing's content (the unit's security manager).
#[utoipa::path(put, path = "/api/v1/filings/{id}", tag = "filings", params(FilingPath),
    request_body = SaveRequest,
    responses((status = 200, body = Filing), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody, description = "状态不允许或版本已变")))]
pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<FilingPath>,
    Json(r): Json<SaveRequest>,
) -> ApiResult<Json<Filing>> {
    Ok(Json(
        state
            .services
            .filings
            .save(&user.principal, &p.id, r.version, r.content)
            .await?,
    ))
}

/// Submits a draft or returned filing (the unit's security manager); every required field.
#[utoipa::path(post, path = "/api/v1/filings/{id}/submit", tag = "filings", params(FilingPath),
    request_body = SubmitRequest,
    responses((status = 200, body = Filing), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody, description = "状态不允许或版本已变")))]
pub async fn submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<FilingPath>,
    Json(r): Json<SubmitRequest>,
) -> ApiResult<Json<Filing>> {
    Ok(Json(
        state
            .services
            .filings
            .submit(&user.principal, &p.id, r.version, r.content)
            .await?,
    ))
}

/// Acknowledges (受理) a submitted filing (county-level and higher police; guard filings city
/// level and higher).
#[utoipa::path(post, path = "/api/v1/filings/{id}/acknowledge", tag = "filings", params(FilingPath),
    request_body = ReviewRequest,
    responses((status = 200, body = Filing), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody, description = "状态不允许或版本已变")))]
pub async fn acknowledge(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<FilingPath>,
    Json(r): Json<ReviewRequest>,
) -> ApiResult<Json<Filing>> {
    Ok(Json(
        state
            .services
            .filings
            .acknowledge(&user.principal, &p.id, r.version, &r.note)
            .await?,
    ))
}

/// Returns a submitted filing to the unit with its reasons (`note`, required); the history is
/// kept and the unit resubmits.
#[utoipa::path(post, path = "/api/v1/filings/{id}/return", tag = "filings", params(FilingPath),
    request_body = ReviewRequest,
    responses((status = 200, body = Filing), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody, description = "状态不允许或版本已变")))]
pub async fn return_filing(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<FilingPath>,
    Json(r): Json<ReviewRequest>,
) -> ApiResult<Json<Filing>> {
    Ok(Json(
        state
            .services
            .filings
            .return_filing(&user.principal, &p.id, r.version, &r.note)
            .await?,
    ))
}

/// Archives an acknowledged filing.
#[utoipa::path(post, path = "/api/v1/filings/{id}/archive", tag = "filings", params(FilingPath),
    request_body = ReviewRequest,
    responses((status = 200, body = Filing), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody, description = "状态不允许或版本已变")))]
pub async fn archive(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<FilingPath>,
    Json(r): Json<ReviewRequest>,
) -> ApiResult<Json<Filing>> {
    Ok(Json(
        state
            .services
            .filings
            .archive(&user.principal, &p.id, r.version)
            .await?,
    ))
}

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/api/v1/filing-kinds", routing::get(kinds))
        .route("/api/v1/filings", routing::get(list))
        .route("/api/v1/filings/overdue", routing::get(overdue))
        .route("/api/v1/filings/{id}", routing::get(get).put(save))
        .route("/api/v1/filings/{id}/submit", routing::post(submit))
        .route("/api/v1/filings/{id}/acknowledge", routing::post(acknowledge))
        .route("/api/v1/filings/{id}/return", routing::post(return_filing))
        .route("/api/v1/filings/{id}/archive", routing::post(archive))
        .route("/api/v1/units/{id}/filings", routing::get(unit_list).post(open))
        .route("/api/v1/units/{id}/filings/summary", routing::get(summary))
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    kinds,
    list,
    overdue,
    unit_list,
    open,
    summary,
    get,
    save,
    submit,
    acknowledge,
    return_filing,
    archive
))]
pub struct Doc;
