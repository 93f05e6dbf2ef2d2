//! Alerts: list, detail, acknowledge, resolve, false positive, per-rule statistics, the
//! escalation policy. Handlers parse, call [`neibao_engine::alerts::AlertService`] and answer.

use axum::extract::{Path, Query, State};
use axum::Json;
use neibao_domain::alerts::{Alert, AlertAction, AlertFilter, AlertStatus, EscalationPolicy, FalsePositiveReason};
use neibao_domain::alerts::{RuleAlertStats, Severity};
use neibao_domain::events::SecurityEvent;
use neibao_domain::paging::{Listing, Page};
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ApiResult};
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AlertQuery {
    pub status: Option<AlertStatus>,
    pub severity: Option<Severity>,
    /// Only this unit's alerts.
    pub unit_id: Option<String>,
    /// Only this device's alerts.
    pub device_id: Option<String>,
    /// Page number, 1–1 000 000.
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    /// Rows per page, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AlertDetail {
    #[serde(flatten)]
    pub alert: Alert,
    /// The events folded into this alert, newest first (at most 200).
    pub events: Vec<SecurityEvent>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct CommentInput {
    /// Handling comment, at most 1000 characters.
    #[serde(default)]
    #[schema(
        max_length = 1000,
        pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u061C]*$"
    )]
    pub comment: String,
}

/// A page of a list as asked for; 400 outside pages 1–1 000 000 or 1–200 rows.
/// Alerts in the caller's scope, most recent activity first.
#[utoipa::path(get, path = "/api/v1/alerts", tag = "alerts", params(AlertQuery), responses((status = 200, body = Listing<Alert>)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<AlertQuery>,
) -> ApiResult<Json<Listing<Alert>>> {
    let page = Page::checked(q.page, q.per_page)?;
    let filter = AlertFilter {
        status: q.status,
        severity: q.severity,
        unit_id: q.unit_id,
        device_id: q.device_id,
    };
    Ok(Json(state.services.alerts.list(&user.principal, &filter, page).await?))
}

/// One alert with its events.
#[utoipa::path(get, path = "/api/v1/alerts/{id}", tag = "alerts",
    params(("id" = String, Path, description = "告警编号")),
    responses((status = 200, body = AlertDetail)))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<AlertDetail>> {
    let alert = state.services.alerts.get(&user.principal, &id).await?;
    let events = state.services.alerts.events(&user.principal, &id).await?;
    Ok(Json(AlertDetail { alert, events }))
}

/// Acknowledge an open alert (who, when, comment are recorded).
#[utoipa::path(post, path = "/api/v1/alerts/{id}/acknowledge", tag = "alerts", request_body = CommentInput,
    params(("id" = String, Path, description = "告警编号")),
    responses((status = 200, body = Alert), (status = 403, body = crate::error::ErrorBody, description = "无权处置告警"),
        (status = 409, body = crate::error::ErrorBody, description = "告警当前状态不能确认")))]
pub async fn acknowledge(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Option<Json<CommentInput>>,
) -> ApiResult<Json<Alert>> {
    let c = body.map(|b| b.0).unwrap_or_default();
    Ok(Json(
        state
            .services
            .alerts
            .transition(&user.principal, &id, AlertAction::Acknowledge, &c.comment)
            .await?,
    ))
}

/// Resolve an open or acknowledged alert.
#[utoipa::path(post, path = "/api/v1/alerts/{id}/resolve", tag = "alerts", request_body = CommentInput,
    params(("id" = String, Path, description = "告警编号")),
    responses((status = 200, body = Alert), (status = 403, body = crate::error::ErrorBody, description = "无权处置告警"),
        (status = 409, body = crate::error::ErrorBody, description = "告警已解除")))]
pub async fn resolve(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Option<Json<CommentInput>>,
) -> ApiResult<Json<Alert>> {
    let c = body.map(|b| b.0).unwrap_or_default();
    Ok(Json(
        state
            .services
            .alerts
            .transition(&user.principal, &id, AlertAction::Resolve, &c.comment)
            .await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct FalsePositiveInput {
    pub reason: FalsePositiveReason,
    /// Handling comment, at most 1000 characters.
    #[serde(default)]
    #[schema(
        max_length = 1000,
        pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u061C]*$"
    )]
    pub comment: String,
}

/// Resolve an open or acknowledged alert as a false positive (误报) with a reason code; counted in
/// the rule's statistics.
#[utoipa::path(post, path = "/api/v1/alerts/{id}/false_positive", tag = "alerts", request_body = FalsePositiveInput,
    params(("id" = String, Path, description = "告警编号")),
    responses((status = 200, body = Alert), (status = 403, body = crate::error::ErrorBody, description = "无权处置告警"),
        (status = 409, body = crate::error::ErrorBody, description = "告警已解除")))]
pub async fn false_positive(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<FalsePositiveInput>,
) -> ApiResult<Json<Alert>> {
    Ok(Json(
        state
            .services
            .alerts
            .transition(
                &user.principal,
                &id,
                AlertAction::FalsePositive(input.reason),
                &input.comment,
            )
            .await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// Period in days, 1–365 (default 30).
    #[param(minimum = 1, maximum = 365)]
    pub days: Option<i64>,
    /// Alerts in 24 hours above which a rule is flagged as flooding, 0–100 000 (default 50).
    #[param(minimum = 0, maximum = 100000)]
    pub flood_threshold: Option<i64>,
}

/// Per-rule alert statistics in the caller's jurisdiction: raised, open, acknowledged,
/// resolved, false positives and their rate, mean time to acknowledge, and whether the rule
/// floods (more than `flood_threshold` alerts in the last 24 hours).
#[utoipa::path(get, path = "/api/v1/alerts/stats", tag = "alerts", params(StatsQuery), responses((status = 200, body = Vec<RuleAlertStats>)))]
pub async fn stats(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<StatsQuery>,
) -> ApiResult<Json<Vec<RuleAlertStats>>> {
    Ok(Json(
        state
            .services
            .alerts
            .stats(&user.principal, q.days, q.flood_threshold)
            .await?
            .rules,
    ))
}

/// The escalation chain of unacknowledged alerts: minutes before the alert goes to the unit's
/// police station, then to the county bureau, and so on (default 15, 30).
#[utoipa::path(get, path = "/api/v1/alerts/escalation", tag = "alerts", responses((status = 200, body = EscalationPolicy)))]
pub async fn get_escalation(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<EscalationPolicy>> {
    Ok(Json(state.services.alerts.escalation_policy(&user.principal).await?))
}

/// The escalation chain as sent: at most 3 levels of 1–1440 minutes.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct EscalationInput {
    /// Minutes to wait at each level before the next, 1–1440 each; empty turns escalation off.
    /// Whole numbers (`15` or `15.0`).
    #[schema(max_items = 3, value_type = Vec<EscalationMinutes>)]
    pub delays_minutes: Vec<serde_json::Number>,
}

impl EscalationInput {
    /// The policy asked for; 400 for a delay that is not a whole number.
    fn policy(self) -> ApiResult<EscalationPolicy> {
        let whole = |n: &serde_json::Number| {
            n.as_i64().or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 1e15)
                    .map(|f| f as i64)
            })
        };
        let delays_minutes = self
            .delays_minutes
            .iter()
            .map(|n| whole(n).ok_or_else(|| ApiError::validation("升级等待时间应为整数分钟")))
            .collect::<ApiResult<Vec<i64>>>()?;
        Ok(EscalationPolicy { delays_minutes })
    }
}

/// The schema of one escalation delay: whole minutes, 1–1440.
pub struct EscalationMinutes;

impl utoipa::PartialSchema for EscalationMinutes {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
            .minimum(Some(1))
            .maximum(Some(1440))
            .description(Some("等待分钟数，1–1440"))
            .into()
    }
}

impl utoipa::ToSchema for EscalationMinutes {}

/// Replaces the escalation chain (administrators; at most 3 levels of 1–1440 minutes; an empty
/// list turns escalation off). Applies to alerts opened afterwards and to the next levels of open
/// ones.
#[utoipa::path(put, path = "/api/v1/alerts/escalation", tag = "alerts", request_body = EscalationInput,
    responses((status = 200, body = EscalationPolicy), (status = 403, body = crate::error::ErrorBody, description = "仅系统管理员")))]
pub async fn put_escalation(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(p): Json<EscalationInput>,
) -> ApiResult<Json<EscalationPolicy>> {
    let p = p.policy()?;
    Ok(Json(
        state.services.alerts.set_escalation_policy(&user.principal, p).await?,
    ))
}

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/api/v1/alerts", routing::get(list))
        .route("/api/v1/alerts/{id}", routing::get(get))
        .route("/api/v1/alerts/{id}/acknowledge", routing::post(acknowledge))
        .route("/api/v1/alerts/{id}/resolve", routing::post(resolve))
        .route("/api/v1/alerts/{id}/false_positive", routing::post(false_positive))
        .route("/api/v1/alerts/stats", routing::get(stats))
        .route(
            "/api/v1/alerts/escalation",
            routing::get(get_escalation).put(put_escalation),
        )
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list,
    get,
    acknowledge,
    resolve,
    false_positive,
    stats,
    get_escalation,
    put_escalation
))]
pub struct Doc;
