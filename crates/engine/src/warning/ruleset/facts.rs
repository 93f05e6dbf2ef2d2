//! What a condition can see: the named facts of one event (or one silent device).

use chrono::{DateTime, Datelike, Timelike, Utc};
use chrono_tz::Asia::Shanghai;
use evalexpr::error::EvalexprResultValue;
use evalexpr::{Context, DefaultNumericTypes, EvalexprError, EvalexprResult, Value};
use neibao_domain::events::DecodedEvent;
use neibao_domain::registry::ArmedSchedule;

use neibao_domain::warning::schedule::is_armed;

/// The identifiers a condition can use, their type and meaning (shown in the UI and the API).
/// In a meaning, `` `…` `` marks a value as written in a condition (the UI shows it as code).
pub const FACTS: &[(&str, &str, &str)] = &[
    (
        "kind",
        "字符串",
        "事件类型代码，如 `intrusion.field`、`access.denied`、`video.tamper`（见 `docs/EVENTS.md`）",
    ),
    (
        "vendor_type",
        "字符串",
        "设备原始事件类型，如 `linedetection`、`VideoMotion`",
    ),
    ("state", "字符串", "`active`（发生）或 `inactive`（结束）"),
    ("channel", "整数", "通道号；无通道时为 -1"),
    ("region", "字符串", "检测区域、门号或输入口；无时为空串"),
    ("target", "字符串", "检测目标（`human` 人、`vehicle` 车）或车牌号"),
    ("card_no", "字符串", "卡号（仅用于判断，不显示）"),
    ("employee_no", "字符串", "工号/人员编号（仅用于判断，不显示）"),
    ("user_type", "字符串", "人员类型：`normal`（普通）、`visitor`（访客）、`blackList`（黑名单）"),
    ("device_id", "字符串", "设备编号"),
    (
        "device_kind",
        "字符串",
        "设备类别：`camera`（摄像机）、`nvr`（录像机）、`access_terminal`（门禁终端）、`alarm_panel`（报警主机）、`other`（其他）",
    ),
    (
        "device_format",
        "字符串",
        "接入格式：`hikvision`、`dahua`、`onvif`、`frigate`、`gb28181`、`zkteco`、`generic_json`",
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
    (
        "protection_level",
        "整数",
        "单位当前防范等级：0（常态）、1（加强）、2（最高），见 `docs/PROTECTION-LEVELS.md`",
    ),
];

/// Whether `name` is one of the [`FACTS`].
pub(super) fn fact_known(name: &str) -> bool {
    FACTS.iter().any(|(n, _, _)| *n == name)
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
    pub(super) fn probe() -> Facts {
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
            ("protection_level", Value::Int(p.protection_level)),
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

    pub(super) fn key(&self, fields: &[String], default: &[&str]) -> String {
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
