//! The one-press alarm (一键报警, docs/ALARMS.md; R12(4), R20(3), R34; Part 4 of the Zhejiang
//! Opinions: the police build an emergency linkage mechanism, units act first on internal
//! incidents). A unit's guard or manager presses one button (or a device's emergency button
//! posts an `alarm.emergency` event): the alarm becomes an event of the unit whose critical alert
//! (built-in rule `emergency_alarm`) reaches the station on duty at once and climbs the police
//! tree faster than ordinary alerts while nobody acknowledges it. The police record their
//! arrival (到场); a drill (演练) runs the same path marked as such and is counted apart.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::emergency::Scenario;

/// How an alarm was raised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AlarmSource {
    /// 一键报警 on the phone page (or the API).
    Button,
    /// A device's emergency button (`alarm.emergency` event).
    Device,
}

impl AlarmSource {
    pub fn code(self) -> &'static str {
        match self {
            AlarmSource::Button => "button",
            AlarmSource::Device => "device",
        }
    }
    pub fn from_code(s: &str) -> AlarmSource {
        if s == "device" {
            AlarmSource::Device
        } else {
            AlarmSource::Button
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            AlarmSource::Button => "一键报警",
            AlarmSource::Device => "设备紧急按钮",
        }
    }
}

/// One alarm as stored, with its alert's acknowledgement read alongside.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Alarm {
    pub id: String,
    pub unit_id: String,
    pub unit_name: String,
    pub key_area_id: Option<String>,
    pub key_area_name: Option<String>,
    pub scenario: Scenario,
    /// At most [`MAX_NOTE_CHARS`] characters; may be empty (speed first, details after).
    pub note: String,
    /// A drill (演练): same path, marked, counted apart.
    pub drill: bool,
    pub source: AlarmSource,
    /// The device whose emergency button raised it (device alarms).
    pub device_id: Option<String>,
    /// The account that pressed the button (none for a device alarm).
    pub caller_id: Option<String>,
    /// Its name as shown (the device's name for a device alarm).
    pub caller_name: String,
    pub raised_at: DateTime<Utc>,
    /// The alert the alarm raised (its acknowledgement is the alarm's).
    pub alert_id: Option<String>,
    /// `open`, `acknowledged`, `resolved` (the alert's).
    pub alert_status: Option<String>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<String>,
    /// How far up the police tree the unacknowledged alert went (the alert's).
    pub escalation_level: i64,
    pub escalated_to: Option<String>,
    /// When the police arrived (到场), as they recorded it.
    pub arrived_at: Option<DateTime<Utc>>,
    pub arrival_by: Option<String>,
    pub arrival_note: String,
}

impl Alarm {
    /// Seconds from the alarm to the acknowledgement of its alert.
    pub fn seconds_to_acknowledge(&self) -> Option<i64> {
        self.acknowledged_at.map(|t| (t - self.raised_at).num_seconds().max(0))
    }
    /// Seconds from the alarm to the police's arrival.
    pub fn seconds_to_arrive(&self) -> Option<i64> {
        self.arrived_at.map(|t| (t - self.raised_at).num_seconds().max(0))
    }
    /// `【演练】` for a drill, empty otherwise.
    pub fn drill_mark(&self) -> &'static str {
        if self.drill {
            DRILL_MARK
        } else {
            ""
        }
    }
}

/// The mark every title, notice and list row of a drill alarm carries.
pub const DRILL_MARK: &str = "【演练】";
/// Longest note (characters).
pub const MAX_NOTE_CHARS: usize = 200;
/// Longest arrival note (characters).
pub const MAX_ARRIVAL_NOTE_CHARS: usize = 500;
/// A second press by the same account within this many seconds is the same alarm (a double tap).
pub const DOUBLE_TAP_SECONDS: i64 = 60;
/// Meta key of the escalation step of unacknowledged alarms (minutes, each level).
pub const ESCALATION_STEP_KEY: &str = "alarms.escalation_minutes";
/// The default escalation step (minutes): far shorter than an ordinary alert's (15, then 30).
pub const DEFAULT_ESCALATION_MINUTES: i64 = 2;
/// Levels an alarm climbs (station, county bureau, city bureau).
pub const ESCALATION_LEVELS: usize = 3;

/// The escalation delays of an alarm for a configured step (1–60 minutes; the default outside).
pub fn escalation_delays(step: Option<i64>) -> Vec<i64> {
    let m = step
        .filter(|m| (1..=60).contains(m))
        .unwrap_or(DEFAULT_ESCALATION_MINUTES);
    vec![m; ESCALATION_LEVELS]
}

/// A new alarm to store.
#[derive(Debug, Clone)]
pub struct NewAlarm {
    pub id: String,
    pub unit_id: String,
    pub key_area_id: Option<String>,
    pub scenario: Scenario,
    pub note: String,
    pub drill: bool,
    pub source: AlarmSource,
    pub device_id: Option<String>,
    pub caller_id: Option<String>,
    pub caller_name: String,
    pub at: DateTime<Utc>,
}

/// Which alarms a list shows.
#[derive(Debug, Clone, Default)]
pub struct AlarmFilter {
    pub unit_id: Option<String>,
    /// `Some(false)`: real alarms only; `Some(true)`: drills only.
    pub drill: Option<bool>,
    pub since: Option<DateTime<Utc>>,
}

/// Counts over a period: drills apart from real alarms.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AlarmCounts {
    /// Real alarms.
    pub real: i64,
    /// Real alarms whose alert nobody acknowledged yet.
    pub real_unacknowledged: i64,
    /// Real alarms without a recorded arrival.
    pub real_without_arrival: i64,
    /// Drill alarms (演练).
    pub drills: i64,
    /// Mean seconds to acknowledge, over acknowledged real alarms.
    pub mean_seconds_to_acknowledge: Option<i64>,
    /// Mean seconds to arrive, over real alarms with an arrival.
    pub mean_seconds_to_arrive: Option<i64>,
}

/// A duration as a person reads it: `45秒`, `3分12秒`, `1小时5分`.
pub fn duration_zh(secs: i64) -> String {
    let s = secs.max(0);
    if s < 60 {
        format!("{s}秒")
    } else if s < 3600 {
        format!("{}分{}秒", s / 60, s % 60)
    } else {
        format!("{}小时{}分", s / 3600, (s % 3600) / 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_steps() {
        assert_eq!(duration_zh(45), "45秒");
        assert_eq!(duration_zh(192), "3分12秒");
        assert_eq!(duration_zh(3900), "1小时5分");
        assert_eq!(escalation_delays(None), vec![2, 2, 2]);
        assert_eq!(escalation_delays(Some(5)), vec![5, 5, 5]);
        assert_eq!(escalation_delays(Some(0)), vec![2, 2, 2]);
    }
}
