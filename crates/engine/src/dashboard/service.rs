//! [`DashboardService`]: the dashboard of a scope (figures cached briefly).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use neibao_domain::access::Principal;
use neibao_domain::dashboard::Dashboard;

use crate::context::Ctx;
use crate::error::ServiceResult;

/// How long dashboard figures are reused: counting a province's devices takes a scan, and the
/// figures may be this many seconds old.
pub const DASHBOARD_CACHE_SECONDS: u64 = 15;

/// The dashboard of a scope (figures cached briefly).
#[derive(Clone)]
pub struct DashboardService {
    pub(crate) ctx: Ctx,
    /// Dashboard figures per scope, reused for [`DASHBOARD_CACHE_SECONDS`].
    cache: Arc<Mutex<HashMap<String, (Instant, Dashboard)>>>,
}

impl DashboardService {
    pub fn new(ctx: Ctx) -> DashboardService {
        DashboardService {
            ctx,
            cache: Arc::default(),
        }
    }

    /// The figures inside the principal's scope, from the cache when fresh enough.
    #[tracing::instrument(skip_all)]
    pub async fn get(&self, who: &Principal) -> ServiceResult<Dashboard> {
        let key = format!("{:?}", who.scope);
        let fresh = std::time::Duration::from_secs(DASHBOARD_CACHE_SECONDS);
        if let Some((at, d)) = self.cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            if at.elapsed() < fresh {
                return Ok(d.clone());
            }
        }
        let d = self.ctx.store.dashboard(&who.scope, chrono::Utc::now()).await?;
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() > 10_000 {
            cache.clear();
        }
        cache.insert(key, (Instant::now(), d.clone()));
        Ok(d)
    }
}
