//! [`DashboardService`]: the dashboard of a scope (figures cached briefly).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use neibao_domain::access::{Principal, Scope};
use neibao_domain::dashboard::Dashboard;
use neibao_domain::validate::DivisionCode;

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
    /// The division the installation serves, once known: a setup is done once and never undone,
    /// so it is read from the store until it is there and then kept.
    served: Arc<std::sync::OnceLock<(String, String)>>,
}

impl DashboardService {
    pub fn new(ctx: Ctx) -> DashboardService {
        DashboardService {
            ctx,
            cache: Arc::default(),
            served: Arc::default(),
        }
    }

    /// The division the installation serves (chosen in the first-run setup, docs/SETUP.md) as
    /// `(code, name)`, e.g. `("330100", "杭州市")`; `None` before the setup, and for an installation
    /// set up without it (the demo).
    ///
    /// Errors: the database.
    pub async fn installation_area(&self) -> ServiceResult<Option<(String, String)>> {
        if let Some(known) = self.served.get() {
            return Ok(Some(known.clone()));
        }
        let Some(code) = crate::setup::served_division(self.ctx.store.as_ref()).await? else {
            return Ok(None);
        };
        let name = match self.ctx.store.get_division(&code).await {
            Ok(d) => d.name,
            Err(neibao_store::StoreError::NotFound) => code.clone(),
            Err(e) => return Err(e.into()),
        };
        Ok(Some(self.served.get_or_init(|| (code, name)).clone()))
    }

    /// The figures inside the principal's scope, from the cache when fresh enough.
    ///
    /// An installation-wide scope (an administrator's) of an installation that serves one city
    /// or county is that division's: broken down one level below it, every area of it listed,
    /// like its police's own dashboard (units registered outside it are not counted).
    #[tracing::instrument(skip_all)]
    pub async fn get(&self, who: &Principal) -> ServiceResult<Dashboard> {
        let scope = match &who.scope {
            Scope::All => match self.installation_area().await? {
                Some((code, _)) => match DivisionCode::parse(&code) {
                    Ok(c) => Scope::Division {
                        prefix: c.scope_prefix().to_string(),
                    },
                    Err(_) => Scope::All,
                },
                None => Scope::All,
            },
            s => s.clone(),
        };
        let key = format!("{scope:?}");
        let fresh = std::time::Duration::from_secs(DASHBOARD_CACHE_SECONDS);
        if let Some((at, d)) = self.cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            if at.elapsed() < fresh {
                return Ok(d.clone());
            }
        }
        let d = self.ctx.store.dashboard(&scope, chrono::Utc::now()).await?;
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() > 10_000 {
            cache.clear();
        }
        cache.insert(key, (Instant::now(), d.clone()));
        Ok(d)
    }
}
