//! Credit (诚信, docs/CREDIT.md; R30): manual entries by county-level and higher police with a
//! legal basis, points, expiry and a publish flag (公示); the unit's objection (异议) with
//! evidence, reviewed by the police within the deadline (the `credit_objection.deadline` job
//! marks it overdue and reminds them) and decided as a correction (withdraw or amend the
//! entry) or a rejection, each with reasons and the unit told. The score, grade and due list
//! stay supervision's (`crate::supervision`): a withdrawn entry no longer counts there.

pub mod deadline;
mod service;

pub use service::{CreditService, DecisionInput, EntryInput, ObjectionDetail};
