//! Privacy: purpose-logged reads of personal data, retention, legal holds.

pub mod retention;
mod service;

pub use service::PrivacyService;
