//! Filings with the police (备案, docs/FILINGS.md; R16, R41(5), R50, R57): [`FilingService`]
//! (obligations, the unit's drafting and submission, the police's acknowledgement, return and
//! archive) and the deadline jobs (`filing.reminder`, `filing.overdue`, in `deadlines.rs`).

pub mod deadlines;
mod records;
mod service;

pub use deadlines::beijing_today;
pub use service::{FilingService, KindInfo};
