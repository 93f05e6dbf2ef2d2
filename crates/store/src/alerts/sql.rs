//! SQL of alerts (compiled once per backend: see `crate::sqlite` and `crate::postgres`).

use super::audit::append_in;
use super::common::{from_ms, ms, push_scope};
use super::db::{sql, Db, DbRow};
use super::events::{event_from_row, EVENT_COLUMNS};
use super::store::Backend;
use crate::alerts::ESCALATION_POLICY_KEY;
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::alerts::{
    Alert, AlertAction, AlertDraft, AlertFilter, AlertStatus, EscalationPolicy, Raised, RuleSetting, Severity,
};
use neibao_domain::audit::AuditEntry;
use neibao_domain::paging::{Listing, Page};
use sqlx::{QueryBuilder, Row};

const ALERT_SELECT: &str = "SELECT a.*, u.name AS unit_name, dv.name AS device_name
     FROM alerts a JOIN units u ON u.id = a.unit_id LEFT JOIN devices dv ON dv.id = a.device_id WHERE 1=1";

fn alert_from_row(r: &DbRow) -> Alert {
    Alert {
        id: r.get("id"),
        unit_id: r.get("unit_id"),
        unit_name: r.get("unit_name"),
        device_id: r.get("device_id"),
        device_name: r.get("device_name"),
        rule: r.get("rule"),
        alert_type: r.get("alert_type"),
        title: r.get("title"),
        severity: Severity::from_code(r.get::<&str, _>("severity")).unwrap_or(Severity::Medium),
        status: AlertStatus::from_code(r.get::<&str, _>("status")).unwrap_or(AlertStatus::Open),
        fingerprint: r.get("fingerprint"),
        first_seen: from_ms(r.get("first_seen")),
        last_seen: from_ms(r.get("last_seen")),
        event_count: r.get("event_count"),
        acknowledged_by: r.get("acknowledged_by"),
        acknowledged_at: r.get::<Option<i64>, _>("acknowledged_at").map(from_ms),
        acknowledge_comment: r.get("acknowledge_comment"),
        resolved_by: r.get("resolved_by"),
        resolved_at: r.get::<Option<i64>, _>("resolved_at").map(from_ms),
        resolve_comment: r.get("resolve_comment"),
        false_positive_reason: r
            .get::<Option<String>, _>("false_positive_reason")
            .and_then(|c| neibao_domain::alerts::FalsePositiveReason::from_code(&c)),
        escalation_level: r.get("escalation_level"),
        escalated_to: r.get("escalated_to"),
        escalated_at: r.get::<Option<i64>, _>("escalated_at").map(from_ms),
    }
}

#[async_trait]
impl AlertRepo for Backend {
    /// Raises or folds an alert. On SQLite written through the group-commit writer, in the same
    /// queue as the events (see the SQLite `writer`); on PostgreSQL in its own transaction.
    async fn raise_alert(&self, d: &AlertDraft) -> StoreResult<Raised> {
        self.raise_grouped(d).await
    }

    async fn get_alert(&self, scope: &Scope, id: &str) -> StoreResult<Alert> {
        let mut qb = QueryBuilder::new(ALERT_SELECT);
        qb.push(" AND a.id = ").push_bind(id.to_string());
        push_scope(&mut qb, scope);
        let row = qb
            .build()
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(alert_from_row(&row))
    }

    async fn list_alerts(&self, scope: &Scope, f: &AlertFilter, page: Page) -> StoreResult<Listing<Alert>> {
        let filters = |qb: &mut QueryBuilder<'_, Db>| {
            push_scope(qb, scope);
            if let Some(u) = &f.unit_id {
                qb.push(" AND a.unit_id = ").push_bind(u.clone());
            }
            if let Some(d) = &f.device_id {
                qb.push(" AND a.device_id = ").push_bind(d.clone());
            }
            if let Some(s) = f.status {
                qb.push(" AND a.status = ").push_bind(s.code());
            }
            if let Some(s) = f.severity {
                qb.push(" AND a.severity = ").push_bind(s.code());
            }
        };
        // A wide scope (a province, a city) is listed by walking the alerts in time order and
        // keeping those in scope; a narrow one (a county, a station, a unit) by its units' alerts.
        // `CROSS JOIN … WHERE` fixes that join order on SQLite and is an ordinary join elsewhere.
        let wide = self.scope_is_wide(scope).await? && f.unit_id.is_none() && f.device_id.is_none();
        let from = if wide {
            "FROM alerts a CROSS JOIN units u LEFT JOIN devices dv ON dv.id = a.device_id WHERE u.id = a.unit_id"
        } else {
            "FROM alerts a JOIN units u ON u.id = a.unit_id LEFT JOIN devices dv ON dv.id = a.device_id WHERE 1=1"
        };
        super::common::paged(
            &self.pool,
            from,
            &format!("SELECT a.*, u.name AS unit_name, dv.name AS device_name {from}"),
            filters,
            "a.last_seen DESC, a.id DESC",
            page,
            alert_from_row,
        )
        .await
    }

    async fn alert_events(
        &self,
        scope: &Scope,
        alert_id: &str,
    ) -> StoreResult<Vec<neibao_domain::events::SecurityEvent>> {
        self.get_alert(scope, alert_id).await?;
        let rows = sqlx::query(&sql(&format!(
            "SELECT {EVENT_COLUMNS} FROM alert_events ae JOIN events e ON e.id = ae.event_id JOIN units u ON u.id = e.unit_id LEFT JOIN devices dv ON dv.id = e.device_id WHERE ae.alert_id = ? ORDER BY e.received_at DESC LIMIT 200"
        )))
        .bind(alert_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(|r| event_from_row(r, &self.cipher)).collect())
    }

    async fn transition_alert(
        &self,
        scope: &Scope,
        id: &str,
        action: AlertAction,
        user: &str,
        comment: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Alert> {
        let mut tx = self.begin_write().await?;
        let current = alert_in(&mut tx, scope, id).await?;
        let next = current.status.apply(action)?;
        let stmt = match action {
            AlertAction::Acknowledge => {
                "UPDATE alerts SET status = ?, acknowledged_by = ?, acknowledged_at = ?, acknowledge_comment = ?, acknowledge_comment_sealed = ? WHERE id = ? AND status = ?"
            }
            AlertAction::Resolve => "UPDATE alerts SET status = ?, resolved_by = ?, resolved_at = ?, resolve_comment = ?, resolve_comment_sealed = ? WHERE id = ? AND status = ?",
            AlertAction::FalsePositive(_) => {
                "UPDATE alerts SET status = ?, resolved_by = ?, resolved_at = ?, resolve_comment = ?, resolve_comment_sealed = ?, false_positive_reason = ? WHERE id = ? AND status = ?"
            }
        };
        let stmt = sql(stmt);
        let column = match action {
            AlertAction::Acknowledge => "acknowledge_comment",
            _ => "resolve_comment",
        };
        let (comment, comment_sealed) = self.cipher.seal_free_text("alerts", column, comment);
        let mut q = sqlx::query(&stmt)
            .bind(next.code())
            .bind(user)
            .bind(ms(now))
            .bind(comment)
            .bind(comment_sealed);
        if let AlertAction::FalsePositive(reason) = action {
            q = q.bind(reason.code());
        }
        let done = q.bind(id).bind(current.status.code()).execute(&mut *tx).await?;
        if done.rows_affected() == 0 {
            // Somebody else moved it in between (PostgreSQL): report against the fresh state.
            let fresh = alert_in(&mut tx, scope, id).await?;
            fresh.status.apply(action)?;
            return Err(StoreError::Conflict("alert changed concurrently".into()));
        }
        let mut audit = audit.clone();
        if audit.unit_id.is_none() {
            audit.unit_id = Some(current.unit_id.clone());
        }
        append_in(&mut tx, &audit, now).await?;
        tx.commit().await?;
        self.get_alert(scope, id).await
    }

    /// Marks an open alert as escalated to `level` (only upwards); false when it is no longer
    /// open or already at that level.
    async fn escalate_alert(&self, id: &str, level: i64, org_name: &str, at: DateTime<Utc>) -> StoreResult<bool> {
        let done = sqlx::query(&sql(
            "UPDATE alerts SET escalation_level = ?, escalated_to = ?, escalated_at = ?
             WHERE id = ? AND status = 'open' AND escalation_level < ?",
        ))
        .bind(level)
        .bind(org_name)
        .bind(ms(at))
        .bind(id)
        .bind(level)
        .execute(self.writer())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Per-rule statistics of the alerts in scope first seen since `since`; `flood_threshold`
    /// flags rules with more alerts than that in the 24 hours before `now`.
    async fn alert_rule_stats(
        &self,
        scope: &Scope,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
        flood_threshold: i64,
    ) -> StoreResult<Vec<neibao_domain::alerts::RuleAlertStats>> {
        let day_ago = ms(now - chrono::Duration::hours(24));
        let mut qb: QueryBuilder<'_, Db> = QueryBuilder::new(
            "SELECT a.rule, COUNT(*) AS raised,
                    CAST(COALESCE(SUM(CASE WHEN a.status = 'open' THEN 1 ELSE 0 END), 0) AS BIGINT) AS open_n,
                    CAST(COALESCE(SUM(CASE WHEN a.status = 'acknowledged' THEN 1 ELSE 0 END), 0) AS BIGINT) AS ack_n,
                    CAST(COALESCE(SUM(CASE WHEN a.status = 'resolved' AND a.false_positive_reason IS NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS resolved_n,
                    CAST(COALESCE(SUM(CASE WHEN a.false_positive_reason IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS fp_n,
                    CAST(AVG(CASE WHEN a.acknowledged_at IS NOT NULL THEN (a.acknowledged_at - a.first_seen) / 1000.0 END) AS DOUBLE PRECISION) AS mean_ack,
                    CAST(COALESCE(SUM(CASE WHEN a.first_seen >= ",
        );
        qb.push_bind(day_ago)
            .push(" THEN 1 ELSE 0 END), 0) AS BIGINT) AS day_n FROM alerts a JOIN units u ON u.id = a.unit_id WHERE a.first_seen >= ")
            .push_bind(ms(since));
        push_scope(&mut qb, scope);
        qb.push(" GROUP BY a.rule ORDER BY raised DESC, a.rule");
        let rows = qb.build().fetch_all(&self.pool).await?;
        Ok(rows
            .iter()
            .map(|r| {
                let resolved: i64 = r.get("resolved_n");
                let fp: i64 = r.get("fp_n");
                let day: i64 = r.get("day_n");
                neibao_domain::alerts::RuleAlertStats {
                    rule: r.get("rule"),
                    raised: r.get("raised"),
                    open: r.get("open_n"),
                    acknowledged: r.get("ack_n"),
                    resolved,
                    false_positives: fp,
                    false_positive_rate: (resolved + fp > 0).then(|| fp as f64 / (resolved + fp) as f64),
                    mean_seconds_to_acknowledge: r.get::<Option<f64>, _>("mean_ack"),
                    raised_last_24h: day,
                    flooding: day > flood_threshold,
                }
            })
            .collect())
    }
}

/// One alert in `scope`, read inside `tx`.
async fn alert_in(tx: &mut sqlx::Transaction<'_, Db>, scope: &Scope, id: &str) -> StoreResult<Alert> {
    let mut qb = QueryBuilder::new(ALERT_SELECT);
    qb.push(" AND a.id = ").push_bind(id.to_string());
    push_scope(&mut qb, scope);
    let row = qb
        .build()
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(alert_from_row(&row))
}

#[async_trait]
impl EscalationPolicyRepo for Backend {
    async fn escalation_policy(&self) -> StoreResult<Option<EscalationPolicy>> {
        let raw: Option<String> = sqlx::query_scalar(&sql("SELECT value FROM meta WHERE key = ?"))
            .bind(ESCALATION_POLICY_KEY)
            .fetch_optional(&self.pool)
            .await?;
        Ok(raw.and_then(|s| serde_json::from_str(&s).ok()))
    }

    async fn set_escalation_policy(
        &self,
        policy: &EscalationPolicy,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let value = serde_json::to_string(policy).map_err(|e| StoreError::Other(e.into()))?;
        let mut tx = self.begin_write().await?;
        sqlx::query(&sql(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        ))
        .bind(ESCALATION_POLICY_KEY)
        .bind(value)
        .execute(&mut *tx)
        .await?;
        append_in(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(())
    }
}

#[async_trait]
impl RuleSettingRepo for Backend {
    async fn rule_settings(&self, unit_id: &str) -> StoreResult<Vec<RuleSetting>> {
        let rows = sqlx::query(&sql(
            "SELECT rule, enabled, params FROM rule_settings WHERE unit_id = ? ORDER BY rule",
        ))
        .bind(unit_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| RuleSetting {
                rule: r.get("rule"),
                enabled: r.get("enabled"),
                params: serde_json::from_str(r.get::<&str, _>("params")).unwrap_or(serde_json::Value::Null),
            })
            .collect())
    }

    async fn set_rule_setting(
        &self,
        scope: &Scope,
        unit_id: &str,
        s: &RuleSetting,
        audit: &neibao_domain::audit::AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.get_unit(scope, unit_id).await?;
        let mut tx = self.begin_write().await?;
        sqlx::query(&sql(
            "INSERT INTO rule_settings (unit_id, rule, enabled, params) VALUES (?, ?, ?, ?)
             ON CONFLICT(unit_id, rule) DO UPDATE SET enabled = excluded.enabled, params = excluded.params",
        ))
        .bind(unit_id)
        .bind(&s.rule)
        .bind(s.enabled)
        .bind(s.params.to_string())
        .execute(&mut *tx)
        .await?;
        super::audit::append_in(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(())
    }
}
