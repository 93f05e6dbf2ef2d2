//! Armed schedules (布防时段): whether a unit is armed at an instant, in Asia/Shanghai local time.

use crate::registry::{ArmedPeriod, ArmedSchedule};
use chrono::{DateTime, Datelike, NaiveTime, Utc};
use chrono_tz::Asia::Shanghai;

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

/// Parses the text form used in the UI: periods separated by `;` or new lines, each
/// `DAYS HH:MM-HH:MM` where DAYS is a list of weekdays 1–7 (Monday = 1) and ranges, e.g.
/// `1-5 20:00-07:00; 6,7 00:00-00:00` (weekday nights and whole weekends). Empty text = no
/// armed period. Errors are zh-CN messages.
pub fn parse_text(text: &str) -> Result<ArmedSchedule, String> {
    let mut periods = Vec::new();
    for part in text.split([';', '；', '\n']).map(str::trim).filter(|p| !p.is_empty()) {
        let err = || format!("无法识别的布防时段「{part}」，格式如：1-5 20:00-07:00");
        let (days, times) = part.split_once(char::is_whitespace).ok_or_else(err)?;
        let (start, end) = times.trim().split_once(['-', '–']).ok_or_else(err)?;
        let mut weekdays = Vec::new();
        for d in days.split([',', '，']) {
            let (a, b) = d.split_once('-').unwrap_or((d, d));
            let (a, b): (u8, u8) = (
                a.trim().parse().map_err(|_| err())?,
                b.trim().parse().map_err(|_| err())?,
            );
            if !(1..=7).contains(&a) || !(1..=7).contains(&b) || a > b {
                return Err(err());
            }
            weekdays.extend(a..=b);
        }
        weekdays.sort_unstable();
        weekdays.dedup();
        periods.push(ArmedPeriod {
            weekdays,
            start: start.trim().to_string(),
            end: end.trim().to_string(),
        });
    }
    let s = ArmedSchedule { periods };
    validate(&s)?;
    Ok(s)
}

/// The text form of a schedule (inverse of [`parse_text`]).
pub fn to_text(s: &ArmedSchedule) -> String {
    s.periods
        .iter()
        .map(|p| {
            format!(
                "{} {}-{}",
                p.weekdays.iter().map(u8::to_string).collect::<Vec<_>>().join(","),
                p.start,
                p.end
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
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
            (p.weekdays.contains(&today) && t >= start) || (p.weekdays.contains(&yesterday) && t < end)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

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
        assert!(is_armed(&s, Utc.with_ymd_and_hms(2026, 11, 30, 15, 0, 0).unwrap()));
        // Tuesday 05:00 Shanghai (Monday's period) = Monday 21:00 UTC.
        assert!(is_armed(&s, Utc.with_ymd_and_hms(2026, 11, 30, 21, 0, 0).unwrap()));
        // Monday 12:00 Shanghai.
        assert!(!is_armed(&s, Utc.with_ymd_and_hms(2026, 11, 30, 4, 0, 0).unwrap()));
        // Sunday 23:00 Shanghai: Sunday not armed.
        assert!(!is_armed(&s, Utc.with_ymd_and_hms(2026, 11, 29, 15, 0, 0).unwrap()));
        // Saturday 03:00 Shanghai: Friday's period runs into Saturday.
        assert!(is_armed(&s, Utc.with_ymd_and_hms(2026, 11, 27, 19, 0, 0).unwrap()));
    }

    #[test]
    fn text_form() {
        let s = parse_text("1-5 20:00-07:00； 6,7 00:00-00:00").unwrap();
        assert_eq!(s.periods.len(), 2);
        assert_eq!(s.periods[0].weekdays, vec![1, 2, 3, 4, 5]);
        assert_eq!(s.periods[1].start, "00:00");
        assert_eq!(parse_text(&to_text(&s)).unwrap(), s);
        assert!(parse_text("").unwrap().periods.is_empty());
        for bad in [
            "8 20:00-07:00",
            "1-5",
            "1-5 25:00-07:00",
            "周一 20:00-07:00",
            "5-1 20:00-07:00",
        ] {
            assert!(parse_text(bad).is_err(), "{bad}");
        }
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
