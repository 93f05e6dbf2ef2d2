//! Alerts: raise with fingerprint dedup, lifecycle transitions, per-unit rule settings.

use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::alerts::{Alert, AlertAction, AlertStatus, Severity};
use neibao_domain::ids::new_id;
use sqlx::{QueryBuilder, Row};

use super::events::{event_from_row, EVENT_COLUMNS};
use super::{from_ms, ms, push_scope, sql, Backend, Db, DbRow};
use crate::repo::{StoreError, StoreResult};
use neibao_domain::alerts::{AlertDraft, AlertFilter, Raised, RuleSetting};
use neibao_domain::paging::{Listing, Page};

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

impl Backend {
    /// Raises or folds an alert. On SQLite written through the group-commit writer, in the same
    /// queue as the events (see `events::EventWriter`); on PostgreSQL in its own transaction.
    pub(crate) async fn raise_alert_impl(&self, d: &AlertDraft) -> StoreResult<Raised> {
        let Some(writer) = &self.event_writer else {
            let mut tx = self.begin_write().await?;
            let raised = raise_in(&mut tx, d).await?;
            tx.commit().await?;
            return Ok(raised);
        };
        match writer.write(super::events::WriteJob::Alert(d.clone())).await? {
            super::events::Written::Alert(r) => Ok(r),
            super::events::Written::Event(..) => Err(StoreError::Other(anyhow::anyhow!("writer answered an event"))),
        }
    }

    pub(crate) async fn get_alert_impl(&self, scope: &Scope, id: &str) -> StoreResult<Alert> {
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

    pub(crate) async fn list_alerts_impl(
        &self,
        scope: &Scope,
        f: &AlertFilter,
        page: Page,
    ) -> StoreResult<Listing<Alert>> {
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

    pub(crate) async fn alert_events_impl(
        &self,
        scope: &Scope,
        alert_id: &str,
    ) -> StoreResult<Vec<neibao_domain::events::SecurityEvent>> {
        self.get_alert_impl(scope, alert_id).await?;
        let rows = sqlx::query(&sql(&format!(
            "SELECT {EVENT_COLUMNS} FROM alert_events ae JOIN events e ON e.id = ae.event_id JOIN units u ON u.id = e.unit_id LEFT JOIN devices dv ON dv.id = e.device_id WHERE ae.alert_id = ? ORDER BY e.received_at DESC LIMIT 200"
        )))
        .bind(alert_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(|r| event_from_row(r, &self.cipher)).collect())
    }

    pub(crate) async fn transition_alert_impl(
        &self,
        scope: &Scope,
        id: &str,
        action: AlertAction,
        user: &str,
        comment: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Alert> {
        let current = self.get_alert_impl(scope, id).await?;
        let next = current.status.apply(action)?;
        let stmt = match action {
            AlertAction::Acknowledge => {
                "UPDATE alerts SET status = ?, acknowledged_by = ?, acknowledged_at = ?, acknowledge_comment = ? WHERE id = ? AND status = ?"
            }
            AlertAction::Resolve => "UPDATE alerts SET status = ?, resolved_by = ?, resolved_at = ?, resolve_comment = ? WHERE id = ? AND status = ?",
            AlertAction::FalsePositive(_) => {
                "UPDATE alerts SET status = ?, resolved_by = ?, resolved_at = ?, resolve_comment = ?, false_positive_reason = ? WHERE id = ? AND status = ?"
            }
        };
        let stmt = sql(stmt);
        let mut q = sqlx::query(&stmt)
            .bind(next.code())
            .bind(user)
            .bind(ms(now))
            .bind(comment);
        if let AlertAction::FalsePositive(reason) = action {
            q = q.bind(reason.code());
        }
        let done = q.bind(id).bind(current.status.code()).execute(self.writer()).await?;
        if done.rows_affected() == 0 {
            // Somebody else moved it in between: report against the fresh state.
            let fresh = self.get_alert_impl(scope, id).await?;
            fresh.status.apply(action)?;
        }
        self.get_alert_impl(scope, id).await
    }

    /// Marks an open alert as escalated to `level` (only upwards); false when it is no longer
    /// open or already at that level.
    pub(crate) async fn escalate_alert_impl(
        &self,
        id: &str,
        level: i64,
        org_name: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
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
    pub(crate) async fn alert_rule_stats_impl(
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

    pub(crate) async fn rule_settings_impl(&self, unit_id: &str) -> StoreResult<Vec<RuleSetting>> {
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

    pub(crate) async fn set_rule_setting_impl(&self, scope: &Scope, unit_id: &str, s: &RuleSetting) -> StoreResult<()> {
        self.get_unit_impl(scope, unit_id).await?;
        sqlx::query(&sql(
            "INSERT INTO rule_settings (unit_id, rule, enabled, params) VALUES (?, ?, ?, ?)
             ON CONFLICT(unit_id, rule) DO UPDATE SET enabled = excluded.enabled, params = excluded.params",
        ))
        .bind(unit_id)
        .bind(&s.rule)
        .bind(s.enabled)
        .bind(s.params.to_string())
        .execute(self.writer())
        .await?;
        Ok(())
    }
}

/// Raises `d` inside `tx`: folds it into the unresolved alert with the same fingerprint, or opens
/// a new one with its escalation and notification jobs.
pub(crate) async fn raise_in(tx: &mut sqlx::Transaction<'_, Db>, d: &AlertDraft) -> StoreResult<Raised> {
    // The same event raising the same alert again (a re-delivered bus message) changes nothing.
    let already: Option<String> = sqlx::query_scalar(&sql(
        "SELECT a.id FROM alert_events ae JOIN alerts a ON a.id = ae.alert_id WHERE ae.event_id = ? AND a.fingerprint = ?",
    ))
    .bind(&d.event_id)
    .bind(&d.fingerprint)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(alert_id) = already {
        return Ok(Raised {
            alert_id,
            created: false,
        });
    }
    let existing: Option<String> = sqlx::query_scalar(&sql(
        "SELECT id FROM alerts WHERE fingerprint = ? AND status <> 'resolved'",
    ))
    .bind(&d.fingerprint)
    .fetch_optional(&mut **tx)
    .await?;
    let raised = match existing {
        Some(id) => {
            sqlx::query(
                &sql("UPDATE alerts SET event_count = event_count + 1, last_seen = CASE WHEN last_seen > ? THEN last_seen ELSE ? END WHERE id = ?"),
            )
            .bind(ms(d.at))
            .bind(ms(d.at))
            .bind(&id)
            .execute(&mut **tx)
            .await?;
            Raised {
                alert_id: id,
                created: false,
            }
        }
        None => {
            let id = new_id();
            sqlx::query(
                &sql("INSERT INTO alerts (id, unit_id, device_id, rule, alert_type, title, severity, status, fingerprint, first_seen, last_seen, event_count)
                 VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, 1)"),
            )
            .bind(&id)
            .bind(&d.unit_id)
            .bind(&d.device_id)
            .bind(&d.rule)
            .bind(&d.alert_type)
            .bind(&d.title)
            .bind(d.severity.code())
            .bind(&d.fingerprint)
            .bind(ms(d.at))
            .bind(ms(d.at))
            .execute(&mut **tx)
            .await?;
            if let Some(at) = d.escalate_at {
                sqlx::query(&sql(
                    "INSERT INTO scheduled_jobs (id, kind, subject_id, due_at, payload, created_at) VALUES (?, 'alert.escalate', ?, ?, ?, ?)
                     ON CONFLICT (kind, subject_id, due_at) DO NOTHING",
                ))
                .bind(new_id())
                .bind(&id)
                .bind(ms(at))
                .bind(r#"{"level":1}"#)
                .bind(ms(d.at))
                .execute(&mut **tx)
                .await?;
            }
            // Notifications (inbox, channels) are fanned out by a job written with the alert,
            // so a crash right after the commit cannot lose them.
            sqlx::query(&sql(
                "INSERT INTO scheduled_jobs (id, kind, subject_id, due_at, payload, created_at) VALUES (?, 'alert.notify', ?, ?, ?, ?)
                 ON CONFLICT (kind, subject_id, due_at) DO NOTHING",
            ))
            .bind(new_id())
            .bind(&id)
            .bind(ms(d.at))
            .bind(r#"{"level":0}"#)
            .bind(ms(d.at))
            .execute(&mut **tx)
            .await?;
            Raised {
                alert_id: id,
                created: true,
            }
        }
    };
    sqlx::query(&sql(
        "INSERT INTO alert_events (alert_id, event_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
    ))
    .bind(&raised.alert_id)
    .bind(&d.event_id)
    .execute(&mut **tx)
    .await?;
    Ok(raised)
}
