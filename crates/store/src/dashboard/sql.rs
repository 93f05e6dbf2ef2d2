//! SQL of dashboard (compiled once per backend: see `crate::sqlite` and `crate::postgres`).

use super::common::{ms, push_scope};
use super::db::sql;
use super::store::Backend;
use crate::error::StoreResult;
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::dashboard::{AreaLevel, AreaStats, Dashboard};
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

#[async_trait]
impl DashboardRepo for Backend {
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
