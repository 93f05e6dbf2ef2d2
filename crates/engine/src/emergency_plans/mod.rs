//! Emergency plans (应急预案, docs/EMERGENCY-PLANS.md; R18, R41(1); Decree 421 Art 15): a unit's
//! plans by scenario with their versions, evacuation maps and the police review of key units'
//! plans; the unit is told in its inbox when its plan is returned or accepted.

mod maps;
mod records;
mod service;

pub use service::{EmergencyPlanService, PlanDraft};
