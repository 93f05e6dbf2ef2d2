//! Device transports that neibao opens itself, as opposed to the HTTP pushes the server receives:
//!
//! - [`pull`]: long-lived pull clients for the Hikvision ISAPI alert stream
//!   (`GET /ISAPI/Event/notification/alertStream`, docs/DEVICE-FORMATS.md §1 "Transports") and the
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
mod backoff;
pub mod mqtt;
mod mqtt_message;
pub mod pull;
mod pull_kind;
mod shutdown;
mod sink;
mod status;
pub mod stream;

pub use backoff::Backoff;
pub use mqtt::{decode_message, run_mqtt, run_mqtt_with_status, MqttBroker, MqttConfig, MqttConfigError};
pub use mqtt_message::{MqttMessage, MqttRoute};
pub use pull::{decode_part, run_pull, run_pull_with_status, PullConfig};
pub use pull_kind::PullKind;
pub use sink::{Sink, SinkError};
pub use status::{StatusHandle, TransportStatus};
pub use stream::{PartStream, StreamPart};
