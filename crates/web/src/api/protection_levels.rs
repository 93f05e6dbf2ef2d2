//! Protection levels (防范等级, docs/PROTECTION-LEVELS.md; R46 ¶4): the police's orders raising
//! the protection level of the units of a jurisdiction for a period, their changes (raise,
//! lower, extend, end), and each unit's acknowledgement and measures. Handlers parse, call
//! [`neibao_engine::protection_levels::ProtectionLevelService`] and answer; who may do what, and
//! the jurisdiction, is the service's business.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use neibao_domain::paging::{Listing, Page};
use neibao_domain::protection_levels::{Order, OrderDetail, OrderUnit, UnitProtection, UnitSet};
use neibao_engine::protection_levels::{ChangeDraft, MeasureInput, OrderDraft};
use serde::Deserialize;

use crate::error::ApiResult;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

/// An order.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct IdPath {
    /// The order's id.
    pub id: String,
}

/// A unit.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct UnitPath {
    /// The unit's id.
    pub id: String,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

/// An order as sent.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct OrderBody {
    /// 标题, 1–100 characters.
    #[schema(min_length = 1, max_length = 100)]
    pub title: String,
    /// The jurisdiction: a division-code prefix of 2–12 digits within the caller's.
    #[schema(min_length = 2, max_length = 12)]
    pub division_prefix: String,
    /// Narrows the jurisdiction's units (all conditions together); absent: every unit.
    #[serde(default)]
    pub unit_set: UnitSet,
    /// `raised` (加强) or `highest` (最高).
    #[schema(example = "raised")]
    pub level: String,
    /// 事由 (sensitive date, major event), 1–500 characters.
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
    /// The measures required (at most 20, each at most 200 characters); absent or empty: the
    /// defaults of the level.
    #[serde(default)]
    pub measures: Vec<String>,
    /// The planned end (after now, at most 366 days away); the order starts when issued.
    pub ends_at: DateTime<Utc>,
}

/// A change of an order.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ChangeBody {
    /// `raise` (加强 → 最高), `lower` (最高 → 加强), `extend` (a new planned end) or `end`.
    #[schema(example = "raise")]
    pub action: String,
    /// 变更理由, 1–500 characters.
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
    /// The new planned end (`extend` only).
    #[serde(default)]
    pub ends_at: Option<DateTime<Utc>>,
    /// The measures at the new level (`raise`/`lower`); empty: the level's defaults.
    #[serde(default)]
    pub measures: Vec<String>,
    /// The order's version read (409 `version_conflict` when changed since); absent: no check.
    #[serde(default)]
    pub version: Option<i64>,
}

/// One measure as recorded.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct MeasureBody {
    /// 已落实.
    pub done: bool,
    /// 说明, at most 200 characters.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub note: String,
}

/// The measures taken, one per required measure, in the order's order.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct MeasuresBody {
    pub measures: Vec<MeasureBody>,
}

/// The orders covering units of the caller's jurisdiction, active first, newest first.
#[utoipa::path(get, path = "/api/v1/protection-levels", tag = "protection_levels", params(ListQuery),
    responses((status = 200, body = Listing<Order>), (status = 400, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Listing<Order>>> {
    let page = Page::checked(q.page, q.per_page)?;
    Ok(Json(
        state.services.protection_levels.orders(&user.principal, page).await?,
    ))
}

/// Issues an order (province, city, county police; a police station for its units): the units
/// in range are notified at once (inbox and their own channels).
#[utoipa::path(post, path = "/api/v1/protection-levels", tag = "protection_levels", request_body = OrderBody,
    responses((status = 201, body = OrderDetail),
        (status = 400, body = crate::error::ErrorBody, description = "标题、事由、等级、辖区、结束时间或措施不合要求；范围内没有单位"),
        (status = 403, body = crate::error::ErrorBody, description = "仅公安机关可以下达防范等级指令"),
        (status = 404, body = crate::error::ErrorBody, description = "辖区或指定单位不在本人管辖范围内")))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(b): Json<OrderBody>,
) -> ApiResult<(StatusCode, Json<OrderDetail>)> {
    let d = OrderDraft {
        title: b.title,
        division_prefix: b.division_prefix,
        unit_set: b.unit_set,
        level: b.level,
        reason: b.reason,
        measures: b.measures,
        ends_at: Some(b.ends_at),
    };
    let o = state.services.protection_levels.create(&user.principal, d).await?;
    Ok((StatusCode::CREATED, Json(o)))
}

/// One order: the units of the caller's jurisdiction it covers with their acknowledgement and
/// measures, the counts, the history.
#[utoipa::path(get, path = "/api/v1/protection-levels/{id}", tag = "protection_levels", params(IdPath),
    responses((status = 200, body = OrderDetail), (status = 404, body = crate::error::ErrorBody, description = "指令不存在或不涉及本辖区")))]
pub async fn order(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
) -> ApiResult<Json<OrderDetail>> {
    Ok(Json(
        state.services.protection_levels.order(&user.principal, &p.id).await?,
    ))
}

/// Raises, lowers, extends or ends an active order, with the reason (audited; the units are
/// notified again).
#[utoipa::path(post, path = "/api/v1/protection-levels/{id}/transitions", tag = "protection_levels", params(IdPath),
    request_body = ChangeBody,
    responses((status = 200, body = OrderDetail),
        (status = 400, body = crate::error::ErrorBody, description = "操作未知、缺少理由或结束时间不合要求"),
        (status = 403, body = crate::error::ErrorBody, description = "无权变更（非公安机关，或指令覆盖本人管辖范围以外的单位）"),
        (status = 404, body = crate::error::ErrorBody, description = "指令不存在或不涉及本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "当前等级或状态不允许该操作；已被他人变更")))]
pub async fn change(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<ChangeBody>,
) -> ApiResult<Json<OrderDetail>> {
    Ok(Json(
        state
            .services
            .protection_levels
            .change(
                &user.principal,
                &p.id,
                ChangeDraft {
                    action: b.action,
                    reason: b.reason,
                    ends_at: b.ends_at,
                    measures: b.measures,
                    version: b.version,
                },
            )
            .await?,
    ))
}

/// A unit's current protection level and the orders covering it.
#[utoipa::path(get, path = "/api/v1/units/{id}/protection-level", tag = "protection_levels", params(UnitPath),
    responses((status = 200, body = UnitProtection), (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn unit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
) -> ApiResult<Json<UnitProtection>> {
    Ok(Json(
        state.services.protection_levels.unit(&user.principal, &p.id).await?,
    ))
}

/// The caller's unit acknowledges the order at its current level (the unit's security manager).
#[utoipa::path(post, path = "/api/v1/protection-levels/{id}/acknowledge", tag = "protection_levels",
    params(IdPath),
    responses((status = 200, body = OrderUnit),
        (status = 403, body = crate::error::ErrorBody, description = "仅单位保卫负责人可以签收"),
        (status = 404, body = crate::error::ErrorBody, description = "指令不涉及本单位"),
        (status = 409, body = crate::error::ErrorBody, description = "指令已结束")))]
pub async fn acknowledge(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
) -> ApiResult<Json<OrderUnit>> {
    Ok(Json(
        state
            .services
            .protection_levels
            .acknowledge(&user.principal, &p.id)
            .await?,
    ))
}

/// The caller's unit records the measures it took, one per required measure (the unit's
/// security manager).
#[utoipa::path(post, path = "/api/v1/protection-levels/{id}/measures", tag = "protection_levels",
    params(IdPath), request_body = MeasuresBody,
    responses((status = 200, body = OrderUnit),
        (status = 400, body = crate::error::ErrorBody, description = "条数与须落实的措施不符，或说明过长"),
        (status = 403, body = crate::error::ErrorBody, description = "仅单位保卫负责人可以登记"),
        (status = 404, body = crate::error::ErrorBody, description = "指令不涉及本单位"),
        (status = 409, body = crate::error::ErrorBody, description = "指令已结束")))]
pub async fn measures(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<MeasuresBody>,
) -> ApiResult<Json<OrderUnit>> {
    let input: Vec<MeasureInput> = b
        .measures
        .into_iter()
        .map(|m| MeasureInput {
            done: m.done,
            note: m.note,
        })
        .collect();
    Ok(Json(
        state
            .services
            .protection_levels
            .record_measures(&user.principal, &p.id, &input)
            .await?,
    ))
}

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/api/v1/protection-levels", routing::get(list).post(create))
        .route("/api/v1/protection-levels/{id}", routing::get(order))
        .route("/api/v1/protection-levels/{id}/transitions", routing::post(change))
        .route("/api/v1/protection-levels/{id}/acknowledge", routing::post(acknowledge))
        .route("/api/v1/protection-levels/{id}/measures", routing::post(measures))
        .route("/api/v1/units/{id}/protection-level", routing::get(unit))
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, create, order, change, unit, acknowledge, measures))]
pub struct Doc;
