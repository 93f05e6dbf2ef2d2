//! Public-security video systems (docs/VIDEO.md; 《公共安全视频图像信息系统管理条例》): a
//! camera's placement (location type, field-of-view note), the unit's video-system record and
//! its generated summary (the R50 filing payload), signage groups and checks with photos, the
//! footage retrieval log (R53, append-only), and the summary shown beside inspection items.
//! Handlers parse, call [`neibao_engine::video::VideoService`] and answer; who may do what, and
//! the jurisdiction, is the service's business.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use neibao_domain::attachments::Attachment;
use neibao_domain::devices::Device;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::video::{Camera, Retrieval, SignageCheck, SignageGroup, SystemSummary, VideoSummary, VideoSystem};
use neibao_engine::video::{CheckDraft, GroupDraft, PlacementDraft, RetrievalDraft, SystemDraft};
use serde::Deserialize;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::multipart::{upload_limit, CsrfMultipart};
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

/// A unit, a device, a signage group or check.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct IdPath {
    /// The object's id.
    pub id: String,
}

/// A signage group of a unit.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct GroupPath {
    /// The unit's id.
    pub id: String,
    /// The signage group's id.
    pub group: String,
}

/// A signage check of a unit.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CheckPath {
    /// The unit's id.
    pub id: String,
    /// The signage check's id.
    pub check: String,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

/// A multipart body with one photo.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // the schema of the body, which `CsrfMultipart` reads
pub struct PhotoForm {
    /// The photo (an image), at most 10 MB.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// The unit's video-system record and the summary generated from the camera register: unit
/// information, locations by type, device counts by type and vendor, storage period,
/// commissioning date (S7 Art 14, R50 — the video-system filing's content).
#[utoipa::path(get, path = "/api/v1/units/{id}/video-system", tag = "video", params(IdPath),
    responses((status = 200, body = SystemSummary),
        (status = 404, body = ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn system(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
) -> ApiResult<Json<SystemSummary>> {
    Ok(Json(state.services.video.system_summary(&user.principal, &p.id).await?))
}

/// Records the commissioning date (投入使用日期) and storage period (at least 30 days, S7 Art 17)
/// at the record's `version` (0 before the first).
#[utoipa::path(put, path = "/api/v1/units/{id}/video-system", tag = "video", params(IdPath),
    request_body = SystemDraft,
    responses((status = 200, body = VideoSystem), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "仅本单位负责人和管理员可以登记"),
        (status = 404, body = ErrorBody, description = "单位不存在或不在本辖区"),
        (status = 409, body = ErrorBody, description = "已被他人修改，或单位已注销")))]
pub async fn set_system(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(d): Json<SystemDraft>,
) -> ApiResult<Json<VideoSystem>> {
    Ok(Json(state.services.video.set_system(&user.principal, &p.id, d).await?))
}

/// The summary shown beside inspection checklist items: cameras, the prohibited-spot check
/// (R49), signage groups with and without photo evidence (R51), retrievals in the last 90 days.
#[utoipa::path(get, path = "/api/v1/units/{id}/video/summary", tag = "video", params(IdPath),
    responses((status = 200, body = VideoSummary),
        (status = 404, body = ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn summary(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
) -> ApiResult<Json<VideoSummary>> {
    Ok(Json(state.services.video.summary(&user.principal, &p.id).await?))
}

/// The unit's cameras (not closed) with location type and field-of-view note.
#[utoipa::path(get, path = "/api/v1/units/{id}/video/cameras", tag = "video", params(IdPath),
    responses((status = 200, body = Vec<Camera>),
        (status = 404, body = ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn cameras(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
) -> ApiResult<Json<Vec<Camera>>> {
    Ok(Json(
        state.services.video.overview(&user.principal, &p.id).await?.cameras,
    ))
}

/// Sets a camera's location type and field-of-view note at its `version`. A prohibited spot is
/// refused with 422 `prohibited_camera_location` citing S7 Art 8.
#[utoipa::path(put, path = "/api/v1/devices/{id}/placement", tag = "video", params(IdPath),
    request_body = PlacementDraft,
    responses((status = 200, body = Device), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "摄像机不存在或不在本辖区"),
        (status = 409, body = ErrorBody, description = "已被他人修改，或已注销"),
        (status = 422, body = ErrorBody, description = "禁止安装的位置（条例第八条）")))]
pub async fn placement(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(d): Json<PlacementDraft>,
) -> ApiResult<Json<Device>> {
    Ok(Json(
        state.services.video.set_placement(&user.principal, &p.id, d).await?,
    ))
}

/// The unit's signage groups, each with its checks (newest first).
#[utoipa::path(get, path = "/api/v1/units/{id}/video/signage-groups", tag = "video", params(IdPath),
    responses((status = 200, body = Vec<SignageGroup>),
        (status = 404, body = ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn groups(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
) -> ApiResult<Json<Vec<SignageGroup>>> {
    Ok(Json(
        state.services.video.overview(&user.principal, &p.id).await?.groups,
    ))
}

/// Adds a signage group (a named group of the unit's cameras, e.g. 东门).
#[utoipa::path(post, path = "/api/v1/units/{id}/video/signage-groups", tag = "video", params(IdPath),
    request_body = GroupDraft,
    responses((status = 201, body = SignageGroup), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "单位不存在或不在本辖区"),
        (status = 409, body = ErrorBody, description = "分组名称已存在，或单位已注销")))]
pub async fn add_group(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(d): Json<GroupDraft>,
) -> ApiResult<(StatusCode, Json<SignageGroup>)> {
    let g = state.services.video.add_group(&user.principal, &p.id, d).await?;
    Ok((StatusCode::CREATED, Json(g)))
}

/// Records a check of a group's sign (date, who checked, present or not); the photo follows.
#[utoipa::path(post, path = "/api/v1/units/{id}/video/signage-groups/{group}/checks", tag = "video", params(GroupPath),
    request_body = CheckDraft,
    responses((status = 201, body = SignageCheck), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "分组不存在或不在本辖区"),
        (status = 409, body = ErrorBody, description = "单位已注销")))]
pub async fn add_check(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<GroupPath>,
    Json(d): Json<CheckDraft>,
) -> ApiResult<(StatusCode, Json<SignageCheck>)> {
    let c = state
        .services
        .video
        .add_check(&user.principal, &p.id, &p.group, d)
        .await?;
    Ok((StatusCode::CREATED, Json(c)))
}

/// Uploads the photo of a signage check (multipart field `file`, an image of at most 10 MB).
#[utoipa::path(post, path = "/api/v1/units/{id}/video/signage-checks/{check}/photo", tag = "video", params(CheckPath),
    request_body(content_type = "multipart/form-data", content = PhotoForm),
    responses((status = 201, body = Attachment), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "检查记录不存在或不在本辖区"),
        (status = 413, body = ErrorBody)))]
pub async fn add_photo(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<CheckPath>,
    body: CsrfMultipart,
) -> ApiResult<(StatusCode, Json<Attachment>)> {
    let v = &state.services.video;
    v.check_photo_target(&user.principal, &p.id).await?;
    let file = body.file().await?;
    let a = v.add_signage_photo(&user.principal, &p.id, &p.check, file).await?;
    Ok((StatusCode::CREATED, Json(a)))
}

/// The unit's footage retrieval log (调阅登记), newest first: police in their jurisdiction,
/// administrators and the unit's manager.
#[utoipa::path(get, path = "/api/v1/units/{id}/video/retrievals", tag = "video", params(IdPath, PageQuery),
    responses((status = 200, body = Listing<Retrieval>), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn retrievals(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Listing<Retrieval>>> {
    let page = Page::checked(q.page, q.per_page)?;
    Ok(Json(
        state.services.video.retrievals(&user.principal, &p.id, page).await?,
    ))
}

/// Records a footage retrieval (view or export: reason, cameras, time range, requester's unit
/// and name, approver; S7 Art 16, R53), written with its audit entry. It cannot be changed or
/// deleted: there is no such route.
#[utoipa::path(post, path = "/api/v1/units/{id}/video/retrievals", tag = "video", params(IdPath),
    request_body = RetrievalDraft,
    responses((status = 201, body = Retrieval), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "仅本单位负责人和保安员可以登记"),
        (status = 404, body = ErrorBody, description = "单位不存在或不在本辖区"),
        (status = 409, body = ErrorBody, description = "单位已注销")))]
pub async fn record_retrieval(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(d): Json<RetrievalDraft>,
) -> ApiResult<(StatusCode, Json<Retrieval>)> {
    let r = state.services.video.record_retrieval(&user.principal, &p.id, d).await?;
    Ok((StatusCode::CREATED, Json(r)))
}

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/api/v1/units/{id}/video-system", routing::get(system).put(set_system))
        .route("/api/v1/units/{id}/video/summary", routing::get(summary))
        .route("/api/v1/units/{id}/video/cameras", routing::get(cameras))
        .route("/api/v1/devices/{id}/placement", routing::put(placement))
        .route(
            "/api/v1/units/{id}/video/signage-groups",
            routing::get(groups).post(add_group),
        )
        .route(
            "/api/v1/units/{id}/video/signage-groups/{group}/checks",
            routing::post(add_check),
        )
        .route(
            "/api/v1/units/{id}/video/signage-checks/{check}/photo",
            routing::post(add_photo).layer(upload_limit()),
        )
        .route(
            "/api/v1/units/{id}/video/retrievals",
            routing::get(retrievals).post(record_retrieval),
        )
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    system,
    set_system,
    summary,
    cameras,
    placement,
    groups,
    add_group,
    add_check,
    add_photo,
    retrievals,
    record_retrieval
))]
pub struct Doc;
