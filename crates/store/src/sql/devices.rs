//! Key areas, devices, device liveness and the dashboard counts.

use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::devices::DeviceFormat;
use neibao_domain::ids::new_id;
use sqlx::{QueryBuilder, Row};

use super::{from_ms, ms, push_scope, sql, Backend, Db, DbRow};
use crate::repo::{StoreError, StoreResult};
use neibao_domain::dashboard::{CityStats, Dashboard};
use neibao_domain::devices::{Device, DeviceFilter, IngestDevice, NewDevice};
use neibao_domain::paging::{Listing, Page};
use neibao_domain::registry::KeyArea;

const DEVICE_SELECT: &str = "SELECT dv.*, u.name AS unit_name, ka.name AS key_area_name
     FROM devices dv JOIN units u ON u.id = dv.unit_id LEFT JOIN key_areas ka ON ka.id = dv.key_area_id WHERE 1=1";

impl Backend {
    fn device_from_row(&self, r: &DbRow, now: DateTime<Utc>) -> Device {
        let last: Option<i64> = r.get("last_seen_at");
        let map: String = r.get("channel_map");
        Device {
            id: r.get("id"),
            unit_id: r.get("unit_id"),
            unit_name: r.get("unit_name"),
            key_area_id: r.get("key_area_id"),
            key_area_name: r.get("key_area_name"),
            format: DeviceFormat::from_code(r.get::<&str, _>("format")).unwrap_or(DeviceFormat::GenericJson),
            kind: r.get("kind"),
            name: r.get("name"),
            serial: r.get("serial"),
            channel_map: serde_json::from_str(&map).unwrap_or_default(),
            last_seen_at: last.map(from_ms),
            online: last.is_some_and(|l| l >= ms(now - self.offline_after)),
            created_at: from_ms(r.get("created_at")),
        }
    }

    pub(crate) async fn create_key_area_impl(
        &self,
        scope: &Scope,
        unit_id: &str,
        name: &str,
        description: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<KeyArea> {
        self.get_unit_impl(scope, unit_id).await?;
        let id = new_id();
        sqlx::query(&sql(
            "INSERT INTO key_areas (id, unit_id, name, description, created_at) VALUES (?, ?, ?, ?, ?)",
        ))
        .bind(&id)
        .bind(unit_id)
        .bind(name)
        .bind(description)
        .bind(ms(now))
        .execute(self.writer())
        .await?;
        Ok(KeyArea {
            id,
            unit_id: unit_id.into(),
            name: name.into(),
            description: description.into(),
            created_at: now,
        })
    }

    pub(crate) async fn list_key_areas_impl(&self, scope: &Scope, unit_id: &str) -> StoreResult<Vec<KeyArea>> {
        let mut qb =
            QueryBuilder::new("SELECT ka.* FROM key_areas ka JOIN units u ON u.id = ka.unit_id WHERE ka.unit_id = ");
        qb.push_bind(unit_id.to_string());
        push_scope(&mut qb, scope);
        qb.push(" ORDER BY ka.name");
        let rows = qb.build().fetch_all(&self.pool).await?;
        Ok(rows
            .iter()
            .map(|r| KeyArea {
                id: r.get("id"),
                unit_id: r.get("unit_id"),
                name: r.get("name"),
                description: r.get("description"),
                created_at: from_ms(r.get("created_at")),
            })
            .collect())
    }

    pub(crate) async fn create_device_impl(
        &self,
        scope: &Scope,
        d: NewDevice,
        now: DateTime<Utc>,
    ) -> StoreResult<Device> {
        self.get_unit_impl(scope, &d.unit_id).await?;
        if let Some(ka) = &d.key_area_id {
            let owner: Option<String> = sqlx::query_scalar(&sql("SELECT unit_id FROM key_areas WHERE id = ?"))
                .bind(ka)
                .fetch_optional(&self.pool)
                .await?;
            if owner.as_deref() != Some(d.unit_id.as_str()) {
                return Err(neibao_domain::error::DomainError::with_message(
                    neibao_domain::error::ErrorCode::ValidationFailed,
                    "重要部位不属于该单位",
                )
                .into());
            }
        }
        let id = new_id();
        sqlx::query(
            &sql("INSERT INTO devices (id, unit_id, key_area_id, format, kind, name, serial, channel_map, ingest_token_hash, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        )
        .bind(&id)
        .bind(&d.unit_id)
        .bind(&d.key_area_id)
        .bind(d.format.code())
        .bind(&d.kind)
        .bind(&d.name)
        .bind(&d.serial)
        .bind(serde_json::Value::Object(d.channel_map.clone()).to_string())
        .bind(&d.ingest_token_hash)
        .bind(ms(now))
        .execute(self.writer())
        .await?;
        self.get_device_impl(scope, &id, now).await
    }

    pub(crate) async fn get_device_impl(&self, scope: &Scope, id: &str, now: DateTime<Utc>) -> StoreResult<Device> {
        let mut qb = QueryBuilder::new(DEVICE_SELECT);
        qb.push(" AND dv.id = ").push_bind(id.to_string());
        push_scope(&mut qb, scope);
        let row = qb
            .build()
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(self.device_from_row(&row, now))
    }

    pub(crate) async fn list_devices_impl(
        &self,
        scope: &Scope,
        f: &DeviceFilter,
        page: Page,
        now: DateTime<Utc>,
    ) -> StoreResult<Listing<Device>> {
        let threshold = ms(now - self.offline_after);
        let filters = |qb: &mut QueryBuilder<'_, Db>| {
            push_scope(qb, scope);
            if let Some(u) = &f.unit_id {
                qb.push(" AND dv.unit_id = ").push_bind(u.clone());
            }
            match f.online {
                Some(true) => {
                    qb.push(" AND dv.last_seen_at >= ").push_bind(threshold);
                }
                Some(false) => {
                    qb.push(" AND (dv.last_seen_at IS NULL OR dv.last_seen_at < ")
                        .push_bind(threshold)
                        .push(")");
                }
                None => {}
            }
        };
        super::common::paged(
            &self.pool,
            "FROM devices dv JOIN units u ON u.id = dv.unit_id WHERE 1=1",
            DEVICE_SELECT,
            filters,
            "u.name, dv.name",
            page,
            |r| self.device_from_row(r, now),
        )
        .await
    }

    pub(crate) async fn device_for_ingest_impl(&self, token_hash: &str) -> StoreResult<Option<IngestDevice>> {
        self.ingest_device_where("dv.ingest_token_hash = ?", token_hash).await
    }

    pub(crate) async fn ingest_device_impl(&self, device_id: &str) -> StoreResult<Option<IngestDevice>> {
        self.ingest_device_where("dv.id = ?", device_id).await
    }

    async fn ingest_device_where(&self, condition: &str, value: &str) -> StoreResult<Option<IngestDevice>> {
        let row = sqlx::query(&sql(&format!(
            "SELECT dv.id, dv.unit_id, dv.key_area_id, dv.name, dv.format, u.armed_schedule, u.division_code
             FROM devices dv JOIN units u ON u.id = dv.unit_id WHERE {condition}"
        )))
        .bind(value)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| IngestDevice {
            id: r.get("id"),
            unit_id: r.get("unit_id"),
            key_area_id: r.get("key_area_id"),
            name: r.get("name"),
            format: DeviceFormat::from_code(r.get::<&str, _>("format")).unwrap_or(DeviceFormat::GenericJson),
            armed_schedule: r
                .get::<Option<String>, _>("armed_schedule")
                .and_then(|s| serde_json::from_str(&s).ok()),
            division_code: r.get("division_code"),
        }))
    }

    pub(crate) async fn touch_device_impl(&self, device_id: &str, now: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query(&sql(
            "UPDATE devices SET last_seen_at = ? WHERE id = ? AND (last_seen_at IS NULL OR last_seen_at < ?)",
        ))
        .bind(ms(now))
        .bind(device_id)
        .bind(ms(now))
        .execute(self.writer())
        .await?;
        Ok(())
    }

    pub(crate) async fn dashboard_impl(&self, scope: &Scope, now: DateTime<Utc>) -> StoreResult<Dashboard> {
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
