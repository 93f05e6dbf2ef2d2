//! The early-warning engine: built-in rules evaluated on each new event occurrence, alert
//! fingerprints and dedup, and the ingest pipeline (persist → rules → alerts).
//!
//! Rules here are the built-in set of issue 2; each unit can switch a rule off or change its
//! parameters (`rule_settings`). The pure rule logic lives in [`rules`]; [`pipeline`] does IO.
#![forbid(unsafe_code)]

pub mod bus;
pub mod escalation;
pub mod metrics;
pub mod outbox;
pub mod pipeline;
pub mod retention;
pub mod rules;
pub mod ruleset;
pub mod schedule;
pub mod scheduler;
pub mod supervision;
pub mod warning;

pub use bus::{Accepted, BusError, EventBus, NatsConfig};
pub use pipeline::{IngestOutcome, Pipeline};
