//! The escalation chain of unacknowledged alerts (issue 4): unit → police station → county
//! bureau → …, after the delays of the [`EscalationPolicy`] (meta key `alerts.escalation`).
//!
//! A new alert is opened with its first `alert.escalate` job in the same transaction; each job
//! checks that the alert is still open (an acknowledgement or resolution stops the chain for good),
//! walks the police tree from the unit's station, marks the alert and schedules the next level.
//! Jobs are rows of the durable scheduler, so each level fires once across nodes and restarts.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use neibao_domain::access::Scope;
use neibao_domain::alerts::{AlertStatus, EscalationPolicy};
use neibao_domain::jobs::{Job, JobKind, NewJob};
use neibao_store::{Store, StoreError, StoreResult};

use crate::jobs::scheduler::Handler;

/// Meta key of the policy.
pub const POLICY_KEY: &str = neibao_store::alerts::ESCALATION_POLICY_KEY;

/// The stored policy, or the default (15 then 30 minutes).
pub async fn policy(store: &dyn Store) -> StoreResult<EscalationPolicy> {
    Ok(store.escalation_policy().await?.unwrap_or_default())
}

/// The policy of alerts raised by `rule`: a one-press alarm (`emergency_alarm`) climbs on its
/// own, shorter step (meta key `alarms.escalation_minutes`, default 2 minutes per level, three
/// levels; docs/ALARMS.md); every other rule follows [`policy`].
pub async fn policy_for_rule(store: &dyn Store, rule: &str) -> StoreResult<EscalationPolicy> {
    if rule == crate::alerts::builtin::EMERGENCY_ALARM {
        let step = store
            .get_meta(neibao_domain::alarms::ESCALATION_STEP_KEY)
            .await?
            .and_then(|v| v.trim().parse::<i64>().ok());
        return Ok(EscalationPolicy {
            delays_minutes: neibao_domain::alarms::escalation_delays(step),
        });
    }
    policy(store).await
}

/// When a new alert opened at `at` is first escalated under `p` (none when escalation is off).
pub fn first_escalation(p: &EscalationPolicy, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
    p.delays_minutes.first().map(|m| at + Duration::minutes(*m))
}

/// The organisation at `level` above the alert's unit: 1 is its police station, 2 the
/// station's parent (the county bureau), and so on. None when the tree ends.
pub(crate) async fn target(store: &dyn Store, unit_id: &str, level: i64) -> StoreResult<Option<(String, String)>> {
    let unit = store.get_unit(&Scope::All, unit_id).await?;
    let Some(mut org_id) = unit.police_station_id else {
        return Ok(None);
    };
    let mut org = store.get_organisation(&org_id).await?;
    for _ in 1..level {
        match org.parent_id.clone() {
            Some(parent) => {
                org_id = parent;
                org = store.get_organisation(&org_id).await?;
            }
            None => return Ok(None),
        }
    }
    Ok(Some((org.id, org.name)))
}

/// Runs one escalation job (see the module docs). Running it twice changes nothing.
pub async fn on_escalate(store: &dyn Store, job: &Job) -> anyhow::Result<()> {
    let alert = match store.get_alert(&Scope::All, &job.subject_id).await {
        Ok(a) => a,
        Err(StoreError::NotFound) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    if alert.status != AlertStatus::Open {
        return Ok(());
    }
    let level = job.payload.get("level").and_then(|v| v.as_i64()).unwrap_or(1).max(1);
    let p = policy_for_rule(store, &alert.rule).await?;
    if level as usize > p.delays_minutes.len() || alert.escalation_level >= level {
        return Ok(());
    }
    let Some((_, name)) = target(store, &alert.unit_id, level).await? else {
        return Ok(());
    };
    // The next level first: a crash between the two leaves a job that finds the level done.
    if let Some(next) = p.delays_minutes.get(level as usize) {
        store
            .schedule_job(
                &NewJob {
                    kind: JobKind::AlertEscalate,
                    subject_id: alert.id.clone(),
                    due_at: job.due_at + Duration::minutes(*next),
                    payload: serde_json::json!({ "level": level + 1 }),
                },
                job.due_at,
            )
            .await?;
    }
    if store.escalate_alert(&alert.id, level, &name, job.due_at).await? {
        tracing::info!(alert = %alert.id, level, to = %name, "unacknowledged alert escalated");
        // The new level is notified (inbox of the organisation, channels) by its own job.
        store
            .schedule_job(
                &NewJob {
                    kind: JobKind::AlertNotify,
                    subject_id: alert.id.clone(),
                    due_at: job.due_at,
                    payload: serde_json::json!({ "level": level }),
                },
                job.due_at,
            )
            .await?;
    }
    Ok(())
}

/// The scheduler handler of `JobKind::AlertEscalate`.
pub fn handler(store: Arc<dyn Store>) -> Handler {
    Arc::new(move |job| {
        let store = store.clone();
        Box::pin(async move { on_escalate(store.as_ref(), &job).await })
    })
}
