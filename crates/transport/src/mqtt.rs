//! MQTT subscriber for Frigate NVR events (docs/DEVICE-FORMATS.md §5) and for the generic event shape
//! (`docs/EVENTS.md`) published by integrations, against any MQTT 3.1.1 broker over plain TCP.
//!
//! Subscriptions (QoS 1), made again after every (re)connection since sessions are clean:
//! - for each Frigate topic prefix `p` (Frigate's `topic_prefix`, default `frigate`; never
//!   hard-coded, §5 "Quirks"): `p/events`, `p/reviews`, `p/tracked_object_update` and
//!   `p/+/tracked_object_update`; the payload is Frigate JSON for [`neibao_ingest::decode_frigate`];
//! - `g/+` for the generic prefix `g` (default `neibao/events`): the last topic level is the
//!   device's ingest token, the payload is generic JSON for [`neibao_ingest::decode_generic_json`].
//!
//! Other topics (`frigate/available`, `frigate/<camera>/<label>/snapshot` JPEGs, stats …) are
//! never subscribed to, and a message on a topic that does not route is dropped. Messages are
//! handed to [`Sink::mqtt`] in arrival order; on any connection error the subscriber waits
//! (exponential backoff with jitter, reset once subscribed) and connects again.

use std::sync::Arc;
use std::time::Duration;

use neibao_domain::events::DecodedPayload;
use neibao_ingest::DecodeError;
use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS, SubscribeFilter, SubscribeReasonCode};
use tokio::sync::watch;

use crate::backoff::Backoff;
use crate::pull::percent_decode;
use crate::shutdown::{is_shutdown, wait_shutdown};
use crate::sink::Sink;
use crate::status::{disconnected, StatusHandle};

pub use crate::mqtt_message::{MqttMessage, MqttRoute};

/// Longest ingest token accepted from a topic level.
const MAX_TOKEN: usize = 256;

/// Settings of the MQTT subscriber. Build with [`MqttConfig::new`] and adjust the public fields.
#[derive(Clone)]
pub struct MqttConfig {
    /// Opaque name of this broker connection, passed back in every [`Sink`] call.
    pub source: String,
    /// Broker address: `mqtt://host:port` or `tcp://host:port` (port defaults to 1883), or a bare
    /// `host:port`; optional credentials as `mqtt://user:pass@host:1883` (percent-encoded).
    /// TLS (`mqtts://`) is not supported by this build.
    pub url: String,
    /// MQTT client id (must be unique per broker; a second client with the same id makes the
    /// broker drop the first).
    pub client_id: String,
    /// Frigate `topic_prefix` values to subscribe under (default `["frigate"]`).
    pub frigate_prefixes: Vec<String>,
    /// Prefix of the generic event topics, `<prefix>/<ingest token>` (default `neibao/events`).
    pub generic_prefix: String,
    /// MQTT keep-alive interval (default 30 s).
    pub keep_alive: Duration,
    /// First reconnect delay (default 1 s).
    pub backoff_min: Duration,
    /// Largest reconnect delay (default 60 s).
    pub backoff_max: Duration,
    /// Largest packet accepted from the broker, in bytes (default 1 MiB); a larger message makes
    /// the client drop the connection and reconnect.
    pub max_packet_size: usize,
}

impl std::fmt::Debug for MqttConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let url = match self.url.split_once('@') {
            Some((scheme_user, host)) => match scheme_user.split_once("://") {
                Some((scheme, _)) => format!("{scheme}://<credentials>@{host}"),
                None => format!("<credentials>@{host}"),
            },
            None => self.url.clone(),
        };
        f.debug_struct("MqttConfig")
            .field("source", &self.source)
            .field("url", &url)
            .field("client_id", &self.client_id)
            .field("frigate_prefixes", &self.frigate_prefixes)
            .field("generic_prefix", &self.generic_prefix)
            .field("keep_alive", &self.keep_alive)
            .field("backoff_min", &self.backoff_min)
            .field("backoff_max", &self.backoff_max)
            .field("max_packet_size", &self.max_packet_size)
            .finish()
    }
}

impl MqttConfig {
    /// A configuration with the defaults documented on each field; `source` is `mqtt:<client_id>`.
    pub fn new(url: impl Into<String>, client_id: impl Into<String>) -> Self {
        let client_id = client_id.into();
        MqttConfig {
            source: format!("mqtt:{client_id}"),
            url: url.into(),
            client_id,
            frigate_prefixes: vec!["frigate".into()],
            generic_prefix: "neibao/events".into(),
            keep_alive: Duration::from_secs(30),
            backoff_min: Duration::from_secs(1),
            backoff_max: Duration::from_secs(60),
            max_packet_size: 1024 * 1024,
        }
    }

    /// The topic filters subscribed to, in order: per Frigate prefix `p/events`, `p/reviews`,
    /// `p/tracked_object_update`, `p/+/tracked_object_update`; then `generic_prefix/+`. Prefixes
    /// are trimmed of surrounding `/`; invalid ones (empty, or with `+`/`#`) are skipped.
    pub fn topic_filters(&self) -> Vec<String> {
        let mut out = Vec::new();
        for p in self.frigate_prefixes.iter().filter_map(|p| clean_prefix(p)) {
            out.push(format!("{p}/events"));
            out.push(format!("{p}/reviews"));
            out.push(format!("{p}/tracked_object_update"));
            out.push(format!("{p}/+/tracked_object_update"));
        }
        if let Some(g) = clean_prefix(&self.generic_prefix) {
            out.push(format!("{g}/+"));
        }
        out
    }

    /// Where a message on `topic` goes, or `None` for a topic this subscriber does not handle.
    /// Frigate prefixes are tried first, then the generic prefix (one more level, non-empty, at
    /// most 256 bytes, no wildcard characters).
    pub fn route(&self, topic: &str) -> Option<MqttRoute> {
        for p in self.frigate_prefixes.iter().filter_map(|p| clean_prefix(p)) {
            let Some(rest) = topic.strip_prefix(p).and_then(|r| r.strip_prefix('/')) else {
                continue;
            };
            let frigate = match rest {
                "events" | "reviews" | "tracked_object_update" => true,
                _ => rest
                    .strip_suffix("/tracked_object_update")
                    .is_some_and(|camera| !camera.is_empty() && !camera.contains('/')),
            };
            if frigate {
                return Some(MqttRoute::Frigate { prefix: p.to_string() });
            }
        }
        let g = clean_prefix(&self.generic_prefix)?;
        let token = topic.strip_prefix(g)?.strip_prefix('/')?;
        let ok = !token.is_empty() && token.len() <= MAX_TOKEN && !token.contains(['/', '+', '#']);
        ok.then(|| MqttRoute::Generic {
            token: token.to_string(),
        })
    }

    /// Broker host, port and credentials from [`MqttConfig::url`].
    pub fn broker(&self) -> Result<MqttBroker, MqttConfigError> {
        let raw = self.url.trim();
        let with_scheme = if raw.contains("://") {
            raw.to_string()
        } else {
            format!("mqtt://{raw}")
        };
        let url = reqwest::Url::parse(&with_scheme).map_err(|_| MqttConfigError::InvalidUrl)?;
        match url.scheme() {
            "mqtt" | "tcp" => {}
            "mqtts" | "ssl" | "tls" => return Err(MqttConfigError::TlsUnsupported),
            _ => return Err(MqttConfigError::InvalidUrl),
        }
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or(MqttConfigError::InvalidUrl)?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let port = url.port().unwrap_or(1883);
        let creds = (!url.username().is_empty()).then(|| {
            (
                percent_decode(url.username()),
                url.password().map(percent_decode).unwrap_or_default(),
            )
        });
        Ok(MqttBroker {
            host,
            port,
            credentials: creds,
        })
    }
}

/// Where to connect, as parsed from [`MqttConfig::url`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MqttBroker {
    /// Host name or IP address (IPv6 without brackets).
    pub host: String,
    /// TCP port (default 1883).
    pub port: u16,
    /// `(username, password)` from the URL's user info, percent-decoded.
    pub credentials: Option<(String, String)>,
}

/// A bad [`MqttConfig`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MqttConfigError {
    /// The URL is not `mqtt://host[:port]`, `tcp://…` or `host:port`.
    #[error("invalid MQTT URL (expected mqtt://host:port)")]
    InvalidUrl,
    /// `mqtts://`: this build connects over plain TCP only.
    #[error("MQTT over TLS is not supported")]
    TlsUnsupported,
    /// No valid topic filter (all prefixes empty or containing wildcards).
    #[error("no topic to subscribe to")]
    NoTopics,
}

/// Decodes a message: [`neibao_ingest::decode_frigate`] for Frigate routes,
/// [`neibao_ingest::decode_generic_json`] for generic ones. Errors are the decoder's.
pub fn decode_message(msg: &MqttMessage) -> Result<DecodedPayload, DecodeError> {
    match msg.route {
        MqttRoute::Frigate { .. } => neibao_ingest::decode_frigate(&msg.payload),
        MqttRoute::Generic { .. } => neibao_ingest::decode_generic_json(&msg.payload),
    }
}

fn clean_prefix(p: &str) -> Option<&str> {
    let p = p.trim().trim_matches('/');
    (!p.is_empty() && !p.contains(['+', '#'])).then_some(p)
}

/// Runs the subscriber until `shutdown` holds `true` (or its sender is dropped); see the module
/// docs. Returns at once, after logging, if the URL or the prefixes are unusable.
pub async fn run_mqtt(cfg: MqttConfig, sink: Arc<dyn Sink>, shutdown: watch::Receiver<bool>) {
    run_mqtt_with_status(cfg, sink, shutdown, StatusHandle::new()).await
}

/// [`run_mqtt`], keeping `status` up to date (`parts` counts messages delivered).
pub async fn run_mqtt_with_status(
    cfg: MqttConfig,
    sink: Arc<dyn Sink>,
    shutdown: watch::Receiver<bool>,
    status: StatusHandle,
) {
    let filters = cfg.topic_filters();
    let broker = cfg.broker().and_then(|b| {
        if filters.is_empty() {
            Err(MqttConfigError::NoTopics)
        } else {
            Ok(b)
        }
    });
    let MqttBroker {
        host,
        port,
        credentials: creds,
    } = match broker {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(source = %cfg.source, error = %e, "MQTT subscriber not started");
            status.update(|s| s.last_error = Some(e.to_string()));
            return;
        }
    };
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
        let mut opts = MqttOptions::new(cfg.client_id.clone(), host.clone(), port);
        opts.set_keep_alive(cfg.keep_alive.max(Duration::from_secs(5)))
            .set_clean_session(true)
            .set_max_packet_size(cfg.max_packet_size, cfg.max_packet_size.max(64 * 1024));
        if let Some((u, p)) = &creds {
            opts.set_credentials(u.clone(), p.clone());
        }
        let (client, mut eventloop) = AsyncClient::new(opts, 64);
        let mut subscribed = false;
        let reason = loop {
            let event = tokio::select! {
                ev = eventloop.poll() => ev,
                _ = wait_shutdown(shutdown.clone()) => {
                    let _ = client.try_disconnect();
                    // Let the DISCONNECT go out (best effort, bounded).
                    let _ = tokio::time::timeout(Duration::from_millis(500), async {
                        while eventloop.poll().await.is_ok() {}
                    }).await;
                    if subscribed {
                        disconnected(&cfg.source, sink.as_ref(), &status, "shutdown").await;
                    }
                    return;
                }
            };
            match event {
                Ok(Event::Incoming(Packet::ConnAck(_))) => {
                    let subs = filters
                        .iter()
                        .map(|f| SubscribeFilter::new(f.clone(), QoS::AtLeastOnce));
                    if let Err(e) = client.try_subscribe_many(subs) {
                        break format!("subscribe: {e}");
                    }
                }
                Ok(Event::Incoming(Packet::SubAck(ack))) => {
                    let refused = ack
                        .return_codes
                        .iter()
                        .filter(|c| matches!(c, SubscribeReasonCode::Failure))
                        .count();
                    if refused > 0 {
                        tracing::warn!(source = %cfg.source, refused, "broker refused some subscriptions (ACL?)");
                    }
                    if !subscribed {
                        subscribed = true;
                        backoff.reset();
                        let now = chrono::Utc::now();
                        status.update(|s| {
                            s.connected = true;
                            s.connected_since = Some(now);
                        });
                        tracing::info!(source = %cfg.source, topics = filters.len(), "MQTT subscribed");
                        if let Err(e) = sink.state(&cfg.source, true, "subscribed").await {
                            tracing::warn!(source = %cfg.source, error = %e, "sink refused a state change");
                        }
                    }
                }
                Ok(Event::Incoming(Packet::Publish(p))) => {
                    let Some(route) = cfg.route(&p.topic) else {
                        tracing::debug!(source = %cfg.source, "MQTT message on an unrouted topic dropped");
                        continue;
                    };
                    let now = chrono::Utc::now();
                    status.update(|s| {
                        s.parts += 1;
                        s.last_part_at = Some(now);
                    });
                    let msg = MqttMessage {
                        topic: p.topic.clone(),
                        route,
                        payload: p.payload.to_vec(),
                        retain: p.retain,
                    };
                    if let Err(e) = sink.mqtt(&cfg.source, msg).await {
                        tracing::warn!(source = %cfg.source, error = %e, "sink refused an MQTT message");
                    }
                }
                Ok(_) => {}
                Err(e) => break format!("connection: {e}"),
            }
        };
        if subscribed {
            disconnected(&cfg.source, sink.as_ref(), &status, &reason).await;
        } else {
            status.update(|s| s.last_error = Some(reason.clone()));
        }
        let delay = backoff.next_delay();
        tracing::warn!(source = %cfg.source, reason = %reason, retry_in_s = delay.as_secs_f64(), "MQTT connection lost; reconnecting");
        drop(client);
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = wait_shutdown(shutdown.clone()) => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_and_routes() {
        let mut cfg = MqttConfig::new("mqtt://u:p%40ss@broker.local", "nb");
        cfg.frigate_prefixes = vec!["frigate".into(), "/site2/frigate/".into(), "bad/#".into()];
        assert_eq!(
            cfg.topic_filters(),
            [
                "frigate/events",
                "frigate/reviews",
                "frigate/tracked_object_update",
                "frigate/+/tracked_object_update",
                "site2/frigate/events",
                "site2/frigate/reviews",
                "site2/frigate/tracked_object_update",
                "site2/frigate/+/tracked_object_update",
                "neibao/events/+",
            ]
        );
        let fr = |p: &str| Some(MqttRoute::Frigate { prefix: p.into() });
        assert_eq!(cfg.route("frigate/events"), fr("frigate"));
        assert_eq!(cfg.route("site2/frigate/reviews"), fr("site2/frigate"));
        assert_eq!(cfg.route("frigate/front/tracked_object_update"), fr("frigate"));
        assert_eq!(cfg.route("frigate/available"), None);
        assert_eq!(cfg.route("frigate/front/person/snapshot"), None);
        assert_eq!(cfg.route("frigate//tracked_object_update"), None);
        assert_eq!(
            cfg.route("neibao/events/tok-1"),
            Some(MqttRoute::Generic { token: "tok-1".into() })
        );
        assert_eq!(cfg.route("neibao/events/"), None);
        assert_eq!(cfg.route("neibao/events/a/b"), None);
        assert_eq!(
            cfg.broker().unwrap(),
            MqttBroker {
                host: "broker.local".into(),
                port: 1883,
                credentials: Some(("u".into(), "p@ss".into()))
            }
        );
        assert!(!format!("{cfg:?}").contains("p%40ss"));
    }

    #[test]
    fn broker_urls() {
        let b = |u: &str| MqttConfig::new(u, "x").broker();
        let local = b("127.0.0.1:1884").unwrap();
        assert_eq!(
            (local.host.as_str(), local.port, local.credentials),
            ("127.0.0.1", 1884, None)
        );
        assert_eq!(b("tcp://[::1]:1883").unwrap().host, "::1");
        assert_eq!(b("mqtts://h:8883"), Err(MqttConfigError::TlsUnsupported));
        assert_eq!(b("http://h"), Err(MqttConfigError::InvalidUrl));
        assert_eq!(b("mqtt://"), Err(MqttConfigError::InvalidUrl));
    }
}
