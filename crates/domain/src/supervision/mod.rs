//! Supervision (docs/REQUIREMENTS.md R20–R33, §b, §d): checklists, inspections and campaigns,
//! the hazard ladder, credit grades and records, and a bureau's supervision settings. Pure logic;
//! persistence is in the store.

pub mod calendar;
pub mod checklist;
pub mod credit;
pub mod dispatch;
pub mod effects;
pub mod input;
pub mod ladder;

mod campaign;
mod credit_records;
pub(crate) mod hazard;
pub(crate) mod inspection;
mod settings;
mod source;

pub use campaign::*;
pub use credit_records::*;
pub use hazard::*;
pub use inspection::*;
pub use settings::*;
