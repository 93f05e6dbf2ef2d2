//! The embedded single-box store: a pool of readers beside one writer connection, and the
//! group-commit writer that takes every event and alert write.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use neibao_domain::alerts::{AlertDraft, Raised};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

use super::db::{Db, BEGIN_WRITE};
use super::event_write::PreparedEvent;
use super::writer::{EventWriter, WriteJob, Written};
use crate::crypto::FieldCipher;
use crate::error::{StoreError, StoreResult};

/// The backend type the shared queries implement the repositories for.
pub(crate) type Backend = SqliteStore;

/// The embedded single-box store.
#[derive(Clone)]
pub struct SqliteStore {
    /// Readers (WAL lets them run beside the writer).
    pub(crate) pool: SqlitePool,
    /// The single writer connection.
    pub(crate) writer: SqlitePool,
    pub(crate) cipher: FieldCipher,
    /// A device not heard from for this long is offline.
    pub(crate) offline_after: chrono::Duration,
    /// Group commit of event and alert writes (SQLite's single writer).
    event_writer: EventWriter,
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
            event_writer: EventWriter::spawn(writer.clone()),
            pool,
            writer,
            cipher,
            offline_after: chrono::Duration::from_std(offline_after)?,
        })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// After rows holding plaintext were rewritten (the free-text back-fill): the write-ahead
    /// log is checkpointed and truncated, so that no earlier frame holding the old page keeps
    /// it (deleted cells are already zeroed: `secure_delete`). A checkpoint that readers keep
    /// from completing is not an error.
    pub(crate) async fn settle_rewrites(&self) -> StoreResult<()> {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    /// SQLite has one writer: every write goes through a pool of one connection, so writers
    /// queue in the pool (FIFO, no busy-wait sleeps) instead of contending for the file lock.
    pub(crate) fn writer(&self) -> &SqlitePool {
        &self.writer
    }

    /// Starts a write transaction with `BEGIN IMMEDIATE` on the writer connection: the write
    /// lock is taken at the start, so a transaction that reads first never fails to upgrade.
    pub(crate) async fn begin_write(&self) -> sqlx::Result<sqlx::Transaction<'static, Db>> {
        self.writer.begin_with(BEGIN_WRITE).await
    }

    /// Writes prepared events in order through the group-commit writer: all queued at once (each
    /// send completes before the next starts), answered together. Returns (event id, new
    /// occurrence) per event.
    pub(crate) async fn write_events(&self, events: Vec<PreparedEvent>) -> StoreResult<Vec<(String, bool)>> {
        let mut pending = Vec::with_capacity(events.len());
        for p in events {
            pending.push(self.event_writer.enqueue(WriteJob::Event(p)).await?);
        }
        let mut out = Vec::with_capacity(pending.len());
        for rx in pending {
            match rx
                .await
                .map_err(|_| StoreError::Other(anyhow::anyhow!("event writer stopped")))??
            {
                Written::Event(id, new) => out.push((id, new)),
                Written::Alert(_) => return Err(StoreError::Other(anyhow::anyhow!("writer answered an alert"))),
            }
        }
        Ok(out)
    }

    /// Raises or folds an alert through the group-commit writer, in the same queue as the events.
    pub(crate) async fn raise_grouped(&self, d: &AlertDraft) -> StoreResult<Raised> {
        match self.event_writer.write(WriteJob::Alert(d.clone())).await? {
            Written::Alert(r) => Ok(r),
            Written::Event(..) => Err(StoreError::Other(anyhow::anyhow!("writer answered an event"))),
        }
    }
}
