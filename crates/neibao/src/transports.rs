//! Device transports wired to the ingest path: the MQTT subscriber (Frigate topics and
//! `neibao/events/{ingest token}`) and the pull clients (Hikvision `alertStream`, Dahua
//! `eventManager.cgi?action=attach`) from `neibao-transport`. Each message or stream part goes
//! through the one intake path ([`IntakeService`]) exactly like an HTTP push from the same
//! device: the same token cache, decoders, sanitising and event bus — without a client address,
//! so without the budget of unknown tokens that HTTP clients have (`neibao_engine::intake::tokens`).
//!
//! Which device a message belongs to:
//! - `neibao/events/{token}`: the device whose ingest token it is (format `generic_json`);
//! - a Frigate prefix (`frigate/events` …): the device mapped to that prefix in the configuration
//!   (`--mqtt-frigate frigate=TOKEN`), format `frigate`;
//! - a pull source: the device named by its token in the pull configuration file.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use async_trait::async_trait;
use neibao_domain::devices::DeviceFormat;
use neibao_engine::intake::{Delivery, IntakeService, Refusal};
use neibao_transport::{MqttConfig, MqttMessage, MqttRoute, PullConfig, PullKind, Sink, SinkError, StreamPart};
use serde::Deserialize;

/// MQTT messages are processed by this many workers; a device's messages always go to the same
/// one (by token), so they stay in order.
pub const MQTT_WORKERS: usize = 8;

/// Hands what the transports receive to the intake path.
pub struct DeviceSink {
    intake: IntakeService,
    /// pull source name → device ingest token
    pull_tokens: HashMap<String, String>,
    /// Frigate topic prefix → device ingest token
    frigate_tokens: HashMap<String, String>,
    mqtt_workers: Vec<tokio::sync::mpsc::Sender<(String, DeviceFormat, MqttMessage)>>,
}

impl DeviceSink {
    /// A sink handing payloads to `intake`; starts [`MQTT_WORKERS`] tasks (call inside a Tokio
    /// runtime).
    pub fn new(
        intake: IntakeService,
        pull_tokens: HashMap<String, String>,
        frigate_tokens: HashMap<String, String>,
    ) -> DeviceSink {
        let mqtt_workers = (0..MQTT_WORKERS)
            .map(|_| {
                let (tx, mut rx) = tokio::sync::mpsc::channel::<(String, DeviceFormat, MqttMessage)>(256);
                let intake = intake.clone();
                tokio::spawn(async move {
                    while let Some((token, format, msg)) = rx.recv().await {
                        if let Err(e) = take(&intake, &token, format, &msg.payload, Some("application/json")).await {
                            tracing::info!(topic = %msg.topic, error = %e, "MQTT message not ingested");
                        }
                    }
                });
                tx
            })
            .collect();
        DeviceSink {
            intake,
            pull_tokens,
            frigate_tokens,
            mqtt_workers,
        }
    }
}

/// One message or stream part through the intake path.
async fn take(
    intake: &IntakeService,
    token: &str,
    format: DeviceFormat,
    body: &[u8],
    content_type: Option<&str>,
) -> Result<(), Refusal> {
    intake
        .receive(token, None, format, Delivery::Stream, content_type, async { Ok(body) })
        .await
        .map(|_| ())
}

#[async_trait]
impl Sink for DeviceSink {
    async fn part(&self, source: &str, kind: PullKind, part: StreamPart) -> Result<(), SinkError> {
        let Some(token) = self.pull_tokens.get(source) else {
            return Err("pull source without a device".into());
        };
        // Pictures travel in their own parts; the event parts carry what the rules need.
        if part.is_image() {
            return Ok(());
        }
        let (format, content_type) = match kind {
            PullKind::HikvisionAlertStream => (DeviceFormat::Hikvision, part.content_type.as_deref()),
            // Dahua's attach stream is `text/plain` key=value blocks whatever the part says.
            PullKind::DahuaAttach => (DeviceFormat::Dahua, Some("text/plain")),
        };
        Ok(take(&self.intake, token, format, &part.body, content_type).await?)
    }

    async fn mqtt(&self, _source: &str, msg: MqttMessage) -> Result<(), SinkError> {
        // Retained messages are old state replayed by the broker on subscribe, not new events.
        if msg.retain {
            return Ok(());
        }
        let (token, format) = match &msg.route {
            MqttRoute::Generic { token } => (token.clone(), DeviceFormat::GenericJson),
            MqttRoute::Frigate { prefix } => match self.frigate_tokens.get(prefix) {
                Some(t) => (t.clone(), DeviceFormat::Frigate),
                None => return Err(format!("no device mapped to Frigate prefix {prefix}").into()),
            },
        };
        let shard = token
            .bytes()
            .fold(0usize, |h, b| h.wrapping_mul(31).wrapping_add(b as usize))
            % MQTT_WORKERS;
        self.mqtt_workers[shard]
            .send((token, format, msg))
            .await
            .map_err(|_| "MQTT worker stopped".into())
    }

    async fn state(&self, source: &str, connected: bool, reason: &str) -> Result<(), SinkError> {
        tracing::info!(%source, connected, %reason, "device transport");
        if connected {
            if let Some(token) = self.pull_tokens.get(source) {
                match self.intake.connected(token).await {
                    Ok(()) | Err(Refusal::UnknownToken) => {}
                    Err(e) => return Err(e.into()),
                }
            }
        }
        Ok(())
    }
}

/// One pull source in the pull configuration file.
#[derive(Debug, Clone, Deserialize)]
pub struct PullSource {
    /// The device's ingest token (shown once when it was registered).
    pub token: String,
    /// `hikvision_alert_stream` or `dahua_attach`.
    pub kind: String,
    /// Full URL, e.g. `http://10.0.0.5/ISAPI/Event/notification/alertStream` or
    /// `http://10.0.0.6/cgi-bin/eventManager.cgi?action=attach&codes=[All]&heartbeat=5`.
    pub url: String,
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: String,
}

/// The pull configuration file: `{"sources": [PullSource, …]}`.
#[derive(Debug, Clone, Deserialize)]
pub struct PullFile {
    pub sources: Vec<PullSource>,
}

/// Reads a pull configuration file. Errors name the file and the problem.
pub fn read_pull_file(path: &Path) -> anyhow::Result<Vec<PullSource>> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let f: PullFile =
        serde_json::from_slice(&bytes).with_context(|| format!("{} is not a pull configuration", path.display()))?;
    for s in &f.sources {
        pull_kind(&s.kind)?;
        if !(s.url.starts_with("http://") || s.url.starts_with("https://")) {
            anyhow::bail!("pull source {}: url must be http(s)", s.url);
        }
    }
    Ok(f.sources)
}

fn pull_kind(code: &str) -> anyhow::Result<PullKind> {
    match code {
        "hikvision_alert_stream" => Ok(PullKind::HikvisionAlertStream),
        "dahua_attach" => Ok(PullKind::DahuaAttach),
        other => anyhow::bail!("unknown pull kind {other} (hikvision_alert_stream or dahua_attach)"),
    }
}

/// Parses `prefix=TOKEN,prefix2=TOKEN2` (the Frigate prefix → device mapping).
pub fn parse_frigate_map(s: &str) -> anyhow::Result<HashMap<String, String>> {
    let mut m = HashMap::new();
    for pair in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (prefix, token) = pair
            .split_once('=')
            .with_context(|| format!("--mqtt-frigate entry {pair:?} is not prefix=TOKEN"))?;
        m.insert(prefix.trim().to_string(), token.trim().to_string());
    }
    Ok(m)
}

/// Starts the MQTT subscriber (when `mqtt_url` is set) and one pull client per source, handing
/// what they receive to `intake`; they run until `shutdown` turns true.
pub fn start(
    intake: IntakeService,
    mqtt_url: Option<&str>,
    client_id: &str,
    frigate: HashMap<String, String>,
    pulls: Vec<PullSource>,
    shutdown: tokio::sync::watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let mut pull_tokens = HashMap::new();
    let mut configs = Vec::new();
    for (i, p) in pulls.into_iter().enumerate() {
        let source = format!("pull-{i}");
        configs.push(PullConfig::new(
            source.clone(),
            p.url.clone(),
            p.username.clone(),
            p.password.clone(),
            pull_kind(&p.kind)?,
        ));
        pull_tokens.insert(source, p.token);
    }
    let prefixes: Vec<String> = frigate.keys().cloned().collect();
    let sink: Arc<dyn Sink> = Arc::new(DeviceSink::new(intake, pull_tokens, frigate));
    if let Some(url) = mqtt_url {
        let mut cfg = MqttConfig::new(url, client_id);
        if !prefixes.is_empty() {
            cfg.frigate_prefixes = prefixes;
        }
        cfg.broker().map_err(|e| anyhow::anyhow!("--mqtt-url: {e}"))?;
        tracing::info!(%url, topics = ?cfg.topic_filters(), "MQTT subscriber starting");
        tokio::spawn(neibao_transport::run_mqtt(cfg, sink.clone(), shutdown.clone()));
    }
    for cfg in configs {
        tracing::info!(source = %cfg.source, kind = cfg.kind.code(), "pull client starting");
        tokio::spawn(neibao_transport::run_pull(cfg, sink.clone(), shutdown.clone()));
    }
    Ok(())
}
