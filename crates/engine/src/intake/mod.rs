//! The one device intake path: HTTP push, MQTT and pull streams all end here ([`IntakeService`]),
//! resolve their ingest token through one cache ([`tokens`]), go through the event bus ([`bus`])
//! and the pipeline ([`pipeline`]) of rule stages ([`stage`], [`stages`]).

pub mod bus;
pub mod pipeline;
mod refusal;
mod service;
pub mod stage;
pub mod stages;
pub mod tokens;

pub use refusal::Refusal;
pub use service::{count_refusal, Delivery, IntakeService, Readiness, Received};
pub use tokens::address_group;
