//! Spreadsheet import and export (issue 12, docs/IMPORTS.md): the template, the safe reading of
//! an uploaded .xlsx, the check of every row with the registry's rules and the background job
//! that writes the good ones through the registry; the exports of the list pages (`export.rs`)
//! through one workbook writer (`book.rs`).

mod accounts;
mod book;
mod devices;
mod export;
mod key_areas;
mod kind;
mod persons;
mod rows;
mod service;
pub mod sheet;
pub mod template;
mod units;

pub use export::Export;
pub use service::{ImportService, INTERRUPTED, STALE_AFTER};
