//! The one application: [`App::build`] opens the store, chooses the event bus, loads the rules,
//! builds every service and the router, and gathers the background work ([`Workers`]): the
//! durable scheduler with every capability's job handlers, the notification outbox, the rule
//! reloader, the device-silence sweep, the MQTT subscriber and pull clients. `neibao serve` and
//! the integration tests both build it, so a route or a job handler that is not wired here fails
//! a test.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use neibao_engine::intake::bus::NatsBus;
use neibao_engine::jobs::scheduler::Scheduler;
use neibao_engine::warning::engine::{reload, spawn_reloader, SilenceSweep};
use neibao_engine::warning::ruleset::RuleEngine;
use neibao_engine::{EngineConfig, EventBus, NatsConfig, Pipeline, Services};
use neibao_store::Store;
use neibao_web::{AppState, WebConfig};

use crate::transports::PullSource;

/// Everything an installation is configured with (command line and environment, validated by
/// the binary).
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// Data folder: the SQLite database (unless `database_url`) and the field-encryption keys.
    pub data_dir: PathBuf,
    /// `postgres://…` selects PostgreSQL; `None`: SQLite in the data folder.
    pub database_url: Option<String>,
    /// A device not heard from for this long counts as offline.
    pub offline_after: Duration,
    pub web: WebConfig,
    pub engine: EngineConfig,
    /// Multi-node mode: device events go through NATS JetStream.
    pub nats: Option<NatsConfig>,
    /// A rule file imported at start.
    pub rules_file: Option<PathBuf>,
    /// This process among the nodes (scheduler and outbox claims).
    pub node: String,
    /// Time between device-silence sweeps.
    pub silence_sweep: Duration,
    /// MQTT broker to subscribe to.
    pub mqtt_url: Option<String>,
    /// MQTT client id of this node.
    pub mqtt_client_id: String,
    /// Frigate topic prefix → device ingest token.
    pub mqtt_frigate: HashMap<String, String>,
    /// Pull clients (Hikvision alertStream, Dahua attach).
    pub pulls: Vec<PullSource>,
}

impl AppConfig {
    /// Defaults for an installation in `data_dir` (SQLite, single box, no transports).
    pub fn new(data_dir: impl Into<PathBuf>) -> AppConfig {
        AppConfig {
            data_dir: data_dir.into(),
            database_url: None,
            offline_after: Duration::from_secs(300),
            web: WebConfig::default(),
            engine: EngineConfig::default(),
            nats: None,
            rules_file: None,
            node: format!("node-{}", std::process::id()),
            silence_sweep: Duration::from_secs(60),
            mqtt_url: None,
            mqtt_client_id: format!("neibao-{}", std::process::id()),
            mqtt_frigate: HashMap::new(),
            pulls: Vec::new(),
        }
    }
}

/// The built application.
pub struct App {
    /// Every route: API, intake, UI, operations.
    pub router: axum::Router,
    pub services: Arc<Services>,
    pub store: Arc<dyn Store>,
    pub workers: Workers,
}

/// The background work of the application, not started yet.
pub struct Workers {
    services: Arc<Services>,
    /// The rule engines to keep fresh (the request pipeline's, and the bus consumer's).
    rule_engines: Vec<RuleEngine>,
    /// The watchlist indexes to keep fresh (changes made on other nodes).
    watch_indexes: Vec<neibao_engine::watchlists::WatchIndexHolder>,
    config: AppConfig,
}

/// Started background work; dropping it stops the device transports.
pub struct Running {
    _transports_stop: tokio::sync::watch::Sender<bool>,
}

impl App {
    /// Builds the application described by `config`.
    ///
    /// Errors: an unreachable database or bus, a failed migration, an unreadable rule file.
    pub async fn build(config: AppConfig) -> anyhow::Result<App> {
        let store = crate::open_store(config.database_url.as_deref(), &config.data_dir, config.offline_after).await?;
        // Division codes are checked against this table (a unit at a division that does not exist
        // is refused).
        crate::divisions::ensure_loaded(store.as_ref()).await?;
        let mut pipeline = Pipeline::new(store.clone());
        let recognizer = recognizer(&config.engine)?;
        if let Some(r) = &recognizer {
            pipeline = pipeline.with_recognizer(r.clone());
        }
        // Watchlists (docs/WATCHLISTS.md): the active lists in memory, reloaded on change.
        neibao_engine::watchlists::reload(store.as_ref(), pipeline.watch_index()).await?;
        let mut watch_indexes = vec![pipeline.watch_index().clone()];
        let mut rule_engines = vec![pipeline.rule_engine().clone()];
        let bus = match &config.nats {
            None => EventBus::InProcess(pipeline.clone()),
            Some(nats) => {
                let mut consumer = Pipeline::new(store.clone());
                if let Some(r) = &recognizer {
                    consumer = consumer.with_recognizer(r.clone());
                }
                reload(store.as_ref(), consumer.rule_engine()).await?;
                neibao_engine::watchlists::reload(store.as_ref(), consumer.watch_index()).await?;
                watch_indexes.push(consumer.watch_index().clone());
                rule_engines.push(consumer.rule_engine().clone());
                let bus = NatsBus::start(nats.clone(), store.clone(), consumer)
                    .await
                    .with_context(|| format!("connecting to NATS at {}", nats.url))?;
                tracing::info!(url = %nats.url, "multi-node mode: device events go through NATS JetStream");
                EventBus::Nats(bus)
            }
        };
        // Data rules: a file given at start, then the stored set.
        if let Some(path) = &config.rules_file {
            let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            let specs = neibao_engine::warning::ruleset::RuleFile::parse(&bytes).map_err(|e| anyhow::anyhow!(e))?;
            let r =
                neibao_engine::warning::engine::import_specs(store.as_ref(), &specs, "rules-file", Utc::now()).await?;
            tracing::info!(
                created = r.created.len(),
                updated = r.updated.len(),
                unchanged = r.unchanged.len(),
                "rule file imported"
            );
        }
        let loaded = reload(store.as_ref(), pipeline.rule_engine()).await?;
        tracing::info!(rules = loaded, "early-warning rules loaded");
        let services = Arc::new(Services::new(store.clone(), bus, pipeline, config.engine.clone()));
        let router = neibao_web::router(AppState::new(services.clone(), config.web.clone()));
        Ok(App {
            router,
            store,
            workers: Workers {
                services: services.clone(),
                rule_engines,
                watch_indexes,
                config,
            },
            services,
        })
    }

    /// A scheduler for `node` with every job handler the application wires (tests tick it with
    /// a controlled clock).
    pub fn scheduler(&self, node: &str) -> Scheduler {
        self.workers.scheduler(node)
    }
}

impl Workers {
    /// A scheduler for `node` with every job handler the application wires.
    pub fn scheduler(&self, node: &str) -> Scheduler {
        neibao_engine::jobs::scheduler(&self.services, node, chrono::Duration::seconds(60))
    }

    /// Starts everything on the wall clock: the rule reloaders (other nodes' edits arrive within
    /// 10 s), the device-silence sweep, the notification outbox, the back-fill of free texts
    /// stored before they were masked, the scheduler (after scheduling
    /// the next retention sweep), and the device transports.
    ///
    /// Errors: the database, or a transport configuration that does not parse.
    pub async fn start(self) -> anyhow::Result<Running> {
        let store = self.services.store().clone();
        for holder in self.watch_indexes.clone() {
            let store = store.clone();
            neibao_engine::jobs::scheduler::spawn_periodic(Duration::from_secs(10), "watchlist reload", move || {
                let store = store.clone();
                let holder = holder.clone();
                async move {
                    neibao_engine::watchlists::reload(store.as_ref(), &holder)
                        .await
                        .map(|_| ())
                }
            });
        }
        for engine in &self.rule_engines {
            spawn_reloader(store.clone(), engine.clone(), Duration::from_secs(10));
        }
        SilenceSweep::new(store.clone(), self.services.pipeline().rule_engine().clone())
            .spawn(self.config.silence_sweep.max(Duration::from_secs(5)));
        neibao_engine::notifications::outbox::Outbox::new(store.clone(), self.config.node.clone())
            .spawn(Duration::from_secs(2));
        // Free texts stored before their field was masked and sealed (an upgraded installation):
        // sealed once, in the background (docs/SECURITY.md, "Personal data in free text").
        let privacy = self.services.privacy.clone();
        tokio::spawn(async move {
            match privacy.backfill_free_text().await {
                Ok(done) => {
                    for (field, rows) in done {
                        tracing::info!(field, rows, "free text back-filled: old rows masked and sealed");
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e, "free-text back-fill failed; it is tried again at the next start")
                }
            }
        });
        // The durable scheduler runs on every node; claims keep each due job on one of them.
        neibao_engine::privacy::retention::schedule_next(store.as_ref(), Utc::now()).await?;
        neibao_engine::idempotency::jobs::schedule_next(store.as_ref(), Utc::now()).await?;
        neibao_engine::drills::obligations::schedule_obligations(store.as_ref(), Utc::now()).await?;
        self.scheduler(&self.config.node).spawn();
        // Spreadsheet imports a stopped server left running: failed with a reason at once, and
        // every half minute for those of other nodes that stopped.
        let imports = self.services.imports.clone();
        neibao_engine::jobs::scheduler::spawn_periodic(Duration::from_secs(30), "import sweep", move || {
            let imports = imports.clone();
            async move { imports.fail_stale().await }
        });
        // Device transports that neibao opens itself: MQTT and pull streams.
        let (stop, stop_rx) = tokio::sync::watch::channel(false);
        crate::transports::start(
            self.services.intake.clone(),
            self.config.mqtt_url.as_deref().filter(|u| !u.is_empty()),
            &self.config.mqtt_client_id,
            self.config.mqtt_frigate.clone(),
            self.config.pulls.clone(),
            stop_rx,
        )?;
        Ok(Running { _transports_stop: stop })
    }
}

/// The recognition service of `engine`'s settings, if one is configured (docs/WATCHLISTS.md).
fn recognizer(
    engine: &neibao_engine::EngineConfig,
) -> anyhow::Result<Option<Arc<dyn neibao_engine::watchlists::Recognizer>>> {
    match engine.recognition_url.as_deref().filter(|u| !u.is_empty()) {
        None => Ok(None),
        Some(url) => Ok(Some(Arc::new(neibao_engine::watchlists::CompreFaceClient::new(
            url,
            engine.recognition_api_key.clone(),
        )?))),
    }
}
