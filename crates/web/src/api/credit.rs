//! Credit (诚信, docs/CREDIT.md; R30): manual credit entries by county-level and higher police,
//! the unit's objection (异议) with evidence, and the police review (correction or rejection).
//! Handlers parse, call [`neibao_engine::credit::CreditService`] and answer. The score and grade
//! are `GET /api/v1/units/{id}/credit` (supervision).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use neibao_domain::attachments::Attachment;
use neibao_domain::credit::{Objection, ObjectionFilter, ObjectionState, PublicEntry};
use neibao_domain::paging::{Listing, Page};
use neibao_domain::supervision::CreditRecord;
use neibao_engine::credit::{DecisionInput, EntryInput, ObjectionDetail};
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

/// A credit entry or an objection.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct IdPath {
    /// The id.
    pub id: String,
}

/// Where an objection stands.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = CreditStateParam)]
pub enum StateParam {
    Pending,
    Corrected,
    Rejected,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only this unit's objections.
    pub unit_id: Option<String>,
    /// `pending`, `corrected` or `rejected`.
    pub state: Option<StateParam>,
    /// `true`: overdue only (still pending past the review deadline).
    pub overdue: Option<bool>,
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

/// A manual credit entry.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct EntryBody {
    /// `other_violation` (其他违法违规行为), or a ladder kind: `overdue`, `circular`,
    /// `interview`, `listed_supervision`, `referral`, `fine`, `criminal_transfer`.
    #[serde(default)]
    pub kind: String,
    /// Points deducted, 0–100.
    #[schema(minimum = 0, maximum = 100)]
    pub points: Option<i64>,
    /// 法律依据 (required, at most 500 characters).
    #[serde(default)]
    #[schema(max_length = 500)]
    pub basis: String,
    /// 事实和理由 (required, at most 2000 characters).
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub reason: String,
    /// Last day the entry counts, `YYYY-MM-DD` (Beijing time): after today, at most 3650 days on.
    #[serde(default)]
    pub expires_on: String,
    /// 公示: shown to competent departments (the unit and police always see it).
    #[serde(default)]
    pub published: bool,
}

/// An objection.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ObjectBody {
    /// 异议理由 (required, at most 2000 characters).
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub text: String,
}

/// The review of an objection.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct DecisionBody {
    /// `withdraw` (撤销记录), `amend` (变更扣分或有效期) or `reject` (驳回异议).
    #[serde(default)]
    pub decision: String,
    /// 复核理由 (required, at most 2000 characters).
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub reason: String,
    /// Amend: the new points, 0–100.
    #[schema(minimum = 0, maximum = 100)]
    pub points: Option<i64>,
    /// Amend: the new last day, `YYYY-MM-DD`.
    pub expires_on: Option<String>,
}

/// An evidence file (multipart).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // the schema of the body, which `CsrfMultipart` reads
#[schema(as = CreditEvidenceForm)]
pub struct EvidenceForm {
    /// The file (images and PDF shown inline; others offered for download), at most 10 MB.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Enters a credit entry of the unit by hand (county-level and higher police). It counts in the
/// score and grade at once. Send an `Idempotency-Key`: a repeat makes one entry.
#[utoipa::path(post, path = "/api/v1/units/{id}/credit-entries", tag = "credit", params(UnitPath),
    request_body = EntryBody,
    responses((status = 201, body = CreditRecord),
        (status = 400, body = crate::error::ErrorBody, description = "类型不存在、扣分不在0–100、法律依据或理由为空、有效期不对"),
        (status = 403, body = crate::error::ErrorBody, description = "仅县级以上公安机关可以录入"),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "单位已注销")))]
pub async fn record(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
    Json(b): Json<EntryBody>,
) -> ApiResult<(StatusCode, Json<CreditRecord>)> {
    let r = state
        .services
        .credit
        .record(
            &user.principal,
            &p.id,
            EntryInput {
                kind: b.kind,
                points: b.points,
                basis: b.basis,
                reason: b.reason,
                expires_on: b.expires_on,
                published: b.published,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(r)))
}

/// The credit entries of a unit, newest first, withdrawn ones included (marked). Competent
/// departments see the published (公示) ones only.
#[utoipa::path(get, path = "/api/v1/units/{id}/credit-entries", tag = "credit", params(UnitPath),
    responses((status = 200, body = Vec<CreditRecord>),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn entries(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
) -> ApiResult<Json<Vec<CreditRecord>>> {
    Ok(Json(state.services.credit.entries(&user.principal, &p.id).await?))
}

/// The unit's objection to a credit entry (its security manager). The review deadline is 15
/// days on; the police are told. Evidence files follow on `/evidence`. Send an
/// `Idempotency-Key`: a repeat makes one objection.
#[utoipa::path(post, path = "/api/v1/credit-entries/{id}/objections", tag = "credit", params(IdPath),
    request_body = ObjectBody,
    responses((status = 201, body = Objection),
        (status = 400, body = crate::error::ErrorBody, description = "异议理由为空或过长"),
        (status = 403, body = crate::error::ErrorBody, description = "仅单位负责人可以提出异议"),
        (status = 404, body = crate::error::ErrorBody, description = "记录不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "记录已撤销、已过期或已有待复核的异议")))]
pub async fn object(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<ObjectBody>,
) -> ApiResult<(StatusCode, Json<Objection>)> {
    let o = state.services.credit.object(&user.principal, &p.id, &b.text).await?;
    Ok((StatusCode::CREATED, Json(o)))
}

/// The objections in the caller's jurisdiction (a unit: its own): pending first, then by
/// deadline. Competent departments: 403.
#[utoipa::path(get, path = "/api/v1/credit-objections", tag = "credit", params(ListQuery),
    responses((status = 200, body = Listing<Objection>), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody, description = "主管部门不复核诚信异议")))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Listing<Objection>>> {
    let page = Page::checked(q.page, q.per_page)?;
    let f = ObjectionFilter {
        unit_id: q.unit_id,
        record_id: None,
        state: q.state.map(|s| match s {
            StateParam::Pending => ObjectionState::Pending,
            StateParam::Corrected => ObjectionState::Corrected,
            StateParam::Rejected => ObjectionState::Rejected,
        }),
        overdue: q.overdue,
    };
    Ok(Json(state.services.credit.list(&user.principal, &f, page).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PublicQuery {
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

/// The public 诚信公示 list (no account): credit entries published, not withdrawn and not
/// expired, newest first — unit name, kind, legal basis, points and dates; no personal
/// information.
#[utoipa::path(get, path = "/api/v1/public/credit-entries", tag = "credit", params(PublicQuery), security(()),
    responses((status = 200, body = Listing<PublicEntry>), (status = 400, body = crate::error::ErrorBody)))]
pub async fn public_list(
    State(state): State<AppState>,
    Query(q): Query<PublicQuery>,
) -> ApiResult<Json<Listing<PublicEntry>>> {
    let page = Page::checked(q.page, q.per_page)?;
    Ok(Json(state.services.credit.public_entries(page).await?))
}

/// One objection with the entry it concerns and its evidence files.
#[utoipa::path(get, path = "/api/v1/credit-objections/{id}", tag = "credit", params(IdPath),
    responses((status = 200, body = ObjectionDetail),
        (status = 404, body = crate::error::ErrorBody, description = "异议不存在或不在本辖区")))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
) -> ApiResult<Json<ObjectionDetail>> {
    Ok(Json(state.services.credit.get(&user.principal, &p.id).await?))
}

/// Adds an evidence file to a pending objection (multipart field `file`, at most 10 MB; the
/// unit's security manager). Download it from `/api/v1/attachments/{id}`.
#[utoipa::path(post, path = "/api/v1/credit-objections/{id}/evidence", tag = "credit", params(IdPath),
    request_body(content_type = "multipart/form-data", content = EvidenceForm),
    responses((status = 201, body = Attachment),
        (status = 400, body = crate::error::ErrorBody, description = "缺少文件或文件为空"),
        (status = 403, body = crate::error::ErrorBody, description = "仅单位负责人可以上传"),
        (status = 404, body = crate::error::ErrorBody, description = "异议不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "异议已复核"),
        (status = 413, body = crate::error::ErrorBody, description = "文件超过 10 MB")))]
pub async fn evidence(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    body: CsrfMultipart,
) -> ApiResult<(StatusCode, Json<Attachment>)> {
    let svc = &state.services.credit;
    svc.evidence_target(&user.principal, &p.id).await?;
    let file = body.file().await?;
    let a = svc.add_evidence(&user.principal, &p.id, file).await?;
    Ok((StatusCode::CREATED, Json(a)))
}

/// The police review of an objection (county-level and higher police): correction (withdraw
/// the entry, or amend its points or expiry) or rejection, with reasons. The unit is told.
#[utoipa::path(post, path = "/api/v1/credit-objections/{id}/decision", tag = "credit", params(IdPath),
    request_body = DecisionBody,
    responses((status = 200, body = ObjectionDetail),
        (status = 400, body = crate::error::ErrorBody, description = "复核结果不存在、理由为空、扣分或有效期不对"),
        (status = 403, body = crate::error::ErrorBody, description = "仅县级以上公安机关可以复核"),
        (status = 404, body = crate::error::ErrorBody, description = "异议不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "异议已复核")))]
pub async fn decide(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<DecisionBody>,
) -> ApiResult<Json<ObjectionDetail>> {
    Ok(Json(
        state
            .services
            .credit
            .decide(
                &user.principal,
                &p.id,
                DecisionInput {
                    decision: b.decision,
                    reason: b.reason,
                    points: b.points,
                    expires_on: b.expires_on,
                },
            )
            .await?,
    ))
}

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/api/v1/units/{id}/credit-entries", routing::get(entries).post(record))
        .route("/api/v1/credit-entries/{id}/objections", routing::post(object))
        .route("/api/v1/credit-objections", routing::get(list))
        .route("/api/v1/public/credit-entries", routing::get(public_list))
        .route("/api/v1/credit-objections/{id}", routing::get(get))
        .route(
            "/api/v1/credit-objections/{id}/evidence",
            routing::post(evidence).layer(upload_limit()),
        )
        .route("/api/v1/credit-objections/{id}/decision", routing::post(decide))
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(record, entries, object, list, public_list, get, evidence, decide))]
pub struct Doc;
