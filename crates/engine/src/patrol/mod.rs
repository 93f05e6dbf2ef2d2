//! Patrols (巡查, docs/PATROL.md; Decree 421 Art 11(3), R12(3)): routes with checkpoints and
//! schedules, rounds walked from a phone, and the misses — a checkpoint not visited, a scheduled
//! round not started in its window (`patrol.window`, in `misses.rs`) — which enter the event
//! pipeline like any device event and raise an early-warning alert (built-in rule `patrol_miss`).

pub mod misses;
mod photos;
mod records;
mod service;

pub use service::{PatrolService, RouteDraft, VisitInput};
