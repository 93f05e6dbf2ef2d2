//! Protective equipment (防护器械, docs/EQUIPMENT.md; R35): a unit's posts and inventory, checks
//! with an optional photo, the minimum sets, and the police overview of units below their
//! minimum. Handlers parse, call [`neibao_engine::equipment::EquipmentService`] and answer; who
//! may do what, and the jurisdiction, is the service's business.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use neibao_domain::attachments::Attachment;
use neibao_domain::equipment::{
    Check, EquipmentSummary, Item, ItemHistory, Post, Standard, StandardItem, UnitEquipment, UnitShortfall,
};
use neibao_domain::paging::{Listing, Page};
use neibao_engine::equipment::{CheckDraft, ItemDraft, PostDraft, StandardDraft};
use serde::{Deserialize, Serialize};

use crate::error::ApiResult;
use crate::extract::multipart::{upload_limit, CsrfMultipart};
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

/// A unit, post, item, check or minimum set.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct IdPath {
    /// The object's id.
    pub id: String,
}

/// A minimum set.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct StandardPath {
    /// The minimum set's id.
    pub standard: String,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

/// A post as sent.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PostBody {
    /// 岗位名称, 1–50 characters.
    #[schema(min_length = 1, max_length = 50)]
    pub name: String,
    /// 位置, at most 100 characters.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub location: String,
    /// `gate` (门卫室), `control_room` (监控室), `patrol` (巡逻岗) or `other`.
    pub kind: String,
    /// The key area the post guards (one of the unit's).
    #[serde(default)]
    pub key_area_id: Option<String>,
}

/// A post change: the post as sent and the `version` read.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PostUpdate {
    /// The version read (409 `version_conflict` when changed since).
    pub version: i64,
    #[serde(flatten)]
    pub post: PostBody,
}

/// An inventory line as sent.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ItemBody {
    /// `riot_fork` (防暴叉), `shield`, `steel_fork`, `stab_vest`, `helmet`, `baton`,
    /// `extinguisher`, `flashlight`, `radio`, `cut_gloves` or `other` (say what in `note`).
    pub item_type: String,
    /// 数量, 0–999.
    pub quantity: i64,
    /// 购置日期 `YYYY-MM-DD` (not after today).
    pub purchased_on: String,
    /// 有效期至 `YYYY-MM-DD` (not before the purchase date); absent: none.
    #[serde(default)]
    pub expires_on: Option<String>,
    /// 备注, at most 200 characters.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub note: String,
}

/// An inventory change: the line as sent and the `version` read.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ItemUpdate {
    /// The version read (409 `version_conflict` when changed since).
    pub version: i64,
    #[serde(flatten)]
    pub item: ItemBody,
}

/// A check as sent (today, by the caller).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CheckBody {
    /// `good` (完好), `damaged` (损坏), `missing` (缺失) or `expired` (过期).
    pub result: String,
    /// 说明, at most 200 characters.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub note: String,
}

/// A minimum set as sent.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct StandardBody {
    /// 名称, 1–50 characters.
    #[schema(min_length = 1, max_length = 50)]
    pub name: String,
    /// The units it applies to: `all`, `key_unit`, `university`, `counter_terror` or
    /// `key_category_1` … `key_category_11`.
    pub applies_to: String,
    /// The post kind it applies to; absent: every post.
    #[serde(default)]
    pub post_kind: Option<String>,
    /// Types and minimum quantities (1–99 each; at least one).
    pub items: Vec<StandardItem>,
    /// 依据, at most 300 characters.
    #[serde(default)]
    #[schema(max_length = 300)]
    pub source: String,
}

/// A minimum-set change: the set as sent and the `version` read.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct StandardUpdate {
    /// The version read (409 `version_conflict` when changed since).
    pub version: i64,
    #[serde(flatten)]
    pub standard: StandardBody,
}

/// The minimum sets.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StandardList {
    pub standards: Vec<Standard>,
}

/// The photo of a check (multipart).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // the schema of the body, which `CsrfMultipart` reads
pub struct CheckPhotoForm {
    /// The photo (JPEG, PNG, GIF or WebP), at most 10 MB.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

fn post_draft(b: PostBody) -> PostDraft {
    PostDraft {
        name: b.name,
        location: b.location,
        kind: b.kind,
        key_area_id: b.key_area_id,
    }
}

fn item_draft(b: ItemBody) -> ItemDraft {
    ItemDraft {
        item_type: b.item_type,
        quantity: b.quantity,
        purchased_on: b.purchased_on,
        expires_on: b.expires_on.unwrap_or_default(),
        note: b.note,
    }
}

fn standard_draft(b: StandardBody) -> StandardDraft {
    StandardDraft {
        name: b.name,
        applies_to: b.applies_to,
        post_kind: b.post_kind.unwrap_or_default(),
        items: b.items,
        source: b.source,
    }
}

/// The unit's posts with their items (each with its last check), minimum sets and flags, and
/// the summary.
#[utoipa::path(get, path = "/api/v1/units/{id}/equipment", tag = "equipment", params(IdPath),
    responses((status = 200, body = UnitEquipment), (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn unit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
) -> ApiResult<Json<UnitEquipment>> {
    Ok(Json(state.services.equipment.unit(&user.principal, &p.id).await?))
}

/// The unit's summary (the assessment's 物防 data): posts, posts below minimum, expired and
/// damaged or missing items, the last check.
#[utoipa::path(get, path = "/api/v1/units/{id}/equipment/summary", tag = "equipment", params(IdPath),
    responses((status = 200, body = EquipmentSummary), (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn summary(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
) -> ApiResult<Json<EquipmentSummary>> {
    Ok(Json(state.services.equipment.summary(&user.principal, &p.id).await?))
}

/// Creates a post of the unit (the unit's security manager).
#[utoipa::path(post, path = "/api/v1/units/{id}/equipment/posts", tag = "equipment", params(IdPath),
    request_body = PostBody,
    responses((status = 201, body = Post), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位保卫负责人可以登记岗位"),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "单位已注销")))]
pub async fn create_post(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<PostBody>,
) -> ApiResult<(StatusCode, Json<Post>)> {
    let post = state
        .services
        .equipment
        .create_post(&user.principal, &p.id, post_draft(b))
        .await?;
    Ok((StatusCode::CREATED, Json(post)))
}

/// Changes a post (the unit's security manager), sending the `version` read.
#[utoipa::path(put, path = "/api/v1/equipment/posts/{id}", tag = "equipment", params(IdPath),
    request_body = PostUpdate,
    responses((status = 200, body = Post), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位保卫负责人可以修改岗位"),
        (status = 404, body = crate::error::ErrorBody, description = "岗位不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "已被他人修改；单位已注销")))]
pub async fn update_post(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<PostUpdate>,
) -> ApiResult<Json<Post>> {
    Ok(Json(
        state
            .services
            .equipment
            .update_post(&user.principal, &p.id, b.version, post_draft(b.post))
            .await?,
    ))
}

/// Adds an inventory line to a post (the unit's security manager).
#[utoipa::path(post, path = "/api/v1/equipment/posts/{id}/items", tag = "equipment", params(IdPath),
    request_body = ItemBody,
    responses((status = 201, body = Item), (status = 400, body = crate::error::ErrorBody, description = "数量为负、有效期早于购置日期等"),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位保卫负责人可以登记器械"),
        (status = 404, body = crate::error::ErrorBody, description = "岗位不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "单位已注销")))]
pub async fn add_item(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<ItemBody>,
) -> ApiResult<(StatusCode, Json<Item>)> {
    let item = state
        .services
        .equipment
        .add_item(&user.principal, &p.id, item_draft(b))
        .await?;
    Ok((StatusCode::CREATED, Json(item)))
}

/// One inventory line with its last check.
#[utoipa::path(get, path = "/api/v1/equipment/items/{id}", tag = "equipment", params(IdPath),
    responses((status = 200, body = Item), (status = 404, body = crate::error::ErrorBody, description = "器械不存在或不在本辖区")))]
pub async fn item(State(state): State<AppState>, user: CurrentUser, Path(p): Path<IdPath>) -> ApiResult<Json<Item>> {
    Ok(Json(state.services.equipment.item(&user.principal, &p.id).await?))
}

/// Changes an inventory line (the unit's security manager), sending the `version` read.
#[utoipa::path(put, path = "/api/v1/equipment/items/{id}", tag = "equipment", params(IdPath),
    request_body = ItemUpdate,
    responses((status = 200, body = Item), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位保卫负责人可以修改器械"),
        (status = 404, body = crate::error::ErrorBody, description = "器械不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "已被他人修改；单位已注销")))]
pub async fn update_item(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<ItemUpdate>,
) -> ApiResult<Json<Item>> {
    Ok(Json(
        state
            .services
            .equipment
            .update_item(&user.principal, &p.id, b.version, item_draft(b.item))
            .await?,
    ))
}

/// An inventory line's history (added, changed, checked), oldest first.
#[utoipa::path(get, path = "/api/v1/equipment/items/{id}/history", tag = "equipment", params(IdPath),
    responses((status = 200, body = Vec<ItemHistory>), (status = 404, body = crate::error::ErrorBody, description = "器械不存在或不在本辖区")))]
pub async fn history(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
) -> ApiResult<Json<Vec<ItemHistory>>> {
    Ok(Json(state.services.equipment.history(&user.principal, &p.id).await?))
}

/// Records a check of an item today (the unit's manager or a guard).
#[utoipa::path(post, path = "/api/v1/equipment/items/{id}/checks", tag = "equipment", params(IdPath),
    request_body = CheckBody,
    responses((status = 201, body = Check), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位账号可以登记检查"),
        (status = 404, body = crate::error::ErrorBody, description = "器械不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "单位已注销")))]
pub async fn check(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<CheckBody>,
) -> ApiResult<(StatusCode, Json<Check>)> {
    let c = state
        .services
        .equipment
        .check(
            &user.principal,
            &p.id,
            CheckDraft {
                result: b.result,
                note: b.note,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(c)))
}

/// Uploads the photo of a check (multipart field `file`, an image of at most 10 MB). The check's
/// `photo_id` then names it; download it from `/api/v1/attachments/{id}`.
#[utoipa::path(post, path = "/api/v1/equipment/checks/{id}/photo", tag = "equipment", params(IdPath),
    request_body(content_type = "multipart/form-data", content = CheckPhotoForm),
    responses((status = 201, body = Attachment),
        (status = 400, body = crate::error::ErrorBody, description = "不是图片，或缺少文件"),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位账号可以上传"),
        (status = 404, body = crate::error::ErrorBody, description = "检查记录不存在或不在本辖区"),
        (status = 413, body = crate::error::ErrorBody, description = "文件超过 10 MB")))]
pub async fn check_photo(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    body: CsrfMultipart,
) -> ApiResult<(StatusCode, Json<Attachment>)> {
    let svc = &state.services.equipment;
    svc.check_photo_target(&user.principal, &p.id).await?;
    let file = body.file().await?;
    let a = svc.add_check_photo(&user.principal, &p.id, file).await?;
    Ok((StatusCode::CREATED, Json(a)))
}

/// Every minimum set.
#[utoipa::path(get, path = "/api/v1/equipment/standards", tag = "equipment",
    responses((status = 200, body = StandardList)))]
pub async fn standards(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<StandardList>> {
    Ok(Json(StandardList {
        standards: state.services.equipment.standards(&user.principal).await?,
    }))
}

/// Creates a minimum set (administrators, provincial and city police).
#[utoipa::path(post, path = "/api/v1/equipment/standards", tag = "equipment",
    request_body = StandardBody,
    responses((status = 201, body = Standard), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody, description = "仅管理员和省、市公安机关可以设置")))]
pub async fn create_standard(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(b): Json<StandardBody>,
) -> ApiResult<(StatusCode, Json<Standard>)> {
    let s = state
        .services
        .equipment
        .save_standard(&user.principal, None, 0, standard_draft(b))
        .await?;
    Ok((StatusCode::CREATED, Json(s)))
}

/// Replaces a minimum set, sending the `version` read.
#[utoipa::path(put, path = "/api/v1/equipment/standards/{standard}", tag = "equipment", params(StandardPath),
    request_body = StandardUpdate,
    responses((status = 200, body = Standard), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody, description = "仅管理员和省、市公安机关可以设置"),
        (status = 404, body = crate::error::ErrorBody, description = "标准不存在"),
        (status = 409, body = crate::error::ErrorBody, description = "已被他人修改")))]
pub async fn update_standard(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<StandardPath>,
    Json(b): Json<StandardUpdate>,
) -> ApiResult<Json<Standard>> {
    Ok(Json(
        state
            .services
            .equipment
            .save_standard(
                &user.principal,
                Some(&p.standard),
                b.version,
                standard_draft(b.standard),
            )
            .await?,
    ))
}

/// The units in the caller's jurisdiction with a post below its minimum, an expired item or an
/// item checked as damaged or missing.
#[utoipa::path(get, path = "/api/v1/equipment/shortfalls", tag = "equipment", params(PageQuery),
    responses((status = 200, body = Listing<UnitShortfall>), (status = 400, body = crate::error::ErrorBody)))]
pub async fn shortfalls(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Listing<UnitShortfall>>> {
    let page = Page::checked(q.page, q.per_page)?;
    Ok(Json(state.services.equipment.shortfalls(&user.principal, page).await?))
}

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/api/v1/units/{id}/equipment", routing::get(unit))
        .route("/api/v1/units/{id}/equipment/summary", routing::get(summary))
        .route("/api/v1/units/{id}/equipment/posts", routing::post(create_post))
        .route("/api/v1/equipment/posts/{id}", routing::put(update_post))
        .route("/api/v1/equipment/posts/{id}/items", routing::post(add_item))
        .route("/api/v1/equipment/items/{id}", routing::get(item).put(update_item))
        .route("/api/v1/equipment/items/{id}/history", routing::get(history))
        .route("/api/v1/equipment/items/{id}/checks", routing::post(check))
        .route(
            "/api/v1/equipment/checks/{id}/photo",
            routing::post(check_photo).layer(upload_limit()),
        )
        .route(
            "/api/v1/equipment/standards",
            routing::get(standards).post(create_standard),
        )
        .route("/api/v1/equipment/standards/{standard}", routing::put(update_standard))
        .route("/api/v1/equipment/shortfalls", routing::get(shortfalls))
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    unit,
    summary,
    create_post,
    update_post,
    add_item,
    item,
    update_item,
    history,
    check,
    check_photo,
    standards,
    create_standard,
    update_standard,
    shortfalls
))]
pub struct Doc;
