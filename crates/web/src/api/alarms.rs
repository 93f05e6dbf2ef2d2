//! One-press alarms (一键报警, docs/ALARMS.md; R12(4), R20(3), R34): a unit's guard or manager
//! raises an alarm (or a drill alarm) that reaches the station on duty at once as a critical
//! alert; the police record their arrival. Handlers parse, call
//! [`neibao_engine::alarms::AlarmService`] and answer; who may do what, and the jurisdiction, is
//! the service's business.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use neibao_domain::alarms::{AlarmCounts, AlarmFilter};
use neibao_domain::paging::{Listing, Page};
use neibao_engine::alarms::{AlarmView, RaiseInput};
use serde::{Deserialize, Serialize};

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

/// An alarm.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct IdPath {
    /// The alarm's id.
    pub id: String,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only this unit's alarms.
    pub unit_id: Option<String>,
    /// `true`: drills only; `false`: real alarms only; absent: both.
    pub drill: Option<bool>,
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CountsQuery {
    /// Only this unit's alarms.
    pub unit_id: Option<String>,
    /// The last this many days (1–366, default 30).
    #[param(minimum = 1, maximum = 366)]
    pub days: Option<i64>,
}

/// An alarm as sent: everything optional (speed first, details after).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct RaiseBody {
    /// The scenario code (`violent_attack`, `intrusion`, `fire`, `crowd_incident`, `terrorism`,
    /// `public_health`, `extreme_weather`, `theft_robbery`, `other`); absent: `other`.
    #[serde(default)]
    pub scenario: Option<String>,
    /// One of the unit's key areas.
    #[serde(default)]
    pub key_area_id: Option<String>,
    /// A short note, at most 200 characters.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub note: Option<String>,
    /// A drill (演练): same path, marked, counted apart.
    #[serde(default)]
    pub drill: bool,
}

/// The police's arrival.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ArrivalBody {
    /// When they arrived (RFC 3339); absent: now.
    #[serde(default)]
    pub arrived_at: Option<DateTime<Utc>>,
    /// 到场情况, at most 500 characters.
    #[serde(default)]
    #[schema(max_length = 500)]
    pub note: String,
}

/// The escalation step of unacknowledged alarms.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EscalationStep {
    /// Minutes per level (station, county bureau, city bureau), 1–60; default 2.
    #[schema(minimum = 1, maximum = 60)]
    pub step_minutes: i64,
}

/// How fast an unacknowledged alarm climbs the police tree.
#[utoipa::path(get, path = "/api/v1/alarms/escalation", tag = "alarms",
    responses((status = 200, body = EscalationStep)))]
pub async fn escalation(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<EscalationStep>> {
    Ok(Json(EscalationStep {
        step_minutes: state.services.alarms.escalation_step(&user.principal).await?,
    }))
}

/// Sets how fast an unacknowledged alarm climbs (administrators); for alarms raised after.
#[utoipa::path(put, path = "/api/v1/alarms/escalation", tag = "alarms", request_body = EscalationStep,
    responses((status = 200, body = EscalationStep), (status = 400, body = crate::error::ErrorBody, description = "不在 1–60 分钟"),
        (status = 403, body = crate::error::ErrorBody, description = "仅管理员可以设置")))]
pub async fn set_escalation(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(b): Json<EscalationStep>,
) -> ApiResult<Json<EscalationStep>> {
    Ok(Json(EscalationStep {
        step_minutes: state
            .services
            .alarms
            .set_escalation_step(&user.principal, b.step_minutes)
            .await?,
    }))
}

/// Raises a one-press alarm of the unit as the caller (the unit's manager or a guard). 201 when
/// new; 200 with the same alarm when the same account pressed within 60 seconds (a double tap).
#[utoipa::path(post, path = "/api/v1/units/{id}/alarms", tag = "alarms", params(UnitPath),
    request_body = RaiseBody,
    responses((status = 201, body = AlarmView), (status = 200, body = AlarmView, description = "60 秒内重复按下：同一报警"),
        (status = 400, body = crate::error::ErrorBody, description = "报警类型不存在、说明过长或重要部位不属于本单位"),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位负责人和保安员可以一键报警"),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "单位已停用或注销")))]
pub async fn raise(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
    Json(b): Json<RaiseBody>,
) -> ApiResult<(StatusCode, Json<AlarmView>)> {
    let input = RaiseInput {
        scenario: b.scenario,
        key_area_id: b.key_area_id,
        note: b.note,
        drill: b.drill,
    };
    let (a, new) = state.services.alarms.raise(&user.principal, &p.id, input).await?;
    Ok((if new { StatusCode::CREATED } else { StatusCode::OK }, Json(a)))
}

/// The alarms in the caller's jurisdiction, newest first.
#[utoipa::path(get, path = "/api/v1/alarms", tag = "alarms", params(ListQuery),
    responses((status = 200, body = Listing<AlarmView>), (status = 400, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Listing<AlarmView>>> {
    let page = Page::checked(q.page, q.per_page)?;
    let f = AlarmFilter {
        unit_id: q.unit_id,
        drill: q.drill,
        since: None,
    };
    Ok(Json(state.services.alarms.list(&user.principal, &f, page).await?))
}

/// Counts of the alarms in the caller's jurisdiction over the last days: real alarms (with the
/// unacknowledged, those without arrival, the mean times) and drills apart.
#[utoipa::path(get, path = "/api/v1/alarms/counts", tag = "alarms", params(CountsQuery),
    responses((status = 200, body = AlarmCounts), (status = 400, body = crate::error::ErrorBody)))]
pub async fn counts(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<CountsQuery>,
) -> ApiResult<Json<AlarmCounts>> {
    Ok(Json(
        state
            .services
            .alarms
            .counts(&user.principal, q.unit_id.as_deref(), q.days.unwrap_or(30))
            .await?,
    ))
}

/// One alarm: unit, key area, caller, scenario, note, the alert's acknowledgement and
/// escalation, the arrival, the durations and the unit's plan for the scenario.
#[utoipa::path(get, path = "/api/v1/alarms/{id}", tag = "alarms", params(IdPath),
    responses((status = 200, body = AlarmView), (status = 404, body = crate::error::ErrorBody, description = "报警不存在或不在本辖区")))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
) -> ApiResult<Json<AlarmView>> {
    Ok(Json(state.services.alarms.get(&user.principal, &p.id).await?))
}

/// Records the police's arrival (到场) at the alarm (police of the jurisdiction).
#[utoipa::path(post, path = "/api/v1/alarms/{id}/arrival", tag = "alarms", params(IdPath),
    request_body = ArrivalBody,
    responses((status = 200, body = AlarmView),
        (status = 400, body = crate::error::ErrorBody, description = "到场时间早于报警或晚于当前时间；说明过长"),
        (status = 403, body = crate::error::ErrorBody, description = "仅公安民警可以登记到场"),
        (status = 404, body = crate::error::ErrorBody, description = "报警不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "已登记到场")))]
pub async fn arrival(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<ArrivalBody>,
) -> ApiResult<Json<AlarmView>> {
    Ok(Json(
        state
            .services
            .alarms
            .record_arrival(&user.principal, &p.id, b.arrived_at, &b.note)
            .await?,
    ))
}

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/api/v1/units/{id}/alarms", routing::post(raise))
        .route("/api/v1/alarms", routing::get(list))
        .route("/api/v1/alarms/counts", routing::get(counts))
        .route(
            "/api/v1/alarms/escalation",
            routing::get(escalation).put(set_escalation),
        )
        .route("/api/v1/alarms/{id}", routing::get(get))
        .route("/api/v1/alarms/{id}/arrival", routing::post(arrival))
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(raise, list, counts, escalation, set_escalation, get, arrival))]
pub struct Doc;
