//! Spreadsheet import of units (issue 12, docs/IMPORTS.md): the template, the safe reading of
//! an uploaded .xlsx, the check of every row with the registry's rules and the background job
//! that writes the good ones through the registry.

mod rows;
mod service;
pub mod sheet;
pub mod template;

pub use service::{ImportService, INTERRUPTED, STALE_AFTER};
