//! View models of the rule pages: a rule as the tables show it, the editor, a backtest period
//! and result, an import report; the refusals the pages show.

use chrono::{Duration, Utc};
use neibao_domain::audit::actor_label;
use neibao_domain::error::ErrorCode;
use neibao_domain::events::EventKind;
use neibao_domain::warning::StoredRule;
use neibao_engine::warning::engine::{BacktestReport, ImportReport};
use neibao_engine::warning::ruleset::{RuleSpec, FACTS};

use super::rule_form::{kinds, severities, RuleForm};
use crate::error::ApiError;
use crate::ui::form::local_input;
use crate::ui::views::{code_spans, fmt_time, severity_label, Span};

/// The condition fields: (name, type, meaning with its values as code).
pub type Facts = Vec<(&'static str, &'static str, Vec<Span>)>;

/// The condition fields of [`FACTS`], each meaning split into words and values.
pub fn facts() -> Facts {
    FACTS.iter().map(|(n, t, m)| (*n, *t, code_spans(m))).collect()
}

/// Why a user without [`neibao_domain::access::Permission::AlertRuleRead`] sees no rules.
pub fn read_refused() -> ApiError {
    ApiError::msg(ErrorCode::Forbidden, "仅公安机关和系统管理员可以查看预警规则")
}

/// Why a user without [`neibao_domain::access::Permission::AlertRuleWrite`] cannot save one.
pub fn edit_refused() -> ApiError {
    ApiError::msg(ErrorCode::Forbidden, "仅系统管理员和县级以上公安机关可以修改预警规则")
}

/// One data rule as the tables show it.
pub struct RuleRow {
    pub code: String,
    pub title: String,
    pub description: String,
    pub kind: String,
    pub severity: String,
    pub severity_code: String,
    pub enabled: bool,
    pub version: i64,
    pub scope: String,
    pub condition: String,
    pub created_by: String,
    pub created_at: String,
}

impl RuleRow {
    pub fn new(r: &StoredRule) -> RuleRow {
        let spec: Option<RuleSpec> = serde_json::from_value(r.spec.clone()).ok();
        let text = |p: &str| r.spec.pointer(p).and_then(|v| v.as_str()).unwrap_or("").to_string();
        let (kind, severity_code, scope, condition) = match &spec {
            Some(s) => {
                let mut parts = Vec::new();
                if !s.scope.division_prefix.is_empty() {
                    parts.push(format!("区划 {}*", s.scope.division_prefix));
                }
                if !s.scope.unit_ids.is_empty() {
                    parts.push(format!("指定 {} 个单位", s.scope.unit_ids.len()));
                }
                if s.scope.key_units_only {
                    parts.push("仅重点单位".to_string());
                }
                if s.schedule.is_some() {
                    parts.push("按时段".to_string());
                }
                let scope = if parts.is_empty() {
                    "全部单位".to_string()
                } else {
                    parts.join("，")
                };
                (
                    s.kind.label_zh().to_string(),
                    s.severity.code().to_string(),
                    scope,
                    s.condition.clone(),
                )
            }
            None => (text("/kind/type"), text("/severity"), String::new(), text("/condition")),
        };
        RuleRow {
            code: r.code.clone(),
            title: text("/title"),
            description: text("/description"),
            kind,
            severity: severity_label(&severity_code),
            severity_code,
            enabled: r.enabled,
            version: r.version,
            scope,
            condition,
            created_by: actor_label(&r.created_by),
            created_at: fmt_time(r.created_at),
        }
    }
}

/// The rule editor (the structured form of [`RuleForm`]) and its draft-backtest period.
pub struct Editor {
    /// Where the form posts: `/warning/rules` (new) or `/warning/rules/{code}`.
    pub action: String,
    pub form: RuleForm,
    /// The current version as JSON (export), empty for a new rule.
    pub json: String,
    pub expected_version: i64,
    pub from: String,
    pub to: String,
    pub unit_id: String,
    pub error: Option<String>,
}

impl Editor {
    /// Every kind: (code, zh-CN label).
    pub fn kinds(&self) -> Vec<(&'static str, &'static str)> {
        kinds()
    }

    /// Every severity: (code, zh-CN label).
    pub fn severities(&self) -> Vec<(&'static str, &'static str)> {
        severities()
    }

    /// The editor of the next version of a stored rule, last week as the draft-backtest period.
    pub fn of_stored(r: &StoredRule) -> Editor {
        let p = PeriodForm::last_week();
        let form = match serde_json::from_value::<RuleSpec>(r.spec.clone()) {
            Ok(s) => RuleForm::of_spec(&s),
            Err(_) => RuleForm {
                code: r.code.clone(),
                ..RuleForm::new_rule()
            },
        };
        Editor {
            action: format!("/warning/rules/{}", r.code),
            form,
            json: serde_json::to_string_pretty(&r.spec).unwrap_or_default(),
            expected_version: r.version,
            from: p.from,
            to: p.to,
            unit_id: String::new(),
            error: None,
        }
    }
}

/// A backtest period form (stored rule).
pub struct PeriodForm {
    pub from: String,
    pub to: String,
    pub unit_id: String,
    pub error: Option<String>,
}

impl PeriodForm {
    pub fn last_week() -> PeriodForm {
        let now = Utc::now();
        PeriodForm {
            from: local_input(now - Duration::days(7)),
            to: local_input(now + Duration::minutes(1)),
            unit_id: String::new(),
            error: None,
        }
    }
}

pub struct HitRow {
    pub at: String,
    pub unit_id: String,
    pub unit_name: String,
    pub device: String,
    pub event: String,
    pub detail: String,
    pub new_alert: bool,
}

/// A backtest result as shown.
pub struct BacktestView {
    pub draft: bool,
    pub code: String,
    pub from: String,
    pub to: String,
    pub events_scanned: usize,
    pub hit_count: usize,
    pub alerts: usize,
    pub truncated: bool,
    pub listed: usize,
    pub hits: Vec<HitRow>,
}

impl BacktestView {
    pub fn new(r: BacktestReport, draft: bool) -> BacktestView {
        BacktestView {
            draft,
            code: r.code,
            from: fmt_time(r.from),
            to: fmt_time(r.to),
            events_scanned: r.events_scanned,
            hit_count: r.hit_count,
            alerts: r.alerts,
            truncated: r.truncated,
            listed: r.hits.len(),
            hits: r
                .hits
                .into_iter()
                .map(|h| HitRow {
                    at: fmt_time(h.at),
                    unit_id: h.unit_id,
                    unit_name: h.unit_name,
                    device: if h.device_name.is_empty() {
                        h.device_id
                    } else {
                        h.device_name
                    },
                    event: EventKind::from_code(&h.event_kind)
                        .map(|k| format!("{}（{}）", k.label_zh(), h.event_kind))
                        .unwrap_or(h.event_kind),
                    detail: h.detail,
                    new_alert: h.new_alert,
                })
                .collect(),
        }
    }
}

pub struct ImportView {
    pub created: Vec<String>,
    pub updated: Vec<String>,
    pub unchanged: Vec<String>,
}

impl From<ImportReport> for ImportView {
    fn from(r: ImportReport) -> Self {
        ImportView {
            created: r.created,
            updated: r.updated,
            unchanged: r.unchanged,
        }
    }
}

/// The editor of a new rule, last week as the draft-backtest period.
pub fn new_editor() -> Editor {
    let p = PeriodForm::last_week();
    Editor {
        action: "/warning/rules".into(),
        form: RuleForm::new_rule(),
        json: String::new(),
        expected_version: 0,
        from: p.from,
        to: p.to,
        unit_id: String::new(),
        error: None,
    }
}
