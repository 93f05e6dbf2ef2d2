//! The tamper-evident audit log (a shared kernel). Security-sensitive.

mod chain;
mod checkpoint;
mod describe;
mod detail;
mod filter;

pub use chain::*;
pub use checkpoint::*;
pub use describe::*;
pub use detail::detail_zh;
pub use filter::*;
