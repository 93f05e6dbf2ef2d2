//! Early-warning rules as data (issue 4): stored, versioned rule specifications with conditions
//! written in the [`evalexpr`] expression language, evaluated on every new event occurrence.
//!
//! A rule ([`RuleSpec`], stored as JSON, one row per version) has:
//! - a **condition** over the event's [facts](FACTS) (`kind == "access.door_forced" && key_unit`);
//!   empty means "every event";
//! - a **kind** ([`RuleKind`]): `match` (each matching event), `threshold` (N matching events in T
//!   per key), `sequence` (a matching event, then one matching `then`, within T per key),
//!   `absence` (a device silent for T: evaluated by the periodic sweep, not per event) and
//!   `correlation` (the same subject, e.g. a plate or card number, at k different units within T);
//! - a **scope** (division-code prefix, units, key units only);
//! - an optional **schedule** ([`RuleSchedule`]): weekly periods, holidays, one-off windows, or the
//!   unit's own armed schedule;
//! - **grouping**: the fields whose values form the alert fingerprint (dedup key);
//! - a **severity**.
//!
//! Suppression windows (maintenance, a registered visit) are applied by the pipeline after the
//! rules ([`suppressed`]).
//!
//! The engine keeps the sliding windows of threshold, sequence and correlation rules in memory on
//! each node ([`RuleEngine`]). All time comes from the caller (the event's receive time), so the
//! same code runs live, in tests with a controlled clock, and in backtests over stored events.

mod compile;
mod engine;
mod facts;
mod file;
mod spec;
mod suppression;
mod when;

pub use compile::{compile, CompiledRule};
pub use engine::{RuleEngine, RuleHit};
pub use facts::{Facts, Placement, FACTS};
pub use file::RuleFile;
pub use spec::{
    OneOffWindow, RuleKind, RuleSchedule, RuleScope, RuleSpec, MAX_CONDITION_CHARS, MAX_RULES, MAX_STATE_KEYS,
    MAX_WINDOW_SECONDS,
};
pub use suppression::{suppressed, SuppressionWindow, SUPPRESSION_REASONS};
pub use when::schedule_active;

#[cfg(test)]
mod tests;
