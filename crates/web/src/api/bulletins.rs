//! Bulletins (警企通报, docs/BULLETINS.md; the Opinions Part 3): the police's bulletins to a target
//! set of units, the units' read and acknowledgement receipts, and the units' reports to their
//! police station. Handlers parse, call [`neibao_engine::bulletins::BulletinService`] and answer;
//! who may do what, and the jurisdiction, is the service's business.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use chrono::{DateTime, Utc};
use neibao_domain::attachments::{is_inline, Attachment};
use neibao_domain::bulletins::{Bulletin, BulletinDetail, Direction, Recipient};
use neibao_domain::paging::{Listing, Page};
use neibao_domain::registry::UnitSet;
use neibao_engine::bulletins::{BulletinDraft, ReportDraft};
use serde::Deserialize;

use crate::api::attachments::file_response;
use crate::error::ApiResult;
use crate::extract::multipart::{upload_limit, CsrfMultipart};
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

/// A bulletin.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct IdPath {
    /// The bulletin's id.
    pub id: String,
}

/// A file of a bulletin.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct FilePath {
    /// The bulletin's id.
    pub id: String,
    /// The file's id (`attachments[].id` of the bulletin).
    pub file_id: String,
}

/// A file to attach (multipart).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // the schema of the body, which `CsrfMultipart` reads
#[schema(as = BulletinFileForm)]
pub struct FileForm {
    /// The file: PDF or an image (JPEG, PNG, GIF or WebP), at most 10 MB.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// The police's reply to a unit's report.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PoliceReplyBody {
    /// 回复, 1–1000 characters.
    #[schema(min_length = 1, max_length = 1000)]
    pub text: String,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `down` (police to units) or `up` (units' reports); absent: both.
    pub direction: Option<Direction>,
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

/// A bulletin as sent by the police.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct BulletinBody {
    /// `risk_warning` (风险提示), `case_notice` (案情通报), `policy_notice` (政策通知),
    /// `seasonal_reminder` (季节性提醒).
    #[schema(example = "risk_warning")]
    pub kind: String,
    /// `normal` (一般, the default), `important` (重要), `urgent` (紧急).
    #[serde(default)]
    #[schema(example = "important")]
    pub severity: String,
    /// 标题, 1–100 characters.
    #[schema(min_length = 1, max_length = 100)]
    pub title: String,
    /// 正文, 1–5000 characters.
    #[schema(min_length = 1, max_length = 5000)]
    pub body: String,
    /// The jurisdiction: a division-code prefix of 2–12 digits within the caller's.
    #[schema(min_length = 2, max_length = 12)]
    pub division_prefix: String,
    /// Narrows the jurisdiction's units (all conditions together); absent: every unit.
    #[serde(default)]
    pub unit_set: UnitSet,
    /// The acknowledgement deadline (after now, at most 90 days away).
    pub ack_deadline: DateTime<Utc>,
    /// Whether the units are asked to reply with their acknowledgement.
    #[serde(default)]
    pub reply_requested: bool,
}

/// A unit's report to its police station.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ReportBody {
    /// As [`BulletinBody::kind`] (usually `risk_warning`).
    #[schema(example = "risk_warning")]
    pub kind: String,
    /// As [`BulletinBody::severity`].
    #[serde(default)]
    pub severity: String,
    /// 标题, 1–100 characters.
    #[schema(min_length = 1, max_length = 100)]
    pub title: String,
    /// 正文, 1–5000 characters.
    #[schema(min_length = 1, max_length = 5000)]
    pub body: String,
}

/// An acknowledgement.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct AckBody {
    /// 回复, at most 1000 characters; required when the bulletin asks for a reply.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub reply: String,
}

/// The bulletins visible to the caller (a unit: those addressed to it and its own reports),
/// newest first.
#[utoipa::path(get, path = "/api/v1/bulletins", tag = "bulletins", params(ListQuery),
    responses((status = 200, body = Listing<Bulletin>), (status = 400, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Listing<Bulletin>>> {
    let page = Page::checked(q.page, q.per_page)?;
    Ok(Json(
        state
            .services
            .bulletins
            .bulletins(&user.principal, q.direction, page)
            .await?,
    ))
}

/// Issues a bulletin (province, city, county police; a police station for its units): the
/// recipients are resolved and stored now and notified at once (inbox and their own channels).
#[utoipa::path(post, path = "/api/v1/bulletins", tag = "bulletins", request_body = BulletinBody,
    responses((status = 201, body = BulletinDetail),
        (status = 400, body = crate::error::ErrorBody, description = "类别、紧急程度、标题、正文、辖区或签收期限不合要求；范围内没有单位"),
        (status = 403, body = crate::error::ErrorBody, description = "仅公安机关可以下发警企通报"),
        (status = 404, body = crate::error::ErrorBody, description = "辖区或指定单位不在本人管辖范围内")))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(b): Json<BulletinBody>,
) -> ApiResult<(StatusCode, Json<BulletinDetail>)> {
    let d = BulletinDraft {
        kind: b.kind,
        severity: b.severity,
        title: b.title,
        body: b.body,
        division_prefix: b.division_prefix,
        unit_set: b.unit_set,
        ack_deadline: Some(b.ack_deadline),
        reply_requested: b.reply_requested,
    };
    let detail = state.services.bulletins.issue(&user.principal, d).await?;
    Ok((StatusCode::CREATED, Json(detail)))
}

/// The caller's unit reports a risk to its police station (the unit's security manager); the
/// station is notified at once.
#[utoipa::path(post, path = "/api/v1/bulletins/reports", tag = "bulletins", request_body = ReportBody,
    responses((status = 201, body = BulletinDetail),
        (status = 400, body = crate::error::ErrorBody, description = "类别、紧急程度、标题或正文不合要求"),
        (status = 403, body = crate::error::ErrorBody, description = "仅单位保卫负责人可以上报"),
        (status = 409, body = crate::error::ErrorBody, description = "本单位尚未确定管辖派出所")))]
pub async fn report(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(b): Json<ReportBody>,
) -> ApiResult<(StatusCode, Json<BulletinDetail>)> {
    let d = ReportDraft {
        kind: b.kind,
        severity: b.severity,
        title: b.title,
        body: b.body,
    };
    let detail = state.services.bulletins.report(&user.principal, d).await?;
    Ok((StatusCode::CREATED, Json(detail)))
}

/// One bulletin: its recipients in the caller's jurisdiction with their receipts, the read and
/// acknowledgement rates, who has not acknowledged and who is overdue. A unit account opening
/// it records the unit's read receipt.
#[utoipa::path(get, path = "/api/v1/bulletins/{id}", tag = "bulletins", params(IdPath),
    responses((status = 200, body = BulletinDetail), (status = 404, body = crate::error::ErrorBody, description = "通报不存在或不涉及本辖区、本单位")))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
) -> ApiResult<Json<BulletinDetail>> {
    Ok(Json(state.services.bulletins.bulletin(&user.principal, &p.id).await?))
}

/// The caller's unit acknowledges a bulletin addressed to it, with a reply where asked (the
/// unit's security manager); acknowledging again changes nothing.
#[utoipa::path(post, path = "/api/v1/bulletins/{id}/acknowledge", tag = "bulletins", params(IdPath),
    request_body(content = AckBody, description = "回复（要求回复时必填）", content_type = "application/json"),
    responses((status = 200, body = Recipient),
        (status = 400, body = crate::error::ErrorBody, description = "缺少回复或回复过长"),
        (status = 403, body = crate::error::ErrorBody, description = "仅单位保卫负责人可以签收"),
        (status = 404, body = crate::error::ErrorBody, description = "通报未发给本单位")))]
pub async fn acknowledge(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    body: Option<Json<AckBody>>,
) -> ApiResult<Json<Recipient>> {
    let reply = body.map(|Json(b)| b.reply).unwrap_or_default();
    Ok(Json(
        state
            .services
            .bulletins
            .acknowledge(&user.principal, &p.id, &reply)
            .await?,
    ))
}

/// Attaches a file to a bulletin (multipart field `file`: PDF or an image of at most 10 MB): the
/// police account that issued it, or the sending unit's manager for a report. Every recipient
/// unit and the police who see the bulletin can download it.
#[utoipa::path(post, path = "/api/v1/bulletins/{id}/attachments", tag = "bulletins", params(IdPath),
    request_body(content_type = "multipart/form-data", content = FileForm),
    responses((status = 201, body = Attachment),
        (status = 400, body = crate::error::ErrorBody, description = "不是 PDF 或图片，或缺少文件"),
        (status = 403, body = crate::error::ErrorBody, description = "只有通报的发出人可以添加附件"),
        (status = 404, body = crate::error::ErrorBody, description = "通报不存在或不涉及本辖区、本单位"),
        (status = 409, body = crate::error::ErrorBody, description = "附件已达上限"),
        (status = 413, body = crate::error::ErrorBody, description = "文件超过 10 MB")))]
pub async fn add_file(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    body: CsrfMultipart,
) -> ApiResult<(StatusCode, Json<Attachment>)> {
    let svc = &state.services.bulletins;
    svc.check_file_target(&user.principal, &p.id).await?;
    let file = body.file().await?;
    let a = svc.add_file(&user.principal, &p.id, file).await?;
    Ok((StatusCode::CREATED, Json(a)))
}

/// Downloads a file of a bulletin visible to the caller (PDF and images inline); a unit the
/// bulletin was not sent to gets 404.
#[utoipa::path(get, path = "/api/v1/bulletins/{id}/attachments/{file_id}", tag = "bulletins", params(FilePath),
    responses((status = 200, description = "文件内容（PDF 或图片）",
            content((Vec<u8> = "application/pdf"), (Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"),
                (Vec<u8> = "image/webp"), (Vec<u8> = "image/gif"))),
        (status = 404, body = crate::error::ErrorBody, description = "通报或附件不存在，或通报未发给本单位")))]
pub async fn file(State(state): State<AppState>, user: CurrentUser, Path(p): Path<FilePath>) -> ApiResult<Response> {
    let (a, data) = state
        .services
        .bulletins
        .file(&user.principal, &p.id, &p.file_id)
        .await?;
    let inline = is_inline(&a.content_type);
    Ok(file_response(data, &a.content_type, &a.name, inline))
}

/// The police reply to a unit's report (the police whose jurisdiction holds the unit, its
/// station among them; one reply per report); the unit is told in its inbox and channels.
#[utoipa::path(post, path = "/api/v1/bulletins/{id}/reply", tag = "bulletins", params(IdPath),
    request_body = PoliceReplyBody,
    responses((status = 200, body = Bulletin),
        (status = 400, body = crate::error::ErrorBody, description = "回复为空或超过 1000 字"),
        (status = 403, body = crate::error::ErrorBody, description = "仅公安机关可以回复单位上报"),
        (status = 404, body = crate::error::ErrorBody, description = "通报不存在或不涉及本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "不是单位上报，或已回复")))]
pub async fn reply(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<PoliceReplyBody>,
) -> ApiResult<Json<Bulletin>> {
    Ok(Json(
        state.services.bulletins.reply(&user.principal, &p.id, &b.text).await?,
    ))
}

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/api/v1/bulletins", routing::get(list).post(create))
        .route("/api/v1/bulletins/reports", routing::post(report))
        .route("/api/v1/bulletins/{id}", routing::get(get))
        .route("/api/v1/bulletins/{id}/acknowledge", routing::post(acknowledge))
        .route(
            "/api/v1/bulletins/{id}/attachments",
            routing::post(add_file).layer(upload_limit()),
        )
        .route("/api/v1/bulletins/{id}/attachments/{file_id}", routing::get(file))
        .route("/api/v1/bulletins/{id}/reply", routing::post(reply))
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, create, report, get, acknowledge, add_file, file, reply))]
pub struct Doc;
