//! Weekly armed periods as form rows (issue 20): seven weekday checkboxes (一…日) and a start and
//! end `type=time` per row, used by the rule form (`schedule.weekly`) and the unit page's armed
//! schedule. The markup is the macro `rows` of `templates/kit/weekly.html`; the fields of row `n`
//! are `w<n>_day` (repeated, 1 = Monday … 7 = Sunday), `w<n>_start` and `w<n>_end` (`HH:MM`,
//! Beijing time). Rows left empty are ignored.

use std::collections::BTreeMap;

use chrono::NaiveTime;
use neibao_domain::registry::ArmedPeriod;

use crate::error::ApiError;
use crate::ui::form::Fields;

/// How many empty rows are shown after the filled ones.
pub const EMPTY_ROWS: usize = 2;
/// At most this many rows are read from a form.
pub const MAX_ROWS: usize = 50;

/// The weekday labels, Monday first (value = index + 1).
pub const WEEKDAYS: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];

/// One row as shown: the checked weekdays and the times as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WeeklyRow {
    /// Checked weekdays, Monday first.
    pub days: [bool; 7],
    pub start: String,
    pub end: String,
}

impl WeeklyRow {
    /// (value, label, checked) of each weekday, Monday first.
    pub fn day_list(&self) -> Vec<(usize, &'static str, bool)> {
        WEEKDAYS
            .iter()
            .enumerate()
            .map(|(i, l)| (i + 1, *l, self.days[i]))
            .collect()
    }

    fn is_empty(&self) -> bool {
        !self.days.iter().any(|d| *d) && self.start.trim().is_empty() && self.end.trim().is_empty()
    }
}

/// The rows of stored periods, then [`EMPTY_ROWS`] empty ones.
pub fn rows_of(periods: &[ArmedPeriod]) -> Vec<WeeklyRow> {
    let mut rows: Vec<WeeklyRow> = periods
        .iter()
        .map(|p| {
            let mut days = [false; 7];
            for d in &p.weekdays {
                if (1..=7).contains(d) {
                    days[*d as usize - 1] = true;
                }
            }
            WeeklyRow {
                days,
                start: p.start.clone(),
                end: p.end.clone(),
            }
        })
        .collect();
    rows.resize(rows.len() + EMPTY_ROWS, WeeklyRow::default());
    rows
}

/// The rows as sent (in row order, empty ones dropped), then [`EMPTY_ROWS`] empty ones: what a
/// refused form shows again.
pub fn rows_sent(f: &Fields) -> Vec<WeeklyRow> {
    let mut rows: Vec<WeeklyRow> = sent(f).into_values().filter(|r| !r.is_empty()).collect();
    rows.resize(rows.len() + EMPTY_ROWS, WeeklyRow::default());
    rows
}

/// The rows of a form by their number.
fn sent(f: &Fields) -> BTreeMap<usize, WeeklyRow> {
    let mut rows: BTreeMap<usize, WeeklyRow> = BTreeMap::new();
    for (name, value) in f {
        let Some((n, key)) = name.strip_prefix('w').and_then(|r| r.split_once('_')) else {
            continue;
        };
        let Ok(n) = n.parse::<usize>() else { continue };
        if n >= MAX_ROWS {
            continue;
        }
        let row = rows.entry(n).or_default();
        match key {
            "day" => {
                if let Ok(d @ 1..=7) = value.trim().parse::<usize>() {
                    row.days[d - 1] = true;
                }
            }
            "start" => row.start = value.clone(),
            "end" => row.end = value.clone(),
            _ => {}
        }
    }
    rows
}

/// `HH:MM` (a `type=time` value; seconds, when a browser sends them, are dropped).
fn time_of(s: &str) -> Option<String> {
    let s = s.trim();
    NaiveTime::parse_from_str(s, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(s, "%H:%M:%S"))
        .ok()
        .map(|t| t.format("%H:%M").to_string())
}

/// The periods of the rows sent (empty rows ignored); see [`periods_of`].
pub fn periods_sent(f: &Fields, what: &str) -> Result<Vec<ArmedPeriod>, ApiError> {
    periods_of(&sent(f).into_values().collect::<Vec<_>>(), what)
}

/// The periods of rows (empty rows ignored, the others numbered from 1 in messages). `what`
/// names the schedule in messages (布防时段, 规则布防时段). Errors name the row and the field in
/// zh-CN: a row with a time but no weekday, a missing or malformed start or end.
pub fn periods_of(rows: &[WeeklyRow], what: &str) -> Result<Vec<ArmedPeriod>, ApiError> {
    let mut out = Vec::new();
    for (i, row) in rows.iter().filter(|r| !r.is_empty()).enumerate() {
        let n = i + 1;
        let weekdays: Vec<u8> = (1..=7u8).filter(|d| row.days[*d as usize - 1]).collect();
        if weekdays.is_empty() {
            return Err(ApiError::validation(format!(
                "{what}第{n}行：请勾选「星期」（一至日至少一天）"
            )));
        }
        let time = |s: &str, label: &str| {
            if s.trim().is_empty() {
                return Err(ApiError::validation(format!("{what}第{n}行：请填写「{label}」时间")));
            }
            time_of(s).ok_or_else(|| ApiError::validation(format!("{what}第{n}行：「{label}」应为 时:分（如 20:00）")))
        };
        let start = time(&row.start, "开始")?;
        let end = time(&row.end, "结束")?;
        out.push(ArmedPeriod { weekdays, start, end });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(pairs: &[(&str, &str)]) -> Fields {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn rows_become_periods_and_empty_rows_are_ignored() {
        let sent = f(&[
            ("w0_day", "1"),
            ("w0_day", "5"),
            ("w0_start", "20:00"),
            ("w0_end", "07:00"),
            ("w1_start", ""),
            ("w1_end", ""),
            ("w2_day", "6"),
            ("w2_day", "7"),
            ("w2_start", "00:00"),
            ("w2_end", "00:00"),
        ]);
        let p = periods_sent(&sent, "布防时段").unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].weekdays, vec![1, 5]);
        assert_eq!((p[0].start.as_str(), p[0].end.as_str()), ("20:00", "07:00"));
        assert_eq!(p[1].weekdays, vec![6, 7]);
        assert_eq!(p[1].start, "00:00");
        assert_eq!(rows_of(&p), rows_sent(&sent));
        let seconds = f(&[("w0_day", "3"), ("w0_start", "08:00:00"), ("w0_end", "09:30")]);
        assert_eq!(periods_sent(&seconds, "布防时段").unwrap()[0].start, "08:00");
    }

    #[test]
    fn a_row_without_a_day_or_with_a_bad_time_is_refused() {
        let e = periods_sent(&f(&[("w0_start", "20:00"), ("w0_end", "07:00")]), "布防时段").unwrap_err();
        assert!(
            e.message.contains("第1行") && e.message.contains("星期"),
            "{}",
            e.message
        );
        let e = periods_sent(
            &f(&[("w3_day", "2"), ("w3_start", "25:00"), ("w3_end", "07:00")]),
            "布防时段",
        )
        .unwrap_err();
        assert!(e.message.contains("「开始」应为"), "{}", e.message);
        let e = periods_sent(&f(&[("w0_day", "2"), ("w0_start", "08:00")]), "布防时段").unwrap_err();
        assert!(e.message.contains("请填写「结束」"), "{}", e.message);
    }
}
