//! Extractors shared by every capability's handlers: the caller, the session cookie, and the
//! CSRF-checked form and multipart upload.

pub mod audit_slot;
pub mod cookie;
pub mod csrf;
pub mod multipart;
pub mod principal;
