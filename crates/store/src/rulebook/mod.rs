//! Repositories of the rulebook: [`RulebookRepo`]. Implemented by both backends in `sql.rs`
//! (compiled once per backend, see `crate::sqlite`).

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::jobs::NewJob;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::rulebook::*;

/// A unit's written security rules (docs/RULEBOOK.md): versions, 不适用 marks and
/// acknowledgements. Every method takes the caller's scope: a unit outside it is not found.
#[async_trait]
pub trait RulebookRepo: Send + Sync {
    /// Everything stored about one unit's rules, with its active manager and guard accounts.
    /// `NotFound` outside the scope.
    async fn unit_rules(&self, scope: &Scope, unit_id: &str) -> StoreResult<UnitRules>;

    /// Stores a new version (number = latest + 1) of the unit's rules on `v.subject` with its
    /// annual review job and `audit` (object id filled in), in one transaction. Refused with
    /// `validation_failed` when its publication date is earlier than the current version's
    /// (the current version is the latest published). `NotFound` outside the scope.
    async fn add_rule_version(
        &self,
        scope: &Scope,
        v: &NewRuleVersion,
        review: &NewJob,
        audit: &AuditEntry,
    ) -> StoreResult<RuleVersion>;

    /// Marks (with a reason) or unmarks (`None`) a subject 不适用, with `audit`, in one
    /// transaction. `NotFound` outside the scope.
    #[allow(clippy::too_many_arguments)]
    async fn set_not_applicable(
        &self,
        scope: &Scope,
        unit_id: &str,
        subject: i64,
        reason: Option<&str>,
        by: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// Records that `user_id` acknowledged `version_id`, which must be the current version of
    /// the unit's `subject` (`Conflict` otherwise). Acknowledging again changes nothing and
    /// answers the first acknowledgement (`false`); a new one is written with `audit` (`true`).
    /// `NotFound` outside the scope.
    #[allow(clippy::too_many_arguments)]
    async fn acknowledge_rule(
        &self,
        scope: &Scope,
        unit_id: &str,
        subject: i64,
        version_id: &str,
        user_id: &str,
        signed_name: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<(Acknowledgement, bool)>;

    /// One version by id with the unit's name and whether it is still the current version of
    /// its subject (for the review reminder). `None` when absent or outside the scope.
    async fn rule_version(&self, scope: &Scope, id: &str) -> StoreResult<Option<(RuleVersion, String, bool)>>;

    /// The units in the scope (not closed) with how many subjects each covers (a version or
    /// 不适用), fewest first; only those covering fewer than nine with `incomplete`.
    async fn rule_coverage(&self, scope: &Scope, incomplete: bool, page: Page) -> StoreResult<Listing<UnitCoverage>>;
}
