//! Alerts: lists, lifecycle, statistics, escalation policy, built-in rule settings.

pub mod builtin;
pub mod escalation;
mod service;

pub use service::AlertService;
