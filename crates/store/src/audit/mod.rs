//! Repositories of audit: [`AuditRepo`]. Implemented by both
//! backends in `sql.rs` (compiled once per backend, see `crate::sqlite`).

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::*;
use neibao_domain::audit::*;
use neibao_domain::paging::*;

/// The hash-chained audit log.
#[async_trait]
pub trait AuditRepo: Send + Sync {
    async fn append_audit(&self, entry: &AuditEntry, now: DateTime<Utc>) -> StoreResult<AuditRecord>;
    async fn audit_head(&self) -> StoreResult<AuditHead>;
    /// Rows with `seq > after_seq`, ascending, at most `limit`.
    async fn audit_rows(&self, after_seq: i64, limit: i64) -> StoreResult<Vec<AuditRecord>>;
    /// Newest first: everything for `Scope::All`; otherwise the rows about units in scope
    /// (`unit_id`), the rows written by users bound to a unit in scope (unit managers, guards),
    /// and the rows of `viewer`'s own actions.
    async fn list_audit(
        &self,
        scope: &Scope,
        viewer: &str,
        filter: &AuditFilter,
        page: Page,
    ) -> StoreResult<Listing<AuditRecord>>;
}
