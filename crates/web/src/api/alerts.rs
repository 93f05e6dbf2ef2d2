//! Alerts: list, detail, acknowledge, resolve.

use axum::extract::{Path, Query, State};
use axum::Json;
use chrono::Utc;
use neibao_domain::alert::{Alert, AlertAction, AlertStatus, Severity};
use neibao_domain::event::SecurityEvent;
use neibao_store::model::*;
use serde::{Deserialize, Serialize};

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::AppState;

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
    user.require(user.user.role.may_handle_alerts())?;
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
