//! Devices: registration with ingest tokens, the device list and detail, device health.

mod input;
mod service;

pub use input::{CreatedDevice, DeviceHealth, DeviceInput, DivisionHealth, UnitHealthRow};
pub use service::DeviceService;
