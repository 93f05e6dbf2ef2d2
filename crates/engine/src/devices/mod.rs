//! Devices: registration, ingest tokens, health.

mod service;

pub use service::DeviceService;
