//! Notification channels, deliveries of an alert, the in-app inbox. Handlers parse, call
//! [`neibao_engine::notifications::NotificationService`] and answer.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use neibao_domain::notifications::{InboxItem, NotificationChannel, OutboxItem};
use neibao_engine::notifications::ChannelDraft;
use serde::{Deserialize, Serialize};

use crate::error::ApiResult;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

/// A channel to add: a name, the channel config (tagged by `kind`: webhook, dingtalk, wecom,
/// email), the division prefix it covers and the lowest severity it gets.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewChannelRequest {
    /// 1–60 characters.
    #[schema(min_length = 1, max_length = 60)]
    pub name: String,
    #[schema(value_type = ChannelConfigDoc)]
    pub config: neibao_notify::ChannelConfig,
    /// Alerts of units whose division code starts with this ('' = all).
    #[serde(default)]
    #[schema(pattern = "^[0-9]{0,12}$")]
    pub division_prefix: String,
    /// Lowest severity sent (default `medium`).
    #[serde(default = "medium")]
    #[schema(value_type = neibao_domain::alerts::Severity)]
    pub min_severity: String,
}

fn medium() -> String {
    "medium".into()
}

/// The channel config as documented (the server reads `neibao_notify::ChannelConfig`; secrets
/// are encrypted at rest and never returned).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "lowercase")]
#[allow(dead_code)]
pub enum ChannelConfigDoc {
    /// Signed webhook (HMAC-SHA256).
    Webhook {
        /// `http` or `https` URL.
        url: String,
        /// Shared secret, at least 16 characters.
        #[schema(min_length = 16)]
        secret: String,
    },
    /// DingTalk group robot.
    DingTalk { url: String, secret: Option<String> },
    /// WeCom group robot.
    WeCom { url: String },
    /// SMTP email.
    Email {
        smtp_host: String,
        #[schema(minimum = 1, maximum = 65535)]
        smtp_port: u16,
        username: Option<String>,
        password: Option<String>,
        from: String,
        #[schema(min_items = 1, max_items = 100)]
        to: Vec<String>,
        starttls: bool,
    },
}

/// Notification channels, secrets masked: every channel for administrators
/// (`channel.manage`); the own channels of the caller's unit or competent department for its
/// accounts with `channel.manage_own` (they carry the documents issued to it, its deadline
/// reminders and the unit's alerts).
#[utoipa::path(get, path = "/api/v1/notification_channels", tag = "early-warning",
    responses((status = 200, body = Vec<NotificationChannel>), (status = 403, body = crate::error::ErrorBody, description = "无权管理通知渠道")))]
pub async fn list_channels(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<NotificationChannel>>> {
    Ok(Json(state.services.notifications.channels(&user.principal).await?))
}

/// Adds a notification channel: signed webhook, DingTalk or WeCom robot, or SMTP email. An
/// administrator adds an installation channel (by division prefix); a unit's or department's
/// account (`channel.manage_own`) adds its own channel (`unit_id` or `org_id` set, the prefix
/// ignored).
#[utoipa::path(post, path = "/api/v1/notification_channels", tag = "early-warning", request_body = NewChannelRequest,
    responses((status = 201, body = NotificationChannel), (status = 403, body = crate::error::ErrorBody, description = "无权管理通知渠道")))]
pub async fn create_channel(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(r): Json<NewChannelRequest>,
) -> ApiResult<(StatusCode, Json<NotificationChannel>)> {
    let draft = ChannelDraft {
        name: r.name,
        config: r.config,
        division_prefix: r.division_prefix,
        min_severity: r.min_severity,
    };
    let channel = state
        .services
        .notifications
        .create_channel(&user.principal, draft)
        .await?;
    Ok((StatusCode::CREATED, Json(channel)))
}

/// Switches a channel on or off.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ChannelSwitch {
    pub enabled: bool,
}

/// Enables or disables a channel (administrators: any; a unit's or department's account: its
/// own only, another one is refused with 403).
#[utoipa::path(put, path = "/api/v1/notification_channels/{id}", tag = "early-warning", request_body = ChannelSwitch,
    params(("id" = String, Path, description = "通知渠道编号")),
    responses((status = 200, body = NotificationChannel), (status = 403, body = crate::error::ErrorBody, description = "无权管理通知渠道"),
        (status = 404, body = crate::error::ErrorBody, description = "没有该渠道")))]
pub async fn switch_channel(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(s): Json<ChannelSwitch>,
) -> ApiResult<Json<NotificationChannel>> {
    Ok(Json(
        state
            .services
            .notifications
            .switch_channel(&user.principal, &id, s.enabled)
            .await?,
    ))
}

/// Deliveries of one alert to the notification channels (status, attempts, last error).
#[utoipa::path(get, path = "/api/v1/alerts/{id}/deliveries", tag = "early-warning",
    params(("id" = String, Path, description = "告警编号")),
    responses((status = 200, body = Vec<OutboxItem>)))]
pub async fn deliveries(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<OutboxItem>>> {
    Ok(Json(
        state.services.notifications.deliveries(&user.principal, &id).await?,
    ))
}

/// The caller's inbox.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Inbox {
    pub unread: i64,
    pub items: Vec<InboxItem>,
}

impl From<neibao_engine::notifications::Inbox> for Inbox {
    fn from(i: neibao_engine::notifications::Inbox) -> Self {
        Inbox {
            unread: i.unread,
            items: i.items,
        }
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboxQuery {
    /// Only unread items.
    pub unread_only: Option<bool>,
}

/// The caller's in-app notifications (newest 200).
#[utoipa::path(get, path = "/api/v1/inbox", tag = "early-warning", params(InboxQuery), responses((status = 200, body = Inbox)))]
pub async fn inbox(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<InboxQuery>,
) -> ApiResult<Json<Inbox>> {
    let unread_only = q.unread_only.unwrap_or(false);
    Ok(Json(
        state
            .services
            .notifications
            .inbox(&user.principal, unread_only)
            .await?
            .into(),
    ))
}

/// Marks one item read (`id`) or all.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct MarkRead {
    /// The item; absent: every item.
    pub id: Option<String>,
}

/// Marks inbox items read.
#[utoipa::path(post, path = "/api/v1/inbox/read", tag = "early-warning", request_body = MarkRead, responses((status = 200, body = Inbox)))]
pub async fn mark_read(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(m): Json<MarkRead>,
) -> ApiResult<Json<Inbox>> {
    let notifications = &state.services.notifications;
    notifications.mark_read(&user.principal, m.id.as_deref()).await?;
    Ok(Json(notifications.inbox(&user.principal, false).await?.into()))
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
