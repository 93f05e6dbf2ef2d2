//! The registry's repositories: divisions (`DivisionRepo`), organisations (`OrganisationRepo`) and
//! units with their encrypted responsible persons, armed schedules and key areas (`UnitRepo`).

use chrono::{DateTime, Utc};
use neibao_domain::access::{Principal, Scope};
use neibao_domain::paging::Page;
use neibao_domain::registry::{
    ArmedPeriod, ArmedSchedule, Division, DivisionChange, DivisionChangeKind, DivisionVersion, KeyArea,
    NewResponsiblePerson, NewUnit, Organisation, PersonRole, Unit, UnitFilter, UnitKind,
};
use neibao_domain::validate::{CitizenId, DivisionCode, PhoneNumber, Uscc};
use neibao_store::{Store, StoreError};

use super::{audit, xihu};
use crate::common::uscc;

/// What the registry checks leave behind for the repositories whose objects hang off units.
pub struct Registry {
    /// 甲公司: township 330106001 (西湖区), police station `st1`, department `dep1`, a key unit.
    pub a: Unit,
    /// 乙公司 as created (since renamed 乙公司（更名）, without persons, with an armed schedule): 上城区,
    /// no station, not a key unit.
    pub b: Unit,
    /// 财务室, `a`'s key area.
    pub area: KeyArea,
    /// `a`'s police station (the organisation of the account checks' user).
    pub station_id: String,
}

/// Divisions and organisations; units: create with encrypted persons (the create's audit row names
/// the new unit), conflicts, scoped reads, LIKE wildcards, update, armed schedule; key areas.
pub async fn check(store: &dyn Store, now: DateTime<Utc>) -> Registry {
    let all = Scope::All;

    // Divisions and organisations.
    let div = |code: &str, name: &str, level: &str, parent: Option<&str>| Division {
        code: code.into(),
        name: name.into(),
        level: level.into(),
        parent_code: parent.map(Into::into),
        valid_to: None,
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
    // Versions: a later table retires 上城区 into 西湖区; the code stays, out of force, with history.
    let v = |name: &str, day: &str| DivisionVersion {
        version: name.into(),
        source: "契约测试".into(),
        valid_from: day.into(),
        loaded_at: 0,
        divisions: 0,
        changes: 0,
    };
    let load_audit = Principal::system("cli").audit("division.load", "division_table", "v2", None);
    store
        .load_division_version(&v("v1", "2023-06-30"), &[], &[], None)
        .await
        .unwrap();
    let merged = DivisionChange {
        code: "330102".into(),
        kind: DivisionChangeKind::Merged,
        version: "v2".into(),
        valid_from: "2024-01-01".into(),
        old_name: Some("上城区".into()),
        new_name: None,
        old_parent: Some("330100".into()),
        new_parent: None,
        successor_code: Some("330106".into()),
    };
    store
        .load_division_version(
            &v("v2", "2024-01-01"),
            &[div("330106", "西湖区", "county", Some("330100"))],
            std::slice::from_ref(&merged),
            Some(&load_audit),
        )
        .await
        .unwrap();
    assert!(matches!(
        store
            .load_division_version(&v("v2", "2025-01-01"), &[], &[], None)
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.list_divisions(Some("330100")).await.unwrap().len(), 1);
    let gone = store.get_division("330102").await.unwrap();
    assert_eq!(gone.valid_to.as_deref(), Some("2024-01-01"));
    assert_eq!(store.division_history("330102").await.unwrap(), vec![merged.clone()]);
    assert_eq!(store.division_history("330106").await.unwrap(), vec![merged]);
    let versions = store.division_versions().await.unwrap();
    assert_eq!(
        versions
            .iter()
            .map(|v| (v.version.as_str(), v.changes))
            .collect::<Vec<_>>(),
        vec![("v1", 0), ("v2", 1)]
    );
    assert_eq!(store.all_divisions().await.unwrap().len(), 4);
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
    let xihu = xihu();
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
        .update_unit(
            &all,
            &b.id,
            b.version,
            renamed,
            true,
            &neibao_domain::registry::NewHistory {
                action: "update".into(),
                actor_id: None,
                actor_name: "测试".into(),
                sentence: "测试 修改单位".into(),
            },
            &audit("unit.update"),
            now,
        )
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

    // Responsible persons' own lifecycle: added, found by role and the ID number's blind index,
    // edited at their version (stale: refused, nothing written), removed; the unit's version
    // rises with each; outside the scope: NotFound.
    persons(store, &b.id, now).await;

    // Key areas.
    let area = store
        .create_key_area(&all, &a.id, "财务室", "", &audit("key_area.create"), now)
        .await
        .unwrap();
    assert!(store
        .create_key_area(&xihu, &b.id, "越权", "", &audit("key_area.create"), now)
        .await
        .is_err());
    assert_eq!(store.list_key_areas(&all, &a.id).await.unwrap().len(), 1);
    Registry {
        a,
        b,
        area,
        station_id: "st1".into(),
    }
}

/// The checks of `PersonRepo`'s lifecycle on unit `unit` (上城区, outside [`xihu`]).
async fn persons(store: &dyn Store, unit: &str, now: DateTime<Utc>) {
    let all = Scope::All;
    let today = now.date_naive();
    let h = |action: &str| neibao_domain::registry::NewHistory {
        action: action.into(),
        actor_id: None,
        actor_name: "测试".into(),
        sentence: format!("测试 {action} 责任人"),
    };
    let person = |name: &str, phone: &str| NewResponsiblePerson {
        role: PersonRole::SecurityHead,
        name: name.into(),
        citizen_id: Some(CitizenId::parse("11010519491231002X", today).unwrap()),
        phone: Some(PhoneNumber::parse(phone).unwrap()),
    };
    let unit_version = store.get_unit(&all, unit).await.unwrap().version;
    let p = store
        .add_person(
            &all,
            unit,
            &person("王五", "13812345678"),
            &h("create"),
            &audit("person.create"),
            now,
        )
        .await
        .unwrap();
    assert_eq!((p.version, p.name.as_str()), (1, "王五"));
    assert_eq!(store.get_unit(&all, unit).await.unwrap().version, unit_version + 1);
    assert!(matches!(
        store
            .add_person(
                &xihu(),
                unit,
                &person("越权", "13812345678"),
                &h("create"),
                &audit("person.create"),
                now
            )
            .await,
        Err(StoreError::NotFound)
    ));
    let found = store
        .find_unit_person(&all, unit, PersonRole::SecurityHead, "11010519491231002X")
        .await
        .unwrap()
        .expect("found by the blind index");
    assert_eq!(found.id, p.id);
    assert!(store
        .find_unit_person(&all, unit, PersonRole::Principal, "11010519491231002X")
        .await
        .unwrap()
        .is_none());
    assert!(
        store
            .find_unit_person(&xihu(), unit, PersonRole::SecurityHead, "11010519491231002X")
            .await
            .unwrap()
            .is_none(),
        "outside the scope: none"
    );
    let edited = store
        .update_person(
            &all,
            unit,
            &p.id,
            1,
            &person("王六", "13900001111"),
            &h("update"),
            &audit("person.update"),
            now,
        )
        .await
        .unwrap();
    assert_eq!(
        (edited.version, edited.phone.as_ref().unwrap().expose()),
        (2, "13900001111")
    );
    let stale = store
        .update_person(
            &all,
            unit,
            &p.id,
            1,
            &person("王七", "13900001111"),
            &h("update"),
            &audit("person.update"),
            now,
        )
        .await;
    assert!(
        matches!(&stale, Err(StoreError::Domain(d)) if d.code == neibao_domain::error::ErrorCode::VersionConflict),
        "{stale:?}"
    );
    assert_eq!(store.get_person(&all, unit, &p.id).await.unwrap().name, "王六");
    assert!(store
        .remove_person(&all, unit, &p.id, 1, &h("remove"), &audit("person.remove"), now)
        .await
        .is_err());
    store
        .remove_person(&all, unit, &p.id, 2, &h("remove"), &audit("person.remove"), now)
        .await
        .unwrap();
    assert!(matches!(
        store.get_person(&all, unit, &p.id).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.get_unit(&all, unit).await.unwrap().version, unit_version + 3);
    let history = store.unit_history(&all, unit).await.unwrap();
    let mut mine: Vec<(&str, i64)> = history
        .iter()
        .filter(|e| e.object_id == p.id)
        .map(|e| (e.action.as_str(), e.version))
        .collect();
    mine.sort_by_key(|(_, v)| -v);
    assert_eq!(mine, [("remove", 3), ("update", 2), ("create", 1)]);
}
