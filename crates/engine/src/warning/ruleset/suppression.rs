//! Suppression windows (maintenance, a registered visit), applied after the rules.

use chrono::{DateTime, Utc};

pub use neibao_domain::warning::SuppressionWindow;

/// Suppression reasons: code and zh-CN label.
pub const SUPPRESSION_REASONS: &[(&str, &str)] =
    &[("maintenance", "维护检修"), ("visit", "登记来访"), ("other", "其他")];

/// Is an alert of `rule` from `device_id` at `at` suppressed by one of `windows` (those of its unit)?
pub fn suppressed(windows: &[SuppressionWindow], device_id: Option<&str>, rule: &str, at: DateTime<Utc>) -> bool {
    windows.iter().any(|w| {
        w.from <= at
            && at < w.to
            && w.device_id.as_deref().is_none_or(|d| Some(d) == device_id)
            && w.rule.as_deref().is_none_or(|r| r == rule)
    })
}
