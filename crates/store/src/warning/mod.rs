//! Repositories of warning: [`DataRuleRepo`], [`SuppressionRepo`]. Implemented by both
//! backends in `sql.rs` (compiled once per backend, see `crate::sqlite`).

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::*;
use neibao_domain::audit::AuditEntry;
use neibao_domain::warning::*;

/// Versioned early-warning rules as data.
#[async_trait]
pub trait DataRuleRepo: Send + Sync {
    /// Stores a new version of a data rule (version = latest + 1). With `expected_version`, fails
    /// with a conflict unless the latest version is that one (0 = the rule must not exist yet).
    /// The version and `audit` (its object id filled in when empty) commit together.
    #[allow(clippy::too_many_arguments)]
    async fn put_rule(
        &self,
        code: &str,
        spec: &serde_json::Value,
        enabled: bool,
        expected_version: Option<i64>,
        by: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<StoredRule>;
    /// The current version of every rule (`None`), or every version of one rule, newest first.
    async fn list_rules(&self, code: Option<&str>) -> StoreResult<Vec<StoredRule>>;
}

/// Suppression windows (屏蔽时段).
#[async_trait]
pub trait SuppressionRepo: Send + Sync {
    /// Adds a suppression window to a unit in the scope (the device must belong to the unit).
    /// The window and `audit` (object id and unit filled in when empty) commit together.
    async fn create_suppression(
        &self,
        scope: &Scope,
        window: &SuppressionWindow,
        audit: &AuditEntry,
    ) -> StoreResult<()>;
    /// Windows in the scope (optionally of one unit) that end after `ending_after`.
    async fn list_suppressions(
        &self,
        scope: &Scope,
        unit_id: Option<&str>,
        ending_after: DateTime<Utc>,
    ) -> StoreResult<Vec<SuppressionWindow>>;
    /// Ends a window now (nothing changes, and nothing is audited, if it has ended already). The
    /// change and `audit` (its unit filled in when empty) commit together.
    async fn end_suppression(&self, scope: &Scope, id: &str, audit: &AuditEntry, now: DateTime<Utc>)
        -> StoreResult<()>;
}
