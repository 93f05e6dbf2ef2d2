//! The unit's written security rules (单位内部治安保卫制度, docs/RULEBOOK.md): the nine
//! subjects of a unit, versions, 不适用, staff acknowledgements, the police coverage list.
//! Handlers parse, call [`neibao_engine::rulebook::RulebookService`] and answer; who may do what,
//! and the jurisdiction, is the service's business.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use neibao_domain::attachments::Attachment;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::rulebook::{Acknowledgement, AcknowledgementRoster, RuleVersion, UnitCoverage, UnitRulebook};
use neibao_engine::rulebook::VersionDraft;
use serde::Deserialize;

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

/// One subject of a unit's rules.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct SubjectPath {
    /// The unit's id.
    pub id: String,
    /// Decree 421 Art 8 item: 1–9.
    #[param(minimum = 1, maximum = 9)]
    pub subject: i64,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CoverageQuery {
    /// Only units that cover fewer than nine subjects.
    #[serde(default)]
    pub incomplete: bool,
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

/// A version to publish.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewVersion {
    /// 1–100 characters, one line.
    #[schema(min_length = 1, max_length = 100)]
    pub title: String,
    /// The text of the rules, 1–20 000 characters.
    #[schema(min_length = 1, max_length = 20000)]
    pub body: String,
    /// 批准日期 (Beijing date; not after the publication date, not before 1980).
    pub approved_on: NaiveDate,
    /// 发布日期 (Beijing date; not after today, not before the current version's).
    pub published_on: NaiveDate,
}

/// Whether a subject applies to the unit (only subject 8 may be marked 不适用).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct Applicability {
    /// True: 不适用 (the unit keeps no such goods); false: applies again.
    pub not_applicable: bool,
    /// Why it does not apply (1–200 characters; required when `not_applicable`).
    #[serde(default)]
    #[schema(max_length = 200)]
    pub reason: String,
}

/// The e-signature 我已阅读并遵守 under the current version.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct AcknowledgeRequest {
    /// The version read: must be the current version of the subject (else 409).
    pub version_id: String,
}

/// The units in the caller's jurisdiction with how many of the nine subjects each covers (a
/// current version or 不适用), fewest first.
#[utoipa::path(get, path = "/api/v1/rulebook", tag = "rulebook", params(CoverageQuery),
    responses((status = 200, body = Listing<UnitCoverage>), (status = 400, body = crate::error::ErrorBody)))]
pub async fn coverage(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<CoverageQuery>,
) -> ApiResult<Json<Listing<UnitCoverage>>> {
    let page = Page::checked(q.page, q.per_page)?;
    Ok(Json(
        state
            .services
            .rulebook
            .coverage(&user.principal, q.incomplete, page)
            .await?,
    ))
}

/// A unit's rules: its nine subjects (state 缺失/现行/待复审/不适用, current version,
/// acknowledgements) and how many are covered.
#[utoipa::path(get, path = "/api/v1/units/{id}/rulebook", tag = "rulebook", params(UnitPath),
    responses((status = 200, body = UnitRulebook), (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn unit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
) -> ApiResult<Json<UnitRulebook>> {
    Ok(Json(state.services.rulebook.unit(&user.principal, &p.id).await?))
}

/// Every version of one subject, newest (current) first; earlier versions are kept.
#[utoipa::path(get, path = "/api/v1/units/{id}/rulebook/{subject}/versions", tag = "rulebook", params(SubjectPath),
    responses((status = 200, body = Vec<RuleVersion>), (status = 400, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn versions(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<SubjectPath>,
) -> ApiResult<Json<Vec<RuleVersion>>> {
    Ok(Json(
        state
            .services
            .rulebook
            .versions(&user.principal, &p.id, p.subject)
            .await?,
    ))
}

/// Publishes a new version of one subject (the unit's security manager). It becomes the current
/// version; the earlier ones are kept. 400 `validation_failed` with the reason (dates, lengths).
#[utoipa::path(post, path = "/api/v1/units/{id}/rulebook/{subject}/versions", tag = "rulebook", params(SubjectPath),
    request_body = NewVersion,
    responses((status = 201, body = RuleVersion), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位保卫负责人可以发布"),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn publish(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<SubjectPath>,
    Json(n): Json<NewVersion>,
) -> ApiResult<(StatusCode, Json<RuleVersion>)> {
    let draft = VersionDraft {
        title: n.title,
        body: n.body,
        approved_on: n.approved_on,
        published_on: n.published_on,
    };
    let v = state
        .services
        .rulebook
        .publish(&user.principal, &p.id, p.subject, draft)
        .await?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// Marks subject 8 不适用 with a reason, or applicable again; answers the unit's rules. 400 for
/// another subject or a missing reason.
#[utoipa::path(put, path = "/api/v1/units/{id}/rulebook/{subject}/applicability", tag = "rulebook", params(SubjectPath),
    request_body = Applicability,
    responses((status = 200, body = UnitRulebook), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位保卫负责人可以标记"),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn applicability(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<SubjectPath>,
    Json(a): Json<Applicability>,
) -> ApiResult<Json<UnitRulebook>> {
    Ok(Json(
        state
            .services
            .rulebook
            .set_applicability(&user.principal, &p.id, p.subject, a.not_applicable, &a.reason)
            .await?,
    ))
}

/// Who of the unit's accounts has and has not acknowledged the current version of one subject.
#[utoipa::path(get, path = "/api/v1/units/{id}/rulebook/{subject}/acknowledgements", tag = "rulebook", params(SubjectPath),
    responses((status = 200, body = AcknowledgementRoster), (status = 400, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn roster(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<SubjectPath>,
) -> ApiResult<Json<AcknowledgementRoster>> {
    Ok(Json(
        state
            .services
            .rulebook
            .roster(&user.principal, &p.id, p.subject)
            .await?,
    ))
}

/// The caller's e-signature 我已阅读并遵守 under the current version of one subject (the unit's
/// manager and guards), with their name and the time, audited. 201 when new; 200 with the first
/// signature when signed before; 409 `conflict` when `version_id` is not the current version.
#[utoipa::path(post, path = "/api/v1/units/{id}/rulebook/{subject}/acknowledgements", tag = "rulebook", params(SubjectPath),
    request_body = AcknowledgeRequest,
    responses((status = 201, body = Acknowledgement), (status = 200, body = Acknowledgement, description = "此前已签署"),
        (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位账号可以签署"),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "不是现行版本")))]
pub async fn acknowledge(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<SubjectPath>,
    Json(r): Json<AcknowledgeRequest>,
) -> ApiResult<(StatusCode, Json<Acknowledgement>)> {
    let (ack, new) = state
        .services
        .rulebook
        .acknowledge(&user.principal, &p.id, p.subject, &r.version_id)
        .await?;
    Ok((if new { StatusCode::CREATED } else { StatusCode::OK }, Json(ack)))
}

/// A multipart body with one PDF file.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // the schema of the body, which `CsrfMultipart` reads
pub struct PdfForm {
    /// The signed text of the version as a PDF file (starting `%PDF-`), at most 10 MB.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Attaches the signed PDF of the subject's current version (multipart, field `file`, a PDF of at
/// most 10 MB): one per version, never replaced (a changed text is a new version). The unit's
/// security manager only; audited. Read it with `GET /api/v1/attachments/{id}`.
#[utoipa::path(post, path = "/api/v1/units/{id}/rulebook/{subject}/pdf", tag = "rulebook",
    params(SubjectPath),
    request_body(content_type = "multipart/form-data", content = PdfForm),
    responses((status = 201, body = Attachment),
        (status = 400, body = crate::error::ErrorBody, description = "不是 PDF 文件"),
        (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "尚无现行版本，或现行版本已有签发文本"),
        (status = 413, body = crate::error::ErrorBody)))]
pub async fn pdf(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<SubjectPath>,
    body: CsrfMultipart,
) -> ApiResult<(StatusCode, Json<Attachment>)> {
    let rb = &state.services.rulebook;
    rb.check_pdf_target(&user.principal, &p.id, p.subject).await?;
    let file = body.file().await?;
    let a = rb.attach_pdf(&user.principal, &p.id, p.subject, file).await?;
    Ok((StatusCode::CREATED, Json(a)))
}

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/api/v1/rulebook", routing::get(coverage))
        .route("/api/v1/units/{id}/rulebook", routing::get(unit))
        .route(
            "/api/v1/units/{id}/rulebook/{subject}/versions",
            routing::get(versions).post(publish),
        )
        .route(
            "/api/v1/units/{id}/rulebook/{subject}/applicability",
            routing::put(applicability),
        )
        .route(
            "/api/v1/units/{id}/rulebook/{subject}/acknowledgements",
            routing::get(roster).post(acknowledge),
        )
        .route(
            "/api/v1/units/{id}/rulebook/{subject}/pdf",
            routing::post(pdf).layer(upload_limit()),
        )
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(coverage, unit, versions, publish, applicability, roster, acknowledge, pdf))]
pub struct Doc;
