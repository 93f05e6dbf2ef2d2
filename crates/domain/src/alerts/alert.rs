//! Alerts (告警) and their lifecycle: open → acknowledged → resolved.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{DomainError, ErrorCode};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 4] = [Severity::Low, Severity::Medium, Severity::High, Severity::Critical];
    pub fn code(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
    pub fn from_code(s: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|x| x.code() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Severity::Low => "低",
            Severity::Medium => "中",
            Severity::High => "高",
            Severity::Critical => "紧急",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AlertStatus {
    Open,
    Acknowledged,
    Resolved,
}

/// What a person does to an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertAction {
    Acknowledge,
    Resolve,
    /// Resolve as a false positive (误报) with its reason; counted per rule.
    FalsePositive(FalsePositiveReason),
}

/// Why an alert was a false positive (误报原因), for per-rule statistics and rule tuning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FalsePositiveReason {
    /// 动物、树枝等非人员目标
    AnimalOrObject,
    /// 光线、天气变化
    LightOrWeather,
    /// 设备故障或误判
    DeviceFault,
    /// 授权人员正常作业
    AuthorisedPerson,
    /// 测试或演练
    TestOrDrill,
    /// 其他
    Other,
}

impl FalsePositiveReason {
    pub const ALL: [FalsePositiveReason; 6] = [
        FalsePositiveReason::AnimalOrObject,
        FalsePositiveReason::LightOrWeather,
        FalsePositiveReason::DeviceFault,
        FalsePositiveReason::AuthorisedPerson,
        FalsePositiveReason::TestOrDrill,
        FalsePositiveReason::Other,
    ];
    pub fn code(self) -> &'static str {
        match self {
            FalsePositiveReason::AnimalOrObject => "animal_or_object",
            FalsePositiveReason::LightOrWeather => "light_or_weather",
            FalsePositiveReason::DeviceFault => "device_fault",
            FalsePositiveReason::AuthorisedPerson => "authorised_person",
            FalsePositiveReason::TestOrDrill => "test_or_drill",
            FalsePositiveReason::Other => "other",
        }
    }
    pub fn from_code(s: &str) -> Option<FalsePositiveReason> {
        FalsePositiveReason::ALL.into_iter().find(|r| r.code() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            FalsePositiveReason::AnimalOrObject => "动物、树枝等非人员目标",
            FalsePositiveReason::LightOrWeather => "光线或天气变化",
            FalsePositiveReason::DeviceFault => "设备故障或误判",
            FalsePositiveReason::AuthorisedPerson => "授权人员正常作业",
            FalsePositiveReason::TestOrDrill => "测试或演练",
            FalsePositiveReason::Other => "其他",
        }
    }
}

impl AlertStatus {
    pub const ALL: [AlertStatus; 3] = [AlertStatus::Open, AlertStatus::Acknowledged, AlertStatus::Resolved];
    pub fn code(self) -> &'static str {
        match self {
            AlertStatus::Open => "open",
            AlertStatus::Acknowledged => "acknowledged",
            AlertStatus::Resolved => "resolved",
        }
    }
    pub fn from_code(s: &str) -> Option<AlertStatus> {
        AlertStatus::ALL.into_iter().find(|x| x.code() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            AlertStatus::Open => "待处置",
            AlertStatus::Acknowledged => "已确认",
            AlertStatus::Resolved => "已解除",
        }
    }

    /// The lifecycle: `open → acknowledged → resolved`, and `open → resolved` directly (an
    /// alert handled at once). Nothing leaves `resolved`; acknowledging twice is refused.
    ///
    /// Errors: [`ErrorCode::InvalidTransition`].
    pub fn apply(self, action: AlertAction) -> Result<AlertStatus, DomainError> {
        match (self, action) {
            (AlertStatus::Open, AlertAction::Acknowledge) => Ok(AlertStatus::Acknowledged),
            (AlertStatus::Open | AlertStatus::Acknowledged, AlertAction::Resolve | AlertAction::FalsePositive(_)) => {
                Ok(AlertStatus::Resolved)
            }
            (from, _) => Err(DomainError::with_message(
                ErrorCode::InvalidTransition,
                format!("告警当前状态为「{}」，不能执行此操作", from.label_zh()),
            )),
        }
    }
}

/// An alert as stored and returned by the API.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Alert {
    pub id: String,
    pub unit_id: String,
    pub unit_name: String,
    pub device_id: Option<String>,
    pub device_name: Option<String>,
    /// Rule that raised it, e.g. `intrusion_key_area`.
    pub rule: String,
    /// Alert type (the rule's zh-CN title is in `title`).
    #[serde(rename = "type")]
    pub alert_type: String,
    pub title: String,
    pub severity: Severity,
    pub status: AlertStatus,
    pub fingerprint: String,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub event_count: i64,
    pub acknowledged_by: Option<String>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledge_comment: Option<String>,
    pub resolved_by: Option<String>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolve_comment: Option<String>,
    /// Set when the alert was resolved as a false positive (误报).
    #[serde(default)]
    pub false_positive_reason: Option<FalsePositiveReason>,
    /// How far up the escalation chain the unacknowledged alert went (0: the unit only; 1: its
    /// police station; 2: the county bureau; …).
    #[serde(default)]
    pub escalation_level: i64,
    /// The organisation it was last escalated to.
    #[serde(default)]
    pub escalated_to: Option<String>,
    #[serde(default)]
    pub escalated_at: Option<DateTime<Utc>>,
}

/// The escalation chain of unacknowledged alerts (issue 4): after `delays_minutes[0]` minutes
/// without acknowledgement the alert goes to the unit's police station, after a further
/// `delays_minutes[1]` to the station's county bureau, and so on up the police tree. An
/// acknowledgement (or resolution) stops it for good. An empty list turns escalation off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EscalationPolicy {
    pub delays_minutes: Vec<i64>,
}

impl Default for EscalationPolicy {
    fn default() -> Self {
        EscalationPolicy {
            delays_minutes: vec![15, 30],
        }
    }
}

impl EscalationPolicy {
    /// At most 3 levels, each 1–1440 minutes.
    pub fn validate(&self) -> Result<(), DomainError> {
        if self.delays_minutes.len() > 3 || self.delays_minutes.iter().any(|d| !(1..=1440).contains(d)) {
            return Err(DomainError::with_message(
                ErrorCode::ValidationFailed,
                "升级链最多3级，每级等待1至1440分钟",
            ));
        }
        Ok(())
    }
}

/// Per-rule alert statistics over a period (issue 4: per-rule statistics, flooding rules).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RuleAlertStats {
    pub rule: String,
    /// Alerts raised in the period.
    pub raised: i64,
    pub open: i64,
    pub acknowledged: i64,
    /// Resolved as handled (not false positives).
    pub resolved: i64,
    pub false_positives: i64,
    /// false_positives / (resolved + false_positives), 0–1; null when nothing was resolved.
    pub false_positive_rate: Option<f64>,
    /// Mean seconds from first occurrence to acknowledgement, over acknowledged alerts.
    pub mean_seconds_to_acknowledge: Option<f64>,
    /// Alerts raised in the last 24 hours.
    pub raised_last_24h: i64,
    /// More than the flood threshold in the last 24 hours.
    pub flooding: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifecycle() {
        use AlertAction::*;
        use AlertStatus::*;
        assert_eq!(Open.apply(Acknowledge).unwrap(), Acknowledged);
        assert_eq!(Acknowledged.apply(Resolve).unwrap(), Resolved);
        assert_eq!(Open.apply(Resolve).unwrap(), Resolved);
        assert!(Acknowledged.apply(Acknowledge).is_err());
        assert!(Resolved.apply(Acknowledge).is_err());
        assert!(Resolved.apply(Resolve).is_err());
        let fp = FalsePositive(FalsePositiveReason::DeviceFault);
        assert_eq!(Acknowledged.apply(fp).unwrap(), Resolved);
        assert!(Resolved.apply(fp).is_err());
        for r in FalsePositiveReason::ALL {
            assert_eq!(FalsePositiveReason::from_code(r.code()), Some(r));
        }
    }
}
