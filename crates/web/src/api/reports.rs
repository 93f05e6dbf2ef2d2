//! Reports to the police (docs/REPORTS.md; R12(4), R24, R48): a unit's manager or guard files an
//! internal incident, a suspicious-activity report or a surroundings issue; anyone files a
//! suspicious-activity report through the public endpoint (no account, limited per client
//! address); the police acknowledge and record the handling. Handlers parse, call
//! [`neibao_engine::reports::ReportService`] and answer; who may do what, and the jurisdiction,
//! is the service's business.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use chrono::{DateTime, Utc};
use neibao_domain::paging::{Listing, Page};
use neibao_domain::reports::{InvolvedPerson, ReportFilter, ReportKind, ReportStatus};
use neibao_engine::reports::{FileInput, PublicInput, PublicReceipt, ReportView};
use serde::Deserialize;

use crate::error::{ApiError, ApiResult};
use crate::extract::multipart::{upload_limit, CsrfMultipart};
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

/// Largest public report body (bytes).
pub const MAX_PUBLIC_BODY: usize = 16 * 1024;

/// The client's socket address, as the server attached it.
pub type Client = Option<Extension<ConnectInfo<SocketAddr>>>;

/// The address a public report is charged to (the unspecified address when served without
/// client addresses: one budget for all rather than none).
pub fn client_ip(client: Client) -> IpAddr {
    client.map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |Extension(ConnectInfo(a))| a.ip())
}

/// A unit.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct UnitPath {
    /// The unit's id.
    pub id: String,
}

/// A report.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct IdPath {
    /// The report's id.
    pub id: String,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only this kind.
    pub kind: Option<ReportKind>,
    /// Only this status.
    pub status: Option<ReportStatus>,
    /// Only this unit's reports.
    pub unit_id: Option<String>,
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

/// A report as a unit account files it.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct FileBody {
    /// `incident` (内部案事件, default), `suspicious` (可疑情况/涉恐线索) or `surroundings`
    /// (周边治安问题).
    #[serde(default)]
    pub kind: Option<String>,
    /// What happened, one line (required), at most 100 characters.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub title: String,
    /// Details, at most 2000 characters.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub details: String,
    /// Where, at most 200 characters.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub place: String,
    /// One of the unit's key areas.
    #[serde(default)]
    pub key_area_id: Option<String>,
    /// When it happened (RFC 3339; not in the future, not over a year ago).
    #[serde(default)]
    pub occurred_at: Option<DateTime<Utc>>,
    /// People involved (at most 20): encrypted at rest, answered masked.
    #[serde(default)]
    #[schema(max_items = 20)]
    pub people: Vec<InvolvedPerson>,
    /// First actions taken (先期处置), at most 1000 characters.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub first_actions: String,
    /// The scene is preserved (现场保护).
    #[serde(default)]
    pub scene_preserved: bool,
}

/// A public suspicious-activity report (no account).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct PublicBody {
    /// The division of the place (a code the public form lists: a police station's or a county
    /// bureau's).
    #[serde(default)]
    pub division_code: String,
    /// Where (required), at most 200 characters.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub place: String,
    /// What was seen (required), at most 2000 characters.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub details: String,
    /// When (RFC 3339), optional.
    #[serde(default)]
    pub occurred_at: Option<DateTime<Utc>>,
    /// How to reach the reporter, optional (anonymous without); encrypted at rest.
    #[serde(default)]
    #[schema(max_length = 50)]
    pub contact: String,
    /// Leave empty (a field people do not see).
    #[serde(default)]
    pub website: String,
}

/// A photo of a report and its report.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct PhotoPath {
    /// The report's id.
    pub id: String,
    /// The photo's id (`photos[].id` of the report).
    pub photo: String,
}

/// A photo of a report (multipart).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // the schema of the body, which `CsrfMultipart` reads
#[schema(as = ReportPhotoForm)]
pub struct PhotoForm {
    /// The photo (JPEG, PNG, GIF or WebP, known by its bytes), at most 10 MB.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// A handling note.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct HandleBody {
    /// 处置情况 (required), at most 1000 characters.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub note: String,
    /// Close the report (办结) with this note.
    #[serde(default)]
    pub close: bool,
}

/// Files a report of the unit as the caller (the unit's manager or a guard). The police
/// organisation it is routed to has it in its inbox when this answers. A repeat with the same
/// `Idempotency-Key` is one report.
#[utoipa::path(post, path = "/api/v1/units/{id}/reports", tag = "reports", params(UnitPath),
    request_body = FileBody,
    responses((status = 201, body = ReportView),
        (status = 400, body = crate::error::ErrorBody, description = "类型不存在、概要为空或过长、涉事人员信息无效、重要部位不属于本单位、时间无效"),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位负责人和保安员可以报告"),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "单位已停用或注销")))]
pub async fn file(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
    Json(b): Json<FileBody>,
) -> ApiResult<(StatusCode, Json<ReportView>)> {
    let input = FileInput {
        kind: b.kind,
        title: b.title,
        details: b.details,
        place: b.place,
        key_area_id: b.key_area_id,
        occurred_at: b.occurred_at,
        people: b.people,
        first_actions: b.first_actions,
        scene_preserved: b.scene_preserved,
    };
    let r = state.services.reports.file(&user.principal, &p.id, input).await?;
    Ok((StatusCode::CREATED, Json(r)))
}

/// Files a suspicious-activity report without an account (R48). Answers only `已收到` and a
/// receipt number. Limited per client address (429 `busy` with `Retry-After`).
#[utoipa::path(post, path = "/api/v1/public/reports", tag = "reports", request_body = PublicBody, security(()),
    responses((status = 201, body = PublicReceipt),
        (status = 400, body = crate::error::ErrorBody, description = "未选择辖区、描述或地点为空或过长、联系方式过长"),
        (status = 413, body = crate::error::ErrorBody, description = "内容过大"),
        (status = 429, body = crate::error::ErrorBody, description = "提交过于频繁（busy）",
            headers(("Retry-After" = u64, description = "建议等待时间（秒）")))))]
pub async fn file_public(
    State(state): State<AppState>,
    client: Client,
    Json(b): Json<PublicBody>,
) -> ApiResult<(StatusCode, Json<PublicReceipt>)> {
    let input = PublicInput {
        division_code: b.division_code,
        place: b.place,
        details: b.details,
        occurred_at: b.occurred_at,
        contact: b.contact,
        honeypot: b.website,
    };
    let r = state
        .services
        .reports
        .file_public(client_ip(client), input)
        .await
        .map_err(ApiError::from)?;
    Ok((StatusCode::CREATED, Json(r)))
}

/// The reports in the caller's scope, newest first (a unit its own, police their jurisdiction).
#[utoipa::path(get, path = "/api/v1/reports", tag = "reports", params(ListQuery),
    responses((status = 200, body = Listing<ReportView>), (status = 400, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Listing<ReportView>>> {
    let page = Page::checked(q.page, q.per_page)?;
    let f = ReportFilter {
        kind: q.kind,
        status: q.status,
        unit_id: q.unit_id,
    };
    Ok(Json(state.services.reports.list(&user.principal, &f, page).await?))
}

/// One report (people and contact masked), its handling notes and time to acknowledgement.
#[utoipa::path(get, path = "/api/v1/reports/{id}", tag = "reports", params(IdPath),
    responses((status = 200, body = ReportView), (status = 404, body = crate::error::ErrorBody, description = "报告不存在或不在本辖区")))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
) -> ApiResult<Json<ReportView>> {
    Ok(Json(state.services.reports.get(&user.principal, &p.id).await?))
}

/// Acknowledges (签收) the report (police of the jurisdiction).
#[utoipa::path(post, path = "/api/v1/reports/{id}/acknowledge", tag = "reports", params(IdPath),
    responses((status = 200, body = ReportView),
        (status = 403, body = crate::error::ErrorBody, description = "仅公安民警可以签收"),
        (status = 404, body = crate::error::ErrorBody, description = "报告不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "已签收")))]
pub async fn acknowledge(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
) -> ApiResult<Json<ReportView>> {
    Ok(Json(state.services.reports.acknowledge(&user.principal, &p.id).await?))
}

/// Records the handling (处置) of the report and, with `close`, closes it (police of the
/// jurisdiction).
#[utoipa::path(post, path = "/api/v1/reports/{id}/handling", tag = "reports", params(IdPath),
    request_body = HandleBody,
    responses((status = 200, body = ReportView),
        (status = 400, body = crate::error::ErrorBody, description = "处置情况为空或过长"),
        (status = 403, body = crate::error::ErrorBody, description = "仅公安民警可以登记处置"),
        (status = 404, body = crate::error::ErrorBody, description = "报告不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "已办结")))]
pub async fn handling(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<HandleBody>,
) -> ApiResult<Json<ReportView>> {
    Ok(Json(
        state
            .services
            .reports
            .handle(&user.principal, &p.id, &b.note, b.close)
            .await?,
    ))
}

/// Adds a photo to an open report of the caller's unit (multipart field `file`; the unit's
/// manager or a guard; at most 6 photos a report). Answers the report with its photos. A repeat
/// with the same `Idempotency-Key` adds one photo.
#[utoipa::path(post, path = "/api/v1/reports/{id}/photos", tag = "reports", params(IdPath),
    request_body(content_type = "multipart/form-data", content = PhotoForm),
    responses((status = 201, body = ReportView),
        (status = 400, body = crate::error::ErrorBody, description = "不是图片，或缺少文件"),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位负责人和保安员可以添加照片"),
        (status = 404, body = crate::error::ErrorBody, description = "报告不存在或不是本单位的报告"),
        (status = 409, body = crate::error::ErrorBody, description = "报告已办结，或照片已满 6 张"),
        (status = 413, body = crate::error::ErrorBody, description = "文件超过 10 MB")))]
pub async fn add_photo(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    body: CsrfMultipart,
) -> ApiResult<(StatusCode, Json<ReportView>)> {
    let svc = &state.services.reports;
    svc.photo_target(&user.principal, &p.id).await?;
    let file = body.file().await?;
    let r = svc.add_photo(&user.principal, &p.id, file).await?;
    Ok((StatusCode::CREATED, Json(r)))
}

/// One photo of a report (those who read the report: the unit, the station it was routed to
/// and the bureaus above; not through `/api/v1/attachments/{id}`).
#[utoipa::path(get, path = "/api/v1/reports/{id}/photos/{photo}", tag = "reports", params(PhotoPath),
    responses((status = 200, description = "照片（图片）",
            content((Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"), (Vec<u8> = "image/webp"), (Vec<u8> = "image/gif"))),
        (status = 403, body = crate::error::ErrorBody, description = "无权查看报告"),
        (status = 404, body = crate::error::ErrorBody, description = "报告或照片不存在或不在本辖区")))]
pub async fn photo(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<PhotoPath>,
) -> ApiResult<axum::response::Response> {
    let (a, data) = state.services.reports.photo(&user.principal, &p.id, &p.photo).await?;
    Ok(crate::api::attachments::file_response(
        data,
        &a.content_type,
        &a.name,
        true,
    ))
}

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/api/v1/units/{id}/reports", routing::post(file))
        .route(
            "/api/v1/public/reports",
            routing::post(file_public).layer(DefaultBodyLimit::max(MAX_PUBLIC_BODY)),
        )
        .route("/api/v1/reports", routing::get(list))
        .route("/api/v1/reports/{id}", routing::get(get))
        .route("/api/v1/reports/{id}/acknowledge", routing::post(acknowledge))
        .route("/api/v1/reports/{id}/handling", routing::post(handling))
        .route(
            "/api/v1/reports/{id}/photos",
            routing::post(add_photo).layer(upload_limit()),
        )
        .route("/api/v1/reports/{id}/photos/{photo}", routing::get(photo))
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(file, file_public, list, get, acknowledge, handling, add_photo, photo))]
pub struct Doc;
