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
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            public_url: None,
            session_ttl: Duration::from_secs(8 * 3600),
            session_idle: Duration::from_secs(30 * 60),
        }
    }
}
