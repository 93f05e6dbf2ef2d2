//! Alerts as listed and raised, and the per-unit settings of the built-in rules.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::alert::{AlertStatus, Severity};

#[derive(Debug, Clone, Default)]
pub struct AlertFilter {
    pub unit_id: Option<String>,
    pub device_id: Option<String>,
    pub status: Option<AlertStatus>,
    pub severity: Option<Severity>,
}

/// An alert to raise or to fold into the unresolved alert with the same fingerprint.
#[derive(Debug, Clone)]
pub struct AlertDraft {
    pub unit_id: String,
    pub device_id: Option<String>,
    pub rule: String,
    pub alert_type: String,
    pub title: String,
    pub severity: Severity,
    pub fingerprint: String,
    pub event_id: String,
    pub at: DateTime<Utc>,
    /// When a new alert is opened: the first escalation job to schedule in the same
    /// transaction (`alert.escalate` at this time, level 1), so it cannot be lost.
    pub escalate_at: Option<DateTime<Utc>>,
}

/// Whether a draft opened a new alert or was folded into an existing one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raised {
    pub alert_id: String,
    pub created: bool,
}

/// Settings of one built-in rule for one unit.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RuleSetting {
    pub rule: String,
    pub enabled: bool,
    pub params: serde_json::Value,
}
