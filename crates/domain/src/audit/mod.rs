//! The tamper-evident audit log (a shared kernel). Security-sensitive.

mod chain;
mod checkpoint;
mod describe;
mod filter;

pub use chain::*;
pub use checkpoint::*;
pub use describe::*;
pub use filter::*;
