//! Emergency drills (应急演练, docs/DRILLS.md; R18, R34, R46 ¶2; Decree 421 Art 15): planned from a
//! scenario, run step by step from a phone (the server records each step's time), evaluated per
//! expected action; each shortfall becomes one hazard through the supervision capability; the
//! drill obligations are scheduled jobs (`drill.reminder`, `drill.overdue`, in `obligations.rs`).

pub mod obligations;
mod photos;
mod service;

pub use service::{DrillDraft, DrillService, EvaluationDraft};
