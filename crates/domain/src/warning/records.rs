//! Early warning as data: versioned rules and suppression windows.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

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
    /// The device's name, in lists (`None`: every device of the unit).
    pub device_name: Option<String>,
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
