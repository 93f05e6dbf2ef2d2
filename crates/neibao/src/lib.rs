//! The neibao application: wiring of store, engine and web, first-start set-up, demo data.
#![forbid(unsafe_code)]

pub mod app;
pub mod audit_cli;
pub mod bench;
pub mod bench_decode;
pub mod bench_idle;
pub mod bench_import;
pub mod demo;
pub mod demo_live;
pub mod divisions;
pub mod head_errors;
pub mod migrate;
pub mod organisations_cli;
pub mod province;
pub mod server;
pub mod transports;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use neibao_domain::access::Principal;
use neibao_engine::accounts::random_token;
use neibao_engine::{EngineConfig, EventBus, Pipeline, Services};
use neibao_store::crypto::FieldCipher;
use neibao_store::postgres::PgStore;
use neibao_store::sqlite::SqliteStore;
use neibao_store::Store;

/// Opens the store: PostgreSQL when `database_url` is `postgres://…` (or `postgresql://…`),
/// otherwise the embedded SQLite database `neibao.db` in `data_dir`. The field-encryption keys
/// come from `data_dir/keys` (or `NEIBAO_FIELD_KEY`); nodes sharing one PostgreSQL database must
/// share the key.
///
/// Errors: an unreachable database, a failed migration, an unusable data folder.
pub async fn open_store(
    database_url: Option<&str>,
    data_dir: &Path,
    offline_after: Duration,
) -> anyhow::Result<Arc<dyn Store>> {
    std::fs::create_dir_all(data_dir).with_context(|| format!("cannot create data folder {}", data_dir.display()))?;
    private_dir(data_dir)?;
    let cipher = FieldCipher::load_or_create(data_dir)?;
    private_dir(&data_dir.join("keys"))?;
    match database_url.filter(|u| !u.is_empty()) {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => Ok(Arc::new(
            PgStore::connect(url, cipher, offline_after)
                .await
                .context("connecting to PostgreSQL")?,
        )),
        Some(url) if url.starts_with("sqlite://") => {
            let path = url.trim_start_matches("sqlite://");
            Ok(Arc::new(
                SqliteStore::open(Path::new(path), cipher, offline_after).await?,
            ))
        }
        Some(_) => bail!("--database-url must start with postgres:// or sqlite://"),
        None => Ok(Arc::new(
            SqliteStore::open(&data_dir.join("neibao.db"), cipher, offline_after).await?,
        )),
    }
}

/// Makes a folder readable by its owner only (0700): the database and the keys are in it.
fn private_dir(dir: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    if dir.is_dir() {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("cannot restrict {}", dir.display()))?;
    }
    Ok(())
}

/// The lock a running server holds (shared) on its data folder, and that maintenance which must
/// run alone (`neibao keys rotate`) takes exclusively.
///
/// Errors: `exclusive` and the folder is in use by a running server (`WouldBlock`), or IO.
pub fn lock_data_dir(data_dir: &Path, exclusive: bool) -> anyhow::Result<std::fs::File> {
    std::fs::create_dir_all(data_dir)?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(data_dir.join("neibao.lock"))?;
    if exclusive {
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                bail!(
                    "数据目录 {} 正被运行中的 neibao 服务使用，请先停止服务",
                    data_dir.display()
                )
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(e.into()),
        }
    } else {
        file.lock_shared()?;
    }
    Ok(file)
}

/// The services over `store` for a maintenance command or a set-up step: device payloads
/// processed in process, no rules loaded, default settings.
/// Where an installation's data is (shared by the maintenance commands).
#[derive(clap::Args, Debug, Clone)]
pub struct StoreArgs {
    #[arg(long, env = "NEIBAO_DATA_DIR", default_value = "./neibao-data")]
    pub data_dir: std::path::PathBuf,
    /// `postgres://…` when the installation runs on PostgreSQL.
    #[arg(long, env = "NEIBAO_DATABASE_URL")]
    pub database_url: Option<String>,
}

impl StoreArgs {
    /// Opens the installation's store (migrations applied).
    ///
    /// Errors: as [`open_store`].
    pub async fn open(&self) -> anyhow::Result<Arc<dyn Store>> {
        open_store(
            self.database_url.as_deref(),
            &self.data_dir,
            std::time::Duration::from_secs(300),
        )
        .await
    }
}

pub fn cli_services(store: Arc<dyn Store>) -> Services {
    let pipeline = Pipeline::new(store.clone());
    Services::new(
        store,
        EventBus::InProcess(pipeline.clone()),
        pipeline,
        EngineConfig::default(),
    )
}

/// On first start with no users, creates `admin` with `NEIBAO_ADMIN_PASSWORD` or a random
/// password printed once.
pub async fn ensure_admin(services: &Services) -> anyhow::Result<()> {
    ensure_admin_with(services, std::env::var("NEIBAO_ADMIN_PASSWORD").ok().as_deref()).await
}

/// [`ensure_admin`] with the password given (`None`: generate and print one).
pub async fn ensure_admin_with(services: &Services, password: Option<&str>) -> anyhow::Result<()> {
    let who = Principal::system("cli");
    if services.accounts.has_accounts(&who).await? {
        return Ok(());
    }
    let (password, generated) = match password {
        Some(p) if p.chars().count() >= 8 => (p.to_string(), false),
        Some(_) => bail!("NEIBAO_ADMIN_PASSWORD must be at least 8 characters"),
        None => (random_token()[..16].to_string(), true),
    };
    // False: another node created it at the same moment.
    if !services.accounts.create_first_admin(&who, &password).await? {
        return Ok(());
    }
    if generated {
        println!("已创建管理员账号 admin，初始密码（仅显示这一次）：{password}");
    } else {
        println!("已创建管理员账号 admin（密码取自 NEIBAO_ADMIN_PASSWORD）");
    }
    Ok(())
}

/// What `neibao audit verify` found.
pub use neibao_engine::audit::AuditReport;

/// Walks the whole audit chain (see `neibao_domain::audit`) through the audit service. `anchors`
/// are `SEQ:HASH` pairs recorded earlier; a row whose hash differs, or that is gone, is a
/// problem. An anchor proves nothing about rows after it: see
/// [`audit_cli::audit_verify_with`] for signed checkpoints.
///
/// Errors: a malformed anchor, or the database.
pub async fn audit_verify(services: &Services, anchors: &[String]) -> anyhow::Result<AuditReport> {
    audit_cli::audit_verify_with(services, anchors, None).await
}
