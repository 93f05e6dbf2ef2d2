//! The interface between the transport loops and their user: what they deliver, and how.

use crate::mqtt_message::MqttMessage;
use crate::pull_kind::PullKind;
use crate::stream::StreamPart;

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
    /// One part of a pull stream, in stream order. `source` is
    /// [`PullConfig::source`](crate::PullConfig::source); `kind` says which decoder applies
    /// ([`decode_part`](crate::decode_part)). Heartbeat parts are delivered too (they are
    /// liveness, docs/DEVICE-FORMATS.md §0.6).
    async fn part(&self, source: &str, kind: PullKind, part: StreamPart) -> Result<(), SinkError> {
        let _ = (source, kind, part);
        Ok(())
    }

    /// One MQTT message on a subscribed topic. `source` is
    /// [`MqttConfig::source`](crate::MqttConfig::source).
    async fn mqtt(&self, source: &str, msg: MqttMessage) -> Result<(), SinkError> {
        let _ = (source, msg);
        Ok(())
    }

    /// A connection-state transition of a transport: `connected` true once a pull stream answered
    /// 2xx (or the MQTT subscriptions were acknowledged), with reason `"connected"` /
    /// `"subscribed"`; false when that connection ended, with a short reason (`"stream ended"`,
    /// `"idle timeout: no bytes for 15 s"`, `"http 404"`, `"authentication failed"`,
    /// `"shutdown"`, a network error …). Only transitions are reported: a failed attempt while
    /// already disconnected reports nothing (see
    /// [`TransportStatus::last_error`](crate::TransportStatus::last_error)).
    async fn state(&self, source: &str, connected: bool, reason: &str) -> Result<(), SinkError> {
        let _ = (source, connected, reason);
        Ok(())
    }
}
