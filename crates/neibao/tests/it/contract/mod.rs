//! The store contract: one suite of checks on the `Store` trait, run against every backend —
//! SQLite always, PostgreSQL when `NEIBAO_TEST_POSTGRES_URL` is set (`.ci/run` sets it).

use std::sync::Arc;

use chrono::{Duration, Utc};
use neibao_domain::access::{Role, Scope};
use neibao_domain::accounts::{NewApiToken, NewSession, NewUser, TokenScope};
use neibao_domain::alerts::{AlertAction, AlertStatus, Severity};
use neibao_domain::alerts::{AlertDraft, AlertFilter, RuleSetting};
use neibao_domain::devices::DeviceFormat;
use neibao_domain::devices::{DeviceFilter, NewDevice};
use neibao_domain::events::EventFilter;
use neibao_domain::events::{DecodedEvent, EventKind, EventState};
use neibao_domain::jobs::NewJob;
use neibao_domain::paging::Page;
use neibao_domain::registry::UnitKind;
use neibao_domain::registry::{
    ArmedPeriod, ArmedSchedule, Division, NewResponsiblePerson, NewUnit, Organisation, PersonRole, UnitFilter,
};
use neibao_domain::validate::{CitizenId, DivisionCode, PhoneNumber, Uscc};
use neibao_store::{Store, StoreError};

use crate::common::{postgres_admin_url, uscc, TestDatabase};

mod supervision;

async fn run_contract(store: Arc<dyn Store>) {
    let now = Utc::now();
    let all = Scope::All;
    // Registry writes carry their audit entry (the store fills in a created object's id).
    let who = neibao_domain::access::Principal::system("contract");
    let audit = |action: &str| who.audit(action, "test", "", None);

    // Meta.
    assert_eq!(store.get_meta("k").await.unwrap(), None);
    store.set_meta("k", "v1").await.unwrap();
    store.set_meta("k", "v2").await.unwrap();
    assert_eq!(store.get_meta("k").await.unwrap().as_deref(), Some("v2"));

    // Divisions and organisations.
    let div = |code: &str, name: &str, level: &str, parent: Option<&str>| Division {
        code: code.into(),
        name: name.into(),
        level: level.into(),
        parent_code: parent.map(Into::into),
    };
    store
        .upsert_divisions(&[
            div("330000", "浙江省", "province", None),
            div("330100", "杭州市", "city", Some("330000")),
            div("330106", "西湖区", "county", Some("330100")),
            div("330102", "上城区", "county", Some("330100")),
        ])
        .await
        .unwrap();
    store
        .upsert_divisions(&[div("330106", "西湖区", "county", Some("330100"))])
        .await
        .unwrap();
    assert_eq!(store.list_divisions(Some("330100")).await.unwrap().len(), 2);
    let org = |id: &str, kind: &str, code: &str| Organisation {
        id: id.into(),
        name: format!("{id}机构"),
        kind: kind.into(),
        division_code: code.into(),
        parent_id: None,
        sector: None,
    };
    store
        .create_organisation(&org("st1", "police_station", "330106001"))
        .await
        .unwrap();
    store
        .create_organisation(&org("dep1", "department", "330100"))
        .await
        .unwrap();
    assert_eq!(store.get_organisation("st1").await.unwrap().kind, "police_station");
    assert!(matches!(
        store.get_organisation("nope").await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store
            .list_organisations(Some("police_station"), Some("3301"))
            .await
            .unwrap()
            .len(),
        1
    );

    // Units: create with encrypted persons, conflicts, scoped reads.
    let today = now.date_naive();
    let new_unit = |name: &str, code: &str, body: &str, station: Option<&str>, dept: Option<&str>, key: bool| NewUnit {
        name: name.into(),
        kind: UnitKind::Enterprise,
        is_university: false,
        is_private_enterprise: true,
        uscc: Uscc::parse(&uscc(body)).unwrap(),
        address: "测试路".into(),
        division_code: DivisionCode::parse(code).unwrap(),
        police_station_id: station.map(Into::into),
        competent_department_id: dept.map(Into::into),
        is_key_unit: key,
        key_unit_category: key.then_some(4),
        is_counter_terror_target: false,
        armed_schedule: None,
        responsible_persons: vec![NewResponsiblePerson {
            role: PersonRole::Principal,
            name: "张三".into(),
            citizen_id: Some(CitizenId::parse("11010519491231002X", today).unwrap()),
            phone: Some(PhoneNumber::parse("13812345678").unwrap()),
        }],
    };
    let a = store
        .create_unit(
            new_unit(
                "甲公司",
                "330106001",
                "91330106000000101",
                Some("st1"),
                Some("dep1"),
                true,
            ),
            &audit("unit.create"),
            now,
        )
        .await
        .unwrap();
    let created = store
        .audit_rows(store.audit_head().await.unwrap().last_seq - 1, 1)
        .await
        .unwrap();
    assert_eq!(
        (
            created[0].entry.action.as_str(),
            created[0].entry.object_id.as_str(),
            created[0].entry.unit_id.as_deref()
        ),
        ("unit.create", a.id.as_str(), Some(a.id.as_str())),
        "the create's audit row names the new unit"
    );
    let b = store
        .create_unit(
            new_unit("乙公司", "330102", "91330102000000102", None, None, false),
            &audit("unit.create"),
            now,
        )
        .await
        .unwrap();
    assert!(matches!(
        store
            .create_unit(
                new_unit("重复", "330106", "91330106000000101", None, None, false),
                &audit("unit.create"),
                now
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store
            .create_unit(
                new_unit("无派出所", "330106", "91330106000000103", Some("dep1"), None, false),
                &audit("unit.create"),
                now
            )
            .await,
        Err(StoreError::Domain(_))
    ));
    let got = store.get_unit(&all, &a.id).await.unwrap();
    assert_eq!(got.division_name, None, "township not in the division table");
    assert_eq!(got.police_station_name.as_deref(), Some("st1机构"));
    assert_eq!(got.key_unit_category, Some(4));
    assert!(got.is_key_unit && got.is_private_enterprise);
    assert_eq!(
        got.responsible_persons[0].citizen_id.as_ref().unwrap().masked(),
        "110105********002X"
    );
    assert_eq!(
        got.responsible_persons[0].phone.as_ref().unwrap().expose(),
        "13812345678"
    );
    let xihu = Scope::Division {
        prefix: "330106".into(),
    };
    assert!(store.get_unit(&xihu, &a.id).await.is_ok());
    assert!(matches!(store.get_unit(&xihu, &b.id).await, Err(StoreError::NotFound)));
    assert!(store
        .get_unit(&Scope::Station { org_id: "st1".into() }, &a.id)
        .await
        .is_ok());
    assert!(store
        .get_unit(&Scope::Station { org_id: "st1".into() }, &b.id)
        .await
        .is_err());
    assert!(store
        .get_unit(&Scope::Department { org_id: "dep1".into() }, &a.id)
        .await
        .is_ok());
    assert!(store
        .get_unit(&Scope::Unit { unit_id: b.id.clone() }, &a.id)
        .await
        .is_err());
    assert!(store.get_unit(&Scope::Nothing, &a.id).await.is_err());
    // LIKE wildcards in a prefix are literal.
    assert!(store
        .get_unit(&Scope::Division { prefix: "%".into() }, &a.id)
        .await
        .is_err());
    let p = Page::new(Some(1), Some(10));
    assert_eq!(
        store.list_units(&all, &UnitFilter::default(), p).await.unwrap().total,
        2
    );
    assert_eq!(
        store.list_units(&xihu, &UnitFilter::default(), p).await.unwrap().total,
        1
    );
    let f = UnitFilter {
        q: Some("乙".into()),
        ..Default::default()
    };
    assert_eq!(store.list_units(&all, &f, p).await.unwrap().items[0].id, b.id);
    let f = UnitFilter {
        is_key_unit: Some(true),
        ..Default::default()
    };
    assert_eq!(store.list_units(&all, &f, p).await.unwrap().total, 1);
    let f = UnitFilter {
        q: Some("%".into()),
        ..Default::default()
    };
    assert_eq!(store.list_units(&all, &f, p).await.unwrap().total, 0);
    let mut renamed = new_unit("乙公司（更名）", "330102", "91330102000000102", None, None, false);
    renamed.responsible_persons.clear();
    let b2 = store
        .update_unit(&all, &b.id, renamed, &audit("unit.update"), now)
        .await
        .unwrap();
    assert_eq!(b2.name, "乙公司（更名）");
    assert!(b2.responsible_persons.is_empty());
    let sched = ArmedSchedule {
        periods: vec![ArmedPeriod {
            weekdays: vec![1],
            start: "20:00".into(),
            end: "06:00".into(),
        }],
    };
    store
        .set_armed_schedule(&all, &b.id, Some(&sched), &audit("armed_schedule.update"), now)
        .await
        .unwrap();
    assert_eq!(store.get_unit(&all, &b.id).await.unwrap().armed_schedule, Some(sched));
    assert!(store
        .set_armed_schedule(&xihu, &b.id, None, &audit("armed_schedule.update"), now)
        .await
        .is_err());

    // Key areas and devices.
    let area = store
        .create_key_area(&all, &a.id, "财务室", "", &audit("key_area.create"), now)
        .await
        .unwrap();
    assert!(store
        .create_key_area(&xihu, &b.id, "越权", "", &audit("key_area.create"), now)
        .await
        .is_err());
    assert_eq!(store.list_key_areas(&all, &a.id).await.unwrap().len(), 1);
    let dev = |unit: &str, area: Option<String>, token: &str| NewDevice {
        unit_id: unit.into(),
        key_area_id: area,
        format: DeviceFormat::Hikvision,
        kind: "camera".into(),
        name: "摄像机".into(),
        serial: "S1".into(),
        channel_map: Default::default(),
        ingest_token_hash: token.into(),
    };
    let d = store
        .create_device(
            &all,
            dev(&a.id, Some(area.id.clone()), "h1"),
            &audit("device.create"),
            now,
        )
        .await
        .unwrap();
    assert!(
        store
            .create_device(
                &all,
                dev(&b.id, Some(area.id.clone()), "h2"),
                &audit("device.create"),
                now
            )
            .await
            .is_err(),
        "key area of another unit"
    );
    assert!(matches!(
        store
            .create_device(&all, dev(&b.id, None, "h1"), &audit("device.create"), now)
            .await,
        Err(StoreError::Conflict(_))
    ));
    let d2 = store
        .create_device(&all, dev(&b.id, None, "h3"), &audit("device.create"), now)
        .await
        .unwrap();
    assert!(!d.online);
    let ing = store.device_for_ingest("h1").await.unwrap().unwrap();
    assert_eq!(ing.key_area_id.as_deref(), Some(area.id.as_str()));
    assert!(store.device_for_ingest("nope").await.unwrap().is_none());
    store.touch_device(&d.id, now).await.unwrap();
    store.touch_device(&d.id, now - Duration::hours(1)).await.unwrap();
    let d = store.get_device(&all, &d.id, now).await.unwrap();
    assert!(d.online);
    assert_eq!(
        d.last_seen_at.unwrap().timestamp_millis(),
        now.timestamp_millis(),
        "liveness never goes back"
    );
    let offline = DeviceFilter {
        online: Some(false),
        ..Default::default()
    };
    assert_eq!(
        store.list_devices(&all, &offline, p, now).await.unwrap().items[0].id,
        d2.id
    );
    assert_eq!(
        store
            .list_devices(&xihu, &DeviceFilter::default(), p, now)
            .await
            .unwrap()
            .total,
        1
    );

    // Events: occurrences fold, inactive closes, instantaneous kinds always insert.
    let mut ev = DecodedEvent::new(EventKind::LineCrossing, "linedetection", EventState::Active);
    ev.channel = Some(1);
    ev.region = Some("1".into());
    let r1 = store
        .record_event(&ing, &ev, b"raw-1", Some("application/xml"), None, now)
        .await
        .unwrap();
    assert!(r1.new_occurrence);
    let r2 = store
        .record_event(&ing, &ev, b"raw-2", None, None, now + Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!((r2.event_id.as_str(), r2.new_occurrence), (r1.event_id.as_str(), false));
    let mut end = ev.clone();
    end.state = EventState::Inactive;
    let r3 = store
        .record_event(&ing, &end, b"raw-3", None, None, now + Duration::seconds(2))
        .await
        .unwrap();
    assert_eq!(r3.event_id, r1.event_id);
    let e = store.get_event(&all, &r1.event_id).await.unwrap();
    assert_eq!(
        (e.post_count, e.state, e.ended_at.is_some()),
        (2, EventState::Inactive, true)
    );
    assert_eq!(store.get_event_raw(&all, &r1.event_id).await.unwrap().0, b"raw-1");
    let r4 = store
        .record_event(&ing, &ev, b"raw-4", None, None, now + Duration::seconds(3))
        .await
        .unwrap();
    assert!(r4.new_occurrence && r4.event_id != r1.event_id);
    let deny = DecodedEvent::new(EventKind::AccessDenied, "AccessControllerEvent/5/9", EventState::Active);
    for i in 0..3 {
        assert!(
            store
                .record_event(&ing, &deny, b"{}", None, None, now + Duration::seconds(i))
                .await
                .unwrap()
                .new_occurrence
        );
    }
    assert_eq!(
        store
            .count_recent_events(&ing.id, "access.denied", None, now - Duration::seconds(1))
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        store
            .count_recent_events(&ing.id, "access.denied", Some("door:2"), now - Duration::seconds(1))
            .await
            .unwrap(),
        0
    );
    // A bus message recorded twice is stored once; the receipt remembers whether rules ran.
    let mut bus_ev = ev.clone();
    bus_ev.region = Some("bus".into());
    let first = store
        .record_event(&ing, &bus_ev, b"m", None, Some("msg-1:0"), now)
        .await
        .unwrap();
    let second = store
        .record_event(&ing, &bus_ev, b"m", None, Some("msg-1:0"), now)
        .await
        .unwrap();
    assert_eq!(
        (second.event_id.as_str(), second.new_occurrence, second.evaluated),
        (first.event_id.as_str(), true, false)
    );
    store.mark_evaluated("msg-1:0").await.unwrap();
    assert!(
        store
            .record_event(&ing, &bus_ev, b"m", None, Some("msg-1:0"), now)
            .await
            .unwrap()
            .evaluated
    );
    assert_eq!(store.get_event(&all, &first.event_id).await.unwrap().post_count, 1);
    assert_eq!(
        store.ingest_device(&ing.id).await.unwrap().unwrap().division_code,
        "330106001"
    );
    let evs = store
        .list_events(
            &all,
            &EventFilter {
                kind: Some(EventKind::LineCrossing),
                ..Default::default()
            },
            p,
        )
        .await
        .unwrap();
    assert_eq!(evs.total, 3);
    assert!(evs.items[0].received_at >= evs.items[1].received_at, "newest first");
    assert_eq!(
        store
            .list_events(&Scope::Unit { unit_id: b.id.clone() }, &EventFilter::default(), p)
            .await
            .unwrap()
            .total,
        0
    );
    assert!(store
        .get_event(&Scope::Unit { unit_id: b.id.clone() }, &r1.event_id)
        .await
        .is_err());

    // Alerts: dedup by fingerprint, lifecycle.
    let draft = |event_id: &str, at| AlertDraft {
        unit_id: a.id.clone(),
        device_id: Some(ing.id.clone()),
        rule: "intrusion_key_area".into(),
        alert_type: "intrusion.line_crossing".into(),
        title: "重要部位入侵".into(),
        severity: Severity::High,
        fingerprint: "fp1".into(),
        event_id: event_id.into(),
        at,
        escalate_at: None,
    };
    let x = store.raise_alert(&draft(&r1.event_id, now)).await.unwrap();
    assert!(x.created);
    let y = store
        .raise_alert(&draft(&r4.event_id, now + Duration::seconds(3)))
        .await
        .unwrap();
    assert_eq!((y.alert_id.as_str(), y.created), (x.alert_id.as_str(), false));
    let z = store
        .raise_alert(&draft(&r4.event_id, now + Duration::seconds(3)))
        .await
        .unwrap();
    assert_eq!(
        (z.alert_id.as_str(), z.created),
        (x.alert_id.as_str(), false),
        "the same event twice counts once"
    );
    let al = store.get_alert(&all, &x.alert_id).await.unwrap();
    assert_eq!(
        (al.event_count, al.status, al.unit_name.as_str()),
        (2, AlertStatus::Open, "甲公司")
    );
    assert!(al.last_seen > al.first_seen);
    assert_eq!(
        store.alert_events(&all, &x.alert_id).await.unwrap().len(),
        2,
        "linked events are unique"
    );
    assert!(store
        .get_alert(&Scope::Unit { unit_id: b.id.clone() }, &x.alert_id)
        .await
        .is_err());
    let duty = neibao_domain::access::Principal::system("值班员");
    let audited = |action: &str| duty.audit(action, "alert", &x.alert_id, None);
    let head = store.audit_head().await.unwrap().last_seq;
    let ack = store
        .transition_alert(
            &all,
            &x.alert_id,
            AlertAction::Acknowledge,
            "值班员",
            "收到",
            &audited("alert.acknowledge"),
            now,
        )
        .await
        .unwrap();
    assert_eq!(
        (ack.status, ack.acknowledged_by.as_deref()),
        (AlertStatus::Acknowledged, Some("值班员"))
    );
    // The change and its audit row, with the alert's unit, in one transaction.
    let row = store.audit_rows(head, 10).await.unwrap();
    assert_eq!(row.len(), 1, "{row:?}");
    assert_eq!(
        (row[0].entry.action.as_str(), row[0].entry.unit_id.as_deref()),
        ("alert.acknowledge", Some(al.unit_id.as_str()))
    );
    assert!(matches!(
        store
            .transition_alert(
                &all,
                &x.alert_id,
                AlertAction::Acknowledge,
                "值班员",
                "",
                &audited("alert.acknowledge"),
                now
            )
            .await,
        Err(StoreError::Domain(_))
    ));
    assert!(store
        .transition_alert(
            &xihu,
            "missing",
            AlertAction::Resolve,
            "x",
            "",
            &audited("alert.resolve"),
            now
        )
        .await
        .is_err());
    assert_eq!(
        store.audit_head().await.unwrap().last_seq,
        head + 1,
        "refused transitions leave no audit row"
    );
    store
        .transition_alert(
            &all,
            &x.alert_id,
            AlertAction::Resolve,
            "值班员",
            "处置完毕",
            &audited("alert.resolve"),
            now,
        )
        .await
        .unwrap();
    let replay = store
        .raise_alert(&draft(&r4.event_id, now + Duration::seconds(9)))
        .await
        .unwrap();
    assert!(!replay.created, "a replayed event does not reopen a resolved alert");
    let r5 = store
        .record_event(&ing, &deny, b"{}", None, None, now + Duration::seconds(9))
        .await
        .unwrap();
    let again = store
        .raise_alert(&draft(&r5.event_id, now + Duration::seconds(9)))
        .await
        .unwrap();
    assert!(again.created, "after resolution the fingerprint opens a new alert");
    let open = AlertFilter {
        status: Some(AlertStatus::Open),
        ..Default::default()
    };
    assert_eq!(store.list_alerts(&all, &open, p).await.unwrap().total, 1);
    assert_eq!(
        store.list_alerts(&all, &AlertFilter::default(), p).await.unwrap().total,
        2
    );

    // Rule settings.
    let rs = RuleSetting {
        rule: "video_tamper".into(),
        enabled: false,
        params: serde_json::json!({"severity": "low"}),
    };
    store
        .set_rule_setting(&all, &a.id, &rs, &audit("rule_setting.update"), now)
        .await
        .unwrap();
    store
        .set_rule_setting(
            &all,
            &a.id,
            &RuleSetting {
                enabled: true,
                ..rs.clone()
            },
            &audit("rule_setting.update"),
            now,
        )
        .await
        .unwrap();
    let got = store.rule_settings(&a.id).await.unwrap();
    assert_eq!(
        (got.len(), got[0].enabled, got[0].params["severity"].as_str()),
        (1, true, Some("low"))
    );
    assert!(store
        .set_rule_setting(&xihu, &b.id, &rs, &audit("rule_setting.update"), now)
        .await
        .is_err());

    // Dashboard.
    let dash = store.dashboard(&all, now).await.unwrap();
    assert_eq!(
        (
            dash.units,
            dash.key_units,
            dash.devices,
            dash.offline_devices,
            dash.open_alerts
        ),
        (2, 1, 2, 1, 1)
    );
    assert_eq!(dash.by_city.len(), 1);
    assert_eq!(dash.by_city[0].city_name, "杭州市");
    assert_eq!(store.dashboard(&xihu, now).await.unwrap().units, 1);

    // Users, sessions, API tokens.
    assert_eq!(store.count_users().await.unwrap(), 0);
    let nu = NewUser {
        username: "u1".into(),
        display_name: "用户一".into(),
        password_hash: "$argon2id$x".into(),
        role: Role::PoliceStation,
        org_id: Some("st1".into()),
        unit_id: None,
    };
    let u = store.create_user(&nu, now).await.unwrap();
    assert_eq!(u.division_code.as_deref(), Some("330106001"));
    assert!(matches!(
        store.create_user(&nu, now).await,
        Err(StoreError::Conflict(_))
    ));
    let (cu, hash) = store.user_credentials("u1").await.unwrap().unwrap();
    assert_eq!((cu.id.as_str(), hash.as_str()), (u.id.as_str(), "$argon2id$x"));
    let idle = Duration::minutes(30);
    let audit = u.principal().audit("test", "users", &u.id, None);
    let session = |hash: &str, csrf: &str, mfa_pending: bool, expires_at| NewSession {
        user_id: u.id.clone(),
        token_hash: hash.into(),
        csrf_token: csrf.into(),
        mfa_pending,
        expires_at,
        replaces: None,
    };
    store
        .create_session(&session("s1", "csrf1", false, now + Duration::hours(1)), &audit, now)
        .await
        .unwrap();
    store
        .create_session(&session("s2", "csrf2", false, now - Duration::seconds(1)), &audit, now)
        .await
        .unwrap();
    store
        .create_session(&session("s3", "csrf3", true, now + Duration::hours(8)), &audit, now)
        .await
        .unwrap();
    assert_eq!(
        store.session_user("s1", now, idle).await.unwrap().unwrap().csrf_token,
        "csrf1"
    );
    assert!(store.session_user("s2", now, idle).await.unwrap().is_none(), "expired");
    assert!(store.session_user("s3", now, idle).await.unwrap().unwrap().mfa_pending);
    store.enable_totp(&u.id, Some("s3"), &audit, now).await.unwrap();
    assert!(!store.session_user("s3", now, idle).await.unwrap().unwrap().mfa_pending);
    // Idle timeout: used at `now`, unused for 31 minutes → gone; within it → kept and touched.
    let later = now + Duration::minutes(20);
    assert!(store.session_user("s3", later, idle).await.unwrap().is_some());
    assert!(
        store
            .session_user("s3", later + Duration::minutes(29), idle)
            .await
            .unwrap()
            .is_some(),
        "touched at +20"
    );
    assert!(
        store
            .session_user("s3", later + Duration::minutes(29 + 31), idle)
            .await
            .unwrap()
            .is_none(),
        "idle"
    );
    store.delete_session("s1", Some(&audit), now).await.unwrap();
    assert!(store.session_user("s1", now, idle).await.unwrap().is_none());
    let token = |hash: &str, scope, expires_at| NewApiToken {
        user_id: u.id.clone(),
        token_hash: hash.into(),
        name: "cli".into(),
        scope,
        expires_at,
    };
    let t1 = store
        .create_api_token(&token("t1", TokenScope::Read, None), &audit, now)
        .await
        .unwrap();
    store
        .create_api_token(
            &token("t2", TokenScope::Write, Some(now - Duration::seconds(1))),
            &audit,
            now,
        )
        .await
        .unwrap();
    // The audit row of a create, written in its transaction, names the new object.
    let created = neibao_domain::access::Principal::system("test").audit("token.create", "api_tokens", "", None);
    let t3 = store
        .create_api_token(&token("t3", TokenScope::Read, None), &created, now)
        .await
        .unwrap();
    let head = store.audit_head().await.unwrap();
    let last = store.audit_rows(head.last_seq - 1, 1).await.unwrap().remove(0);
    assert_eq!(
        (last.entry.action.as_str(), last.entry.object_id.as_str()),
        ("token.create", t3.as_str())
    );
    let (tu, scope) = store.api_token_user("t1", now).await.unwrap().unwrap();
    assert_eq!((tu.username.as_str(), scope), ("u1", TokenScope::Read));
    assert!(store.api_token_user("t2", now).await.unwrap().is_none());
    assert_eq!(store.list_api_tokens(Some(&u.id)).await.unwrap().len(), 3);
    assert!(matches!(
        store.revoke_api_token(&t1, Some("someone-else"), &audit, now).await,
        Err(StoreError::NotFound)
    ));
    store.revoke_api_token(&t1, Some(&u.id), &audit, now).await.unwrap();
    assert!(store.api_token_user("t1", now).await.unwrap().is_none(), "revoked");
    assert!(matches!(
        store.revoke_api_token(&t1, None, &audit, now).await,
        Err(StoreError::NotFound)
    ));
}

fn cipher() -> neibao_store::crypto::FieldCipher {
    neibao_store::crypto::FieldCipher::from_key("k1", &[9u8; 32])
}

#[tokio::test]
async fn contract_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = neibao_store::sqlite::SqliteStore::open(
        &dir.path().join("c.db"),
        cipher(),
        std::time::Duration::from_secs(300),
    )
    .await
    .unwrap();
    run_contract(Arc::new(store)).await;
}

#[tokio::test]
async fn contract_postgres() {
    let Some(admin) = postgres_admin_url() else {
        println!("contract_postgres skipped: NEIBAO_TEST_POSTGRES_URL is not set");
        return;
    };
    let db = TestDatabase::create(&admin).await;
    let store = neibao_store::postgres::PgStore::connect(&db.url, cipher(), std::time::Duration::from_secs(300))
        .await
        .unwrap();
    run_contract(Arc::new(store.clone())).await;
    store.pool().close().await;
}

/// Scheduled jobs: scheduled once, claimed by one node at a time, reclaimed after a dead node's
/// lease, completed once — and through the engine's scheduler, every deadline fires once with two
/// schedulers ticking the same database at the same time, across a "restart".
async fn run_scheduler_contract(store: Arc<dyn Store>) {
    use neibao_domain::jobs::JobKind;
    use neibao_engine::jobs::scheduler::{Handler, Scheduler};
    let t0 = Utc::now();
    let job = |subject: &str, due| NewJob {
        kind: JobKind::HazardDeadline,
        subject_id: subject.into(),
        due_at: due,
        payload: serde_json::json!({"n": 1}),
    };
    assert!(store.schedule_job(&job("h1", t0), t0).await.unwrap());
    assert!(
        !store.schedule_job(&job("h1", t0), t0).await.unwrap(),
        "the same deadline twice is one job"
    );
    assert!(store
        .schedule_job(&job("later", t0 + Duration::hours(1)), t0)
        .await
        .unwrap());
    let lease = Duration::seconds(30);
    let a = store.claim_due_jobs("node-a", t0, lease, 10).await.unwrap();
    assert_eq!(a.iter().map(|j| j.subject_id.as_str()).collect::<Vec<_>>(), vec!["h1"]);
    assert!(
        store.claim_due_jobs("node-b", t0, lease, 10).await.unwrap().is_empty(),
        "claimed by a"
    );
    // Node a dies; after the lease node b takes it over, and a can no longer complete it.
    let b = store
        .claim_due_jobs("node-b", t0 + Duration::seconds(31), lease, 10)
        .await
        .unwrap();
    assert_eq!((b.len(), b[0].attempts), (1, 2));
    assert!(!store.complete_job(&a[0].id, "node-a", t0).await.unwrap());
    assert!(store.complete_job(&b[0].id, "node-b", t0).await.unwrap());
    assert!(
        !store.complete_job(&b[0].id, "node-b", t0).await.unwrap(),
        "completed once"
    );
    assert!(store
        .claim_due_jobs("node-a", t0 + Duration::hours(2), lease, 10)
        .await
        .unwrap()
        .iter()
        .all(|j| j.subject_id == "later"));

    // Two schedulers on one database, 40 deadlines, ticking concurrently on a controlled clock.
    let fired = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let handler = |fired: Arc<std::sync::Mutex<Vec<String>>>| -> Handler {
        Arc::new(move |j: neibao_domain::jobs::Job| {
            let fired = fired.clone();
            Box::pin(async move {
                fired.lock().unwrap().push(j.subject_id);
                Ok(())
            })
        })
    };
    for i in 0..40 {
        store
            .schedule_job(
                &NewJob {
                    kind: JobKind::HazardReminder,
                    subject_id: format!("d{i}"),
                    due_at: t0 + Duration::minutes(i),
                    payload: serde_json::json!({}),
                },
                t0,
            )
            .await
            .unwrap();
    }
    let s1 = Scheduler::new(store.clone(), "n1", lease).handle(JobKind::HazardReminder, handler(fired.clone()));
    let s2 = Scheduler::new(store.clone(), "n2", lease).handle(JobKind::HazardReminder, handler(fired.clone()));
    for step in 0..25 {
        let now = t0 + Duration::minutes(step * 2);
        let (r1, r2) = tokio::join!(s1.tick(now), s2.tick(now));
        r1.unwrap();
        r2.unwrap();
    }
    // A restarted node (new scheduler, same name) finds nothing left to run.
    let s3 = Scheduler::new(store.clone(), "n1", lease).handle(JobKind::HazardReminder, handler(fired.clone()));
    assert!(s3
        .tick(t0 + Duration::days(1))
        .await
        .unwrap()
        .iter()
        .all(|r| r.job.kind != JobKind::HazardReminder));
    let mut got = fired.lock().unwrap().clone();
    got.sort();
    let mut want: Vec<String> = (0..40).map(|i| format!("d{i}")).collect();
    want.sort();
    assert_eq!(got, want, "every deadline fired exactly once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheduler_contract_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = neibao_store::sqlite::SqliteStore::open(
        &dir.path().join("s.db"),
        cipher(),
        std::time::Duration::from_secs(300),
    )
    .await
    .unwrap();
    run_scheduler_contract(Arc::new(store)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheduler_contract_postgres() {
    let Some(admin) = postgres_admin_url() else {
        println!("scheduler_contract_postgres skipped: NEIBAO_TEST_POSTGRES_URL is not set");
        return;
    };
    let db = TestDatabase::create(&admin).await;
    let store = neibao_store::postgres::PgStore::connect(&db.url, cipher(), std::time::Duration::from_secs(300))
        .await
        .unwrap();
    run_scheduler_contract(Arc::new(store.clone())).await;
    store.pool().close().await;
}
