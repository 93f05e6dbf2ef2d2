//! Dates as supervision reads and prints them: Beijing calendar days (a deadline of "N 日" ends at
//! 23:59:59 of that day), and the 2026年11月29日 form of documents.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Asia::Shanghai;

/// A date as printed on documents: 2026年11月29日 (Beijing time).
pub fn date_zh(t: DateTime<Utc>) -> String {
    let l = t.with_timezone(&Shanghai);
    format!("{}年{}月{}日", l.year(), l.month(), l.day())
}

/// A time as printed on documents: 2026年11月29日 14时05分 (Beijing time).
pub fn datetime_zh(t: DateTime<Utc>) -> String {
    let l = t.with_timezone(&Shanghai);
    format!("{} {}", date_zh(t), l.format("%H时%M分"))
}

/// The end of a Beijing calendar day `days` after `from` (23:59:59), the usual reading of
/// "整改期限 N 日".
pub fn deadline_after_days(from: DateTime<Utc>, days: i64) -> DateTime<Utc> {
    let local = from.with_timezone(&Shanghai).date_naive() + Duration::days(days);
    let end = local.and_hms_opt(23, 59, 59).expect("valid time");
    end.and_local_timezone(Shanghai)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(from + Duration::days(days))
}

/// Noon of a Beijing calendar day.
pub fn beijing_noon(d: NaiveDate) -> DateTime<Utc> {
    let noon = d.and_hms_opt(12, 0, 0).expect("valid time");
    noon.and_local_timezone(Shanghai)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| noon.and_utc() - Duration::hours(8))
}

/// The end (23:59:59) of a Beijing calendar day: how a date picked as a due date or deadline is
/// read, as [`deadline_after_days`] reads "N 日".
pub fn end_of_day(d: NaiveDate) -> DateTime<Utc> {
    deadline_after_days(beijing_noon(d), 0)
}

/// The Beijing calendar day of a moment.
pub fn beijing_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&Shanghai).date_naive()
}

/// The Beijing calendar year of a moment (document numbers count per year).
pub fn beijing_year(t: DateTime<Utc>) -> i32 {
    t.with_timezone(&Shanghai).year()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_end_at_beijing_midnight() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 10).unwrap();
        assert_eq!(end_of_day(d).to_rfc3339(), "2026-12-10T15:59:59+00:00");
        assert_eq!(beijing_noon(d).to_rfc3339(), "2026-12-10T04:00:00+00:00");
        assert_eq!(date_zh(end_of_day(d)), "2026年12月10日");
        assert_eq!(datetime_zh(end_of_day(d)), "2026年12月10日 23时59分");
        assert_eq!(beijing_date(end_of_day(d)), d);
        assert_eq!(beijing_year(end_of_day(d)), 2026);
    }
}
