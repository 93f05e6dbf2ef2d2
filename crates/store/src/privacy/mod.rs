//! Repositories of privacy: [`RetentionRepo`], [`KeyRotationRepo`]. Implemented by both
//! backends in `sql.rs` (compiled once per backend, see `crate::sqlite`).

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::*;
use neibao_domain::paging::*;
use neibao_domain::privacy::*;

/// Retention per data class, legal holds, the daily sweep and its deletion log.
#[async_trait]
pub trait RetentionRepo: Send + Sync {
    async fn retention_policies(&self) -> StoreResult<Vec<RetentionPolicy>>;
    async fn set_retention_policy(
        &self,
        class: DataClass,
        max_days: i64,
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    async fn create_legal_hold(&self, scope: &Scope, hold: &LegalHold) -> StoreResult<LegalHold>;
    async fn release_legal_hold(&self, scope: &Scope, id: &str, by: &str, now: DateTime<Utc>)
        -> StoreResult<LegalHold>;
    async fn list_legal_holds(&self, scope: &Scope, include_released: bool) -> StoreResult<Vec<LegalHold>>;
    /// Deletes what is past retention at `now` (holds respected) and logs each deletion.
    async fn retention_sweep(&self, now: DateTime<Utc>) -> StoreResult<Vec<DeletionRecord>>;
    async fn list_deletions(&self, page: Page) -> StoreResult<Listing<DeletionRecord>>;
}

/// Re-encryption of every encrypted value under the current key.
#[async_trait]
pub trait KeyRotationRepo: Send + Sync {
    /// Re-encrypts everything under the current key and fills missing blind indexes.
    async fn reencrypt_all(&self) -> StoreResult<ReencryptReport>;
}
