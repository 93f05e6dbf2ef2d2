//! The data rules (`crate::warning::ruleset`, edited by people and reloaded in the background) as
//! a pipeline stage.

use crate::intake::stage::{Finding, Stage, StageInput};
use crate::warning::ruleset::{Facts, RuleEngine};

/// The data rules of the installation, evaluated over the event and its device's placement.
pub struct DataRules {
    engine: RuleEngine,
}

impl DataRules {
    /// The stage over `engine` (clones share its rules: a reload applies at once).
    pub fn new(engine: RuleEngine) -> DataRules {
        DataRules { engine }
    }
}

impl Stage for DataRules {
    fn name(&self) -> &'static str {
        "data_rules"
    }

    /// Only while there are data rules: without them the placement is not read at all.
    fn needs_placement(&self) -> bool {
        !self.engine.rules().is_empty()
    }

    fn evaluate(&self, input: &StageInput<'_>, out: &mut Vec<Finding>) {
        let Some(placement) = input.placement else { return };
        let ev = input.event;
        let facts = Facts::event(placement, ev, input.at);
        out.extend(self.engine.evaluate(&facts).into_iter().map(|h| {
            let title = if h.detail.is_empty() {
                format!("{}：{}", h.title, ev.kind.label_zh())
            } else {
                format!("{}：{}", h.title, h.detail)
            };
            Finding {
                rule: h.code,
                title,
                severity: h.severity,
                fingerprint: h.fingerprint,
            }
        }));
    }
}
