//! `neibao bench province`: a province-sized data set (default 100 000 units, 1 000 000 devices,
//! 10 000 000 events, 100 000 alerts, 20 000 hazards) on top of the demo organisation tree, then the
//! 95th percentile answer time of the unit list, alert list and dashboard pages (the home page with
//! its charts, and the charts' API) through HTTP, as a provincial officer and as a county officer.
//!
//! The bulk rows are written with batched inserts straight into the tables (the registry checks
//! and per-event rules are not what is measured here); encrypted columns hold a real ciphertext
//! so the rows are valid.

use std::time::{Duration, Instant};

use chrono::Utc;
use neibao_domain::ids::new_id;
use neibao_domain::validate::uscc_check_char;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::Row;

/// Sizes of the generated data set.
#[derive(Debug, Clone, Copy)]
pub struct ProvinceSize {
    pub units: usize,
    pub devices_per_unit: usize,
    pub events: usize,
    pub alerts: usize,
}

/// p50/p95 of one page.
#[derive(Debug, Clone)]
pub struct PageTiming {
    pub page: String,
    pub user: String,
    pub p50_ms: f64,
    pub p95_ms: f64,
    /// The slowest request (the first dashboard request of a scope computes what is then cached).
    pub max_ms: f64,
}

const KINDS: [&str; 6] = [
    "intrusion.field",
    "intrusion.line_crossing",
    "motion",
    "video.tamper",
    "access.granted",
    "access.denied",
];

macro_rules! bulk_load {
    ($pool:expr, $db:ty, $size:expr, $raw:expr) => {{
        let pool = $pool;
        let size: ProvinceSize = $size;
        let raw: Vec<u8> = $raw;
        let mut rng = StdRng::seed_from_u64(7);
        let stations: Vec<(String, String)> = sqlx::query_as("SELECT id, division_code FROM organisations WHERE kind = 'police_station'")
            .fetch_all(&pool)
            .await?;
        let now = Utc::now().timestamp_millis();
        // Units.
        let mut units: Vec<(String, String)> = Vec::with_capacity(size.units);
        for chunk in (0..size.units).collect::<Vec<_>>().chunks(1000) {
            let mut qb = sqlx::QueryBuilder::<$db>::new(
                "INSERT INTO units (id, name, kind, is_university, is_private_enterprise, uscc, address, division_code, police_station_id, is_key_unit, key_unit_category, is_counter_terror_target, created_at, updated_at) ",
            );
            let rows: Vec<(String, String, String, String, bool)> = chunk
                .iter()
                .map(|i| {
                    let (station, code) = &stations[rng.gen_range(0..stations.len())];
                    let body = format!("91{}{:09}", &code[..6], i);
                    let uscc = format!("{body}{}", uscc_check_char(&body).unwrap_or('0'));
                    (new_id(), uscc, code.clone(), station.clone(), rng.gen_bool(0.15))
                })
                .collect();
            qb.push_values(rows.iter().zip(chunk), |mut b, ((id, uscc, code, station, key), i)| {
                b.push_bind(id.clone())
                    .push_bind(format!("省级规模测试单位{i}（虚构）"))
                    .push_bind("enterprise")
                    .push_bind(false)
                    .push_bind(true)
                    .push_bind(uscc.clone())
                    .push_bind("")
                    .push_bind(code.clone())
                    .push_bind(station.clone())
                    .push_bind(*key)
                    .push_bind(key.then_some(4i64))
                    .push_bind(false)
                    .push_bind(now)
                    .push_bind(now);
            });
            let mut tx = pool.begin().await?;
            qb.build().execute(&mut *tx).await?;
            tx.commit().await?;
            units.extend(rows.into_iter().map(|r| (r.0, r.2)));
        }
        // Hazards: one per 5 units over the last 30 days, in every phase the dashboard counts
        // (the triggers of migration 0067 keep its counters as they are inserted).
        let hazard_phases = ["detected", "rectifying", "overdue", "closed", "closed", "recheck_pending"];
        for chunk in (0..size.units / 5).collect::<Vec<_>>().chunks(1000) {
            let mut qb = sqlx::QueryBuilder::<$db>::new(
                "INSERT INTO hazards (id, unit_id, source, class, title, phase, case_state, created_by, created_at, updated_at) ",
            );
            let rows: Vec<(String, String, &str, i64)> = chunk
                .iter()
                .map(|_| {
                    let unit = units[rng.gen_range(0..units.len())].0.clone();
                    let at = now - rng.gen_range(0..30 * 24 * 3600 * 1000i64);
                    (new_id(), unit, hazard_phases[rng.gen_range(0..hazard_phases.len())], at)
                })
                .collect();
            qb.push_values(rows.iter(), |mut b, (id, unit, phase, at)| {
                b.push_bind(id.clone())
                    .push_bind(unit.clone())
                    .push_bind("report")
                    .push_bind("general")
                    .push_bind("消防通道堵塞（虚构）")
                    .push_bind(*phase)
                    .push_bind("{}")
                    .push_bind("bench")
                    .push_bind(*at)
                    .push_bind(*at);
            });
            let mut tx = pool.begin().await?;
            qb.build().execute(&mut *tx).await?;
            tx.commit().await?;
        }
        // Devices.
        let mut devices: Vec<(String, String)> = Vec::with_capacity(size.units * size.devices_per_unit);
        let all: Vec<(usize, usize)> = (0..units.len()).flat_map(|u| (0..size.devices_per_unit).map(move |d| (u, d))).collect();
        for chunk in all.chunks(2000) {
            let mut qb = sqlx::QueryBuilder::<$db>::new(
                "INSERT INTO devices (id, unit_id, format, kind, name, serial, channel_map, ingest_token_hash, last_seen_at, created_at) ",
            );
            let rows: Vec<(String, String, Option<i64>)> = chunk
                .iter()
                .map(|(u, _)| (new_id(), units[*u].0.clone(), rng.gen_bool(0.85).then_some(now - rng.gen_range(0..120_000))))
                .collect();
            qb.push_values(rows.iter().zip(chunk), |mut b, ((id, unit, seen), (_, d))| {
                b.push_bind(id.clone())
                    .push_bind(unit.clone())
                    .push_bind("hikvision")
                    .push_bind("camera")
                    .push_bind(format!("{}号摄像机", d + 1))
                    .push_bind("")
                    .push_bind("{}")
                    .push_bind(new_id())
                    .push_bind(*seen)
                    .push_bind(now);
            });
            let mut tx = pool.begin().await?;
            qb.build().execute(&mut *tx).await?;
            tx.commit().await?;
            devices.extend(rows.into_iter().map(|r| (r.0, r.1)));
        }
        // Events over the last 30 days; every 100th also raises an alert.
        let month = 30 * 24 * 3600 * 1000i64;
        let mut alerts_left = size.alerts;
        for start in (0..size.events).step_by(1000) {
            let n = 1000.min(size.events - start);
            let rows: Vec<(String, usize, i64, &str)> =
                (0..n).map(|_| (new_id(), rng.gen_range(0..devices.len()), now - rng.gen_range(0..month), KINDS[rng.gen_range(0..KINDS.len())])).collect();
            let mut qb = sqlx::QueryBuilder::<$db>::new(
                "INSERT INTO events (id, unit_id, device_id, kind, vendor_type, state, received_at, last_seen_at, ended_at, post_count, channel, occurrence_key, raw, image_count) ",
            );
            qb.push_values(rows.iter(), |mut b, (id, d, at, kind)| {
                b.push_bind(id.clone())
                    .push_bind(devices[*d].1.clone())
                    .push_bind(devices[*d].0.clone())
                    .push_bind(*kind)
                    .push_bind(*kind)
                    .push_bind("active")
                    .push_bind(*at)
                    .push_bind(*at)
                    .push_bind(Some(*at))
                    .push_bind(1i64)
                    .push_bind(1i64)
                    .push_bind(format!("{kind}|{id}"))
                    .push_bind(raw.clone())
                    .push_bind(0i64);
            });
            let mut tx = pool.begin().await?;
            qb.build().execute(&mut *tx).await?;
            // Alerts spread evenly over the events (every 100th with the default sizes).
            let share = (size.alerts * (start + n)).div_ceil(size.events) - (size.alerts * start).div_ceil(size.events);
            let take = share.min(alerts_left).min(n);
            if take > 0 {
                alerts_left -= take;
                let mut qa = sqlx::QueryBuilder::<$db>::new(
                    "INSERT INTO alerts (id, unit_id, device_id, rule, alert_type, title, severity, status, fingerprint, first_seen, last_seen, event_count) ",
                );
                qa.push_values(rows.iter().take(take), |mut b, (id, d, at, kind)| {
                    b.push_bind(new_id())
                        .push_bind(devices[*d].1.clone())
                        .push_bind(devices[*d].0.clone())
                        .push_bind("intrusion_key_area")
                        .push_bind(*kind)
                        .push_bind("重要部位入侵：区域入侵")
                        .push_bind("high")
                        .push_bind(if at % 10 == 0 { "open" } else { "resolved" })
                        .push_bind(format!("fp-{id}"))
                        .push_bind(*at)
                        .push_bind(*at)
                        .push_bind(1i64);
                });
                qa.build().execute(&mut *tx).await?;
            }
            tx.commit().await?;
        }
        let counted: i64 = sqlx::query("SELECT COUNT(*) AS n FROM events").fetch_one(&pool).await?.get("n");
        counted
    }};
}

/// Loads the demo tree and the province-sized rows into the store at `database_url` (or SQLite in
/// `data_dir`), then measures the pages. Prints progress to stderr.
pub async fn run(
    database_url: Option<&str>,
    data_dir: &std::path::Path,
    size: ProvinceSize,
    samples: usize,
    measure_only: bool,
) -> anyhow::Result<Vec<PageTiming>> {
    let store = crate::open_store(database_url, data_dir, Duration::from_secs(300)).await?;
    if measure_only {
        drop(store);
        return measure(database_url, data_dir, samples).await;
    }
    let services = crate::cli_services(store.clone());
    crate::ensure_admin_with(&services, Some("admin-pass-123")).await?;
    crate::demo::load_once(&services).await?;
    let cipher = neibao_store::crypto::FieldCipher::load_or_create(data_dir)?;
    let raw = cipher.encrypt_bytes("events.raw", &[b'x'; 200]);
    let t = Instant::now();
    let loaded = match database_url {
        Some(url) => bulk_load!(
            sqlx::postgres::PgPoolOptions::new()
                .max_connections(2)
                .connect(url)
                .await?,
            sqlx::Postgres,
            size,
            raw
        ),
        None => {
            let opts: sqlx::sqlite::SqliteConnectOptions =
                std::str::FromStr::from_str(&format!("sqlite://{}", data_dir.join("neibao.db").display()))?;
            let opts = opts
                .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sqlx::sqlite::SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(30));
            bulk_load!(
                sqlx::sqlite::SqlitePoolOptions::new()
                    .max_connections(1)
                    .connect_with(opts)
                    .await?,
                sqlx::Sqlite,
                size,
                raw
            )
        }
    };
    eprintln!("loaded {loaded} events in {:.0} s", t.elapsed().as_secs_f64());
    if let Some(url) = database_url {
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .connect(url)
            .await?;
        sqlx::query("ANALYZE").execute(&pool).await?;
    } else {
        let opts: sqlx::sqlite::SqliteConnectOptions =
            std::str::FromStr::from_str(&format!("sqlite://{}", data_dir.join("neibao.db").display()))?;
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(opts)
            .await?;
        sqlx::query("ANALYZE").execute(&pool).await?;
    }
    drop(store);
    measure(database_url, data_dir, samples).await
}

async fn measure(
    database_url: Option<&str>,
    data_dir: &std::path::Path,
    samples: usize,
) -> anyhow::Result<Vec<PageTiming>> {
    let mut config = crate::app::AppConfig::new(data_dir);
    config.database_url = database_url.map(str::to_string);
    let app = crate::app::App::build(config).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(crate::server::serve(
        listener,
        app.router,
        crate::server::ServerConfig::default(),
        std::future::pending(),
    ));
    let mut out = Vec::new();
    for user in ["demo_province", "demo_county"] {
        // No redirect after login: the first dashboard request below must be the cold one.
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let r = client
            .post(format!("{base}/login"))
            .form(&[("username", user), ("password", crate::demo::DEFAULT_DEMO_PASSWORD)])
            .send()
            .await?;
        anyhow::ensure!(r.status().is_redirection(), "login as {user} failed: {}", r.status());
        for page in [
            "/units",
            "/units?page=200",
            "/alerts",
            "/alerts?status=open",
            "/",
            "/?days=365",
            "/api/v1/dashboard/charts",
        ] {
            let mut times = Vec::with_capacity(samples);
            for _ in 0..samples {
                let t = Instant::now();
                let r = client.get(format!("{base}{page}")).send().await?;
                let status = r.status();
                let _ = r.bytes().await?;
                anyhow::ensure!(status.is_success(), "{page} as {user}: {status}");
                times.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            times.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
            let pick = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
            out.push(PageTiming {
                page: page.into(),
                user: user.into(),
                p50_ms: pick(0.5),
                p95_ms: pick(0.95),
                max_ms: pick(1.0),
            });
        }
    }
    Ok(out)
}
