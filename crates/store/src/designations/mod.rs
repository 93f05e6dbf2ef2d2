//! Repositories of designations (重点单位、反恐怖重点目标, docs/FILINGS.md): [`DesignationRepo`].
//! Implemented by both backends in `sql.rs`.

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::designations::*;
use neibao_domain::paging::{Listing, Page};

/// Designation records. Every method takes the caller's scope (applied to the unit): a record
/// outside it is not found.
#[async_trait]
pub trait DesignationRepo: Send + Sync {
    /// Stores a proposal with its first step and `audit` in one transaction. `NotFound` when
    /// the unit is outside the scope; `invalid_transition` when it is closed.
    async fn add_designation(
        &self,
        scope: &Scope,
        d: &NewDesignation,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Designation>;

    /// One record with its steps. `NotFound` outside the scope.
    async fn get_designation(&self, scope: &Scope, id: &str) -> StoreResult<Designation>;

    /// Records in the scope (without steps), newest first.
    async fn list_designations(
        &self,
        scope: &Scope,
        filter: &DesignationFilter,
        page: Page,
    ) -> StoreResult<Listing<Designation>>;

    /// Applies `change` when the record is at `version` (else `version_conflict`), raising the
    /// version, appending its step and writing `audit`, in one transaction.
    async fn change_designation(
        &self,
        scope: &Scope,
        id: &str,
        version: i64,
        change: &DesignationChange,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Designation>;
}
