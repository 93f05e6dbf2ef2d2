//! Early warning as data: versioned rules, suppression windows.

mod records;
pub mod schedule;

pub use records::*;
