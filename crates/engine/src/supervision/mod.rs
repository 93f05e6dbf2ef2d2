//! Supervision: checklists, campaigns, inspections, hazards and the ladder, credit.

mod service;
pub mod workflow;

pub use service::SupervisionService;
