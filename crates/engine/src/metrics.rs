//! Prometheus metrics of the ingest → rules → alerts path (served at `/metrics`).

use std::sync::LazyLock;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ResultLabel {
    /// `ok`, `unknown_token`, `too_large`, `undecodable`, `busy`, `unavailable`.
    pub result: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RuleLabel {
    pub rule: String,
}

/// The process's metrics.
pub struct Metrics {
    pub registry: Registry,
    pub ingest_requests: Family<ResultLabel, Counter>,
    pub events: Counter,
    pub heartbeats: Counter,
    pub alerts_raised: Family<RuleLabel, Counter>,
    pub alerts_created: Family<RuleLabel, Counter>,
    /// Alerts not raised because a suppression window (maintenance, visit) covered them.
    pub alerts_suppressed: Family<RuleLabel, Counter>,
    /// Seconds to evaluate the rules for one new occurrence (including the failure-count query).
    pub rule_evaluation: Histogram,
    /// Seconds from receiving a payload to its events being stored and evaluated.
    pub ingest_to_alert: Histogram,
    pub queue_depth: Gauge,
    /// Seconds between the due time of the oldest job claimed in the last tick and that tick.
    pub scheduler_lag: Gauge,
}

/// The global metrics (one registry per process).
pub static METRICS: LazyLock<Metrics> = LazyLock::new(|| {
    let mut registry = Registry::with_prefix("neibao");
    let m = Metrics {
        ingest_requests: Family::default(),
        events: Counter::default(),
        heartbeats: Counter::default(),
        alerts_raised: Family::default(),
        alerts_created: Family::default(),
        alerts_suppressed: Family::default(),
        rule_evaluation: Histogram::new(exponential_buckets(0.000_05, 2.0, 16)),
        ingest_to_alert: Histogram::new(exponential_buckets(0.000_1, 2.0, 18)),
        queue_depth: Gauge::default(),
        scheduler_lag: Gauge::default(),
        registry: Registry::default(),
    };
    registry.register(
        "ingest_requests",
        "Device payloads received, by result",
        m.ingest_requests.clone(),
    );
    registry.register(
        "events",
        "Device events stored (new occurrences and updates)",
        m.events.clone(),
    );
    registry.register("heartbeats", "Device heartbeats received", m.heartbeats.clone());
    registry.register(
        "alerts_raised",
        "Alert raises (new alerts and folds into open ones), by rule",
        m.alerts_raised.clone(),
    );
    registry.register("alerts_created", "New alerts opened, by rule", m.alerts_created.clone());
    registry.register(
        "alerts_suppressed",
        "Alerts not raised inside a suppression window, by rule",
        m.alerts_suppressed.clone(),
    );
    registry.register(
        "rule_evaluation_seconds",
        "Rule evaluation time per new occurrence",
        m.rule_evaluation.clone(),
    );
    registry.register(
        "ingest_to_alert_seconds",
        "Receive-to-evaluated time per payload",
        m.ingest_to_alert.clone(),
    );
    registry.register(
        "bus_queue_depth",
        "Event-bus messages waiting or in flight",
        m.queue_depth.clone(),
    );
    registry.register(
        "scheduler_lag_seconds",
        "Delay of the oldest due job run in the last scheduler tick",
        m.scheduler_lag.clone(),
    );
    Metrics { registry, ..m }
});

/// The text exposition format of all metrics.
pub fn encode() -> String {
    let mut out = String::new();
    let _ = prometheus_client::encoding::text::encode(&mut out, &METRICS.registry);
    out
}

/// Counts one ingest request by result.
pub fn count_request(result: &str) {
    METRICS
        .ingest_requests
        .get_or_create(&ResultLabel {
            result: result.to_string(),
        })
        .inc();
}
