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
    /// The unit whose own channel this is (its security manager's robot or mailbox): it carries
    /// the unit's alerts, the documents issued to it and its deadline reminders. `None` with
    /// `org_id` `None`: an installation channel (police monitoring, filtered by division).
    pub unit_id: Option<String>,
    /// The organisation (e.g. a competent department) whose own channel this is: it carries the
    /// 问题抄告函 addressed to it and the alerts escalated to it.
    pub org_id: Option<String>,
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
    /// Owner unit (see [`NotificationChannel::unit_id`]).
    pub unit_id: Option<String>,
    /// Owner organisation (see [`NotificationChannel::org_id`]).
    pub org_id: Option<String>,
    pub created_by: String,
}

/// One notification to one channel, as stored in the outbox.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OutboxItem {
    pub id: String,
    /// The alert notified (empty for a document or a reminder: see `subject_key`).
    pub alert_id: String,
    /// What a non-alert notification is about: `document:<id>` or `reminder:<job id>`.
    pub subject_key: Option<String>,
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

/// What a fan-out is about: an alert at an escalation level, or another message (a document
/// issued to a unit, a deadline reminder) named by a key that makes it unique.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FanoutSubject {
    Alert {
        alert_id: String,
        level: i64,
    },
    /// `key` is e.g. `document:<id>` or `reminder:<job id>`; each (key, recipient) once.
    Message {
        key: String,
    },
}

/// A notification fan-out: who gets an inbox item and which channels send the payload.
///
/// Channels: the own channels of `unit_id` and of `org_ids`, and, when `division_code` is set,
/// the installation channels (no owner) whose division prefix it starts with; always only
/// enabled channels at or above their minimum severity.
#[derive(Debug, Clone)]
pub struct Fanout {
    pub subject: FanoutSubject,
    /// Users of this unit get an inbox item; the unit's own channels send.
    pub unit_id: Option<String>,
    /// Users of these organisations get an inbox item; their own channels send.
    pub org_ids: Vec<String>,
    pub title: String,
    pub severity: String,
    /// The in-app path the inbox item opens (`/alerts/<id>`, `/documents/<id>` …).
    pub link: String,
    /// Division code of the alert's unit, for installation channels (`None`: they are not used).
    pub division_code: Option<String>,
    pub payload: serde_json::Value,
}

/// One in-app inbox item.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InboxItem {
    pub id: String,
    /// The alert (empty for a document or reminder item).
    pub alert_id: String,
    /// The in-app path the item opens.
    pub link: String,
    pub level: i64,
    pub title: String,
    pub severity: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}
