//! Repository of idempotent requests: [`IdempotencyRepo`]. Implemented by both backends in
//! `sql.rs` (compiled once per backend, see `crate::sqlite`). Bookkeeping of requests, not a
//! change a person makes: not audited (the request's own change is audited by its service).

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::idempotency::{KeyRecord, StoredResponse};

/// Keys of idempotent requests (`idempotency_keys`), shared by every node.
#[async_trait]
pub trait IdempotencyRepo: Send + Sync {
    /// Claims `key` (already scoped to its user, opaque here) for a request with `fingerprint`,
    /// in one `INSERT … ON CONFLICT DO NOTHING`: of concurrent claims on one key exactly one
    /// wins, on either backend. `None`: claimed, run the request. `Some`: the key was claimed
    /// before, by the request described. An in-flight claim made before `stale_before` (its
    /// node died) is taken over.
    async fn claim_idempotency_key(
        &self,
        key: &str,
        fingerprint: &str,
        stale_before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<KeyRecord>>;
    /// Marks a claimed key done with the answer to give its repeats (`None`: the answer held a
    /// secret shown once and is not kept). The body is stored encrypted.
    async fn complete_idempotency_key(
        &self,
        key: &str,
        response: Option<&StoredResponse>,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Forgets an in-flight claim (the request failed: a corrected repeat may run).
    async fn release_idempotency_key(&self, key: &str) -> StoreResult<()>;
    /// Forgets every key claimed before `before`; returns how many.
    async fn sweep_idempotency_keys(&self, before: DateTime<Utc>) -> StoreResult<u64>;
}
