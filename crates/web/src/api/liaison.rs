//! Police–enterprise liaison points (警企联系点, docs/LIAISON.md; R33): the police of the
//! jurisdiction name an officer or a team as the liaison of units (hand-picked or an industrial
//! park); a unit reads its liaison, an officer the units they liaise with. Handlers parse, call
//! [`neibao_engine::liaison::LiaisonService`] and answer.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use neibao_domain::liaison::{LiaisonPoint, LiaisonPointDetail, LiaisonUnit};
use neibao_engine::liaison::{LiaisonInput, UnitLiaison};
use serde::Deserialize;

use crate::error::ApiResult;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

/// A liaison point.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct IdPath {
    /// The point's id.
    pub id: String,
}

/// A unit.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct UnitPath {
    /// The unit's id.
    pub id: String,
}

/// A new liaison point: an officer or a team (exactly one), its units, contact hours and phone.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct PointBody {
    /// The officer's account id (a police account).
    #[serde(default)]
    pub officer_id: Option<String>,
    /// A team's name instead of an officer (at most 60 characters).
    #[serde(default)]
    #[schema(max_length = 60)]
    pub team_name: Option<String>,
    /// The industrial park the units make up (at most 60 characters).
    #[serde(default)]
    #[schema(max_length = 60)]
    pub park_name: Option<String>,
    /// e.g. `工作日 9:00–17:00` (required, at most 60 characters).
    #[serde(default)]
    #[schema(max_length = 60)]
    pub contact_hours: String,
    /// Mobile or landline (required); stored encrypted, answered masked.
    #[serde(default)]
    pub phone: String,
    /// The units (at least one, at most 500), each in the caller's jurisdiction.
    #[serde(default)]
    pub unit_ids: Vec<String>,
}

/// The units of a point as they should now be.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct UnitsBody {
    /// The units (at most 500); units left out are unassigned (kept in the history).
    #[serde(default)]
    pub unit_ids: Vec<String>,
}

/// Sets up a liaison point (police of the jurisdiction).
#[utoipa::path(post, path = "/api/v1/liaison/points", tag = "liaison", request_body = PointBody,
    responses((status = 201, body = LiaisonPointDetail),
        (status = 400, body = crate::error::ErrorBody, description = "民警与联络组须填一项；联系时间、电话必填；至少一个单位"),
        (status = 403, body = crate::error::ErrorBody, description = "仅公安民警可以设立联系点"),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(b): Json<PointBody>,
) -> ApiResult<(StatusCode, Json<LiaisonPointDetail>)> {
    let input = LiaisonInput {
        officer_id: b.officer_id,
        team_name: b.team_name,
        park_name: b.park_name,
        contact_hours: b.contact_hours,
        phone: b.phone,
        unit_ids: b.unit_ids,
    };
    let p = state.services.liaison.create(&user.principal, input).await?;
    Ok((StatusCode::CREATED, Json(p)))
}

/// The liaison points visible to the caller, newest first.
#[utoipa::path(get, path = "/api/v1/liaison/points", tag = "liaison",
    responses((status = 200, body = Vec<LiaisonPoint>)))]
pub async fn list(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Vec<LiaisonPoint>>> {
    Ok(Json(state.services.liaison.list(&user.principal).await?))
}

/// One point with its current units and its assignment history.
#[utoipa::path(get, path = "/api/v1/liaison/points/{id}", tag = "liaison", params(IdPath),
    responses((status = 200, body = LiaisonPointDetail), (status = 404, body = crate::error::ErrorBody, description = "联系点不存在或不在本辖区")))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
) -> ApiResult<Json<LiaisonPointDetail>> {
    Ok(Json(state.services.liaison.get(&user.principal, &p.id).await?))
}

/// Sets the point's units: new ones assigned, missing ones unassigned (history kept).
#[utoipa::path(put, path = "/api/v1/liaison/points/{id}/units", tag = "liaison", params(IdPath),
    request_body = UnitsBody,
    responses((status = 200, body = LiaisonPointDetail),
        (status = 400, body = crate::error::ErrorBody, description = "单位过多"),
        (status = 403, body = crate::error::ErrorBody, description = "仅公安民警可以调整联系单位"),
        (status = 404, body = crate::error::ErrorBody, description = "联系点或单位不存在或不在本辖区")))]
pub async fn set_units(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<UnitsBody>,
) -> ApiResult<Json<LiaisonPointDetail>> {
    Ok(Json(
        state
            .services
            .liaison
            .set_units(&user.principal, &p.id, &b.unit_ids)
            .await?,
    ))
}

/// The units the caller is the liaison officer of (我联系的单位).
#[utoipa::path(get, path = "/api/v1/liaison/mine", tag = "liaison",
    responses((status = 200, body = Vec<LiaisonUnit>)))]
pub async fn mine(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Vec<LiaisonUnit>>> {
    Ok(Json(state.services.liaison.my_units(&user.principal).await?))
}

/// The unit's liaison officers now and its assignment history.
#[utoipa::path(get, path = "/api/v1/units/{id}/liaison", tag = "liaison", params(UnitPath),
    responses((status = 200, body = UnitLiaison), (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn of_unit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
) -> ApiResult<Json<UnitLiaison>> {
    Ok(Json(state.services.liaison.of_unit(&user.principal, &p.id).await?))
}

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/api/v1/liaison/points", routing::get(list).post(create))
        .route("/api/v1/liaison/points/{id}", routing::get(get))
        .route("/api/v1/liaison/points/{id}/units", routing::put(set_units))
        .route("/api/v1/liaison/mine", routing::get(mine))
        .route("/api/v1/units/{id}/liaison", routing::get(of_unit))
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(create, list, get, set_units, mine, of_unit))]
pub struct Doc;
