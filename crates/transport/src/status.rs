//! The state of one transport loop, for status pages, and the bookkeeping of a lost connection.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

use crate::sink::Sink;

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
