//! 平安单位 titles and the honours block (docs/HONOURS.md; the Opinions Part 5; S10 Art 29, R29).
//! Handlers parse, call [`neibao_engine::honours::HonoursService`] and answer.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use neibao_domain::honours::SafeUnitTitle;
use neibao_engine::honours::HonoursStanding;
use serde::Deserialize;

use crate::error::ApiResult;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

/// A unit.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct UnitPath {
    /// The unit's id.
    pub id: String,
}

/// An application for the title.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct TitlePath {
    /// The application's id.
    pub id: String,
}

/// An application.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ApplyBody {
    /// The year the title is for: this year or next.
    pub year: Option<i32>,
    /// 申请说明 (required, at most 2000 characters).
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub statement: String,
}

/// A decision on an application.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = HonoursDecisionBody)]
pub struct DecisionBody {
    /// `grant` (授予) or `refuse` (不予授予).
    #[serde(default)]
    pub decision: String,
    /// 审核意见 (required, at most 2000 characters).
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub reason: String,
    /// Grant: the officer confirms no major case (重大案事件) in the year before.
    #[serde(default)]
    pub no_major_case: bool,
}

/// A revocation.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct RevokeBody {
    /// 撤销理由: the major case (required, at most 2000 characters).
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub reason: String,
}

/// The unit's honours standing: the honours block in force (computed from the ladder: 6 months
/// from a 挂牌督办 listing, 1 year from a missed listed-supervision deadline), open listed
/// cases, major hazards of the last year, the assessment result (after the assessment merge),
/// whether a title could be granted now and why not, and the unit's applications.
#[utoipa::path(get, path = "/api/v1/units/{id}/honours", tag = "honours", params(UnitPath),
    responses((status = 200, body = HonoursStanding),
        (status = 403, body = crate::error::ErrorBody, description = "仅单位保卫负责人和县级以上公安机关"),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn standing(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
) -> ApiResult<Json<HonoursStanding>> {
    Ok(Json(state.services.honours.standing(&user.principal, &p.id).await?))
}

/// The unit applies for the 平安单位 title of a year (the unit's security manager). Send an
/// `Idempotency-Key`: a repeat makes one application.
#[utoipa::path(post, path = "/api/v1/units/{id}/honours", tag = "honours", params(UnitPath),
    request_body = ApplyBody,
    responses((status = 201, body = SafeUnitTitle),
        (status = 400, body = crate::error::ErrorBody, description = "年度不对、申请说明为空或过长"),
        (status = 403, body = crate::error::ErrorBody, description = "仅单位保卫负责人可以申请"),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "单位已注销或该年度已申请")))]
pub async fn apply(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
    Json(b): Json<ApplyBody>,
) -> ApiResult<(StatusCode, Json<SafeUnitTitle>)> {
    let t = state
        .services
        .honours
        .apply(&user.principal, &p.id, b.year, &b.statement)
        .await?;
    Ok((StatusCode::CREATED, Json(t)))
}

/// Grants or refuses an application (county-level and higher police). A grant is refused (409)
/// while the unit is under the honours block or has an open 挂牌督办 case.
#[utoipa::path(post, path = "/api/v1/honours/{id}/decision", tag = "honours", params(TitlePath),
    request_body = DecisionBody,
    responses((status = 200, body = SafeUnitTitle),
        (status = 400, body = crate::error::ErrorBody, description = "审核结果不存在、意见为空、未确认无重大案事件"),
        (status = 403, body = crate::error::ErrorBody, description = "仅县级以上公安机关可以审核"),
        (status = 404, body = crate::error::ErrorBody, description = "申请不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "荣誉限制期内、挂牌督办未销号、已审核或年度已结束")))]
pub async fn decide(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<TitlePath>,
    Json(b): Json<DecisionBody>,
) -> ApiResult<Json<SafeUnitTitle>> {
    Ok(Json(
        state
            .services
            .honours
            .decide(&user.principal, &p.id, &b.decision, &b.reason, b.no_major_case)
            .await?,
    ))
}

/// Revokes a granted title on a major case (county-level and higher police).
#[utoipa::path(post, path = "/api/v1/honours/{id}/revoke", tag = "honours", params(TitlePath),
    request_body = RevokeBody,
    responses((status = 200, body = SafeUnitTitle),
        (status = 400, body = crate::error::ErrorBody, description = "撤销理由为空或过长"),
        (status = 403, body = crate::error::ErrorBody, description = "仅县级以上公安机关可以撤销"),
        (status = 404, body = crate::error::ErrorBody, description = "申请不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "称号未授予或已撤销")))]
pub async fn revoke(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<TitlePath>,
    Json(b): Json<RevokeBody>,
) -> ApiResult<Json<SafeUnitTitle>> {
    Ok(Json(
        state.services.honours.revoke(&user.principal, &p.id, &b.reason).await?,
    ))
}

pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/api/v1/units/{id}/honours", routing::get(standing).post(apply))
        .route("/api/v1/honours/{id}/decision", routing::post(decide))
        .route("/api/v1/honours/{id}/revoke", routing::post(revoke))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(standing, apply, decide, revoke))]
pub struct Doc;
