//! Pure domain of neibao: entities, identifiers, validators (parse, don't validate), state
//! machines, the access policy, scoring. Nothing here performs IO.
//!
//! Kernels (shared by every capability) and capabilities, one module each
//! (docs/ARCHITECTURE.md).
#![forbid(unsafe_code)]

// kernels
pub mod access;
pub mod attachments;
pub mod audit;
pub mod documents;
pub mod emergency;
pub mod error;
pub mod idempotency;
pub mod ids;
pub mod jobs;
pub mod json;
pub mod notifications;
pub mod paging;
pub mod sensitive;
pub mod text;
pub mod unit_records;
pub mod validate;

// capabilities
pub mod accounts;
pub mod alarms;
pub mod alerts;
pub mod assessment;
pub mod bulletins;
pub mod compliance;
pub mod credit;
pub mod dashboard;
pub mod designations;
pub mod devices;
pub mod drills;
pub mod emergency_plans;
pub mod enterprise_requests;
pub mod equipment;
pub mod events;
pub mod filings;
pub mod honours;
pub mod imports;
pub mod liaison;
pub mod organisations;
pub mod patrol;
pub mod privacy;
pub mod protection_levels;
pub mod registry;
pub mod reports;
pub mod rollup;
pub mod rulebook;
pub mod security_staff;
pub mod setup;
pub mod supervision;
pub mod universities;
pub mod users;
pub mod video;
pub mod visitors;
pub mod warning;
pub mod watchlists;
pub mod wellbeing;

pub use error::{ErrorCode, ALL_ERROR_CODES};
