//! The rule specification as stored (JSON, one row per version): kind, scope, schedule,
//! grouping, severity; and the limits every spec is checked against.

use chrono::{DateTime, NaiveDate, Utc};
use neibao_domain::alerts::Severity;
use neibao_domain::registry::ArmedPeriod;
use serde::{Deserialize, Serialize};

/// Longest accepted condition, in characters.
pub const MAX_CONDITION_CHARS: usize = 2_000;
/// Longest accepted window (threshold, sequence, correlation, absence): 7 days, in seconds.
pub const MAX_WINDOW_SECONDS: u64 = 7 * 24 * 3600;
/// At most this many rules are loaded at once.
pub const MAX_RULES: usize = 2_000;
/// Per-node cap on remembered (rule, key) windows; older state is dropped beyond it.
pub const MAX_STATE_KEYS: usize = 200_000;

/// What a rule looks at over time. Read from JSON with its `type` as a string (serde alone
/// would also take the variant's number).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RuleKind {
    /// Every event that meets the condition.
    Match,
    /// `count` events meeting the condition within `window_seconds`, counted per value of `key`
    /// (fields; empty = per device).
    Threshold {
        #[schema(minimum = 2, maximum = 100000)]
        count: u32,
        #[schema(minimum = 1, maximum = 604800)]
        window_seconds: u64,
        #[serde(default)]
        #[schema(max_items = 8)]
        key: Vec<String>,
    },
    /// An event meeting the condition, then within `within_seconds` one meeting `then`, per `key`
    /// (fields; empty = per unit).
    Sequence {
        #[schema(min_length = 1, max_length = 2000)]
        then: String,
        #[schema(minimum = 1, maximum = 604800)]
        within_seconds: u64,
        #[serde(default)]
        #[schema(max_items = 8)]
        key: Vec<String>,
    },
    /// No event or heartbeat from a device for `silence_seconds` (device offline). The condition
    /// sees only device and unit facts. Checked by the periodic sweep.
    Absence {
        #[schema(minimum = 60, maximum = 604800)]
        silence_seconds: u64,
    },
    /// The same value of `subject` (a field such as `target`, `card_no`) seen at `units`
    /// different units within `window_seconds`.
    Correlation {
        subject: String,
        #[schema(minimum = 2, maximum = 1000)]
        units: u32,
        #[schema(minimum = 1, maximum = 604800)]
        window_seconds: u64,
    },
}

impl<'de> Deserialize<'de> for RuleKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        /// The same shape, read once the tag is known to be a string.
        #[derive(Deserialize)]
        #[serde(tag = "type", rename_all = "snake_case")]
        enum Wire {
            Match,
            Threshold {
                count: u32,
                window_seconds: u64,
                #[serde(default)]
                key: Vec<String>,
            },
            Sequence {
                then: String,
                within_seconds: u64,
                #[serde(default)]
                key: Vec<String>,
            },
            Absence {
                silence_seconds: u64,
            },
            Correlation {
                subject: String,
                units: u32,
                window_seconds: u64,
            },
        }
        use serde::de::Error;
        let v = serde_json::Value::deserialize(d)?;
        if !v.get("type").is_some_and(|t| t.is_string()) {
            return Err(D::Error::custom(
                "规则类型 kind.type 应为 match、threshold、sequence、absence 或 correlation",
            ));
        }
        Ok(match serde_json::from_value(v).map_err(D::Error::custom)? {
            Wire::Match => RuleKind::Match,
            Wire::Threshold {
                count,
                window_seconds,
                key,
            } => RuleKind::Threshold {
                count,
                window_seconds,
                key,
            },
            Wire::Sequence {
                then,
                within_seconds,
                key,
            } => RuleKind::Sequence {
                then,
                within_seconds,
                key,
            },
            Wire::Absence { silence_seconds } => RuleKind::Absence { silence_seconds },
            Wire::Correlation {
                subject,
                units,
                window_seconds,
            } => RuleKind::Correlation {
                subject,
                units,
                window_seconds,
            },
        })
    }
}

impl RuleKind {
    /// Stable code of the kind.
    pub fn code(&self) -> &'static str {
        match self {
            RuleKind::Match => "match",
            RuleKind::Threshold { .. } => "threshold",
            RuleKind::Sequence { .. } => "sequence",
            RuleKind::Absence { .. } => "absence",
            RuleKind::Correlation { .. } => "correlation",
        }
    }
    /// zh-CN label.
    pub fn label_zh(&self) -> &'static str {
        match self {
            RuleKind::Match => "单事件匹配",
            RuleKind::Threshold { .. } => "阈值（T内N次）",
            RuleKind::Sequence { .. } => "先后顺序（A后T内B）",
            RuleKind::Absence { .. } => "静默/离线",
            RuleKind::Correlation { .. } => "跨单位关联",
        }
    }
}

/// Which events a rule applies to. Empty fields do not restrict.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RuleScope {
    /// Division-code prefix (e.g. `3301` = 杭州市); the unit's division must start with it.
    #[schema(pattern = "^[0-9]{0,12}$")]
    pub division_prefix: String,
    /// Only these units (ids).
    pub unit_ids: Vec<String>,
    /// Only key units (重点单位).
    pub key_units_only: bool,
}

/// A one-off window in which the rule is armed (`armed = true`) or disarmed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OneOffWindow {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub armed: bool,
}

/// When a rule is armed, in Beijing time. Precedence: a one-off window containing the instant;
/// then a holiday (the whole day armed when `holiday_armed`, else disarmed); then the unit's armed
/// schedule when `use_unit_schedule` (disarmed when the unit has none); then the weekly periods
/// (armed always when there are none). With `holidays_only`, days that are not holidays are
/// disarmed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RuleSchedule {
    pub weekly: Vec<ArmedPeriod>,
    #[schema(value_type = Vec<String>)]
    pub holidays: Vec<NaiveDate>,
    pub holiday_armed: bool,
    /// Armed on holidays only (other days disarmed).
    pub holidays_only: bool,
    pub one_off: Vec<OneOffWindow>,
    pub use_unit_schedule: bool,
}

/// A rule as stored (JSON), one version of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RuleSpec {
    /// Stable identifier: 1–64 of `a-z 0-9 _ . -`, starting with a letter.
    #[schema(pattern = "^[a-z][a-z0-9_.-]{0,63}$")]
    pub code: String,
    /// zh-CN title shown on alerts, 1–100 characters.
    #[schema(min_length = 1, max_length = 100)]
    pub title: String,
    /// At most 1000 characters.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub description: String,
    #[serde(default = "yes")]
    pub enabled: bool,
    pub severity: Severity,
    pub kind: RuleKind,
    /// evalexpr expression over [`super::FACTS`]; empty = always true.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub condition: String,
    #[serde(default)]
    pub scope: RuleScope,
    #[serde(default)]
    pub schedule: Option<RuleSchedule>,
    /// Fields whose values make the alert fingerprint (events with equal values fold into one
    /// open alert). Empty: device, channel and region (per key for threshold/sequence, per
    /// subject for correlation). At most 8.
    #[serde(default)]
    #[schema(max_items = 8)]
    pub group_by: Vec<String>,
}

fn yes() -> bool {
    true
}
