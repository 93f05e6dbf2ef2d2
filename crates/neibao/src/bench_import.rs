//! `neibao bench import`: the spreadsheet import of units (issue 12, docs/IMPORTS.md) on a
//! generated workbook of `rows` units (50 000 by default) through the real service, on a fresh
//! SQLite database (or PostgreSQL with `--postgres`): rows/s of checking alone (the file with one
//! bad last row, `all_or_nothing`: every row checked, nothing written) and of the whole import
//! (checked and written through the registry, each unit audited), the process's peak memory
//! (`VmHWM` of /proc/self/status) and, in the same run and database, the ceiling of plain
//! batched inserts (1 000 rows a transaction) of the same rows into a bare table.

use std::path::Path;
use std::time::{Duration, Instant};

use neibao_domain::access::Principal;
use neibao_domain::imports::{ImportMode, ImportStatus};
use neibao_domain::validate::uscc_check_char;

use crate::app::{App, AppConfig};

/// The arguments of `neibao bench import`.
#[derive(Debug, Clone, clap::Args)]
pub struct ImportArgs {
    /// Data rows of the generated workbook (at most 50 000).
    #[arg(long, default_value_t = 50_000)]
    pub rows: usize,
    /// Run on PostgreSQL: a server URL on which a temporary database is created and dropped.
    #[arg(long)]
    pub postgres: Option<String>,
}

/// What `neibao bench import` measured.
#[derive(Debug, Clone)]
pub struct ImportReport {
    pub rows: usize,
    pub file_bytes: usize,
    /// Seconds to write the workbook (rust_xlsxwriter).
    pub write_file_seconds: f64,
    /// Rows/s of the check alone (read, every row checked, nothing written).
    pub check_rows_per_second: f64,
    /// Rows/s of the whole import (read, checked, written).
    pub import_rows_per_second: f64,
    /// Rows/s of plain batched inserts of the same rows.
    pub ceiling_rows_per_second: f64,
    /// Peak resident memory of the process (kB), before and after the imports.
    pub peak_kb_before: u64,
    pub peak_kb_after: u64,
    pub backend: &'static str,
}

impl ImportReport {
    /// The report as printed (a Markdown table).
    pub fn summary(&self) -> String {
        format!(
            "| backend | rows | file | write file | check only | import (check + write) | batched-insert ceiling | peak memory (VmHWM) |\n\
             |---|---|---|---|---|---|---|---|\n\
             | {} | {} | {:.1} MB | {:.1} s | {:.0} rows/s | {:.0} rows/s | {:.0} rows/s | {} MB (before the imports: {} MB) |\n",
            self.backend,
            self.rows,
            self.file_bytes as f64 / 1e6,
            self.write_file_seconds,
            self.check_rows_per_second,
            self.import_rows_per_second,
            self.ceiling_rows_per_second,
            self.peak_kb_after / 1024,
            self.peak_kb_before / 1024,
        )
    }
}

/// The process's peak resident set (kB), from /proc/self/status; 0 where there is none.
pub fn peak_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}

/// The generated rows: enterprises in 西湖区 (330106) with a principal and a phone.
pub fn rows(n: usize) -> Vec<Vec<String>> {
    (0..n)
        .map(|i| {
            let body = format!("91330106MA{i:07}");
            let code = format!("{body}{}", uscc_check_char(&body).unwrap_or('0'));
            let mut r = vec![String::new(); 16];
            r[0] = format!("性能测试单位{i}");
            r[1] = code;
            r[2] = "企业".into();
            r[3] = "330106".into();
            r[4] = format!("杭州市西湖区测试路{i}号");
            r[7] = "否".into();
            r[12] = "张三".into();
            r[13] = "13800138000".into();
            r
        })
        .collect()
}

/// Runs the benchmark with `n` rows (on PostgreSQL when `postgres_admin_url` is given: a
/// temporary database is created and dropped).
pub async fn run(n: usize, postgres_admin_url: Option<&str>) -> anyhow::Result<ImportReport> {
    anyhow::ensure!((2..=50_000).contains(&n), "--rows must be 2–50000");
    let dir = tempfile::tempdir()?;
    let (db_url, db_name) = match postgres_admin_url {
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
    let result = run_on(n, dir.path(), db_url.as_deref()).await;
    if let (Some(admin), Some(name)) = (postgres_admin_url, db_name) {
        use sqlx::Connection;
        if let Ok(mut c) = sqlx::PgConnection::connect(admin).await {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut c)
                .await;
        }
    }
    result
}

async fn wait(app: &App, who: &Principal, id: &str) -> anyhow::Result<neibao_domain::imports::ImportJob> {
    loop {
        let job = app.services.imports.job(who, id).await?;
        if job.status != ImportStatus::Running {
            return Ok(job);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn run_on(n: usize, dir: &Path, db_url: Option<&str>) -> anyhow::Result<ImportReport> {
    let mut config = AppConfig::new(dir);
    config.database_url = db_url.map(str::to_string);
    let app = App::build(config).await?;
    let who = Principal::system("bench");
    let good = rows(n);
    let t = Instant::now();
    let file = neibao_engine::imports::template::unit_sheet(&good)?;
    let write_file_seconds = t.elapsed().as_secs_f64();
    // The same rows with the last one's USCC broken: every row is checked, nothing written.
    let mut bad = good.clone();
    if let Some(last) = bad.last_mut() {
        last[1] = "不是统一社会信用代码".into();
    }
    let bad_file = neibao_engine::imports::template::unit_sheet(&bad)?;
    drop(bad);
    let peak_kb_before = peak_kb();

    let t = Instant::now();
    let job = app
        .services
        .imports
        .start(
            &who,
            neibao_domain::imports::ImportKind::Units,
            "bench.xlsx",
            bad_file,
            ImportMode::AllOrNothing,
        )
        .await?;
    let job = wait(&app, &who, &job.id).await?;
    let check = t.elapsed().as_secs_f64();
    anyhow::ensure!(
        job.status == ImportStatus::Refused && job.refused == 1 && job.created == 0,
        "check run: {job:?}"
    );

    let t = Instant::now();
    let file_bytes = file.len();
    let job = app
        .services
        .imports
        .start(
            &who,
            neibao_domain::imports::ImportKind::Units,
            "bench.xlsx",
            file,
            ImportMode::AllOrNothing,
        )
        .await?;
    let job = wait(&app, &who, &job.id).await?;
    let import = t.elapsed().as_secs_f64();
    anyhow::ensure!(
        job.status == ImportStatus::Done && job.created as usize == n,
        "import run: {:?} {:?}",
        job.status,
        job.errors.first()
    );
    let peak_kb_after = peak_kb();
    let ceiling = ceiling(db_url, dir, &good).await?;
    Ok(ImportReport {
        rows: n,
        file_bytes,
        write_file_seconds,
        check_rows_per_second: n as f64 / check,
        import_rows_per_second: n as f64 / import,
        ceiling_rows_per_second: ceiling,
        peak_kb_before,
        peak_kb_after,
        backend: if db_url.is_some() { "PostgreSQL" } else { "SQLite" },
    })
}

/// Plain batched inserts (1 000 rows a transaction) of the rows into a bare table of the same
/// main columns: rows/s.
async fn ceiling(db_url: Option<&str>, dir: &Path, rows: &[Vec<String>]) -> anyhow::Result<f64> {
    const TABLE: &str = "CREATE TABLE bench_import_ceiling (id TEXT PRIMARY KEY, name TEXT NOT NULL, \
        uscc TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, division_code TEXT NOT NULL, address TEXT NOT NULL, \
        created_at BIGINT NOT NULL)";
    macro_rules! run_batches {
        ($pool:expr, $db:ty) => {{
            let pool = $pool;
            sqlx::query(TABLE).execute(&pool).await?;
            let t = Instant::now();
            for chunk in rows.chunks(1000) {
                let mut tx = pool.begin().await?;
                let mut qb = sqlx::QueryBuilder::<$db>::new(
                    "INSERT INTO bench_import_ceiling (id, name, uscc, kind, division_code, address, created_at) ",
                );
                let now = chrono::Utc::now().timestamp_millis();
                qb.push_values(chunk, |mut b, r| {
                    b.push_bind(neibao_domain::ids::new_id())
                        .push_bind(r[0].clone())
                        .push_bind(r[1].clone())
                        .push_bind("enterprise")
                        .push_bind(r[3].clone())
                        .push_bind(r[4].clone())
                        .push_bind(now);
                });
                qb.build().execute(&mut *tx).await?;
                tx.commit().await?;
            }
            rows.len() as f64 / t.elapsed().as_secs_f64()
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
