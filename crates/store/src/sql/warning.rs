//! Early-warning persistence (issue 4): versioned data rules, suppression windows, notification
//! channels (config encrypted), the outbox (claimed with a lease, delivered once) and the inbox,
//! device health and the event replay of backtests. Unit data is read through the caller's scope.

use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::events::{DecodedEvent, EventKind, EventState, PersonFields};
use neibao_domain::ids::new_id;
use sqlx::{QueryBuilder, Row};

use super::common::push_scope;
use super::{from_ms, ms, sql, Backend, DbRow, SKIP_LOCKED};
use crate::repo::{StoreError, StoreResult};
use neibao_domain::devices::{DevicePlacement, SilentDevice, UnitHealth};
use neibao_domain::events::ReplayEvent;
use neibao_domain::notifications::{DeliveryOutcome, Fanout, InboxItem, NewChannel, NotificationChannel, OutboxItem};
use neibao_domain::warning::{StoredRule, SuppressionWindow};

const AAD_CHANNEL: &str = "notification_channels.config";
const AAD_PERSON: &str = "events.person";

fn rule_from_row(r: &DbRow) -> StoredRule {
    StoredRule {
        code: r.get("code"),
        version: r.get("version"),
        spec: serde_json::from_str(r.get::<&str, _>("spec")).unwrap_or(serde_json::Value::Null),
        enabled: r.get("enabled"),
        created_by: r.get("created_by"),
        created_at: from_ms(r.get("created_at")),
    }
}

fn suppression_from_row(r: &DbRow) -> SuppressionWindow {
    SuppressionWindow {
        id: r.get("id"),
        unit_id: r.get("unit_id"),
        device_id: r.get("device_id"),
        rule: r.get("rule"),
        from: from_ms(r.get("starts_at")),
        to: from_ms(r.get("ends_at")),
        reason: r.get("reason"),
        note: r.get("note"),
        created_by: r.get("created_by"),
        created_at: from_ms(r.get("created_at")),
    }
}

fn placement_from_row(r: &DbRow) -> DevicePlacement {
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
    }
}

const PLACEMENT_COLUMNS: &str = "dv.id AS device_id, dv.name AS device_name, dv.kind AS device_kind, dv.format AS device_format,
     u.id AS unit_id, u.name AS unit_name, u.kind AS unit_kind, u.division_code, u.is_key_unit, u.is_counter_terror_target,
     ka.name AS key_area_name, u.armed_schedule";
const PLACEMENT_FROM: &str =
    "FROM devices dv JOIN units u ON u.id = dv.unit_id LEFT JOIN key_areas ka ON ka.id = dv.key_area_id";

impl Backend {
    // ---- rules ----

    pub(crate) async fn put_rule_impl(
        &self,
        code: &str,
        spec: &serde_json::Value,
        enabled: bool,
        expected_version: Option<i64>,
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<StoredRule> {
        let mut tx = self.begin_write().await?;
        let current: Option<i64> = sqlx::query_scalar(&sql("SELECT MAX(version) FROM alert_rules WHERE code = ?"))
            .bind(code)
            .fetch_one(&mut *tx)
            .await?;
        let current = current.unwrap_or(0);
        if let Some(expected) = expected_version {
            if expected == 0 && current > 0 {
                return Err(StoreError::Conflict(format!(
                    "规则代码「{code}」已存在，请换一个代码或修改该规则"
                )));
            }
            if expected != current {
                return Err(StoreError::Conflict(format!(
                    "规则已被他人修改（当前版本 {current}，提交所依据的版本 {expected}），请刷新后重试"
                )));
            }
        }
        let version = current + 1;
        sqlx::query(&sql(
            "INSERT INTO alert_rules (code, version, spec, enabled, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        ))
        .bind(code)
        .bind(version)
        .bind(spec.to_string())
        .bind(enabled)
        .bind(by)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(StoredRule {
            code: code.to_string(),
            version,
            spec: spec.clone(),
            enabled,
            created_by: by.to_string(),
            created_at: now,
        })
    }

    pub(crate) async fn list_rules_impl(&self, code: Option<&str>) -> StoreResult<Vec<StoredRule>> {
        let rows = match code {
            Some(c) => {
                sqlx::query(&sql("SELECT * FROM alert_rules WHERE code = ? ORDER BY version DESC"))
                    .bind(c)
                    .fetch_all(&self.pool)
                    .await?
            }
            None => {
                sqlx::query(
                    "SELECT r.* FROM alert_rules r
                     JOIN (SELECT code, MAX(version) AS v FROM alert_rules GROUP BY code) m ON m.code = r.code AND m.v = r.version
                     ORDER BY r.code",
                )
                .fetch_all(&self.pool)
                .await?
            }
        };
        Ok(rows.iter().map(rule_from_row).collect())
    }

    // ---- suppression windows ----

    pub(crate) async fn create_suppression_impl(&self, scope: &Scope, w: &SuppressionWindow) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let mut qb = QueryBuilder::new("SELECT COUNT(*) FROM units u WHERE u.id = ");
        qb.push_bind(w.unit_id.clone());
        push_scope(&mut qb, scope);
        let n: i64 = qb.build_query_scalar().fetch_one(&mut *tx).await?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        if let Some(d) = &w.device_id {
            let ok: Option<String> = sqlx::query_scalar(&sql("SELECT id FROM devices WHERE id = ? AND unit_id = ?"))
                .bind(d)
                .bind(&w.unit_id)
                .fetch_optional(&mut *tx)
                .await?;
            if ok.is_none() {
                return Err(neibao_domain::error::DomainError::with_message(
                    neibao_domain::error::ErrorCode::ValidationFailed,
                    "设备不属于该单位",
                )
                .into());
            }
        }
        sqlx::query(&sql(
            "INSERT INTO suppression_windows (id, unit_id, device_id, rule, starts_at, ends_at, reason, note, created_by, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(&w.id)
        .bind(&w.unit_id)
        .bind(&w.device_id)
        .bind(&w.rule)
        .bind(ms(w.from))
        .bind(ms(w.to))
        .bind(&w.reason)
        .bind(&w.note)
        .bind(&w.created_by)
        .bind(ms(w.created_at))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn list_suppressions_impl(
        &self,
        scope: &Scope,
        unit_id: Option<&str>,
        ending_after: DateTime<Utc>,
    ) -> StoreResult<Vec<SuppressionWindow>> {
        let mut qb = QueryBuilder::new(
            "SELECT s.* FROM suppression_windows s JOIN units u ON u.id = s.unit_id WHERE s.ends_at > ",
        );
        qb.push_bind(ms(ending_after));
        if let Some(u) = unit_id {
            qb.push(" AND s.unit_id = ").push_bind(u.to_string());
        }
        push_scope(&mut qb, scope);
        qb.push(" ORDER BY s.starts_at LIMIT 500");
        let rows = qb.build().fetch_all(&self.pool).await?;
        Ok(rows.iter().map(suppression_from_row).collect())
    }

    pub(crate) async fn end_suppression_impl(&self, scope: &Scope, id: &str, now: DateTime<Utc>) -> StoreResult<()> {
        let mut qb =
            QueryBuilder::new("SELECT s.id FROM suppression_windows s JOIN units u ON u.id = s.unit_id WHERE s.id = ");
        qb.push_bind(id.to_string());
        push_scope(&mut qb, scope);
        let found: Option<String> = qb.build_query_scalar().fetch_optional(&self.pool).await?;
        if found.is_none() {
            return Err(StoreError::NotFound);
        }
        sqlx::query(&sql(
            "UPDATE suppression_windows SET ends_at = ? WHERE id = ? AND ends_at > ?",
        ))
        .bind(ms(now))
        .bind(id)
        .bind(ms(now))
        .execute(self.writer())
        .await?;
        Ok(())
    }

    // ---- channels ----

    pub(crate) async fn create_channel_impl(
        &self,
        c: &NewChannel,
        now: DateTime<Utc>,
    ) -> StoreResult<NotificationChannel> {
        let id = new_id();
        sqlx::query(&sql(
            "INSERT INTO notification_channels (id, name, kind, config_enc, config_masked, division_prefix, min_severity, enabled, created_by, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(&id)
        .bind(&c.name)
        .bind(&c.kind)
        .bind(self.cipher.encrypt(AAD_CHANNEL, &c.config))
        .bind(c.config_masked.to_string())
        .bind(&c.division_prefix)
        .bind(&c.min_severity)
        .bind(true)
        .bind(&c.created_by)
        .bind(ms(now))
        .execute(self.writer())
        .await?;
        self.get_channel_impl(&id).await
    }

    fn channel_from_row(&self, r: &DbRow) -> NotificationChannel {
        NotificationChannel {
            id: r.get("id"),
            name: r.get("name"),
            kind: r.get("kind"),
            config: self
                .cipher
                .decrypt(AAD_CHANNEL, r.get::<&str, _>("config_enc"))
                .unwrap_or_default(),
            config_masked: serde_json::from_str(r.get::<&str, _>("config_masked")).unwrap_or_default(),
            division_prefix: r.get("division_prefix"),
            min_severity: r.get("min_severity"),
            enabled: r.get("enabled"),
            created_by: r.get("created_by"),
            created_at: from_ms(r.get("created_at")),
        }
    }

    pub(crate) async fn get_channel_impl(&self, id: &str) -> StoreResult<NotificationChannel> {
        let r = sqlx::query(&sql("SELECT * FROM notification_channels WHERE id = ?"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(self.channel_from_row(&r))
    }

    pub(crate) async fn list_channels_impl(&self) -> StoreResult<Vec<NotificationChannel>> {
        let rows = sqlx::query("SELECT * FROM notification_channels ORDER BY created_at")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(|r| self.channel_from_row(r)).collect())
    }

    pub(crate) async fn set_channel_enabled_impl(&self, id: &str, enabled: bool) -> StoreResult<()> {
        let done = sqlx::query(&sql("UPDATE notification_channels SET enabled = ? WHERE id = ?"))
            .bind(enabled)
            .bind(id)
            .execute(self.writer())
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    // ---- fan-out, outbox, inbox ----

    pub(crate) async fn fan_out_impl(&self, f: &Fanout, now: DateTime<Utc>) -> StoreResult<usize> {
        let mut tx = self.begin_write().await?;
        let mut qb = QueryBuilder::new("SELECT id FROM users WHERE disabled = ");
        qb.push_bind(false).push(" AND (1=0");
        if let Some(u) = &f.unit_id {
            qb.push(" OR unit_id = ").push_bind(u.clone());
        }
        for o in &f.org_ids {
            qb.push(" OR org_id = ").push_bind(o.clone());
        }
        qb.push(")");
        let users: Vec<String> = qb.build_query_scalar().fetch_all(&mut *tx).await?;
        for u in &users {
            sqlx::query(&sql(
                "INSERT INTO inbox_items (id, user_id, alert_id, level, title, severity, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                 ON CONFLICT (user_id, alert_id, level) DO NOTHING",
            ))
            .bind(new_id())
            .bind(u)
            .bind(&f.alert_id)
            .bind(f.level)
            .bind(&f.title)
            .bind(&f.severity)
            .bind(ms(now))
            .execute(&mut *tx)
            .await?;
        }
        let channels: Vec<(String, String, String)> = sqlx::query_as(&sql(
            "SELECT id, division_prefix, min_severity FROM notification_channels WHERE enabled = ?",
        ))
        .bind(true)
        .fetch_all(&mut *tx)
        .await?;
        let rank = |s: &str| {
            ["low", "medium", "high", "critical"]
                .iter()
                .position(|x| *x == s)
                .unwrap_or(0)
        };
        let mut queued = 0;
        for (id, prefix, min) in channels {
            if !f.division_code.starts_with(&prefix) || rank(&f.severity) < rank(&min) {
                continue;
            }
            let mut payload = f.payload.clone();
            let row_id = new_id();
            if let Some(o) = payload.as_object_mut() {
                o.insert("id".into(), serde_json::Value::String(row_id.clone()));
            }
            let done = sqlx::query(&sql(
                "INSERT INTO notification_outbox (id, alert_id, channel_id, level, payload, next_attempt_at, created_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (alert_id, channel_id, level) DO NOTHING",
            ))
            .bind(&row_id)
            .bind(&f.alert_id)
            .bind(&id)
            .bind(f.level)
            .bind(payload.to_string())
            .bind(ms(now))
            .bind(ms(now))
            .execute(&mut *tx)
            .await?;
            queued += done.rows_affected() as usize;
        }
        tx.commit().await?;
        Ok(queued)
    }

    fn outbox_from_row(r: &DbRow) -> OutboxItem {
        OutboxItem {
            id: r.get("id"),
            alert_id: r.get("alert_id"),
            channel_id: r.get("channel_id"),
            channel_name: r.get("channel_name"),
            level: r.get("level"),
            payload: serde_json::from_str(r.get::<&str, _>("payload")).unwrap_or_default(),
            status: r.get("status"),
            attempts: r.get("attempts"),
            next_attempt_at: from_ms(r.get("next_attempt_at")),
            delivered_at: r.get::<Option<i64>, _>("delivered_at").map(from_ms),
            last_error: r.get("last_error"),
        }
    }

    pub(crate) async fn claim_outbox_impl(
        &self,
        node: &str,
        now: DateTime<Utc>,
        lease: chrono::Duration,
        limit: i64,
    ) -> StoreResult<Vec<(OutboxItem, NotificationChannel)>> {
        let mut tx = self.begin_write().await?;
        let ids: Vec<String> = sqlx::query_scalar(&sql(&format!(
            "UPDATE notification_outbox SET claimed_by = ?, claimed_at = ?, attempts = attempts + 1
             WHERE id IN (SELECT id FROM notification_outbox
                          WHERE status = 'pending' AND next_attempt_at <= ? AND (claimed_at IS NULL OR claimed_at < ?)
                          ORDER BY next_attempt_at LIMIT ?{SKIP_LOCKED})
             RETURNING id"
        )))
        .bind(node)
        .bind(ms(now))
        .bind(ms(now))
        .bind(ms(now - lease))
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let mut out = Vec::new();
        for id in ids {
            let r = sqlx::query(&sql(
                "SELECT o.*, c.name AS channel_name FROM notification_outbox o JOIN notification_channels c ON c.id = o.channel_id WHERE o.id = ?",
            ))
            .bind(&id)
            .fetch_one(&self.pool)
            .await?;
            let item = Self::outbox_from_row(&r);
            let channel = self.get_channel_impl(&item.channel_id).await?;
            out.push((item, channel));
        }
        Ok(out)
    }

    pub(crate) async fn finish_outbox_impl(
        &self,
        id: &str,
        node: &str,
        outcome: &DeliveryOutcome,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        const WHERE: &str = "WHERE id = ? AND claimed_by = ? AND status = 'pending'";
        let (set, a, b): (&str, Option<i64>, Option<String>) = match outcome {
            DeliveryOutcome::Delivered => (
                "status = 'delivered', delivered_at = ?, last_error = NULL",
                Some(ms(now)),
                None,
            ),
            DeliveryOutcome::Retry { at, error } => (
                "next_attempt_at = ?, last_error = ?",
                Some(ms(*at)),
                Some(error.clone()),
            ),
            DeliveryOutcome::Failed { error } => ("status = 'failed', last_error = ?", None, Some(error.clone())),
        };
        let raw = format!("UPDATE notification_outbox SET {set}, claimed_by = NULL, claimed_at = NULL {WHERE}");
        let text = sql(&raw);
        let mut q = sqlx::query(&text);
        if let Some(a) = a {
            q = q.bind(a);
        }
        if let Some(b) = b {
            q = q.bind(b);
        }
        let done = q.bind(id).bind(node).execute(self.writer()).await?;
        Ok(done.rows_affected() == 1)
    }

    pub(crate) async fn alert_outbox_impl(&self, alert_id: &str) -> StoreResult<Vec<OutboxItem>> {
        let rows = sqlx::query(&sql(
            "SELECT o.*, c.name AS channel_name FROM notification_outbox o JOIN notification_channels c ON c.id = o.channel_id
             WHERE o.alert_id = ? ORDER BY o.level, o.created_at",
        ))
        .bind(alert_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(Self::outbox_from_row).collect())
    }

    pub(crate) async fn list_inbox_impl(
        &self,
        user_id: &str,
        unread_only: bool,
        limit: i64,
    ) -> StoreResult<Vec<InboxItem>> {
        let mut qb = QueryBuilder::new("SELECT * FROM inbox_items WHERE user_id = ");
        qb.push_bind(user_id.to_string());
        if unread_only {
            qb.push(" AND read_at IS NULL");
        }
        qb.push(" ORDER BY created_at DESC LIMIT ")
            .push_bind(limit.clamp(1, 500));
        let rows = qb.build().fetch_all(&self.pool).await?;
        Ok(rows
            .iter()
            .map(|r| InboxItem {
                id: r.get("id"),
                alert_id: r.get("alert_id"),
                level: r.get("level"),
                title: r.get("title"),
                severity: r.get("severity"),
                created_at: from_ms(r.get("created_at")),
                read_at: r.get::<Option<i64>, _>("read_at").map(from_ms),
            })
            .collect())
    }

    pub(crate) async fn count_unread_impl(&self, user_id: &str) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(&sql(
            "SELECT COUNT(*) FROM inbox_items WHERE user_id = ? AND read_at IS NULL",
        ))
        .bind(user_id)
        .fetch_one(&self.pool)
        .await?)
    }

    pub(crate) async fn mark_inbox_read_impl(
        &self,
        user_id: &str,
        id: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<u64> {
        let done = match id {
            Some(id) => {
                sqlx::query(&sql(
                    "UPDATE inbox_items SET read_at = ? WHERE user_id = ? AND id = ? AND read_at IS NULL",
                ))
                .bind(ms(now))
                .bind(user_id)
                .bind(id)
                .execute(self.writer())
                .await?
            }
            None => {
                sqlx::query(&sql(
                    "UPDATE inbox_items SET read_at = ? WHERE user_id = ? AND read_at IS NULL",
                ))
                .bind(ms(now))
                .bind(user_id)
                .execute(self.writer())
                .await?
            }
        };
        Ok(done.rows_affected())
    }

    // ---- device health and replay ----

    pub(crate) async fn device_health_impl(&self, scope: &Scope, now: DateTime<Utc>) -> StoreResult<Vec<UnitHealth>> {
        let mut qb = QueryBuilder::new(
            "SELECT u.id, u.name, u.division_code, COUNT(dv.id) AS devices,
                    SUM(CASE WHEN dv.last_seen_at >= ",
        );
        qb.push_bind(ms(now - self.offline_after));
        qb.push(
            " THEN 1 ELSE 0 END) AS online
             FROM units u JOIN devices dv ON dv.unit_id = u.id WHERE 1=1",
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

    pub(crate) async fn silent_devices_impl(
        &self,
        silent_since: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<SilentDevice>> {
        let rows = sqlx::query(&sql(&format!(
            "SELECT {PLACEMENT_COLUMNS}, dv.last_seen_at, dv.created_at AS device_created_at {PLACEMENT_FROM}
             WHERE dv.last_seen_at IS NOT NULL AND dv.last_seen_at < ? ORDER BY dv.last_seen_at LIMIT ?"
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

    pub(crate) async fn device_placement_impl(&self, device_id: &str) -> StoreResult<Option<DevicePlacement>> {
        let r = sqlx::query(&sql(&format!(
            "SELECT {PLACEMENT_COLUMNS} {PLACEMENT_FROM} WHERE dv.id = ?"
        )))
        .bind(device_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(r.as_ref().map(placement_from_row))
    }

    pub(crate) async fn replay_events_impl(
        &self,
        scope: &Scope,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        unit_id: Option<&str>,
        limit: i64,
    ) -> StoreResult<Vec<ReplayEvent>> {
        let mut qb = QueryBuilder::new(format!(
            "SELECT e.id AS event_id, e.received_at, e.kind, e.vendor_type, e.state, e.channel, e.region, e.target, e.person,
                    {PLACEMENT_COLUMNS}
             FROM events e JOIN devices dv ON dv.id = e.device_id JOIN units u ON u.id = e.unit_id
             LEFT JOIN key_areas ka ON ka.id = dv.key_area_id
             WHERE e.received_at >= "
        ));
        qb.push_bind(ms(from)).push(" AND e.received_at < ").push_bind(ms(to));
        if let Some(u) = unit_id {
            qb.push(" AND e.unit_id = ").push_bind(u.to_string());
        }
        push_scope(&mut qb, scope);
        qb.push(" ORDER BY e.received_at, e.id LIMIT ").push_bind(limit);
        let rows = qb.build().fetch_all(&self.pool).await?;
        Ok(rows
            .iter()
            .map(|r| {
                let mut ev = DecodedEvent::new(
                    EventKind::from_code(r.get::<&str, _>("kind")).unwrap_or(EventKind::Unknown),
                    r.get::<String, _>("vendor_type"),
                    EventState::from_code(r.get::<&str, _>("state")).unwrap_or(EventState::Active),
                );
                ev.channel = r.get::<Option<i64>, _>("channel").and_then(|c| u32::try_from(c).ok());
                ev.region = r.get("region");
                ev.target = r.get("target");
                ev.person = r
                    .get::<Option<String>, _>("person")
                    .and_then(|p| self.cipher.decrypt(AAD_PERSON, &p).ok())
                    .and_then(|p| serde_json::from_str::<PersonFields>(&p).ok())
                    .unwrap_or_default();
                ReplayEvent {
                    event_id: r.get("event_id"),
                    received_at: from_ms(r.get("received_at")),
                    placement: placement_from_row(r),
                    event: ev,
                }
            })
            .collect())
    }
}
