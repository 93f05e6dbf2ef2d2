//! Devices: registration with ingest tokens (and their reissue), the device list and detail, device health.

mod input;
mod lifecycle;
mod service;
mod token;

pub use input::{CreatedDevice, DeviceHealth, DeviceInput, DeviceUpdate, DivisionHealth, UnitHealthRow};
pub use service::DeviceService;
pub use token::ReissuedToken;
