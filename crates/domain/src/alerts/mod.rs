//! Alerts and their lifecycle, escalation policy, per-rule statistics and built-in rule settings.

mod alert;
mod records;

pub use alert::*;
pub use records::*;
