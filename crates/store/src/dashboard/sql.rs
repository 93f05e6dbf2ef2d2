//! SQL of dashboard (compiled once per backend: see `crate::sqlite` and `crate::postgres`).

use super::common::{escape_like, ms, push_scope};
use super::db::sql;
use super::db::Db;
use super::store::Backend;
use crate::error::StoreResult;
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::dashboard::{AreaLevel, AreaStats, Dashboard, DashboardCounters};
use sqlx::{QueryBuilder, Row};

fn blank_area(code: String) -> AreaStats {
    AreaStats {
        name: code.clone(),
        code,
        units: 0,
        key_units: 0,
        open_alerts: 0,
        devices: 0,
        offline_devices: 0,
    }
}

/// The division code a division scope is the area of (`33` → `330000`, `3301` → `330100`), whose
/// children are the areas its dashboard lists even without units.
fn scope_division(scope: &Scope) -> Option<String> {
    match scope {
        Scope::Division { prefix } if !prefix.is_empty() => Some(if prefix.len() < 6 {
            format!("{prefix:0<6}")
        } else {
            prefix.clone()
        }),
        _ => None,
    }
}

/// Restricts the counter rows aliased `alias` (which carry `unit_id` and `division_code`) to a scope:
/// a division scope by the copied division code (its index), the others through their units.
fn push_counter_scope(qb: &mut QueryBuilder<'_, Db>, scope: &Scope, alias: &str) {
    match scope {
        Scope::All => {}
        Scope::Division { prefix } => {
            qb.push(format!(" AND {alias}.division_code LIKE "))
                .push_bind(format!("{}%", escape_like(prefix)))
                .push(" ESCAPE '\\'");
        }
        Scope::Unit { unit_id } => {
            qb.push(format!(" AND {alias}.unit_id = ")).push_bind(unit_id.clone());
        }
        other => {
            qb.push(format!(" AND {alias}.unit_id IN (SELECT u.id FROM units u WHERE 1=1"));
            push_scope(qb, other);
            qb.push(")");
        }
    }
}

/// The division prefix whose roll-up rows (`dashboard_area_*`, migration 0068) hold a scope's
/// figures: `""` for everything, the prefix of a province, city, county or township scope; `None`
/// for the scopes read through their units (station, department, unit).
fn area_prefix(scope: &Scope) -> Option<String> {
    match scope {
        Scope::All => Some(String::new()),
        Scope::Division { prefix } if [2, 4, 6, 9].contains(&prefix.len()) => Some(prefix.clone()),
        _ => None,
    }
}

impl Backend {
    /// [`DashboardRepo::dashboard_counters`] of a division scope (or everything) from the roll-up
    /// by area: a few rows per area and day whatever the number of units.
    #[allow(clippy::too_many_arguments)]
    async fn area_counters(
        &self,
        scope: &Scope,
        prefix: &str,
        from_day: &str,
        to_day: &str,
        trend_metrics: &[&str],
        area_digits: Option<usize>,
        top: i64,
    ) -> StoreResult<DashboardCounters> {
        let mut out = DashboardCounters::default();
        let like = format!("{}%", escape_like(prefix));
        let own = if prefix.is_empty() { 2 } else { prefix.len() as i64 };
        let in_area = |q: &mut QueryBuilder<'_, Db>, lvl: i64| {
            q.push(" AND d.lvl = ")
                .push_bind(lvl)
                .push(" AND d.area LIKE ")
                .push_bind(like.clone())
                .push(" ESCAPE '\\'");
        };
        let in_days = |q: &mut QueryBuilder<'_, Db>| {
            q.push(" AND d.day >= ")
                .push_bind(from_day.to_string())
                .push(" AND d.day <= ")
                .push_bind(to_day.to_string());
        };
        if !trend_metrics.is_empty() {
            let mut q = QueryBuilder::new(
                "SELECT d.day AS day, d.metric AS metric, CAST(SUM(d.n) AS BIGINT) AS n FROM dashboard_area_daily d WHERE d.metric IN (",
            );
            let mut sep = q.separated(", ");
            for m in trend_metrics {
                sep.push_bind(m.to_string());
            }
            q.push(")");
            in_area(&mut q, own);
            in_days(&mut q);
            q.push(" GROUP BY d.day, d.metric");
            for r in q.build().fetch_all(&self.pool).await? {
                out.daily.push((r.get("day"), r.get("metric"), r.get("n")));
            }
        }
        // The breakdown, and the cities (a scope below a city: its own figures under its city).
        let city_lvl = own.max(4);
        for (lvl, target) in [(area_digits.map(|k| k as i64), 0), (Some(city_lvl), 1)] {
            let Some(lvl) = lvl else { continue };
            let mut rows = Vec::new();
            for table in ["dashboard_area_daily", "dashboard_area_state"] {
                let mut q = QueryBuilder::new(format!(
                    "SELECT d.area AS area, d.metric AS metric, CAST(SUM(d.n) AS BIGINT) AS n FROM {table} d WHERE 1=1"
                ));
                in_area(&mut q, lvl);
                if table == "dashboard_area_daily" {
                    in_days(&mut q);
                }
                q.push(" GROUP BY d.area, d.metric");
                for r in q.build().fetch_all(&self.pool).await? {
                    let area: String = r.get("area");
                    let area = if target == 1 {
                        area.chars().take(4).collect()
                    } else {
                        area
                    };
                    rows.push((
                        area,
                        r.get::<String, _>("metric"),
                        r.get::<Option<i64>, _>("n").unwrap_or(0),
                    ));
                }
            }
            if target == 0 {
                out.by_area = rows;
            } else {
                out.by_city = rows;
            }
        }
        let mut q = QueryBuilder::new(
            "SELECT d.unit_id AS id, u.name AS name, d.n AS n FROM dashboard_unit_state d JOIN units u ON u.id = d.unit_id WHERE d.metric = 'hazards_overdue' AND d.n > 0",
        );
        push_counter_scope(&mut q, scope, "d");
        q.push(" ORDER BY d.n DESC, u.name, d.unit_id LIMIT ").push_bind(top);
        for r in q.build().fetch_all(&self.pool).await? {
            out.top_overdue_units.push((r.get("id"), r.get("name"), r.get("n")));
        }
        let mut q = QueryBuilder::new(
            "SELECT d.dim AS dim, CAST(SUM(d.n) AS BIGINT) AS n FROM dashboard_area_daily d WHERE d.metric = 'false_positives'",
        );
        in_area(&mut q, own);
        in_days(&mut q);
        q.push(" GROUP BY d.dim ORDER BY n DESC, d.dim LIMIT ").push_bind(top);
        for r in q.build().fetch_all(&self.pool).await? {
            out.top_false_positive_rules
                .push((r.get("dim"), r.get::<Option<i64>, _>("n").unwrap_or(0)));
        }
        Ok(out)
    }
}

#[async_trait]
impl DashboardRepo for Backend {
    async fn dashboard_counters(
        &self,
        scope: &Scope,
        from_day: &str,
        to_day: &str,
        trend_metrics: &[&str],
        area_digits: Option<usize>,
        top: i64,
    ) -> StoreResult<DashboardCounters> {
        if let Some(prefix) = area_prefix(scope) {
            return self
                .area_counters(scope, &prefix, from_day, to_day, trend_metrics, area_digits, top)
                .await;
        }
        let mut out = DashboardCounters::default();
        if !trend_metrics.is_empty() {
            let mut q = QueryBuilder::new(
                "SELECT d.day AS day, d.metric AS metric, CAST(SUM(d.n) AS BIGINT) AS n FROM dashboard_daily d WHERE d.day >= ",
            );
            q.push_bind(from_day.to_string())
                .push(" AND d.day <= ")
                .push_bind(to_day.to_string())
                .push(" AND d.metric IN (");
            let mut sep = q.separated(", ");
            for m in trend_metrics {
                sep.push_bind(m.to_string());
            }
            q.push(")");
            push_counter_scope(&mut q, scope, "d");
            q.push(" GROUP BY d.day, d.metric");
            for r in q.build().fetch_all(&self.pool).await? {
                out.daily.push((r.get("day"), r.get("metric"), r.get("n")));
            }
        }
        for (digits, target) in [(area_digits, 0), (Some(4), 1)] {
            let area = match digits {
                Some(k) => format!("substr(d.division_code, 1, {k})"),
                None => "''".to_string(),
            };
            // PostgreSQL refuses a constant in GROUP BY: one unit's figures group by metric only.
            let group = match digits {
                Some(_) => format!("{area}, d.metric"),
                None => "d.metric".to_string(),
            };
            let mut q = QueryBuilder::new(format!(
                "SELECT {area} AS area, d.metric AS metric, CAST(SUM(d.n) AS BIGINT) AS n FROM dashboard_daily d WHERE d.day >= "
            ));
            q.push_bind(from_day.to_string())
                .push(" AND d.day <= ")
                .push_bind(to_day.to_string());
            push_counter_scope(&mut q, scope, "d");
            q.push(format!(
                " GROUP BY {group} UNION ALL SELECT {area} AS area, d.metric AS metric, CAST(SUM(d.n) AS BIGINT) AS n FROM dashboard_unit_state d WHERE 1=1"
            ));
            push_counter_scope(&mut q, scope, "d");
            q.push(format!(" GROUP BY {group}"));
            let rows = q.build().fetch_all(&self.pool).await?;
            let list = if target == 0 {
                &mut out.by_area
            } else {
                &mut out.by_city
            };
            for r in rows {
                list.push((
                    r.get("area"),
                    r.get("metric"),
                    r.get::<Option<i64>, _>("n").unwrap_or(0),
                ));
            }
        }
        let mut q = QueryBuilder::new(
            "SELECT d.unit_id AS id, u.name AS name, d.n AS n FROM dashboard_unit_state d JOIN units u ON u.id = d.unit_id WHERE d.metric = 'hazards_overdue' AND d.n > 0",
        );
        push_counter_scope(&mut q, scope, "d");
        q.push(" ORDER BY d.n DESC, u.name, d.unit_id LIMIT ").push_bind(top);
        for r in q.build().fetch_all(&self.pool).await? {
            out.top_overdue_units.push((r.get("id"), r.get("name"), r.get("n")));
        }
        let mut q = QueryBuilder::new(
            "SELECT d.dim AS dim, CAST(SUM(d.n) AS BIGINT) AS n FROM dashboard_daily d WHERE d.metric = 'false_positives' AND d.day >= ",
        );
        q.push_bind(from_day.to_string())
            .push(" AND d.day <= ")
            .push_bind(to_day.to_string());
        push_counter_scope(&mut q, scope, "d");
        q.push(" GROUP BY d.dim ORDER BY n DESC, d.dim LIMIT ").push_bind(top);
        for r in q.build().fetch_all(&self.pool).await? {
            out.top_false_positive_rules
                .push((r.get("dim"), r.get::<Option<i64>, _>("n").unwrap_or(0)));
        }
        Ok(out)
    }

    async fn dashboard(&self, scope: &Scope, now: DateTime<Utc>) -> StoreResult<Dashboard> {
        let threshold = ms(now - self.offline_after);
        let level = AreaLevel::for_scope(scope);
        // One unit's dashboard groups everything under one key; the others by the area's digits.
        let area = match level {
            Some(l) => format!("substr(u.division_code, 1, {})", l.digits()),
            None => "''".to_string(),
        };
        let mut units = QueryBuilder::new(format!(
            "SELECT {area} AS area, COUNT(*) AS n, SUM(CASE WHEN u.is_key_unit THEN 1 ELSE 0 END) AS k FROM units u WHERE 1=1"
        ));
        push_scope(&mut units, scope);
        units.push(" GROUP BY area");
        let mut devices = QueryBuilder::new(format!(
            "SELECT {area} AS area, COUNT(*) AS n,
                    SUM(CASE WHEN dv.last_seen_at IS NULL OR dv.last_seen_at < "
        ));
        devices
            .push_bind(threshold)
            .push(" THEN 1 ELSE 0 END) AS off FROM devices dv JOIN units u ON u.id = dv.unit_id WHERE 1=1");
        push_scope(&mut devices, scope);
        devices.push(" GROUP BY area");
        let mut alerts = QueryBuilder::new(format!(
            "SELECT {area} AS area, COUNT(*) AS n FROM alerts a JOIN units u ON u.id = a.unit_id WHERE a.status <> 'resolved'"
        ));
        push_scope(&mut alerts, scope);
        alerts.push(" GROUP BY area");

        let code = |digits: String| level.map(|l| l.code(&digits)).unwrap_or_default();
        let mut by_area: std::collections::BTreeMap<String, AreaStats> = Default::default();
        // A division scope lists every area below it, those without units too.
        if let (Some(parent), Some(_)) = (scope_division(scope), level) {
            let children: Vec<(String, String)> = sqlx::query_as(&sql(
                "SELECT code, name FROM divisions WHERE parent_code = ? ORDER BY code",
            ))
            .bind(parent)
            .fetch_all(&self.pool)
            .await?;
            for (c, name) in children {
                let mut a = blank_area(c.clone());
                a.name = name;
                by_area.insert(c, a);
            }
        }
        for r in units.build().fetch_all(&self.pool).await? {
            let a = by_area
                .entry(code(r.get("area")))
                .or_insert_with_key(|k| blank_area(k.clone()));
            a.units = r.get("n");
            a.key_units = r.get::<Option<i64>, _>("k").unwrap_or(0);
        }
        for r in devices.build().fetch_all(&self.pool).await? {
            let a = by_area
                .entry(code(r.get("area")))
                .or_insert_with_key(|k| blank_area(k.clone()));
            a.devices = r.get("n");
            a.offline_devices = r.get::<Option<i64>, _>("off").unwrap_or(0);
        }
        for r in alerts.build().fetch_all(&self.pool).await? {
            let a = by_area
                .entry(code(r.get("area")))
                .or_insert_with_key(|k| blank_area(k.clone()));
            a.open_alerts = r.get("n");
        }
        let mut areas: Vec<AreaStats> = by_area.into_values().collect();
        for a in areas.iter_mut().filter(|a| a.name == a.code && !a.code.is_empty()) {
            if let Some(name) = sqlx::query_scalar::<_, String>(&sql("SELECT name FROM divisions WHERE code = ?"))
                .bind(&a.code)
                .fetch_optional(&self.pool)
                .await?
            {
                a.name = name;
            }
            // Units registered with a shorter code than the breakdown's level (a district's
            // code in a by-street table) are counted under that code, said so.
            if level.is_some_and(|l| a.code.len() < l.digits()) {
                a.name = format!("{}（未细分到下一级）", a.name);
            }
        }
        Ok(Dashboard {
            units: areas.iter().map(|a| a.units).sum(),
            key_units: areas.iter().map(|a| a.key_units).sum(),
            open_alerts: areas.iter().map(|a| a.open_alerts).sum(),
            devices: areas.iter().map(|a| a.devices).sum(),
            offline_devices: areas.iter().map(|a| a.offline_devices).sum(),
            area_level: level,
            by_area: if level.is_some() { areas } else { Vec::new() },
        })
    }
}
