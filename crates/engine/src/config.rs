//! Settings the services need, validated by the binary.

use std::time::Duration;

/// Engine settings.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Public base URL of the installation (links in notifications); `None`: no links.
    pub public_url: Option<String>,
    /// Browser session lifetime (absolute timeout, from login).
    pub session_ttl: Duration,
    /// A browser session unused for this long ends (idle timeout).
    pub session_idle: Duration,
    /// The on-premise face recognition service asked about faces no device compared
    /// (docs/WATCHLISTS.md "Recognition service"); `None`: only devices' own results are used.
    pub recognition_url: Option<String>,
    /// Its API key (sent as `x-api-key`).
    pub recognition_api_key: Option<String>,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            public_url: None,
            session_ttl: Duration::from_secs(8 * 3600),
            session_idle: Duration::from_secs(30 * 60),
            recognition_url: None,
            recognition_api_key: None,
        }
    }
}

impl EngineConfig {
    /// The defaults, with the recognition service of `NEIBAO_RECOGNITION_URL` and
    /// `NEIBAO_RECOGNITION_API_KEY` (docs/WATCHLISTS.md "Recognition service").
    pub fn from_env() -> Self {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        EngineConfig {
            recognition_url: var("NEIBAO_RECOGNITION_URL"),
            recognition_api_key: var("NEIBAO_RECOGNITION_API_KEY"),
            ..Default::default()
        }
    }
}
