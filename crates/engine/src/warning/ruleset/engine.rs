//! The loaded rule set and the sliding windows of threshold, sequence and correlation rules,
//! kept in memory on each node.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, RwLock};

use chrono::{DateTime, Duration, Utc};
use neibao_domain::alerts::Severity;

use super::compile::CompiledRule;
use super::facts::Facts;
use super::spec::{RuleKind, MAX_STATE_KEYS, MAX_WINDOW_SECONDS};

/// One alert a data rule wants raised.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleHit {
    pub code: String,
    pub version: i64,
    pub title: String,
    pub severity: Severity,
    pub fingerprint: String,
    /// zh-CN explanation (what was counted, over which window).
    pub detail: String,
}

/// (unit, time) sightings of one subject, oldest first.
type Sightings = VecDeque<(String, DateTime<Utc>)>;

#[derive(Default)]
struct State {
    /// (rule, key) → times of matching events within the window.
    windows: HashMap<(String, String), VecDeque<DateTime<Utc>>>,
    /// (rule, key) → time of the first step of a sequence.
    first: HashMap<(String, String), DateTime<Utc>>,
    /// (rule, subject) → (unit, time) sightings within the window.
    sightings: HashMap<(String, String), Sightings>,
}

impl State {
    fn len(&self) -> usize {
        self.windows.len() + self.first.len() + self.sightings.len()
    }
    /// Drops state older than `horizon` (the longest window), then everything if still too big.
    fn prune(&mut self, now: DateTime<Utc>, horizon: Duration) {
        let cutoff = now - horizon;
        self.windows.retain(|_, q| q.back().is_some_and(|t| *t >= cutoff));
        self.first.retain(|_, t| *t >= cutoff);
        self.sightings
            .retain(|_, q| q.back().is_some_and(|(_, t)| *t >= cutoff));
        if self.len() > MAX_STATE_KEYS {
            *self = State::default();
        }
    }
}

/// The loaded rule set and its sliding-window state. Cheap to clone (shared).
#[derive(Clone, Default)]
pub struct RuleEngine {
    rules: Arc<RwLock<Arc<Vec<CompiledRule>>>>,
    state: Arc<Mutex<State>>,
}

impl RuleEngine {
    /// An engine with the given compiled rules.
    pub fn with_rules(rules: Vec<CompiledRule>) -> RuleEngine {
        let e = RuleEngine::default();
        e.load(rules);
        e
    }

    /// Replaces the rule set (window state of rules that remain is kept).
    pub fn load(&self, rules: Vec<CompiledRule>) {
        *self.rules.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(rules);
    }

    /// The loaded rules.
    pub fn rules(&self) -> Arc<Vec<CompiledRule>> {
        self.rules.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Evaluates every enabled event rule (not absence rules) on one new event occurrence.
    pub fn evaluate(&self, f: &Facts) -> Vec<RuleHit> {
        let rules = self.rules();
        let mut hits = Vec::new();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.len() > MAX_STATE_KEYS / 2 {
            state.prune(f.at, Duration::seconds(MAX_WINDOW_SECONDS as i64));
        }
        for r in rules.iter().filter(|r| r.spec.enabled) {
            if matches!(r.spec.kind, RuleKind::Absence { .. }) || !r.applies(f) {
                continue;
            }
            let code = &r.spec.code;
            let hit = |detail: String, default: &[&str]| RuleHit {
                code: code.clone(),
                version: r.version,
                title: r.spec.title.clone(),
                severity: r.spec.severity,
                fingerprint: r.fingerprint(f, default),
                detail,
            };
            match &r.spec.kind {
                RuleKind::Match => {
                    if CompiledRule::test(&r.condition, f) {
                        hits.push(hit(String::new(), &["device_id", "channel", "region"]));
                    }
                }
                RuleKind::Threshold {
                    count,
                    window_seconds,
                    key,
                } => {
                    if !CompiledRule::test(&r.condition, f) {
                        continue;
                    }
                    let k = f.key(key, &["device_id"]);
                    let q = state.windows.entry((code.clone(), k)).or_default();
                    let cutoff = f.at - Duration::seconds(*window_seconds as i64);
                    while q.front().is_some_and(|t| *t <= cutoff) {
                        q.pop_front();
                    }
                    q.push_back(f.at);
                    while q.len() > *count as usize * 2 {
                        q.pop_front();
                    }
                    if q.len() >= *count as usize {
                        let default: Vec<&str> = if key.is_empty() {
                            vec!["device_id"]
                        } else {
                            key.iter().map(String::as_str).collect()
                        };
                        hits.push(hit(
                            format!("{} 秒内 {} 次（阈值 {count}）", window_seconds, q.len()),
                            &default,
                        ));
                    }
                }
                RuleKind::Sequence {
                    within_seconds, key, ..
                } => {
                    let k = f.key(key, &["unit_id"]);
                    let slot = (code.clone(), k);
                    if CompiledRule::test(&r.then, f) {
                        if let Some(t0) = state.first.get(&slot).copied() {
                            if f.at - t0 <= Duration::seconds(*within_seconds as i64) && f.at >= t0 {
                                state.first.remove(&slot);
                                let default: Vec<&str> = if key.is_empty() {
                                    vec!["unit_id"]
                                } else {
                                    key.iter().map(String::as_str).collect()
                                };
                                hits.push(hit(
                                    format!("前序事件后 {} 秒内出现后续事件", (f.at - t0).num_seconds()),
                                    &default,
                                ));
                                continue;
                            }
                        }
                    }
                    if CompiledRule::test(&r.condition, f) {
                        state.first.insert(slot, f.at);
                    }
                }
                RuleKind::Correlation {
                    subject,
                    units,
                    window_seconds,
                } => {
                    let who = f.text(subject);
                    if who.is_empty() || !CompiledRule::test(&r.condition, f) {
                        continue;
                    }
                    let q = state.sightings.entry((code.clone(), who)).or_default();
                    let cutoff = f.at - Duration::seconds(*window_seconds as i64);
                    while q.front().is_some_and(|(_, t)| *t <= cutoff) {
                        q.pop_front();
                    }
                    let unit = f.text("unit_id");
                    q.retain(|(u, _)| *u != unit);
                    q.push_back((unit, f.at));
                    if q.len() > 1000 {
                        q.pop_front();
                    }
                    if q.len() >= *units as usize {
                        hits.push(hit(
                            format!("{} 秒内在 {} 个单位出现（阈值 {units}）", window_seconds, q.len()),
                            &[subject.as_str()],
                        ));
                    }
                }
                RuleKind::Absence { .. } => {}
            }
        }
        hits
    }

    /// Evaluates absence rules for one device silent for `silence_seconds` at `f.at` (facts from
    /// [`Facts::device`]).
    pub fn evaluate_absence(&self, f: &Facts, silence_seconds: i64) -> Vec<RuleHit> {
        self.rules()
            .iter()
            .filter(|r| r.spec.enabled && r.applies(f))
            .filter_map(|r| match r.spec.kind {
                RuleKind::Absence { silence_seconds: limit }
                    if silence_seconds >= limit as i64 && CompiledRule::test(&r.condition, f) =>
                {
                    Some(RuleHit {
                        code: r.spec.code.clone(),
                        version: r.version,
                        title: r.spec.title.clone(),
                        severity: r.spec.severity,
                        fingerprint: r.fingerprint(f, &["device_id"]),
                        detail: format!("设备已静默 {} 分钟（阈值 {} 分钟）", silence_seconds / 60, limit / 60),
                    })
                }
                _ => None,
            })
            .collect()
    }

    /// The shortest silence any enabled absence rule waits for, if there is one (the sweep
    /// looks only at devices silent at least this long).
    pub fn min_absence_seconds(&self) -> Option<u64> {
        self.rules()
            .iter()
            .filter(|r| r.spec.enabled)
            .filter_map(|r| match r.spec.kind {
                RuleKind::Absence { silence_seconds } => Some(silence_seconds),
                _ => None,
            })
            .min()
    }
}
