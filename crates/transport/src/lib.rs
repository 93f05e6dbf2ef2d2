//! Device transports that neibao opens itself, as opposed to the HTTP pushes the server receives:
//!
//! - [`pull`]: long-lived pull clients for the Hikvision ISAPI alert stream
//!   (`GET /ISAPI/Event/notification/alertStream`, DEVICE-FORMATS.md §1 "Transports") and the
//!   Dahua event stream (`GET /cgi-bin/eventManager.cgi?action=attach…`, §3 "Structure"): Digest
//!   or Basic authentication ([`auth`]), incremental multipart parsing across reads ([`stream`]),
//!   a read-idle timeout, reconnection with exponential backoff and jitter, resubscription;
//! - [`mqtt`]: an MQTT 3.1.1 subscriber for Frigate NVR topics (§5) and for the generic event shape
//!   on `neibao/events/<ingest token>`, against any broker (plain TCP).
//!
//! Both deliver to a [`Sink`] the caller implements: raw parts and messages, plus connection-state
//! transitions for device liveness. Decoding is left to the sink, with helpers
//! ([`pull::decode_part`], [`mqtt::decode_message`]) that call the `neibao-ingest` decoders. Both
//! loops run until their shutdown signal and never end on a device, network or sink error: errors
//! are logged (never with payload bytes or credentials) and the connection is retried.
//!
//! Running either loop needs a Tokio runtime with the `time` and `net` drivers.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod auth;
pub mod mqtt;
pub mod pull;
pub mod stream;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};

pub use mqtt::{
    decode_message, run_mqtt, run_mqtt_with_status, MqttBroker, MqttConfig, MqttConfigError, MqttMessage, MqttRoute,
};
pub use pull::{decode_part, run_pull, run_pull_with_status, PullConfig, PullKind};
pub use stream::{PartStream, StreamPart};

/// The error type a [`Sink`] returns; it is logged by the transport loop and otherwise ignored.
pub type SinkError = Box<dyn std::error::Error + Send + Sync>;

/// Where the transports deliver what they receive. Implemented by the server (which binds a
/// source to a device record, decodes, stores and raises alerts) and by tests.
///
/// Calls for one transport loop are sequential and awaited before the loop reads on, so a slow
/// sink slows the stream down (backpressure; for MQTT a sink that blocks for longer than the
/// keep-alive interval gets the connection dropped by the broker): enqueue and return. An error is
/// logged and the loop carries on. Every method has a default that ignores its input, so a sink
/// only implements what it uses.
#[async_trait::async_trait]
pub trait Sink: Send + Sync {
    /// One part of a pull stream, in stream order. `source` is [`PullConfig::source`]; `kind` says
    /// which decoder applies ([`decode_part`]). Heartbeat parts are delivered too (they are
    /// liveness, DEVICE-FORMATS.md §0.6).
    async fn part(&self, source: &str, kind: PullKind, part: StreamPart) -> Result<(), SinkError> {
        let _ = (source, kind, part);
        Ok(())
    }

    /// One MQTT message on a subscribed topic. `source` is [`MqttConfig::source`].
    async fn mqtt(&self, source: &str, msg: MqttMessage) -> Result<(), SinkError> {
        let _ = (source, msg);
        Ok(())
    }

    /// A connection-state transition of a transport: `connected` true once a pull stream answered
    /// 2xx (or the MQTT subscriptions were acknowledged), with reason `"connected"` /
    /// `"subscribed"`; false when that connection ended, with a short reason (`"stream ended"`,
    /// `"idle timeout: no bytes for 15 s"`, `"http 404"`, `"authentication failed"`,
    /// `"shutdown"`, a network error …). Only transitions are reported: a failed attempt while
    /// already disconnected reports nothing (see [`TransportStatus::last_error`]).
    async fn state(&self, source: &str, connected: bool, reason: &str) -> Result<(), SinkError> {
        let _ = (source, connected, reason);
        Ok(())
    }
}

/// A snapshot of one transport loop's state, for status pages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TransportStatus {
    /// A pull stream is open (2xx received) or the MQTT subscriptions are acknowledged.
    pub connected: bool,
    /// When the current connection was established.
    pub connected_since: Option<DateTime<Utc>>,
    /// When the last part (pull) or message (MQTT) was received.
    pub last_part_at: Option<DateTime<Utc>>,
    /// Parts or messages received since the loop started.
    pub parts: u64,
    /// Connection attempts after the first one.
    pub reconnects: u64,
    /// Why the last connection or attempt ended (no payload bytes, no credentials).
    pub last_error: Option<String>,
}

/// A shared handle on a [`TransportStatus`], updated by the loop it is passed to; cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct StatusHandle(Arc<Mutex<TransportStatus>>);

impl StatusHandle {
    /// A fresh status (disconnected, nothing received).
    pub fn new() -> Self {
        Self::default()
    }

    /// A copy of the current status.
    pub fn snapshot(&self) -> TransportStatus {
        match self.0.lock() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    pub(crate) fn update(&self, f: impl FnOnce(&mut TransportStatus)) {
        match self.0.lock() {
            Ok(mut g) => f(&mut g),
            Err(p) => f(&mut p.into_inner()),
        }
    }
}

/// Exponential backoff with jitter: the n-th consecutive failure waits a random time in
/// `[d/2, d]` (never less than `min`), where `d = min · 2ⁿ` capped at `max`.
#[derive(Debug, Clone)]
pub struct Backoff {
    min: Duration,
    max: Duration,
    current: Duration,
}

impl Backoff {
    /// A backoff between `min` and `max` (`max` is raised to `min` if smaller; a zero `min` is
    /// taken as 1 ms).
    pub fn new(min: Duration, max: Duration) -> Self {
        let min = min.max(Duration::from_millis(1));
        let max = max.max(min);
        Backoff { min, max, current: min }
    }

    /// The delay before the next attempt; doubles the base for the one after.
    pub fn next_delay(&mut self) -> Duration {
        let d = self.current;
        self.current = (self.current * 2).min(self.max);
        let half = d / 2;
        let jitter = half.mul_f64(rand::random::<f64>());
        (half + jitter).max(self.min)
    }

    /// Back to `min`, after a healthy connection.
    pub fn reset(&mut self) {
        self.current = self.min;
    }
}

/// Resolves when `shutdown` holds `true` or its sender is dropped.
pub(crate) async fn wait_shutdown(mut shutdown: tokio::sync::watch::Receiver<bool>) {
    loop {
        if *shutdown.borrow_and_update() {
            return;
        }
        if shutdown.changed().await.is_err() {
            return;
        }
    }
}

pub(crate) fn is_shutdown(shutdown: &tokio::sync::watch::Receiver<bool>) -> bool {
    *shutdown.borrow() || shutdown.has_changed().is_err()
}

/// Records a lost connection in `status` and tells the sink (a refusal is logged).
pub(crate) async fn disconnected(source: &str, sink: &dyn Sink, status: &StatusHandle, reason: &str) {
    status.update(|s| {
        s.connected = false;
        s.connected_since = None;
        s.last_error = Some(reason.to_string());
    });
    if let Err(e) = sink.state(source, false, reason).await {
        tracing::warn!(%source, error = %e, "sink refused a state change");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_caps_and_resets() {
        let mut b = Backoff::new(Duration::from_secs(1), Duration::from_secs(60));
        let mut last_cap = Duration::ZERO;
        for i in 0..10 {
            let d = b.next_delay();
            let cap = Duration::from_secs(1u64 << i).min(Duration::from_secs(60));
            assert!(d <= cap && d >= (cap / 2).max(Duration::from_secs(1)), "{i}: {d:?}");
            last_cap = cap;
        }
        assert_eq!(last_cap, Duration::from_secs(60));
        b.reset();
        assert!(b.next_delay() <= Duration::from_secs(1));
    }
}
