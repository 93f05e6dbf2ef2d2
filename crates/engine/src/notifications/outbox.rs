//! Alert notifications through an outbox: nothing lost, retried with backoff, delivered once.
//!
//! 1. A new alert is written with an `alert.notify` job (level 0) in the same transaction; each
//!    escalation writes one for its level. The job handler ([`on_notify`]) fans out in one
//!    transaction: an in-app inbox item for each recipient (level 0: the unit's users and its
//!    police station; level n: the organisation the alert escalated to) and one outbox row per
//!    enabled channel whose division prefix and minimum severity match. Each (alert, channel,
//!    level) is unique, so running the job twice adds nothing.
//! 2. The worker ([`Outbox`]) claims due outbox rows with a lease, delivers each through
//!    [`neibao_notify::deliver`] (signed webhook, DingTalk / WeCom robot, SMTP) and records the
//!    outcome: delivered (never sent again), retry at `now + backoff(attempt)` (30 s doubling to
//!    1 h, ±20 %), or failed after [`neibao_notify::MAX_ATTEMPTS`] attempts or a permanent error.
//!    The delivery id (`X-Neibao-Delivery`, the outbox row id) lets a receiver drop a duplicate
//!    if a node dies between a successful send and recording it.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use neibao_domain::access::Scope;
use neibao_domain::jobs::Job;
use neibao_domain::notifications::{DeliveryOutcome, Fanout, FanoutSubject};
use neibao_store::{Store, StoreError, StoreResult};

use crate::jobs::scheduler::Handler;

/// Runs one fan-out job (see the module docs). `base_url` (e.g. `https://neibao.example`) makes
/// the alert link absolute in notifications.
pub async fn on_notify(store: &dyn Store, job: &Job, base_url: Option<&str>) -> anyhow::Result<()> {
    let alert = match store.get_alert(&Scope::All, &job.subject_id).await {
        Ok(a) => a,
        Err(StoreError::NotFound) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    let level = job.payload.get("level").and_then(|v| v.as_i64()).unwrap_or(0).max(0);
    let unit = store.get_unit(&Scope::All, &alert.unit_id).await?;
    let org_ids = if level == 0 {
        unit.police_station_id.clone().into_iter().collect()
    } else {
        crate::alerts::escalation::target(store, &alert.unit_id, level)
            .await?
            .map(|(id, _)| id)
            .into_iter()
            .collect()
    };
    let title = if level == 0 {
        alert.title.clone()
    } else {
        format!(
            "【未确认升级{}】{}",
            alert
                .escalated_to
                .as_deref()
                .map(|o| format!("至{o}"))
                .unwrap_or_default(),
            alert.title
        )
    };
    let notification = neibao_notify::Notification {
        id: String::new(), // set per outbox row
        alert_id: alert.id.clone(),
        title: title.clone(),
        severity: alert.severity.code().to_string(),
        severity_label: alert.severity.label_zh().to_string(),
        unit_name: alert.unit_name.clone(),
        device_name: alert.device_name.clone(),
        rule: alert.rule.clone(),
        happened_at: alert.first_seen,
        link: base_url.map(|b| format!("{}/alerts/{}", b.trim_end_matches('/'), alert.id)),
        summary: format!(
            "{}，{}。{}",
            alert.unit_name,
            alert.title,
            if level == 0 {
                "请及时确认处置。".to_string()
            } else {
                format!("告警超时未确认，已第 {level} 级升级。")
            }
        ),
        escalation_level: level,
        category: Default::default(),
    };
    let queued = store
        .fan_out(
            &Fanout {
                subject: FanoutSubject::Alert {
                    alert_id: alert.id.clone(),
                    level,
                },
                unit_id: (level == 0).then(|| alert.unit_id.clone()),
                org_ids,
                title,
                severity: alert.severity.code().to_string(),
                link: format!("/alerts/{}", alert.id),
                division_code: Some(unit.division_code.clone()),
                payload: serde_json::to_value(&notification)?,
            },
            job.due_at,
        )
        .await?;
    tracing::debug!(alert = %alert.id, level, queued, "alert notifications fanned out");
    Ok(())
}

/// The scheduler handler of `JobKind::AlertNotify`.
pub fn handler(store: Arc<dyn Store>, base_url: Option<String>) -> Handler {
    Arc::new(move |job| {
        let store = store.clone();
        let base_url = base_url.clone();
        Box::pin(async move { on_notify(store.as_ref(), &job, base_url.as_deref()).await })
    })
}

/// The outbox delivery worker. Cheap to clone.
#[derive(Clone)]
pub struct Outbox {
    store: Arc<dyn Store>,
    client: reqwest::Client,
    node: String,
    /// How long a claim holds before another node may take the row.
    pub lease: Duration,
}

/// What one [`Outbox::tick`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TickReport {
    pub delivered: usize,
    pub retried: usize,
    pub failed: usize,
}

impl Outbox {
    pub fn new(store: Arc<dyn Store>, node: impl Into<String>) -> Outbox {
        Outbox {
            store,
            client: neibao_notify::http_client().unwrap_or_default(),
            node: node.into(),
            lease: Duration::seconds(120),
        }
    }

    /// Delivers the outbox rows due at `now` (at most 50).
    pub async fn tick(&self, now: DateTime<Utc>) -> StoreResult<TickReport> {
        let mut report = TickReport::default();
        for (item, channel) in self.store.claim_outbox(&self.node, now, self.lease, 50).await? {
            let config: Result<neibao_notify::ChannelConfig, _> = serde_json::from_str(&channel.config);
            let notification: Result<neibao_notify::Notification, _> = serde_json::from_value(item.payload.clone());
            let result = match (config, notification) {
                (Ok(c), Ok(n)) if channel.enabled => neibao_notify::deliver(&self.client, &c, &n).await,
                (Ok(_), Ok(_)) => Err(neibao_notify::DeliveryError::permanent("渠道已停用")),
                _ => Err(neibao_notify::DeliveryError::permanent("渠道配置或通知内容无法读取")),
            };
            let outcome = match result {
                Ok(()) => {
                    report.delivered += 1;
                    DeliveryOutcome::Delivered
                }
                Err(e) if e.retryable && (item.attempts as u32) < neibao_notify::MAX_ATTEMPTS => {
                    report.retried += 1;
                    let wait = neibao_notify::backoff(item.attempts.max(1) as u32);
                    DeliveryOutcome::Retry {
                        at: now + Duration::from_std(wait).unwrap_or(Duration::seconds(30)),
                        error: e.message,
                    }
                }
                Err(e) => {
                    report.failed += 1;
                    tracing::warn!(outbox = %item.id, channel = %channel.name, error = %e.message, "notification failed for good");
                    DeliveryOutcome::Failed { error: e.message }
                }
            };
            self.store.finish_outbox(&item.id, &self.node, &outcome, now).await?;
        }
        Ok(report)
    }

    /// Runs [`Outbox::tick`] every `every`.
    pub fn spawn(self, every: std::time::Duration) {
        crate::jobs::scheduler::spawn_periodic(every, "notification outbox tick", move || {
            let outbox = self.clone();
            async move { outbox.tick(Utc::now()).await }
        });
    }
}
