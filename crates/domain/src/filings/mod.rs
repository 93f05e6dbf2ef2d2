//! Filings with the police (备案, docs/FILINGS.md; docs/REQUIREMENTS.md R16, R41(5), R50, R57):
//! a generic filing object of several kinds, each with its required content and its deadline
//! rule, the lifecycle draft → submitted → acknowledged | returned → … → archived, and the
//! on-time rule (submitted on or before the due date).

mod kind;
mod records;

/// The history step, shared with designations.
pub use crate::designations::Step;
pub use kind::*;
pub use records::*;
