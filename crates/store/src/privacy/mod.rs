//! Repositories of privacy: [`RetentionRepo`], [`KeyRotationRepo`], [`SealedTextRepo`]. Implemented by both
//! backends in `sql.rs` (compiled once per backend, see `crate::sqlite`).

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::*;
use neibao_domain::audit::AuditEntry;
use neibao_domain::paging::*;
use neibao_domain::privacy::*;

/// Retention per data class, legal holds, the daily sweep and its deletion log. Every change
/// writes its audit entry in its own transaction.
#[async_trait]
pub trait RetentionRepo: Send + Sync {
    async fn retention_policies(&self) -> StoreResult<Vec<RetentionPolicy>>;
    /// Sets a class's maximum (refused below the rules' general minimum).
    async fn set_retention_policy(
        &self,
        class: DataClass,
        max_days: i64,
        by: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Places a hold on a unit in `scope` (NotFound otherwise); the audit entry's empty
    /// `object_id` becomes the hold's id.
    async fn create_legal_hold(
        &self,
        scope: &Scope,
        hold: &LegalHold,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<LegalHold>;
    /// Releases a live hold on a unit in `scope`; the audit entry gets the hold's unit when it
    /// names none.
    async fn release_legal_hold(
        &self,
        scope: &Scope,
        id: &str,
        by: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<LegalHold>;
    async fn list_legal_holds(&self, scope: &Scope, include_released: bool) -> StoreResult<Vec<LegalHold>>;
    /// Deletes what is past retention at `now` (holds respected) and logs each deletion; each
    /// deletion is audited in its transaction with `audit` (the sweep's actor and action)
    /// completed with the class, the deletion-log id, the unit and the counts.
    async fn retention_sweep(&self, now: DateTime<Utc>, audit: &AuditEntry) -> StoreResult<Vec<DeletionRecord>>;
    async fn list_deletions(&self, page: Page) -> StoreResult<Listing<DeletionRecord>>;
}

/// Re-encryption of every encrypted value under the current key.
#[async_trait]
pub trait KeyRotationRepo: Send + Sync {
    /// Re-encrypts everything under the current key and fills missing blind indexes.
    async fn reencrypt_all(&self) -> StoreResult<ReencryptReport>;
}

/// The plaintexts sealed beside free-text columns (`<column>_sealed`, see
/// `neibao_domain::privacy::FREE_TEXT_FIELDS`), for the purpose-logged reveal only.
#[async_trait]
pub trait SealedTextRepo: Send + Sync {
    /// The sealed plaintexts of object `id` in `table` (a table of `FREE_TEXT_FIELDS`), if the
    /// object's unit is in `scope`. Errors: `NotFound` (unknown table, object or out of scope).
    async fn sealed_texts(&self, scope: &Scope, table: &str, id: &str) -> StoreResult<RevealedText>;

    /// Whether object `id` of `table` (a table of `FREE_TEXT_FIELDS`) exists in `scope`, without
    /// reading its sealed texts. Errors: `NotFound` (unknown table, object or out of scope).
    async fn sealed_object_in_scope(&self, scope: &Scope, table: &str, id: &str) -> StoreResult<()>;

    /// Seals the rows written before their field went through the mechanism (an installation
    /// upgraded from before migrations 0012–0014, or a field added to `FREE_TEXT_FIELDS` later):
    /// every entry not yet recorded in `free_text_backfill` is back-filled table by table, in
    /// batches, then recorded, so that a later call does nothing. Returns `"<table>.<column>"`
    /// and the rows sealed of each entry back-filled by this call. Safe beside live writes and
    /// on several nodes at once (each update is conditional on the value it read).
    async fn backfill_free_text(&self, now: chrono::DateTime<chrono::Utc>) -> StoreResult<Vec<(String, u64)>>;
}
