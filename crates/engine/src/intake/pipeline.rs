//! The ingest pipeline: one decoded payload from one device → liveness, persisted events,
//! rule evaluation, deduplicated alerts.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use neibao_domain::access::Scope;
use neibao_domain::alerts::{AlertDraft, EscalationPolicy, Raised, RuleSetting};
use neibao_domain::devices::{DevicePlacement, IngestDevice};
use neibao_domain::events::DecodedPayload;
use neibao_domain::warning::SuppressionWindow;
use neibao_store::{Store, StoreResult};

use crate::alerts::builtin::effective_rules;
use crate::intake::stage::{Finding, Stage, StageInput};
use crate::intake::stages::{failure_window, BuiltinRules, DataRules};
use crate::intake::tokens::{IngestTokens, TokenLookup};
use crate::metrics::{RuleLabel, METRICS};
use crate::warning::ruleset::{suppressed, RuleEngine};

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

/// How long a unit's rule settings are reused before they are read again (a device as its ingest
/// token resolves: [`crate::intake::tokens::TokenLimits::known_ttl`], also 5 s). A change made
/// through this node's API applies at once ([`Pipeline::forget_rules`],
/// [`Pipeline::forget_devices`]); other nodes see it within this.
pub const RULE_CACHE_SECONDS: i64 = 5;
/// A device's liveness is written at most this often (heartbeats arrive every few seconds).
pub const TOUCH_EVERY_SECONDS: i64 = 5;

/// Values read from the store, reused for [`RULE_CACHE_SECONDS`] (keyed by unit or device id).
struct Ttl<V> {
    map: HashMap<String, (DateTime<Utc>, V)>,
}

impl<V> Default for Ttl<V> {
    fn default() -> Self {
        Ttl { map: HashMap::new() }
    }
}

impl<V: Clone> Ttl<V> {
    /// The value read less than [`RULE_CACHE_SECONDS`] before `now`, if any.
    fn fresh(&self, key: &str, now: DateTime<Utc>) -> Option<V> {
        self.map
            .get(key)
            .filter(|(at, _)| (now - *at).num_seconds().abs() < RULE_CACHE_SECONDS)
            .map(|(_, v)| v.clone())
    }

    /// Remembers a value read at `now` (the map is emptied past 100 000 keys).
    fn put(&mut self, key: &str, now: DateTime<Utc>, v: V) {
        if self.map.len() > 100_000 {
            self.map.clear();
        }
        self.map.insert(key.to_string(), (now, v));
    }
}

#[derive(Default)]
struct Caches {
    /// unit id → built-in rule settings
    rules: Ttl<Vec<RuleSetting>>,
    /// device id → last liveness write
    touched: HashMap<String, DateTime<Utc>>,
    /// device id → placement, for the data rules
    placements: Ttl<DevicePlacement>,
    /// unit id → suppression windows not yet ended
    suppressions: Ttl<Vec<SuppressionWindow>>,
    /// the escalation policy (one key: the installation has one)
    escalation: Ttl<EscalationPolicy>,
}

/// Persists payloads and runs the rule stages on them: by default the built-in rules, then the
/// data rules ([`RuleEngine`]). Clones share their caches, stages and rule engine.
#[derive(Clone)]
pub struct Pipeline {
    store: Arc<dyn Store>,
    caches: Arc<Mutex<Caches>>,
    /// ingest token → device, and the per-address budgets for unknown tokens
    tokens: Arc<IngestTokens>,
    engine: RuleEngine,
    stages: Arc<[Arc<dyn Stage>]>,
    /// The watchlist index (docs/WATCHLISTS.md) and the recognition service, if configured.
    watch: crate::watchlists::WatchIndexHolder,
    recognizer: Option<Arc<dyn crate::watchlists::Recognizer>>,
}

impl Pipeline {
    pub fn new(store: Arc<dyn Store>) -> Pipeline {
        let engine = RuleEngine::default();
        let stages: Vec<Arc<dyn Stage>> = vec![Arc::new(BuiltinRules), Arc::new(DataRules::new(engine.clone()))];
        Pipeline {
            store,
            caches: Arc::default(),
            tokens: Arc::default(),
            engine,
            stages: stages.into(),
            watch: Default::default(),
            recognizer: None,
        }
    }

    /// This pipeline asking `recognizer` about faces no device compared (build it before cloning).
    pub fn with_recognizer(mut self, recognizer: Arc<dyn crate::watchlists::Recognizer>) -> Pipeline {
        self.recognizer = Some(recognizer);
        self
    }

    /// The watchlist index this pipeline matches against (load it with
    /// [`crate::watchlists::reload`]).
    pub fn watch_index(&self) -> &crate::watchlists::WatchIndexHolder {
        &self.watch
    }

    /// This pipeline with `stage` run after the others (build the pipeline with its stages before
    /// cloning it: clones made earlier keep the stages they had).
    pub fn with_stage(mut self, stage: Arc<dyn Stage>) -> Pipeline {
        let mut stages = self.stages.to_vec();
        stages.push(stage);
        self.stages = stages.into();
        self
    }

    /// The names of the stages, in the order they run.
    pub fn stage_names(&self) -> Vec<&'static str> {
        self.stages.iter().map(|s| s.name()).collect()
    }

    /// The data-rule engine this pipeline evaluates (load it with
    /// [`crate::warning::engine::reload`]).
    pub fn rule_engine(&self) -> &RuleEngine {
        &self.engine
    }

    fn caches(&self) -> std::sync::MutexGuard<'_, Caches> {
        self.caches.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Drops the cached suppression windows of a unit (call after changing them).
    pub fn forget_suppressions(&self, unit_id: &str) {
        self.caches().suppressions.map.remove(unit_id);
    }

    /// Drops every cached device placement (call after changing what the data rules see of a
    /// unit: its protection level).
    pub fn forget_placements(&self) {
        self.caches().placements.map.clear();
    }

    /// Drops the cached escalation policy (call after changing it).
    pub fn forget_escalation(&self) {
        self.caches().escalation.map.clear();
    }

    /// The escalation policy new alerts schedule their first escalation by, read at most every
    /// [`RULE_CACHE_SECONDS`] (it was read for every event that fired a rule).
    async fn escalation(&self, now: DateTime<Utc>) -> StoreResult<EscalationPolicy> {
        if let Some(p) = self.caches().escalation.fresh("", now) {
            return Ok(p);
        }
        let p = crate::alerts::escalation::policy(self.store.as_ref()).await?;
        self.caches().escalation.put("", now, p.clone());
        Ok(p)
    }

    /// Drops every cached suppression window.
    pub fn forget_all_suppressions(&self) {
        self.caches().suppressions.map.clear();
    }

    async fn placement(&self, device_id: &str, now: DateTime<Utc>) -> StoreResult<Option<DevicePlacement>> {
        if let Some(p) = self.caches().placements.fresh(device_id, now) {
            return Ok(Some(p));
        }
        let p = self.store.device_placement(device_id).await?;
        if let Some(p) = &p {
            self.caches().placements.put(device_id, now, p.clone());
        }
        Ok(p)
    }

    async fn suppressions(&self, unit_id: &str, now: DateTime<Utc>) -> StoreResult<Vec<SuppressionWindow>> {
        if let Some(s) = self.caches().suppressions.fresh(unit_id, now) {
            return Ok(s);
        }
        let s = self.store.list_suppressions(&Scope::All, Some(unit_id), now).await?;
        self.caches().suppressions.put(unit_id, now, s.clone());
        Ok(s)
    }

    /// Drops the cached rule settings of a unit (call after changing them).
    pub fn forget_rules(&self, unit_id: &str) {
        self.caches().rules.map.remove(unit_id);
    }

    /// Drops every cached token → device resolution (call after changing what a device carries
    /// from its unit: the armed schedule, the division).
    pub fn forget_devices(&self) {
        self.tokens.forget_all();
    }

    /// The device whose ingest token has this hash, through the token cache
    /// ([`crate::intake::tokens`]): known tokens reused for 5 s; an uncached token read only
    /// within the budget of `client`'s address (`Limited` beyond it, without a read); `client` is
    /// `None` for sources without one (MQTT, pull streams), which are never limited.
    pub async fn device_for_token(&self, token_hash: &str, client: Option<IpAddr>) -> StoreResult<TokenLookup> {
        self.tokens
            .resolve(token_hash, client, || self.store.device_for_ingest(token_hash))
            .await
    }

    async fn rule_settings(&self, unit_id: &str, now: DateTime<Utc>) -> StoreResult<Vec<RuleSetting>> {
        if let Some(s) = self.caches().rules.fresh(unit_id, now) {
            return Ok(s);
        }
        let s = self.store.rule_settings(unit_id).await?;
        self.caches().rules.put(unit_id, now, s.clone());
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
        self.run(device, payload, raw, content_type, message_id, now).await
    }

    /// Processes events the platform itself produced for `device` (a patrol miss, docs/PATROL.md)
    /// like [`Pipeline::process`], without recording liveness (the source does not report on its
    /// own). `source_key` names the occurrence: processing it again stores nothing twice and
    /// raises no alert twice.
    pub async fn process_generated(
        &self,
        device: &IngestDevice,
        payload: &DecodedPayload,
        source_key: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<IngestOutcome> {
        self.run(device, payload, b"", None, Some(source_key), now).await
    }

    async fn run(
        &self,
        device: &IngestDevice,
        payload: &DecodedPayload,
        raw: &[u8],
        content_type: Option<&str>,
        message_id: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<IngestOutcome> {
        let mut out = IngestOutcome {
            heartbeats: payload.heartbeats,
            ..Default::default()
        };
        if payload.events.is_empty() {
            return Ok(out);
        }
        let rules = effective_rules(&self.rule_settings(&device.unit_id, now).await?);
        // Without a bus message id the events of one payload are written together (the store's
        // group commit on SQLite, one transaction elsewhere); with one, each event is checked
        // against its bus receipt in its own transaction.
        let mut early: Vec<Option<_>> = if message_id.is_none() {
            self.store
                .record_events(device, &payload.events, raw, content_type, now)
                .await?
                .into_iter()
                .map(Some)
                .collect()
        } else {
            Vec::new()
        };
        let wants_placement = self.stages.iter().any(|s| s.needs_placement());
        for (i, ev) in payload.events.iter().enumerate() {
            let source_key = message_id.map(|m| format!("{m}:{i}"));
            let rec = match early.get_mut(i).and_then(Option::take) {
                Some(rec) => rec,
                None => {
                    self.store
                        .record_event(device, ev, raw, content_type, source_key.as_deref(), now)
                        .await?
                }
            };
            out.event_ids.push(rec.event_id.clone());
            if !rec.new_occurrence || rec.evaluated {
                continue;
            }
            out.new_occurrences += 1;
            let started = std::time::Instant::now();
            let recent_failures = match failure_window(&rules, ev) {
                Some(window) => {
                    self.store
                        .count_recent_events(
                            &device.id,
                            ev.kind.code(),
                            ev.region.as_deref(),
                            now - Duration::seconds(window.max(1)),
                        )
                        .await?
                }
                None => 0,
            };
            let placement = if wants_placement {
                self.placement(&device.id, now).await?
            } else {
                None
            };
            let input = StageInput {
                device,
                event: ev,
                at: now,
                rules: &rules,
                recent_failures,
                placement: placement.as_ref(),
            };
            let mut hits: Vec<Finding> = Vec::new();
            for stage in self.stages.iter() {
                stage.evaluate(&input, &mut hits);
            }
            let watched =
                crate::watchlists::intake::find(&self.watch, self.recognizer.as_deref(), device, ev, now).await;
            hits.extend(watched.iter().filter_map(crate::watchlists::intake::finding));
            if !hits.is_empty() {
                let windows = self.suppressions(&device.unit_id, now).await?;
                if !windows.is_empty() {
                    hits.retain(|h| {
                        let off = suppressed(&windows, Some(&device.id), &h.rule, now);
                        if off {
                            METRICS
                                .alerts_suppressed
                                .get_or_create(&RuleLabel { rule: h.rule.clone() })
                                .inc();
                        }
                        !off
                    });
                }
            }
            METRICS.rule_evaluation.observe(started.elapsed().as_secs_f64());
            // The escalation policy is read only when a rule fires (new alerts schedule their
            // first escalation in the same transaction).
            let escalation = if hits.is_empty() {
                EscalationPolicy {
                    delays_minutes: Vec::new(),
                }
            } else {
                self.escalation(now).await?
            };
            // Every hit's alert is queued at once (on SQLite they land in the same group commit)
            // and answered in order.
            let mut drafts = Vec::with_capacity(hits.len());
            for hit in hits {
                // A one-press alarm climbs on its own, shorter step (docs/ALARMS.md).
                let alarm = hit.rule == crate::alerts::builtin::EMERGENCY_ALARM;
                let escalation = if alarm {
                    crate::alerts::escalation::policy_for_rule(self.store.as_ref(), &hit.rule).await?
                } else {
                    escalation.clone()
                };
                drafts.push((
                    alarm,
                    AlertDraft {
                        unit_id: device.unit_id.clone(),
                        device_id: Some(device.id.clone()),
                        rule: hit.rule,
                        alert_type: ev.kind.code().to_string(),
                        title: hit.title,
                        severity: hit.severity,
                        fingerprint: hit.fingerprint,
                        event_id: rec.event_id.clone(),
                        at: now,
                        escalate_at: crate::alerts::escalation::first_escalation(&escalation, now),
                    },
                ));
            }
            let raised_all =
                futures_util::future::try_join_all(drafts.iter().map(|(_, d)| self.store.raise_alert(d))).await?;
            let mut raised_fp: Vec<(String, String)> = Vec::new();
            for ((alarm, draft), raised) in drafts.into_iter().zip(raised_all) {
                if !watched.is_empty() {
                    raised_fp.push((draft.fingerprint.clone(), raised.alert_id.clone()));
                }
                let rule = RuleLabel { rule: draft.rule };
                METRICS.alerts_raised.get_or_create(&rule).inc();
                if raised.created {
                    METRICS.alerts_created.get_or_create(&rule).inc();
                    if alarm {
                        // A device's emergency button: the alarm record (docs/ALARMS.md).
                        crate::alarms::device::record(self.store.as_ref(), device, ev, &raised, now).await?;
                    }
                }
                out.alerts.push(raised);
            }
            if !watched.is_empty() {
                crate::watchlists::intake::record(
                    self.store.as_ref(),
                    device,
                    &rec.event_id,
                    &watched,
                    &raised_fp,
                    now,
                )
                .await?;
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
