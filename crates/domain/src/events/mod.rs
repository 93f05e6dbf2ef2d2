//! Events: the normalized `SecurityEvent` every decoder produces, and events as stored.

mod event;
mod records;

pub use event::*;
pub use records::*;
