//! Notification channels, deliveries of an alert, the in-app inbox.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::Json;
use chrono::Utc;
use neibao_domain::access::Role;
use neibao_domain::notifications::{InboxItem, NewChannel, NotificationChannel, OutboxItem};
use serde::{Deserialize, Serialize};

/// A channel to add: a name, the channel config (tagged by `kind`: webhook, dingtalk, wecom,
/// email), the division prefix it covers and the lowest severity it gets.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewChannelRequest {
    pub name: String,
    #[schema(value_type = Object)]
    pub config: neibao_notify::ChannelConfig,
    #[serde(default)]
    pub division_prefix: String,
    #[serde(default = "medium")]
    pub min_severity: String,
}

fn medium() -> String {
    "medium".into()
}

/// Adds a channel after validating it (administrators).
pub async fn add_channel(state: &AppState, user: &CurrentUser, r: NewChannelRequest) -> ApiResult<NotificationChannel> {
    user.require(user.user.role == Role::Admin)?;
    let name = r.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 60 || !neibao_domain::text::text_is_clean(&name) {
        return Err(ApiError::validation("渠道名称应为 1–60 个字符"));
    }
    r.config.validate().map_err(ApiError::validation)?;
    if neibao_domain::alerts::Severity::from_code(&r.min_severity).is_none() {
        return Err(ApiError::validation("最低级别应为 low、medium、high 或 critical"));
    }
    if !r.division_prefix.chars().all(|c| c.is_ascii_digit()) || r.division_prefix.len() > 12 {
        return Err(ApiError::validation("区划代码前缀应为数字"));
    }
    let config = serde_json::to_string(&r.config).map_err(|e| ApiError::validation(e.to_string()))?;
    let masked = serde_json::to_value(r.config.masked()).unwrap_or_default();
    Ok(state
        .store
        .create_channel(
            &NewChannel {
                name,
                kind: r.config.kind().to_string(),
                config,
                config_masked: masked,
                division_prefix: r.division_prefix,
                min_severity: r.min_severity,
                created_by: user.user.username.clone(),
            },
            Utc::now(),
        )
        .await?)
}

/// Notification channels (administrators; secrets masked).
#[utoipa::path(get, path = "/api/v1/notification_channels", tag = "early-warning", responses((status = 200, body = Vec<NotificationChannel>)))]
pub async fn list_channels(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<NotificationChannel>>> {
    user.require(user.user.role == Role::Admin)?;
    Ok(Json(state.store.list_channels().await?))
}

/// Adds a notification channel: signed webhook, DingTalk or WeCom robot, or SMTP email.
#[utoipa::path(post, path = "/api/v1/notification_channels", tag = "early-warning", request_body = NewChannelRequest,
    responses((status = 201, body = NotificationChannel), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn create_channel(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(r): Json<NewChannelRequest>,
) -> ApiResult<(axum::http::StatusCode, Json<NotificationChannel>)> {
    Ok((
        axum::http::StatusCode::CREATED,
        Json(add_channel(&state, &user, r).await?),
    ))
}

/// Switches a channel on or off.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ChannelSwitch {
    pub enabled: bool,
}

/// Enables or disables a channel (administrators).
#[utoipa::path(put, path = "/api/v1/notification_channels/{id}", tag = "early-warning", request_body = ChannelSwitch,
    responses((status = 200, body = NotificationChannel), (status = 404, body = crate::error::ErrorBody)))]
pub async fn switch_channel(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(s): Json<ChannelSwitch>,
) -> ApiResult<Json<NotificationChannel>> {
    user.require(user.user.role == Role::Admin)?;
    state.store.set_channel_enabled(&id, s.enabled).await?;
    Ok(Json(state.store.get_channel(&id).await?))
}

/// Deliveries of one alert to the notification channels (status, attempts, last error).
#[utoipa::path(get, path = "/api/v1/alerts/{id}/deliveries", tag = "early-warning", responses((status = 200, body = Vec<OutboxItem>)))]
pub async fn deliveries(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<OutboxItem>>> {
    state.store.get_alert(&user.scope, &id).await?;
    Ok(Json(state.store.alert_outbox(&id).await?))
}

/// The caller's inbox.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Inbox {
    pub unread: i64,
    pub items: Vec<InboxItem>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboxQuery {
    pub unread_only: Option<bool>,
}

/// The caller's in-app notifications (newest 200).
#[utoipa::path(get, path = "/api/v1/inbox", tag = "early-warning", params(InboxQuery), responses((status = 200, body = Inbox)))]
pub async fn inbox(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<InboxQuery>,
) -> ApiResult<Json<Inbox>> {
    Ok(Json(Inbox {
        unread: state.store.count_unread(&user.user.id).await?,
        items: state
            .store
            .list_inbox(&user.user.id, q.unread_only.unwrap_or(false), 200)
            .await?,
    }))
}

/// Marks one item read (`id`) or all.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct MarkRead {
    pub id: Option<String>,
}

/// Marks inbox items read.
#[utoipa::path(post, path = "/api/v1/inbox/read", tag = "early-warning", request_body = MarkRead, responses((status = 200, body = Inbox)))]
pub async fn mark_read(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(m): Json<MarkRead>,
) -> ApiResult<Json<Inbox>> {
    state
        .store
        .mark_inbox_read(&user.user.id, m.id.as_deref(), Utc::now())
        .await?;
    Ok(Json(Inbox {
        unread: state.store.count_unread(&user.user.id).await?,
        items: state.store.list_inbox(&user.user.id, false, 200).await?,
    }))
}

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/api/v1/alerts/{id}/deliveries", routing::get(deliveries))
        .route(
            "/api/v1/notification_channels",
            routing::get(list_channels).post(create_channel),
        )
        .route("/api/v1/notification_channels/{id}", routing::put(switch_channel))
        .route("/api/v1/inbox", routing::get(inbox))
        .route("/api/v1/inbox/read", routing::post(mark_read))
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list_channels, create_channel, switch_channel, deliveries, inbox, mark_read))]
pub struct Doc;
