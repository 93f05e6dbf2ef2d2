//! `neibao`: the one binary. `serve` runs the platform; `token create` prints an API token.
#![forbid(unsafe_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context};
use chrono::Utc;
use clap::{Parser, Subcommand};
use neibao::app::{App, AppConfig};
use neibao::divisions::DivisionsCommand;
use neibao::StoreArgs;
use neibao_domain::access::Principal;
use neibao_domain::error::ErrorCode;
use neibao_engine::{EngineConfig, NatsConfig};
use neibao_web::WebConfig;

#[derive(Parser)]
#[command(name = "neibao", version, about = "智慧内保平台 neibao")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (embedded SQLite in the data folder; migrations apply at start).
    Serve(ServeArgs),
    /// API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Account recovery.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// The organisation tree (docs/ORGANISATIONS.md).
    Organisations {
        #[command(subcommand)]
        command: neibao::organisations_cli::OrganisationsCommand,
    },
    /// The tamper-evident audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Field-encryption keys.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// The GB/T 2260 division table: load a later version, list versions, a code's history.
    Divisions {
        #[command(subcommand)]
        command: DivisionsCommand,
    },
    /// Early-warning rules as data (files like data/rules/default.json).
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// Benchmarks (results go to docs/BENCHMARKS.md).
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
    /// Copy a single-box installation (SQLite) into PostgreSQL and verify every table by count
    /// and checksum. Safe to run again: rows are upserted. Copy the data folder's `keys/` to the
    /// PostgreSQL nodes (or set the same NEIBAO_FIELD_KEY): encrypted fields are copied as they are.
    MigrateData {
        /// Source, e.g. sqlite://./neibao-data/neibao.db
        #[arg(long)]
        from: String,
        /// Target, e.g. postgres://user@host/neibao
        #[arg(long)]
        to: String,
    },
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Data folder: database, field-encryption keys.
    #[arg(long, env = "NEIBAO_DATA_DIR", default_value = "./neibao-data")]
    data_dir: PathBuf,
    /// `postgres://…` selects PostgreSQL (province scale); default: SQLite in the data folder.
    #[arg(long, env = "NEIBAO_DATABASE_URL")]
    database_url: Option<String>,
    /// Address to listen on.
    #[arg(long, env = "NEIBAO_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Load the demo data set once (Zhejiang divisions, police organisations, demo units,
    /// devices, users, one demo alert), and keep its devices alive while the server runs
    /// (heartbeats, about one event a minute, through the real intake path).
    #[arg(long)]
    demo: bool,
    /// Largest accepted device payload in bytes.
    #[arg(long, env = "NEIBAO_MAX_INGEST_BODY", default_value_t = 4 * 1024 * 1024)]
    max_ingest_body: usize,
    /// Seconds without a heartbeat or event after which a device counts as offline.
    #[arg(long, env = "NEIBAO_OFFLINE_AFTER", default_value_t = 300)]
    offline_after: u64,
    /// Mark session cookies Secure and send HSTS (serve behind HTTPS only).
    #[arg(long, env = "NEIBAO_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Device payloads processed at once by this node; more get 429 with Retry-After.
    #[arg(long, env = "NEIBAO_MAX_INGEST_IN_FLIGHT", default_value_t = 256)]
    max_ingest_in_flight: usize,
    /// Multi-node mode: publish device events to NATS JetStream at this URL (`nats://…`) and
    /// consume them from there. Default: single box, in-process.
    #[arg(long, env = "NEIBAO_NATS_URL")]
    nats_url: Option<String>,
    /// Subject prefix (and stream stem) on NATS; all nodes of one installation use the same.
    #[arg(long, env = "NEIBAO_BUS_PREFIX", default_value = "neibao")]
    bus_prefix: String,
    /// Ordered partitions on the bus; all nodes of one installation use the same number.
    #[arg(long, env = "NEIBAO_BUS_PARTITIONS", default_value_t = 8)]
    bus_partitions: u32,
    /// Answer 429 while more than this many bus messages wait.
    #[arg(long, env = "NEIBAO_MAX_BUS_BACKLOG", default_value_t = 100_000)]
    max_bus_backlog: u64,
    /// Public base URL of this installation (e.g. `https://neibao.example.gov.cn`), used for the
    /// alert links in notifications (webhooks, DingTalk, WeCom, email) and for the ingest URL shown
    /// once when a device is registered (without it: the request's `Host`).
    #[arg(long, env = "NEIBAO_PUBLIC_URL")]
    public_url: Option<String>,
    /// Import this rule file (JSON, see data/rules/default.json) at start: new rules are created,
    /// changed ones get a new version, equal ones are left alone.
    #[arg(long, env = "NEIBAO_RULES_FILE")]
    rules_file: Option<PathBuf>,
    /// MQTT broker to subscribe to (`mqtt://user:pass@host:1883`): Frigate topics and
    /// `neibao/events/{ingest token}` (the generic JSON shape).
    #[arg(long, env = "NEIBAO_MQTT_URL")]
    mqtt_url: Option<String>,
    /// Frigate topic prefixes and the devices (ingest tokens) they belong to:
    /// `frigate=TOKEN[,prefix2=TOKEN2]`. Default prefix `frigate` with no device: Frigate
    /// messages are dropped until mapped.
    #[arg(long, env = "NEIBAO_MQTT_FRIGATE", default_value = "")]
    mqtt_frigate: String,
    /// Pull clients (Hikvision alertStream, Dahua attach): a JSON file
    /// `{"sources":[{"token","kind":"hikvision_alert_stream|dahua_attach","url","username","password"}]}`.
    /// Keep it readable by the service account only: it holds device passwords.
    #[arg(long, env = "NEIBAO_PULL_CONFIG")]
    pull_config: Option<PathBuf>,
    /// Seconds between device-silence sweeps (absence rules: device offline).
    #[arg(long, env = "NEIBAO_SILENCE_SWEEP", default_value_t = 60)]
    silence_sweep: u64,
    /// Seconds from accepting a connection to its first request's complete headers; a
    /// connection that sends nothing or trickles its headers is closed. Each request then has
    /// 30 s to complete.
    #[arg(long, env = "NEIBAO_HEADER_READ_TIMEOUT", default_value_t = 10)]
    header_read_timeout: u64,
    /// Seconds a kept-alive connection may wait, with no request in flight, for the next
    /// request's complete headers before it is closed.
    #[arg(long, env = "NEIBAO_IDLE_TIMEOUT", default_value_t = 30)]
    idle_timeout: u64,
    /// Open client connections at most; a new one beyond closes the longest-idle one (never a
    /// busy one). Lowered at start to fit the open-file limit.
    #[arg(long, env = "NEIBAO_MAX_CONNECTIONS", default_value_t = 4096)]
    max_connections: usize,
    /// Open client connections from one address (IPv4 address, IPv6 /64) at most; a new one
    /// beyond closes that address's longest-idle one.
    #[arg(long, env = "NEIBAO_MAX_CONNECTIONS_PER_ADDRESS", default_value_t = 256)]
    max_connections_per_address: usize,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Recover an account: a new random password (printed once), the second factor removed,
    /// the login lock lifted, every session ended and every API token revoked. Audited.
    Reset {
        #[command(flatten)]
        store: StoreArgs,
        /// User name.
        #[arg(long)]
        user: String,
    },
}

#[derive(Subcommand)]
enum RulesCommand {
    /// Check a rule file without storing anything (syntax, fields, windows).
    Check {
        #[arg(long)]
        file: PathBuf,
    },
    /// Import a rule file: new rules are created, changed ones get a new version. A running
    /// server picks them up within 10 seconds.
    Import {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long)]
        file: PathBuf,
    },
    /// Print the current rules as a rule file (JSON) on standard output.
    Export {
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk the hash chain and report every edited, deleted or reordered row (exit code 1 if
    /// any); prints the head to record outside the database. With `--checkpoints`, also checks
    /// the signed checkpoints and names the rows appended after the last one.
    Verify {
        #[command(flatten)]
        store: StoreArgs,
        /// A head recorded earlier, `SEQ:HASH`: the row SEQ must still have this hash (catches a
        /// chain rewritten with fresh hashes up to SEQ). An anchor proves nothing about the rows
        /// after SEQ: rows appended later with correct links pass; use signed checkpoints.
        #[arg(long)]
        anchor: Vec<String>,
        /// Checkpoint log written by `neibao audit checkpoint`: reports forged checkpoints,
        /// checkpoints the chain no longer matches, rows appended after a checkpoint with an
        /// earlier time, and the rows after the last checkpoint (not yet covered).
        #[arg(long, requires = "checkpoint_key")]
        checkpoints: Option<PathBuf>,
        /// Key file the checkpoints were signed with (keep it away from the database host).
        #[arg(long, env = "NEIBAO_AUDIT_CHECKPOINT_KEY")]
        checkpoint_key: Option<PathBuf>,
    },
    /// Sign the chain's current head (HMAC-SHA256 over seq, hash and time, with a key the
    /// database does not hold) and append the checkpoint to an external log. Run it
    /// periodically, under another account, with the log on append-only storage.
    Checkpoint {
        #[command(flatten)]
        store: StoreArgs,
        /// The checkpoint log to append to (created if absent).
        #[arg(long)]
        checkpoints: PathBuf,
        /// Key file (at least 32 bytes; see `--create-key`).
        #[arg(long, env = "NEIBAO_AUDIT_CHECKPOINT_KEY")]
        checkpoint_key: PathBuf,
        /// Create the key file first (refused if it exists).
        #[arg(long)]
        create_key: bool,
    },
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Make a new field-encryption key current, re-encrypt every encrypted value under it, fill
    /// missing blind indexes, then retire the old keys to keys/retired/. Stop the server first
    /// (running nodes keep the old key ring until restarted).
    Rotate {
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Every decoder's documents/s and MB/s over the embedded device fixtures on one thread, with
    /// the parse-only ceiling of the same run (docs/BENCHMARKS.md).
    Decode(neibao::bench_decode::DecodeArgs),
    /// Device payloads through the real ingest path (HTTP → decode → store → rules → alerts),
    /// with the raw batched-insert ceiling of the same database (and JetStream's raw publish
    /// rate with --nats-url) measured in the same run.
    Ingest {
        /// Requests to send.
        #[arg(long, default_value_t = 20_000)]
        requests: usize,
        /// Concurrent senders.
        #[arg(long, default_value_t = 32)]
        concurrency: usize,
        /// Hold this many requests per second (default: as fast as possible).
        #[arg(long)]
        rate: Option<f64>,
        /// Run on PostgreSQL: a server URL on which a temporary database is created and dropped.
        #[arg(long)]
        postgres: Option<String>,
        /// Route events through NATS JetStream at this URL.
        #[arg(long)]
        nats_url: Option<String>,
        /// Folder of the device fixtures.
        #[arg(long, default_value = "tests/fixtures/devices")]
        fixtures: PathBuf,
        /// Generated data rules loaded for the run.
        #[arg(long, default_value_t = 100)]
        rules: usize,
        /// Publish to this MQTT broker instead of HTTP (10 generic-JSON events a message).
        #[arg(long)]
        mqtt_url: Option<String>,
        /// Entries of the active plate and face watchlists loaded first (0: none).
        #[arg(long, default_value_t = 0)]
        watchlist: usize,
    },
    /// The spreadsheet import of units (docs/IMPORTS.md) on a generated workbook: rows/s of
    /// checking and of importing, peak memory, and the batched-insert ceiling of the same run.
    Import(neibao::bench_import::ImportArgs),
    /// Issue 21 item 1 on loopback: open many idle connections to a running server, then probe
    /// /healthz and a device heartbeat on fresh connections every 250 ms (scripts/load-idle.sh
    /// starts the server under a low open-file limit). Exit status 1 when a probe went
    /// unanswered.
    Idle {
        /// The server, on a loopback address.
        #[arg(long)]
        url: String,
        /// Idle connections to open (at most 20 000).
        #[arg(long, default_value_t = 1100)]
        sockets: usize,
        /// Seconds to probe while they are open (at most 300).
        #[arg(long, default_value_t = 20)]
        seconds: u64,
        /// Ingest path to post a Hikvision heartbeat to (with `serve --demo`:
        /// `/ingest/hikvision/demo-gate-camera`).
        #[arg(long)]
        ingest_path: Option<String>,
        /// Spread the idle sockets over this many client addresses (127.0.0.1, 127.0.0.2, …).
        #[arg(long, default_value_t = 1)]
        addresses: u8,
    },
    /// Generate a province-sized data set into a data folder (SQLite) or a PostgreSQL database,
    /// then measure p50/p95 of the unit list, alert list and dashboard pages.
    Province {
        /// Data folder (SQLite database and keys); must be empty or absent.
        #[arg(long)]
        data_dir: PathBuf,
        /// Use this PostgreSQL database instead of SQLite (it should be empty).
        #[arg(long)]
        database_url: Option<String>,
        #[arg(long, default_value_t = 100_000)]
        units: usize,
        #[arg(long, default_value_t = 10)]
        devices_per_unit: usize,
        #[arg(long, default_value_t = 10_000_000)]
        events: usize,
        #[arg(long, default_value_t = 100_000)]
        alerts: usize,
        /// Requests per page and user.
        #[arg(long, default_value_t = 40)]
        samples: usize,
        /// Only measure the pages of a data set generated before.
        #[arg(long)]
        measure_only: bool,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Print a new bearer API token for a user on stdout (and nothing else).
    Create {
        #[arg(long, env = "NEIBAO_DATA_DIR", default_value = "./neibao-data")]
        data_dir: PathBuf,
        /// `postgres://…` when the installation runs on PostgreSQL.
        #[arg(long, env = "NEIBAO_DATABASE_URL")]
        database_url: Option<String>,
        /// User name.
        #[arg(long)]
        user: String,
        /// `write` (default) or `read` (GET requests only).
        #[arg(long, default_value = "write")]
        scope: String,
        /// Label stored with the token.
        #[arg(long, default_value = "cli")]
        name: String,
        /// Days until the token expires (none: never).
        #[arg(long)]
        expires_days: Option<i64>,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => serve(args).await,
        Command::Bench {
            command:
                BenchCommand::Province {
                    data_dir,
                    database_url,
                    units,
                    devices_per_unit,
                    events,
                    alerts,
                    samples,
                    measure_only,
                },
        } => {
            let size = neibao::province::ProvinceSize {
                units,
                devices_per_unit,
                events,
                alerts,
            };
            let timings =
                neibao::province::run(database_url.as_deref(), &data_dir, size, samples, measure_only).await?;
            for t in timings {
                println!(
                    "| {} | {} | {:.1} | {:.1} | {:.1} |",
                    t.user, t.page, t.p50_ms, t.p95_ms, t.max_ms
                );
            }
            Ok(())
        }
        Command::Bench {
            command: BenchCommand::Decode(args),
        } => neibao::bench_decode::run_cli(&args).map(|s| print!("{s}")),
        Command::Bench {
            command:
                BenchCommand::Ingest {
                    requests,
                    concurrency,
                    rate,
                    postgres,
                    nats_url,
                    fixtures,
                    rules,
                    mqtt_url,
                    watchlist,
                },
        } => {
            let r = neibao::bench::run(neibao::bench::BenchArgs {
                postgres_admin_url: postgres,
                nats_url,
                requests,
                concurrency,
                rate,
                fixtures,
                rules,
                mqtt_url,
                watchlist,
            })
            .await?;
            println!(
                "| {} | {} | {} | {} | {} | {:.1} | {:.0} | {:.2} | {:.2} | {:.0} | {} |",
                r.backend,
                r.transport,
                r.rules,
                r.requests,
                r.events,
                r.seconds,
                r.events_per_second,
                r.p50_ms,
                r.p99_ms,
                r.ceiling_rows_per_second,
                r.nats_publish_ceiling_per_second
                    .map(|x| format!("{x:.0}"))
                    .unwrap_or_else(|| "—".into())
            );
            Ok(())
        }
        Command::Bench {
            command:
                BenchCommand::Idle {
                    url,
                    sockets,
                    seconds,
                    ingest_path,
                    addresses,
                },
        } => {
            let r = neibao::bench_idle::run(neibao::bench_idle::IdleArgs {
                url,
                sockets,
                seconds,
                ingest_path,
                addresses,
            })
            .await?;
            print!("{}", r.summary());
            if !r.all_answered() {
                bail!("probes went unanswered while the idle sockets were open");
            }
            Ok(())
        }
        Command::Bench {
            command: BenchCommand::Import(a),
        } => neibao::bench_import::run(a.rows, a.postgres.as_deref())
            .await
            .map(|r| print!("{}", r.summary())),
        Command::MigrateData { from, to } => {
            let reports = neibao::migrate::migrate_data(&from, &to).await?;
            println!("{:<22} {:>10} {:>10}  校验", "表", "源行数", "目标行数");
            let mut ok = true;
            for r in &reports {
                let good = r.checksums_match && r.source_rows == r.target_rows;
                ok &= good;
                println!(
                    "{:<22} {:>10} {:>10}  {}",
                    r.table,
                    r.source_rows,
                    r.target_rows,
                    if good { "一致" } else { "不一致" }
                );
            }
            if !ok {
                bail!("迁移校验失败：有表的行数或校验和不一致");
            }
            println!("迁移完成，全部 {} 张表的行数与校验和一致。", reports.len());
            Ok(())
        }
        Command::Token {
            command:
                TokenCommand::Create {
                    data_dir,
                    database_url,
                    user,
                    scope,
                    name,
                    expires_days,
                },
        } => {
            let Some(scope) = neibao_domain::accounts::TokenScope::from_code(&scope) else {
                bail!("--scope 只能是 read 或 write");
            };
            if expires_days.is_some_and(|d| !(1..=3650).contains(&d)) {
                bail!("--expires-days 须为 1–3650 天");
            }
            let store = neibao::open_store(database_url.as_deref(), &data_dir, Duration::from_secs(300)).await?;
            let services = neibao::cli_services(store);
            let now = Utc::now();
            let created = services
                .accounts
                .issue_token(
                    &Principal::system("cli"),
                    &user,
                    &name,
                    scope,
                    expires_days.map(|d| now + chrono::Duration::days(d)),
                )
                .await;
            let token = match created {
                Ok(t) => t.token,
                Err(e) if e.error_code() == ErrorCode::NotFound => bail!("没有用户 {user}"),
                Err(e) => return Err(e.into()),
            };
            println!("{token}");
            Ok(())
        }
        Command::Divisions { command } => neibao::divisions::run(command).await,
        Command::Rules { command } => match command {
            RulesCommand::Check { file } => {
                let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
                let specs = neibao_engine::warning::ruleset::RuleFile::parse(&bytes).map_err(|e| anyhow::anyhow!(e))?;
                println!("规则文件有效：{} 条规则", specs.len());
                Ok(())
            }
            RulesCommand::Import { store, file } => {
                let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
                let specs = neibao_engine::warning::ruleset::RuleFile::parse(&bytes).map_err(|e| anyhow::anyhow!(e))?;
                let db = neibao::open_store(store.database_url.as_deref(), &store.data_dir, Duration::from_secs(300))
                    .await?;
                let r = neibao_engine::warning::engine::import_specs(db.as_ref(), &specs, "cli", Utc::now()).await?;
                println!(
                    "导入完成：新建 {}，更新 {}，未变 {}",
                    r.created.len(),
                    r.updated.len(),
                    r.unchanged.len()
                );
                Ok(())
            }
            RulesCommand::Export { store } => {
                let db = neibao::open_store(store.database_url.as_deref(), &store.data_dir, Duration::from_secs(300))
                    .await?;
                let rules: Vec<_> = db.list_rules(None).await?.into_iter().map(|r| r.spec).collect();
                println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({ "rules": rules }))?
                );
                Ok(())
            }
        },
        Command::User {
            command: UserCommand::Reset { store, user },
        } => {
            let db =
                neibao::open_store(store.database_url.as_deref(), &store.data_dir, Duration::from_secs(300)).await?;
            let reset = neibao::cli_services(db)
                .accounts
                .reset_account(&Principal::system("cli"), &user)
                .await;
            let password = match reset {
                Ok(p) => p,
                Err(e) if e.error_code() == ErrorCode::NotFound => bail!("没有用户 {user}（或该用户已停用）"),
                Err(e) => return Err(e.into()),
            };
            println!("用户 {user} 的新临时密码：{password}");
            println!("已解除动态验证码、登录锁定，结束全部会话并撤销全部 API 令牌。请登录后立即修改密码。");
            Ok(())
        }
        Command::Organisations { command } => neibao::organisations_cli::run(command).await,
        Command::Audit {
            command:
                AuditCommand::Checkpoint {
                    store,
                    checkpoints,
                    checkpoint_key,
                    create_key,
                },
        } => {
            if create_key {
                neibao::audit_cli::create_checkpoint_key(&checkpoint_key)?;
            }
            let key = neibao::audit_cli::read_checkpoint_key(&checkpoint_key)?;
            let db =
                neibao::open_store(store.database_url.as_deref(), &store.data_dir, Duration::from_secs(300)).await?;
            let cp = neibao::audit_cli::audit_checkpoint(&neibao::cli_services(db), &key, &checkpoints).await?;
            println!("已写入检查点：第 {} 条，{}", cp.seq, cp.line());
            Ok(())
        }
        Command::Audit {
            command:
                AuditCommand::Verify {
                    store,
                    anchor,
                    checkpoints,
                    checkpoint_key,
                },
        } => {
            let key = checkpoint_key
                .as_deref()
                .map(neibao::audit_cli::read_checkpoint_key)
                .transpose()?;
            let signed = key.as_deref().zip(checkpoints.as_deref());
            let db =
                neibao::open_store(store.database_url.as_deref(), &store.data_dir, Duration::from_secs(300)).await?;
            let report = neibao::audit_cli::audit_verify_with(&neibao::cli_services(db), &anchor, signed).await?;
            println!(
                "已校验 {} 条审计记录；链头：{}:{}",
                report.checked, report.head.last_seq, report.head.last_hash
            );
            if checkpoints.is_some() {
                println!("有效检查点 {} 个。", report.checkpoints);
                if let Some(u) = &report.uncovered {
                    println!(
                        "第 {}–{} 条记录在最后一个有效检查点之后，尚无检查点覆盖（无法证明不是事后追加的）。",
                        u.from_seq, u.to_seq
                    );
                }
            }
            if report.problems.is_empty() {
                println!("审计日志完整，未发现篡改。");
                Ok(())
            } else {
                for p in &report.problems {
                    println!(
                        "[{}] 第 {} 条：{}",
                        serde_json::to_value(p.kind)?.as_str().unwrap_or(""),
                        p.seq,
                        p.message
                    );
                }
                bail!("审计日志校验失败：发现 {} 处问题", report.problems.len())
            }
        }
        Command::Keys {
            command: KeysCommand::Rotate { store },
        } => {
            // Alone: a running server keeps the old key ring and would write under a key that
            // is about to be retired.
            let _lock = neibao::lock_data_dir(&store.data_dir, true)?;
            let id = neibao_store::crypto::rotate_keys(&store.data_dir)?;
            let db =
                neibao::open_store(store.database_url.as_deref(), &store.data_dir, Duration::from_secs(300)).await?;
            let services = neibao::cli_services(db);
            let who = Principal::system("cli");
            let report = services.privacy.reencrypt_all(&who).await?;
            println!("新密钥 {id}：{}。", report.summary_zh());
            if report.remaining > 0 {
                bail!(
                    "仍有 {} 个值使用旧密钥（可能有节点仍在运行）；旧密钥未停用，请停止所有节点后重新执行",
                    report.remaining
                );
            }
            let retired = neibao_store::crypto::retire_keys(&store.data_dir, &id)?;
            services.privacy.record_key_rotation(&who, &id, &report).await?;
            println!("旧密钥已停用并移至 keys/retired/：{}", retired.join(", "));
            Ok(())
        }
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("NEIBAO_LOG").unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .init();
    if args.max_ingest_body < 1024 {
        bail!("--max-ingest-body must be at least 1024 bytes");
    }
    let server_config = server_config(&args);
    // Held for the life of the process: `neibao keys rotate` refuses to run beside it.
    let _data_lock = neibao::lock_data_dir(&args.data_dir, false)?;
    let mut config = AppConfig::new(&args.data_dir);
    config.database_url = args.database_url.clone();
    config.offline_after = Duration::from_secs(args.offline_after.max(1));
    config.web = WebConfig {
        max_ingest_body: args.max_ingest_body,
        secure_cookies: args.secure_cookies,
        max_ingest_in_flight: args.max_ingest_in_flight.max(1),
    };
    config.engine = EngineConfig {
        public_url: args.public_url.clone(),
        ..EngineConfig::from_env()
    };
    config.nats = args
        .nats_url
        .as_deref()
        .filter(|u| !u.is_empty())
        .map(|url| NatsConfig {
            url: url.to_string(),
            prefix: args.bus_prefix.clone(),
            partitions: args.bus_partitions.clamp(1, 1024),
            max_backlog: args.max_bus_backlog,
        });
    config.rules_file = args.rules_file.clone();
    config.node = format!("{}-{}", args.listen, std::process::id());
    config.silence_sweep = Duration::from_secs(args.silence_sweep.max(5));
    config.mqtt_url = args.mqtt_url.clone();
    config.mqtt_client_id = format!("neibao-{}", std::process::id());
    config.mqtt_frigate = neibao::transports::parse_frigate_map(&args.mqtt_frigate)?;
    config.pulls = match &args.pull_config {
        Some(p) => neibao::transports::read_pull_file(p)?,
        None => Vec::new(),
    };
    let app = App::build(config).await?;
    neibao::ensure_admin(&app.services).await?;
    if args.demo {
        neibao::demo::load_once(&app.services).await?;
    }
    // The demo's devices keep sending heartbeats and now and then an event (demo only).
    let demo_devices = if args.demo {
        neibao::demo_live::Simulator::new(&app.store, app.services.intake.clone()).await?
    } else {
        None
    };
    // Lives as long as the server: dropping it stops the device transports.
    let _running = app.workers.start().await?;
    if let Some(sim) = demo_devices {
        sim.spawn(
            neibao::demo_live::heartbeat_round(Duration::from_secs(args.offline_after)),
            1.0,
        );
    }
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, data_dir = %args.data_dir.display(), "neibao listening");
    println!("neibao 已启动：http://{addr}/");
    neibao::server::serve(listener, app.router, server_config, shutdown()).await;
    Ok(())
}

/// The connection limits of the flags, with the open-file limit raised for them where the OS
/// allows and the caps lowered to fit it where it does not.
fn server_config(args: &ServeArgs) -> neibao::server::ServerConfig {
    use neibao::server::{raise_fd_limit, ServerConfig, FD_RESERVE};
    let wanted = ServerConfig {
        header_timeout: Duration::from_secs(args.header_read_timeout.max(1)),
        idle_timeout: Duration::from_secs(args.idle_timeout.max(1)),
        max_connections: args.max_connections.max(1),
        max_connections_per_address: args.max_connections_per_address.clamp(1, args.max_connections.max(1)),
    };
    let config = match raise_fd_limit(wanted.max_connections as u64 + FD_RESERVE) {
        Some(limit) => {
            if limit.after > limit.before {
                tracing::info!(
                    before = limit.before,
                    after = limit.after,
                    hard = limit.hard,
                    "open-file limit raised"
                );
            } else {
                tracing::info!(limit = limit.after, hard = limit.hard, "open-file limit");
            }
            let fitted = wanted.clone().fit_fd_limit(limit.after);
            if fitted.max_connections < wanted.max_connections {
                tracing::warn!(
                    limit = limit.after,
                    hard = limit.hard,
                    max_connections = fitted.max_connections,
                    "the open-file limit cannot be raised far enough: --max-connections lowered to fit it \
                     (raise the hard limit, e.g. LimitNOFILE= in the systemd unit)"
                );
            }
            fitted
        }
        None => wanted,
    };
    tracing::info!(
        header_timeout_s = config.header_timeout.as_secs(),
        idle_timeout_s = config.idle_timeout.as_secs(),
        max_connections = config.max_connections,
        max_connections_per_address = config.max_connections_per_address,
        "connection limits"
    );
    config
}

async fn shutdown() {
    let _ = tokio::signal::ctrl_c().await;
}
