//! Notification channels, the outbox of deliveries and the in-app inbox.

use chrono::{DateTime, Utc};
use serde::Serialize;

/// A notification channel. `config` is the channel's JSON (`neibao_notify::ChannelConfig`),
/// encrypted at rest (it holds webhook secrets, robot keys and SMTP passwords); only
/// `config_masked` leaves the server.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NotificationChannel {
    pub id: String,
    pub name: String,
    /// `webhook`, `dingtalk`, `wecom`, `email`.
    pub kind: String,
    #[serde(skip)]
    pub config: String,
    #[schema(value_type = Object)]
    pub config_masked: serde_json::Value,
    /// Alerts of units whose division starts with this prefix ('' = all in the creator's view).
    pub division_prefix: String,
    /// Lowest severity sent (`low` … `critical`).
    pub min_severity: String,
    pub enabled: bool,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// A channel to create.
#[derive(Debug, Clone)]
pub struct NewChannel {
    pub name: String,
    pub kind: String,
    pub config: String,
    pub config_masked: serde_json::Value,
    pub division_prefix: String,
    pub min_severity: String,
    pub created_by: String,
}

/// One notification to one channel, as stored in the outbox.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OutboxItem {
    pub id: String,
    pub alert_id: String,
    pub channel_id: String,
    pub channel_name: String,
    /// Escalation level the notification is for (0 = the new alert).
    pub level: i64,
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    /// `pending`, `delivered`, `failed`.
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

/// What became of one delivery attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum DeliveryOutcome {
    Delivered,
    /// Try again at the given time.
    Retry {
        at: DateTime<Utc>,
        error: String,
    },
    /// Give up.
    Failed {
        error: String,
    },
}

/// A notification fan-out for one alert and level: who gets an inbox item and the payload the
/// channels send.
#[derive(Debug, Clone)]
pub struct Fanout {
    pub alert_id: String,
    pub level: i64,
    /// Users of this unit get an inbox item (level 0).
    pub unit_id: Option<String>,
    /// Users of these organisations get an inbox item.
    pub org_ids: Vec<String>,
    pub title: String,
    pub severity: String,
    /// Division code of the alert's unit (channels filter on it).
    pub division_code: String,
    pub payload: serde_json::Value,
}

/// One in-app inbox item.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InboxItem {
    pub id: String,
    pub alert_id: String,
    pub level: i64,
    pub title: String,
    pub severity: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}
