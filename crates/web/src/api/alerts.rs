//! Alerts: list, detail, acknowledge, resolve.

use axum::extract::{Path, Query, State};
use axum::Json;
use chrono::Utc;
use neibao_domain::access::Permission;
use neibao_domain::alerts::AlertFilter;
use neibao_domain::alerts::{Alert, AlertAction, AlertStatus, FalsePositiveReason, RuleAlertStats, Severity};
use neibao_domain::events::SecurityEvent;
use neibao_domain::paging::{Listing, Page};
use serde::{Deserialize, Serialize};

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AlertQuery {
    pub status: Option<AlertStatus>,
    pub severity: Option<Severity>,
    pub unit_id: Option<String>,
    pub device_id: Option<String>,
    pub page: Option<u32>,
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
    #[serde(default)]
    pub comment: String,
}

/// Alerts in the caller's scope, most recent activity first.
#[utoipa::path(get, path = "/api/v1/alerts", tag = "alerts", params(AlertQuery), responses((status = 200, body = Listing<Alert>)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<AlertQuery>,
) -> ApiResult<Json<Listing<Alert>>> {
    let filter = AlertFilter {
        status: q.status,
        severity: q.severity,
        unit_id: q.unit_id,
        device_id: q.device_id,
    };
    Ok(Json(
        state
            .store
            .list_alerts(&user.scope, &filter, Page::new(q.page, q.per_page))
            .await?,
    ))
}

/// One alert with its events.
#[utoipa::path(get, path = "/api/v1/alerts/{id}", tag = "alerts", responses((status = 200, body = AlertDetail), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<AlertDetail>> {
    let alert = state.store.get_alert(&user.scope, &id).await?;
    let events = state.store.alert_events(&user.scope, &id).await?;
    Ok(Json(AlertDetail { alert, events }))
}

/// Applies a lifecycle action for the caller.
pub async fn transition(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    action: AlertAction,
    comment: &str,
) -> ApiResult<Alert> {
    state.store.get_alert(&user.scope, id).await?;
    user.principal.require(Permission::AlertHandle)?;
    let comment = comment.trim();
    if comment.chars().count() > 1000 {
        return Err(ApiError::validation("处置说明不超过1000字"));
    }
    Ok(state
        .store
        .transition_alert(&user.scope, id, action, &user.user.display_name, comment, Utc::now())
        .await?)
}

/// Acknowledge an open alert (who, when, comment are recorded).
#[utoipa::path(post, path = "/api/v1/alerts/{id}/acknowledge", tag = "alerts", request_body = CommentInput,
    responses((status = 200, body = Alert), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn acknowledge(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Option<Json<CommentInput>>,
) -> ApiResult<Json<Alert>> {
    let c = body.map(|b| b.0).unwrap_or_default();
    Ok(Json(
        transition(&state, &user, &id, AlertAction::Acknowledge, &c.comment).await?,
    ))
}

/// Resolve an open or acknowledged alert.
#[utoipa::path(post, path = "/api/v1/alerts/{id}/resolve", tag = "alerts", request_body = CommentInput,
    responses((status = 200, body = Alert), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn resolve(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Option<Json<CommentInput>>,
) -> ApiResult<Json<Alert>> {
    let c = body.map(|b| b.0).unwrap_or_default();
    Ok(Json(
        transition(&state, &user, &id, AlertAction::Resolve, &c.comment).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct FalsePositiveInput {
    pub reason: FalsePositiveReason,
    #[serde(default)]
    pub comment: String,
}

/// Resolve an open or acknowledged alert as a false positive (误报) with a reason code; counted in
/// the rule's statistics.
#[utoipa::path(post, path = "/api/v1/alerts/{id}/false_positive", tag = "alerts", request_body = FalsePositiveInput,
    responses((status = 200, body = Alert), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn false_positive(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<FalsePositiveInput>,
) -> ApiResult<Json<Alert>> {
    Ok(Json(
        transition(
            &state,
            &user,
            &id,
            AlertAction::FalsePositive(input.reason),
            &input.comment,
        )
        .await?,
    ))
}

/// Default: a rule with more than this many alerts in 24 hours is flagged as flooding.
pub const DEFAULT_FLOOD_THRESHOLD: i64 = 50;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// Period in days, 1–365 (default 30).
    pub days: Option<i64>,
    /// Alerts in 24 hours above which a rule is flagged as flooding, 0–100 000 (default 50).
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
    let (days, threshold) = stats_params(&q)?;
    let now = Utc::now();
    Ok(Json(
        state
            .store
            .alert_rule_stats(&user.scope, now - chrono::Duration::days(days), now, threshold)
            .await?,
    ))
}

/// Checks the period and threshold of a statistics request.
pub fn stats_params(q: &StatsQuery) -> ApiResult<(i64, i64)> {
    let days = q.days.unwrap_or(30);
    let threshold = q.flood_threshold.unwrap_or(DEFAULT_FLOOD_THRESHOLD);
    if !(1..=365).contains(&days) || !(0..=100_000).contains(&threshold) {
        return Err(ApiError::validation(
            "统计天数须在1至365之间，刷屏阈值须在0至100000之间",
        ));
    }
    Ok((days, threshold))
}

/// The escalation chain of unacknowledged alerts: minutes before the alert goes to the unit's
/// police station, then to the county bureau, and so on (default 15, 30).
#[utoipa::path(get, path = "/api/v1/alerts/escalation", tag = "alerts", responses((status = 200, body = neibao_domain::alerts::EscalationPolicy)))]
pub async fn get_escalation(
    State(state): State<AppState>,
    _user: CurrentUser,
) -> ApiResult<Json<neibao_domain::alerts::EscalationPolicy>> {
    Ok(Json(
        neibao_engine::alerts::escalation::policy(state.store.as_ref()).await?,
    ))
}

/// Replaces the escalation chain (administrators; at most 3 levels of 1–1440 minutes; an empty
/// list turns escalation off). Applies to alerts opened afterwards and to the next levels of open
/// ones.
#[utoipa::path(put, path = "/api/v1/alerts/escalation", tag = "alerts", request_body = neibao_domain::alerts::EscalationPolicy,
    responses((status = 200, body = neibao_domain::alerts::EscalationPolicy), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn put_escalation(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(p): Json<neibao_domain::alerts::EscalationPolicy>,
) -> ApiResult<Json<neibao_domain::alerts::EscalationPolicy>> {
    user.require(user.user.role == neibao_domain::access::Role::Admin)?;
    neibao_engine::alerts::escalation::set_policy(state.store.as_ref(), &p).await?;
    Ok(Json(p))
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
