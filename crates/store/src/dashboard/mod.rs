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
}
