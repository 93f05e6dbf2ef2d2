//! Alerts: lists, lifecycle, statistics, the escalation policy and its job, built-in rules.

pub mod builtin;
pub mod escalation;
mod service;

pub use service::{AlertService, AlertStats, DEFAULT_FLOOD_THRESHOLD, DEFAULT_STATS_DAYS, MAX_COMMENT_CHARS};
