//! Drill obligations (docs/DRILLS.md, "Obligations"): who must drill how often, and the period a
//! day falls in. Counter-terror targets at least once per calendar year (Zhejiang anti-terrorism
//! measures; R46 ¶2); key units once per configurable number of months (Decree 421 Art 15:
//! "定期演练"; default 6, periods aligned to 1 January); universities once per semester (spring
//! semester 1 February – 31 July, autumn semester 1 August – 31 January; the unit's
//! `is_university` flag tells them).

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// Days before a period ends that the unit is reminded.
pub const REMIND_DAYS_BEFORE: u64 = 30;
/// Default drill frequency of key units (months).
pub const DEFAULT_KEY_UNIT_MONTHS: u32 = 6;
/// The frequencies a key-unit rule may have (months; periods aligned to 1 January).
pub const KEY_UNIT_MONTHS: [u32; 6] = [1, 2, 3, 4, 6, 12];

/// A drill obligation rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DrillRule {
    /// 反恐怖防范重点目标：每年至少一次.
    CounterTerror,
    /// 治安保卫重点单位：按设定周期.
    KeyUnit,
    /// 高校：每学期一次.
    University,
}

impl DrillRule {
    pub const ALL: [DrillRule; 3] = [DrillRule::CounterTerror, DrillRule::KeyUnit, DrillRule::University];

    pub fn code(self) -> &'static str {
        match self {
            DrillRule::CounterTerror => "counter_terror",
            DrillRule::KeyUnit => "key_unit",
            DrillRule::University => "university",
        }
    }
    pub fn from_code(s: &str) -> Option<DrillRule> {
        DrillRule::ALL.into_iter().find(|r| r.code() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            DrillRule::CounterTerror => "反恐怖防范重点目标每年至少演练一次",
            DrillRule::KeyUnit => "治安保卫重点单位定期演练",
            DrillRule::University => "高校每学期演练一次",
        }
    }
    /// The period (first and last day, Beijing dates) `day` falls in.
    pub fn period(self, day: NaiveDate, key_unit_months: u32) -> (NaiveDate, NaiveDate) {
        let first_of = |y: i32, m: u32| NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(day);
        let (start, months) = match self {
            DrillRule::CounterTerror => (first_of(day.year(), 1), 12),
            DrillRule::KeyUnit => {
                let n = if KEY_UNIT_MONTHS.contains(&key_unit_months) {
                    key_unit_months
                } else {
                    DEFAULT_KEY_UNIT_MONTHS
                };
                let m0 = (day.month0() / n) * n;
                (first_of(day.year(), m0 + 1), n)
            }
            DrillRule::University => match day.month() {
                2..=7 => (first_of(day.year(), 2), 6),
                8..=12 => (first_of(day.year(), 8), 6),
                _ => (first_of(day.year() - 1, 8), 6),
            },
        };
        let end = start
            .checked_add_months(Months::new(months))
            .and_then(|d| d.pred_opt())
            .unwrap_or(start);
        (start, end)
    }
}

/// A unit overdue on a drill obligation (recorded once per unit, rule and period).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DrillOverdue {
    pub unit_id: String,
    pub unit_name: String,
    pub rule: DrillRule,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// Whether the unit finished a drill after the period ended (补演练).
    pub drilled_since: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn periods() {
        let r = DrillRule::CounterTerror.period(d("2026-12-07"), 6);
        assert_eq!(r, (d("2026-01-01"), d("2026-12-31")));
        let r = DrillRule::KeyUnit.period(d("2026-12-07"), 6);
        assert_eq!(r, (d("2026-07-01"), d("2026-12-31")));
        let r = DrillRule::KeyUnit.period(d("2026-02-07"), 3);
        assert_eq!(r, (d("2026-01-01"), d("2026-03-31")));
        let r = DrillRule::University.period(d("2027-01-15"), 6);
        assert_eq!(r, (d("2026-08-01"), d("2027-01-31")));
        let r = DrillRule::University.period(d("2027-03-15"), 6);
        assert_eq!(r, (d("2027-02-01"), d("2027-07-31")));
    }
}
