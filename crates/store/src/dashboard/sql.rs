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
use neibao_domain::dashboard::{CityStats, Dashboard};
use sqlx::{QueryBuilder, Row};

fn blank_city(city: &str) -> CityStats {
    CityStats {
        city_code: format!("{city}00"),
        city_name: String::new(),
        units: 0,
        key_units: 0,
        open_alerts: 0,
        devices: 0,
        offline_devices: 0,
    }
}

#[async_trait]
impl DashboardRepo for Backend {
    async fn dashboard(&self, scope: &Scope, now: DateTime<Utc>) -> StoreResult<Dashboard> {
        let threshold = ms(now - self.offline_after);
        let mut units = QueryBuilder::new(
            "SELECT substr(u.division_code, 1, 4) AS city, COUNT(*) AS n, SUM(CASE WHEN u.is_key_unit THEN 1 ELSE 0 END) AS k FROM units u WHERE 1=1",
        );
        push_scope(&mut units, scope);
        units.push(" GROUP BY city");
        let mut devices = QueryBuilder::new(
            "SELECT substr(u.division_code, 1, 4) AS city, COUNT(*) AS n,
                    SUM(CASE WHEN dv.last_seen_at IS NULL OR dv.last_seen_at < ",
        );
        devices
            .push_bind(threshold)
            .push(" THEN 1 ELSE 0 END) AS off FROM devices dv JOIN units u ON u.id = dv.unit_id WHERE 1=1");
        push_scope(&mut devices, scope);
        devices.push(" GROUP BY city");
        let mut alerts = QueryBuilder::new(
            "SELECT substr(u.division_code, 1, 4) AS city, COUNT(*) AS n FROM alerts a JOIN units u ON u.id = a.unit_id WHERE a.status <> 'resolved'",
        );
        push_scope(&mut alerts, scope);
        alerts.push(" GROUP BY city");

        let mut by_city: std::collections::BTreeMap<String, CityStats> = Default::default();
        for r in units.build().fetch_all(&self.pool).await? {
            let c = by_city.entry(r.get("city")).or_insert_with_key(|k| blank_city(k));
            c.units = r.get("n");
            c.key_units = r.get::<Option<i64>, _>("k").unwrap_or(0);
        }
        for r in devices.build().fetch_all(&self.pool).await? {
            let c = by_city.entry(r.get("city")).or_insert_with_key(|k| blank_city(k));
            c.devices = r.get("n");
            c.offline_devices = r.get::<Option<i64>, _>("off").unwrap_or(0);
        }
        for r in alerts.build().fetch_all(&self.pool).await? {
            let c = by_city.entry(r.get("city")).or_insert_with_key(|k| blank_city(k));
            c.open_alerts = r.get("n");
        }
        let mut cities: Vec<CityStats> = by_city.into_values().collect();
        for c in &mut cities {
            c.city_name = sqlx::query_scalar(&sql("SELECT name FROM divisions WHERE code = ?"))
                .bind(&c.city_code)
                .fetch_optional(&self.pool)
                .await?
                .unwrap_or_else(|| c.city_code.clone());
        }
        Ok(Dashboard {
            units: cities.iter().map(|c| c.units).sum(),
            key_units: cities.iter().map(|c| c.key_units).sum(),
            open_alerts: cities.iter().map(|c| c.open_alerts).sum(),
            devices: cities.iter().map(|c| c.devices).sum(),
            offline_devices: cities.iter().map(|c| c.offline_devices).sum(),
            by_city: cities,
        })
    }
}
