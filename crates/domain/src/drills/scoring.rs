//! The scores of a drill's evaluation (docs/DRILLS.md, "Evaluation"): per expected action, the
//! measured minutes from the start against the target; on time scores 100, late loses points in
//! proportion to the delay (twice the target or later: 0), a step not recorded scores 0. The
//! overall score is the mean.

use chrono::{DateTime, Utc};

use super::records::{ActionScore, DrillStep, ExpectedAction};

/// The default score of an action measured at `measured` minutes against `target`.
pub fn action_score(target: i64, measured: Option<f64>) -> i64 {
    let Some(m) = measured else { return 0 };
    let t = target.max(0) as f64;
    if m <= t {
        return 100;
    }
    if t <= 0.0 {
        // A target of 0 minutes: every minute late loses 20 points.
        return (100.0 - 20.0 * m).round().clamp(0.0, 100.0) as i64;
    }
    (100.0 - 100.0 * (m - t) / t).round().clamp(0.0, 100.0) as i64
}

/// The scores of each expected action given the steps recorded from `started_at`; `overrides`
/// (seq, score) replace the computed ones.
pub fn scores(
    expected: &[ExpectedAction],
    steps: &[DrillStep],
    started_at: Option<DateTime<Utc>>,
    overrides: &[(i64, i64)],
) -> Vec<ActionScore> {
    expected
        .iter()
        .map(|a| {
            let measured = started_at.and_then(|s| {
                steps
                    .iter()
                    .find(|x| x.seq == a.seq)
                    .map(|x| ((x.at - s).num_milliseconds().max(0) as f64 / 6000.0).round() / 10.0)
            });
            let score = overrides
                .iter()
                .find(|(seq, _)| *seq == a.seq)
                .map(|(_, s)| *s)
                .unwrap_or_else(|| action_score(a.target_minutes, measured));
            ActionScore {
                seq: a.seq,
                label: a.label.clone(),
                target_minutes: a.target_minutes,
                measured_minutes: measured,
                score,
            }
        })
        .collect()
}

/// The mean of the scores (0 without any).
pub fn overall(scores: &[ActionScore]) -> i64 {
    if scores.is_empty() {
        return 0;
    }
    (scores.iter().map(|s| s.score).sum::<i64>() as f64 / scores.len() as f64).round() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn on_time_late_and_missing() {
        assert_eq!(action_score(3, Some(2.5)), 100);
        assert_eq!(action_score(2, Some(3.0)), 50);
        assert_eq!(action_score(2, Some(5.0)), 0);
        assert_eq!(action_score(2, None), 0);
        assert_eq!(action_score(0, Some(1.0)), 80);
    }
}
