//! Models of the early-warning issue (issue 4): versioned rules as data, suppression windows,
//! notification channels, the notification outbox and the in-app inbox, device health, and the
//! event facts a backtest replays.

use chrono::{DateTime, Utc};
use neibao_domain::event::DecodedEvent;
use serde::{Deserialize, Serialize};

use crate::model::ArmedSchedule;

/// One stored version of a data rule. `spec` is the rule's JSON (the engine's `RuleSpec`).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StoredRule {
    pub code: String,
    pub version: i64,
    #[schema(value_type = Object)]
    pub spec: serde_json::Value,
    pub enabled: bool,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// A suppression window (维护检修、登记来访): alerts of the unit (optionally only of one device
/// and/or one rule) are not raised while it lasts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SuppressionWindow {
    pub id: String,
    pub unit_id: String,
    pub device_id: Option<String>,
    /// Rule code (data or built-in); `None` = every rule.
    pub rule: Option<String>,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// `maintenance`, `visit` or `other`.
    pub reason: String,
    pub note: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

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

/// Device counts of one unit.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitHealth {
    pub unit_id: String,
    pub unit_name: String,
    pub division_code: String,
    pub devices: i64,
    pub online: i64,
}

/// A device that has been silent (no event, no heartbeat), with what absence rules look at.
#[derive(Debug, Clone)]
pub struct SilentDevice {
    pub facts: DevicePlacement,
    pub last_seen_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A device with its unit and key-area attributes (the facts rules see).
#[derive(Debug, Clone, Default)]
pub struct DevicePlacement {
    pub device_id: String,
    pub device_name: String,
    pub device_kind: String,
    pub device_format: String,
    pub unit_id: String,
    pub unit_name: String,
    pub unit_kind: String,
    pub division_code: String,
    pub key_unit: bool,
    pub counter_terror: bool,
    pub key_area: Option<String>,
    pub armed_schedule: Option<ArmedSchedule>,
}

/// A stored event as a backtest replays it: placement, receive time and the decoded event (person
/// fields decrypted for matching only; never sent to a client).
#[derive(Debug, Clone)]
pub struct ReplayEvent {
    pub event_id: String,
    pub received_at: DateTime<Utc>,
    pub placement: DevicePlacement,
    pub event: DecodedEvent,
}
