//! Pull clients for device event streams (docs/DEVICE-FORMATS.md §1 "Transports" and "Quirks: stream
//! drops", §3 "Structure" and "Quirks", §0.2, §0.6).
//!
//! [`run_pull`] subscribes with one `GET` to an endless multipart stream:
//! - Hikvision: `GET /ISAPI/Event/notification/alertStream` → `multipart/mixed; boundary=boundary`,
//!   parts `application/xml; charset="UTF-8"` (`EventNotificationAlert`, heartbeats are `videoloss`
//!   `inactive`), on NVRs also `application/json` (faceCapture) and `image/jpeg` parts;
//! - Dahua (and OEMs): `GET /cgi-bin/eventManager.cgi?action=attach&codes=[All]&heartbeat=5` →
//!   `multipart/x-mixed-replace; boundary=myboundary`, `text/plain` parts `Heartbeat` or
//!   `Code=…;action=…;index=…[;data={…}]`.
//!
//! It authenticates ([`crate::auth`]: Digest, or Basic when the device asks for it), reads the
//! body chunk by chunk into a [`PartStream`], and hands every part to the [`Sink`] as soon as it is
//! complete. When the stream ends, errs, answers non-2xx, or sends no byte for the idle timeout
//! (a silent stream is a dead stream, §0.6), it waits (exponential backoff with jitter, reset once a
//! connection has delivered a part) and subscribes again. A `401` to a request signed with a fresh
//! challenge is an authentication failure: logged as such and retried no sooner than
//! [`PullConfig::auth_failure_backoff`], so a wrong password does not lock the device account.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use neibao_domain::events::DecodedPayload;
use neibao_ingest::DecodeError;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use reqwest::{StatusCode, Url};
use tokio::sync::watch;

use crate::auth::HttpAuth;
use crate::backoff::Backoff;
use crate::shutdown::{is_shutdown, wait_shutdown};
use crate::sink::Sink;
use crate::status::{disconnected, StatusHandle};
use crate::stream::{boundary_from_content_type, PartStream, StreamPart, DEFAULT_MAX_PART};

pub use crate::pull_kind::PullKind;

/// Settings of one pull client. Build with [`PullConfig::new`] and adjust the public fields.
#[derive(Clone)]
pub struct PullConfig {
    /// Opaque name of this stream, passed back in every [`Sink`] call (e.g. the device id).
    pub source: String,
    /// Full subscription URL, `http://` or `https://` (HTTPS only where the build enables a TLS
    /// backend for reqwest), e.g. `http://192.0.2.10/ISAPI/Event/notification/alertStream`. User
    /// info in the URL (`http://user:pass@host/…`) is used when `username` is empty, and never sent
    /// or logged as part of the URL.
    pub url: String,
    /// Device account; empty means no authentication.
    pub username: String,
    /// Device password (never logged).
    pub password: String,
    /// Stream dialect.
    pub kind: PullKind,
    /// First reconnect delay (default 1 s).
    pub backoff_min: Duration,
    /// Largest reconnect delay (default 60 s).
    pub backoff_max: Duration,
    /// Least delay after an authentication failure (default 5 min).
    pub auth_failure_backoff: Duration,
    /// Reconnect when no byte arrives for this long (default [`default_idle_timeout`] of the URL:
    /// 3 × the Dahua `heartbeat=` seconds, at least 10 s; otherwise 90 s). Also bounds the wait for
    /// the response headers.
    pub idle_timeout: Duration,
    /// TCP connect timeout (default 10 s).
    pub connect_timeout: Duration,
    /// Largest part body kept, in bytes (default 4 MiB); larger parts are dropped.
    pub max_part: usize,
}

impl std::fmt::Debug for PullConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PullConfig")
            .field("source", &self.source)
            .field("url", &redact_url(&self.url))
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field("kind", &self.kind)
            .field("backoff_min", &self.backoff_min)
            .field("backoff_max", &self.backoff_max)
            .field("auth_failure_backoff", &self.auth_failure_backoff)
            .field("idle_timeout", &self.idle_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_part", &self.max_part)
            .finish()
    }
}

impl PullConfig {
    /// A configuration with the defaults documented on each field.
    pub fn new(
        source: impl Into<String>,
        url: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<String>,
        kind: PullKind,
    ) -> Self {
        let url = url.into();
        PullConfig {
            source: source.into(),
            idle_timeout: default_idle_timeout(&url),
            url,
            username: username.into(),
            password: password.into(),
            kind,
            backoff_min: Duration::from_secs(1),
            backoff_max: Duration::from_secs(60),
            auth_failure_backoff: Duration::from_secs(300),
            connect_timeout: Duration::from_secs(10),
            max_part: DEFAULT_MAX_PART,
        }
    }
}

/// The idle timeout for a subscription URL: 3 × its `heartbeat=N` query value in seconds (Dahua),
/// at least 10 s; 90 s when the URL has none (Hikvision streams send a `videoloss` heartbeat every
/// few seconds when idle).
pub fn default_idle_timeout(url: &str) -> Duration {
    let hb = Url::parse(url).ok().and_then(|u| {
        u.query_pairs()
            .find(|(k, _)| k.eq_ignore_ascii_case("heartbeat"))
            .and_then(|(_, v)| v.trim().parse::<u64>().ok())
    });
    match hb {
        Some(n) if n > 0 => Duration::from_secs(n.saturating_mul(3).clamp(10, 3600)),
        _ => Duration::from_secs(90),
    }
}

/// Decodes one stream part with the `neibao-ingest` decoder for `kind`:
/// - Hikvision: [`neibao_ingest::decode_hikvision`] with the part's `Content-Type` (XML alert,
///   JSON faceCapture; `videoloss`/`inactive` counts as a heartbeat);
/// - Dahua: [`neibao_ingest::decode_dahua`] as `text/plain` (`Heartbeat` → `heartbeats == 1`, no
///   event; `action=State` noise → an empty payload; `Start`/`Pulse` active, `Stop` inactive,
///   channel = `index + 1`).
///
/// Image parts (`image/*`) decode to an empty payload: a part arrives on its own, after the event
/// it belongs to was already delivered, so it is not attached to that event (the raw bytes are in
/// the [`StreamPart`] the sink received). Errors are the decoder's ([`DecodeError`]); they carry no
/// payload bytes.
pub fn decode_part(kind: PullKind, part: &StreamPart) -> Result<DecodedPayload, DecodeError> {
    if part.is_image() {
        return Ok(DecodedPayload::default());
    }
    match kind {
        PullKind::HikvisionAlertStream => neibao_ingest::decode_hikvision(part.content_type.as_deref(), &part.body),
        PullKind::DahuaAttach => neibao_ingest::decode_dahua(Some("text/plain"), &part.body),
    }
}

/// Runs a pull client until `shutdown` holds `true` (or its sender is dropped); see the module
/// docs. Returns at once, after logging, if `cfg.url` is not an `http(s)` URL.
pub async fn run_pull(cfg: PullConfig, sink: Arc<dyn Sink>, shutdown: watch::Receiver<bool>) {
    run_pull_with_status(cfg, sink, shutdown, StatusHandle::new()).await
}

/// [`run_pull`], keeping `status` up to date (connected, last part time, reconnect count, last
/// error).
pub async fn run_pull_with_status(
    cfg: PullConfig,
    sink: Arc<dyn Sink>,
    shutdown: watch::Receiver<bool>,
    status: StatusHandle,
) {
    let (url, username, password) = match parse_url(&cfg) {
        Ok(v) => v,
        Err(e) => {
            tracing::error!(source = %cfg.source, error = %e, "pull client not started: bad URL");
            status.update(|s| s.last_error = Some(e));
            return;
        }
    };
    let client = match reqwest::Client::builder()
        .connect_timeout(cfg.connect_timeout)
        .pool_max_idle_per_host(0)
        .tcp_nodelay(true)
        .tcp_keepalive(Some(Duration::from_secs(30)))
        .redirect(reqwest::redirect::Policy::none())
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(source = %cfg.source, error = %e, "pull client not started: HTTP client");
            status.update(|s| s.last_error = Some(format!("http client: {e}")));
            return;
        }
    };
    let mut auth = HttpAuth::new(username, password);
    let mut backoff = Backoff::new(cfg.backoff_min, cfg.backoff_max);
    let mut attempts: u64 = 0;
    loop {
        if is_shutdown(&shutdown) {
            break;
        }
        if attempts > 0 {
            status.update(|s| s.reconnects += 1);
        }
        attempts += 1;
        let mut session = Session {
            cfg: &cfg,
            client: &client,
            url: &url,
            auth: &mut auth,
            sink: sink.as_ref(),
            status: &status,
            parts: 0,
        };
        let end = tokio::select! {
            end = session.run() => end,
            _ = wait_shutdown(shutdown.clone()) => {
                if status.snapshot().connected {
                    disconnected(&cfg.source, sink.as_ref(), &status, "shutdown").await;
                }
                break;
            }
        };
        let parts = session.parts;
        if status.snapshot().connected {
            disconnected(&cfg.source, sink.as_ref(), &status, &end.reason).await;
        } else {
            status.update(|s| s.last_error = Some(end.reason.clone()));
        }
        if parts > 0 {
            backoff.reset();
        }
        let mut delay = backoff.next_delay();
        if end.auth_failed {
            delay = delay.max(cfg.auth_failure_backoff);
            tracing::error!(
                source = %cfg.source, reason = %end.reason, retry_in_s = delay.as_secs_f64(),
                "device rejected the credentials (check the username and password of this device)"
            );
        } else {
            tracing::warn!(
                source = %cfg.source, reason = %end.reason, retry_in_s = delay.as_secs_f64(),
                "event stream closed; reconnecting"
            );
        }
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = wait_shutdown(shutdown.clone()) => break,
        }
    }
}

/// The URL without user info, plus the credentials to use.
fn parse_url(cfg: &PullConfig) -> Result<(Url, String, String), String> {
    let mut url = Url::parse(cfg.url.trim()).map_err(|e| format!("invalid URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err("URL must be http:// or https:// with a host".into());
    }
    let (mut user, mut pass) = (cfg.username.clone(), cfg.password.clone());
    if user.is_empty() && !url.username().is_empty() {
        user = percent_decode(url.username());
        pass = url.password().map(percent_decode).unwrap_or_default();
    }
    let _ = url.set_username("");
    let _ = url.set_password(None);
    Ok((url, user, pass))
}

/// `%XX` decoding of URL user info (invalid escapes are kept as they are).
pub(crate) fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn redact_url(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut u) => {
            if u.password().is_some() {
                let _ = u.set_password(Some("redacted"));
            }
            u.to_string()
        }
        Err(_) => "<invalid URL>".into(),
    }
}

/// The request target signed by Digest: path and query as sent on the request line.
fn request_target(url: &Url) -> String {
    match url.query() {
        Some(q) => format!("{}?{}", url.path(), q),
        None => url.path().to_string(),
    }
}

struct SessionEnd {
    reason: String,
    auth_failed: bool,
}

impl SessionEnd {
    fn failed(reason: impl Into<String>) -> Self {
        SessionEnd {
            reason: reason.into(),
            auth_failed: false,
        }
    }
}

struct Session<'a> {
    cfg: &'a PullConfig,
    client: &'a reqwest::Client,
    url: &'a Url,
    auth: &'a mut HttpAuth,
    sink: &'a dyn Sink,
    status: &'a StatusHandle,
    parts: u64,
}

impl Session<'_> {
    /// One subscription: authenticate, stream until the connection ends. Never returns early on
    /// a sink error.
    async fn run(&mut self) -> SessionEnd {
        let resp = match self.subscribe().await {
            Ok(r) => r,
            Err(end) => return end,
        };
        let boundary = resp
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(boundary_from_content_type);
        let mut parser = PartStream::with_max_part(boundary.as_deref(), self.cfg.max_part);
        let now = chrono::Utc::now();
        self.status.update(|s| {
            s.connected = true;
            s.connected_since = Some(now);
        });
        tracing::info!(source = %self.cfg.source, kind = self.cfg.kind.code(), "event stream connected");
        if let Err(e) = self.sink.state(&self.cfg.source, true, "connected").await {
            tracing::warn!(source = %self.cfg.source, error = %e, "sink refused a state change");
        }
        let mut body = resp.bytes_stream();
        let idle = self.cfg.idle_timeout;
        loop {
            let chunk = match tokio::time::timeout(idle, body.next()).await {
                Err(_) => return SessionEnd::failed(format!("idle timeout: no bytes for {} s", idle.as_secs_f64())),
                Ok(None) => return SessionEnd::failed("stream ended"),
                Ok(Some(Err(e))) => return SessionEnd::failed(format!("read error: {}", e.without_url())),
                Ok(Some(Ok(c))) => c,
            };
            parser.push(&chunk);
            while let Some(part) = parser.next_part() {
                self.parts += 1;
                let now = chrono::Utc::now();
                self.status.update(|s| {
                    s.parts += 1;
                    s.last_part_at = Some(now);
                });
                if let Err(e) = self.sink.part(&self.cfg.source, self.cfg.kind, part).await {
                    tracing::warn!(source = %self.cfg.source, error = %e, "sink refused a stream part");
                }
            }
        }
    }

    /// The subscription GET, with up to two authentication round trips.
    async fn subscribe(&mut self) -> Result<reqwest::Response, SessionEnd> {
        let target = request_target(self.url);
        let mut fresh_challenge = false;
        for _ in 0..3 {
            let authz = self.auth.authorization(&target).map_err(|e| SessionEnd {
                reason: format!("authentication: {e}"),
                auth_failed: true,
            })?;
            let signed = authz.is_some();
            let mut req = self.client.get(self.url.clone());
            if let Some(h) = authz {
                req = req.header(AUTHORIZATION, h);
            }
            let wait = self.cfg.connect_timeout + self.cfg.idle_timeout;
            let resp = match tokio::time::timeout(wait, req.send()).await {
                Err(_) => return Err(SessionEnd::failed("timeout waiting for the response headers")),
                Ok(Err(e)) => return Err(SessionEnd::failed(format!("request failed: {}", e.without_url()))),
                Ok(Ok(r)) => r,
            };
            let status = resp.status();
            if status == StatusCode::UNAUTHORIZED {
                if signed && fresh_challenge {
                    return Err(SessionEnd {
                        reason: "authentication failed (401 to signed request)".into(),
                        auth_failed: true,
                    });
                }
                let values: Vec<String> = resp
                    .headers()
                    .get_all(WWW_AUTHENTICATE)
                    .iter()
                    .filter_map(|v| v.to_str().ok().map(str::to_owned))
                    .collect();
                drop(resp);
                self.auth
                    .set_challenge(values.iter().map(String::as_str))
                    .map_err(|e| SessionEnd {
                        reason: format!("authentication: {e}"),
                        auth_failed: true,
                    })?;
                if !self.auth.has_username() {
                    return Err(SessionEnd {
                        reason: "device requires authentication and no username is configured".into(),
                        auth_failed: true,
                    });
                }
                fresh_challenge = true;
                continue;
            }
            if !status.is_success() {
                return Err(SessionEnd::failed(format!("http {}", status.as_u16())));
            }
            return Ok(resp);
        }
        Err(SessionEnd {
            reason: "authentication failed (repeated 401)".into(),
            auth_failed: true,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_timeout_from_heartbeat() {
        assert_eq!(
            default_idle_timeout("http://nvr/cgi-bin/eventManager.cgi?action=attach&codes=[All]&heartbeat=5"),
            Duration::from_secs(15)
        );
        assert_eq!(
            default_idle_timeout("http://cam/ISAPI/Event/notification/alertStream"),
            Duration::from_secs(90)
        );
        assert_eq!(default_idle_timeout("http://x/?heartbeat=1"), Duration::from_secs(10));
    }

    #[test]
    fn url_credentials_and_target() {
        let cfg = PullConfig::new(
            "d",
            "http://ad%40min:p%3Aw@192.0.2.10:8080/cgi-bin/eventManager.cgi?action=attach&codes=[All]&heartbeat=5",
            "",
            "",
            PullKind::DahuaAttach,
        );
        let (url, u, p) = parse_url(&cfg).unwrap();
        assert_eq!((u.as_str(), p.as_str()), ("ad@min", "p:w"));
        assert_eq!(url.username(), "");
        assert_eq!(
            request_target(&url),
            "/cgi-bin/eventManager.cgi?action=attach&codes=[All]&heartbeat=5"
        );
        assert!(!format!("{cfg:?}").contains("p%3Aw"));
        assert!(parse_url(&PullConfig::new("d", "ftp://x/", "", "", PullKind::DahuaAttach)).is_err());
        assert_eq!(percent_decode("%4"), "%4");
        assert_eq!(percent_decode("a%zz%41"), "a%zzA");
    }
}
