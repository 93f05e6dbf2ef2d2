//! SQL of devices (compiled once per backend: see `crate::sqlite` and `crate::postgres`).

use super::common::{from_ms, ms, push_scope};
use super::db::{sql, Db, DbRow};
use super::registry::{created_audit, created_history, insert_history};
use super::store::Backend;
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::devices::{
    Device, DeviceFilter, DeviceFormat, DevicePlacement, DeviceSort, IngestDevice, NewDevice, SilentDevice, UnitHealth,
};
use neibao_domain::ids::new_id;
use neibao_domain::paging::{Listing, Page};
use sqlx::{QueryBuilder, Row};

const DEVICE_SELECT: &str = "SELECT dv.*, u.name AS unit_name, ka.name AS key_area_name
     FROM devices dv JOIN units u ON u.id = dv.unit_id LEFT JOIN key_areas ka ON ka.id = dv.key_area_id WHERE 1=1";

pub(crate) fn placement_from_row(r: &DbRow) -> DevicePlacement {
    DevicePlacement {
        device_id: r.get("device_id"),
        device_name: r.get("device_name"),
        device_kind: r.get("device_kind"),
        device_format: r.get("device_format"),
        unit_id: r.get("unit_id"),
        unit_name: r.get("unit_name"),
        unit_kind: r.get("unit_kind"),
        division_code: r.get("division_code"),
        key_unit: r.get("is_key_unit"),
        counter_terror: r.get("is_counter_terror_target"),
        key_area: r.get("key_area_name"),
        armed_schedule: r
            .get::<Option<String>, _>("armed_schedule")
            .and_then(|s| serde_json::from_str(&s).ok()),
        protection_level: r.get("protection_level"),
    }
}

pub(crate) const PLACEMENT_COLUMNS: &str = "dv.id AS device_id, dv.name AS device_name, dv.kind AS device_kind, dv.format AS device_format,
     u.id AS unit_id, u.name AS unit_name, u.kind AS unit_kind, u.division_code, u.is_key_unit, u.is_counter_terror_target,
     ka.name AS key_area_name, u.armed_schedule,
     COALESCE((SELECT MAX(plo.level) FROM protection_level_units plu JOIN protection_level_orders plo ON plo.id = plu.order_id
       WHERE plu.unit_id = u.id AND plo.state = 'active'), 0) AS protection_level";

pub(crate) const PLACEMENT_FROM: &str =
    "FROM devices dv JOIN units u ON u.id = dv.unit_id LEFT JOIN key_areas ka ON ka.id = dv.key_area_id";

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
            time_zone: r.get("time_zone"),
            last_seen_at: last.map(from_ms),
            online: last.is_some_and(|l| l >= ms(now - self.offline_after)),
            version: r.get("version"),
            state: neibao_domain::registry::LifeState::from_code(r.get::<&str, _>("state")),
            created_at: from_ms(r.get("created_at")),
            location_type: r
                .get::<Option<String>, _>("location_type")
                .and_then(|c| neibao_domain::video::LocationType::from_code(&c)),
            view_note: r.get("view_note"),
        }
    }

    async fn ingest_device_where(&self, condition: &str, value: &str) -> StoreResult<Option<IngestDevice>> {
        let row = sqlx::query(&sql(&format!(
            "SELECT dv.id, dv.unit_id, dv.key_area_id, dv.name, dv.format, dv.time_zone, u.armed_schedule, u.division_code
             FROM devices dv JOIN units u ON u.id = dv.unit_id
             WHERE dv.state = 'active' AND u.state = 'active' AND {condition}"
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
            time_zone: r.get("time_zone"),
        }))
    }
}

#[async_trait]
impl DeviceRepo for Backend {
    fn offline_after_seconds(&self) -> i64 {
        self.offline_after.num_seconds()
    }

    async fn create_device(
        &self,
        scope: &Scope,
        d: NewDevice,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Device> {
        self.get_unit(scope, &d.unit_id).await?;
        if let Some(ka) = &d.key_area_id {
            let owner: Option<String> =
                sqlx::query_scalar(&sql("SELECT unit_id FROM key_areas WHERE id = ? AND state <> 'closed'"))
                    .bind(ka)
                    .fetch_optional(&self.pool)
                    .await?;
            if owner.as_deref() != Some(d.unit_id.as_str()) {
                return Err(neibao_domain::error::DomainError::with_message(
                    neibao_domain::error::ErrorCode::ValidationFailed,
                    "重要部位不属于该单位或已注销",
                )
                .into());
            }
        }
        let id = new_id();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            &sql("INSERT INTO devices (id, unit_id, key_area_id, format, kind, name, serial, channel_map, time_zone, ingest_token_hash, created_at, location_type, view_note)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        )
        .bind(&id)
        .bind(&d.unit_id)
        .bind(&d.key_area_id)
        .bind(d.format.code())
        .bind(&d.kind)
        .bind(&d.name)
        .bind(&d.serial)
        .bind(serde_json::Value::Object(d.channel_map.clone()).to_string())
        .bind(&d.time_zone)
        .bind(&d.ingest_token_hash)
        .bind(ms(now))
        .bind(d.location_type.map(|l| l.code()))
        .bind(&d.view_note)
        .execute(&mut *tx)
        .await?;
        let history = created_history(
            audit,
            format!(
                "{} 登记设备「{}」",
                neibao_domain::audit::actor_label(&audit.actor_name),
                d.name
            ),
        );
        insert_history(&mut tx, &d.unit_id, "device", &id, 1, &history, now).await?;
        super::audit::append_in(&mut tx, &created_audit(audit, &id, &d.unit_id), now).await?;
        tx.commit().await?;
        self.get_device(scope, &id, now).await
    }

    async fn get_device(&self, scope: &Scope, id: &str, now: DateTime<Utc>) -> StoreResult<Device> {
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

    async fn list_devices(
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
        // Fixed SQL per column (the caller's value only picks one of these); never-seen devices
        // count as the oldest on both backends; the id last, so that equal values page stably.
        let order = match f.sort {
            None => "u.name, dv.name, dv.id".to_string(),
            Some(s) => {
                let column = match s.column {
                    DeviceSort::Name => "dv.name",
                    DeviceSort::Unit => "u.name",
                    DeviceSort::LastSeen => "COALESCE(dv.last_seen_at, 0)",
                };
                format!("{column} {dir}, u.name, dv.name, dv.id", dir = s.direction())
            }
        };
        super::common::paged(
            &self.pool,
            "FROM devices dv JOIN units u ON u.id = dv.unit_id WHERE 1=1",
            DEVICE_SELECT,
            filters,
            &order,
            page,
            |r| self.device_from_row(r, now),
        )
        .await
    }

    async fn set_device_token(
        &self,
        scope: &Scope,
        id: &str,
        token_hash: &str,
        history: &neibao_domain::registry::NewHistory,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let device = self.get_device(scope, id, now).await?;
        let mut tx = self.begin_write().await?;
        let n = sqlx::query(&sql(
            "UPDATE devices SET ingest_token_hash = ? WHERE id = ? AND state <> 'closed'",
        ))
        .bind(token_hash)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(neibao_domain::error::DomainError::with_message(
                neibao_domain::error::ErrorCode::InvalidTransition,
                "设备已注销，不能重新生成接入令牌",
            )
            .into());
        }
        let version: i64 = sqlx::query_scalar(&sql("SELECT version FROM devices WHERE id = ?"))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        insert_history(&mut tx, &device.unit_id, "device", id, version, history, now).await?;
        super::audit::append_in(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn device_for_ingest(&self, token_hash: &str) -> StoreResult<Option<IngestDevice>> {
        self.ingest_device_where("dv.ingest_token_hash = ?", token_hash).await
    }

    async fn ingest_device(&self, device_id: &str) -> StoreResult<Option<IngestDevice>> {
        self.ingest_device_where("dv.id = ?", device_id).await
    }

    async fn touch_device(&self, device_id: &str, now: DateTime<Utc>) -> StoreResult<()> {
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

    async fn device_health(&self, scope: &Scope, now: DateTime<Utc>) -> StoreResult<Vec<UnitHealth>> {
        let mut qb = QueryBuilder::new(
            "SELECT u.id, u.name, u.division_code, COUNT(dv.id) AS devices,
                    SUM(CASE WHEN dv.last_seen_at >= ",
        );
        qb.push_bind(ms(now - self.offline_after));
        qb.push(
            " THEN 1 ELSE 0 END) AS online
             FROM units u JOIN devices dv ON dv.unit_id = u.id WHERE dv.state = 'active' AND u.state = 'active'",
        );
        push_scope(&mut qb, scope);
        qb.push(" GROUP BY u.id, u.name, u.division_code ORDER BY u.division_code, u.name LIMIT 20000");
        let rows = qb.build().fetch_all(&self.pool).await?;
        Ok(rows
            .iter()
            .map(|r| UnitHealth {
                unit_id: r.get("id"),
                unit_name: r.get("name"),
                division_code: r.get("division_code"),
                devices: r.get("devices"),
                online: r.get::<Option<i64>, _>("online").unwrap_or(0),
            })
            .collect())
    }

    async fn silent_devices(&self, silent_since: DateTime<Utc>, limit: i64) -> StoreResult<Vec<SilentDevice>> {
        let rows = sqlx::query(&sql(&format!(
            "SELECT {PLACEMENT_COLUMNS}, dv.last_seen_at, dv.created_at AS device_created_at {PLACEMENT_FROM}
             WHERE dv.state = 'active' AND u.state = 'active'
               AND dv.last_seen_at IS NOT NULL AND dv.last_seen_at < ? ORDER BY dv.last_seen_at LIMIT ?"
        )))
        .bind(ms(silent_since))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| SilentDevice {
                facts: placement_from_row(r),
                last_seen_at: r.get::<Option<i64>, _>("last_seen_at").map(from_ms),
                created_at: from_ms(r.get("device_created_at")),
            })
            .collect())
    }

    async fn device_placement(&self, device_id: &str) -> StoreResult<Option<DevicePlacement>> {
        let r = sqlx::query(&sql(&format!(
            "SELECT {PLACEMENT_COLUMNS} {PLACEMENT_FROM} WHERE dv.id = ?"
        )))
        .bind(device_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(r.as_ref().map(placement_from_row))
    }
}
