//! The tamper-evident audit log (a shared kernel). Security-sensitive.

mod chain;
mod filter;

pub use chain::*;
pub use filter::*;
