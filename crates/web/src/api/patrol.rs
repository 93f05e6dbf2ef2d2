//! Patrols (巡查, docs/PATROL.md; Decree 421 Art 11(3), R12(3)): a unit's routes with
//! checkpoints and schedules, the rounds its guards walk (scan or tap each checkpoint), and the
//! 30-day summary the inspection checklist shows. Handlers parse, call
//! [`neibao_engine::patrol::PatrolService`] and answer; who may do what, and the jurisdiction, is
//! the service's business.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use neibao_domain::attachments::Attachment;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::patrol::{CheckpointDraft, PatrolRound, PatrolRoute, PatrolSummary, Visit};
use neibao_domain::registry::ArmedPeriod;
use neibao_engine::patrol::{RouteDraft, VisitInput};
use serde::{Deserialize, Serialize};

use crate::error::ApiResult;
use crate::extract::multipart::{upload_limit, CsrfMultipart};
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

/// A unit.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct UnitPath {
    /// The unit's id.
    pub id: String,
}

/// A route or a round.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct IdPath {
    /// The route's or round's id.
    pub id: String,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RoundsQuery {
    /// Only the rounds of this route.
    pub route_id: Option<String>,
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

/// A visit of a round.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct VisitPath {
    /// The round's id.
    pub id: String,
    /// The visit's id (`Visit.id`).
    pub visit: String,
}

/// The photo of a checkpoint visit (multipart).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // the schema of the body, which `CsrfMultipart` reads
pub struct VisitPhotoForm {
    /// The photo (JPEG, PNG, GIF or WebP), at most 10 MB.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// A unit's routes.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RouteList {
    pub unit_id: String,
    pub unit_name: String,
    pub routes: Vec<PatrolRoute>,
}

/// A route as sent.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RouteBody {
    /// 路线名称, 1–50 characters.
    #[schema(min_length = 1, max_length = 50)]
    pub name: String,
    /// 说明 (key areas covered, what to check), at most 500 characters.
    #[serde(default)]
    #[schema(max_length = 500)]
    pub note: String,
    /// Start windows of the scheduled rounds (Beijing time; at most 50); empty: no schedule.
    #[serde(default)]
    pub schedule: Vec<ArmedPeriod>,
    /// 单次最长用时, minutes (5–720).
    #[schema(minimum = 5, maximum = 720)]
    pub max_minutes: i64,
    /// The checkpoints in walking order (at most 100); on update, those sent with their `id`
    /// keep it and the route's others are removed.
    #[serde(default)]
    pub checkpoints: Vec<CheckpointDraft>,
}

/// A route change: the route as sent and the `version` read.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RouteUpdate {
    /// The version read (409 `version_conflict` when changed since).
    pub version: i64,
    #[serde(flatten)]
    pub route: RouteBody,
}

/// One checkpoint reached: the tag id read (NFC/QR) or typed, or the checkpoint tapped.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct VisitBody {
    /// The tag id (compared without case); wins over `checkpoint_id`.
    #[serde(default)]
    #[schema(max_length = 64)]
    pub tag: Option<String>,
    /// The checkpoint tapped.
    #[serde(default)]
    pub checkpoint_id: Option<String>,
}

fn draft(b: RouteBody) -> RouteDraft {
    RouteDraft {
        name: b.name,
        note: b.note,
        schedule: b.schedule,
        max_minutes: b.max_minutes,
        checkpoints: b.checkpoints,
    }
}

/// The unit's patrol routes with their checkpoints and schedules.
#[utoipa::path(get, path = "/api/v1/units/{id}/patrol/routes", tag = "patrol", params(UnitPath),
    responses((status = 200, body = RouteList), (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
) -> ApiResult<Json<RouteList>> {
    let (unit_name, routes) = state.services.patrol.routes(&user.principal, &p.id).await?;
    Ok(Json(RouteList {
        unit_id: p.id,
        unit_name,
        routes,
    }))
}

/// Creates a patrol route (the unit's security manager). 400 `validation_failed` with the
/// reason; 409 `conflict` when a tag is used by another route of the unit.
#[utoipa::path(post, path = "/api/v1/units/{id}/patrol/routes", tag = "patrol", params(UnitPath),
    request_body = RouteBody,
    responses((status = 201, body = PatrolRoute), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位保卫负责人可以管理巡查路线"),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "标签编号已被本单位其他路线使用；单位已注销")))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
    Json(b): Json<RouteBody>,
) -> ApiResult<(StatusCode, Json<PatrolRoute>)> {
    let r = state
        .services
        .patrol
        .create_route(&user.principal, &p.id, draft(b))
        .await?;
    Ok((StatusCode::CREATED, Json(r)))
}

/// One route.
#[utoipa::path(get, path = "/api/v1/patrol/routes/{id}", tag = "patrol", params(IdPath),
    responses((status = 200, body = PatrolRoute), (status = 404, body = crate::error::ErrorBody, description = "路线不存在或不在本辖区")))]
pub async fn route(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
) -> ApiResult<Json<PatrolRoute>> {
    Ok(Json(state.services.patrol.route(&user.principal, &p.id).await?))
}

/// Replaces a route (the unit's security manager), sending the `version` read.
#[utoipa::path(put, path = "/api/v1/patrol/routes/{id}", tag = "patrol", params(IdPath),
    request_body = RouteUpdate,
    responses((status = 200, body = PatrolRoute), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位保卫负责人可以管理巡查路线"),
        (status = 404, body = crate::error::ErrorBody, description = "路线不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "已被他人修改（version_conflict）；标签编号重复（conflict）")))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<RouteUpdate>,
) -> ApiResult<Json<PatrolRoute>> {
    Ok(Json(
        state
            .services
            .patrol
            .update_route(&user.principal, &p.id, b.version, draft(b.route))
            .await?,
    ))
}

/// Starts a round of the route as the caller (the unit's manager or a guard).
#[utoipa::path(post, path = "/api/v1/patrol/routes/{id}/rounds", tag = "patrol", params(IdPath),
    responses((status = 201, body = PatrolRound), (status = 400, body = crate::error::ErrorBody, description = "路线没有巡查点"),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位账号可以巡查"),
        (status = 404, body = crate::error::ErrorBody, description = "路线不存在或不在本辖区")))]
pub async fn start(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
) -> ApiResult<(StatusCode, Json<PatrolRound>)> {
    let r = state.services.patrol.start_round(&user.principal, &p.id).await?;
    Ok((StatusCode::CREATED, Json(r)))
}

/// The unit's rounds (of one route when `route_id` is given), newest first, with their visits.
#[utoipa::path(get, path = "/api/v1/units/{id}/patrol/rounds", tag = "patrol", params(UnitPath, RoundsQuery),
    responses((status = 200, body = Listing<PatrolRound>), (status = 400, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn rounds(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
    Query(q): Query<RoundsQuery>,
) -> ApiResult<Json<Listing<PatrolRound>>> {
    let page = Page::checked(q.page, q.per_page)?;
    Ok(Json(
        state
            .services
            .patrol
            .rounds(&user.principal, &p.id, q.route_id.as_deref(), page)
            .await?,
    ))
}

/// One round with its visits.
#[utoipa::path(get, path = "/api/v1/patrol/rounds/{id}", tag = "patrol", params(IdPath),
    responses((status = 200, body = PatrolRound), (status = 404, body = crate::error::ErrorBody, description = "巡查记录不存在或不在本辖区")))]
pub async fn round(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
) -> ApiResult<Json<PatrolRound>> {
    Ok(Json(state.services.patrol.round(&user.principal, &p.id).await?))
}

/// Records one checkpoint of a round in progress. 201 when new; 200 with the first visit when
/// the checkpoint was recorded before (a double tap records one visit); 400 for a tag not on
/// the route (nothing recorded); 409 for a finished round.
#[utoipa::path(post, path = "/api/v1/patrol/rounds/{id}/visits", tag = "patrol", params(IdPath),
    request_body = VisitBody,
    responses((status = 201, body = Visit), (status = 200, body = Visit, description = "该巡查点此前已记录"),
        (status = 400, body = crate::error::ErrorBody, description = "标签不是本路线的巡查点"),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位账号可以巡查"),
        (status = 404, body = crate::error::ErrorBody, description = "巡查记录不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "本次巡查已结束")))]
pub async fn visit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<VisitBody>,
) -> ApiResult<(StatusCode, Json<Visit>)> {
    let input = VisitInput {
        tag: b.tag,
        checkpoint_id: b.checkpoint_id,
    };
    let (v, new) = state.services.patrol.visit(&user.principal, &p.id, input).await?;
    Ok((if new { StatusCode::CREATED } else { StatusCode::OK }, Json(v)))
}

/// Uploads the optional photo taken at a visited checkpoint (multipart field `file`, an image of
/// at most 10 MB), by the unit's guards or manager; also after the round is finished. The
/// visit's `photo_id` then names it; download it from `/api/v1/attachments/{id}`.
#[utoipa::path(post, path = "/api/v1/patrol/rounds/{id}/visits/{visit}/photo", tag = "patrol", params(VisitPath),
    request_body(content_type = "multipart/form-data", content = VisitPhotoForm),
    responses((status = 201, body = Attachment),
        (status = 400, body = crate::error::ErrorBody, description = "不是图片，或缺少文件"),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位账号可以上传"),
        (status = 404, body = crate::error::ErrorBody, description = "巡查或到位记录不存在或不在本辖区"),
        (status = 413, body = crate::error::ErrorBody, description = "文件超过 10 MB")))]
pub async fn visit_photo(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<VisitPath>,
    body: CsrfMultipart,
) -> ApiResult<(StatusCode, Json<Attachment>)> {
    let svc = &state.services.patrol;
    svc.check_visit_photo_target(&user.principal, &p.id, &p.visit).await?;
    let file = body.file().await?;
    let a = svc.add_visit_photo(&user.principal, &p.id, &p.visit, file).await?;
    Ok((StatusCode::CREATED, Json(a)))
}

/// Finishes a round; each checkpoint not visited raises one early-warning alert (through the
/// event pipeline). Finishing again answers the round and raises nothing.
#[utoipa::path(post, path = "/api/v1/patrol/rounds/{id}/finish", tag = "patrol", params(IdPath),
    responses((status = 200, body = PatrolRound),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位账号可以巡查"),
        (status = 404, body = crate::error::ErrorBody, description = "巡查记录不存在或不在本辖区")))]
pub async fn finish(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
) -> ApiResult<Json<PatrolRound>> {
    Ok(Json(state.services.patrol.finish_round(&user.principal, &p.id).await?))
}

/// The unit's patrol record of the last 30 days (routes, rounds, completion, misses), as the
/// inspection checklist shows it.
#[utoipa::path(get, path = "/api/v1/units/{id}/patrol/summary", tag = "patrol", params(UnitPath),
    responses((status = 200, body = PatrolSummary), (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn summary(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
) -> ApiResult<Json<PatrolSummary>> {
    Ok(Json(state.services.patrol.summary(&user.principal, &p.id).await?))
}

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/api/v1/units/{id}/patrol/routes", routing::get(list).post(create))
        .route("/api/v1/units/{id}/patrol/rounds", routing::get(rounds))
        .route("/api/v1/units/{id}/patrol/summary", routing::get(summary))
        .route("/api/v1/patrol/routes/{id}", routing::get(route).put(update))
        .route("/api/v1/patrol/routes/{id}/rounds", routing::post(start))
        .route("/api/v1/patrol/rounds/{id}", routing::get(round))
        .route("/api/v1/patrol/rounds/{id}/visits", routing::post(visit))
        .route(
            "/api/v1/patrol/rounds/{id}/visits/{visit}/photo",
            routing::post(visit_photo).layer(upload_limit()),
        )
        .route("/api/v1/patrol/rounds/{id}/finish", routing::post(finish))
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list,
    create,
    route,
    update,
    start,
    rounds,
    round,
    visit,
    visit_photo,
    finish,
    summary
))]
pub struct Doc;
