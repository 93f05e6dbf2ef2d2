//! SQL of one-press alarms (compiled once per backend: see `crate::sqlite` and `crate::postgres`).

use super::audit::append_in;
use super::common::{from_ms, ms, opt_ms, paged, push_scope};
use super::db::{sql, Db, DbRow};
use super::store::Backend;
use crate::alarms::alarm_device_id;
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::alarms::*;
use neibao_domain::audit::AuditEntry;
use neibao_domain::devices::IngestDevice;
use neibao_domain::emergency::Scenario;
use neibao_domain::error::{DomainError, ErrorCode};
use neibao_domain::paging::{Listing, Page};
use sqlx::{QueryBuilder, Row};

const SELECT: &str = "SELECT a.*, u.name AS unit_name, k.name AS key_area_name, al.status AS alert_status, \
     al.acknowledged_at AS ack_at, al.acknowledged_by AS ack_by, al.escalation_level AS esc_level, \
     al.escalated_to AS esc_to \
     FROM alarms a JOIN units u ON u.id = a.unit_id LEFT JOIN key_areas k ON k.id = a.key_area_id \
     LEFT JOIN alerts al ON al.id = a.alert_id WHERE 1=1";

const FROM: &str = "FROM alarms a JOIN units u ON u.id = a.unit_id WHERE 1=1";

fn from_row(r: &DbRow) -> Alarm {
    Alarm {
        id: r.get("id"),
        unit_id: r.get("unit_id"),
        unit_name: r.get("unit_name"),
        key_area_id: r.get("key_area_id"),
        key_area_name: r.get("key_area_name"),
        scenario: Scenario::from_code(r.get::<&str, _>("scenario")).unwrap_or(Scenario::Other),
        note: r.get("note"),
        drill: r.get::<bool, _>("drill"),
        source: AlarmSource::from_code(r.get::<&str, _>("source")),
        device_id: r.get("device_id"),
        caller_id: r.get("caller_id"),
        caller_name: r.get("caller_name"),
        raised_at: from_ms(r.get("raised_at")),
        alert_id: r.get("alert_id"),
        alert_status: r.get("alert_status"),
        acknowledged_at: opt_ms(r, "ack_at"),
        acknowledged_by: r.get("ack_by"),
        escalation_level: r.get::<Option<i64>, _>("esc_level").unwrap_or(0),
        escalated_to: r.get("esc_to"),
        arrived_at: opt_ms(r, "arrived_at"),
        arrival_by: r.get("arrival_by"),
        arrival_note: r.get("arrival_note"),
    }
}

fn push_filter(qb: &mut QueryBuilder<'_, Db>, scope: &Scope, f: &AlarmFilter) {
    push_scope(qb, scope);
    if let Some(u) = &f.unit_id {
        qb.push(" AND a.unit_id = ").push_bind(u.clone());
    }
    if let Some(d) = f.drill {
        qb.push(" AND a.drill = ").push_bind(d);
    }
    if let Some(t) = f.since {
        qb.push(" AND a.raised_at >= ").push_bind(ms(t));
    }
}

impl Backend {
    async fn alarm_where<'e, E>(&self, exec: E, scope: &Scope, col: &str, value: &str) -> StoreResult<Option<Alarm>>
    where
        E: sqlx::Executor<'e, Database = Db>,
    {
        let mut qb = QueryBuilder::new(format!("{SELECT} AND a.{col} = "));
        qb.push_bind(value.to_string());
        push_scope(&mut qb, scope);
        qb.push(" ORDER BY a.raised_at LIMIT 1");
        Ok(qb.build().fetch_optional(exec).await?.as_ref().map(from_row))
    }
}

fn with_unit(audit: &AuditEntry, object_id: &str, unit_id: &str) -> AuditEntry {
    let mut a = audit.clone();
    if a.object_id.is_empty() {
        a.object_id = object_id.to_string();
    }
    if a.unit_id.is_none() {
        a.unit_id = Some(unit_id.to_string());
    }
    a
}

#[async_trait]
impl AlarmRepo for Backend {
    async fn create_alarm(
        &self,
        scope: &Scope,
        a: &NewAlarm,
        double_tap_since: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> StoreResult<(Alarm, bool)> {
        let mut tx = self.begin_write().await?;
        let mut qb = QueryBuilder::new("SELECT u.state FROM units u WHERE u.id = ");
        qb.push_bind(a.unit_id.clone());
        push_scope(&mut qb, scope);
        let state: String = qb
            .build()
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?
            .get("state");
        if state != "active" {
            return Err(DomainError::with_message(
                ErrorCode::InvalidTransition,
                "单位已停用或注销，不能一键报警；如遇紧急情况请直接拨打110",
            )
            .into());
        }
        if let Some(k) = &a.key_area_id {
            let found: Option<String> =
                sqlx::query_scalar(&sql("SELECT id FROM key_areas WHERE id = ? AND unit_id = ?"))
                    .bind(k)
                    .bind(&a.unit_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if found.is_none() {
                return Err(StoreError::NotFound);
            }
        }
        if let Some(caller) = &a.caller_id {
            let earlier: Option<String> = sqlx::query_scalar(&sql(
                "SELECT id FROM alarms WHERE unit_id = ? AND caller_id = ? AND drill = ? AND raised_at >= ? \
                 ORDER BY raised_at DESC LIMIT 1",
            ))
            .bind(&a.unit_id)
            .bind(caller)
            .bind(a.drill)
            .bind(ms(double_tap_since))
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(id) = earlier {
                tx.commit().await?;
                let found = self.alarm_where(&self.pool, &Scope::All, "id", &id).await?;
                return found.map(|x| (x, false)).ok_or(StoreError::NotFound);
            }
        }
        sqlx::query(&sql(
            "INSERT INTO alarms (id, unit_id, key_area_id, scenario, note, drill, source, device_id, caller_id, \
             caller_name, raised_at, alert_id, arrived_at, arrival_by, arrival_note, arrival_recorded_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, '', NULL)",
        ))
        .bind(&a.id)
        .bind(&a.unit_id)
        .bind(&a.key_area_id)
        .bind(a.scenario.code())
        .bind(&a.note)
        .bind(a.drill)
        .bind(a.source.code())
        .bind(&a.device_id)
        .bind(&a.caller_id)
        .bind(&a.caller_name)
        .bind(ms(a.at))
        .execute(&mut *tx)
        .await?;
        append_in(&mut tx, &with_unit(audit, &a.id, &a.unit_id), a.at).await?;
        tx.commit().await?;
        let found = self.alarm_where(&self.pool, &Scope::All, "id", &a.id).await?;
        found.map(|x| (x, true)).ok_or(StoreError::NotFound)
    }

    async fn set_alarm_alert(&self, id: &str, alert_id: &str) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(&sql("UPDATE alarms SET alert_id = ? WHERE id = ? AND alert_id IS NULL"))
            .bind(alert_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn alarm(&self, scope: &Scope, id: &str) -> StoreResult<Option<Alarm>> {
        self.alarm_where(&self.pool, scope, "id", id).await
    }

    async fn alarm_of_alert(&self, scope: &Scope, alert_id: &str) -> StoreResult<Option<Alarm>> {
        self.alarm_where(&self.pool, scope, "alert_id", alert_id).await
    }

    async fn list_alarms(&self, scope: &Scope, f: &AlarmFilter, page: Page) -> StoreResult<Listing<Alarm>> {
        paged(
            &self.pool,
            FROM,
            SELECT,
            |qb| push_filter(qb, scope, f),
            "a.raised_at DESC, a.id DESC",
            page,
            from_row,
        )
        .await
    }

    async fn alarm_counts(
        &self,
        scope: &Scope,
        unit_id: Option<&str>,
        since: DateTime<Utc>,
    ) -> StoreResult<AlarmCounts> {
        let f = AlarmFilter {
            unit_id: unit_id.map(str::to_string),
            drill: None,
            since: Some(since),
        };
        let mut qb = QueryBuilder::new(
            "SELECT a.drill, a.raised_at, a.arrived_at, al.acknowledged_at AS ack_at \
             FROM alarms a JOIN units u ON u.id = a.unit_id LEFT JOIN alerts al ON al.id = a.alert_id WHERE 1=1",
        );
        push_filter(&mut qb, scope, &f);
        qb.push(" LIMIT 100000");
        let rows = qb.build().fetch_all(&self.pool).await?;
        let mut c = AlarmCounts::default();
        let (mut ack, mut ack_n, mut arr, mut arr_n) = (0i64, 0i64, 0i64, 0i64);
        for r in &rows {
            if r.get::<bool, _>("drill") {
                c.drills += 1;
                continue;
            }
            c.real += 1;
            let raised: i64 = r.get("raised_at");
            match r.get::<Option<i64>, _>("ack_at") {
                Some(t) => {
                    ack += (t - raised).max(0) / 1000;
                    ack_n += 1;
                }
                None => c.real_unacknowledged += 1,
            }
            match r.get::<Option<i64>, _>("arrived_at") {
                Some(t) => {
                    arr += (t - raised).max(0) / 1000;
                    arr_n += 1;
                }
                None => c.real_without_arrival += 1,
            }
        }
        c.mean_seconds_to_acknowledge = (ack_n > 0).then(|| ack / ack_n);
        c.mean_seconds_to_arrive = (arr_n > 0).then(|| arr / arr_n);
        Ok(c)
    }

    async fn record_alarm_arrival(
        &self,
        scope: &Scope,
        id: &str,
        at: DateTime<Utc>,
        note: &str,
        by: &str,
        audit: &AuditEntry,
    ) -> StoreResult<Alarm> {
        let mut tx = self.begin_write().await?;
        let current = self
            .alarm_where(&mut *tx, scope, "id", id)
            .await?
            .ok_or(StoreError::NotFound)?;
        if current.arrived_at.is_some() {
            return Err(
                DomainError::with_message(ErrorCode::InvalidTransition, "该报警已登记民警到场，不能重复登记").into(),
            );
        }
        sqlx::query(&sql(
            "UPDATE alarms SET arrived_at = ?, arrival_by = ?, arrival_note = ?, arrival_recorded_at = ? \
             WHERE id = ? AND arrived_at IS NULL",
        ))
        .bind(ms(at))
        .bind(by)
        .bind(note)
        .bind(ms(Utc::now()))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        append_in(&mut tx, &with_unit(audit, id, &current.unit_id), Utc::now()).await?;
        tx.commit().await?;
        self.alarm_where(&self.pool, &Scope::All, "id", id)
            .await?
            .ok_or(StoreError::NotFound)
    }

    async fn set_alarm_escalation_step(&self, minutes: i64, audit: &AuditEntry) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(&sql(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        ))
        .bind(ESCALATION_STEP_KEY)
        .bind(minutes.to_string())
        .execute(&mut *tx)
        .await?;
        append_in(&mut tx, audit, Utc::now()).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn alarm_device(&self, unit_id: &str) -> StoreResult<Option<IngestDevice>> {
        let id = alarm_device_id(unit_id);
        if let Some(d) = self.ingest_device(&id).await? {
            return Ok(Some(d));
        }
        let mut tx = self.begin_write().await?;
        sqlx::query(&sql(
            "INSERT INTO devices (id, unit_id, format, kind, name, serial, channel_map, ingest_token_hash, created_at) \
             VALUES (?, ?, 'generic_json', 'other', '一键报警（内保平台）', '', '{}', ?, ?) ON CONFLICT (id) DO NOTHING",
        ))
        .bind(&id)
        .bind(unit_id)
        // Not a token hash (those are hex): no ingest token resolves to this device.
        .bind(format!("alarm:{unit_id}"))
        .bind(ms(Utc::now()))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.ingest_device(&id).await
    }
}
