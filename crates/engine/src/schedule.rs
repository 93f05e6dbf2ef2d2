//! Armed schedules (布防时段): whether a unit is armed at an instant, in Asia/Shanghai local time.

use chrono::{DateTime, Datelike, NaiveTime, Utc};
use chrono_tz::Asia::Shanghai;
use neibao_store::model::ArmedSchedule;

/// Parses `HH:MM`.
fn hm(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M").ok()
}

/// Checks a schedule for validity: weekdays 1–7 and `HH:MM` times. Returns a zh-CN message on
/// failure.
pub fn validate(s: &ArmedSchedule) -> Result<(), String> {
    for p in &s.periods {
        if p.weekdays.is_empty() || p.weekdays.iter().any(|d| !(1..=7).contains(d)) {
            return Err("布防时段的星期应为1至7".into());
        }
        if hm(&p.start).is_none() || hm(&p.end).is_none() {
            return Err("布防时段的时间格式应为 HH:MM".into());
        }
    }
    Ok(())
}

/// True when `at` falls inside a period of the schedule. A period whose end is not after its
/// start runs past midnight: `22:00–06:00` on Monday arms Monday 22:00 to Tuesday 06:00.
pub fn is_armed(schedule: &ArmedSchedule, at: DateTime<Utc>) -> bool {
    let local = at.with_timezone(&Shanghai);
    let today = local.weekday().number_from_monday() as u8;
    let yesterday = if today == 1 { 7 } else { today - 1 };
    let t = local.time();
    schedule.periods.iter().any(|p| {
        let (Some(start), Some(end)) = (hm(&p.start), hm(&p.end)) else {
            return false;
        };
        if start < end {
            p.weekdays.contains(&today) && t >= start && t < end
        } else {
            (p.weekdays.contains(&today) && t >= start)
                || (p.weekdays.contains(&yesterday) && t < end)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use neibao_store::model::ArmedPeriod;

    fn nights() -> ArmedSchedule {
        ArmedSchedule {
            periods: vec![ArmedPeriod {
                weekdays: vec![1, 2, 3, 4, 5],
                start: "22:00".into(),
                end: "06:00".into(),
            }],
        }
    }

    #[test]
    fn overnight_period() {
        let s = nights();
        // Monday 2026-11-30 23:00 Shanghai = 15:00 UTC.
        assert!(is_armed(
            &s,
            Utc.with_ymd_and_hms(2026, 11, 30, 15, 0, 0).unwrap()
        ));
        // Tuesday 05:00 Shanghai (Monday's period) = Monday 21:00 UTC.
        assert!(is_armed(
            &s,
            Utc.with_ymd_and_hms(2026, 11, 30, 21, 0, 0).unwrap()
        ));
        // Monday 12:00 Shanghai.
        assert!(!is_armed(
            &s,
            Utc.with_ymd_and_hms(2026, 11, 30, 4, 0, 0).unwrap()
        ));
        // Sunday 23:00 Shanghai: Sunday not armed.
        assert!(!is_armed(
            &s,
            Utc.with_ymd_and_hms(2026, 11, 29, 15, 0, 0).unwrap()
        ));
        // Saturday 03:00 Shanghai: Friday's period runs into Saturday.
        assert!(is_armed(
            &s,
            Utc.with_ymd_and_hms(2026, 11, 27, 19, 0, 0).unwrap()
        ));
    }

    #[test]
    fn validation() {
        assert!(validate(&nights()).is_ok());
        let bad = ArmedSchedule {
            periods: vec![ArmedPeriod {
                weekdays: vec![8],
                start: "22:00".into(),
                end: "06:00".into(),
            }],
        };
        assert!(validate(&bad).is_err());
    }
}
