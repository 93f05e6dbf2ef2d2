//! Repositories of dashboard: [`DashboardRepo`]. Implemented by both
//! backends in `sql.rs` (compiled once per backend, see `crate::sqlite`).

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::*;
use neibao_domain::dashboard::*;

/// Dashboard figures inside a scope.
#[async_trait]
pub trait DashboardRepo: Send + Sync {
    async fn dashboard(&self, scope: &Scope, now: DateTime<Utc>) -> StoreResult<Dashboard>;

    /// The dashboard counters (migration 0067: `dashboard_daily`, `dashboard_unit_state`, kept by
    /// triggers on alerts and hazards) inside `scope` for the days `from_day..=to_day`
    /// (`YYYY-MM-DD`, China Standard Time): daily sums of `trend_metrics`, sums by area at
    /// `area_digits` leading digits of the division code (`None`: one area `''`) and by city, and
    /// the `top` units with most overdue hazards and rules with most false positives.
    async fn dashboard_counters(
        &self,
        scope: &Scope,
        from_day: &str,
        to_day: &str,
        trend_metrics: &[&str],
        area_digits: Option<usize>,
        top: i64,
    ) -> StoreResult<DashboardCounters>;
}
