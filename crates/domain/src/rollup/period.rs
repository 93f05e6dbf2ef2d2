//! The period of a roll-up: whole Beijing calendar days, `from` through `to`.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use serde::Serialize;

use crate::error::{DomainError, ErrorCode};

/// Longest period (days): ten years.
pub const MAX_PERIOD_DAYS: i64 = 3660;

/// A period of Beijing calendar days, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Period {
    /// First day, `YYYY-MM-DD`.
    #[schema(value_type = String, example = "2026-01-01")]
    pub from: NaiveDate,
    /// Last day, `YYYY-MM-DD` (included).
    #[schema(value_type = String, example = "2026-12-31")]
    pub to: NaiveDate,
}

fn invalid(m: impl Into<String>) -> DomainError {
    DomainError::with_message(ErrorCode::ValidationFailed, m)
}

fn day(s: &str, what: &str) -> Result<NaiveDate, DomainError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| invalid(format!("{what}「{}」不是日期，应为 年-月-日，如 2026-01-01", s.trim())))
}

fn start_of(d: NaiveDate) -> DateTime<Utc> {
    let t = d.and_hms_opt(0, 0, 0).unwrap_or_default();
    chrono_tz::Asia::Shanghai
        .from_local_datetime(&t)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&t))
}

impl Period {
    /// The period `from`–`to` as sent (`YYYY-MM-DD`); empty `from` is 1 January of `today`'s
    /// year, empty `to` is `today`.
    ///
    /// Errors (`validation_failed`, zh-CN): a date that does not parse, `to` before `from`, or
    /// longer than [`MAX_PERIOD_DAYS`].
    pub fn parse(from: Option<&str>, to: Option<&str>, today: NaiveDate) -> Result<Period, DomainError> {
        let from = match from.map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => day(s, "开始日期")?,
            None => NaiveDate::from_ymd_opt(chrono::Datelike::year(&today), 1, 1).unwrap_or(today),
        };
        let to = match to.map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => day(s, "结束日期")?,
            None => today,
        };
        if to < from {
            return Err(invalid("结束日期不能早于开始日期"));
        }
        if (to - from).num_days() + 1 > MAX_PERIOD_DAYS {
            return Err(invalid(format!("统计期间不超过{MAX_PERIOD_DAYS}日")));
        }
        Ok(Period { from, to })
    }

    /// The first instant of the period (00:00 Beijing time on `from`).
    pub fn start(&self) -> DateTime<Utc> {
        start_of(self.from)
    }

    /// The first instant after the period (00:00 Beijing time the day after `to`).
    pub fn end(&self) -> DateTime<Utc> {
        start_of(self.to.succ_opt().unwrap_or(self.to))
    }

    /// `2026-01-01至2026-12-31`.
    pub fn label_zh(&self) -> String {
        format!("{}至{}", self.from.format("%Y-%m-%d"), self.to.format("%Y-%m-%d"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_defaults_and_refuses_bad_periods() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let p = Period::parse(None, None, today).unwrap();
        assert_eq!(p.from, NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
        assert_eq!(p.to, today);
        assert_eq!((p.end() - p.start()).num_days(), 341);
        assert!(Period::parse(Some("2026-02-30"), None, today).is_err());
        assert!(Period::parse(Some("2026-12-08"), Some("2026-12-07"), today).is_err());
        assert!(Period::parse(Some("2000-01-01"), Some("2026-01-01"), today).is_err());
        assert_eq!(p.start().to_rfc3339(), "2025-12-31T16:00:00+00:00");
    }
}
