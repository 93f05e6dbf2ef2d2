//! SQL of notifications (compiled once per backend: see `crate::sqlite` and `crate::postgres`).

use super::audit::append_in;
use super::common::{from_ms, ms};
use super::db::{sql, DbRow, SKIP_LOCKED};
use super::store::Backend;
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::audit::AuditEntry;
use neibao_domain::ids::new_id;
use neibao_domain::notifications::{
    DeliveryOutcome, Fanout, FanoutSubject, InboxItem, NewChannel, NotificationChannel, OutboxItem,
};
use sqlx::{QueryBuilder, Row};

const AAD_CHANNEL: &str = "notification_channels.config";

impl Backend {
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
            unit_id: r.get("unit_id"),
            org_id: r.get("org_id"),
            enabled: r.get("enabled"),
            created_by: r.get("created_by"),
            created_at: from_ms(r.get("created_at")),
        }
    }

    fn outbox_from_row(r: &DbRow) -> OutboxItem {
        OutboxItem {
            id: r.get("id"),
            alert_id: r.get::<Option<String>, _>("alert_id").unwrap_or_default(),
            subject_key: r.get("subject_key"),
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
}

#[async_trait]
impl ChannelRepo for Backend {
    async fn create_channel(
        &self,
        c: &NewChannel,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<NotificationChannel> {
        let id = new_id();
        let mut tx = self.begin_write().await?;
        sqlx::query(&sql(
            "INSERT INTO notification_channels (id, name, kind, config_enc, config_masked, division_prefix, min_severity, unit_id, org_id, enabled, created_by, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(&id)
        .bind(&c.name)
        .bind(&c.kind)
        .bind(self.cipher.encrypt(AAD_CHANNEL, &c.config))
        .bind(c.config_masked.to_string())
        .bind(&c.division_prefix)
        .bind(&c.min_severity)
        .bind(&c.unit_id)
        .bind(&c.org_id)
        .bind(true)
        .bind(&c.created_by)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
        let mut audit = audit.clone();
        if audit.object_id.is_empty() {
            audit.object_id = id.clone();
        }
        append_in(&mut tx, &audit, now).await?;
        tx.commit().await?;
        self.get_channel(&id).await
    }

    async fn get_channel(&self, id: &str) -> StoreResult<NotificationChannel> {
        let r = sqlx::query(&sql("SELECT * FROM notification_channels WHERE id = ?"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(self.channel_from_row(&r))
    }

    async fn list_channels(&self) -> StoreResult<Vec<NotificationChannel>> {
        let rows = sqlx::query("SELECT * FROM notification_channels ORDER BY created_at")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(|r| self.channel_from_row(r)).collect())
    }

    async fn set_channel_enabled(
        &self,
        id: &str,
        enabled: bool,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(&sql("UPDATE notification_channels SET enabled = ? WHERE id = ?"))
            .bind(enabled)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        append_in(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(())
    }
}

#[async_trait]
impl OutboxRepo for Backend {
    async fn fan_out(&self, f: &Fanout, now: DateTime<Utc>) -> StoreResult<usize> {
        let (alert_id, level, key) = match &f.subject {
            FanoutSubject::Alert { alert_id, level } => (Some(alert_id.clone()), *level, None),
            FanoutSubject::Message { key } => (None, 0, Some(key.clone())),
        };
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
                "INSERT INTO inbox_items (id, user_id, alert_id, subject_key, link, level, title, severity, created_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            ))
            .bind(new_id())
            .bind(u)
            .bind(&alert_id)
            .bind(&key)
            .bind(&f.link)
            .bind(level)
            .bind(&f.title)
            .bind(&f.severity)
            .bind(ms(now))
            .execute(&mut *tx)
            .await?;
        }
        let mut qb = QueryBuilder::new(
            "SELECT id, division_prefix, min_severity, unit_id, org_id FROM notification_channels WHERE enabled = ",
        );
        qb.push_bind(true).push(" AND (1=0");
        if f.division_code.is_some() {
            qb.push(" OR (unit_id IS NULL AND org_id IS NULL)");
        }
        if let Some(u) = &f.unit_id {
            qb.push(" OR unit_id = ").push_bind(u.clone());
        }
        for o in &f.org_ids {
            qb.push(" OR org_id = ").push_bind(o.clone());
        }
        qb.push(")");
        let channels: Vec<(String, String, String, Option<String>, Option<String>)> =
            qb.build_query_as().fetch_all(&mut *tx).await?;
        let rank = |s: &str| {
            ["low", "medium", "high", "critical"]
                .iter()
                .position(|x| *x == s)
                .unwrap_or(0)
        };
        let mut queued = 0;
        for (id, prefix, min, unit_id, org_id) in channels {
            let installation = unit_id.is_none() && org_id.is_none();
            if installation && !f.division_code.as_deref().unwrap_or_default().starts_with(&prefix) {
                continue;
            }
            if rank(&f.severity) < rank(&min) {
                continue;
            }
            let mut payload = f.payload.clone();
            let row_id = new_id();
            if let Some(o) = payload.as_object_mut() {
                o.insert("id".into(), serde_json::Value::String(row_id.clone()));
            }
            let done = sqlx::query(&sql(
                "INSERT INTO notification_outbox (id, alert_id, subject_key, channel_id, level, payload, next_attempt_at, created_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            ))
            .bind(&row_id)
            .bind(&alert_id)
            .bind(&key)
            .bind(&id)
            .bind(level)
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

    async fn claim_outbox(
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
            let channel = self.get_channel(&item.channel_id).await?;
            out.push((item, channel));
        }
        Ok(out)
    }

    async fn finish_outbox(
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

    async fn alert_outbox(&self, alert_id: &str) -> StoreResult<Vec<OutboxItem>> {
        let rows = sqlx::query(&sql(
            "SELECT o.*, c.name AS channel_name FROM notification_outbox o JOIN notification_channels c ON c.id = o.channel_id
             WHERE o.alert_id = ? ORDER BY o.level, o.created_at",
        ))
        .bind(alert_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(Self::outbox_from_row).collect())
    }
}

#[async_trait]
impl InboxRepo for Backend {
    async fn list_inbox(&self, user_id: &str, unread_only: bool, limit: i64) -> StoreResult<Vec<InboxItem>> {
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
                alert_id: r.get::<Option<String>, _>("alert_id").unwrap_or_default(),
                link: r.get("link"),
                level: r.get("level"),
                title: r.get("title"),
                severity: r.get("severity"),
                created_at: from_ms(r.get("created_at")),
                read_at: r.get::<Option<i64>, _>("read_at").map(from_ms),
            })
            .collect())
    }

    async fn count_unread(&self, user_id: &str) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(&sql(
            "SELECT COUNT(*) FROM inbox_items WHERE user_id = ? AND read_at IS NULL",
        ))
        .bind(user_id)
        .fetch_one(&self.pool)
        .await?)
    }

    async fn mark_inbox_read(
        &self,
        user_id: &str,
        id: Option<&str>,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let done = match id {
            Some(id) => {
                sqlx::query(&sql(
                    "UPDATE inbox_items SET read_at = ? WHERE user_id = ? AND id = ? AND read_at IS NULL",
                ))
                .bind(ms(now))
                .bind(user_id)
                .bind(id)
                .execute(&mut *tx)
                .await?
            }
            None => {
                sqlx::query(&sql(
                    "UPDATE inbox_items SET read_at = ? WHERE user_id = ? AND read_at IS NULL",
                ))
                .bind(ms(now))
                .bind(user_id)
                .execute(&mut *tx)
                .await?
            }
        };
        if done.rows_affected() > 0 {
            append_in(&mut tx, audit, now).await?;
        }
        tx.commit().await?;
        Ok(done.rows_affected())
    }
}
