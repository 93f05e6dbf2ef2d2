//! Privacy: purpose-logged reads of personal data, retention, legal holds, key rotation.

pub mod jobs;
pub mod retention;
mod service;

pub use service::{PrivacyService, RetentionOverview, Via};
