//! One-press alarms (一键报警, docs/ALARMS.md; R12(4), R20(3), R34): a guard's button or a
//! device's emergency button becomes an `alarm.emergency` event of the unit, whose critical alert
//! (built-in rule `emergency_alarm`) reaches the station on duty at once (inbox, channels, the live
//! alert list with its sound) and climbs the police tree on its own, shorter step while nobody
//! acknowledges it (`crate::alerts::escalation::policy_for_rule`). Drills run the same path,
//! marked 演练.

pub mod device;
mod emit;
mod service;

pub use service::{AlarmService, AlarmView, RaiseInput};
