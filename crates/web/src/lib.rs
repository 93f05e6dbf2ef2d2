//! The HTTP surface of neibao: the JSON API under `/api/v1` (documented by the OpenAPI
//! document at `/api/v1/openapi.json`), device ingest endpoints under `/ingest`, and the
//! server-rendered zh-CN web UI.
//!
//! Handlers are thin: parse → call the store or the engine with the caller's scope → render.
#![forbid(unsafe_code)]

pub mod api;
pub mod audit;
pub mod auth;
pub mod error;
pub mod fallback;
pub mod health;
pub mod ingest;
pub mod ingest_tokens;
pub mod ui;

use std::sync::Arc;
use std::time::Duration;

use axum::http::{header, HeaderValue};
use axum::Router;
use neibao_engine::{EventBus, Pipeline};
use neibao_store::Store;
use tower_http::set_header::SetResponseHeaderLayer;

/// Web settings, validated by the binary.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Largest accepted ingest body in bytes (larger → 413).
    pub max_ingest_body: usize,
    /// Mark the session cookie `Secure` (set when served over HTTPS or behind a TLS proxy).
    pub secure_cookies: bool,
    /// Browser session lifetime (absolute timeout, from login).
    pub session_ttl: Duration,
    /// A browser session unused for this long ends (idle timeout).
    pub session_idle: Duration,
    /// Device payloads processed at once; beyond that ingest answers 503 with `Retry-After`, so
    /// memory stays bounded whatever the load (at most this many bodies of `max_ingest_body`).
    pub max_ingest_in_flight: usize,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            max_ingest_body: 4 * 1024 * 1024,
            secure_cookies: false,
            session_ttl: Duration::from_secs(8 * 3600),
            session_idle: Duration::from_secs(30 * 60),
            max_ingest_in_flight: 256,
        }
    }
}

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub pipeline: Pipeline,
    /// Where ingested payloads go: processed in process, or published to JetStream.
    pub bus: EventBus,
    pub config: Arc<WebConfig>,
    /// Permits for payloads being processed (back-pressure).
    pub ingest_permits: Arc<tokio::sync::Semaphore>,
    /// Known ingest tokens, and the per-address budget for unknown ones.
    pub ingest_tokens: Arc<ingest_tokens::IngestTokens>,
    /// Dashboard figures per scope, reused for [`DASHBOARD_CACHE_SECONDS`].
    dashboards:
        Arc<std::sync::Mutex<std::collections::HashMap<String, (std::time::Instant, neibao_store::model::Dashboard)>>>,
}

/// How long dashboard figures are reused: counting a province's devices takes a scan, and the
/// figures may be this many seconds old.
pub const DASHBOARD_CACHE_SECONDS: u64 = 15;

impl AppState {
    /// Single-box state: payloads are processed in process.
    pub fn new(store: Arc<dyn Store>, config: WebConfig) -> AppState {
        let pipeline = Pipeline::new(store.clone());
        let mut state = AppState::with_bus(store, config, EventBus::InProcess(pipeline.clone()));
        state.pipeline = pipeline;
        state
    }

    /// State with a given event bus (multi-node mode passes the NATS bus).
    pub fn with_bus(store: Arc<dyn Store>, config: WebConfig, bus: EventBus) -> AppState {
        AppState {
            pipeline: Pipeline::new(store.clone()),
            ingest_permits: Arc::new(tokio::sync::Semaphore::new(config.max_ingest_in_flight.max(1))),
            ingest_tokens: Arc::default(),
            dashboards: Arc::default(),
            store,
            bus,
            config: Arc::new(config),
        }
    }
}

impl AppState {
    /// The dashboard of a scope, from the cache when it is fresh enough.
    pub async fn dashboard(
        &self,
        scope: &neibao_domain::scope::Scope,
    ) -> neibao_store::StoreResult<neibao_store::model::Dashboard> {
        let key = format!("{scope:?}");
        let fresh = std::time::Duration::from_secs(DASHBOARD_CACHE_SECONDS);
        if let Some((at, d)) = self.dashboards.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            if at.elapsed() < fresh {
                return Ok(d.clone());
            }
        }
        let d = self.store.dashboard(scope, chrono::Utc::now()).await?;
        let mut cache = self.dashboards.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() > 10_000 {
            cache.clear();
        }
        cache.insert(key, (std::time::Instant::now(), d.clone()));
        Ok(d)
    }
}

/// The whole application router.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(api::routes())
        .merge(ingest::routes())
        .merge(ui::routes())
        .merge(health::routes())
        .layer(axum::middleware::from_fn_with_state(state.clone(), audit::audit_changes))
        .fallback(fallback::not_found)
        // A request (body included) that takes longer than this is answered 408 and dropped.
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
        .layer(axum::middleware::from_fn(fallback::uniform_errors))
        // Answers may hold personal data, tokens or TOTP secrets: no cache keeps them, unless a
        // route says otherwise (the static assets do).
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'"),
        ))
        .with_state(state)
}
