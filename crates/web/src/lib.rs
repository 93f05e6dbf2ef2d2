//! The HTTP surface of neibao: the JSON API under `/api/v1` (documented by the OpenAPI
//! document at `/api/v1/openapi.json`), device ingest endpoints under `/ingest`, and the
//! server-rendered zh-CN web UI.
//!
//! Handlers are thin: parse → call the store or the engine with the caller's scope → render.
#![forbid(unsafe_code)]

pub mod api;
pub mod auth;
pub mod error;
pub mod ingest;
pub mod ui;

use std::sync::Arc;
use std::time::Duration;

use axum::http::{header, HeaderValue};
use axum::Router;
use neibao_engine::Pipeline;
use neibao_store::Store;
use tower_http::set_header::SetResponseHeaderLayer;

/// Web settings, validated by the binary.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Largest accepted ingest body in bytes (larger → 413).
    pub max_ingest_body: usize,
    /// Mark the session cookie `Secure` (set when served over HTTPS or behind a TLS proxy).
    pub secure_cookies: bool,
    /// Browser session lifetime.
    pub session_ttl: Duration,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            max_ingest_body: 4 * 1024 * 1024,
            secure_cookies: false,
            session_ttl: Duration::from_secs(8 * 3600),
        }
    }
}

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub pipeline: Pipeline,
    pub config: Arc<WebConfig>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, config: WebConfig) -> AppState {
        AppState {
            pipeline: Pipeline::new(store.clone()),
            store,
            config: Arc::new(config),
        }
    }
}

/// The whole application router.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(api::routes())
        .merge(ingest::routes(&state.config))
        .merge(ui::routes())
        .layer(SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'"),
        ))
        .with_state(state)
}
