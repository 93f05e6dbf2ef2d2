//! The events' repository (`EventRepo`): occurrences fold, an inactive post closes one,
//! instantaneous kinds always insert; bus receipts; scoped reads.

use chrono::{DateTime, Duration, Utc};
use neibao_domain::access::Scope;
use neibao_domain::events::{DecodedEvent, EventFilter, EventKind, EventState, Recorded};
use neibao_domain::paging::Page;
use neibao_store::Store;

use super::devices::Devices;
use super::registry::Registry;

/// What the event checks leave behind for the alert checks (all on the device `ing`).
pub struct Events {
    /// The first line-crossing occurrence (posts at `now`, +1 s; closed at +2 s).
    pub r1: Recorded,
    /// The second line-crossing occurrence (at +3 s, still active).
    pub r4: Recorded,
    /// An access-denied event: instantaneous, each post a new occurrence.
    pub deny: DecodedEvent,
}

/// Occurrences, raw payloads, recent counts, bus receipts, listing and scope, on `a`'s camera.
pub async fn check(store: &dyn Store, now: DateTime<Utc>, registry: &Registry, devices: &Devices) -> Events {
    let all = Scope::All;
    let p = Page::new(Some(1), Some(10));
    let Registry { b, .. } = registry;
    let Devices { ing } = devices;

    // Events: occurrences fold, inactive closes, instantaneous kinds always insert.
    let mut ev = DecodedEvent::new(EventKind::LineCrossing, "linedetection", EventState::Active);
    ev.channel = Some(1);
    ev.region = Some("1".into());
    let r1 = store
        .record_event(ing, &ev, b"raw-1", Some("application/xml"), None, now)
        .await
        .unwrap();
    assert!(r1.new_occurrence);
    let r2 = store
        .record_event(ing, &ev, b"raw-2", None, None, now + Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!((r2.event_id.as_str(), r2.new_occurrence), (r1.event_id.as_str(), false));
    let mut end = ev.clone();
    end.state = EventState::Inactive;
    let r3 = store
        .record_event(ing, &end, b"raw-3", None, None, now + Duration::seconds(2))
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
        .record_event(ing, &ev, b"raw-4", None, None, now + Duration::seconds(3))
        .await
        .unwrap();
    assert!(r4.new_occurrence && r4.event_id != r1.event_id);
    let deny = DecodedEvent::new(EventKind::AccessDenied, "AccessControllerEvent/5/9", EventState::Active);
    for i in 0..3 {
        assert!(
            store
                .record_event(ing, &deny, b"{}", None, None, now + Duration::seconds(i))
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
        .record_event(ing, &bus_ev, b"m", None, Some("msg-1:0"), now)
        .await
        .unwrap();
    let second = store
        .record_event(ing, &bus_ev, b"m", None, Some("msg-1:0"), now)
        .await
        .unwrap();
    assert_eq!(
        (second.event_id.as_str(), second.new_occurrence, second.evaluated),
        (first.event_id.as_str(), true, false)
    );
    store.mark_evaluated("msg-1:0").await.unwrap();
    assert!(
        store
            .record_event(ing, &bus_ev, b"m", None, Some("msg-1:0"), now)
            .await
            .unwrap()
            .evaluated
    );
    assert_eq!(store.get_event(&all, &first.event_id).await.unwrap().post_count, 1);
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
    Events { r1, r4, deny }
}
