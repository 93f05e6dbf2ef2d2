//! SQLite implementation of [`Store`](crate::Store): WAL journal, one writer, migrations from
//! `migrations/sqlite/` applied at open.
//!
//! The queries live in `src/sql/`, written once in portable SQL and compiled into each backend
//! module with `Db`, `DbRow`, `Backend` and `sql` naming this backend's types (for SQLite,
//! `sql` is the identity; for PostgreSQL it numbers the `?` placeholders).

#[path = "../sql/alerts.rs"]
mod alerts;
#[path = "../sql/common.rs"]
mod common;
#[path = "../sql/devices.rs"]
mod devices;
#[path = "../sql/events.rs"]
mod events;
#[path = "../sql/jobs.rs"]
mod jobs;
#[path = "../sql/org.rs"]
mod org;
#[path = "../sql/security.rs"]
mod security;
#[path = "../sql/store_impl.rs"]
mod store_impl;
#[path = "../sql/supervision.rs"]
mod supervision;
#[path = "../sql/units.rs"]
mod units;
#[path = "../sql/users.rs"]
mod users;
#[path = "../sql/warning.rs"]
mod warning;

use std::borrow::Cow;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

use crate::crypto::FieldCipher;
use common::{escape_like, from_ms, ms, push_scope};

type Db = sqlx::Sqlite;
type DbRow = sqlx::sqlite::SqliteRow;
/// SQLite has one writer (the claim runs under `BEGIN IMMEDIATE`): no row locks to skip.
/// How a write transaction starts.
const BEGIN_WRITE: &str = "BEGIN IMMEDIATE";
const SKIP_LOCKED: &str = "";
/// Locks the selected row for the transaction (SQLite: the write transaction already holds the lock).
const FOR_UPDATE: &str = "";
/// Run after a bulk rewrite (key rotation): moves the WAL into the database file and empties
/// it, so old page images do not stay on disk.
const AFTER_BULK_REWRITE: &[&str] = &["PRAGMA wal_checkpoint(TRUNCATE)"];
type Backend = SqliteStore;

/// SQLite takes `?` placeholders as written.
fn sql(s: &str) -> Cow<'_, str> {
    Cow::Borrowed(s)
}

impl SqliteStore {
    /// SQLite has one writer: every write goes through a pool of one connection, so writers
    /// queue in the pool (FIFO, no busy-wait sleeps) instead of contending for the file lock.
    fn writer(&self) -> &SqlitePool {
        &self.writer
    }

    /// Starts a write transaction with `BEGIN IMMEDIATE` on the writer connection: the write
    /// lock is taken at the start, so a transaction that reads first never fails to upgrade.
    async fn begin_write(&self) -> sqlx::Result<sqlx::Transaction<'static, Db>> {
        self.writer.begin_with("BEGIN IMMEDIATE").await
    }
}

/// The embedded single-box store.
#[derive(Clone)]
pub struct SqliteStore {
    /// Readers (WAL lets them run beside the writer).
    pool: SqlitePool,
    /// The single writer connection.
    writer: SqlitePool,
    cipher: FieldCipher,
    /// A device not heard from for this long is offline.
    offline_after: chrono::Duration,
    /// Group commit of event and alert writes (SQLite's single writer); `None`: each write in its
    /// own transaction (PostgreSQL runs them concurrently).
    event_writer: Option<events::EventWriter>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file, enables WAL and foreign keys, and applies
    /// migrations.
    pub async fn open(path: &Path, cipher: FieldCipher, offline_after: Duration) -> anyhow::Result<SqliteStore> {
        let opts = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            // LIKE is case-sensitive, as on PostgreSQL, so prefix matches on division codes use
            // the index (SQLite's LIKE optimisation needs it).
            .pragma("case_sensitive_like", "ON")
            // Deleted and overwritten content is zeroed on disk: retention deletions and the
            // ciphertexts replaced by a key rotation do not linger in free pages.
            .pragma("secure_delete", "ON")
            .busy_timeout(Duration::from_secs(10));
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(opts.clone())
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&writer).await?;
        let pool = SqlitePoolOptions::new().max_connections(8).connect_with(opts).await?;
        Ok(SqliteStore {
            event_writer: Some(events::EventWriter::spawn(writer.clone())),
            pool,
            writer,
            cipher,
            offline_after: chrono::Duration::from_std(offline_after)?,
        })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}
