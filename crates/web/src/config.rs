//! Web settings, validated by the binary.

/// Web settings.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Largest accepted ingest body in bytes (larger → 413).
    pub max_ingest_body: usize,
    /// Mark the session cookie `Secure` and send `Strict-Transport-Security` (HSTS, one year) on
    /// every answer: set when served over HTTPS or behind a TLS proxy.
    pub secure_cookies: bool,
    /// Device payloads processed at once; beyond that ingest answers 429 with `Retry-After`, so
    /// memory stays bounded whatever the load (at most this many bodies of `max_ingest_body`).
    pub max_ingest_in_flight: usize,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            max_ingest_body: 4 * 1024 * 1024,
            secure_cookies: false,
            max_ingest_in_flight: 256,
        }
    }
}
