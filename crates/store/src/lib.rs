//! Persistence of neibao: one repository trait per aggregate, in a folder per capability
//! (`src/<capability>/mod.rs`, implemented in `src/<capability>/sql.rs`), their sum [`Store`],
//! the SQLite backend ([`sqlite::SqliteStore`], WAL, one writer, group commit) and the PostgreSQL
//! backend ([`postgres::PgStore`]), migrations, and field encryption.
//!
//! Every read of units and of what belongs to a unit (key areas, devices, events, alerts) takes
//! a [`neibao_domain::access::Scope`] and applies it as a SQL filter; an object outside the scope
//! is indistinguishable from one that does not exist. Security-sensitive.
#![forbid(unsafe_code)]
// `src/<capability>/sql.rs` are compiled once per backend on purpose (see `sqlite/mod.rs`).
#![allow(clippy::duplicate_mod)]

pub mod crypto;
pub mod error;
pub mod postgres;
pub mod prelude;
pub mod sqlite;
pub mod store;

// capabilities and kernels: repository traits
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
pub mod jobs;
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
pub mod settings;
pub mod supervision;
pub mod universities;
pub mod users;
pub mod video;
pub mod visitors;
pub mod warning;
pub mod watchlists;
pub mod wellbeing;

pub use error::{StoreError, StoreResult};
pub use store::Store;
