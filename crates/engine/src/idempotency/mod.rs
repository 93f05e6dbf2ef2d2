//! Idempotent requests (a kernel): claim a key, keep the answer, give it to the repeats; the
//! hourly sweep (`idempotency.sweep`). The web layer's middleware (`crates/web/src/idempotency.rs`)
//! is the one caller.

pub mod jobs;
mod service;

pub use service::{fingerprint, Begin, IdempotencyService, Ticket};
