//! The one device intake path: HTTP push, MQTT and pull streams all end here.

pub mod bus;
pub mod pipeline;
mod service;

pub use service::IntakeService;
