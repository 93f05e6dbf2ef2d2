//! Repositories of emergency plans: [`EmergencyPlanRepo`]. Implemented by both backends in
//! `sql.rs` (compiled once per backend, see `crate::sqlite`).

use crate::error::StoreResult;
use async_trait::async_trait;
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::emergency::Scenario;
use neibao_domain::emergency_plans::*;

/// A unit's emergency plans with their versions and review history (docs/EMERGENCY-PLANS.md;
/// R18, R41(1)). The contact tree of each version is encrypted at rest with the field cipher.
/// Methods taking a scope do not find a unit or plan outside it (`NotFound` / `None`).
#[async_trait]
pub trait EmergencyPlanRepo: Send + Sync {
    /// The unit's name and key-unit flag; `NotFound` outside the scope.
    async fn emergency_plan_unit(&self, scope: &Scope, unit_id: &str) -> StoreResult<(String, bool)>;

    /// The unit's plans (of one scenario when given), by scenario then newest change first.
    /// `NotFound` when the unit is outside the scope.
    async fn emergency_plans(
        &self,
        scope: &Scope,
        unit_id: &str,
        scenario: Option<Scenario>,
    ) -> StoreResult<Vec<PlanSummary>>;

    /// One plan with version `version` (the current one when `None`) in plaintext, its
    /// versions, history and maps; `None` when absent, outside the scope, or no such version.
    async fn emergency_plan(&self, scope: &Scope, id: &str, version: Option<i64>) -> StoreResult<Option<Plan>>;

    /// Stores a new plan as version 1 (status draft) with `audit`, in one transaction.
    /// `NotFound` outside the scope; refused for a closed unit.
    async fn create_emergency_plan(&self, scope: &Scope, p: &NewPlan, audit: &AuditEntry) -> StoreResult<Plan>;

    /// Applies `change` to a plan still at `current_version` (409 `version_conflict` otherwise):
    /// a new version when it carries content, the status, a history step, and `audit`, in one
    /// transaction. A submit records the submitted version, an accept the accepted one.
    async fn change_emergency_plan(
        &self,
        scope: &Scope,
        id: &str,
        current_version: i64,
        change: &PlanChange,
        audit: &AuditEntry,
    ) -> StoreResult<Plan>;

    /// The plans in the scope waiting for review, oldest change first (at most 500).
    async fn emergency_plans_waiting(&self, scope: &Scope) -> StoreResult<Vec<PlanSummary>>;

    /// The active key units in the scope without an accepted plan, by name (at most 500).
    async fn key_units_without_plan(&self, scope: &Scope) -> StoreResult<Vec<UnitWithoutPlan>>;
}
