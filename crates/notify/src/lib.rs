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
mod notification;
mod render;
mod retry;
mod timeouts;

pub use config::{generate_secret, mask_url, ChannelConfig};
pub use error::DeliveryError;
pub use http::{dingtalk_sign, verify_signature, webhook_body, webhook_signature};
pub use notification::{Category, Notification};
pub use render::{
    email_subject, render_dingtalk_markdown, render_email_text, render_wecom_markdown, sanitize_line, severity_label_zh,
};
pub use retry::{backoff, BACKOFF_BASE_SECS, BACKOFF_CAP_SECS, MAX_ATTEMPTS};
pub use timeouts::{EMAIL_TOTAL_TIMEOUT, REQUEST_TIMEOUT};

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
