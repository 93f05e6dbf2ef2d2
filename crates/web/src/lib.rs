//! The HTTP surface of neibao: the JSON API under `/api/v1` (documented by the OpenAPI
//! document at `/api/v1/openapi.json`), device ingest endpoints under `/ingest`, and the
//! server-rendered zh-CN web UI.
//!
//! Handlers are thin: parse → call a service of `neibao_engine` with the caller's principal →
//! render. A capability's handlers live in `api/<capability>.rs` and `ui/<capability>/`
//! (docs/ARCHITECTURE.md).
#![forbid(unsafe_code)]

pub mod api;
pub mod audit;
pub mod config;
pub mod error;
pub mod extract;
pub mod fallback;
pub mod health;
pub mod idempotency;
pub mod openapi;
pub mod request_id;
pub mod router;
pub mod state;
pub mod ui;

pub use config::WebConfig;
pub use router::router;
pub use state::AppState;
