//! Checking a spec and compiling its conditions; what a compiled rule applies to, how it tests
//! an event and fingerprints its alert.

use evalexpr::{build_operator_tree, DefaultNumericTypes, Node, Value};
use neibao_domain::registry::ArmedSchedule;
use sha2::{Digest, Sha256};

use super::facts::{fact_known, Facts};
use super::spec::{RuleKind, RuleSpec, MAX_CONDITION_CHARS, MAX_WINDOW_SECONDS};
use super::when::schedule_active;

fn compile_expr(expr: &str, what: &str) -> Result<Option<Node<DefaultNumericTypes>>, String> {
    let expr = expr.trim();
    if expr.is_empty() {
        return Ok(None);
    }
    if expr.chars().count() > MAX_CONDITION_CHARS {
        return Err(format!("{what}不能超过 {MAX_CONDITION_CHARS} 个字符"));
    }
    let node = build_operator_tree::<DefaultNumericTypes>(expr).map_err(|e| format!("{what}语法错误：{e}"))?;
    for id in node.iter_variable_identifiers() {
        if !fact_known(id) {
            return Err(format!("{what}使用了未知字段「{id}」"));
        }
    }
    if node.iter_write_variable_identifiers().next().is_some() {
        return Err(format!("{what}不能赋值"));
    }
    // A trial run on empty facts catches type and arity errors such as `kind + 1` early.
    let probe = Facts::probe();
    match node.eval_with_context(&probe) {
        Ok(Value::Boolean(_)) => {}
        Ok(other) => return Err(format!("{what}的结果应为真/假，实际为 {other}")),
        // Every fact has a value of its type (empty strings, -1, false), so an error here is an
        // error of the expression: a missing operand, a bad regex, an unknown function.
        Err(e) => return Err(format!("{what}无法求值：{e}")),
    }
    Ok(Some(node))
}

/// A rule ready to evaluate.
#[derive(Debug, Clone)]
pub struct CompiledRule {
    pub spec: RuleSpec,
    /// Version number of the stored rule (0 for a draft under test).
    pub version: i64,
    pub(super) condition: Option<Node<DefaultNumericTypes>>,
    pub(super) then: Option<Node<DefaultNumericTypes>>,
}

/// Validates and compiles a spec. Errors are zh-CN messages.
pub fn compile(spec: &RuleSpec) -> Result<CompiledRule, String> {
    let code_ok = (1..=64).contains(&spec.code.len())
        && spec.code.starts_with(|c: char| c.is_ascii_lowercase())
        && spec
            .code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '-'));
    if !code_ok {
        return Err("规则代码应为 1–64 位小写字母、数字、_ . -，以字母开头".into());
    }
    if crate::alerts::builtin::builtin_rules()
        .iter()
        .any(|r| r.code == spec.code)
    {
        return Err(format!("规则代码「{}」与内置规则重名", spec.code));
    }
    let title = spec.title.trim();
    if title.is_empty() || title.chars().count() > 100 || !neibao_domain::text::text_is_clean(title) {
        return Err("规则名称应为 1–100 个字符且不含控制字符".into());
    }
    if spec.description.chars().count() > 1000 || !neibao_domain::text::text_is_clean(&spec.description) {
        return Err("规则说明不能超过 1000 个字符且不含控制字符".into());
    }
    let window_ok = |s: u64| (1..=MAX_WINDOW_SECONDS).contains(&s);
    let mut then = None;
    match &spec.kind {
        RuleKind::Match => {}
        RuleKind::Threshold {
            count,
            window_seconds,
            key,
        } => {
            if !(2..=100_000).contains(count) || !window_ok(*window_seconds) {
                return Err("阈值规则的次数应为 2–100000，时间窗口应为 1 秒至 7 天".into());
            }
            check_fields(key)?;
        }
        RuleKind::Sequence {
            then: t,
            within_seconds,
            key,
        } => {
            if !window_ok(*within_seconds) {
                return Err("顺序规则的时间窗口应为 1 秒至 7 天".into());
            }
            then = compile_expr(t, "后续条件")?;
            if then.is_none() {
                return Err("顺序规则需要后续条件（then）".into());
            }
            check_fields(key)?;
        }
        RuleKind::Absence { silence_seconds } => {
            if !(60..=MAX_WINDOW_SECONDS).contains(silence_seconds) {
                return Err("离线规则的静默时长应为 60 秒至 7 天".into());
            }
        }
        RuleKind::Correlation {
            subject,
            units,
            window_seconds,
        } => {
            if !fact_known(subject) {
                return Err(format!("关联对象字段「{subject}」未知"));
            }
            if !(2..=1000).contains(units) || !window_ok(*window_seconds) {
                return Err("关联规则的单位数应为 2–1000，时间窗口应为 1 秒至 7 天".into());
            }
        }
    }
    check_fields(&spec.group_by)?;
    if let Some(s) = &spec.schedule {
        neibao_domain::warning::schedule::validate(&ArmedSchedule {
            periods: s.weekly.clone(),
        })?;
        if s.one_off.iter().any(|w| w.to <= w.from) {
            return Err("临时时段的结束时间应晚于开始时间".into());
        }
        if s.holidays.len() > 400 || s.one_off.len() > 400 {
            return Err("节假日和临时时段各最多 400 个".into());
        }
    }
    if !spec.scope.division_prefix.chars().all(|c| c.is_ascii_digit()) || spec.scope.division_prefix.len() > 12 {
        return Err("适用范围的区划代码前缀应为数字".into());
    }
    Ok(CompiledRule {
        condition: compile_expr(&spec.condition, "条件")?,
        then,
        spec: spec.clone(),
        version: 0,
    })
}

fn check_fields(fields: &[String]) -> Result<(), String> {
    if fields.len() > 8 {
        return Err("分组字段最多 8 个".into());
    }
    match fields.iter().find(|f| !fact_known(f)) {
        Some(f) => Err(format!("分组字段「{f}」未知")),
        None => Ok(()),
    }
}

impl CompiledRule {
    pub(super) fn applies(&self, f: &Facts) -> bool {
        let sc = &self.spec.scope;
        if !sc.division_prefix.is_empty() && !f.text("division").starts_with(&sc.division_prefix) {
            return false;
        }
        if !sc.unit_ids.is_empty() && !sc.unit_ids.iter().any(|u| *u == f.text("unit_id")) {
            return false;
        }
        if sc.key_units_only && f.text("key_unit") != "true" {
            return false;
        }
        self.spec
            .schedule
            .as_ref()
            .is_none_or(|s| schedule_active(s, f.unit_schedule.as_ref(), f.at))
    }

    pub(super) fn test(node: &Option<Node<DefaultNumericTypes>>, f: &Facts) -> bool {
        match node {
            None => true,
            // A runtime error (e.g. a type mismatch on this event's values) means "no match".
            Some(n) => n.eval_boolean_with_context(f).unwrap_or(false),
        }
    }

    pub(super) fn fingerprint(&self, f: &Facts, default: &[&str]) -> String {
        let mut h = Sha256::new();
        h.update(b"rule\0");
        h.update(self.spec.code.as_bytes());
        h.update([0u8]);
        h.update(f.key(&self.spec.group_by, default).as_bytes());
        hex::encode(&h.finalize()[..16])
    }
}
