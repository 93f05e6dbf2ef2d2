//! The biennial safety assessment (docs/ASSESSMENT.md; R32): campaigns, the two-year cycle, the
//! five-defence sheet scored by hand or from data, review and sign-off, failed items turned into
//! hazards, and the ladder case a failing result opens. Other capabilities read results through
//! [`AssessmentService::latest_results`].

mod evidence;
mod service;
mod third_party;

pub use service::{AssessmentService, CampaignInput, ItemEvidence, ItemInput, SheetInput, StartInput};
