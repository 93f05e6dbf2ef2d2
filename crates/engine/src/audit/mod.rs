//! The audit log: reading it inside a scope, verifying its chain.

mod service;
mod units;
mod verify;

pub use service::AuditService;
pub(crate) use units::unit_names;
pub use verify::{AuditReport, CheckpointLog};
