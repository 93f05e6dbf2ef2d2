//! Watchlists (布控), their hits and the PIAs that gate them (docs/WATCHLISTS.md; R61, R62, R64,
//! R65, R69, R76). Handlers parse, call [`neibao_engine::watchlists::WatchlistService`] and answer.

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::Json;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::watchlists::{Entry, Hit, HitStatus, Pia, Watchlist};
use neibao_engine::error::ServiceError;
use neibao_engine::watchlists::{EntryDraft, HitReview, PiaDraft, WatchlistDraft};
use serde::Deserialize;

use crate::error::ApiResult;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

/// A watchlist, PIA or hit.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct IdPath {
    /// The object's id.
    pub id: String,
}

/// An entry of a list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct EntryPath {
    /// The list's id.
    pub id: String,
    /// The entry's id.
    pub entry_id: String,
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

/// Hits, optionally of one status.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HitQuery {
    /// `pending` (待人工核验), `confirmed` (已确认本人) or `rejected` (非本人).
    pub status: Option<HitStatus>,
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

/// Why a reference photo is viewed.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PurposeQuery {
    /// Why the photo is viewed; recorded in the audit log. Required (at most 200 characters).
    #[param(required = true, min_length = 1, max_length = 200)]
    pub purpose: Option<String>,
}

/// A list as sent.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct WatchlistBody {
    /// `face` (人员) or `plate` (车辆); ignored on a change.
    #[serde(default)]
    pub kind: String,
    /// 布控名称 (1–50 characters).
    #[serde(default)]
    #[schema(max_length = 50)]
    pub name: String,
    /// 法律依据或目的 (required, at most 500 characters).
    #[serde(default)]
    #[schema(max_length = 500)]
    pub legal_basis: String,
    /// 有效期至, `YYYY-MM-DD` (today to a year ahead).
    #[serde(default)]
    pub expires_on: String,
    /// Face lists: similarity threshold in percent (60–100, default 85). Plates match exactly.
    #[schema(minimum = 60, maximum = 100)]
    pub threshold: Option<i64>,
}

impl From<WatchlistBody> for WatchlistDraft {
    fn from(b: WatchlistBody) -> Self {
        WatchlistDraft {
            kind: b.kind,
            name: b.name,
            legal_basis: b.legal_basis,
            expires_on: b.expires_on,
            threshold: b.threshold,
        }
    }
}

/// Switching a list on.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = WatchlistActivateBody)]
pub struct ActivateBody {
    /// Face lists: the approved PIA (purpose `face_watchlist`) of the list's owner.
    pub pia_id: Option<String>,
}

/// An entry as sent.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = WatchlistEntryBody)]
pub struct EntryBody {
    /// Plate lists: the plate (e.g. `浙A12345`; spaces and dots are ignored).
    #[serde(default)]
    pub plate: String,
    /// Face lists: the subject's name (required).
    #[serde(default)]
    pub subject_name: String,
    /// Face lists: the subject's id known to the devices or the recognition service.
    #[serde(default)]
    pub external_subject_id: String,
    /// Face lists: a face template, base64 (encrypted with the biometric key; never returned).
    pub template_base64: Option<String>,
    /// Face lists: a reference photo, base64 (encrypted with the biometric key).
    pub photo_base64: Option<String>,
    /// 备注 (at most 200 characters).
    #[serde(default)]
    pub note: String,
}

/// Entries to add (1–1000 per request).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = WatchlistEntriesBody)]
pub struct EntriesBody {
    #[serde(default)]
    pub entries: Vec<EntryBody>,
}

/// A human check of a hit.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = WatchlistReviewBody)]
pub struct ReviewBody {
    /// `confirm` (确认本人) or `reject` (非本人).
    #[serde(default)]
    pub decision: String,
    /// 核验说明 (required for `reject`, at most 500 characters).
    #[serde(default)]
    #[schema(max_length = 500)]
    pub note: String,
}

/// A PIA as sent.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct PiaBody {
    /// `face_watchlist`, `plate_watchlist`, `visitor_face` or `other`.
    #[serde(default)]
    pub purpose: String,
    /// 标题 (1–100 characters).
    #[serde(default)]
    #[schema(max_length = 100)]
    pub title: String,
    /// 处理目的、方式的合法性、正当性、必要性 (required).
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub necessity: String,
    /// 对个人权益的影响及安全风险 (required).
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub risks: String,
    /// 保护措施是否合法、有效并与风险程度相适应 (required).
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub safeguards: String,
}

fn bytes(b: Option<String>, label: &str) -> Result<Option<Vec<u8>>, ServiceError> {
    neibao_engine::watchlists::decode_base64(b.as_deref(), label)
}

/// The caller's lists (a police officer: their organ's; a unit's manager: the unit's).
#[utoipa::path(get, path = "/api/v1/watchlists", tag = "watchlists",
    responses((status = 200, body = Vec<Watchlist>),
        (status = 403, body = crate::error::ErrorBody, description = "仅公安机关和单位保卫负责人")))]
pub async fn list(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Vec<Watchlist>>> {
    Ok(Json(state.services.watchlists.lists(&user.principal).await?))
}

/// Creates a list (switched off) for the caller's organ or unit. Send an `Idempotency-Key`.
#[utoipa::path(post, path = "/api/v1/watchlists", tag = "watchlists", request_body = WatchlistBody,
    responses((status = 201, body = Watchlist),
        (status = 400, body = crate::error::ErrorBody, description = "类型、名称、依据、有效期或阈值不对"),
        (status = 403, body = crate::error::ErrorBody, description = "仅公安机关和单位保卫负责人")))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(b): Json<WatchlistBody>,
) -> ApiResult<(StatusCode, Json<Watchlist>)> {
    let l = state.services.watchlists.create(&user.principal, b.into()).await?;
    Ok((StatusCode::CREATED, Json(l)))
}

/// One of the caller's lists.
#[utoipa::path(get, path = "/api/v1/watchlists/{id}", tag = "watchlists", params(IdPath),
    responses((status = 200, body = Watchlist), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody, description = "不存在或不是本机关、本单位的布控")))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
) -> ApiResult<Json<Watchlist>> {
    Ok(Json(state.services.watchlists.list(&user.principal, &p.id).await?))
}

/// Changes a list's name, basis, expiry and threshold.
#[utoipa::path(put, path = "/api/v1/watchlists/{id}", tag = "watchlists", params(IdPath), request_body = WatchlistBody,
    responses((status = 200, body = Watchlist), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<WatchlistBody>,
) -> ApiResult<Json<Watchlist>> {
    Ok(Json(
        state
            .services
            .watchlists
            .update(&user.principal, &p.id, b.into())
            .await?,
    ))
}

/// Switches a list on. A face list needs an approved PIA of its owner: without one, 409
/// `pia_not_approved`.
#[utoipa::path(post, path = "/api/v1/watchlists/{id}/activate", tag = "watchlists", params(IdPath),
    request_body = ActivateBody,
    responses((status = 200, body = Watchlist), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody, description = "pia_not_approved：人脸布控未经批准的影响评估；或已过有效期")))]
pub async fn activate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<ActivateBody>,
) -> ApiResult<Json<Watchlist>> {
    Ok(Json(
        state
            .services
            .watchlists
            .activate(&user.principal, &p.id, b.pia_id.as_deref())
            .await?,
    ))
}

/// Switches a list off.
#[utoipa::path(post, path = "/api/v1/watchlists/{id}/deactivate", tag = "watchlists", params(IdPath),
    responses((status = 200, body = Watchlist), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody)))]
pub async fn deactivate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
) -> ApiResult<Json<Watchlist>> {
    Ok(Json(
        state.services.watchlists.deactivate(&user.principal, &p.id).await?,
    ))
}

/// A page of a list's entries (templates and photos are never returned; `has_template`,
/// `has_photo` say whether they exist).
#[utoipa::path(get, path = "/api/v1/watchlists/{id}/entries", tag = "watchlists", params(IdPath, PageQuery),
    responses((status = 200, body = Listing<Entry>), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn entries(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Listing<Entry>>> {
    let page = Page::checked(q.page, q.per_page)?;
    Ok(Json(
        state.services.watchlists.entries(&user.principal, &p.id, page).await?,
    ))
}

/// Adds 1–1000 entries in one transaction (plates to a plate list; subjects to a face list).
/// Send an `Idempotency-Key`.
#[utoipa::path(post, path = "/api/v1/watchlists/{id}/entries", tag = "watchlists", params(IdPath),
    request_body = EntriesBody,
    responses((status = 201, body = Vec<Entry>),
        (status = 400, body = crate::error::ErrorBody, description = "车牌号、姓名、模板或照片不对，或超过条数"),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn add_entries(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<EntriesBody>,
) -> ApiResult<(StatusCode, Json<Vec<Entry>>)> {
    if b.entries.len() > 1000 {
        return Err(ServiceError::invalid("一次最多添加 1000 个布控对象").into());
    }
    let mut drafts = Vec::with_capacity(b.entries.len());
    for e in b.entries {
        drafts.push(EntryDraft {
            plate: e.plate,
            subject_name: e.subject_name,
            external_subject_id: e.external_subject_id,
            template: bytes(e.template_base64, "特征模板")?,
            photo: bytes(e.photo_base64, "布控照片")?,
            note: e.note,
        });
    }
    let out = state
        .services
        .watchlists
        .add_entries(&user.principal, &p.id, drafts)
        .await?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// Removes an entry.
#[utoipa::path(delete, path = "/api/v1/watchlists/{id}/entries/{entry_id}", tag = "watchlists", params(EntryPath),
    responses((status = 204, description = "已移除"), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody)))]
pub async fn delete_entry(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<EntryPath>,
) -> ApiResult<StatusCode> {
    state
        .services
        .watchlists
        .delete_entry(&user.principal, &p.id, &p.entry_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The image type of a photo's bytes (JPEG or PNG), else `application/octet-stream`.
pub fn photo_type(b: &[u8]) -> &'static str {
    if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else {
        "application/octet-stream"
    }
}

/// An entry's reference photo, for a stated purpose (audited before the answer; not cached).
#[utoipa::path(get, path = "/api/v1/watchlists/{id}/entries/{entry_id}/photo", tag = "watchlists",
    params(EntryPath, PurposeQuery),
    responses((status = 200, description = "布控照片",
        content((Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"), (Vec<u8> = "application/octet-stream"))),
        (status = 400, body = crate::error::ErrorBody, description = "未说明用途"),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn photo(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<EntryPath>,
    Query(q): Query<PurposeQuery>,
) -> ApiResult<axum::response::Response> {
    let b = state
        .services
        .watchlists
        .entry_photo(&user.principal, &p.id, &p.entry_id, q.purpose.as_deref().unwrap_or(""))
        .await?;
    let ct = photo_type(&b);
    let mut resp = crate::api::attachments::file_response(b, ct, "布控照片", true);
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    Ok(resp)
}

/// The hits of the caller's lists, newest first (a police list's hits only to its organ).
#[utoipa::path(get, path = "/api/v1/watchlist-hits", tag = "watchlists", params(HitQuery),
    responses((status = 200, body = Listing<Hit>), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody)))]
pub async fn hits(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<HitQuery>,
) -> ApiResult<Json<Listing<Hit>>> {
    let page = Page::checked(q.page, q.per_page)?;
    Ok(Json(
        state.services.watchlists.hits(&user.principal, q.status, page).await?,
    ))
}

/// One hit with its top candidates (never a bare name).
#[utoipa::path(get, path = "/api/v1/watchlist-hits/{id}", tag = "watchlists", params(IdPath),
    responses((status = 200, body = Hit), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody, description = "不存在或不是本机关、本单位布控的比中")))]
pub async fn hit(State(state): State<AppState>, user: CurrentUser, Path(p): Path<IdPath>) -> ApiResult<Json<Hit>> {
    Ok(Json(state.services.watchlists.hit(&user.principal, &p.id).await?))
}

/// The human check of a hit: `confirm` (确认本人) or `reject` (非本人, with a note).
#[utoipa::path(post, path = "/api/v1/watchlist-hits/{id}/review", tag = "watchlists", params(IdPath),
    request_body = ReviewBody,
    responses((status = 200, body = Hit), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody, description = "已核验")))]
pub async fn review(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<ReviewBody>,
) -> ApiResult<Json<Hit>> {
    let r = HitReview {
        decision: b.decision,
        note: b.note,
    };
    Ok(Json(state.services.watchlists.review(&user.principal, &p.id, r).await?))
}

/// The PIAs of the caller's organ or unit.
#[utoipa::path(get, path = "/api/v1/pias", tag = "watchlists",
    responses((status = 200, body = Vec<Pia>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn pias(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Vec<Pia>>> {
    Ok(Json(state.services.watchlists.pias(&user.principal).await?))
}

/// Drafts a PIA. Send an `Idempotency-Key`.
#[utoipa::path(post, path = "/api/v1/pias", tag = "watchlists", request_body = PiaBody,
    responses((status = 201, body = Pia), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody)))]
pub async fn draft_pia(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(b): Json<PiaBody>,
) -> ApiResult<(StatusCode, Json<Pia>)> {
    let d = PiaDraft {
        purpose: b.purpose,
        title: b.title,
        necessity: b.necessity,
        risks: b.risks,
        safeguards: b.safeguards,
    };
    let p = state.services.watchlists.draft_pia(&user.principal, d).await?;
    Ok((StatusCode::CREATED, Json(p)))
}

/// One PIA.
#[utoipa::path(get, path = "/api/v1/pias/{id}", tag = "watchlists", params(IdPath),
    responses((status = 200, body = Pia), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody)))]
pub async fn pia(State(state): State<AppState>, user: CurrentUser, Path(p): Path<IdPath>) -> ApiResult<Json<Pia>> {
    Ok(Json(state.services.watchlists.pia(&user.principal, &p.id).await?))
}

/// Approves a draft (someone other than its drafter).
#[utoipa::path(post, path = "/api/v1/pias/{id}/approve", tag = "watchlists", params(IdPath),
    responses((status = 200, body = Pia), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody, description = "已批准，或批准人是起草人")))]
pub async fn approve_pia(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
) -> ApiResult<Json<Pia>> {
    Ok(Json(
        state.services.watchlists.approve_pia(&user.principal, &p.id).await?,
    ))
}

/// Deletes a PIA: refused (409) within three years of its last change (PIPL Art 56).
#[utoipa::path(delete, path = "/api/v1/pias/{id}", tag = "watchlists", params(IdPath),
    responses((status = 204, description = "已删除"), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody, description = "未满三年保存期，或有布控依据它启用")))]
pub async fn delete_pia(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
) -> ApiResult<StatusCode> {
    state.services.watchlists.delete_pia(&user.principal, &p.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/api/v1/watchlists", routing::get(list).post(create))
        .route("/api/v1/watchlists/{id}", routing::get(get).put(update))
        .route("/api/v1/watchlists/{id}/activate", routing::post(activate))
        .route("/api/v1/watchlists/{id}/deactivate", routing::post(deactivate))
        .route(
            "/api/v1/watchlists/{id}/entries",
            routing::get(entries).post(add_entries),
        )
        .route(
            "/api/v1/watchlists/{id}/entries/{entry_id}",
            routing::delete(delete_entry),
        )
        .route("/api/v1/watchlists/{id}/entries/{entry_id}/photo", routing::get(photo))
        .route("/api/v1/watchlist-hits", routing::get(hits))
        .route("/api/v1/watchlist-hits/{id}", routing::get(hit))
        .route("/api/v1/watchlist-hits/{id}/review", routing::post(review))
        .route("/api/v1/pias", routing::get(pias).post(draft_pia))
        .route("/api/v1/pias/{id}", routing::get(pia).delete(delete_pia))
        .route("/api/v1/pias/{id}/approve", routing::post(approve_pia))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list,
    create,
    get,
    update,
    activate,
    deactivate,
    entries,
    add_entries,
    delete_entry,
    photo,
    hits,
    hit,
    review,
    pias,
    draft_pia,
    pia,
    approve_pia,
    delete_pia
))]
pub struct Doc;
