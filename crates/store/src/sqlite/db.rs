//! This backend's SQL types and dialect constants, named alike in both backends so that the
//! shared queries (`src/<capability>/sql.rs`) compile against either.

use std::borrow::Cow;

pub(crate) type Db = sqlx::Sqlite;
pub(crate) type DbRow = sqlx::sqlite::SqliteRow;
/// How a write transaction starts: SQLite takes the write lock at the start, so a transaction
/// that reads first never fails to upgrade.
pub(crate) const BEGIN_WRITE: &str = "BEGIN IMMEDIATE";
/// SQLite has one writer (the claim runs under `BEGIN IMMEDIATE`): no row locks to skip.
pub(crate) const SKIP_LOCKED: &str = "";
/// Locks the selected row for the transaction (SQLite: the write transaction already holds the lock).
pub(crate) const FOR_UPDATE: &str = "";
/// Run after a bulk rewrite (key rotation): moves the WAL into the database file and empties
/// it, so old page images do not stay on disk.
pub(crate) const AFTER_BULK_REWRITE: &[&str] = &["PRAGMA wal_checkpoint(TRUNCATE)"];

/// SQLite takes `?` placeholders as written.
pub(crate) fn sql(s: &str) -> Cow<'_, str> {
    Cow::Borrowed(s)
}
