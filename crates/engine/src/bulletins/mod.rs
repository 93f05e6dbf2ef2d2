//! Bulletins (警企通报, docs/BULLETINS.md; the Opinions Part 3): the police's bulletins to a target
//! set of units, the units' read and acknowledgement receipts, the units' reports upward, and
//! the deadline job (`bulletin.deadline`, in `deadline.rs`) reminding the units that have not
//! acknowledged.

pub mod deadline;
mod files;
mod notify;
mod service;

pub use files::MAX_FILES;
pub use service::{BulletinDraft, BulletinService, ReportDraft};
