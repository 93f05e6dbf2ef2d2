//! When scheduled rounds are due (pure): each period of a route's schedule is the allowed start
//! window of one round on its weekdays, Beijing time (docs/PATROL.md; R12(3)). A window whose end
//! is not after its start runs past midnight.

use chrono::{DateTime, Datelike, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;

use crate::registry::ArmedPeriod;

/// One start window of a scheduled round: the round must start within `[start, end]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoundWindow {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

fn hhmm(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M").ok()
}

/// The windows of `schedule` starting on the Beijing dates from `from`'s date − 1 day to + 8 days,
/// sorted by end.
fn windows_around(schedule: &[ArmedPeriod], from: DateTime<Utc>) -> Vec<RoundWindow> {
    let day0 = from.with_timezone(&Shanghai).date_naive();
    let mut out = Vec::new();
    for offset in -1..=8 {
        let day = day0 + Duration::days(offset);
        let weekday = day.weekday().number_from_monday() as u8;
        for p in schedule.iter().filter(|p| p.weekdays.contains(&weekday)) {
            let (Some(s), Some(e)) = (hhmm(&p.start), hhmm(&p.end)) else {
                continue;
            };
            let Some(start) = Shanghai.from_local_datetime(&day.and_time(s)).earliest() else {
                continue;
            };
            let end_day = if e > s { day } else { day + Duration::days(1) };
            let Some(end) = Shanghai.from_local_datetime(&end_day.and_time(e)).earliest() else {
                continue;
            };
            out.push(RoundWindow {
                start: start.with_timezone(&Utc),
                end: end.with_timezone(&Utc),
            });
        }
    }
    out.sort_by_key(|w| (w.end, w.start));
    out.dedup();
    out
}

/// The first window of `schedule` that ends after `after`; `None` for an empty schedule.
pub fn next_window(schedule: &[ArmedPeriod], after: DateTime<Utc>) -> Option<RoundWindow> {
    windows_around(schedule, after).into_iter().find(|w| w.end > after)
}

/// Whether `schedule` (still) has the window `[start, end]`.
pub fn has_window(schedule: &[ArmedPeriod], start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
    windows_around(schedule, start)
        .into_iter()
        .any(|w| w.start == start && w.end == end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn period(days: &[u8], start: &str, end: &str) -> ArmedPeriod {
        ArmedPeriod {
            weekdays: days.to_vec(),
            start: start.into(),
            end: end.into(),
        }
    }

    #[test]
    fn next_window_is_beijing_time() {
        // 2026-12-07 is a Monday; 08:00–08:30 Beijing is 00:00–00:30 UTC.
        let s = vec![period(&[1], "08:00", "08:30")];
        let at: DateTime<Utc> = "2026-12-06T12:00:00Z".parse().unwrap();
        let w = next_window(&s, at).unwrap();
        assert_eq!(w.start.to_rfc3339(), "2026-12-07T00:00:00+00:00");
        assert_eq!(w.end.to_rfc3339(), "2026-12-07T00:30:00+00:00");
        assert!(has_window(&s, w.start, w.end));
        let later = next_window(&s, w.end).unwrap();
        assert_eq!(later.start.to_rfc3339(), "2026-12-14T00:00:00+00:00");
    }

    #[test]
    fn past_midnight_and_empty() {
        let s = vec![period(&[7], "23:50", "00:20")];
        let at: DateTime<Utc> = "2026-12-06T15:00:00Z".parse().unwrap();
        let w = next_window(&s, at).unwrap();
        assert_eq!((w.end - w.start).num_minutes(), 30);
        assert!(next_window(&[], at).is_none());
    }
}
