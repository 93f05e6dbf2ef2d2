//! The unit's security organisation, security staff and guards, training, commendations, duty
//! injuries and complaints (docs/SECURITY-STAFF.md; R7, R10, R11, R14, R16, R19, R57, R58), and
//! the certificate-expiry reminder (`security_staff.certificate_expiry`, in `expiry.rs`).

pub mod expiry;
mod input;
mod records;
mod service;

pub use input::{BodyInput, GuardInput, RecordInput, StaffInput, TrainingInput};
pub use service::{SecurityStaffService, UnitSecurity};
