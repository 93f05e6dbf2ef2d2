//! What every handler shares: the services, the web settings, the ingest back-pressure permits.

use std::sync::Arc;

use neibao_engine::Services;

use crate::config::WebConfig;

/// Shared state of every handler (cheap to clone).
#[derive(Clone)]
pub struct AppState {
    /// Every service of the platform: what handlers call.
    pub services: Arc<Services>,
    pub config: Arc<WebConfig>,
    /// Permits for payloads being processed (back-pressure).
    pub ingest_permits: Arc<tokio::sync::Semaphore>,
}

impl AppState {
    pub fn new(services: Arc<Services>, config: WebConfig) -> AppState {
        AppState {
            ingest_permits: Arc::new(tokio::sync::Semaphore::new(config.max_ingest_in_flight.max(1))),
            services,
            config: Arc::new(config),
        }
    }
}
