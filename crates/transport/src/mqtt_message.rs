//! A message received by the MQTT subscriber, with the route that tells how to decode it.

/// How a received message is to be decoded and bound to a device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MqttRoute {
    /// A Frigate message under Frigate topic prefix `prefix` (the server binds it to the Frigate
    /// instance configured with that prefix; the camera is in the payload).
    Frigate {
        /// The configured prefix it matched, e.g. `frigate`.
        prefix: String,
    },
    /// A generic-shape message on `<generic_prefix>/<token>`.
    Generic {
        /// The device's ingest token (last topic level), unverified: the server must look it up.
        token: String,
    },
}

/// One message on a subscribed topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MqttMessage {
    /// The full topic it was published on.
    pub topic: String,
    /// Where it goes.
    pub route: MqttRoute,
    /// The raw payload (JSON for every route; not checked here).
    pub payload: Vec<u8>,
    /// The broker's retain flag: a retained message is old state replayed on subscribe.
    pub retain: bool,
}
