//! Working-day arithmetic of the reply deadline of a data-subject request (docs/COMPLIANCE.md).
//! GB/T 35273-2020 §8.7 c) sets the reply period at 15 working days (or as the law says); the
//! installation may set another number. Working days are Monday to Friday, minus the dates of the
//! installation's configured holiday list (public holidays are not built in: the State Council
//! publishes them each year, with make-up working weekends that this simple list does not model).

use chrono::{Datelike, NaiveDate, Weekday};

/// Whether `d` is a working day: Monday–Friday and not in `holidays`.
pub fn is_working_day(d: NaiveDate, holidays: &[NaiveDate]) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !holidays.contains(&d)
}

/// The date `n` working days after `from` (the day of receipt itself is not counted): the last
/// day on which the reply is in time. `n = 0` answers `from`.
pub fn add_working_days(from: NaiveDate, n: u32, holidays: &[NaiveDate]) -> NaiveDate {
    let mut d = from;
    let mut left = n;
    while left > 0 {
        match d.succ_opt() {
            Some(next) => d = next,
            None => break,
        }
        if is_working_day(d, holidays) {
            left -= 1;
        }
    }
    d
}

/// Whether a reply still owed on `today` is late: `today` is after the deadline day.
pub fn is_overdue(deadline: NaiveDate, today: NaiveDate) -> bool {
    today > deadline
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn fifteen_working_days_from_a_monday_are_three_weeks_less_two_days() {
        // Monday 2026-12-07: +5 → Monday 14th, +15 → Monday 28th.
        assert_eq!(add_working_days(d("2026-12-07"), 5, &[]), d("2026-12-14"));
        assert_eq!(add_working_days(d("2026-12-07"), 15, &[]), d("2026-12-28"));
    }

    #[test]
    fn a_request_made_on_a_friday_starts_counting_on_monday() {
        // Friday 2026-12-04: the first working day counted is Monday the 7th.
        assert_eq!(add_working_days(d("2026-12-04"), 1, &[]), d("2026-12-07"));
        assert_eq!(add_working_days(d("2026-12-04"), 5, &[]), d("2026-12-11"));
        assert_eq!(add_working_days(d("2026-12-04"), 15, &[]), d("2026-12-25"));
        // Received on the Saturday or Sunday after: the same deadline.
        assert_eq!(add_working_days(d("2026-12-05"), 15, &[]), d("2026-12-25"));
        assert_eq!(add_working_days(d("2026-12-06"), 15, &[]), d("2026-12-25"));
    }

    #[test]
    fn configured_holidays_are_skipped() {
        // Friday 2026-12-04 + 1 with Monday the 7th a holiday: Tuesday the 8th.
        assert_eq!(
            add_working_days(d("2026-12-04"), 1, &[d("2026-12-07")]),
            d("2026-12-08")
        );
        // A holiday on a weekend changes nothing.
        assert_eq!(
            add_working_days(d("2026-12-04"), 1, &[d("2026-12-05")]),
            d("2026-12-07")
        );
        assert!(!is_working_day(d("2026-10-01"), &[d("2026-10-01")]));
        assert!(is_working_day(d("2026-10-01"), &[]));
    }

    #[test]
    fn a_reply_is_overdue_only_after_the_deadline_day() {
        let deadline = add_working_days(d("2026-12-04"), 15, &[]);
        assert!(!is_overdue(deadline, d("2026-12-24")));
        assert!(!is_overdue(deadline, d("2026-12-25")));
        assert!(is_overdue(deadline, d("2026-12-26")));
        assert_eq!(add_working_days(d("2026-12-04"), 0, &[]), d("2026-12-04"));
    }
}
