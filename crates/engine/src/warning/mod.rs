//! Early warning as data: rules, backtests, suppression windows.

pub mod engine;
pub mod ruleset;
pub mod schedule;
mod service;

pub use service::WarningService;
