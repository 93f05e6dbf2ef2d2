//! Persistence of neibao: the repository trait [`Store`], its SQLite implementation
//! ([`sqlite::SqliteStore`], WAL, one writer), migrations, and field encryption.
//!
//! Every read of units and of what belongs to a unit (key areas, devices, events, alerts) takes
//! a [`neibao_domain::access::Scope`] and applies it as a SQL filter; an object outside the scope
//! is indistinguishable from one that does not exist. Security-sensitive.
#![forbid(unsafe_code)]
// `src/sql/*.rs` are compiled once per backend on purpose (see `sqlite/mod.rs`).
#![allow(clippy::duplicate_mod)]

pub mod crypto;
pub mod postgres;
pub mod repo;
pub mod sqlite;

pub use repo::{Store, StoreError, StoreResult};
