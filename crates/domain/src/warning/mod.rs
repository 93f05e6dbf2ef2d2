//! Early warning as data: versioned rules, suppression windows.

mod records;

pub use records::*;
