//! The services of neibao: one per capability (`src/<capability>/`), the only thing the web
//! layer calls. A service takes the caller's [`neibao_domain::access::Principal`], checks the
//! permission table, validates, and hands the store one atomic change with its audit entry.
//! Also here: the device intake path and its pipeline of stages (built-in rules, data rules), the
//! event bus (in-process or NATS JetStream), the durable scheduler and its job handlers, metrics.
#![forbid(unsafe_code)]

// kernels
pub mod config;
pub mod context;
pub mod error;
pub mod jobs;
pub mod metrics;
pub mod services;

// capabilities
pub mod accounts;
pub mod alarms;
pub mod alerts;
pub mod assessment;
pub mod attachments;
pub mod audit;
pub mod bulletins;
pub mod compliance;
pub mod credit;
pub mod dashboard;
pub mod designations;
pub mod devices;
pub mod documents;
pub mod drills;
pub mod emergency_plans;
pub mod enterprise_requests;
pub mod equipment;
pub mod events;
pub mod filings;
pub mod honours;
pub mod idempotency;
pub mod imports;
pub mod intake;
pub mod liaison;
pub mod notifications;
pub mod organisations;
pub mod patrol;
pub mod privacy;
pub mod protection_levels;
pub mod registry;
pub mod reports;
pub mod rollup;
pub mod rulebook;
pub mod security_staff;
pub mod setup;
pub mod supervision;
pub mod unit_records;
pub mod universities;
pub mod users;
pub mod video;
pub mod visitors;
pub mod warning;
pub mod watchlists;
pub mod wellbeing;

pub use config::EngineConfig;
pub use context::Ctx;
pub use error::{ServiceError, ServiceResult};
pub use intake::bus::{Accepted, BusError, EventBus, NatsConfig};
pub use intake::pipeline::{IngestOutcome, Pipeline};
pub use services::Services;
