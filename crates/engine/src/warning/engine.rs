//! IO around the data rules of [`crate::warning::ruleset`]: loading them from the store, the backtest over
//! stored events, and the periodic device-silence sweep (absence rules, device offline).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use neibao_domain::access::{Principal, Scope};
use neibao_domain::alerts::AlertDraft;
use neibao_domain::events::{DecodedEvent, EventKind, EventState};
use neibao_store::{Store, StoreResult};
use serde::Serialize;

use crate::warning::ruleset::{compile, suppressed, CompiledRule, Facts, RuleEngine, RuleKind, RuleSpec};

/// Reads the current version of every stored rule, compiles it and loads the engine. A stored
/// rule that no longer compiles (e.g. written by a newer version) is skipped with a log line.
/// Returns how many rules were loaded.
pub async fn reload(store: &dyn Store, engine: &RuleEngine) -> StoreResult<usize> {
    let stored = store.list_rules(None).await?;
    let mut rules = Vec::with_capacity(stored.len());
    for s in stored {
        let spec: RuleSpec = match serde_json::from_value(s.spec.clone()) {
            Ok(spec) => spec,
            Err(e) => {
                tracing::warn!(code = %s.code, version = s.version, error = %e, "stored rule unreadable; skipped");
                continue;
            }
        };
        match compile(&spec) {
            Ok(mut c) => {
                c.version = s.version;
                rules.push(c);
            }
            Err(e) => tracing::warn!(code = %s.code, version = s.version, error = %e, "stored rule invalid; skipped"),
        }
    }
    let n = rules.len();
    engine.load(rules);
    Ok(n)
}

/// What an import did (rule codes).
#[derive(Debug, Default, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub created: Vec<String>,
    pub updated: Vec<String>,
    pub unchanged: Vec<String>,
}

/// Stores checked specs: a rule equal to its current version is left alone, others become a new
/// version (version 1 for a new code). The caller validates and authorises first. For work no
/// signed-in person does (the rule file given at start, the demo, the command line): each
/// version stored is audited as `alert_rule.import` by `by`.
pub async fn import_specs(
    store: &dyn Store,
    specs: &[RuleSpec],
    by: &str,
    now: DateTime<Utc>,
) -> StoreResult<ImportReport> {
    import_specs_by(store, specs, &Principal::system(by), now).await
}

/// [`import_specs`] on behalf of `who`: each version stored is audited as `alert_rule.import`
/// in its transaction.
pub(crate) async fn import_specs_by(
    store: &dyn Store,
    specs: &[RuleSpec],
    who: &Principal,
    now: DateTime<Utc>,
) -> StoreResult<ImportReport> {
    let mut report = ImportReport::default();
    for spec in specs {
        let value = serde_json::to_value(spec).map_err(|e| neibao_store::StoreError::Other(e.into()))?;
        let current = store.list_rules(Some(&spec.code)).await?.into_iter().next();
        let expected = match &current {
            Some(c) if c.spec == value => {
                report.unchanged.push(spec.code.clone());
                continue;
            }
            Some(c) => c.version,
            None => 0,
        };
        let mut audit = who.audit("alert_rule.import", "alert_rule", &spec.code, None);
        audit.detail = serde_json::json!({ "based_on_version": expected, "enabled": spec.enabled }).to_string();
        store
            .put_rule(
                &spec.code,
                &value,
                spec.enabled,
                Some(expected),
                &who.username,
                &audit,
                now,
            )
            .await?;
        if expected == 0 {
            report.created.push(spec.code.clone());
        } else {
            report.updated.push(spec.code.clone());
        }
    }
    Ok(report)
}

/// The rule file shipped with neibao (`data/rules/default.json`): examples of every rule kind.
pub const DEFAULT_RULES: &[u8] = include_bytes!("../../../../data/rules/default.json");

/// Reloads the rules every `every` (other nodes' edits arrive within it).
pub fn spawn_reloader(store: Arc<dyn Store>, engine: RuleEngine, every: std::time::Duration) {
    crate::jobs::scheduler::spawn_periodic(every, "rule reload", move || {
        let (store, engine) = (store.clone(), engine.clone());
        async move { reload(store.as_ref(), &engine).await }
    });
}

/// What a rule would have raised on one stored event.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BacktestHit {
    pub at: DateTime<Utc>,
    pub event_id: String,
    pub unit_id: String,
    pub unit_name: String,
    pub device_id: String,
    pub device_name: String,
    pub event_kind: String,
    pub fingerprint: String,
    pub detail: String,
    /// False when an earlier hit with the same fingerprint would already have opened the alert
    /// (this one would have folded into it).
    pub new_alert: bool,
}

/// The result of a backtest.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BacktestReport {
    pub code: String,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub events_scanned: usize,
    /// True when the period held more than [`BACKTEST_MAX_EVENTS`] events (only the first were
    /// replayed).
    pub truncated: bool,
    /// Distinct alerts (fingerprints) it would have opened.
    pub alerts: usize,
    /// Hits, at most [`BACKTEST_MAX_HITS`] listed.
    pub hits: Vec<BacktestHit>,
    pub hit_count: usize,
}

/// Most stored events one backtest replays.
pub const BACKTEST_MAX_EVENTS: i64 = 200_000;
/// Most hits listed in a report.
pub const BACKTEST_MAX_HITS: usize = 1_000;

/// Runs one rule (stored or a draft) over the stored events of `[from, to)` that the caller may
/// see, in receive order, with a fresh engine (the rule's windows start empty at `from`).
/// Absence rules cannot be backtested (stored events do not record silence): a zh-CN error.
pub async fn backtest(
    store: &dyn Store,
    scope: &Scope,
    rule: CompiledRule,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    unit_id: Option<&str>,
) -> anyhow::Result<Result<BacktestReport, String>> {
    if matches!(rule.spec.kind, RuleKind::Absence { .. }) {
        return Ok(Err("离线（静默）规则依据设备心跳，无法用历史事件回测".into()));
    }
    if to <= from || to - from > Duration::days(93) {
        return Ok(Err("回测时段应为 1 秒至 93 天，且结束晚于开始".into()));
    }
    let code = rule.spec.code.clone();
    let mut rule = rule;
    rule.spec.enabled = true;
    let engine = RuleEngine::with_rules(vec![rule]);
    let events = store
        .replay_events(scope, from, to, unit_id, BACKTEST_MAX_EVENTS + 1)
        .await?;
    let truncated = events.len() as i64 > BACKTEST_MAX_EVENTS;
    let mut seen = HashSet::new();
    let mut hits = Vec::new();
    let mut hit_count = 0;
    for e in events.iter().take(BACKTEST_MAX_EVENTS as usize) {
        let facts = Facts::event(&e.placement, &e.event, e.received_at);
        for h in engine.evaluate(&facts) {
            hit_count += 1;
            let new_alert = seen.insert(h.fingerprint.clone());
            if hits.len() < BACKTEST_MAX_HITS {
                hits.push(BacktestHit {
                    at: e.received_at,
                    event_id: e.event_id.clone(),
                    unit_id: e.placement.unit_id.clone(),
                    unit_name: e.placement.unit_name.clone(),
                    device_id: e.placement.device_id.clone(),
                    device_name: e.placement.device_name.clone(),
                    event_kind: e.event.kind.label_zh().to_string(),
                    fingerprint: h.fingerprint,
                    detail: h.detail,
                    new_alert,
                });
            }
        }
    }
    Ok(Ok(BacktestReport {
        code,
        from,
        to,
        events_scanned: events.len().min(BACKTEST_MAX_EVENTS as usize),
        truncated,
        alerts: seen.len(),
        hits,
        hit_count,
    }))
}

/// The device-silence sweep: raises the alerts of absence rules (设备离线) once per silence.
#[derive(Clone)]
pub struct SilenceSweep {
    store: Arc<dyn Store>,
    engine: RuleEngine,
    /// fingerprint → the device's last-seen time when the alert was raised (one alert per
    /// silence; a device heard again and silent again alerts again).
    raised: Arc<Mutex<HashMap<String, Option<DateTime<Utc>>>>>,
}

impl SilenceSweep {
    pub fn new(store: Arc<dyn Store>, engine: RuleEngine) -> SilenceSweep {
        SilenceSweep {
            store,
            engine,
            raised: Arc::default(),
        }
    }

    /// One sweep at `now`. Returns the alerts raised or folded.
    pub async fn run(&self, now: DateTime<Utc>) -> StoreResult<usize> {
        let Some(min) = self.engine.min_absence_seconds() else {
            return Ok(0);
        };
        let silent = self
            .store
            .silent_devices(now - Duration::seconds(min as i64), 10_000)
            .await?;
        let escalation = crate::alerts::escalation::policy(self.store.as_ref()).await?;
        let mut n = 0;
        for d in silent {
            let since = d.last_seen_at.unwrap_or(d.created_at);
            let silence = (now - since).num_seconds();
            let facts = Facts::device(&d.facts, silence, now);
            let hits = self.engine.evaluate_absence(&facts, silence);
            if hits.is_empty() {
                continue;
            }
            let windows = self
                .store
                .list_suppressions(&Scope::All, Some(&d.facts.unit_id), now)
                .await?;
            for h in hits {
                if suppressed(&windows, Some(&d.facts.device_id), &h.code, now) {
                    continue;
                }
                if self
                    .raised
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .get(&h.fingerprint)
                    .is_some_and(|at| *at == d.last_seen_at)
                {
                    continue;
                }
                let Some(device) = self.store.ingest_device(&d.facts.device_id).await? else {
                    continue;
                };
                let mut ev = DecodedEvent::new(EventKind::DeviceFault, "neibao.device_silent", EventState::Active);
                ev.description = Some(h.detail.clone());
                let rec = self.store.record_event(&device, &ev, b"", None, None, now).await?;
                self.store
                    .raise_alert(&AlertDraft {
                        unit_id: d.facts.unit_id.clone(),
                        device_id: Some(d.facts.device_id.clone()),
                        rule: h.code.clone(),
                        alert_type: "device.offline".into(),
                        title: format!("{}：{}", h.title, d.facts.device_name),
                        severity: h.severity,
                        fingerprint: h.fingerprint.clone(),
                        event_id: rec.event_id,
                        at: now,
                        escalate_at: crate::alerts::escalation::first_escalation(&escalation, now),
                    })
                    .await?;
                self.raised
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(h.fingerprint, d.last_seen_at);
                n += 1;
            }
        }
        Ok(n)
    }

    /// Runs the sweep every `every`.
    pub fn spawn(self, every: std::time::Duration) {
        crate::jobs::scheduler::spawn_periodic(every, "device silence sweep", move || {
            let sweep = self.clone();
            async move { sweep.run(Utc::now()).await }
        });
    }
}
