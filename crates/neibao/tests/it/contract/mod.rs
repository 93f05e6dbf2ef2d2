//! The store contract: one file of checks per capability's repositories (the traits of
//! `crates/store/src/<capability>/mod.rs` that make up `Store`), run against every backend —
//! SQLite always, PostgreSQL when `NEIBAO_TEST_POSTGRES_URL` is set (`.ci/run` sets it).
//!
//! The repositories whose objects hang off others' are checked after them and are handed those
//! objects: the registry checks return the units and the key area they made ([`Registry`]), the
//! device checks the ingest view of a device ([`Devices`]), the event checks the events that the
//! alert checks raise alerts for ([`Events`]). One test per backend runs them in that order on a
//! database of its own; the job scheduler and supervision's writes each have their own database
//! and test per backend.

use std::sync::Arc;

use chrono::Utc;
use neibao_domain::access::{Principal, Scope};
use neibao_domain::audit::AuditEntry;
use neibao_store::crypto::FieldCipher;
use neibao_store::postgres::PgStore;
use neibao_store::sqlite::SqliteStore;
use neibao_store::Store;

use crate::common::{postgres_admin_url, TestDatabase};

mod accounts;
mod alarms;
mod alerts;
mod bulletins;
mod dashboard;
mod devices;
mod drills;
mod events;
mod idempotency;
mod jobs;
mod liaison;
mod organisations;
mod patrol;
mod registry;
mod reports;
mod rulebook;
mod settings;
mod supervision;
mod video;

use devices::Devices;
use events::Events;
use registry::Registry;

/// Every repository's checks in turn, each handed what the earlier ones made, on one database.
async fn repositories(backend: Backend, test: &str) {
    let Some(db) = Database::open(backend, test).await else {
        return;
    };
    let store = db.store.as_ref();
    let now = Utc::now();
    settings::check(store).await;
    let registry: Registry = registry::check(store, now).await;
    let devices: Devices = devices::check(store, now, &registry).await;
    let events: Events = events::check(store, now, &registry, &devices).await;
    alerts::check(store, now, &registry, &devices, &events).await;
    alerts::rule_settings(store, now, &registry).await;
    // Counts everything above: after the alerts, on the clock the devices were heard on.
    dashboard::check(store, now).await;
    accounts::check(store, now, &registry).await;
    accounts::attempts(store, now).await;
    idempotency::check(store, now).await;
    organisations::check(store, now).await;
    devices::token(store, now, &registry).await;
    rulebook::check(store, now, &registry).await;
    video::check(store, now, &registry).await;
    patrol::check(store, now, &registry).await;
    drills::check(store, now, &registry).await;
    alarms::check(store, now, &registry).await;
    bulletins::check(store, now, &registry).await;
    reports::check(store, now, &registry).await;
    liaison::check(store, now, &registry).await;
    db.close().await;
}

#[tokio::test]
async fn contract_sqlite() {
    repositories(Backend::Sqlite, "contract_sqlite").await;
}

#[tokio::test]
async fn contract_postgres() {
    repositories(Backend::Postgres, "contract_postgres").await;
}

/// The job queue and two schedulers on it, on a database of its own.
async fn scheduler(backend: Backend, test: &str) {
    let Some(db) = Database::open(backend, test).await else {
        return;
    };
    jobs::check(db.store.clone()).await;
    db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheduler_contract_sqlite() {
    scheduler(Backend::Sqlite, "scheduler_contract_sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheduler_contract_postgres() {
    scheduler(Backend::Postgres, "scheduler_contract_postgres").await;
}

/// Supervision's writes and their audit rows, on a database of its own (its audit head is broken).
async fn supervision(backend: Backend, test: &str) {
    let Some(db) = Database::open(backend, test).await else {
        return;
    };
    supervision::check(db.store.as_ref(), &db.url).await;
    db.close().await;
}

#[tokio::test]
async fn supervision_writes_and_their_audit_rows_commit_together_sqlite() {
    supervision(
        Backend::Sqlite,
        "supervision_writes_and_their_audit_rows_commit_together_sqlite",
    )
    .await;
}

#[tokio::test]
async fn supervision_writes_and_their_audit_rows_commit_together_postgres() {
    supervision(
        Backend::Postgres,
        "supervision_writes_and_their_audit_rows_commit_together_postgres",
    )
    .await;
}

/// Registry, device and rule-setting writes carry their audit entry (the store fills in a created
/// object's id).
fn audit(action: &str) -> AuditEntry {
    Principal::system("contract").audit(action, "test", "", None)
}

/// The county of unit `a` (西湖区), not of unit `b` (上城区).
fn xihu() -> Scope {
    Scope::Division {
        prefix: "330106".into(),
    }
}

#[derive(Clone, Copy)]
enum Backend {
    Sqlite,
    Postgres,
}

/// A store on a fresh database, with that database's URL (for checks that tamper with it).
struct Database {
    store: Arc<dyn Store>,
    url: String,
    /// The PostgreSQL store, to close its pool before its database is dropped.
    pg: Option<PgStore>,
    _pg_database: Option<TestDatabase>,
    _sqlite_dir: Option<tempfile::TempDir>,
}

impl Database {
    /// `None`, saying so, for PostgreSQL when `NEIBAO_TEST_POSTGRES_URL` is not set.
    async fn open(backend: Backend, test: &str) -> Option<Database> {
        let cipher = FieldCipher::from_key("k1", &[9u8; 32]);
        let offline_after = std::time::Duration::from_secs(300);
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("c.db");
                let store = SqliteStore::open(&path, cipher, offline_after).await.unwrap();
                Some(Database {
                    store: Arc::new(store),
                    url: format!("sqlite://{}", path.display()),
                    pg: None,
                    _pg_database: None,
                    _sqlite_dir: Some(dir),
                })
            }
            Backend::Postgres => {
                let Some(admin) = postgres_admin_url() else {
                    println!("{test} skipped: NEIBAO_TEST_POSTGRES_URL is not set");
                    return None;
                };
                let db = TestDatabase::create(&admin).await;
                let store = PgStore::connect(&db.url, cipher, offline_after).await.unwrap();
                Some(Database {
                    store: Arc::new(store.clone()),
                    url: db.url.clone(),
                    pg: Some(store),
                    _pg_database: Some(db),
                    _sqlite_dir: None,
                })
            }
        }
    }

    async fn close(self) {
        if let Some(pg) = &self.pg {
            pg.pool().close().await;
        }
    }
}
