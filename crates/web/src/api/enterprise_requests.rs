//! Private-enterprise requests (民营企业诉求, docs/ENTERPRISE-REQUESTS.md; seed highlight 6): a
//! private enterprise files a request to the police; the station assigns a handler, both sides
//! reply, the police close it and the enterprise rates the result. Handlers parse, call
//! [`neibao_engine::enterprise_requests::EnterpriseRequestService`] and answer.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use neibao_domain::attachments::Attachment;
use neibao_domain::enterprise_requests::{EnterpriseRequest, RequestCounts, RequestDetail, RequestFilter};
use neibao_domain::paging::{Listing, Page};
use neibao_engine::enterprise_requests::FileInput;
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

/// A request.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct IdPath {
    /// The request's id.
    pub id: String,
}

/// Open or closed.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StateParam {
    Open,
    Closed,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only this unit's requests.
    pub unit_id: Option<String>,
    /// `open` or `closed`.
    pub state: Option<StateParam>,
    /// `true`: overdue only.
    pub overdue: Option<bool>,
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

/// A new request.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = EnterpriseFileBody)]
pub struct FileBody {
    /// `protection` (保护请求), `economic_crime` (经济犯罪线索), `business_environment`
    /// (营商环境投诉) or `other`.
    #[serde(default)]
    pub kind: String,
    /// What the enterprise asks (required, at most 2000 characters).
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub text: String,
}

/// The handler to assign.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct AssignBody {
    /// A police account's id.
    #[serde(default)]
    pub handler_id: String,
}

/// A reply.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ReplyBody {
    /// At most 2000 characters.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub text: String,
}

/// Closure.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct CloseBody {
    /// 办结情况 (required, at most 500 characters).
    #[serde(default)]
    #[schema(max_length = 500)]
    pub note: String,
}

/// The enterprise's rating.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct RateBody {
    /// `satisfied` (满意), `fair` (基本满意) or `dissatisfied` (不满意).
    #[serde(default)]
    pub rating: String,
}

/// The response deadline of new requests.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Settings {
    /// Days from filing to the deadline, 1–60; default 7.
    #[schema(minimum = 1, maximum = 60)]
    pub response_days: i64,
}

/// The response deadline of new requests.
#[utoipa::path(get, path = "/api/v1/enterprise-requests/settings", tag = "enterprise_requests",
    responses((status = 200, body = Settings)))]
pub async fn settings(State(state): State<AppState>, _user: CurrentUser) -> ApiResult<Json<Settings>> {
    Ok(Json(Settings {
        response_days: state.services.enterprise_requests.response_days().await?,
    }))
}

/// Sets the response deadline of requests filed after (administrators).
#[utoipa::path(put, path = "/api/v1/enterprise-requests/settings", tag = "enterprise_requests", request_body = Settings,
    responses((status = 200, body = Settings), (status = 400, body = crate::error::ErrorBody, description = "不在 1–60 天"),
        (status = 403, body = crate::error::ErrorBody, description = "仅管理员可以设置")))]
pub async fn set_settings(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(b): Json<Settings>,
) -> ApiResult<Json<Settings>> {
    Ok(Json(Settings {
        response_days: state
            .services
            .enterprise_requests
            .set_response_days(&user.principal, b.response_days)
            .await?,
    }))
}

/// Files a request of the unit (its manager; the unit must be flagged 民营企业). The response
/// deadline is 7 days on (or as set); the station is told at once. Send an `Idempotency-Key`: a repeat
/// makes one request.
#[utoipa::path(post, path = "/api/v1/units/{id}/enterprise-requests", tag = "enterprise_requests", params(UnitPath),
    request_body = FileBody,
    responses((status = 201, body = EnterpriseRequest),
        (status = 400, body = crate::error::ErrorBody, description = "诉求类型不存在、内容为空或过长"),
        (status = 403, body = crate::error::ErrorBody, description = "仅单位负责人可以提交诉求"),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "单位不是民营企业或已停用")))]
pub async fn file(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
    Json(b): Json<FileBody>,
) -> ApiResult<(StatusCode, Json<EnterpriseRequest>)> {
    let r = state
        .services
        .enterprise_requests
        .file(
            &user.principal,
            &p.id,
            FileInput {
                kind: b.kind,
                text: b.text,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(r)))
}

/// The requests in the caller's jurisdiction (a unit: its own), newest first.
#[utoipa::path(get, path = "/api/v1/enterprise-requests", tag = "enterprise_requests", params(ListQuery),
    responses((status = 200, body = Listing<EnterpriseRequest>), (status = 400, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Listing<EnterpriseRequest>>> {
    let page = Page::checked(q.page, q.per_page)?;
    let f = RequestFilter {
        unit_id: q.unit_id,
        state: q.state.map(|s| match s {
            StateParam::Open => "open".to_string(),
            StateParam::Closed => "closed".to_string(),
        }),
        overdue: q.overdue,
    };
    Ok(Json(
        state
            .services
            .enterprise_requests
            .list(&user.principal, &f, page)
            .await?,
    ))
}

/// Open, overdue and closed counts, the mean time to the first police reply, the ratings.
#[utoipa::path(get, path = "/api/v1/enterprise-requests/counts", tag = "enterprise_requests",
    responses((status = 200, body = RequestCounts)))]
pub async fn counts(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<RequestCounts>> {
    Ok(Json(state.services.enterprise_requests.counts(&user.principal).await?))
}

/// One request with its replies and its response time.
#[utoipa::path(get, path = "/api/v1/enterprise-requests/{id}", tag = "enterprise_requests", params(IdPath),
    responses((status = 200, body = RequestDetail), (status = 404, body = crate::error::ErrorBody, description = "诉求不存在或不在本辖区")))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
) -> ApiResult<Json<RequestDetail>> {
    Ok(Json(
        state.services.enterprise_requests.get(&user.principal, &p.id).await?,
    ))
}

/// Assigns the handler (police of the jurisdiction).
#[utoipa::path(post, path = "/api/v1/enterprise-requests/{id}/assign", tag = "enterprise_requests", params(IdPath),
    request_body = AssignBody,
    responses((status = 200, body = RequestDetail),
        (status = 400, body = crate::error::ErrorBody, description = "承办民警须为在用的公安机关账号"),
        (status = 403, body = crate::error::ErrorBody, description = "仅公安民警可以指派"),
        (status = 404, body = crate::error::ErrorBody, description = "诉求不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "诉求已办结")))]
pub async fn assign(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<AssignBody>,
) -> ApiResult<Json<RequestDetail>> {
    Ok(Json(
        state
            .services
            .enterprise_requests
            .assign(&user.principal, &p.id, &b.handler_id)
            .await?,
    ))
}

/// A reply: the police's or the enterprise's.
#[utoipa::path(post, path = "/api/v1/enterprise-requests/{id}/replies", tag = "enterprise_requests", params(IdPath),
    request_body = ReplyBody,
    responses((status = 200, body = RequestDetail),
        (status = 400, body = crate::error::ErrorBody, description = "回复内容为空或过长"),
        (status = 403, body = crate::error::ErrorBody, description = "无权回复"),
        (status = 404, body = crate::error::ErrorBody, description = "诉求不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "诉求已办结")))]
pub async fn reply(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<ReplyBody>,
) -> ApiResult<Json<RequestDetail>> {
    Ok(Json(
        state
            .services
            .enterprise_requests
            .reply(&user.principal, &p.id, &b.text)
            .await?,
    ))
}

/// Closes the request with a note (police of the jurisdiction).
#[utoipa::path(post, path = "/api/v1/enterprise-requests/{id}/close", tag = "enterprise_requests", params(IdPath),
    request_body = CloseBody,
    responses((status = 200, body = RequestDetail),
        (status = 400, body = crate::error::ErrorBody, description = "办结情况为空或过长"),
        (status = 403, body = crate::error::ErrorBody, description = "仅公安民警可以办结"),
        (status = 404, body = crate::error::ErrorBody, description = "诉求不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "诉求已办结")))]
pub async fn close(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<CloseBody>,
) -> ApiResult<Json<RequestDetail>> {
    Ok(Json(
        state
            .services
            .enterprise_requests
            .close(&user.principal, &p.id, &b.note)
            .await?,
    ))
}

/// The enterprise's rating of the closed request (once).
#[utoipa::path(post, path = "/api/v1/enterprise-requests/{id}/rating", tag = "enterprise_requests", params(IdPath),
    request_body = RateBody,
    responses((status = 200, body = RequestDetail),
        (status = 400, body = crate::error::ErrorBody, description = "评价不存在"),
        (status = 403, body = crate::error::ErrorBody, description = "仅单位负责人可以评价"),
        (status = 404, body = crate::error::ErrorBody, description = "诉求不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "诉求未办结或已评价")))]
pub async fn rate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<RateBody>,
) -> ApiResult<Json<RequestDetail>> {
    Ok(Json(
        state
            .services
            .enterprise_requests
            .rate(&user.principal, &p.id, &b.rating)
            .await?,
    ))
}

/// A file to attach (multipart).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // the schema of the body, which `CsrfMultipart` reads
pub struct FileForm {
    /// The file: PDF or an image (JPEG, PNG, GIF or WebP), at most 10 MB.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// The enterprise attaches a file to its open request (multipart field `file`: PDF or an image
/// of at most 10 MB; the unit's manager, when filing or replying). The police of the unit's
/// jurisdiction and the unit see it in the request's `attachments`; download it from
/// `/api/v1/attachments/{id}`.
#[utoipa::path(post, path = "/api/v1/enterprise-requests/{id}/attachments", tag = "enterprise_requests",
    params(IdPath),
    request_body(content_type = "multipart/form-data", content = FileForm),
    responses((status = 201, body = Attachment),
        (status = 400, body = crate::error::ErrorBody, description = "不是 PDF 或图片，或缺少文件"),
        (status = 403, body = crate::error::ErrorBody, description = "仅民营企业的保卫负责人可以添加附件"),
        (status = 404, body = crate::error::ErrorBody, description = "诉求不存在或不是本单位的"),
        (status = 409, body = crate::error::ErrorBody, description = "诉求已办结，或附件已达上限"),
        (status = 413, body = crate::error::ErrorBody, description = "文件超过 10 MB")))]
pub async fn add_file(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    body: CsrfMultipart,
) -> ApiResult<(StatusCode, Json<Attachment>)> {
    let svc = &state.services.enterprise_requests;
    svc.check_file_target(&user.principal, &p.id).await?;
    let file = body.file().await?;
    let a = svc.add_file(&user.principal, &p.id, file).await?;
    Ok((StatusCode::CREATED, Json(a)))
}

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/api/v1/units/{id}/enterprise-requests", routing::post(file))
        .route("/api/v1/enterprise-requests", routing::get(list))
        .route("/api/v1/enterprise-requests/counts", routing::get(counts))
        .route(
            "/api/v1/enterprise-requests/settings",
            routing::get(settings).put(set_settings),
        )
        .route("/api/v1/enterprise-requests/{id}", routing::get(get))
        .route("/api/v1/enterprise-requests/{id}/assign", routing::post(assign))
        .route("/api/v1/enterprise-requests/{id}/replies", routing::post(reply))
        .route("/api/v1/enterprise-requests/{id}/close", routing::post(close))
        .route("/api/v1/enterprise-requests/{id}/rating", routing::post(rate))
        .route(
            "/api/v1/enterprise-requests/{id}/attachments",
            routing::post(add_file).layer(upload_limit()),
        )
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    file,
    list,
    counts,
    settings,
    set_settings,
    get,
    assign,
    reply,
    close,
    rate,
    add_file
))]
pub struct Doc;
