//! [`DashboardService`]: the dashboard of a scope (figures cached briefly).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use neibao_domain::access::{Principal, Scope};
use std::collections::BTreeMap;

use neibao_domain::dashboard::{
    mean_of, AreaFigures, AreaLevel, Dashboard, DashboardCharts, DashboardMap, FigureInfo, MeanLine, TopEntry,
    TrendLine, AREA_FIGURES, MEAN_SERIES, TREND_SERIES,
};
use neibao_domain::validate::DivisionCode;

use crate::context::Ctx;
use crate::error::{ServiceError, ServiceResult};

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
        let scope = self.effective_scope(who).await?;
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

    /// The scope a dashboard shows: the principal's, except that an installation-wide scope of an
    /// installation serving one city or county is that division's.
    async fn effective_scope(&self, who: &Principal) -> ServiceResult<Scope> {
        Ok(match &who.scope {
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
        })
    }

    /// Every figure of the dashboard charts (issue 14, docs/DASHBOARDS.md) for the principal's
    /// scope over the last `days` days up to today (China Standard Time), read from the counters
    /// the database keeps on write (migration 0067), not from the alerts and hazards themselves.
    ///
    /// `days`: 7 to 366 (default 30). Errors: 400 `validation_failed` for another number; the
    /// database.
    #[tracing::instrument(skip_all)]
    pub async fn charts(&self, who: &Principal, days: Option<i64>) -> ServiceResult<DashboardCharts> {
        let days = days.unwrap_or(30);
        if !(7..=366).contains(&days) {
            return Err(ServiceError::invalid("统计天数须在 7 到 366 之间"));
        }
        let scope = self.effective_scope(who).await?;
        let cst = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8");
        let today = chrono::Utc::now().with_timezone(&cst).date_naive();
        let from = today - chrono::Duration::days(days - 1);
        let day_list: Vec<String> = (0..days)
            .map(|i| (from + chrono::Duration::days(i)).format("%Y-%m-%d").to_string())
            .collect();
        let level = AreaLevel::for_scope(&scope);
        let mut trend_keys: Vec<&str> = TREND_SERIES.iter().map(|t| t.key).collect();
        for m in MEAN_SERIES {
            trend_keys.push(m.sum_key);
            trend_keys.push(m.count_key);
        }
        let c = self
            .ctx
            .store
            .dashboard_counters(
                &scope,
                &day_list[0],
                &day_list[day_list.len() - 1],
                &trend_keys,
                level.map(|l| l.digits()),
                10,
            )
            .await?;

        let trends = TREND_SERIES
            .iter()
            .map(|t| TrendLine {
                key: t.key.to_string(),
                label: t.label_zh.to_string(),
                link: t.link.to_string(),
                values: day_list
                    .iter()
                    .map(|d| {
                        c.daily
                            .iter()
                            .filter(|(day, m, _)| day == d && m == t.key)
                            .map(|r| r.2)
                            .sum()
                    })
                    .collect(),
            })
            .collect();
        // The mean series: per day and over the period, the sum counter over the count counter.
        let day_sum = |d: &str, key: &str| -> i64 {
            c.daily
                .iter()
                .filter(|(day, m, _)| day == d && m == key)
                .map(|r| r.2)
                .sum()
        };
        let means = MEAN_SERIES
            .iter()
            .map(|m| {
                let sums: Vec<i64> = day_list.iter().map(|d| day_sum(d, m.sum_key)).collect();
                let counts: Vec<i64> = day_list.iter().map(|d| day_sum(d, m.count_key)).collect();
                let (sum, count): (i64, i64) = (sums.iter().sum(), counts.iter().sum());
                MeanLine {
                    key: m.key.to_string(),
                    label: m.label_zh.to_string(),
                    link: m.link.to_string(),
                    values: sums
                        .iter()
                        .zip(&counts)
                        .map(|(s, n)| mean_of(*s, *n, m.scale))
                        .collect(),
                    counts,
                    period_mean: mean_of(sum, count, m.scale),
                    period_count: count,
                }
            })
            .collect();
        let blank = || -> BTreeMap<String, i64> { AREA_FIGURES.iter().map(|(k, _)| (k.to_string(), 0)).collect() };
        let fold = |rows: &[(String, String, i64)]| -> BTreeMap<String, BTreeMap<String, i64>> {
            let mut m: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
            for (area, metric, n) in rows {
                if let Some(v) = m.entry(area.clone()).or_insert_with(blank).get_mut(metric) {
                    *v += n;
                }
            }
            m
        };
        let mut totals = blank();
        for (_, metric, n) in &c.by_city {
            if let Some(v) = totals.get_mut(metric) {
                *v += n;
            }
        }

        // The breakdown one level below the scope: every child of a division scope, zeros too.
        let mut names: BTreeMap<String, String> = BTreeMap::new();
        let mut by_area_map = fold(&c.by_area);
        let mut by_area = Vec::new();
        if let Some(l) = level {
            if let Some(parent) = scope_division(&scope) {
                for d in self.ctx.store.list_divisions(Some(&parent)).await? {
                    let digits = d.code[..l.digits().min(d.code.len())].to_string();
                    names.insert(l.code(&digits), d.name.clone());
                    by_area_map.entry(digits).or_insert_with(blank);
                }
            }
            for (digits, values) in by_area_map {
                let code = l.code(&digits);
                let mut name = match names.get(&code) {
                    Some(n) => n.clone(),
                    None => self.division_name(&code).await?,
                };
                if digits.len() < l.digits() {
                    name = format!("{name}（未细分到下一级）");
                }
                by_area.push(AreaFigures {
                    link: format!("/units?division={code}"),
                    code,
                    name,
                    values,
                });
            }
        }

        // The map: Zhejiang's cities. A scope below a city shows its one city with its own
        // figures and list.
        let mut cities = fold(&c.by_city);
        let narrow = match &scope {
            Scope::Division { prefix } if prefix.len() > 4 => Some(prefix.clone()),
            _ => None,
        };
        if matches!(&scope, Scope::All) || matches!(&scope, Scope::Division { prefix } if prefix.len() <= 2) {
            for d in self.ctx.store.list_divisions(Some(ZHEJIANG)).await? {
                names.insert(d.code.clone(), d.name.clone());
                cities.entry(d.code[..4].to_string()).or_insert_with(blank);
            }
        }
        if let Scope::Division { prefix } = &scope {
            if prefix.len() >= 4 {
                cities.entry(prefix[..4].to_string()).or_insert_with(blank);
            }
        }
        let mut map_areas = Vec::new();
        for (digits, values) in cities {
            if !digits.starts_with(&ZHEJIANG[..2]) {
                continue;
            }
            let code = AreaLevel::City.code(&digits);
            let name = match names.get(&code) {
                Some(n) => n.clone(),
                None => self.division_name(&code).await?,
            };
            let link = match &narrow {
                Some(prefix) => format!("/units?division={}", AreaLevel::County.code(prefix)),
                None => format!("/units?division={code}"),
            };
            map_areas.push(AreaFigures {
                code,
                name,
                values,
                link,
            });
        }

        let rules = crate::alerts::builtin::builtin_rules();
        Ok(DashboardCharts {
            from: day_list[0].clone(),
            to: day_list[day_list.len() - 1].clone(),
            days: day_list,
            trends,
            means,
            figures: AREA_FIGURES
                .iter()
                .map(|(k, l)| FigureInfo {
                    key: k.to_string(),
                    label: l.to_string(),
                })
                .collect(),
            totals,
            map: DashboardMap {
                geo: ZHEJIANG.to_string(),
                areas: map_areas,
            },
            area_level: level,
            by_area,
            top_overdue_units: c
                .top_overdue_units
                .into_iter()
                .map(|(id, name, value)| TopEntry {
                    link: format!("/hazards?unit_id={id}&phase=overdue"),
                    id,
                    name,
                    value,
                })
                .collect(),
            top_false_positive_rules: c
                .top_false_positive_rules
                .into_iter()
                .map(|(rule, value)| TopEntry {
                    name: rules
                        .iter()
                        .find(|r| r.code == rule)
                        .map(|r| r.title.to_string())
                        .unwrap_or_else(|| rule.clone()),
                    link: format!("/alerts/stats?days={days}"),
                    id: rule,
                    value,
                })
                .collect(),
        })
    }

    /// A division's name, or its code when the division table does not know it.
    async fn division_name(&self, code: &str) -> ServiceResult<String> {
        match self.ctx.store.get_division(code).await {
            Ok(d) => Ok(d.name),
            Err(neibao_store::StoreError::NotFound) => Ok(code.to_string()),
            Err(e) => Err(e.into()),
        }
    }
}

/// The province the shipped map covers (浙江省, `/static/geo/330000.json`).
pub const ZHEJIANG: &str = "330000";

/// The division code a division scope is the area of (`33` → `330000`, `330106` → `330106`).
fn scope_division(scope: &Scope) -> Option<String> {
    match scope {
        Scope::Division { prefix } if !prefix.is_empty() => Some(format!("{prefix:0<6}")),
        _ => None,
    }
}
