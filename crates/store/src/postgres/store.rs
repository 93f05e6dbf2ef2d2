//! The PostgreSQL store: one pool; event and alert writes run in their own transactions,
//! concurrently (PostgreSQL has no single-writer limit, so there is no group commit).

use std::time::Duration;

use neibao_domain::alerts::{AlertDraft, Raised};
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;

use super::alert_write::raise_in;
use super::db::{Db, BEGIN_WRITE};
use super::event_write::{write_prepared, PreparedEvent};
use crate::crypto::FieldCipher;
use crate::error::StoreResult;

/// The backend type the shared queries implement the repositories for.
pub(crate) type Backend = PgStore;

/// The PostgreSQL store.
#[derive(Clone)]
pub struct PgStore {
    pub(crate) pool: PgPool,
    pub(crate) cipher: FieldCipher,
    /// A device not heard from for this long is offline.
    pub(crate) offline_after: chrono::Duration,
}

impl PgStore {
    /// Connects to `url` (`postgres://…`) and applies migrations.
    pub async fn connect(url: &str, cipher: FieldCipher, offline_after: Duration) -> anyhow::Result<PgStore> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            // Plan every statement with its parameters: a generic plan of
            // `division_code LIKE $1` cannot use the prefix index and scans every unit.
            .after_connect(|conn, _| {
                Box::pin(async move {
                    sqlx::Executor::execute(conn, "SET plan_cache_mode = force_custom_plan").await?;
                    Ok(())
                })
            })
            .connect(url)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(PgStore {
            pool,
            cipher,
            offline_after: chrono::Duration::from_std(offline_after)?,
        })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Writes use the one pool (PostgreSQL has no single-writer limit).
    pub(crate) fn writer(&self) -> &PgPool {
        &self.pool
    }

    /// After rows holding plaintext were rewritten (the free-text back-fill): nothing to do
    /// here; old row versions are removed by (auto)vacuum, as after any update.
    pub(crate) async fn settle_rewrites(&self) -> StoreResult<()> {
        Ok(())
    }

    /// Starts a write transaction (row locks and MVCC need nothing special).
    pub(crate) async fn begin_write(&self) -> sqlx::Result<sqlx::Transaction<'static, Db>> {
        self.pool.begin_with(BEGIN_WRITE).await
    }

    /// Writes prepared events in order, in one transaction. Returns (event id, new occurrence)
    /// per event.
    pub(crate) async fn write_events(&self, events: Vec<PreparedEvent>) -> StoreResult<Vec<(String, bool)>> {
        let mut tx = self.begin_write().await?;
        let mut out = Vec::with_capacity(events.len());
        for p in &events {
            out.push(write_prepared(&mut tx, p).await?);
        }
        tx.commit().await?;
        Ok(out)
    }

    /// Raises or folds an alert in its own transaction.
    pub(crate) async fn raise_grouped(&self, d: &AlertDraft) -> StoreResult<Raised> {
        let mut tx = self.begin_write().await?;
        let raised = raise_in(&mut tx, d).await?;
        tx.commit().await?;
        Ok(raised)
    }
}
