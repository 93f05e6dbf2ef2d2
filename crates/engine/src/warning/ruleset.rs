//! Early-warning rules as data (issue 4): stored, versioned rule specifications with conditions
//! written in the [`evalexpr`] expression language, evaluated on every new event occurrence.
//!
//! A rule ([`RuleSpec`], stored as JSON, one row per version) has:
//! - a **condition** over the event's [facts](FACTS) (`kind == "access.door_forced" && key_unit`);
//!   empty means "every event";
//! - a **kind** ([`RuleKind`]): `match` (each matching event), `threshold` (N matching events in T
//!   per key), `sequence` (a matching event, then one matching `then`, within T per key),
//!   `absence` (a device silent for T: evaluated by the periodic sweep, not per event) and
//!   `correlation` (the same subject, e.g. a plate or card number, at k different units within T);
//! - a **scope** (division-code prefix, units, key units only);
//! - an optional **schedule** ([`RuleSchedule`]): weekly periods, holidays, one-off windows, or the
//!   unit's own armed schedule;
//! - **grouping**: the fields whose values form the alert fingerprint (dedup key);
//! - a **severity**.
//!
//! Suppression windows (maintenance, a registered visit) are applied by the pipeline after the
//! rules ([`suppressed`]).
//!
//! The engine keeps the sliding windows of threshold, sequence and correlation rules in memory on
//! each node ([`RuleEngine`]). All time comes from the caller (the event's receive time), so the
//! same code runs live, in tests with a controlled clock, and in backtests over stored events.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, RwLock};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Timelike, Utc};
use chrono_tz::Asia::Shanghai;
use evalexpr::error::EvalexprResultValue;
use evalexpr::{build_operator_tree, Context, DefaultNumericTypes, EvalexprError, EvalexprResult, Node, Value};
use neibao_domain::alerts::Severity;
use neibao_domain::events::DecodedEvent;
use neibao_domain::registry::{ArmedPeriod, ArmedSchedule};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::warning::schedule::is_armed;

/// Longest accepted condition, in characters.
pub const MAX_CONDITION_CHARS: usize = 2_000;
/// Longest accepted window (threshold, sequence, correlation, absence): 7 days, in seconds.
pub const MAX_WINDOW_SECONDS: u64 = 7 * 24 * 3600;
/// At most this many rules are loaded at once.
pub const MAX_RULES: usize = 2_000;
/// Per-node cap on remembered (rule, key) windows; older state is dropped beyond it.
pub const MAX_STATE_KEYS: usize = 200_000;

/// The identifiers a condition can use, their type and meaning (shown in the UI and the API).
pub const FACTS: &[(&str, &str, &str)] = &[
    (
        "kind",
        "字符串",
        "事件类型代码，如 intrusion.field、access.denied、video.tamper（见 docs/EVENTS.md）",
    ),
    (
        "vendor_type",
        "字符串",
        "设备原始事件类型，如 linedetection、VideoMotion",
    ),
    ("state", "字符串", "active 或 inactive"),
    ("channel", "整数", "通道号；无通道时为 -1"),
    ("region", "字符串", "检测区域、门号或输入口；无时为空串"),
    ("target", "字符串", "检测目标（human、vehicle）或车牌号"),
    ("card_no", "字符串", "卡号（仅用于判断，不显示）"),
    ("employee_no", "字符串", "工号/人员编号（仅用于判断，不显示）"),
    ("user_type", "字符串", "人员类型：normal、visitor、blackList"),
    ("device_id", "字符串", "设备编号"),
    (
        "device_kind",
        "字符串",
        "设备类别：camera、nvr、access_terminal、alarm_panel、other",
    ),
    (
        "device_format",
        "字符串",
        "接入格式：hikvision、dahua、onvif、frigate、gb28181、zkteco、generic_json",
    ),
    ("unit_id", "字符串", "单位编号"),
    ("unit_kind", "字符串", "单位类别代码"),
    ("division", "字符串", "单位所在行政区划代码（6位）"),
    ("key_unit", "布尔", "是否重点单位"),
    ("counter_terror", "布尔", "是否反恐怖防范重点目标"),
    ("in_key_area", "布尔", "设备是否在重要部位"),
    ("key_area", "字符串", "重要部位名称；无时为空串"),
    ("unit_armed", "布尔", "此刻是否在单位的布防时段内"),
    ("hour", "整数", "北京时间小时 0–23"),
    ("weekday", "整数", "北京时间星期 1（周一）–7（周日）"),
    ("silence_seconds", "整数", "设备静默秒数（仅离线规则；其他为 -1）"),
];

/// What a rule looks at over time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RuleKind {
    /// Every event that meets the condition.
    Match,
    /// `count` events meeting the condition within `window_seconds`, counted per value of `key`
    /// (fields; empty = per device).
    Threshold {
        count: u32,
        window_seconds: u64,
        #[serde(default)]
        key: Vec<String>,
    },
    /// An event meeting the condition, then within `within_seconds` one meeting `then`, per `key`
    /// (fields; empty = per unit).
    Sequence {
        then: String,
        within_seconds: u64,
        #[serde(default)]
        key: Vec<String>,
    },
    /// No event or heartbeat from a device for `silence_seconds` (device offline). The condition
    /// sees only device and unit facts. Checked by the periodic sweep.
    Absence { silence_seconds: u64 },
    /// The same value of `subject` (a field such as `target`, `card_no`) seen at `units`
    /// different units within `window_seconds`.
    Correlation {
        subject: String,
        units: u32,
        window_seconds: u64,
    },
}

impl RuleKind {
    /// Stable code of the kind.
    pub fn code(&self) -> &'static str {
        match self {
            RuleKind::Match => "match",
            RuleKind::Threshold { .. } => "threshold",
            RuleKind::Sequence { .. } => "sequence",
            RuleKind::Absence { .. } => "absence",
            RuleKind::Correlation { .. } => "correlation",
        }
    }
    /// zh-CN label.
    pub fn label_zh(&self) -> &'static str {
        match self {
            RuleKind::Match => "单事件匹配",
            RuleKind::Threshold { .. } => "阈值（T内N次）",
            RuleKind::Sequence { .. } => "先后顺序（A后T内B）",
            RuleKind::Absence { .. } => "静默/离线",
            RuleKind::Correlation { .. } => "跨单位关联",
        }
    }
}

/// Which events a rule applies to. Empty fields do not restrict.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RuleScope {
    /// Division-code prefix (e.g. `3301` = 杭州市); the unit's division must start with it.
    pub division_prefix: String,
    /// Only these units (ids).
    pub unit_ids: Vec<String>,
    /// Only key units (重点单位).
    pub key_units_only: bool,
}

/// A one-off window in which the rule is armed (`armed = true`) or disarmed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OneOffWindow {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub armed: bool,
}

/// When a rule is armed, in Beijing time. Precedence: a one-off window containing the instant;
/// then a holiday (the whole day armed when `holiday_armed`, else disarmed); then the unit's armed
/// schedule when `use_unit_schedule` (disarmed when the unit has none); then the weekly periods
/// (armed always when there are none). With `holidays_only`, days that are not holidays are
/// disarmed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RuleSchedule {
    pub weekly: Vec<ArmedPeriod>,
    #[schema(value_type = Vec<String>)]
    pub holidays: Vec<NaiveDate>,
    pub holiday_armed: bool,
    /// Armed on holidays only (other days disarmed).
    pub holidays_only: bool,
    pub one_off: Vec<OneOffWindow>,
    pub use_unit_schedule: bool,
}

/// A rule as stored (JSON), one version of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RuleSpec {
    /// Stable identifier: 1–64 of `a-z 0-9 _ . -`, starting with a letter.
    pub code: String,
    /// zh-CN title shown on alerts.
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default = "yes")]
    pub enabled: bool,
    #[schema(value_type = String)]
    pub severity: Severity,
    pub kind: RuleKind,
    /// evalexpr expression over [`FACTS`]; empty = always true.
    #[serde(default)]
    pub condition: String,
    #[serde(default)]
    pub scope: RuleScope,
    #[serde(default)]
    pub schedule: Option<RuleSchedule>,
    /// Fields whose values make the alert fingerprint (events with equal values fold into one
    /// open alert). Empty: device, channel and region (per key for threshold/sequence, per
    /// subject for correlation).
    #[serde(default)]
    pub group_by: Vec<String>,
}

fn yes() -> bool {
    true
}

/// A file of rules (`neibao rules import FILE`, `POST /api/v1/rules/import`): `{"rules": [...]}`
/// or a bare array.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RuleFile {
    Wrapped { rules: Vec<RuleSpec> },
    Bare(Vec<RuleSpec>),
}

impl RuleFile {
    /// Parses a rule file (JSON). Errors are zh-CN.
    pub fn parse(bytes: &[u8]) -> Result<Vec<RuleSpec>, String> {
        let f: RuleFile =
            serde_json::from_slice(bytes).map_err(|e| format!("规则文件不是有效的 JSON 规则列表：{e}"))?;
        let rules = match f {
            RuleFile::Wrapped { rules } | RuleFile::Bare(rules) => rules,
        };
        if rules.len() > MAX_RULES {
            return Err(format!("规则文件最多 {MAX_RULES} 条规则"));
        }
        let mut seen = HashSet::new();
        for r in &rules {
            if !seen.insert(r.code.as_str()) {
                return Err(format!("规则代码「{}」重复", r.code));
            }
            compile(r).map_err(|e| format!("规则「{}」：{e}", r.code))?;
        }
        Ok(rules)
    }
}

fn fact_known(name: &str) -> bool {
    FACTS.iter().any(|(n, _, _)| *n == name)
}

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
    condition: Option<Node<DefaultNumericTypes>>,
    then: Option<Node<DefaultNumericTypes>>,
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
        crate::warning::schedule::validate(&ArmedSchedule {
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

/// Everything a condition can see about one event (or, for absence rules, one device).
#[derive(Debug, Clone)]
pub struct Facts {
    values: Vec<(&'static str, Value<DefaultNumericTypes>)>,
    /// Receive time of the event (or the sweep time).
    pub at: DateTime<Utc>,
    /// The unit's own armed schedule, for `use_unit_schedule`.
    pub unit_schedule: Option<ArmedSchedule>,
}

/// Where an event happened: device, unit and key-area attributes.
pub use neibao_domain::devices::DevicePlacement as Placement;

impl Facts {
    fn probe() -> Facts {
        Facts::device(&Placement::default(), 0, DateTime::<Utc>::UNIX_EPOCH)
    }

    fn base(p: &Placement, at: DateTime<Utc>) -> Vec<(&'static str, Value<DefaultNumericTypes>)> {
        let local = at.with_timezone(&Shanghai);
        let s = |v: &str| Value::String(v.to_string());
        vec![
            ("device_id", s(&p.device_id)),
            ("device_kind", s(&p.device_kind)),
            ("device_format", s(&p.device_format)),
            ("unit_id", s(&p.unit_id)),
            ("unit_kind", s(&p.unit_kind)),
            ("division", s(&p.division_code)),
            ("key_unit", Value::Boolean(p.key_unit)),
            ("counter_terror", Value::Boolean(p.counter_terror)),
            ("in_key_area", Value::Boolean(p.key_area.is_some())),
            ("key_area", s(p.key_area.as_deref().unwrap_or(""))),
            (
                "unit_armed",
                Value::Boolean(p.armed_schedule.as_ref().is_some_and(|sch| is_armed(sch, at))),
            ),
            ("hour", Value::Int(local.hour() as i64)),
            ("weekday", Value::Int(local.weekday().number_from_monday() as i64)),
        ]
    }

    /// Facts of one decoded event at `placement`, received at `at`.
    pub fn event(p: &Placement, ev: &DecodedEvent, at: DateTime<Utc>) -> Facts {
        let s = |v: Option<&str>| Value::String(v.unwrap_or("").to_string());
        let mut values = Facts::base(p, at);
        values.extend([
            ("kind", Value::String(ev.kind.code().to_string())),
            ("vendor_type", Value::String(ev.vendor_type.clone())),
            ("state", Value::String(ev.state.code().to_string())),
            ("channel", Value::Int(ev.channel.map(i64::from).unwrap_or(-1))),
            ("region", s(ev.region.as_deref())),
            ("target", s(ev.target.as_deref())),
            ("card_no", s(ev.person.card_no.as_deref())),
            ("employee_no", s(ev.person.employee_no.as_deref())),
            ("user_type", s(ev.person.user_type.as_deref())),
            ("silence_seconds", Value::Int(-1)),
        ]);
        Facts {
            values,
            at,
            unit_schedule: p.armed_schedule.clone(),
        }
    }

    /// Facts of a device that has been silent for `silence_seconds` (absence rules).
    pub fn device(p: &Placement, silence_seconds: i64, at: DateTime<Utc>) -> Facts {
        let mut values = Facts::base(p, at);
        let empty = Value::String(String::new());
        values.extend([
            ("kind", empty.clone()),
            ("vendor_type", empty.clone()),
            ("state", empty.clone()),
            ("channel", Value::Int(-1)),
            ("region", empty.clone()),
            ("target", empty.clone()),
            ("card_no", empty.clone()),
            ("employee_no", empty.clone()),
            ("user_type", empty),
            ("silence_seconds", Value::Int(silence_seconds)),
        ]);
        Facts {
            values,
            at,
            unit_schedule: p.armed_schedule.clone(),
        }
    }

    /// The value of a fact as text (for keys and fingerprints).
    pub fn text(&self, name: &str) -> String {
        match self.get_value(name) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Int(i)) => i.to_string(),
            Some(Value::Boolean(b)) => b.to_string(),
            Some(v) => v.to_string(),
            None => String::new(),
        }
    }

    fn key(&self, fields: &[String], default: &[&str]) -> String {
        let mut out = String::new();
        let mut push = |f: &str| {
            out.push_str(&self.text(f));
            out.push('\u{1f}');
        };
        if fields.is_empty() {
            default.iter().for_each(|f| push(f));
        } else {
            fields.iter().for_each(|f| push(f));
        }
        out
    }
}

impl Context for Facts {
    type NumericTypes = DefaultNumericTypes;
    fn get_value(&self, identifier: &str) -> Option<&Value<DefaultNumericTypes>> {
        self.values.iter().find(|(n, _)| *n == identifier).map(|(_, v)| v)
    }
    fn call_function(
        &self,
        identifier: &str,
        _argument: &Value<DefaultNumericTypes>,
    ) -> EvalexprResultValue<DefaultNumericTypes> {
        Err(EvalexprError::FunctionIdentifierNotFound(identifier.to_string()))
    }
    fn are_builtin_functions_disabled(&self) -> bool {
        false
    }
    fn set_builtin_functions_disabled(&mut self, disabled: bool) -> EvalexprResult<(), DefaultNumericTypes> {
        if disabled {
            Err(EvalexprError::BuiltinFunctionsCannotBeDisabled)
        } else {
            Ok(())
        }
    }
}

/// Is `at` inside the schedule? See [`RuleSchedule`] for the precedence.
pub fn schedule_active(s: &RuleSchedule, unit_schedule: Option<&ArmedSchedule>, at: DateTime<Utc>) -> bool {
    if let Some(w) = s.one_off.iter().find(|w| w.from <= at && at < w.to) {
        return w.armed;
    }
    if s.holidays.contains(&at.with_timezone(&Shanghai).date_naive()) {
        return s.holiday_armed;
    }
    if s.holidays_only {
        return false;
    }
    if s.use_unit_schedule {
        return unit_schedule.is_some_and(|u| is_armed(u, at));
    }
    s.weekly.is_empty()
        || is_armed(
            &ArmedSchedule {
                periods: s.weekly.clone(),
            },
            at,
        )
}

impl CompiledRule {
    fn applies(&self, f: &Facts) -> bool {
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

    fn test(node: &Option<Node<DefaultNumericTypes>>, f: &Facts) -> bool {
        match node {
            None => true,
            // A runtime error (e.g. a type mismatch on this event's values) means "no match".
            Some(n) => n.eval_boolean_with_context(f).unwrap_or(false),
        }
    }

    fn fingerprint(&self, f: &Facts, default: &[&str]) -> String {
        let mut h = Sha256::new();
        h.update(b"rule\0");
        h.update(self.spec.code.as_bytes());
        h.update([0u8]);
        h.update(f.key(&self.spec.group_by, default).as_bytes());
        hex::encode(&h.finalize()[..16])
    }
}

/// One alert a data rule wants raised.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleHit {
    pub code: String,
    pub version: i64,
    pub title: String,
    pub severity: Severity,
    pub fingerprint: String,
    /// zh-CN explanation (what was counted, over which window).
    pub detail: String,
}

/// (unit, time) sightings of one subject, oldest first.
type Sightings = VecDeque<(String, DateTime<Utc>)>;

#[derive(Default)]
struct State {
    /// (rule, key) → times of matching events within the window.
    windows: HashMap<(String, String), VecDeque<DateTime<Utc>>>,
    /// (rule, key) → time of the first step of a sequence.
    first: HashMap<(String, String), DateTime<Utc>>,
    /// (rule, subject) → (unit, time) sightings within the window.
    sightings: HashMap<(String, String), Sightings>,
}

impl State {
    fn len(&self) -> usize {
        self.windows.len() + self.first.len() + self.sightings.len()
    }
    /// Drops state older than `horizon` (the longest window), then everything if still too big.
    fn prune(&mut self, now: DateTime<Utc>, horizon: Duration) {
        let cutoff = now - horizon;
        self.windows.retain(|_, q| q.back().is_some_and(|t| *t >= cutoff));
        self.first.retain(|_, t| *t >= cutoff);
        self.sightings
            .retain(|_, q| q.back().is_some_and(|(_, t)| *t >= cutoff));
        if self.len() > MAX_STATE_KEYS {
            *self = State::default();
        }
    }
}

/// The loaded rule set and its sliding-window state. Cheap to clone (shared).
#[derive(Clone, Default)]
pub struct RuleEngine {
    rules: Arc<RwLock<Arc<Vec<CompiledRule>>>>,
    state: Arc<Mutex<State>>,
}

impl RuleEngine {
    /// An engine with the given compiled rules.
    pub fn with_rules(rules: Vec<CompiledRule>) -> RuleEngine {
        let e = RuleEngine::default();
        e.load(rules);
        e
    }

    /// Replaces the rule set (window state of rules that remain is kept).
    pub fn load(&self, rules: Vec<CompiledRule>) {
        *self.rules.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(rules);
    }

    /// The loaded rules.
    pub fn rules(&self) -> Arc<Vec<CompiledRule>> {
        self.rules.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Evaluates every enabled event rule (not absence rules) on one new event occurrence.
    pub fn evaluate(&self, f: &Facts) -> Vec<RuleHit> {
        let rules = self.rules();
        let mut hits = Vec::new();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.len() > MAX_STATE_KEYS / 2 {
            state.prune(f.at, Duration::seconds(MAX_WINDOW_SECONDS as i64));
        }
        for r in rules.iter().filter(|r| r.spec.enabled) {
            if matches!(r.spec.kind, RuleKind::Absence { .. }) || !r.applies(f) {
                continue;
            }
            let code = &r.spec.code;
            let hit = |detail: String, default: &[&str]| RuleHit {
                code: code.clone(),
                version: r.version,
                title: r.spec.title.clone(),
                severity: r.spec.severity,
                fingerprint: r.fingerprint(f, default),
                detail,
            };
            match &r.spec.kind {
                RuleKind::Match => {
                    if CompiledRule::test(&r.condition, f) {
                        hits.push(hit(String::new(), &["device_id", "channel", "region"]));
                    }
                }
                RuleKind::Threshold {
                    count,
                    window_seconds,
                    key,
                } => {
                    if !CompiledRule::test(&r.condition, f) {
                        continue;
                    }
                    let k = f.key(key, &["device_id"]);
                    let q = state.windows.entry((code.clone(), k)).or_default();
                    let cutoff = f.at - Duration::seconds(*window_seconds as i64);
                    while q.front().is_some_and(|t| *t <= cutoff) {
                        q.pop_front();
                    }
                    q.push_back(f.at);
                    while q.len() > *count as usize * 2 {
                        q.pop_front();
                    }
                    if q.len() >= *count as usize {
                        let default: Vec<&str> = if key.is_empty() {
                            vec!["device_id"]
                        } else {
                            key.iter().map(String::as_str).collect()
                        };
                        hits.push(hit(
                            format!("{} 秒内 {} 次（阈值 {count}）", window_seconds, q.len()),
                            &default,
                        ));
                    }
                }
                RuleKind::Sequence {
                    within_seconds, key, ..
                } => {
                    let k = f.key(key, &["unit_id"]);
                    let slot = (code.clone(), k);
                    if CompiledRule::test(&r.then, f) {
                        if let Some(t0) = state.first.get(&slot).copied() {
                            if f.at - t0 <= Duration::seconds(*within_seconds as i64) && f.at >= t0 {
                                state.first.remove(&slot);
                                let default: Vec<&str> = if key.is_empty() {
                                    vec!["unit_id"]
                                } else {
                                    key.iter().map(String::as_str).collect()
                                };
                                hits.push(hit(
                                    format!("前序事件后 {} 秒内出现后续事件", (f.at - t0).num_seconds()),
                                    &default,
                                ));
                                continue;
                            }
                        }
                    }
                    if CompiledRule::test(&r.condition, f) {
                        state.first.insert(slot, f.at);
                    }
                }
                RuleKind::Correlation {
                    subject,
                    units,
                    window_seconds,
                } => {
                    let who = f.text(subject);
                    if who.is_empty() || !CompiledRule::test(&r.condition, f) {
                        continue;
                    }
                    let q = state.sightings.entry((code.clone(), who)).or_default();
                    let cutoff = f.at - Duration::seconds(*window_seconds as i64);
                    while q.front().is_some_and(|(_, t)| *t <= cutoff) {
                        q.pop_front();
                    }
                    let unit = f.text("unit_id");
                    q.retain(|(u, _)| *u != unit);
                    q.push_back((unit, f.at));
                    if q.len() > 1000 {
                        q.pop_front();
                    }
                    if q.len() >= *units as usize {
                        hits.push(hit(
                            format!("{} 秒内在 {} 个单位出现（阈值 {units}）", window_seconds, q.len()),
                            &[subject.as_str()],
                        ));
                    }
                }
                RuleKind::Absence { .. } => {}
            }
        }
        hits
    }

    /// Evaluates absence rules for one device silent for `silence_seconds` at `f.at` (facts from
    /// [`Facts::device`]).
    pub fn evaluate_absence(&self, f: &Facts, silence_seconds: i64) -> Vec<RuleHit> {
        self.rules()
            .iter()
            .filter(|r| r.spec.enabled && r.applies(f))
            .filter_map(|r| match r.spec.kind {
                RuleKind::Absence { silence_seconds: limit }
                    if silence_seconds >= limit as i64 && CompiledRule::test(&r.condition, f) =>
                {
                    Some(RuleHit {
                        code: r.spec.code.clone(),
                        version: r.version,
                        title: r.spec.title.clone(),
                        severity: r.spec.severity,
                        fingerprint: r.fingerprint(f, &["device_id"]),
                        detail: format!("设备已静默 {} 分钟（阈值 {} 分钟）", silence_seconds / 60, limit / 60),
                    })
                }
                _ => None,
            })
            .collect()
    }

    /// The shortest silence any enabled absence rule waits for, if there is one (the sweep
    /// looks only at devices silent at least this long).
    pub fn min_absence_seconds(&self) -> Option<u64> {
        self.rules()
            .iter()
            .filter(|r| r.spec.enabled)
            .filter_map(|r| match r.spec.kind {
                RuleKind::Absence { silence_seconds } => Some(silence_seconds),
                _ => None,
            })
            .min()
    }
}

pub use neibao_domain::warning::SuppressionWindow;

/// Suppression reasons: code and zh-CN label.
pub const SUPPRESSION_REASONS: &[(&str, &str)] =
    &[("maintenance", "维护检修"), ("visit", "登记来访"), ("other", "其他")];

/// Is an alert of `rule` from `device_id` at `at` suppressed by one of `windows` (those of its unit)?
pub fn suppressed(windows: &[SuppressionWindow], device_id: Option<&str>, rule: &str, at: DateTime<Utc>) -> bool {
    windows.iter().any(|w| {
        w.from <= at
            && at < w.to
            && w.device_id.as_deref().is_none_or(|d| Some(d) == device_id)
            && w.rule.as_deref().is_none_or(|r| r == rule)
    })
}

#[cfg(test)]
mod tests;
