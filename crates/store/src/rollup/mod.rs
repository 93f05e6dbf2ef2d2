//! Repository of the 平安建设 roll-up (docs/ROLLUP.md; R3, R24, R31): [`RollupRepo`] reads the
//! per-unit figures of a period in the caller's scope. Read-only; implemented by both backends
//! in `sql.rs`.

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::rollup::UnitFigures;

/// Which units a roll-up reads (besides the scope).
#[derive(Debug, Clone, Default)]
pub struct RollupFilter {
    /// Division-code prefix.
    pub division_prefix: Option<String>,
    /// `Some(Some(id))`: this police station's units; `Some(None)`: units without one.
    pub station: Option<Option<String>>,
    /// `Some(Some(id))`: this competent department's units; `Some(None)`: units without one.
    pub department: Option<Option<String>>,
}

#[async_trait]
pub trait RollupRepo: Send + Sync {
    /// One [`UnitFigures`] per registered (not closed) unit in `scope` matching `f`, for the
    /// period `[start, end)`: hazards found, closed and become overdue (from the hazard steps),
    /// filings due with their on-time count (Beijing dates `from_day`–`to_day`), alerts first
    /// seen and the seconds to acknowledgement of each, and the credit points in force at
    /// `end` (not withdrawn by then). Ordered by division code and name.
    async fn rollup_units(
        &self,
        scope: &Scope,
        f: &RollupFilter,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        from_day: &str,
        to_day: &str,
    ) -> StoreResult<Vec<UnitFigures>>;

    /// Names of division codes (from the division table) and organisations (by id), as
    /// `(code or id, name)`.
    async fn rollup_names(&self, division_codes: &[String], org_ids: &[String]) -> StoreResult<Vec<(String, String)>>;
}
