//! The kinds of filing, their required content and their deadline rules.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{DomainError, ErrorCode};

/// Days before the due date the unit is reminded (the first reminder; the second is sent when
/// the due date has passed without a submission).
pub const REMIND_DAYS_BEFORE: u64 = 7;

/// The day the 2025 video-system regulation took effect (R50): systems in use before it are
/// filed within 90 days of it.
pub fn video_regulation_start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 4, 1).unwrap_or_default()
}

/// Which police level receives a kind of filing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Receiver {
    /// 设区的市级公安机关 (R57: own-hired guards).
    City,
    /// 县级以上公安机关 (R16, R41, R50).
    County,
}

impl Receiver {
    pub fn label_zh(self) -> &'static str {
        match self {
            Receiver::City => "设区的市级公安机关",
            Receiver::County => "县级以上公安机关",
        }
    }
}

/// A kind of filing (备案类别).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FilingKind {
    /// 重点单位保卫机构及人员配备备案 (R16, Decree 421 Art 6 ¶2): no statutory deadline; refiled
    /// on change.
    SecurityBody,
    /// 自行招用保安员备案 (R57, 保安服务管理条例 Art 14): within 30 days of starting guard service.
    GuardStart,
    /// 自行招用保安员撤销备案 (R57, Art 15): within 30 days of stopping guard service.
    GuardStop,
    /// 公共安全视频图像信息系统备案 (R50, 公共安全视频图像信息系统管理条例 Art 14): within 30 days of
    /// going into use; systems in use before 2025-04-01 within 90 days of that date.
    VideoSystem,
    /// 公共安全视频图像信息系统变更备案 (R50): within 30 days of the change.
    VideoChange,
    /// 防范恐怖袭击重点目标工作落实情况报告 (R41(5), 反恐怖主义法 Art 32 ¶1(5)): the law says
    /// "periodically" without a period; due 30 days after the end of the reporting period.
    CounterTerrorReport,
}

/// One field of a kind's required content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldSpec {
    /// Key in the filing's `content`.
    pub key: &'static str,
    /// What a person reads.
    pub label: &'static str,
    /// Longest value (characters).
    pub max: usize,
    /// Whether the value must be a date (YYYY-MM-DD).
    pub date: bool,
    /// Whether the value must be a whole number ≥ 0.
    pub number: bool,
}

const fn text(key: &'static str, label: &'static str, max: usize) -> FieldSpec {
    FieldSpec {
        key,
        label,
        max,
        date: false,
        number: false,
    }
}
const fn date(key: &'static str, label: &'static str) -> FieldSpec {
    FieldSpec {
        key,
        label,
        max: 10,
        date: true,
        number: false,
    }
}
const fn number(key: &'static str, label: &'static str) -> FieldSpec {
    FieldSpec {
        key,
        label,
        max: 9,
        date: false,
        number: true,
    }
}

const SECURITY_BODY: &[FieldSpec] = &[
    text("body_name", "保卫机构名称", 100),
    text("head_name", "保卫负责人姓名", 50),
    number("full_time_staff", "专职保卫人员数"),
    number("part_time_staff", "兼职保卫人员数"),
    text("duties", "机构职责和人员配备说明", 2000),
];
const GUARD_START: &[FieldSpec] = &[
    text("legal_person_proof", "法人资格证明（名称和编号）", 200),
    text("principal_name", "主要负责人姓名", 50),
    text("deputy_name", "分管负责人姓名", 50),
    number("guard_count", "保安员人数"),
    text("guard_list", "保安员姓名和保安员证号", 2000),
    text("service_area", "保安服务区域", 500),
    text("rules", "保安服务管理制度", 2000),
    date("started_on", "开始保安服务日期"),
];
const GUARD_STOP: &[FieldSpec] = &[date("stopped_on", "停止保安服务日期"), text("reason", "停止原因", 500)];
const VIDEO_SYSTEM: &[FieldSpec] = &[
    text("system_name", "系统名称", 100),
    text("locations", "安装位置", 2000),
    number("camera_count", "摄像机数量"),
    text("device_types", "设备类型", 500),
    number("storage_days", "图像信息存储期限（天）"),
    date("in_use_on", "投入使用日期"),
];
const VIDEO_CHANGE: &[FieldSpec] = &[
    text("change", "变更内容", 2000),
    number("camera_count", "变更后摄像机数量"),
    number("storage_days", "图像信息存储期限（天）"),
    date("changed_on", "变更日期"),
];
const COUNTER_TERROR_REPORT: &[FieldSpec] = &[
    text("period", "报告期", 50),
    text("plans_and_drills", "预案制定和培训演练情况", 2000),
    text("budget_and_equipment", "经费保障和防范设施配备情况", 2000),
    text("responsible", "责任机构和人员落实情况", 1000),
    text("risk_assessment", "风险评估和安全管理情况", 2000),
];

impl FilingKind {
    pub const ALL: [FilingKind; 6] = [
        FilingKind::SecurityBody,
        FilingKind::GuardStart,
        FilingKind::GuardStop,
        FilingKind::VideoSystem,
        FilingKind::VideoChange,
        FilingKind::CounterTerrorReport,
    ];

    /// Stable code, as stored.
    pub fn code(self) -> &'static str {
        match self {
            FilingKind::SecurityBody => "security_body",
            FilingKind::GuardStart => "guard_start",
            FilingKind::GuardStop => "guard_stop",
            FilingKind::VideoSystem => "video_system",
            FilingKind::VideoChange => "video_change",
            FilingKind::CounterTerrorReport => "counter_terror_report",
        }
    }

    pub fn from_code(s: &str) -> Option<FilingKind> {
        FilingKind::ALL.into_iter().find(|k| k.code() == s)
    }

    /// What a person reads.
    pub fn label_zh(self) -> &'static str {
        match self {
            FilingKind::SecurityBody => "保卫机构和人员配备备案",
            FilingKind::GuardStart => "自行招用保安员备案",
            FilingKind::GuardStop => "自行招用保安员撤销备案",
            FilingKind::VideoSystem => "公共安全视频图像信息系统备案",
            FilingKind::VideoChange => "视频图像信息系统变更备案",
            FilingKind::CounterTerrorReport => "反恐怖重点目标工作落实情况报告",
        }
    }

    /// The article it rests on, as a person reads it.
    pub fn article_zh(self) -> &'static str {
        match self {
            FilingKind::SecurityBody => "《企业事业单位内部治安保卫条例》第六条第二款",
            FilingKind::GuardStart => "《保安服务管理条例》第十四条",
            FilingKind::GuardStop => "《保安服务管理条例》第十四条",
            FilingKind::VideoSystem | FilingKind::VideoChange => "《公共安全视频图像信息系统管理条例》第十四条",
            FilingKind::CounterTerrorReport => "《中华人民共和国反恐怖主义法》第三十二条第一款第五项",
        }
    }

    /// What the trigger date is, as a person reads it.
    pub fn trigger_label_zh(self) -> &'static str {
        match self {
            FilingKind::SecurityBody => "机构设立或变更日期",
            FilingKind::GuardStart => "开始保安服务日期",
            FilingKind::GuardStop => "停止保安服务日期",
            FilingKind::VideoSystem => "系统投入使用日期",
            FilingKind::VideoChange => "系统变更日期",
            FilingKind::CounterTerrorReport => "报告期截止日期",
        }
    }

    /// Which police level receives it.
    pub fn receiver(self) -> Receiver {
        match self {
            FilingKind::GuardStart | FilingKind::GuardStop => Receiver::City,
            _ => Receiver::County,
        }
    }

    /// The required content (every field is required at submission).
    pub fn fields(self) -> &'static [FieldSpec] {
        match self {
            FilingKind::SecurityBody => SECURITY_BODY,
            FilingKind::GuardStart => GUARD_START,
            FilingKind::GuardStop => GUARD_STOP,
            FilingKind::VideoSystem => VIDEO_SYSTEM,
            FilingKind::VideoChange => VIDEO_CHANGE,
            FilingKind::CounterTerrorReport => COUNTER_TERROR_REPORT,
        }
    }

    /// The due date of a filing triggered on `trigger`: 30 days after it (R50, R57; R41(5)
    /// proposed); a video system in use before 2025-04-01 within 90 days of that date (R50);
    /// `None` for the security body (R16: no statutory deadline).
    pub fn due_on(self, trigger: NaiveDate) -> Option<NaiveDate> {
        let plus = |d: NaiveDate, n: u64| d.checked_add_days(Days::new(n));
        match self {
            FilingKind::SecurityBody => None,
            FilingKind::VideoSystem if trigger < video_regulation_start() => plus(video_regulation_start(), 90),
            _ => plus(trigger, 30),
        }
    }

    /// The deadline rule as a person reads it.
    pub fn rule_zh(self) -> &'static str {
        match self {
            FilingKind::SecurityBody => "无法定期限；机构或人员变更后重新备案",
            FilingKind::GuardStart => "开始保安服务之日起30日内",
            FilingKind::GuardStop => "停止保安服务之日起30日内",
            FilingKind::VideoSystem => "投入使用之日起30日内（2025年4月1日前已投入使用的，自该日起90日内）",
            FilingKind::VideoChange => "变更之日起30日内",
            FilingKind::CounterTerrorReport => "报告期截止之日起30日内",
        }
    }
}

/// Checks a filing's content for submission: every field of `kind` present and well formed,
/// nothing else. Refused with `validation_failed` naming the first wrong field.
pub fn check_content(kind: FilingKind, content: &BTreeMap<String, String>, complete: bool) -> Result<(), DomainError> {
    let bad = |m: String| DomainError::with_message(ErrorCode::ValidationFailed, m);
    for key in content.keys() {
        if !kind.fields().iter().any(|f| f.key == key) {
            return Err(bad(format!("{}没有“{}”这一项", kind.label_zh(), key)));
        }
    }
    for f in kind.fields() {
        let v = content.get(f.key).map(|s| s.trim()).unwrap_or("");
        if v.is_empty() {
            if complete {
                return Err(bad(format!("请填写“{}”", f.label)));
            }
            continue;
        }
        if v.chars().count() > f.max {
            return Err(bad(format!("“{}”不超过 {} 个字", f.label, f.max)));
        }
        if v.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
            return Err(bad(format!("“{}”含有不可见的控制字符", f.label)));
        }
        if f.date && v.parse::<NaiveDate>().is_err() {
            return Err(bad(format!("“{}”应为日期（年-月-日）", f.label)));
        }
        if f.number && v.parse::<u32>().is_err() {
            return Err(bad(format!("“{}”应为不小于 0 的整数", f.label)));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn deadlines() {
        assert_eq!(FilingKind::GuardStart.due_on(d("2026-01-01")), Some(d("2026-01-31")));
        assert_eq!(FilingKind::VideoSystem.due_on(d("2024-05-01")), Some(d("2025-06-30")));
        assert_eq!(FilingKind::VideoSystem.due_on(d("2025-04-01")), Some(d("2025-05-01")));
        assert_eq!(FilingKind::SecurityBody.due_on(d("2026-01-01")), None);
        assert!(FilingKind::ALL
            .iter()
            .all(|k| FilingKind::from_code(k.code()) == Some(*k)));
    }

    #[test]
    fn content() {
        let mut c = BTreeMap::new();
        c.insert("stopped_on".to_string(), "2026-01-01".to_string());
        assert!(check_content(FilingKind::GuardStop, &c, false).is_ok());
        assert!(check_content(FilingKind::GuardStop, &c, true).is_err());
        c.insert("reason".to_string(), "合同到期".to_string());
        assert!(check_content(FilingKind::GuardStop, &c, true).is_ok());
        c.insert("stopped_on".to_string(), "昨天".to_string());
        assert!(check_content(FilingKind::GuardStop, &c, true).is_err());
        c.insert("x".to_string(), "1".to_string());
        assert!(check_content(FilingKind::GuardStop, &c, false).is_err());
    }
}
