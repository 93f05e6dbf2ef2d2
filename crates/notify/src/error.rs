//! Delivery error.

/// Why one delivery attempt failed, and whether retrying may help.
///
/// `message` is short, zh-CN (with the vendor's own error text appended where useful, e.g.
/// `钉钉返回错误 310000：sign not match`), and never contains secrets, tokens or full URLs, so it
/// can be stored in the outbox row and shown in the UI.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DeliveryError {
    /// `true` when a later attempt may succeed (network error, timeout, HTTP 5xx/408/429,
    /// vendor rate limit, SMTP 4xx); `false` when it will fail again until the configuration
    /// or the receiver changes (HTTP 4xx, vendor error codes, SMTP 5xx, invalid config).
    pub retryable: bool,
    /// Human-readable reason (zh-CN, no secrets).
    pub message: String,
}

impl DeliveryError {
    /// A failure worth retrying later (see [`crate::backoff`]).
    pub fn retryable(message: impl Into<String>) -> Self {
        DeliveryError {
            retryable: true,
            message: message.into(),
        }
    }

    /// A failure that retrying will not fix.
    pub fn permanent(message: impl Into<String>) -> Self {
        DeliveryError {
            retryable: false,
            message: message.into(),
        }
    }
}
