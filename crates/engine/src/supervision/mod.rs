//! Supervision: checklists, campaigns, inspections, hazards and the ladder with its documents
//! and credit entries, deadlines and reminders, credit grades and the due list, bureau settings.
//!
//! Rules live in `neibao_domain::supervision` (and the documents' text in
//! `neibao_domain::documents`); these files decide who acts (the permission table and the object
//! checks), validate, and hand the store one atomic change with its audit entry. The web layer
//! calls [`SupervisionService`]; the functions behind it take the store, for the demo data and
//! the scheduler.

pub mod campaigns;
pub mod checklists;
pub mod credit;
pub mod deadlines;
pub mod dispatch;
pub mod evidence;
pub mod hazards;
pub mod inspections;
pub mod ladder;
pub mod settings;

mod service;

pub use campaigns::{CampaignInput, CampaignSelection, MAX_CAMPAIGN_UNITS};
pub use checklists::ChecklistInput;
pub use credit::{CreditSummary, DueUnit};
pub use dispatch::{AssignAllInput, AssignResult, AssigneeInput, HandOutInput, HandOutResult};
pub use hazards::{HazardDetail, HazardForm, HazardInput};
pub use inspections::{InspectionDetail, Submitted};
pub use ladder::ActInput;
pub use service::SupervisionService;
pub use settings::SettingsView;
