//! A stage of the rule pipeline: one step that looks at a new event occurrence and says which
//! alerts it calls for. The pipeline runs its stages in order (built-in rules, then data rules;
//! a watchlist matcher would be a third) over the same [`StageInput`] and raises what they find,
//! minus what a suppression window covers.

use chrono::{DateTime, Utc};
use neibao_domain::alerts::Severity;
use neibao_domain::devices::{DevicePlacement, IngestDevice};
use neibao_domain::events::DecodedEvent;

use crate::alerts::builtin::EffectiveRule;

/// What every stage sees of one new occurrence: the event, its device, and the facts the
/// pipeline read once for it.
pub struct StageInput<'a> {
    pub device: &'a IngestDevice,
    pub event: &'a DecodedEvent,
    /// When the payload was received.
    pub at: DateTime<Utc>,
    /// The unit's built-in rules with its settings (read once per payload).
    pub rules: &'a [EffectiveRule],
    /// Recent failed verifications on the device (and region) within the failed-verification
    /// window; 0 unless the event is one.
    pub recent_failures: i64,
    /// Where the device is; `None` unless a stage asked for it ([`Stage::needs_placement`]).
    pub placement: Option<&'a DevicePlacement>,
}

/// An alert a stage calls for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Rule code (built-in or data rule).
    pub rule: String,
    pub title: String,
    pub severity: Severity,
    /// Alerts with the same fingerprint fold into one.
    pub fingerprint: String,
}

/// One step of rule evaluation. Stages are pure over their input: what they need from the store
/// is read by the pipeline (and cached) or kept in memory by the stage itself (the data rules'
/// engine, reloaded in the background).
pub trait Stage: Send + Sync {
    /// Short name, for logs.
    fn name(&self) -> &'static str;

    /// Whether the stage needs the device's placement ([`StageInput::placement`]); the pipeline
    /// reads it only when some stage does.
    fn needs_placement(&self) -> bool {
        false
    }

    /// Appends the alerts `input` calls for to `out`.
    fn evaluate(&self, input: &StageInput<'_>, out: &mut Vec<Finding>);
}
