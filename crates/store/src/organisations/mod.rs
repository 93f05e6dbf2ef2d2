//! Repository of organisation tree administration: [`OrgAdminRepo`]. Implemented by both backends
//! in `sql.rs` (compiled once per backend, see `crate::sqlite`). Every change checks the version
//! the caller saw, takes its [`AuditEntry`] and its history rows, and writes them in the same
//! transaction (docs/ORGANISATIONS.md).

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::audit::AuditEntry;
use neibao_domain::organisations::{MergeCounts, NewOrgHistory, OrgDetail, OrgHistoryEntry};
use neibao_domain::registry::Organisation;

/// Organisations as their administrators see and change them.
#[async_trait]
pub trait OrgAdminRepo: Send + Sync {
    /// Organisations whose division code starts with `prefix` (`None`: all), closed ones only
    /// with `include_closed`, by division code and name, with their counts.
    async fn list_org_details(&self, prefix: Option<&str>, include_closed: bool) -> StoreResult<Vec<OrgDetail>>;
    /// One organisation with its counts. NotFound when there is none.
    async fn get_org_detail(&self, id: &str) -> StoreResult<OrgDetail>;
    /// Creates an organisation (version 1, open) with its history row; the audit entry's empty
    /// `object_id` becomes the new id.
    async fn create_org(
        &self,
        org: &Organisation,
        history: &NewOrgHistory,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Sets name, sector and parent of an open organisation whose version is `version`, and
    /// raises the version. Errors: `version_conflict` when the version moved on, `invalid_transition`
    /// when it is closed, NotFound.
    #[allow(clippy::too_many_arguments)]
    async fn update_org(
        &self,
        id: &str,
        version: i64,
        name: &str,
        sector: Option<&str>,
        parent_id: Option<&str>,
        history: &NewOrgHistory,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Merges `source` (at `version`) into `target`: its units (as police station or competent
    /// department), its accounts (their sessions end and their tokens are revoked: their
    /// jurisdiction changed) and its child organisations move to the target; the source is closed
    /// with `merged_into = target`. Both versions rise. Errors as [`OrgAdminRepo::update_org`].
    async fn merge_org(
        &self,
        source: &str,
        version: i64,
        target: &str,
        history: (&NewOrgHistory, &NewOrgHistory),
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<MergeCounts>;
    /// Closes an open organisation at `version` that has no units, no active accounts and no
    /// open child organisations (checked in the transaction). Errors: `invalid_transition` naming
    /// what is still there, and as [`OrgAdminRepo::update_org`].
    async fn close_org(
        &self,
        id: &str,
        version: i64,
        history: &NewOrgHistory,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// An organisation's history, oldest first.
    async fn org_history(&self, id: &str) -> StoreResult<Vec<OrgHistoryEntry>>;
}
