//! Pure domain of neibao: identifiers, validators (parse, don't validate), the normalized
//! `SecurityEvent`, alerts and their lifecycle, roles and access scopes, error codes.
//!
//! Nothing here performs IO. Everything that the rest of the workspace persists, renders or
//! decodes into is defined here, so that the rules live in one place.
#![forbid(unsafe_code)]

pub mod alert;
pub mod error;
pub mod event;
pub mod ids;
pub mod scope;
pub mod sensitive;
pub mod supervision;
pub mod unit;
pub mod validate;

pub use error::{ErrorCode, ALL_ERROR_CODES};
