//! Ready installations that each test copies instead of building its own.
//!
//! Building an installation means running every migration, loading the whole GB/T 2260 table
//! (about 45 000 divisions), hashing the admin password and, for the demo, writing ~1 400
//! organisations, hundreds of units and devices through the real services. Doing that once per
//! test made the suite slow; so it is done once per process (and again when the last one is
//! older than [`FRESH_FOR`], so that "now"-relative demo data stays recent), and each test
//! starts from a copy of it:
//!
//! - the data folder (keys, and on SQLite the database as one quiescent file made by
//!   `VACUUM INTO`), copied file by file;
//! - on PostgreSQL, the database, copied with `CREATE DATABASE … TEMPLATE …`.
//!
//! Each test still owns its own folder and database: nothing is shared while a test runs.
//! Templates of a process that is gone are removed by the next process (and `.ci/run` drops
//! every `neibao_t_%` database before it starts).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, Once};
use std::time::{Duration, Instant};

use neibao::app::{App, AppConfig};

use super::common::{postgres_admin_url, suite_on_postgres, ADMIN_PASSWORD};

/// How long a template is used before the next test builds a new one.
const FRESH_FOR: Duration = Duration::from_secs(600);

/// The name prefix of template databases (within `.ci/run`'s `neibao_t_%`).
const DB_PREFIX: &str = "neibao_t_tpl_";

/// A ready installation to copy: its data folder and, on PostgreSQL, its database's name.
#[derive(Clone)]
pub struct Template {
    dir: PathBuf,
    database: Option<String>,
}

struct Slot {
    built: Instant,
    template: Template,
}

static BASE: Mutex<Option<Slot>> = Mutex::new(None);
static DEMO: Mutex<Option<Slot>> = Mutex::new(None);
static SWEEP: Once = Once::new();
static SERIAL: AtomicUsize = AtomicUsize::new(0);

/// The current template with the admin account (and the demo data when `demo`), built now if
/// there is none or it is older than [`FRESH_FOR`].
pub fn get(demo: bool) -> Template {
    let slot = if demo { &DEMO } else { &BASE };
    let mut guard = slot.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(s) = guard.as_ref() {
        if s.built.elapsed() < FRESH_FOR {
            return s.template.clone();
        }
    }
    // Its own thread and runtime: the caller's runtime is a test's, and the pools the build
    // opens must be gone (with that runtime) before the template is copied.
    let template = std::thread::spawn(move || build(demo))
        .join()
        .expect("building the test installation template");
    *guard = Some(Slot {
        built: Instant::now(),
        template: template.clone(),
    });
    template
}

impl Template {
    /// Copies the data folder into `to` (an empty folder).
    pub fn copy_folder(&self, to: &Path) {
        copy_tree(&self.dir, to);
    }

    /// The template database to copy (PostgreSQL only).
    pub fn database(&self) -> Option<&str> {
        self.database.as_deref()
    }
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read template folder") {
        let entry = entry.expect("template entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy template file");
        }
    }
}

fn build(demo: bool) -> Template {
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("installations");
    SWEEP.call_once(|| sweep(&root));
    let pid = std::process::id();
    let n = SERIAL.fetch_add(1, Ordering::SeqCst);
    let kind = if demo { "demo" } else { "base" };
    let work = root.join(format!("{pid}-{kind}-{n}-build"));
    let dir = root.join(format!("{pid}-{kind}-{n}"));
    let _ = std::fs::remove_dir_all(&work);
    let _ = std::fs::remove_dir_all(&dir);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let database = rt.block_on(async {
        let database = match suite_on_postgres() {
            true => {
                let admin = postgres_admin_url().expect("NEIBAO_TEST_BACKEND=postgres needs NEIBAO_TEST_POSTGRES_URL");
                let name = format!("{DB_PREFIX}{pid}_{kind}_{n}");
                admin_exec(&admin, &format!("CREATE DATABASE {name}")).await;
                Some((admin, name))
            }
            false => None,
        };
        let mut config = AppConfig::new(&work);
        config.database_url = database.as_ref().map(|(admin, name)| database_url(admin, name));
        let app = App::build(config).await.expect("app");
        neibao::ensure_admin_with(&app.services, Some(ADMIN_PASSWORD))
            .await
            .expect("admin");
        if demo {
            neibao::demo::load_once(&app.services).await.expect("demo");
        }
        drop(app);
        database
    });
    // Dropping the runtime ends every task and connection the build opened.
    drop(rt);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        std::fs::create_dir_all(&dir).expect("template folder");
        // The data folder without the SQLite files: the database is copied as one file.
        for entry in std::fs::read_dir(&work).expect("read build folder") {
            let entry = entry.expect("entry");
            let name = entry.file_name();
            if name.to_string_lossy().starts_with("neibao.db") {
                continue;
            }
            let target = dir.join(&name);
            if entry.file_type().expect("file type").is_dir() {
                copy_tree(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), &target).expect("copy");
            }
        }
        match &database {
            None => {
                use sqlx::Connection;
                let url = format!("sqlite://{}", work.join("neibao.db").display());
                let mut c = sqlx::SqliteConnection::connect(&url)
                    .await
                    .expect("open template database");
                sqlx::query("VACUUM INTO ?")
                    .bind(dir.join("neibao.db").display().to_string())
                    .execute(&mut c)
                    .await
                    .expect("VACUUM INTO");
                c.close().await.expect("close");
            }
            Some((admin, name)) => {
                // A template may have no other session while it is copied.
                admin_exec(
                    admin,
                    &format!(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                         WHERE datname = '{name}' AND pid <> pg_backend_pid()"
                    ),
                )
                .await;
            }
        }
    });
    let _ = std::fs::remove_dir_all(&work);
    Template {
        dir,
        database: database.map(|(_, name)| name),
    }
}

/// `admin` with its database name replaced by `name`.
pub fn database_url(admin: &str, name: &str) -> String {
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(admin);
    format!("{base}/{name}")
}

async fn admin_exec(admin: &str, sql: &str) {
    use sqlx::Connection;
    let mut c = sqlx::PgConnection::connect(admin)
        .await
        .expect("connect to NEIBAO_TEST_POSTGRES_URL");
    sqlx::raw_sql(sql).execute(&mut c).await.expect(sql);
}

/// Removes the templates (folders and databases) of test processes that are gone.
fn sweep(root: &Path) {
    let alive = |pid: &str| Path::new("/proc").join(pid).exists();
    if let Ok(entries) = std::fs::read_dir(root) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(pid) = name.split('-').next() {
                if !alive(pid) {
                    let _ = std::fs::remove_dir_all(entry.path());
                }
            }
        }
    }
    let Some(admin) = postgres_admin_url() else { return };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        use sqlx::Connection;
        let Ok(mut c) = sqlx::PgConnection::connect(&admin).await else {
            return;
        };
        // Templates (`neibao_t_tpl_<pid>_…`) and test databases (`neibao_t_p<pid>_…`,
        // common.rs) of processes that are gone.
        let names: Vec<String> = sqlx::query_scalar(
            "SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname LIKE 'neibao\\_t\\_p%'",
        )
        .bind(format!("{DB_PREFIX}%"))
        .fetch_all(&mut c)
        .await
        .unwrap_or_default();
        for name in names {
            let rest = name
                .strip_prefix(DB_PREFIX)
                .or_else(|| name.strip_prefix("neibao_t_p"))
                .unwrap_or("");
            let pid = rest.split('_').next().unwrap_or("");
            if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            if !alive(pid) {
                let _ = sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut c)
                    .await;
            }
        }
    });
}
