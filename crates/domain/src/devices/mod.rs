//! Devices: vendor formats, devices as registered and as ingest sees them, device health.

mod device;
mod format;
mod health;

pub use device::*;
pub use format::*;
pub use health::*;
