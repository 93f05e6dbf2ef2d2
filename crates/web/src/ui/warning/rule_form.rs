//! The rule form (issue 20): every field of [`RuleSpec`] as a zh-CN form field, filled from a
//! stored spec or kept as typed, and the spec built back from the fields sent. Ranges and the
//! condition are checked by the engine ([`neibao_engine::warning::ruleset::compile`], through
//! the same `WarningService` calls as the API); this module refuses only what cannot be read
//! (a number that is not a number, a date that is not a date), naming the field.
//!
//! Times on the form are Beijing time; windows and durations are in seconds.

use chrono::NaiveDate;
use neibao_domain::alerts::Severity;
use neibao_engine::warning::ruleset::{OneOffWindow, RuleKind, RuleSchedule, RuleScope, RuleSpec};

use crate::error::ApiError;
use crate::ui::form::{field, local_input, parse_local, Fields};
use crate::ui::weekly::{periods_of, rows_of, rows_sent, WeeklyRow, EMPTY_ROWS, MAX_ROWS};

/// One one-off window row as shown (`o<n>_from`, `o<n>_to`: `datetime-local`, Beijing time;
/// `o<n>_armed`: `1` armed, `0` disarmed).
#[derive(Debug, Clone, Default)]
pub struct OneOffRow {
    pub from: String,
    pub to: String,
    pub armed: bool,
}

/// The rule form's fields as shown (every value a string as typed; checkboxes as booleans).
#[derive(Debug, Clone)]
pub struct RuleForm {
    pub code: String,
    pub title: String,
    pub description: String,
    pub enabled: bool,
    /// A severity code.
    pub severity: String,
    /// A kind code (`match`, `threshold`, `sequence`, `absence`, `correlation`).
    pub kind: String,
    /// Threshold: count, window (seconds), counting fields (comma separated).
    pub th_count: String,
    pub th_window: String,
    pub th_key: String,
    /// Sequence: the following condition, time limit (seconds), linking fields.
    pub seq_then: String,
    pub seq_within: String,
    pub seq_key: String,
    /// Absence: silence (seconds).
    pub abs_silence: String,
    /// Correlation: the subject field, number of units, window (seconds).
    pub cor_subject: String,
    pub cor_units: String,
    pub cor_window: String,
    pub condition: String,
    pub division_prefix: String,
    pub key_units_only: bool,
    /// Unit ids, one per line.
    pub unit_ids: String,
    pub weekly: Vec<WeeklyRow>,
    /// Dates `YYYY-MM-DD`, one per line.
    pub holidays: String,
    pub holiday_armed: bool,
    pub holidays_only: bool,
    pub use_unit_schedule: bool,
    pub one_off: Vec<OneOffRow>,
    /// Fields, comma separated.
    pub group_by: String,
}

/// (code, zh-CN label) of every rule kind, in the order the form lists them.
pub fn kinds() -> Vec<(&'static str, &'static str)> {
    [
        RuleKind::Match,
        RuleKind::Threshold {
            count: 2,
            window_seconds: 1,
            key: vec![],
        },
        RuleKind::Sequence {
            then: String::new(),
            within_seconds: 1,
            key: vec![],
        },
        RuleKind::Absence { silence_seconds: 60 },
        RuleKind::Correlation {
            subject: String::new(),
            units: 2,
            window_seconds: 1,
        },
    ]
    .iter()
    .map(|k| (k.code(), k.label_zh()))
    .collect()
}

/// (code, zh-CN label) of every severity.
pub fn severities() -> Vec<(&'static str, &'static str)> {
    Severity::ALL.iter().map(|s| (s.code(), s.label_zh())).collect()
}

fn list(v: &[String], sep: &str) -> String {
    v.join(sep)
}

/// Values separated by commas (，too), semicolons, spaces or new lines; empty ones dropped.
fn split(s: &str) -> Vec<String> {
    s.split(|c: char| c == ',' || c == '，' || c == ';' || c == '；' || c.is_whitespace())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect()
}

fn with_empty_rows(mut rows: Vec<OneOffRow>) -> Vec<OneOffRow> {
    rows.resize(rows.len() + EMPTY_ROWS, OneOffRow::default());
    rows
}

impl RuleForm {
    /// A new rule: enabled, medium, every kind's parameters at a usual value.
    pub fn new_rule() -> RuleForm {
        RuleForm {
            code: String::new(),
            title: String::new(),
            description: String::new(),
            enabled: true,
            severity: Severity::Medium.code().into(),
            kind: "match".into(),
            th_count: "5".into(),
            th_window: "600".into(),
            th_key: String::new(),
            seq_then: String::new(),
            seq_within: "600".into(),
            seq_key: String::new(),
            abs_silence: "3600".into(),
            cor_subject: String::new(),
            cor_units: "2".into(),
            cor_window: "3600".into(),
            condition: String::new(),
            division_prefix: String::new(),
            key_units_only: false,
            unit_ids: String::new(),
            weekly: rows_of(&[]),
            holidays: String::new(),
            holiday_armed: false,
            holidays_only: false,
            use_unit_schedule: false,
            one_off: with_empty_rows(vec![]),
            group_by: String::new(),
        }
    }

    /// The form of a stored spec (its current version).
    pub fn of_spec(s: &RuleSpec) -> RuleForm {
        let mut f = RuleForm::new_rule();
        f.code = s.code.clone();
        f.title = s.title.clone();
        f.description = s.description.clone();
        f.enabled = s.enabled;
        f.severity = s.severity.code().into();
        f.kind = s.kind.code().into();
        match &s.kind {
            RuleKind::Match => {}
            RuleKind::Threshold {
                count,
                window_seconds,
                key,
            } => {
                f.th_count = count.to_string();
                f.th_window = window_seconds.to_string();
                f.th_key = list(key, ", ");
            }
            RuleKind::Sequence {
                then,
                within_seconds,
                key,
            } => {
                f.seq_then = then.clone();
                f.seq_within = within_seconds.to_string();
                f.seq_key = list(key, ", ");
            }
            RuleKind::Absence { silence_seconds } => f.abs_silence = silence_seconds.to_string(),
            RuleKind::Correlation {
                subject,
                units,
                window_seconds,
            } => {
                f.cor_subject = subject.clone();
                f.cor_units = units.to_string();
                f.cor_window = window_seconds.to_string();
            }
        }
        f.condition = s.condition.clone();
        f.division_prefix = s.scope.division_prefix.clone();
        f.key_units_only = s.scope.key_units_only;
        f.unit_ids = list(&s.scope.unit_ids, "\n");
        if let Some(sc) = &s.schedule {
            f.weekly = rows_of(&sc.weekly);
            f.holidays = sc.holidays.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n");
            f.holiday_armed = sc.holiday_armed;
            f.holidays_only = sc.holidays_only;
            f.use_unit_schedule = sc.use_unit_schedule;
            f.one_off = with_empty_rows(
                sc.one_off
                    .iter()
                    .map(|w| OneOffRow {
                        from: local_input(w.from),
                        to: local_input(w.to),
                        armed: w.armed,
                    })
                    .collect(),
            );
        }
        f.group_by = list(&s.group_by, ", ");
        f
    }

    /// The form as sent (a refused form shows this again).
    pub fn sent(f: &Fields) -> RuleForm {
        let text = |n: &str| field(f, n).to_string();
        let on = |n: &str| !field(f, n).is_empty();
        RuleForm {
            code: text("code").trim().to_string(),
            title: text("title"),
            description: text("description"),
            enabled: on("enabled"),
            severity: text("severity"),
            kind: text("kind"),
            th_count: text("th_count"),
            th_window: text("th_window"),
            th_key: text("th_key"),
            seq_then: text("seq_then"),
            seq_within: text("seq_within"),
            seq_key: text("seq_key"),
            abs_silence: text("abs_silence"),
            cor_subject: text("cor_subject"),
            cor_units: text("cor_units"),
            cor_window: text("cor_window"),
            condition: text("condition"),
            division_prefix: text("division_prefix"),
            key_units_only: on("key_units_only"),
            unit_ids: text("unit_ids"),
            weekly: rows_sent(f),
            holidays: text("holidays"),
            holiday_armed: on("holiday_armed"),
            holidays_only: on("holidays_only"),
            use_unit_schedule: on("use_unit_schedule"),
            one_off: with_empty_rows(
                one_off_sent(f)
                    .into_iter()
                    .filter(|r| !r.from.trim().is_empty() || !r.to.trim().is_empty())
                    .collect(),
            ),
            group_by: text("group_by"),
        }
    }

    /// The spec the form describes (`code` is the rule's own on its page). Errors are zh-CN and
    /// name the field.
    pub fn spec(&self) -> Result<RuleSpec, ApiError> {
        let severity =
            Severity::from_code(self.severity.trim()).ok_or_else(|| ApiError::validation("请选择「级别」"))?;
        let kind = self.kind()?;
        let schedule = self.schedule()?;
        Ok(RuleSpec {
            code: self.code.trim().to_string(),
            title: self.title.trim().to_string(),
            description: self.description.trim().to_string(),
            enabled: self.enabled,
            severity,
            kind,
            condition: self.condition.trim().to_string(),
            scope: RuleScope {
                division_prefix: self.division_prefix.trim().to_string(),
                unit_ids: split(&self.unit_ids),
                key_units_only: self.key_units_only,
            },
            schedule,
            group_by: split(&self.group_by),
        })
    }

    fn kind(&self) -> Result<RuleKind, ApiError> {
        Ok(match self.kind.trim() {
            "match" => RuleKind::Match,
            "threshold" => RuleKind::Threshold {
                count: number(&self.th_count, "阈值规则的「次数」")?,
                window_seconds: number(&self.th_window, "阈值规则的「时间窗（秒）」")?,
                key: split(&self.th_key),
            },
            "sequence" => RuleKind::Sequence {
                then: self.seq_then.trim().to_string(),
                within_seconds: number(&self.seq_within, "顺序规则的「时限（秒）」")?,
                key: split(&self.seq_key),
            },
            "absence" => RuleKind::Absence {
                silence_seconds: number(&self.abs_silence, "离线规则的「静默时长（秒）」")?,
            },
            "correlation" => RuleKind::Correlation {
                subject: self.cor_subject.trim().to_string(),
                units: number(&self.cor_units, "关联规则的「单位数」")?,
                window_seconds: number(&self.cor_window, "关联规则的「时间窗（秒）」")?,
            },
            _ => return Err(ApiError::validation("请选择「规则类型」")),
        })
    }

    fn schedule(&self) -> Result<Option<RuleSchedule>, ApiError> {
        let weekly = periods_of(&self.weekly, "规则布防时段")?;
        let mut holidays = Vec::new();
        for (i, d) in split(&self.holidays).iter().enumerate() {
            let day = NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
                ApiError::validation(format!(
                    "「节假日」第{}个「{d}」不是日期（年-月-日，如 2026-10-01）",
                    i + 1
                ))
            })?;
            holidays.push(day);
        }
        let mut one_off = Vec::new();
        for (i, r) in self
            .one_off
            .iter()
            .filter(|r| !r.from.trim().is_empty() || !r.to.trim().is_empty())
            .enumerate()
        {
            let n = i + 1;
            one_off.push(OneOffWindow {
                from: parse_local(&r.from, &format!("临时时段第{n}行的开始"))?,
                to: parse_local(&r.to, &format!("临时时段第{n}行的结束"))?,
                armed: r.armed,
            });
        }
        let s = RuleSchedule {
            weekly,
            holidays,
            holiday_armed: self.holiday_armed,
            holidays_only: self.holidays_only,
            one_off,
            use_unit_schedule: self.use_unit_schedule,
        };
        Ok((s != RuleSchedule::default()).then_some(s))
    }
}

/// The one-off rows as sent, by row number.
fn one_off_sent(f: &Fields) -> Vec<OneOffRow> {
    let mut rows: std::collections::BTreeMap<usize, OneOffRow> = Default::default();
    for (name, value) in f {
        let Some((n, key)) = name.strip_prefix('o').and_then(|r| r.split_once('_')) else {
            continue;
        };
        let Ok(n) = n.parse::<usize>() else { continue };
        if n >= MAX_ROWS {
            continue;
        }
        let row = rows.entry(n).or_default();
        match key {
            "from" => row.from = value.clone(),
            "to" => row.to = value.clone(),
            "armed" => row.armed = value.trim() == "1",
            _ => {}
        }
    }
    rows.into_values().collect()
}

/// A whole number typed in the field `label`.
fn number<T: std::str::FromStr>(s: &str, label: &str) -> Result<T, ApiError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(ApiError::validation(format!("请填写{label}")));
    }
    s.parse()
        .map_err(|_| ApiError::validation(format!("{label}应为整数，收到「{s}」")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> RuleSpec {
        serde_json::from_value(serde_json::json!({
            "code": "form_round_trip", "title": "往返", "description": "说明", "severity": "high",
            "kind": {"type": "correlation", "subject": "card_no", "units": 3, "window_seconds": 900},
            "condition": "kind == \"access.granted\"",
            "scope": {"division_prefix": "3301", "unit_ids": ["u1", "u2"], "key_units_only": true},
            "schedule": {"weekly": [{"weekdays": [1, 2], "start": "20:00", "end": "07:00"}],
                "holidays": ["2026-10-01"], "holiday_armed": true,
                "one_off": [{"from": "2026-10-02T01:00:00Z", "to": "2026-10-02T05:00:00Z", "armed": false}]},
            "group_by": ["card_no", "unit_id"]
        }))
        .unwrap()
    }

    #[test]
    fn a_stored_spec_comes_back_from_its_form() {
        let s = spec();
        assert_eq!(RuleForm::of_spec(&s).spec().unwrap(), s);
        assert_eq!(RuleForm::of_spec(&s).one_off[0].from, "2026-10-02T09:00");
    }

    #[test]
    fn unreadable_fields_are_named() {
        let mut f = RuleForm::of_spec(&spec());
        f.cor_units = "三".into();
        assert!(f.spec().unwrap_err().message.contains("「单位数」"));
        let mut f = RuleForm::of_spec(&spec());
        f.holidays = "十月一日".into();
        assert!(f.spec().unwrap_err().message.contains("「节假日」"));
        assert_eq!(kinds().len(), 5);
    }
}
