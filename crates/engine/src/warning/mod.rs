//! Early warning as data: rules (versioned, importable, backtested), suppression windows, the
//! rule reloader and the device-silence sweep.

pub mod engine;
pub mod ruleset;
mod service;
mod suppressions;

pub use service::{BacktestInput, WarningService};
pub use suppressions::{SuppressionChoices, SuppressionDraft, MAX_NOTE_CHARS, MAX_SUPPRESSION_DAYS};
