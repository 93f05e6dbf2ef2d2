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
use neibao_domain::ids::{new_id, token_hash};
use neibao_domain::scope::Scope;
use neibao_domain::unit::{DeviceFormat, UnitKind};
use neibao_domain::validate::{uscc_check_char, DivisionCode, Uscc};
use neibao_engine::bus::NatsBus;
use neibao_engine::{EventBus, NatsConfig, Pipeline};
use neibao_store::model::*;
use neibao_store::Store;
use neibao_web::{AppState, WebConfig};

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

async fn setup(store: &dyn Store, devices: usize) -> anyhow::Result<Vec<String>> {
    let now = Utc::now();
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
            now,
        )
        .await?;
    let area = store.create_key_area(&Scope::All, &unit.id, "机房", "", now).await?;
    let mut tokens = Vec::new();
    for i in 0..devices {
        let token = format!("bench-{}-{i}", new_id());
        store
            .create_device(
                &Scope::All,
                NewDevice {
                    unit_id: unit.id.clone(),
                    key_area_id: Some(area.id.clone()),
                    format: DeviceFormat::Hikvision,
                    kind: "camera".into(),
                    name: format!("基准摄像机{i}"),
                    serial: String::new(),
                    channel_map: Default::default(),
                    ingest_token_hash: token_hash(&token),
                },
                now,
            )
            .await?;
        tokens.push(token);
    }
    Ok(tokens)
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
    let store = crate::open_store(db_url, dir, Duration::from_secs(300)).await?;
    let tokens = setup(store.as_ref(), 64).await?;
    let payloads = Arc::new(payloads(&args.fixtures)?);
    let config = WebConfig {
        max_ingest_in_flight: args.concurrency.max(1) * 2,
        ..Default::default()
    };
    let prefix = format!("bench{}", uuid::Uuid::now_v7().simple());
    let state = match &args.nats_url {
        None => AppState::new(store.clone(), config),
        Some(url) => {
            let nats = NatsConfig {
                url: url.clone(),
                prefix: prefix.clone(),
                partitions: 8,
                max_backlog: u64::MAX,
            };
            let bus = NatsBus::start(nats, store.clone(), Pipeline::new(store.clone())).await?;
            AppState::with_bus(store.clone(), config, EventBus::Nats(bus))
        }
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        let _ = axum::serve(listener, neibao_web::router(state)).await;
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
    })
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
