//! Personal-information compliance (docs/COMPLIANCE.md; R61, R62, R67, R69, R72, R73; PIPL; GB/T
//! 35273-2020): the record of processing activities, data-subject requests with a working-day
//! deadline, and the data-incident workflow with the notification content of PIPL Art 57.

mod service;

pub use service::{ActivityInput, BreachInput, ComplianceService, NotifyInput, RequestInput, SettingsInput};
