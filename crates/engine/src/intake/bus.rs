//! The event bus between ingest and the early-warning engine.
//!
//! - Single box ([`EventBus::InProcess`]): the ingest handler runs the pipeline itself; the device
//!   is answered after the events are committed to the database.
//! - Several nodes ([`EventBus::Nats`]): the node that receives a payload publishes it to NATS
//!   JetStream and answers the device only after JetStream has acknowledged it (so an
//!   acknowledged event survives the node being killed). Subjects carry the partition, the
//!   jurisdiction and the event type: `{prefix}.events.p{N}.{division}.{kind}`; the message id
//!   (`Nats-Msg-Id`, a UUIDv7 per request) lets JetStream drop a re-published duplicate. Every
//!   node consumes through durable pull consumers with explicit ack, one per partition with at most
//!   one message in flight, so events of one device (always the same partition) are processed in
//!   order. A message delivered twice is stored once and raises each alert once (see
//!   [`Pipeline::process`]).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_nats::jetstream::{self, consumer, stream};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chrono::{DateTime, TimeZone, Utc};
use futures_util::StreamExt;
use neibao_domain::devices::IngestDevice;
use neibao_domain::events::{Attachment, DecodedEvent, DecodedPayload};
use neibao_store::{Store, StoreError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::intake::pipeline::Pipeline;

/// What the ingest endpoint tells the device.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Accepted {
    pub events: usize,
    pub heartbeats: u32,
    /// Alerts raised or updated; `None` when the events were queued on the bus.
    pub alerts: Option<usize>,
}

#[derive(Debug, thiserror::Error)]
pub enum BusError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The bus did not take the message (down, timed out): the device should retry.
    #[error("event bus unavailable: {0}")]
    Unavailable(String),
    /// The consumers are too far behind: the device should retry later.
    #[error("event bus backlog over the limit")]
    Busy,
}

/// Single-box or multi-node.
#[derive(Clone)]
pub enum EventBus {
    InProcess(Pipeline),
    Nats(Arc<NatsBus>),
}

impl EventBus {
    /// Accepts one decoded payload from `device`.
    pub async fn submit(
        &self,
        device: &IngestDevice,
        payload: &DecodedPayload,
        raw: &[u8],
        content_type: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Accepted, BusError> {
        match self {
            EventBus::InProcess(p) => {
                let out = p.process(device, payload, raw, content_type, None, now).await?;
                Ok(Accepted {
                    events: out.event_ids.len(),
                    heartbeats: out.heartbeats,
                    alerts: Some(out.alerts.len()),
                })
            }
            EventBus::Nats(bus) => bus.publish(device, payload, raw, content_type, now).await,
        }
    }

    /// Messages waiting or in flight on the bus (0 in single-box mode).
    pub fn queue_depth(&self) -> u64 {
        match self {
            EventBus::InProcess(_) => 0,
            EventBus::Nats(bus) => bus.depth.load(Ordering::Relaxed),
        }
    }

    /// Whether the bus answers (always true in single-box mode).
    pub async fn ready(&self) -> bool {
        match self {
            EventBus::InProcess(_) => true,
            EventBus::Nats(bus) => bus.client.connection_state() == async_nats::connection::State::Connected,
        }
    }
}

/// Settings of the NATS bus.
#[derive(Debug, Clone)]
pub struct NatsConfig {
    pub url: String,
    /// Subject prefix and stream-name stem; nodes of one installation share it.
    pub prefix: String,
    /// Number of ordered partitions (consumers); nodes of one installation must agree.
    pub partitions: u32,
    /// Refuse new payloads (429) while more than this many messages wait.
    pub max_backlog: u64,
}

impl Default for NatsConfig {
    fn default() -> Self {
        NatsConfig {
            url: "nats://127.0.0.1:4222".into(),
            prefix: "neibao".into(),
            partitions: 8,
            max_backlog: 100_000,
        }
    }
}

/// A payload on the bus.
#[derive(Serialize, Deserialize)]
struct BusMessage {
    v: u32,
    message_id: String,
    device_id: String,
    received_at_ms: i64,
    content_type: Option<String>,
    raw: String,
    events: Vec<DecodedEvent>,
    /// Per event, its images (bytes travel base64-encoded).
    images: Vec<Vec<BusImage>>,
}

#[derive(Serialize, Deserialize)]
struct BusImage {
    content_type: String,
    name: Option<String>,
    data: String,
}

/// The JetStream bus of one node.
pub struct NatsBus {
    client: async_nats::Client,
    js: jetstream::Context,
    config: NatsConfig,
    store: Arc<dyn Store>,
    depth: AtomicU64,
}

impl NatsBus {
    fn stream_name(&self) -> String {
        format!(
            "{}_EVENTS",
            self.config.prefix.to_ascii_uppercase().replace(['.', '-'], "_")
        )
    }

    /// Connects, creates the stream and the partition consumers if missing, and starts this
    /// node's consumers feeding `pipeline`.
    pub async fn start(config: NatsConfig, store: Arc<dyn Store>, pipeline: Pipeline) -> anyhow::Result<Arc<NatsBus>> {
        let client = async_nats::ConnectOptions::new()
            .name("neibao")
            .connection_timeout(Duration::from_secs(5))
            .connect(&config.url)
            .await?;
        let js = jetstream::new(client.clone());
        let bus = Arc::new(NatsBus {
            client,
            js,
            config,
            store: store.clone(),
            depth: AtomicU64::new(0),
        });
        let stream = bus
            .js
            .get_or_create_stream(stream::Config {
                name: bus.stream_name(),
                subjects: vec![format!("{}.events.>", bus.config.prefix)],
                retention: stream::RetentionPolicy::WorkQueue,
                storage: stream::StorageType::File,
                duplicate_window: Duration::from_secs(120),
                max_age: Duration::from_secs(7 * 24 * 3600),
                ..Default::default()
            })
            .await?;
        let mut consumers = Vec::new();
        for p in 0..bus.config.partitions.max(1) {
            let name = format!("engine-p{p}");
            let c: consumer::PullConsumer = stream
                .get_or_create_consumer(
                    &name,
                    consumer::pull::Config {
                        durable_name: Some(name.clone()),
                        filter_subject: format!("{}.events.p{p}.>", bus.config.prefix),
                        ack_policy: consumer::AckPolicy::Explicit,
                        ack_wait: Duration::from_secs(5),
                        max_ack_pending: 1,
                        ..Default::default()
                    },
                )
                .await?;
            consumers.push(c.clone());
            tokio::spawn(consume(c, store.clone(), pipeline.clone()));
        }
        tokio::spawn(watch_depth(bus.clone(), consumers));
        Ok(bus)
    }

    async fn publish(
        &self,
        device: &IngestDevice,
        payload: &DecodedPayload,
        raw: &[u8],
        content_type: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Accepted, BusError> {
        if self.depth.load(Ordering::Relaxed) > self.config.max_backlog {
            return Err(BusError::Busy);
        }
        // Liveness is not an event: record it here, at once.
        self.store.touch_device(&device.id, now).await?;
        let accepted = Accepted {
            events: payload.events.len(),
            heartbeats: payload.heartbeats,
            alerts: None,
        };
        if payload.events.is_empty() {
            return Ok(accepted);
        }
        let message_id = neibao_domain::ids::new_id();
        let mut msg = BusMessage {
            v: 1,
            message_id: message_id.clone(),
            device_id: device.id.clone(),
            received_at_ms: now.timestamp_millis(),
            content_type: content_type.map(str::to_string),
            raw: B64.encode(raw),
            events: payload.events.clone(),
            images: payload
                .events
                .iter()
                .map(|e| {
                    e.images
                        .iter()
                        .map(|a| BusImage {
                            content_type: a.content_type.clone(),
                            name: a.name.clone(),
                            data: B64.encode(&a.bytes),
                        })
                        .collect()
                })
                .collect(),
        };
        let max = self.client.server_info().max_payload.saturating_sub(4096);
        let mut body = serde_json::to_vec(&msg).map_err(|e| BusError::Unavailable(e.to_string()))?;
        if body.len() > max {
            // Too big for one message: images go first, then the raw copy of the payload.
            tracing::warn!(device = %device.id, size = body.len(), "bus message over max_payload: dropping images");
            msg.images.iter_mut().for_each(Vec::clear);
            body = serde_json::to_vec(&msg).map_err(|e| BusError::Unavailable(e.to_string()))?;
            if body.len() > max {
                msg.raw.clear();
                body = serde_json::to_vec(&msg).map_err(|e| BusError::Unavailable(e.to_string()))?;
            }
        }
        let subject = format!(
            "{}.events.p{}.{}.{}",
            self.config.prefix,
            partition(&device.id, self.config.partitions),
            device.division_code.get(..6).unwrap_or("000000"),
            payload.events[0].kind.code().replace('.', "_")
        );
        let publish = jetstream::message::PublishMessage::build()
            .payload(body.into())
            .message_id(&message_id);
        let ack = tokio::time::timeout(Duration::from_secs(5), async {
            self.js
                .send_publish(subject, publish)
                .await?
                .await
                .map_err(|e| anyhow::anyhow!(e))
        })
        .await
        .map_err(|_| BusError::Unavailable("publish timed out".into()))?
        .map_err(|e| BusError::Unavailable(e.to_string()))?;
        tracing::debug!(stream = %ack.stream, seq = ack.sequence, duplicate = ack.duplicate, "published");
        Ok(accepted)
    }
}

/// Partition of a device: stable across nodes and restarts.
pub fn partition(device_id: &str, partitions: u32) -> u32 {
    let h = Sha256::digest(device_id.as_bytes());
    u32::from_be_bytes([h[0], h[1], h[2], h[3]]) % partitions.max(1)
}

/// One partition's consumer loop on this node: process, then ack; on a store error, ask for
/// redelivery after a pause. Reconnects by itself.
async fn consume(c: consumer::PullConsumer, store: Arc<dyn Store>, pipeline: Pipeline) {
    loop {
        let mut messages = match c.messages().await {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!(error = %e, "bus consumer: cannot pull, retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        while let Some(next) = messages.next().await {
            let msg = match next {
                Ok(m) => m,
                Err(e) => {
                    tracing::warn!(error = %e, "bus consumer: pull error");
                    break;
                }
            };
            match handle(&msg.payload, store.as_ref(), &pipeline).await {
                Ok(()) => {
                    if let Err(e) = msg.double_ack().await {
                        tracing::warn!(error = %e, "bus consumer: ack failed (the message will be redelivered and deduplicated)");
                    }
                }
                Err(HandleError::Poison(why)) => {
                    tracing::error!(%why, "bus consumer: dropping an unreadable message");
                    let _ = msg.ack_with(jetstream::AckKind::Term).await;
                }
                Err(HandleError::Retry(e)) => {
                    tracing::warn!(error = %e, "bus consumer: processing failed, will retry");
                    let _ = msg
                        .ack_with(jetstream::AckKind::Nak(Some(Duration::from_secs(1))))
                        .await;
                }
            }
        }
    }
}

enum HandleError {
    Poison(String),
    Retry(StoreError),
}

async fn handle(body: &[u8], store: &dyn Store, pipeline: &Pipeline) -> Result<(), HandleError> {
    let msg: BusMessage = serde_json::from_slice(body).map_err(|e| HandleError::Poison(e.to_string()))?;
    let Some(device) = store.ingest_device(&msg.device_id).await.map_err(HandleError::Retry)? else {
        return Err(HandleError::Poison(format!(
            "device {} no longer exists or is not in use (停用, 注销)",
            msg.device_id
        )));
    };
    let raw = B64.decode(&msg.raw).unwrap_or_default();
    let mut events = msg.events;
    for (ev, imgs) in events.iter_mut().zip(msg.images) {
        ev.images = imgs
            .into_iter()
            .filter_map(|i| {
                Some(Attachment {
                    content_type: i.content_type,
                    name: i.name,
                    bytes: B64.decode(i.data).ok()?,
                })
            })
            .collect();
    }
    let payload = DecodedPayload { events, heartbeats: 0 };
    let at = Utc
        .timestamp_millis_opt(msg.received_at_ms)
        .single()
        .unwrap_or_else(Utc::now);
    pipeline
        .process(
            &device,
            &payload,
            &raw,
            msg.content_type.as_deref(),
            Some(&msg.message_id),
            at,
        )
        .await
        .map_err(HandleError::Retry)?;
    Ok(())
}

/// Keeps `depth` (waiting + in-flight messages over all partitions) fresh for back-pressure and
/// metrics.
async fn watch_depth(bus: Arc<NatsBus>, mut consumers: Vec<consumer::PullConsumer>) {
    loop {
        let mut total = 0u64;
        for c in &mut consumers {
            if let Ok(info) = c.info().await {
                total += info.num_pending + info.num_ack_pending as u64;
            }
        }
        bus.depth.store(total, Ordering::Relaxed);
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}
