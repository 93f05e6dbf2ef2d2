//! Repositories of patrols: [`PatrolRepo`]. Implemented by both backends in `sql.rs` (compiled
//! once per backend, see `crate::sqlite`).

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::devices::IngestDevice;
use neibao_domain::jobs::NewJob;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::patrol::*;

/// A unit's patrol routes, checkpoints, rounds, visits and misses (docs/PATROL.md; R12(3)).
/// Methods taking a scope do not find a unit, route or round outside it (`NotFound` / `None`).
#[async_trait]
pub trait PatrolRepo: Send + Sync {
    /// The unit's name and its routes (by name) with their checkpoints. `NotFound` outside the
    /// scope.
    async fn patrol_routes(&self, scope: &Scope, unit_id: &str) -> StoreResult<(String, Vec<PatrolRoute>)>;

    /// One route with its checkpoints; `None` when absent or outside the scope.
    async fn patrol_route(&self, scope: &Scope, id: &str) -> StoreResult<Option<PatrolRoute>>;

    /// Stores a new route with its checkpoints, the unit's patrol event source (a device of kind
    /// `other` named 电子巡查（内保平台）, created once per unit), the first late-round check
    /// (`job`, if the route has a schedule) and `audit`, in one transaction. `Conflict` when a
    /// tag is already used by another checkpoint of the unit; `NotFound` outside the scope;
    /// refused for a closed unit.
    async fn create_patrol_route(
        &self,
        scope: &Scope,
        r: &NewRoute,
        job: Option<&NewJob>,
        audit: &AuditEntry,
    ) -> StoreResult<PatrolRoute>;

    /// Replaces a route's name, note, schedule, longest time and checkpoints (those given with
    /// an id are kept, the others of the route removed, new ones added) when it is still at
    /// `version`, with `job` and `audit`, in one transaction. `Conflict` on a stale version or a
    /// tag used elsewhere in the unit.
    async fn update_patrol_route(
        &self,
        scope: &Scope,
        r: &NewRoute,
        version: i64,
        job: Option<&NewJob>,
        audit: &AuditEntry,
    ) -> StoreResult<PatrolRoute>;

    /// Starts a round of `r.route_id` (the route's checkpoints copied as expected) with `audit`.
    /// `NotFound` outside the scope; refused for a route without checkpoints or a closed unit.
    async fn start_patrol_round(&self, scope: &Scope, r: &NewRound, audit: &AuditEntry) -> StoreResult<PatrolRound>;

    /// One round with its visits; `None` when absent or outside the scope.
    async fn patrol_round(&self, scope: &Scope, id: &str) -> StoreResult<Option<PatrolRound>>;

    /// Records a visit of a round in progress with `audit`. A checkpoint visited before in the
    /// round answers the first visit and writes nothing (`false`). `Conflict` for a finished
    /// round.
    async fn add_patrol_visit(&self, scope: &Scope, v: &NewVisit, audit: &AuditEntry) -> StoreResult<(Visit, bool)>;

    /// Finishes a round in progress at `now` with `audit`; a finished round is answered as it is
    /// (`false`).
    async fn finish_patrol_round(
        &self,
        scope: &Scope,
        id: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<(PatrolRound, bool)>;

    /// The rounds of a unit (of one route when given), newest first, with their visits.
    async fn patrol_rounds(
        &self,
        scope: &Scope,
        unit_id: &str,
        route_id: Option<&str>,
        page: Page,
    ) -> StoreResult<Listing<PatrolRound>>;

    /// Records a miss once per key and schedules `next` (the next late-round check), in one
    /// transaction. Returns whether the miss is new.
    async fn record_patrol_miss(&self, miss: &PatrolMiss, next: Option<&NewJob>) -> StoreResult<bool>;

    /// How many rounds of a route started in `[from, to]` (no scope: the scheduler's check).
    async fn patrol_rounds_started(&self, route_id: &str, from: DateTime<Utc>, to: DateTime<Utc>) -> StoreResult<i64>;

    /// The unit's patrol event source as the pipeline sees it (created if missing); `None` when
    /// the unit is not active.
    async fn patrol_device(&self, unit_id: &str) -> StoreResult<Option<IngestDevice>>;

    /// The unit's patrol record since `since` for the inspection checklist. `NotFound` outside
    /// the scope.
    async fn patrol_summary(&self, scope: &Scope, unit_id: &str, since: DateTime<Utc>) -> StoreResult<PatrolSummary>;
}
