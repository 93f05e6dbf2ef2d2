//! Alert notification delivery: signed webhooks, DingTalk and WeCom group robots, SMTP email.
//!
//! This crate is the *pure delivery layer* of the notification outbox. It keeps no state and
//! never retries by itself: the outbox worker (engine/store crates) loads a pending row, builds
//! a [`Notification`] whose [`Notification::id`] is the outbox row id, calls [`deliver`] once,
//! and on failure consults [`DeliveryError::retryable`], [`backoff`] and [`MAX_ATTEMPTS`] to
//! schedule the next attempt or give up.
//!
//! Delivery is *at least once* at the transport level; receivers de-duplicate with the stable
//! delivery id, which every channel carries:
//! * signed webhook: header `X-Neibao-Delivery` and the `id` field of the JSON body;
//! * email: the `Message-ID` header is derived from it;
//! * DingTalk / WeCom robots have no idempotency key; the id is only logged.
//!
//! Channels ([`ChannelConfig`]):
//! * [`ChannelConfig::Webhook`]: JSON POST signed with HMAC-SHA256 (see [`webhook_signature`],
//!   [`verify_signature`]).
//! * [`ChannelConfig::DingTalk`]: DingTalk custom group robot (自定义机器人), `markdown`
//!   message, optional "加签" security setting (see [`dingtalk_sign`]).
//! * [`ChannelConfig::WeCom`]: WeCom group robot (群机器人) webhook, `markdown` message.
//! * [`ChannelConfig::Email`]: SMTP (plain, STARTTLS or implicit TLS on port 465), plain-text
//!   zh-CN body.
//!
//! TLS for both HTTP and SMTP is rustls with the *ring* provider and the system trust store.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod config;
mod email;
mod error;
mod http;
mod render;

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use config::{generate_secret, mask_url, ChannelConfig};
pub use error::DeliveryError;
pub use http::{dingtalk_sign, verify_signature, webhook_body, webhook_signature};
pub use render::{
    email_subject, render_dingtalk_markdown, render_email_text, render_wecom_markdown, sanitize_line, severity_label_zh,
};

/// Timeout applied to every HTTP request (connect + send + response), and to every SMTP
/// command.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Upper bound for one whole SMTP conversation (connect, TLS, auth, envelope, data, quit).
pub const EMAIL_TOTAL_TIMEOUT: Duration = Duration::from_secs(60);

/// Maximum number of delivery attempts for one notification on one channel (the first try
/// included). After the 12th failed attempt the outbox row should be marked as failed
/// ("投递失败") and no longer retried.
///
/// With [`backoff`] the delays between the 12 attempts are about
/// 30 s, 1, 2, 4, 8, 16, 32 min, then 1 h four times, i.e. the last attempt happens roughly
/// 5 hours after the first one (±20 % jitter per step).
pub const MAX_ATTEMPTS: u32 = 12;

/// First retry delay, in seconds (see [`backoff`]).
pub const BACKOFF_BASE_SECS: u64 = 30;

/// Cap of the retry delay, in seconds (see [`backoff`]).
pub const BACKOFF_CAP_SECS: u64 = 3600;

/// One alert notification, as handed to a channel.
///
/// Serialized (serde, snake_case field names) it is also the body of a signed webhook,
/// with an extra `"type": "alert"` member (see [`webhook_body`]). Texts are zh-CN.
/// Fields that may come from devices (`device_name`, `summary`, `title`, `unit_name`, `rule`)
/// are treated as untrusted by the renderers: control characters are stripped and markdown /
/// HTML active characters are neutralized.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    /// Stable delivery id (the outbox row id). It is the idempotency key: identical across
    /// retries of the same delivery, distinct between deliveries.
    pub id: String,
    /// Id of the alert this notification is about.
    pub alert_id: String,
    /// Alert title, zh-CN (e.g. `"周界入侵"`).
    pub title: String,
    /// Severity code: `"low"`, `"medium"`, `"high"` or `"critical"`.
    pub severity: String,
    /// Severity label, zh-CN (`"低"`, `"中"`, `"高"`, `"紧急"`); see [`severity_label_zh`].
    pub severity_label: String,
    /// Name of the unit (单位) the alert belongs to.
    pub unit_name: String,
    /// Name of the device that raised the event, when known (device-provided text).
    pub device_name: Option<String>,
    /// Name of the rule that produced the alert.
    pub rule: String,
    /// When the underlying event happened (UTC; rendered in Beijing time, UTC+8).
    pub happened_at: DateTime<Utc>,
    /// Absolute `http(s)` URL of the alert page in the web UI, when the public base URL is
    /// configured. Other schemes are not rendered as links.
    pub link: Option<String>,
    /// Short summary, zh-CN, may span several lines (may contain device-provided text).
    pub summary: String,
    /// Escalation level: 0 for the first notification, 1, 2, ... for escalations.
    pub escalation_level: i64,
}

/// Delivers `n` once over `channel`.
///
/// * `client` is used for the HTTP channels (Webhook, DingTalk, WeCom); build it once with
///   [`http_client`] (or any client; a per-request timeout of [`REQUEST_TIMEOUT`] is applied
///   anyway). It is not used by [`ChannelConfig::Email`].
/// * Returns `Ok(())` only when the receiver confirmed acceptance: HTTP 2xx for webhooks,
///   HTTP 2xx **and** `errcode == 0` for DingTalk / WeCom, SMTP 250 after `DATA` for email.
/// * Errors tell whether a later attempt may succeed ([`DeliveryError::retryable`]):
///   network errors, timeouts, HTTP 5xx/408/429, vendor rate-limit codes and SMTP 4xx replies
///   are retryable; other HTTP 4xx/3xx, other vendor error codes, SMTP 5xx replies and invalid
///   configuration are permanent. Error messages never contain secrets or full URLs.
pub async fn deliver(client: &reqwest::Client, channel: &ChannelConfig, n: &Notification) -> Result<(), DeliveryError> {
    let result = match channel {
        ChannelConfig::Webhook { url, secret } => http::send_webhook(client, url, secret, n).await,
        ChannelConfig::DingTalk { url, secret } => http::send_dingtalk(client, url, secret.as_deref(), n).await,
        ChannelConfig::WeCom { url } => http::send_wecom(client, url, n).await,
        ChannelConfig::Email { .. } => email::send_email(channel, n).await,
    };
    match &result {
        Ok(()) => tracing::debug!(delivery = %n.id, channel = channel.kind(), "notification delivered"),
        Err(e) => tracing::warn!(
            delivery = %n.id,
            channel = channel.kind(),
            retryable = e.retryable,
            error = %e.message,
            "notification delivery failed"
        ),
    }
    result
}

/// Builds an HTTP client suited to [`deliver`]: rustls (ring) with system roots, a
/// [`REQUEST_TIMEOUT`] timeout, a `neibao-notify/<version>` user agent and **no redirect
/// following** (a redirect answer is reported as a permanent error, since POST bodies must not
/// be silently re-sent elsewhere).
///
/// # Errors
/// Returns the reqwest builder error when the TLS backend cannot be initialised
/// (e.g. unreadable system trust store).
pub fn http_client() -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .connect_timeout(REQUEST_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("neibao-notify/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// Delay to wait after the `attempt`-th failed attempt before trying again.
///
/// `attempt` counts failed attempts so far, starting at 1 (0 is treated as 1). The nominal
/// delay is `30 s × 2^(attempt-1)`, capped at 1 hour, then multiplied by a random factor in
/// `[0.8, 1.2]` (±20 % jitter, to spread retries of many notifications), and finally capped
/// again so that the result never exceeds 1 hour. Bounds: `backoff(1)` ∈ [24 s, 36 s],
/// `backoff(n)` ∈ [48 min, 60 min] for n ≥ 8.
pub fn backoff(attempt: u32) -> Duration {
    use rand::Rng;
    let exp = attempt.max(1) - 1;
    let nominal = if exp >= 7 {
        BACKOFF_CAP_SECS
    } else {
        (BACKOFF_BASE_SECS << exp).min(BACKOFF_CAP_SECS)
    };
    let factor: f64 = rand::thread_rng().gen_range(0.8..=1.2);
    let ms = ((nominal as f64) * 1000.0 * factor).round() as u64;
    Duration::from_millis(ms.min(BACKOFF_CAP_SECS * 1000))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_bounds() {
        for _ in 0..200 {
            let d = backoff(1).as_secs_f64();
            assert!((24.0..=36.0).contains(&d), "{d}");
            let d = backoff(0).as_secs_f64();
            assert!((24.0..=36.0).contains(&d), "{d}");
            let d = backoff(2).as_secs_f64();
            assert!((48.0..=72.0).contains(&d), "{d}");
            let d = backoff(5).as_secs_f64();
            assert!((384.0..=576.0).contains(&d), "{d}");
            for a in [7, 8, 9, 12, 30, 64, u32::MAX] {
                let d = backoff(a).as_secs_f64();
                assert!(d <= 3600.0, "{a}: {d}");
                if a >= 8 {
                    assert!(d >= 2880.0, "{a}: {d}");
                }
            }
        }
    }

    #[test]
    fn backoff_is_jittered() {
        let samples: std::collections::HashSet<u128> = (0..50).map(|_| backoff(3).as_millis()).collect();
        assert!(samples.len() > 5);
    }

    #[test]
    fn schedule_total_is_hours_not_days() {
        // Nominal total delay over MAX_ATTEMPTS attempts (MAX_ATTEMPTS - 1 waits).
        let total: u64 = (1..MAX_ATTEMPTS)
            .map(|a| (BACKOFF_BASE_SECS << (a - 1).min(7)).min(BACKOFF_CAP_SECS))
            .sum();
        assert!(total > 4 * 3600 && total < 6 * 3600, "{total}");
    }
}
