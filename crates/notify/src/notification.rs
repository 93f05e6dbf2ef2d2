//! The alert notification handed to every channel.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One alert notification, as handed to a channel.
///
/// Serialized (serde, snake_case field names) it is also the body of a signed webhook,
/// with an extra `"type": "alert"` member (see [`webhook_body`](crate::webhook_body)).
/// Texts are zh-CN.
/// Fields that may come from devices (`device_name`, `summary`, `title`, `unit_name`, `rule`)
/// are treated as untrusted by the renderers: control characters are stripped and markdown /
/// HTML active characters are neutralized.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    /// Stable delivery id (the outbox row id). It is the idempotency key: identical across
    /// retries of the same delivery, distinct between deliveries.
    pub id: String,
    /// Id of the alert this notification is about.
    pub alert_id: String,
    /// Alert title, zh-CN (e.g. `"周界入侵"`).
    pub title: String,
    /// Severity code: `"low"`, `"medium"`, `"high"` or `"critical"`.
    pub severity: String,
    /// Severity label, zh-CN (`"低"`, `"中"`, `"高"`, `"紧急"`); see
    /// [`severity_label_zh`](crate::severity_label_zh).
    pub severity_label: String,
    /// Name of the unit (单位) the alert belongs to.
    pub unit_name: String,
    /// Name of the device that raised the event, when known (device-provided text).
    pub device_name: Option<String>,
    /// Name of the rule that produced the alert.
    pub rule: String,
    /// When the underlying event happened (UTC; rendered in Beijing time, UTC+8).
    pub happened_at: DateTime<Utc>,
    /// Absolute `http(s)` URL of the alert page in the web UI, when the public base URL is
    /// configured. Other schemes are not rendered as links.
    pub link: Option<String>,
    /// Short summary, zh-CN, may span several lines (may contain device-provided text).
    pub summary: String,
    /// Escalation level: 0 for the first notification, 1, 2, ... for escalations.
    pub escalation_level: i64,
    /// `alert` (the default when absent) or `notice`: a document issued to a unit or a
    /// rectification-deadline reminder, rendered as 内保通知 without device, rule and severity
    /// lines.
    #[serde(default)]
    pub category: Category,
}

/// What a notification is about (see [`Notification::category`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// An early-warning alert (内保预警).
    #[default]
    Alert,
    /// A notice to a unit or a department (内保通知): a document, a reminder.
    Notice,
}
