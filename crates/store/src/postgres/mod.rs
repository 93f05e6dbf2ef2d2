//! PostgreSQL implementation of [`Store`](crate::Store), for province-scale installations with
//! several stateless nodes. Same queries as the SQLite backend (`src/sql/`), migrations from
//! `migrations/postgres/` (numbered like `migrations/sqlite/`) applied at connect.

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
use std::time::Duration;

use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;

use crate::crypto::FieldCipher;
use common::{escape_like, from_ms, ms, push_scope};

type Db = sqlx::Postgres;
type DbRow = sqlx::postgres::PgRow;
/// Concurrent claimers on several nodes skip rows another node is claiming.
/// How a write transaction starts.
#[allow(dead_code)] // only the group-commit writer (SQLite) uses it
const BEGIN_WRITE: &str = "BEGIN";
const SKIP_LOCKED: &str = " FOR UPDATE SKIP LOCKED";
/// Locks the selected row for the transaction (SQLite: the write transaction already holds the lock).
const FOR_UPDATE: &str = " FOR UPDATE";
/// Run after a bulk rewrite (key rotation): reclaims the dead row versions.
const AFTER_BULK_REWRITE: &[&str] = &["VACUUM"];
type Backend = PgStore;

/// Rewrites `?` placeholders as PostgreSQL's `$1, $2, …`, leaving `?` inside quoted literals
/// and identifiers alone.
fn sql(s: &str) -> Cow<'_, str> {
    if !s.contains('?') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut n = 0;
    let mut quote: Option<char> = None;
    for c in s.chars() {
        match (quote, c) {
            (None, '\'' | '"') => {
                quote = Some(c);
                out.push(c);
            }
            (Some(q), _) if c == q => {
                quote = None;
                out.push(c);
            }
            (None, '?') => {
                n += 1;
                out.push('$');
                out.push_str(&n.to_string());
            }
            _ => out.push(c),
        }
    }
    Cow::Owned(out)
}

impl PgStore {
    /// Writes use the one pool (PostgreSQL has no single-writer limit).
    fn writer(&self) -> &PgPool {
        &self.pool
    }

    /// Starts a write transaction (row locks and MVCC need nothing special).
    async fn begin_write(&self) -> sqlx::Result<sqlx::Transaction<'static, Db>> {
        self.pool.begin().await
    }
}

/// The PostgreSQL store.
#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
    cipher: FieldCipher,
    /// A device not heard from for this long is offline.
    offline_after: chrono::Duration,
    /// Group commit of event and alert writes (SQLite's single writer); `None`: each write in its
    /// own transaction (PostgreSQL runs them concurrently).
    event_writer: Option<events::EventWriter>,
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
            event_writer: None,
            pool,
            cipher,
            offline_after: chrono::Duration::from_std(offline_after)?,
        })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

#[cfg(test)]
mod tests {
    use super::sql;

    #[test]
    fn placeholders_are_numbered_outside_literals() {
        assert_eq!(sql("SELECT 1"), "SELECT 1");
        assert_eq!(
            sql("a = ? AND b LIKE ? ESCAPE '\\' AND c = '?' AND d = ?"),
            "a = $1 AND b LIKE $2 ESCAPE '\\' AND c = '?' AND d = $3"
        );
    }
}
