//! The ingest pipeline: one decoded payload from one device → liveness, persisted events,
//! rule evaluation, deduplicated alerts.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use neibao_domain::event::DecodedPayload;
use neibao_store::model::{AlertDraft, IngestDevice, Raised};
use neibao_store::{Store, StoreResult};

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

/// Persists payloads and runs the built-in rules on them.
#[derive(Clone)]
pub struct Pipeline {
    store: Arc<dyn Store>,
}

impl Pipeline {
    pub fn new(store: Arc<dyn Store>) -> Pipeline {
        Pipeline { store }
    }

    /// Processes one payload received at `now`. The raw bytes are stored with every event.
    ///
    /// Rules run only on new `active` occurrences: a condition repeated every second raises (or
    /// folds into) one alert, not one per post.
    pub async fn process(
        &self,
        device: &IngestDevice,
        payload: &DecodedPayload,
        raw: &[u8],
        content_type: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<IngestOutcome> {
        self.store.touch_device(&device.id, now).await?;
        let mut out = IngestOutcome {
            heartbeats: payload.heartbeats,
            ..Default::default()
        };
        if payload.events.is_empty() {
            return Ok(out);
        }
        let rules = effective_rules(&self.store.rule_settings(&device.unit_id).await?);
        for ev in &payload.events {
            let rec = self.store.record_event(device, ev, raw, content_type, now).await?;
            out.event_ids.push(rec.event_id.clone());
            if !rec.new_occurrence {
                continue;
            }
            out.new_occurrences += 1;
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
            for hit in evaluate(&rules, &ctx, ev, failures) {
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
                    })
                    .await?;
                out.alerts.push(raised);
            }
        }
        Ok(out)
    }
}
