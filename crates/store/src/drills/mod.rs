//! Repositories of emergency drills: [`DrillRepo`]. Implemented by both backends in `sql.rs`
//! (compiled once per backend, see `crate::sqlite`).

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::drills::*;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::supervision::NewHazard;

/// A unit's emergency drills, their steps and evaluation, and the drill obligations
/// (docs/DRILLS.md; R18, R46 ¶2). Methods taking a scope do not find a unit or drill outside it
/// (`NotFound` / `None`).
#[async_trait]
pub trait DrillRepo: Send + Sync {
    /// The unit's name, its counter-terror flag, and whether it is closed. `NotFound` outside the scope.
    async fn drill_unit(&self, scope: &Scope, unit_id: &str) -> StoreResult<(String, bool, bool)>;

    /// Stores a planned drill with `audit`, in one transaction (the people encrypted).
    async fn create_drill(&self, scope: &Scope, d: &NewDrill, audit: &AuditEntry) -> StoreResult<Drill>;

    /// One drill with its steps; `None` when absent or outside the scope.
    async fn drill(&self, scope: &Scope, id: &str) -> StoreResult<Option<Drill>>;

    /// The drills of a unit, newest planned first.
    async fn unit_drills(&self, scope: &Scope, unit_id: &str, page: Page) -> StoreResult<Listing<Drill>>;

    /// Starts a planned drill at `now` with `audit`; a drill already started is answered as it is
    /// (`false`).
    async fn start_drill(
        &self,
        scope: &Scope,
        id: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<(Drill, bool)>;

    /// Records the step `seq` of a running drill at `now`; a step recorded before answers the
    /// first one and writes nothing (`false`). `Conflict` when the drill is not running.
    async fn add_drill_step(
        &self,
        scope: &Scope,
        id: &str,
        seq: i64,
        recorded_by: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<(DrillStep, bool)>;

    /// Finishes a running drill at `now`; a finished drill is answered as it is (`false`).
    async fn finish_drill(
        &self,
        scope: &Scope,
        id: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<(Drill, bool)>;

    /// Saves the evaluation of a finished (or evaluated) drill with `audit`: shortfalls with the
    /// text of a shortfall that already has a hazard keep it. `Conflict` before the drill finished.
    async fn save_drill_evaluation(
        &self,
        scope: &Scope,
        id: &str,
        e: &Evaluation,
        audit: &AuditEntry,
    ) -> StoreResult<Drill>;

    /// Opens the hazard `h` for shortfall `seq` of the drill's evaluation, links it and writes
    /// `audit`, in one transaction; a shortfall with a hazard answers it (`false`) and writes
    /// nothing. `NotFound` for an unknown shortfall.
    async fn open_drill_hazard(
        &self,
        scope: &Scope,
        id: &str,
        seq: i64,
        h: &NewHazard,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<(String, bool)>;

    /// The drills of the units in scope, newest first.
    async fn recent_drills(&self, scope: &Scope, page: Page) -> StoreResult<Listing<DrillRow>>;

    /// The units in scope recorded overdue on a drill obligation, newest period first.
    async fn drill_overdue(&self, scope: &Scope) -> StoreResult<Vec<DrillOverdue>>;

    /// The active units a rule applies to without a drill started in `[from, to]` (no scope:
    /// the scheduler's check): their ids and names.
    async fn units_without_drill(
        &self,
        rule: DrillRule,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<(String, String)>>;

    /// Records a unit overdue once per rule and period. Returns whether it is new.
    async fn record_drill_overdue(
        &self,
        unit_id: &str,
        rule: DrillRule,
        period: (NaiveDate, NaiveDate),
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
}
