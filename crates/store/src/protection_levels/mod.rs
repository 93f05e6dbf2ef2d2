//! Repository of protection levels: [`ProtectionLevelRepo`] (docs/PROTECTION-LEVELS.md; R46 ¶4).
//! Implemented by both backends in `sql.rs` (compiled once per backend, see `crate::sqlite`).

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::jobs::NewJob;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::protection_levels::*;

/// Protection-level orders, the units they cover, their history. An order is visible to a scope
/// that holds at least one of its units; methods taking a scope see only those units.
#[async_trait]
pub trait ProtectionLevelRepo: Send + Sync {
    /// Stores a new order with the units it covers — exactly the active units of `scope` whose
    /// division code starts with the order's prefix and that match its unit set, at this
    /// moment — its first history row, its end job and `audit`, in one transaction. A validation
    /// error (zh-CN) when no unit matches; `NotFound` when a hand-picked unit is outside the
    /// scope. Returns the order and its units (to notify).
    async fn create_protection_order(
        &self,
        scope: &Scope,
        o: &NewOrder,
        job: &NewJob,
        audit: &AuditEntry,
    ) -> StoreResult<(Order, Vec<OrderUnit>)>;

    /// One order as `scope` sees it (its units in the scope, counts at the current level, the
    /// history); `None` when absent or covering no unit of the scope.
    async fn protection_order(&self, scope: &Scope, id: &str) -> StoreResult<Option<OrderDetail>>;

    /// The orders covering a unit of the scope, active first, newest first.
    async fn protection_orders(&self, scope: &Scope, page: Page) -> StoreResult<Listing<Order>>;

    /// Applies a change to an active order (at `change.version` when given: `VersionConflict`
    /// otherwise; `InvalidTransition` for an ended order): level, measures, planned end, state;
    /// a change of level notifies the units again (their `notified_at`); one history row;
    /// `job` (the new end job) and `audit`, in one transaction. Returns the order and all its
    /// units. The caller checks the scope first.
    async fn change_protection_order(
        &self,
        change: &OrderChange,
        job: Option<&NewJob>,
        audit: &AuditEntry,
    ) -> StoreResult<(Order, Vec<OrderUnit>)>;

    /// The unit's name and the orders covering it with its row of each, active first, newest
    /// first (at most 50). `NotFound` outside the scope.
    async fn unit_protection(&self, scope: &Scope, unit_id: &str) -> StoreResult<(String, Vec<(Order, OrderUnit)>)>;

    /// Records the unit's acknowledgement of the order at its current level (`by`: who), with
    /// `audit`. `NotFound` when the unit is outside the scope or not covered;
    /// `InvalidTransition` for an ended order.
    async fn acknowledge_protection(
        &self,
        scope: &Scope,
        order_id: &str,
        unit_id: &str,
        by: &str,
        audit: &AuditEntry,
        at: DateTime<Utc>,
    ) -> StoreResult<OrderUnit>;

    /// Records the measures the unit took at the order's current level, with `audit` (refusals
    /// as [`ProtectionLevelRepo::acknowledge_protection`]).
    async fn record_protection_measures(
        &self,
        scope: &Scope,
        order_id: &str,
        unit_id: &str,
        measures: &[MeasureRecord],
        audit: &AuditEntry,
        at: DateTime<Utc>,
    ) -> StoreResult<OrderUnit>;

    /// The unit's effective level: the highest level of the active orders covering it (one
    /// indexed query; no scope: the pipeline's and the service's lookup).
    async fn effective_protection_level(&self, unit_id: &str) -> StoreResult<Level>;
}
