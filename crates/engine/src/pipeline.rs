//! The ingest pipeline: one decoded payload from one device → liveness, persisted events,
//! rule evaluation, deduplicated alerts.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use neibao_domain::event::DecodedPayload;
use neibao_store::model::{AlertDraft, IngestDevice, Raised, RuleSetting};
use neibao_store::{Store, StoreResult};

use crate::metrics::{RuleLabel, METRICS};
use crate::rules::{effective_rules, evaluate, needs_failure_count, RuleContext, FAILED_VERIFICATION};

/// What one payload produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestOutcome {
    /// Ids of the event occurrences created or updated, in payload order.
    pub event_ids: Vec<String>,
    /// How many of those were new occurrences.
    pub new_occurrences: usize,
    pub heartbeats: u32,
    pub alerts: Vec<Raised>,
}

/// How long a unit's rule settings are reused before they are read again. A change made through
/// this node's API applies at once ([`Pipeline::forget_rules`]); other nodes see it within this.
pub const RULE_CACHE_SECONDS: i64 = 5;
/// A device's liveness is written at most this often (heartbeats arrive every few seconds).
pub const TOUCH_EVERY_SECONDS: i64 = 5;

#[derive(Default)]
struct Caches {
    /// unit id → (read at, settings)
    rules: HashMap<String, (DateTime<Utc>, Vec<RuleSetting>)>,
    /// device id → last liveness write
    touched: HashMap<String, DateTime<Utc>>,
}

/// Persists payloads and runs the built-in rules on them. Clones share their caches.
#[derive(Clone)]
pub struct Pipeline {
    store: Arc<dyn Store>,
    caches: Arc<Mutex<Caches>>,
}

impl Pipeline {
    pub fn new(store: Arc<dyn Store>) -> Pipeline {
        Pipeline {
            store,
            caches: Arc::default(),
        }
    }

    /// Drops the cached rule settings of a unit (call after changing them).
    pub fn forget_rules(&self, unit_id: &str) {
        self.caches
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .rules
            .remove(unit_id);
    }

    async fn rule_settings(&self, unit_id: &str, now: DateTime<Utc>) -> StoreResult<Vec<RuleSetting>> {
        if let Some((at, s)) = self.caches.lock().unwrap_or_else(|e| e.into_inner()).rules.get(unit_id) {
            if (now - *at).num_seconds().abs() < RULE_CACHE_SECONDS {
                return Ok(s.clone());
            }
        }
        let s = self.store.rule_settings(unit_id).await?;
        let mut c = self.caches.lock().unwrap_or_else(|e| e.into_inner());
        if c.rules.len() > 100_000 {
            c.rules.clear();
        }
        c.rules.insert(unit_id.to_string(), (now, s.clone()));
        Ok(s)
    }

    /// Records liveness, at most every [`TOUCH_EVERY_SECONDS`] per device.
    pub async fn touch(&self, device_id: &str, now: DateTime<Utc>) -> StoreResult<()> {
        {
            let mut c = self.caches.lock().unwrap_or_else(|e| e.into_inner());
            if c.touched
                .get(device_id)
                .is_some_and(|t| (now - *t).num_seconds().abs() < TOUCH_EVERY_SECONDS)
            {
                return Ok(());
            }
            if c.touched.len() > 1_000_000 {
                c.touched.clear();
            }
            c.touched.insert(device_id.to_string(), now);
        }
        self.store.touch_device(device_id, now).await
    }

    /// Processes one payload received at `now`. The raw bytes are stored with every event.
    ///
    /// Rules run only on new `active` occurrences: a condition repeated every second raises (or
    /// folds into) one alert, not one per post.
    ///
    /// `message_id` is set when the payload came through the event bus: processing the same
    /// message again (a re-delivery after a crash) stores nothing twice and raises no alert
    /// twice, and finishes rule evaluation that a crash interrupted.
    pub async fn process(
        &self,
        device: &IngestDevice,
        payload: &DecodedPayload,
        raw: &[u8],
        content_type: Option<&str>,
        message_id: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<IngestOutcome> {
        self.touch(&device.id, now).await?;
        let mut out = IngestOutcome {
            heartbeats: payload.heartbeats,
            ..Default::default()
        };
        if payload.events.is_empty() {
            return Ok(out);
        }
        let rules = effective_rules(&self.rule_settings(&device.unit_id, now).await?);
        for (i, ev) in payload.events.iter().enumerate() {
            let source_key = message_id.map(|m| format!("{m}:{i}"));
            let rec = self
                .store
                .record_event(device, ev, raw, content_type, source_key.as_deref(), now)
                .await?;
            out.event_ids.push(rec.event_id.clone());
            if !rec.new_occurrence || rec.evaluated {
                continue;
            }
            out.new_occurrences += 1;
            let started = std::time::Instant::now();
            let failures = if needs_failure_count(ev) {
                let window = rules
                    .iter()
                    .find(|r| r.def.code == FAILED_VERIFICATION)
                    .map(|r| r.param_i64("window_seconds"))
                    .unwrap_or(120);
                self.store
                    .count_recent_events(
                        &device.id,
                        ev.kind.code(),
                        ev.region.as_deref(),
                        now - Duration::seconds(window.max(1)),
                    )
                    .await?
            } else {
                0
            };
            let ctx = RuleContext {
                unit_id: &device.unit_id,
                device_id: &device.id,
                in_key_area: device.key_area_id.is_some(),
                armed_schedule: device.armed_schedule.as_ref(),
                at: now,
            };
            let hits = evaluate(&rules, &ctx, ev, failures);
            METRICS.rule_evaluation.observe(started.elapsed().as_secs_f64());
            // The escalation policy is read only when a rule fires (new alerts schedule their
            // first escalation in the same transaction).
            let escalation = if hits.is_empty() {
                neibao_domain::alert::EscalationPolicy {
                    delays_minutes: Vec::new(),
                }
            } else {
                crate::escalation::policy(self.store.as_ref()).await?
            };
            for hit in hits {
                let rule = RuleLabel {
                    rule: hit.rule.to_string(),
                };
                let raised = self
                    .store
                    .raise_alert(&AlertDraft {
                        unit_id: device.unit_id.clone(),
                        device_id: Some(device.id.clone()),
                        rule: hit.rule.to_string(),
                        alert_type: ev.kind.code().to_string(),
                        title: hit.title,
                        severity: hit.severity,
                        fingerprint: hit.fingerprint,
                        event_id: rec.event_id.clone(),
                        at: now,
                        escalate_at: crate::escalation::first_escalation(&escalation, now),
                    })
                    .await?;
                METRICS.alerts_raised.get_or_create(&rule).inc();
                if raised.created {
                    METRICS.alerts_created.get_or_create(&rule).inc();
                }
                out.alerts.push(raised);
            }
            if let Some(key) = &source_key {
                self.store.mark_evaluated(key).await?;
            }
        }
        METRICS.events.inc_by(out.event_ids.len() as u64);
        let elapsed = (Utc::now() - now).num_microseconds().unwrap_or(0).max(0) as f64 / 1e6;
        METRICS.ingest_to_alert.observe(elapsed);
        Ok(out)
    }
}
