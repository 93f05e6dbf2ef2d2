//! Built-in early-warning rules (issue 2). Pure: given an event, where its device is, the unit's
//! settings and a count of recent failures, decide which alerts it raises.

use neibao_domain::alerts::RuleSetting;
use neibao_domain::alerts::Severity;
use neibao_domain::events::{DecodedEvent, EventKind, EventState};
use neibao_domain::registry::ArmedSchedule;
use serde::Serialize;
use sha2::{Digest, Sha256};

use neibao_domain::warning::schedule::is_armed;

/// A built-in rule: its code, zh-CN title, default severity and default parameters.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RuleDef {
    pub code: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    #[schema(value_type = String)]
    pub severity: Severity,
    #[schema(value_type = Object)]
    pub default_params: serde_json::Value,
}

pub const INTRUSION_KEY_AREA: &str = "intrusion_key_area";
pub const VIDEO_TAMPER: &str = "video_tamper";
pub const ARMED_PERIOD_MOTION: &str = "armed_period_motion";
pub const DOOR_FORCED: &str = "access_door_forced";
pub const FAILED_VERIFICATION: &str = "access_failed_verification";
/// A patrol miss (docs/PATROL.md; R12(3)): a checkpoint not visited, a round not started in time.
pub const PATROL_MISS: &str = "patrol_miss";
/// A one-press alarm (docs/ALARMS.md; R12(4), R34): a guard's 一键报警 or a device's emergency
/// button (`alarm.emergency`). Critical; its alert climbs the police tree on its own, shorter
/// step (`crate::alarms::escalation`).
pub const EMERGENCY_ALARM: &str = "emergency_alarm";

/// The built-in rule set.
pub fn builtin_rules() -> Vec<RuleDef> {
    vec![
        RuleDef {
            code: INTRUSION_KEY_AREA,
            title: "重要部位入侵",
            description: "重要部位内的设备上报越界、区域入侵或进入区域事件",
            severity: Severity::High,
            default_params: serde_json::json!({}),
        },
        RuleDef {
            code: VIDEO_TAMPER,
            title: "视频遮挡或丢失",
            description: "摄像机上报视频遮挡或视频信号丢失",
            severity: Severity::Medium,
            default_params: serde_json::json!({}),
        },
        RuleDef {
            code: ARMED_PERIOD_MOTION,
            title: "布防时段移动或入侵",
            description:
                "单位布防时段（如夜间、节假日无人值守时段）内出现移动侦测或入侵事件；单位未设置布防时段时不触发",
            severity: Severity::Medium,
            default_params: serde_json::json!({}),
        },
        RuleDef {
            code: DOOR_FORCED,
            title: "门被强行打开",
            description: "门禁上报门被外力打开（非正常开门）",
            severity: Severity::High,
            default_params: serde_json::json!({}),
        },
        RuleDef {
            code: FAILED_VERIFICATION,
            title: "多次验证失败",
            description: "同一门禁点在时间窗口内验证失败次数达到阈值",
            severity: Severity::Medium,
            default_params: serde_json::json!({"threshold": 5, "window_seconds": 120}),
        },
        RuleDef {
            code: PATROL_MISS,
            title: "巡查异常",
            description: "巡查结束时有巡查点未到位（漏检），或排班的巡查未在规定时段内开始",
            severity: Severity::Medium,
            default_params: serde_json::json!({}),
        },
        RuleDef {
            code: EMERGENCY_ALARM,
            title: "一键报警",
            description: "单位保安员或负责人按下一键报警，或设备紧急按钮上报紧急报警；演练报警同样提醒并标明演练",
            severity: Severity::Critical,
            default_params: serde_json::json!({}),
        },
    ]
}

/// A rule's effective settings for one unit: defaults overlaid with the unit's stored setting.
#[derive(Debug, Clone)]
pub struct EffectiveRule {
    pub def: RuleDef,
    pub enabled: bool,
    pub severity: Severity,
    pub params: serde_json::Value,
}

impl EffectiveRule {
    pub fn param_i64(&self, key: &str) -> i64 {
        self.params
            .get(key)
            .and_then(|v| v.as_i64())
            .or_else(|| self.def.default_params.get(key).and_then(|v| v.as_i64()))
            .unwrap_or(0)
    }
}

/// Merges stored settings over the built-in defaults. `params.severity` overrides the severity.
pub fn effective_rules(settings: &[RuleSetting]) -> Vec<EffectiveRule> {
    builtin_rules()
        .into_iter()
        .map(|def| {
            let s = settings.iter().find(|s| s.rule == def.code);
            let params = s
                .map(|s| s.params.clone())
                .filter(|p| p.is_object())
                .unwrap_or_else(|| def.default_params.clone());
            let severity = params
                .get("severity")
                .and_then(|v| v.as_str())
                .and_then(Severity::from_code)
                .unwrap_or(def.severity);
            // A one-press alarm is never switched off nor lowered (docs/ALARMS.md).
            let forced = def.code == EMERGENCY_ALARM;
            EffectiveRule {
                enabled: forced || s.is_none_or(|s| s.enabled),
                severity: if forced { def.severity } else { severity },
                params,
                def,
            }
        })
        .collect()
}

/// What the rules know about where the event happened.
#[derive(Debug, Clone)]
pub struct RuleContext<'a> {
    pub unit_id: &'a str,
    pub device_id: &'a str,
    pub in_key_area: bool,
    pub armed_schedule: Option<&'a ArmedSchedule>,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// One alert a rule wants raised.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub rule: &'static str,
    pub title: String,
    pub severity: Severity,
    pub fingerprint: String,
}

/// Fingerprint of an alert: SHA-256 over rule, device, channel and region. Events that share it
/// fold into one unresolved alert.
pub fn fingerprint(rule: &str, device_id: &str, channel: Option<u32>, region: Option<&str>) -> String {
    let mut h = Sha256::new();
    for part in [
        rule,
        device_id,
        &channel.map(|c| c.to_string()).unwrap_or_default(),
        region.unwrap_or(""),
    ] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    hex::encode(&h.finalize()[..16])
}

/// Does this rule need the recent-failure count? (Saves a query for every other event.)
pub fn needs_failure_count(ev: &DecodedEvent) -> bool {
    ev.kind == EventKind::AccessDenied
}

/// Evaluates the rules on one new, active occurrence. `recent_failures` is the number of
/// `access.denied` events on this device and door within the rule's window, this one included.
pub fn evaluate(rules: &[EffectiveRule], ctx: &RuleContext<'_>, ev: &DecodedEvent, recent_failures: i64) -> Vec<Hit> {
    if ev.state != EventState::Active {
        return Vec::new();
    }
    let mut hits = Vec::new();
    for r in rules.iter().filter(|r| r.enabled) {
        let fires = match r.def.code {
            INTRUSION_KEY_AREA => ev.kind.is_intrusion() && ctx.in_key_area,
            VIDEO_TAMPER => matches!(ev.kind, EventKind::Tamper | EventKind::VideoLoss),
            ARMED_PERIOD_MOTION => {
                // Intrusion in a key area already raises the (higher) key-area alert: one event,
                // one alert.
                let covered = ev.kind.is_intrusion()
                    && ctx.in_key_area
                    && rules.iter().any(|r| r.enabled && r.def.code == INTRUSION_KEY_AREA);
                (ev.kind == EventKind::Motion || ev.kind.is_intrusion() || ev.kind == EventKind::Pir)
                    && !covered
                    && ctx.armed_schedule.is_some_and(|s| is_armed(s, ctx.at))
            }
            DOOR_FORCED => ev.kind == EventKind::DoorForced,
            FAILED_VERIFICATION => {
                ev.kind == EventKind::AccessDenied && recent_failures >= r.param_i64("threshold").max(1)
            }
            PATROL_MISS => matches!(ev.kind, EventKind::PatrolCheckpointMissed | EventKind::PatrolRoundLate),
            EMERGENCY_ALARM => ev.kind == EventKind::AlarmEmergency,
            _ => false,
        };
        if fires {
            let what = ev.kind.label_zh();
            hits.push(Hit {
                rule: r.def.code,
                title: if r.def.code == EMERGENCY_ALARM {
                    // 【演练】 first for a drill, then the scenario and place (docs/ALARMS.md).
                    let region = ev.region.as_deref().unwrap_or("");
                    match region.strip_prefix(neibao_domain::alarms::DRILL_MARK) {
                        Some(rest) => format!("{}{}：{}", neibao_domain::alarms::DRILL_MARK, what, rest),
                        None => format!("{what}：{region}"),
                    }
                } else if r.def.code == PATROL_MISS {
                    // Which route, checkpoint and round (the event's region, docs/PATROL.md).
                    format!("{}：{}", what, ev.region.as_deref().unwrap_or(""))
                } else if r.def.title == what {
                    what.to_string()
                } else {
                    format!("{}：{}", r.def.title, what)
                },
                severity: r.severity,
                fingerprint: fingerprint(r.def.code, ctx.device_id, ev.channel, ev.region.as_deref()),
            });
        }
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use neibao_domain::registry::ArmedPeriod;

    fn ctx(in_key_area: bool, schedule: Option<&ArmedSchedule>) -> RuleContext<'_> {
        RuleContext {
            unit_id: "u",
            device_id: "d",
            in_key_area,
            armed_schedule: schedule,
            at: chrono::Utc.with_ymd_and_hms(2026, 11, 30, 15, 0, 0).unwrap(),
        }
    }

    fn ev(kind: EventKind) -> DecodedEvent {
        DecodedEvent::new(kind, "x", EventState::Active)
    }

    #[test]
    fn intrusion_only_in_key_areas() {
        let rules = effective_rules(&[]);
        assert_eq!(
            evaluate(&rules, &ctx(true, None), &ev(EventKind::LineCrossing), 0).len(),
            1
        );
        assert!(evaluate(&rules, &ctx(false, None), &ev(EventKind::LineCrossing), 0).is_empty());
        let mut inactive = ev(EventKind::LineCrossing);
        inactive.state = EventState::Inactive;
        assert!(evaluate(&rules, &ctx(true, None), &inactive, 0).is_empty());
    }

    #[test]
    fn disabled_rule_does_not_fire_and_severity_overrides() {
        let off = [RuleSetting {
            rule: INTRUSION_KEY_AREA.into(),
            enabled: false,
            params: serde_json::json!({}),
        }];
        assert!(evaluate(
            &effective_rules(&off),
            &ctx(true, None),
            &ev(EventKind::FieldIntrusion),
            0
        )
        .is_empty());
        let crit = [RuleSetting {
            rule: VIDEO_TAMPER.into(),
            enabled: true,
            params: serde_json::json!({"severity": "critical"}),
        }];
        let hits = evaluate(&effective_rules(&crit), &ctx(false, None), &ev(EventKind::Tamper), 0);
        assert_eq!(hits[0].severity, Severity::Critical);
    }

    #[test]
    fn armed_schedule_and_thresholds() {
        let s = ArmedSchedule {
            periods: vec![ArmedPeriod {
                weekdays: vec![1],
                start: "22:00".into(),
                end: "06:00".into(),
            }],
        };
        let rules = effective_rules(&[]);
        let hits = evaluate(&rules, &ctx(false, Some(&s)), &ev(EventKind::Motion), 0);
        assert_eq!(
            hits.iter().map(|h| h.rule).collect::<Vec<_>>(),
            vec![ARMED_PERIOD_MOTION]
        );
        assert!(evaluate(&rules, &ctx(false, None), &ev(EventKind::Motion), 0).is_empty());
        // Intrusion in a key area while armed: only the key-area alert.
        let hits = evaluate(&rules, &ctx(true, Some(&s)), &ev(EventKind::LineCrossing), 0);
        assert_eq!(
            hits.iter().map(|h| h.rule).collect::<Vec<_>>(),
            vec![INTRUSION_KEY_AREA]
        );
        // Outside a key area while armed: the armed-period alert.
        let hits = evaluate(&rules, &ctx(false, Some(&s)), &ev(EventKind::LineCrossing), 0);
        assert_eq!(
            hits.iter().map(|h| h.rule).collect::<Vec<_>>(),
            vec![ARMED_PERIOD_MOTION]
        );
        assert!(evaluate(&rules, &ctx(false, None), &ev(EventKind::AccessDenied), 4).is_empty());
        assert_eq!(
            evaluate(&rules, &ctx(false, None), &ev(EventKind::AccessDenied), 5).len(),
            1
        );
        assert_eq!(
            evaluate(&rules, &ctx(false, None), &ev(EventKind::DoorForced), 0)[0].severity,
            Severity::High
        );
    }

    #[test]
    fn fingerprint_separates_channels_and_regions() {
        assert_eq!(
            fingerprint("r", "d", Some(1), None),
            fingerprint("r", "d", Some(1), None)
        );
        assert_ne!(
            fingerprint("r", "d", Some(1), None),
            fingerprint("r", "d", Some(2), None)
        );
        assert_ne!(
            fingerprint("r", "d", None, Some("1")),
            fingerprint("r", "d", Some(1), None)
        );
    }
}
