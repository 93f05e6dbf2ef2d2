//! Devices: registration with ingest tokens, the device list and detail, device health.

mod input;
mod lifecycle;
mod service;

pub use input::{CreatedDevice, DeviceHealth, DeviceInput, DeviceUpdate, DivisionHealth, UnitHealthRow};
pub use service::DeviceService;
