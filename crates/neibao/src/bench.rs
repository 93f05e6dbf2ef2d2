//! `neibao bench ingest`: throughput and latency of the real ingest path, next to the ceiling of
//! the same store measured in the same run.
//!
//! The full path: HTTP POST of Hikvision fixture payloads (XML, JSON, multipart with a picture)
//! to `/ingest/hikvision/{token}` on a server in this process → decode → persist (occurrence
//! folding, encryption of raw payload and person fields) → built-in rules → alerts. With
//! `--nats-url` the server publishes to JetStream and in-process consumers do the persisting;
//! the run then ends when every event is stored.
//!
//! The ceiling: batched inserts (1 000 rows a transaction) of the same number of normalized event
//! rows, with payloads of the same size, into the same database; with NATS also the raw
//! JetStream publish rate of messages of the same size.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::Utc;
use neibao_domain::access::Scope;
use neibao_domain::devices::DeviceFormat;
use neibao_domain::devices::NewDevice;
use neibao_domain::ids::{new_id, token_hash};
use neibao_domain::registry::NewUnit;
use neibao_domain::registry::UnitKind;
use neibao_domain::validate::{uscc_check_char, DivisionCode, Uscc};
use neibao_engine::NatsConfig;
use neibao_store::Store;
use neibao_web::WebConfig;

use crate::app::{App, AppConfig};

/// Settings of one benchmark run.
#[derive(Debug, Clone)]
pub struct BenchArgs {
    /// `None`: SQLite in a temporary folder. `Some(url)`: a PostgreSQL server on which a
    /// temporary database is created (and dropped afterwards).
    pub postgres_admin_url: Option<String>,
    pub nats_url: Option<String>,
    pub requests: usize,
    pub concurrency: usize,
    /// Total request rate to hold (per second); `None` = as fast as possible.
    pub rate: Option<f64>,
    pub fixtures: PathBuf,
    /// Data rules loaded before the run (generated; see [`bench_rules`]).
    pub rules: usize,
    /// `Some(url)`: publish to this MQTT broker (`neibao/events/{token}`, generic JSON, 10 events
    /// a message) instead of HTTP; `requests` is then the number of messages.
    pub mqtt_url: Option<String>,
    /// Entries of the active plate and face watchlists loaded before the run (0: none).
    pub watchlist: usize,
}

/// Result of a run.
#[derive(Debug, Clone)]
pub struct BenchReport {
    pub backend: &'static str,
    pub transport: &'static str,
    pub requests: usize,
    pub events: usize,
    pub seconds: f64,
    pub events_per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub ceiling_rows_per_second: f64,
    pub nats_publish_ceiling_per_second: Option<f64>,
    pub rules: usize,
}

/// `n` generated data rules of every kind, as a real installation might have: match rules on
/// kinds, regions and hours, thresholds per device and unit, sequences and cross-unit
/// correlations. Most do not fire on the benchmark's events; some do.
pub fn bench_rules(n: usize) -> Vec<neibao_engine::warning::ruleset::RuleSpec> {
    use neibao_domain::alerts::Severity;
    use neibao_engine::warning::ruleset::{RuleKind, RuleScope, RuleSpec};
    let kinds = [
        "motion",
        "intrusion.field",
        "intrusion.line_crossing",
        "video.tamper",
        "access.denied",
        "access.granted",
        "alarm.input",
        "vehicle.plate",
    ];
    (0..n)
        .map(|i| {
            let k = kinds[i % kinds.len()];
            let (kind, condition) = match i % 10 {
                0..=5 => (
                    RuleKind::Match,
                    format!("kind == \"{k}\" && region == \"zone-{i}\" && hour >= 0"),
                ),
                6 | 7 => (
                    RuleKind::Threshold {
                        count: 50 + i as u32,
                        window_seconds: 60,
                        key: vec!["device_id".into()],
                    },
                    format!("kind == \"{k}\" && in_key_area"),
                ),
                8 => (
                    RuleKind::Sequence {
                        then: "kind == \"intrusion.field\"".into(),
                        within_seconds: 120,
                        key: vec!["device_id".into()],
                    },
                    format!("kind == \"{k}\" && channel == {}", 1000 + i),
                ),
                _ => (
                    RuleKind::Correlation {
                        subject: "target".into(),
                        units: 3,
                        window_seconds: 600,
                    },
                    "kind == \"vehicle.plate\" && target != \"\"".into(),
                ),
            };
            RuleSpec {
                code: format!("bench_rule_{i:03}"),
                title: format!("基准规则{i}"),
                description: String::new(),
                enabled: true,
                severity: Severity::Medium,
                kind,
                condition,
                scope: RuleScope::default(),
                schedule: None,
                group_by: Vec::new(),
            }
        })
        .collect()
}

/// The payloads replayed: every Hikvision fixture with its transport's content type.
fn payloads(dir: &Path) -> anyhow::Result<Vec<(&'static str, Vec<u8>)>> {
    let list: [(&str, &str); 7] = [
        (
            "hikvision-isapi-alert/alert_fielddetection_vehicle_ver20_nodecl.xml",
            "application/xml",
        ),
        ("hikvision-isapi-alert/alert_io_input_ver20.xml", "application/xml"),
        (
            "hikvision-isapi-alert/alert_shelteralarm_tamper_ver20.xml",
            "application/xml",
        ),
        (
            "hikvision-isapi-alert/httphost_push_linedetection_multipart.bin",
            "multipart/form-data; boundary=boundary",
        ),
        (
            "hikvision-acs/accesscontrollerevent_card_pass_plain_json.json",
            "application/json",
        ),
        (
            "hikvision-acs/accesscontrollerevent_door_no_person.json",
            "application/json",
        ),
        ("hikvision-acs/acsevent_search_response_pull.json", "application/json"),
    ];
    list.iter()
        .map(|(f, ct)| {
            Ok((
                *ct,
                std::fs::read(dir.join(f)).with_context(|| format!("reading fixture {f}"))?,
            ))
        })
        .collect()
}

/// Makes request `n` a distinct occurrence: the channel number varies (1..=4096).
fn vary(body: &[u8], n: usize) -> Vec<u8> {
    let s = String::from_utf8_lossy(body);
    if s.contains("<channelID>1</channelID>") {
        s.replace(
            "<channelID>1</channelID>",
            &format!("<channelID>{}</channelID>", n % 4096 + 1),
        )
        .into_bytes()
    } else {
        body.to_vec()
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn setup(store: &dyn Store, devices: usize, format: DeviceFormat) -> anyhow::Result<Vec<String>> {
    let now = Utc::now();
    let bench = neibao_domain::access::Principal::system("bench");
    let body17 = format!("91330106{:09}", rand::random::<u32>() % 1_000_000_000);
    let unit = store
        .create_unit(
            NewUnit {
                name: "基准测试单位（虚构）".into(),
                kind: UnitKind::Enterprise,
                is_university: false,
                is_private_enterprise: true,
                uscc: Uscc::parse(&format!("{body17}{}", uscc_check_char(&body17).unwrap_or('0')))?,
                address: String::new(),
                division_code: DivisionCode::parse("330106")?,
                police_station_id: None,
                competent_department_id: None,
                is_key_unit: true,
                key_unit_category: Some(4),
                is_counter_terror_target: false,
                armed_schedule: None,
                responsible_persons: vec![],
            },
            &bench.audit("unit.create", "unit", "", None),
            now,
        )
        .await?;
    let area = store
        .create_key_area(
            &Scope::All,
            &unit.id,
            "机房",
            "",
            &bench.audit("key_area.create", "key_area", "", Some(&unit.id)),
            now,
        )
        .await?;
    let mut tokens = Vec::new();
    for i in 0..devices {
        let token = format!("bench-{}-{i}", new_id());
        store
            .create_device(
                &Scope::All,
                NewDevice {
                    unit_id: unit.id.clone(),
                    key_area_id: Some(area.id.clone()),
                    format,
                    kind: "camera".into(),
                    name: format!("基准摄像机{i}"),
                    serial: String::new(),
                    channel_map: Default::default(),
                    time_zone: None,
                    ingest_token_hash: token_hash(&token),
                    location_type: None,
                    view_note: None,
                },
                &bench.audit("device.create", "device", "", Some(&unit.id)),
                now,
            )
            .await?;
        tokens.push(token);
    }
    Ok(tokens)
}

/// An active plate list and an active face list of `n` entries each, owned by `unit_id`
/// (docs/WATCHLISTS.md): the index the pipeline matches every plate and face event against.
async fn load_watchlists(store: &dyn Store, unit_id: &str, n: usize) -> anyhow::Result<()> {
    use neibao_domain::watchlists::{ListKind, NewEntry, NewWatchlist, Owner};
    let bench = neibao_domain::access::Principal::system("bench");
    let owner = Owner::Unit(unit_id.to_string());
    let now = Utc::now();
    for kind in [ListKind::Plate, ListKind::Face] {
        let id = new_id();
        store
            .create_watchlist(
                &NewWatchlist {
                    id: id.clone(),
                    kind,
                    name: format!("基准测试{}（虚构）", kind.label_zh()),
                    owner: owner.clone(),
                    owner_name: "基准测试单位（虚构）".into(),
                    area_prefix: String::new(),
                    legal_basis: "性能测试".into(),
                    expires_on: (now + chrono::Duration::days(30)).date_naive(),
                    threshold: 90,
                    created_by: "bench".into(),
                    at: now,
                },
                &bench.audit("watchlist.create", "watchlist", "", Some(unit_id)),
            )
            .await?;
        let entries: Vec<NewEntry> = (0..n)
            .map(|i| NewEntry {
                id: new_id(),
                watchlist_id: id.clone(),
                plate: (kind == ListKind::Plate).then(|| format!("浙Z{i:05}")),
                subject_name: (kind == ListKind::Face).then(|| format!("虚构人员{i}")),
                external_subject_id: (kind == ListKind::Face).then(|| format!("BENCH-{i}")),
                template: None,
                photo: None,
                note: String::new(),
                at: now,
            })
            .collect();
        for chunk in entries.chunks(10_000) {
            store
                .add_watchlist_entries(
                    &owner,
                    &id,
                    chunk,
                    &bench.audit("watchlist.entry_add", "watchlist", &id, Some(unit_id)),
                )
                .await?;
        }
        store
            .set_watchlist_active(
                &owner,
                &id,
                true,
                None,
                &bench.audit("watchlist.activate", "watchlist", &id, Some(unit_id)),
                now,
            )
            .await?;
    }
    Ok(())
}

/// Runs the benchmark.
pub async fn run(args: BenchArgs) -> anyhow::Result<BenchReport> {
    let dir = tempfile::tempdir()?;
    let (db_url, db_name) = match &args.postgres_admin_url {
        Some(admin) => {
            use sqlx::Connection;
            let name = format!("neibao_bench_{}", uuid::Uuid::now_v7().simple());
            let mut c = sqlx::PgConnection::connect(admin).await?;
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut c).await?;
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(admin);
            (Some(format!("{base}/{name}")), Some(name))
        }
        None => (None, None),
    };
    let result = run_on(&args, dir.path(), db_url.as_deref()).await;
    if let (Some(admin), Some(name)) = (&args.postgres_admin_url, db_name) {
        use sqlx::Connection;
        if let Ok(mut c) = sqlx::PgConnection::connect(admin).await {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut c)
                .await;
        }
    }
    result
}

async fn run_on(args: &BenchArgs, dir: &Path, db_url: Option<&str>) -> anyhow::Result<BenchReport> {
    let format = if args.mqtt_url.is_some() {
        DeviceFormat::GenericJson
    } else {
        DeviceFormat::Hikvision
    };
    // Devices and rules first, so that the application loads them as a server would at start.
    let tokens = {
        let store = crate::open_store(db_url, dir, Duration::from_secs(300)).await?;
        let tokens = setup(store.as_ref(), 64, format).await?;
        let rules = bench_rules(args.rules);
        neibao_engine::warning::engine::import_specs(store.as_ref(), &rules, "bench", Utc::now()).await?;
        if args.watchlist > 0 {
            let device = store
                .device_for_ingest(&token_hash(&tokens[0]))
                .await?
                .context("bench device")?;
            load_watchlists(store.as_ref(), &device.unit_id, args.watchlist).await?;
        }
        tokens
    };
    let payloads = Arc::new(payloads(&args.fixtures)?);
    let mut config = AppConfig::new(dir);
    config.database_url = db_url.map(str::to_string);
    config.web = WebConfig {
        max_ingest_in_flight: args.concurrency.max(1) * 2,
        ..Default::default()
    };
    let prefix = format!("bench{}", uuid::Uuid::now_v7().simple());
    config.nats = args.nats_url.as_ref().map(|url| NatsConfig {
        url: url.clone(),
        prefix: prefix.clone(),
        partitions: 8,
        max_backlog: u64::MAX,
    });
    let app = App::build(config).await?;
    let loaded = app.services.pipeline().rule_engine().rules().len();
    anyhow::ensure!(loaded == args.rules, "loaded {loaded} of {} rules", args.rules);
    if args.watchlist > 0 {
        let idx = app.services.pipeline().watch_index().current();
        anyhow::ensure!(
            idx.key_count() >= args.watchlist * 2,
            "watchlist index holds {} keys",
            idx.key_count()
        );
        eprintln!("布控索引：{} 个名单，{} 个键", idx.list_count(), idx.key_count());
    }
    if let Some(url) = &args.mqtt_url {
        return run_mqtt(args, app, tokens, url, db_url, dir).await;
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        crate::server::serve(
            listener,
            app.router,
            crate::server::ServerConfig::default(),
            std::future::pending(),
        )
        .await;
    });

    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .build()?;
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..args.concurrency.max(1) {
        let (http, next, payloads, tokens, base) = (
            http.clone(),
            next.clone(),
            payloads.clone(),
            tokens.clone(),
            base.clone(),
        );
        let (total, rate) = (args.requests, args.rate);
        workers.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut events = 0usize;
            loop {
                let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if n >= total {
                    break;
                }
                if let Some(r) = rate {
                    let due = started + Duration::from_secs_f64(n as f64 / r);
                    tokio::time::sleep_until(due.into()).await;
                }
                let (ct, body) = &payloads[n % payloads.len()];
                let url = format!("{base}/ingest/hikvision/{}", tokens[n % tokens.len()]);
                let t = Instant::now();
                let r = http
                    .post(url)
                    .header("content-type", *ct)
                    .body(vary(body, n))
                    .send()
                    .await;
                if let Ok(r) = r {
                    if r.status() == 200 {
                        let v: serde_json::Value = r.json().await.unwrap_or_default();
                        events += v["accepted"].as_u64().unwrap_or(0) as usize;
                        lat.push(t.elapsed().as_secs_f64() * 1000.0);
                    }
                }
            }
            (lat, events)
        }));
    }
    let mut lat = Vec::new();
    let mut events = 0;
    for w in workers {
        let (l, e) = w.await?;
        lat.extend(l);
        events += e;
    }
    // With the bus, the events are stored when the consumers have drained it.
    if args.nats_url.is_some() {
        let deadline = Instant::now() + Duration::from_secs(600);
        // The pipeline counts every event it stores (new occurrences and folded posts).
        while (neibao_engine::metrics::METRICS.events.get() as usize) < events {
            if Instant::now() > deadline {
                anyhow::bail!("the bus did not drain within 10 minutes");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    lat.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    let ceiling = ceiling(
        db_url,
        dir,
        events.max(1000),
        payloads.iter().map(|p| p.1.len()).sum::<usize>() / payloads.len(),
    )
    .await?;
    let nats_ceiling = match &args.nats_url {
        Some(url) => Some(nats_ceiling(url, &format!("{prefix}c"), events.max(1000), 2048, args.concurrency).await?),
        None => None,
    };
    Ok(BenchReport {
        backend: if db_url.is_some() { "postgres" } else { "sqlite" },
        transport: if args.nats_url.is_some() { "http+nats" } else { "http" },
        requests: args.requests,
        events,
        seconds,
        events_per_second: events as f64 / seconds,
        p50_ms: percentile(&lat, 0.50),
        p99_ms: percentile(&lat, 0.99),
        ceiling_rows_per_second: ceiling,
        nats_publish_ceiling_per_second: nats_ceiling,
        rules: args.rules,
    })
}

/// The stream transport: `requests` MQTT messages of 10 generic-JSON events each, published at
/// QoS 1 to `neibao/events/{token}` on a unique prefix, taken by the server's subscriber through
/// the same decode → persist → rules → alert path. Ends when every event is stored. Latency is
/// the pipeline's receive-to-done time (p50/p99 from its histogram: bucket upper bounds).
async fn run_mqtt(
    args: &BenchArgs,
    app: App,
    tokens: Vec<String>,
    url: &str,
    db_url: Option<&str>,
    dir: &Path,
) -> anyhow::Result<BenchReport> {
    use neibao_engine::metrics::METRICS;
    let prefix = format!("nbbench{}/events", uuid::Uuid::now_v7().simple());
    let sink: Arc<dyn neibao_transport::Sink> = Arc::new(crate::transports::DeviceSink::new(
        app.services.intake.clone(),
        Default::default(),
        Default::default(),
    ));
    let mut cfg = neibao_transport::MqttConfig::new(url, format!("nbbench-sub-{}", std::process::id()));
    cfg.generic_prefix = prefix.clone();
    cfg.frigate_prefixes = Vec::new();
    let status = neibao_transport::StatusHandle::new();
    let (_stop, rx) = tokio::sync::watch::channel(false);
    tokio::spawn(neibao_transport::run_mqtt_with_status(
        cfg.clone(),
        sink,
        rx,
        status.clone(),
    ));
    let deadline = Instant::now() + Duration::from_secs(20);
    while !status.snapshot().connected {
        anyhow::ensure!(Instant::now() < deadline, "MQTT subscriber did not connect to {url}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let broker = cfg.broker().map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut opts = rumqttc::MqttOptions::new(format!("nbbench-pub-{}", std::process::id()), broker.host, broker.port);
    opts.set_keep_alive(Duration::from_secs(30));
    opts.set_inflight(1000);
    let (client, mut el) = rumqttc::AsyncClient::new(opts, 10_000);
    tokio::spawn(async move { while el.poll().await.is_ok() {} });
    let before = METRICS.events.get() as usize;
    let kinds = [
        "motion",
        "intrusion.field",
        "access.denied",
        "video.tamper",
        "alarm.input",
    ];
    let started = Instant::now();
    for n in 0..args.requests {
        if let Some(r) = args.rate {
            tokio::time::sleep_until((started + Duration::from_secs_f64(n as f64 / r)).into()).await;
        }
        // Closed loop: at most 500 messages published and not yet stored (a broker keeps a limited
        // queue per subscriber — Mosquitto 1 000 QoS 1 messages by default — and drops the rest).
        while n.saturating_sub((METRICS.events.get() as usize).saturating_sub(before) / 10) > 500 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let events: Vec<serde_json::Value> = (0..10)
            .map(|j| {
                serde_json::json!({"type": kinds[(n + j) % kinds.len()], "region": format!("r{}", (n * 10 + j) % 5000), "channel": 1 + j})
            })
            .collect();
        let topic = format!("{prefix}/{}", tokens[n % tokens.len()]);
        client
            .publish(topic, rumqttc::QoS::AtLeastOnce, false, serde_json::to_vec(&events)?)
            .await?;
    }
    let expected = args.requests * 10;
    let deadline = Instant::now() + Duration::from_secs(600);
    while (METRICS.events.get() as usize) < before + expected {
        anyhow::ensure!(
            Instant::now() < deadline,
            "not every MQTT event was stored within 10 minutes"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let seconds = started.elapsed().as_secs_f64();
    let (p50, p99) = histogram_percentiles(&METRICS.ingest_to_alert);
    let ceiling = ceiling(db_url, dir, expected.max(1000), 120).await?;
    Ok(BenchReport {
        backend: if db_url.is_some() { "postgres" } else { "sqlite" },
        transport: "mqtt",
        requests: args.requests,
        events: expected,
        seconds,
        events_per_second: expected as f64 / seconds,
        p50_ms: p50,
        p99_ms: p99,
        ceiling_rows_per_second: ceiling,
        nats_publish_ceiling_per_second: None,
        rules: args.rules,
    })
}

/// p50 and p99 (milliseconds, bucket upper bounds) of a prometheus histogram.
fn histogram_percentiles(h: &prometheus_client::metrics::histogram::Histogram) -> (f64, f64) {
    use prometheus_client::encoding::text::encode;
    // The histogram's buckets, read back through the text encoding of a scratch registry.
    let mut reg = prometheus_client::registry::Registry::default();
    reg.register("h", "scratch", h.clone());
    let mut text = String::new();
    if encode(&mut text, &reg).is_err() {
        return (0.0, 0.0);
    }
    let mut buckets: Vec<(f64, f64)> = Vec::new();
    for line in text.lines().filter(|l| l.starts_with("h_bucket{")) {
        let le = line
            .split("le=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap_or("+Inf");
        let count: f64 = line.rsplit(' ').next().and_then(|c| c.parse().ok()).unwrap_or(0.0);
        let le = if le == "+Inf" {
            f64::INFINITY
        } else {
            le.parse().unwrap_or(f64::INFINITY)
        };
        buckets.push((le, count));
    }
    let total = buckets.last().map(|b| b.1).unwrap_or(0.0);
    let at = |p: f64| {
        buckets
            .iter()
            .find(|(_, c)| *c >= total * p)
            .map(|(le, _)| le * 1000.0)
            .unwrap_or(0.0)
    };
    (at(0.50), at(0.99))
}

/// Batched insert rate of `n` event rows with `payload` bytes each into the same database.
async fn ceiling(db_url: Option<&str>, dir: &Path, n: usize, payload: usize) -> anyhow::Result<f64> {
    let raw = vec![b'x'; payload];
    let unit: String;
    let device: String;
    macro_rules! run_batches {
        ($pool:expr, $db:ty) => {{
            let pool = $pool;
            let row: (String, String) = sqlx::query_as("SELECT unit_id, id FROM devices LIMIT 1").fetch_one(&pool).await?;
            unit = row.0;
            device = row.1;
            let t = Instant::now();
            for chunk in (0..n).collect::<Vec<_>>().chunks(1000) {
                let mut tx = pool.begin().await?;
                let mut qb = sqlx::QueryBuilder::<$db>::new(
                    "INSERT INTO events (id, unit_id, device_id, kind, vendor_type, state, received_at, last_seen_at, post_count, channel, occurrence_key, raw, image_count) ",
                );
                let now = Utc::now().timestamp_millis();
                qb.push_values(chunk, |mut b, i| {
                    b.push_bind(new_id())
                        .push_bind(&unit)
                        .push_bind(&device)
                        .push_bind("intrusion.field")
                        .push_bind("fielddetection")
                        .push_bind("active")
                        .push_bind(now)
                        .push_bind(now)
                        .push_bind(1i64)
                        .push_bind(*i as i64)
                        .push_bind(format!("ceiling|{i}"))
                        .push_bind(raw.clone())
                        .push_bind(0i64);
                });
                qb.build().execute(&mut *tx).await?;
                tx.commit().await?;
            }
            n as f64 / t.elapsed().as_secs_f64()
        }};
    }
    Ok(match db_url {
        Some(url) => run_batches!(
            sqlx::postgres::PgPoolOptions::new()
                .max_connections(2)
                .connect(url)
                .await?,
            sqlx::Postgres
        ),
        None => {
            let opts = std::str::FromStr::from_str(&format!("sqlite://{}", dir.join("neibao.db").display()));
            let opts: sqlx::sqlite::SqliteConnectOptions = opts?;
            let opts = opts
                .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sqlx::sqlite::SqliteSynchronous::Normal);
            run_batches!(
                sqlx::sqlite::SqlitePoolOptions::new()
                    .max_connections(1)
                    .connect_with(opts)
                    .await?,
                sqlx::Sqlite
            )
        }
    })
}

/// Raw JetStream publish rate (acknowledged) of `n` messages of `size` bytes, `concurrency`
/// publishers, on a temporary stream.
async fn nats_ceiling(url: &str, prefix: &str, n: usize, size: usize, concurrency: usize) -> anyhow::Result<f64> {
    use async_nats::jetstream;
    let client = async_nats::connect(url).await?;
    let js = jetstream::new(client);
    let name = prefix.to_ascii_uppercase();
    js.get_or_create_stream(jetstream::stream::Config {
        name: name.clone(),
        subjects: vec![format!("{prefix}.>")],
        storage: jetstream::stream::StorageType::File,
        ..Default::default()
    })
    .await?;
    let payload = bytes::Bytes::from(vec![b'x'; size]);
    let t = Instant::now();
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..concurrency.max(1) {
        let (js, next, payload, subject) = (js.clone(), next.clone(), payload.clone(), format!("{prefix}.x"));
        tasks.push(tokio::spawn(async move {
            while next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < n {
                js.publish(subject.clone(), payload.clone()).await?.await?;
            }
            Ok::<_, anyhow::Error>(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    let rate = n as f64 / t.elapsed().as_secs_f64();
    js.delete_stream(&name).await.ok();
    Ok(rate)
}
