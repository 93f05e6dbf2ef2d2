//! When a rule is armed: its schedule (weekly periods, holidays, one-off windows, the unit's own
//! armed schedule), in Beijing time.

use chrono::{DateTime, Utc};
use chrono_tz::Asia::Shanghai;
use neibao_domain::registry::ArmedSchedule;

use super::spec::RuleSchedule;
use neibao_domain::warning::schedule::is_armed;

/// Is `at` inside the schedule? See [`RuleSchedule`] for the precedence.
pub fn schedule_active(s: &RuleSchedule, unit_schedule: Option<&ArmedSchedule>, at: DateTime<Utc>) -> bool {
    if let Some(w) = s.one_off.iter().find(|w| w.from <= at && at < w.to) {
        return w.armed;
    }
    if s.holidays.contains(&at.with_timezone(&Shanghai).date_naive()) {
        return s.holiday_armed;
    }
    if s.holidays_only {
        return false;
    }
    if s.use_unit_schedule {
        return unit_schedule.is_some_and(|u| is_armed(u, at));
    }
    s.weekly.is_empty()
        || is_armed(
            &ArmedSchedule {
                periods: s.weekly.clone(),
            },
            at,
        )
}
