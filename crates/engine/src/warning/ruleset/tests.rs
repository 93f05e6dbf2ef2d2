//! Rule kinds with a controlled clock: every time below is given explicitly.

use super::*;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use neibao_domain::alerts::Severity;
use neibao_domain::events::{DecodedEvent, EventKind, EventState};
use neibao_domain::registry::{ArmedPeriod, ArmedSchedule};

fn t(h: u32, m: u32, s: u32) -> DateTime<Utc> {
    // 2026-11-30 is a Monday; Beijing = UTC+8.
    Utc.with_ymd_and_hms(2026, 11, 30, h, m, s).unwrap()
}

fn place(unit: &str, device: &str) -> Placement {
    Placement {
        device_id: device.into(),
        device_kind: "camera".into(),
        device_format: "hikvision".into(),
        unit_id: unit.into(),
        unit_kind: "enterprise".into(),
        division_code: "330106".into(),
        key_unit: true,
        counter_terror: false,
        key_area: Some("财务室".into()),
        armed_schedule: None,
        ..Default::default()
    }
}

fn ev(kind: EventKind) -> DecodedEvent {
    DecodedEvent::new(kind, "x", EventState::Active)
}

fn spec(code: &str, kind: RuleKind, condition: &str) -> RuleSpec {
    RuleSpec {
        code: code.into(),
        title: format!("测试规则 {code}"),
        description: String::new(),
        enabled: true,
        severity: Severity::High,
        kind,
        condition: condition.into(),
        scope: RuleScope::default(),
        schedule: None,
        group_by: Vec::new(),
    }
}

fn engine(specs: &[RuleSpec]) -> RuleEngine {
    RuleEngine::with_rules(specs.iter().map(|s| compile(s).expect("valid rule")).collect())
}

#[test]
fn match_rule_uses_event_and_placement_facts() {
    let e = engine(&[spec(
        "forced_key",
        RuleKind::Match,
        r#"kind == "access.door_forced" && key_unit && in_key_area"#,
    )]);
    let p = place("u1", "d1");
    assert_eq!(
        e.evaluate(&Facts::event(&p, &ev(EventKind::DoorForced), t(1, 0, 0)))
            .len(),
        1
    );
    assert!(e
        .evaluate(&Facts::event(&p, &ev(EventKind::Motion), t(1, 0, 0)))
        .is_empty());
    let mut outside = p.clone();
    outside.key_area = None;
    assert!(e
        .evaluate(&Facts::event(&outside, &ev(EventKind::DoorForced), t(1, 0, 0)))
        .is_empty());
    // Same device, channel and region → same fingerprint; another device → another.
    let a = e.evaluate(&Facts::event(&p, &ev(EventKind::DoorForced), t(1, 0, 0)));
    let b = e.evaluate(&Facts::event(&p, &ev(EventKind::DoorForced), t(2, 0, 0)));
    let c = e.evaluate(&Facts::event(
        &place("u1", "d2"),
        &ev(EventKind::DoorForced),
        t(2, 0, 0),
    ));
    assert_eq!(a[0].fingerprint, b[0].fingerprint);
    assert_ne!(a[0].fingerprint, c[0].fingerprint);
}

#[test]
fn threshold_counts_within_the_window_per_key() {
    let e = engine(&[spec(
        "denied3",
        RuleKind::Threshold {
            count: 3,
            window_seconds: 60,
            key: vec!["device_id".into(), "region".into()],
        },
        r#"kind == "access.denied""#,
    )]);
    let p = place("u1", "door");
    let denied = ev(EventKind::AccessDenied);
    assert!(e.evaluate(&Facts::event(&p, &denied, t(1, 0, 0))).is_empty());
    assert!(e.evaluate(&Facts::event(&p, &denied, t(1, 0, 30))).is_empty());
    // The third within 60 s fires.
    let hits = e.evaluate(&Facts::event(&p, &denied, t(1, 0, 59)));
    assert_eq!(hits.len(), 1);
    assert!(hits[0].detail.contains("3 次"), "{}", hits[0].detail);
    // Later: the first two fell out of the window.
    assert!(e.evaluate(&Facts::event(&p, &denied, t(1, 2, 0))).is_empty());
    // Another device has its own count.
    assert!(e
        .evaluate(&Facts::event(&place("u1", "door2"), &denied, t(1, 2, 1)))
        .is_empty());
}

#[test]
fn sequence_needs_a_then_b_in_time_and_order() {
    let e = engine(&[spec(
        "forced_then_intrusion",
        RuleKind::Sequence {
            then: r#"str::regex_matches(kind, "^intrusion\\.")"#.into(),
            within_seconds: 300,
            key: vec![],
        },
        r#"kind == "access.door_forced""#,
    )]);
    let p = place("u1", "door");
    let cam = place("u1", "cam");
    // B before A: nothing.
    assert!(e
        .evaluate(&Facts::event(&cam, &ev(EventKind::FieldIntrusion), t(1, 0, 0)))
        .is_empty());
    assert!(e
        .evaluate(&Facts::event(&p, &ev(EventKind::DoorForced), t(1, 0, 10)))
        .is_empty());
    // B within 300 s of A, at the same unit (default key): fires once.
    assert_eq!(
        e.evaluate(&Facts::event(&cam, &ev(EventKind::LineCrossing), t(1, 4, 0)))
            .len(),
        1
    );
    assert!(e
        .evaluate(&Facts::event(&cam, &ev(EventKind::LineCrossing), t(1, 4, 5)))
        .is_empty());
    // A, then B too late.
    e.evaluate(&Facts::event(&p, &ev(EventKind::DoorForced), t(2, 0, 0)));
    assert!(e
        .evaluate(&Facts::event(&cam, &ev(EventKind::FieldIntrusion), t(2, 5, 1)))
        .is_empty());
    // A at another unit does not arm this one.
    e.evaluate(&Facts::event(
        &place("u2", "door"),
        &ev(EventKind::DoorForced),
        t(3, 0, 0),
    ));
    assert!(e
        .evaluate(&Facts::event(&cam, &ev(EventKind::FieldIntrusion), t(3, 0, 30)))
        .is_empty());
}

#[test]
fn absence_fires_after_silence_only() {
    let e = engine(&[spec(
        "offline10",
        RuleKind::Absence { silence_seconds: 600 },
        r#"device_kind == "camera""#,
    )]);
    let p = place("u1", "cam");
    assert!(e.evaluate_absence(&Facts::device(&p, 599, t(1, 0, 0)), 599).is_empty());
    let hits = e.evaluate_absence(&Facts::device(&p, 601, t(1, 0, 0)), 601);
    assert_eq!(hits.len(), 1);
    assert_eq!(e.min_absence_seconds(), Some(600));
    // Absence rules never fire on events.
    assert!(e
        .evaluate(&Facts::event(&p, &ev(EventKind::Motion), t(1, 0, 0)))
        .is_empty());
    let mut terminal = p.clone();
    terminal.device_kind = "access_terminal".into();
    assert!(e
        .evaluate_absence(&Facts::device(&terminal, 9999, t(1, 0, 0)), 9999)
        .is_empty());
}

#[test]
fn correlation_counts_distinct_units_for_one_subject() {
    let e = engine(&[spec(
        "plate3",
        RuleKind::Correlation {
            subject: "target".into(),
            units: 3,
            window_seconds: 3600,
        },
        r#"kind == "vehicle.plate""#,
    )]);
    let mut plate = ev(EventKind::Plate);
    plate.target = Some("浙A12345".into());
    assert!(e
        .evaluate(&Facts::event(&place("u1", "c1"), &plate, t(1, 0, 0)))
        .is_empty());
    // The same unit again does not count twice.
    assert!(e
        .evaluate(&Facts::event(&place("u1", "c2"), &plate, t(1, 10, 0)))
        .is_empty());
    assert!(e
        .evaluate(&Facts::event(&place("u2", "c3"), &plate, t(1, 20, 0)))
        .is_empty());
    let hits = e.evaluate(&Facts::event(&place("u3", "c4"), &plate, t(1, 30, 0)));
    assert_eq!(hits.len(), 1);
    // Another plate is another subject.
    let mut other = plate.clone();
    other.target = Some("浙B00001".into());
    assert!(e
        .evaluate(&Facts::event(&place("u4", "c5"), &other, t(1, 31, 0)))
        .is_empty());
    // Outside the window the old sightings are gone.
    assert!(e
        .evaluate(&Facts::event(&place("u5", "c6"), &plate, t(3, 0, 0)))
        .is_empty());
}

#[test]
fn schedules_weekly_holiday_one_off_and_unit() {
    let mut s = spec("night", RuleKind::Match, r#"kind == "motion""#);
    s.schedule = Some(RuleSchedule {
        weekly: vec![ArmedPeriod {
            weekdays: vec![1, 2, 3, 4, 5],
            start: "22:00".into(),
            end: "06:00".into(),
        }],
        holidays: vec![NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()],
        holiday_armed: true,
        holidays_only: false,
        one_off: vec![OneOffWindow {
            from: t(15, 0, 0),
            to: t(16, 0, 0),
            armed: false,
        }],
        use_unit_schedule: false,
    });
    let e = engine(&[s]);
    let p = place("u1", "cam");
    let motion = ev(EventKind::Motion);
    // Monday 23:30 Beijing = 15:30 UTC: inside the weekly period, but the one-off window disarms it.
    assert!(e.evaluate(&Facts::event(&p, &motion, t(15, 30, 0))).is_empty());
    // Tuesday 00:30 Beijing (16:30 UTC Monday): armed by the weekly period (Monday night).
    assert_eq!(e.evaluate(&Facts::event(&p, &motion, t(16, 30, 0))).len(), 1);
    // Monday 12:00 Beijing (04:00 UTC): disarmed.
    assert!(e.evaluate(&Facts::event(&p, &motion, t(4, 0, 0))).is_empty());
    // Tuesday 2026-12-01 14:00 Beijing is a holiday: armed all day.
    let holiday_noon = Utc.with_ymd_and_hms(2026, 12, 1, 6, 0, 0).unwrap();
    assert_eq!(e.evaluate(&Facts::event(&p, &motion, holiday_noon)).len(), 1);

    let mut u = spec("unit_sched", RuleKind::Match, "");
    u.schedule = Some(RuleSchedule {
        use_unit_schedule: true,
        ..Default::default()
    });
    let e = engine(&[u]);
    assert!(
        e.evaluate(&Facts::event(&p, &motion, t(16, 30, 0))).is_empty(),
        "no unit schedule"
    );
    let mut armed = p.clone();
    armed.armed_schedule = Some(ArmedSchedule {
        periods: vec![ArmedPeriod {
            weekdays: vec![1, 2, 3, 4, 5, 6, 7],
            start: "00:00".into(),
            end: "00:00".into(),
        }],
    });
    assert_eq!(e.evaluate(&Facts::event(&armed, &motion, t(16, 30, 0))).len(), 1);
}

#[test]
fn scope_and_grouping() {
    let mut s = spec("hz_only", RuleKind::Match, "");
    s.scope.division_prefix = "3302".into();
    s.group_by = vec!["unit_id".into()];
    let e = engine(std::slice::from_ref(&s));
    assert!(e
        .evaluate(&Facts::event(&place("u1", "d"), &ev(EventKind::Motion), t(1, 0, 0)))
        .is_empty());
    s.scope.division_prefix = "3301".into();
    let e = engine(&[s]);
    let a = e.evaluate(&Facts::event(&place("u1", "d1"), &ev(EventKind::Motion), t(1, 0, 0)));
    let b = e.evaluate(&Facts::event(&place("u1", "d2"), &ev(EventKind::Tamper), t(1, 0, 0)));
    assert_eq!(a[0].fingerprint, b[0].fingerprint, "grouped per unit");
}

#[test]
fn suppression_windows() {
    let w = SuppressionWindow {
        id: "s".into(),
        unit_id: "u1".into(),
        device_id: Some("d1".into()),
        device_name: None,
        rule: None,
        from: t(1, 0, 0),
        to: t(2, 0, 0),
        reason: "maintenance".into(),
        note: String::new(),
        created_by: "x".into(),
        created_at: t(0, 0, 0),
    };
    let ws = [w];
    assert!(suppressed(&ws, Some("d1"), "any", t(1, 30, 0)));
    assert!(!suppressed(&ws, Some("d2"), "any", t(1, 30, 0)));
    assert!(!suppressed(&ws, Some("d1"), "any", t(2, 0, 0)));
}

#[test]
fn bad_specs_are_refused_with_reasons() {
    let bad = |s: RuleSpec| compile(&s).unwrap_err();
    assert!(bad(spec("Bad Code", RuleKind::Match, "")).contains("规则代码"));
    assert!(bad(spec("x", RuleKind::Match, "kind ==")).contains("条件"));
    assert!(bad(spec("x", RuleKind::Match, "nosuchfield == 1")).contains("未知字段"));
    assert!(bad(spec("x", RuleKind::Match, "channel + 1")).contains("真/假"));
    assert!(bad(spec("x", RuleKind::Match, r#"kind = "a""#)).contains("赋值"));
    assert!(bad(spec("x", RuleKind::Match, "nosuchfn(kind)")).contains("nosuchfn"));
    assert!(bad(spec(
        "x",
        RuleKind::Threshold {
            count: 1,
            window_seconds: 10,
            key: vec![]
        },
        ""
    ))
    .contains("阈值"));
    assert!(bad(spec("video_tamper", RuleKind::Match, "")).contains("内置"));
    let long = "kind == \"a\" || ".repeat(200) + "true";
    assert!(bad(spec("x", RuleKind::Match, &long)).contains("字符"));
    assert!(bad(spec("x", RuleKind::Match, r#"str::regex_matches(region, "(")"#)).contains("无法求值"));
    assert!(bad(spec("x", RuleKind::Match, "(kind")).contains("语法"));
}

#[test]
fn the_shipped_rule_file_loads() {
    let bytes = include_bytes!("../../../../../data/rules/default.json");
    let rules = RuleFile::parse(bytes).expect("data/rules/default.json is valid");
    assert!(rules.len() >= 8);
    for kind in ["match", "threshold", "sequence", "absence", "correlation"] {
        assert!(rules.iter().any(|r| r.kind.code() == kind), "{kind} example");
    }
}

#[test]
fn the_kind_is_named_not_numbered() {
    let named: RuleKind = serde_json::from_str(r#"{"type": "threshold", "count": 3, "window_seconds": 60}"#).unwrap();
    assert_eq!(named.code(), "threshold");
    assert!(serde_json::from_str::<RuleKind>(r#"{"type": 0}"#).is_err());
    assert!(serde_json::from_str::<RuleKind>(r#"{"count": 3}"#).is_err());
    assert!(serde_json::from_str::<RuleKind>(r#"{"type": "nosuch"}"#).is_err());
}

#[test]
fn a_rule_can_use_the_units_protection_level() {
    let e = engine(&[spec(
        "raised_motion",
        RuleKind::Match,
        r#"kind == "motion" && protection_level >= 1"#,
    )]);
    let mut p = place("u1", "d1");
    assert!(e
        .evaluate(&Facts::event(&p, &ev(EventKind::Motion), t(1, 0, 0)))
        .is_empty());
    p.protection_level = 1;
    assert_eq!(
        e.evaluate(&Facts::event(&p, &ev(EventKind::Motion), t(1, 0, 0))).len(),
        1
    );
}
