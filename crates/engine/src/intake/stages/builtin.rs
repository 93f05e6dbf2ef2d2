//! The built-in rules as a pipeline stage (`crate::alerts::builtin`, with each unit's settings).

use crate::alerts::builtin::{evaluate, needs_failure_count, EffectiveRule, RuleContext, FAILED_VERIFICATION};
use crate::intake::stage::{Finding, Stage, StageInput};
use neibao_domain::events::DecodedEvent;

/// The built-in rules (key-area intrusion, tamper, armed-period motion, forced door, repeated
/// failed verification), configured per unit.
pub struct BuiltinRules;

/// The window (seconds) of the failed-verification count when `ev` needs one, else `None` (the
/// count is a query: only access denials pay for it).
pub fn failure_window(rules: &[EffectiveRule], ev: &DecodedEvent) -> Option<i64> {
    needs_failure_count(ev).then(|| {
        rules
            .iter()
            .find(|r| r.def.code == FAILED_VERIFICATION)
            .map(|r| r.param_i64("window_seconds"))
            .unwrap_or(120)
    })
}

impl Stage for BuiltinRules {
    fn name(&self) -> &'static str {
        "builtin"
    }

    fn evaluate(&self, input: &StageInput<'_>, out: &mut Vec<Finding>) {
        let device = input.device;
        let ctx = RuleContext {
            unit_id: &device.unit_id,
            device_id: &device.id,
            in_key_area: device.key_area_id.is_some(),
            armed_schedule: device.armed_schedule.as_ref(),
            at: input.at,
        };
        out.extend(
            evaluate(input.rules, &ctx, input.event, input.recent_failures)
                .into_iter()
                .map(|h| Finding {
                    rule: h.rule.to_string(),
                    title: h.title,
                    severity: h.severity,
                    fingerprint: h.fingerprint,
                }),
        );
    }
}
