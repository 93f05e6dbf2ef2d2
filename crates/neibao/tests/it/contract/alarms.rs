//! The alarm repository (`AlarmRepo`, docs/ALARMS.md): an alarm stored in scope (refused outside
//! it, and with another unit's key area), a double tap by the same caller answering the first
//! alarm while a drill is its own, the arrival recorded once, counts keeping drills apart, the
//! scope on every read, the unit's alarm event source made once.

use chrono::{DateTime, Duration, Utc};
use neibao_domain::access::Scope;
use neibao_domain::alarms::*;
use neibao_domain::emergency::Scenario;
use neibao_domain::ids::new_id;
use neibao_domain::paging::Page;
use neibao_store::error::StoreError;
use neibao_store::Store;

use super::registry::Registry;
use super::{audit, xihu};

pub async fn check(store: &dyn Store, now: DateTime<Utc>, registry: &Registry) {
    let a = registry.a.id.clone();
    let new = |unit: &str, caller: &str, drill: bool| NewAlarm {
        id: new_id(),
        unit_id: unit.to_string(),
        key_area_id: None,
        scenario: Scenario::Fire,
        note: String::new(),
        drill,
        source: AlarmSource::Button,
        device_id: None,
        caller_id: Some(caller.to_string()),
        caller_name: "保安甲".into(),
        at: now,
    };
    let since = now - Duration::seconds(DOUBLE_TAP_SECONDS);
    let mut first = new(&a, "g1", false);
    first.key_area_id = Some(registry.area.id.clone());
    let (alarm, created) = store
        .create_alarm(&xihu(), &first, since, &audit("alarm.raise"))
        .await
        .unwrap();
    assert!(created);
    assert_eq!(alarm.key_area_name.as_deref(), Some(registry.area.name.as_str()));
    let (again, created) = store
        .create_alarm(&xihu(), &new(&a, "g1", false), since, &audit("alarm.raise"))
        .await
        .unwrap();
    assert!(!created, "a double tap answers the first alarm");
    assert_eq!(again.id, alarm.id);
    let (drill, created) = store
        .create_alarm(&xihu(), &new(&a, "g1", true), since, &audit("alarm.raise"))
        .await
        .unwrap();
    assert!(created && drill.drill);
    // Outside the scope, or another unit's key area: not found.
    assert!(matches!(
        store
            .create_alarm(&xihu(), &new(&registry.b.id, "g2", false), since, &audit("alarm.raise"))
            .await,
        Err(StoreError::NotFound)
    ));
    let mut foreign = new(&a, "g3", false);
    foreign.key_area_id = Some("no-such-area".into());
    assert!(matches!(
        store
            .create_alarm(&xihu(), &foreign, since, &audit("alarm.raise"))
            .await,
        Err(StoreError::NotFound)
    ));

    // The scope on reads; the counts keep drills apart.
    let elsewhere = Scope::Division {
        prefix: "330102".into(),
    };
    assert!(store.alarm(&elsewhere, &alarm.id).await.unwrap().is_none());
    assert!(store.alarm(&xihu(), &alarm.id).await.unwrap().is_some());
    let l = store
        .list_alarms(&xihu(), &AlarmFilter::default(), Page { page: 1, per_page: 50 })
        .await
        .unwrap();
    assert_eq!(l.total, 2);
    let c = store
        .alarm_counts(&xihu(), Some(&a), now - Duration::days(1))
        .await
        .unwrap();
    assert_eq!((c.real, c.drills, c.real_without_arrival), (1, 1, 1));

    // The arrival, once; not outside the scope.
    assert!(matches!(
        store
            .record_alarm_arrival(&elsewhere, &alarm.id, now, "", "民警", &audit("alarm.arrive"))
            .await,
        Err(StoreError::NotFound)
    ));
    let arrived = store
        .record_alarm_arrival(
            &xihu(),
            &alarm.id,
            now + Duration::minutes(7),
            "到场",
            "民警",
            &audit("alarm.arrive"),
        )
        .await
        .unwrap();
    assert_eq!(arrived.seconds_to_arrive(), Some(420));
    assert!(store
        .record_alarm_arrival(&xihu(), &alarm.id, now, "", "民警", &audit("alarm.arrive"))
        .await
        .is_err());

    // The alarm event source, made once.
    let d1 = store.alarm_device(&a).await.unwrap().expect("the source");
    let d2 = store.alarm_device(&a).await.unwrap().expect("the source");
    assert_eq!(d1.id, d2.id);
    assert_eq!(d1.id, neibao_store::alarms::alarm_device_id(&a));
}
