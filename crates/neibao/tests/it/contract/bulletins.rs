//! The bulletin repository (`BulletinRepo`, docs/BULLETINS.md): recipients resolved in scope at
//! issue time (none: refused; a hand-picked unit outside: not found), visibility by scope, the
//! read receipt once, the acknowledgement once (a second changes nothing), the reminder once,
//! an upward report visible to the scope holding its unit.

use chrono::{DateTime, Duration, Utc};
use neibao_domain::access::Scope;
use neibao_domain::bulletins::*;
use neibao_domain::ids::new_id;
use neibao_domain::paging::Page;
use neibao_domain::registry::UnitSet;
use neibao_store::error::StoreError;
use neibao_store::Store;

use super::registry::Registry;
use super::{audit, xihu};

fn new(direction: Direction, set: UnitSet, now: DateTime<Utc>) -> NewBulletin {
    NewBulletin {
        id: new_id(),
        direction,
        kind: BulletinKind::RiskWarning,
        severity: Severity::Important,
        title: "契约通报".into(),
        body: "正文".into(),
        division_prefix: "330106".into(),
        unit_set: set,
        ack_deadline: Some(now + Duration::hours(1)),
        reply_requested: false,
        from_unit_id: None,
        from_unit_name: None,
        org_id: None,
        org_name: None,
        created_by: "u".into(),
        created_by_name: "民警".into(),
        created_at: now,
    }
}

pub async fn check(store: &dyn Store, now: DateTime<Utc>, registry: &Registry) {
    let a = registry.a.id.clone();
    let b = registry.b.id.clone();
    // Key units of Xihu: `a` only.
    let set = UnitSet {
        key_units_only: true,
        ..Default::default()
    };
    let (bulletin, rs) = store
        .create_bulletin(&xihu(), &new(Direction::Down, set, now), None, &audit("bulletin.issue"))
        .await
        .unwrap();
    assert!(rs.iter().any(|r| r.unit_id == a));
    assert!(rs
        .iter()
        .all(|r| r.unit_id != b && r.division_code.starts_with("330106")));
    assert_eq!(bulletin.recipient_count, rs.len() as i64);
    // A hand-picked unit outside the scope: not found; nothing in range: refused.
    let picked = UnitSet {
        unit_ids: vec![b.clone()],
        ..Default::default()
    };
    assert!(matches!(
        store
            .create_bulletin(
                &xihu(),
                &new(Direction::Down, picked, now),
                None,
                &audit("bulletin.issue")
            )
            .await,
        Err(StoreError::NotFound)
    ));
    let mut empty = new(Direction::Down, UnitSet::default(), now);
    empty.division_prefix = "330106999".into();
    assert!(store
        .create_bulletin(&xihu(), &empty, None, &audit("bulletin.issue"))
        .await
        .is_err());
    // Visible to the unit and to Xihu, not to another unit.
    let unit_a = Scope::Unit { unit_id: a.clone() };
    let unit_b = Scope::Unit { unit_id: b.clone() };
    assert!(store.bulletin(&unit_a, &bulletin.id).await.unwrap().is_some());
    assert!(store.bulletin(&unit_b, &bulletin.id).await.unwrap().is_none());
    let listed = store
        .bulletins(&unit_a, None, Page::new(Some(1), Some(50)))
        .await
        .unwrap();
    assert!(listed.items.iter().any(|x| x.id == bulletin.id));
    let listed = store
        .bulletins(&unit_b, None, Page::new(Some(1), Some(50)))
        .await
        .unwrap();
    assert!(listed.items.iter().all(|x| x.id != bulletin.id));
    // Read once; acknowledged once.
    assert!(store
        .read_bulletin(&bulletin.id, &a, "甲", now, &audit("bulletin.read"))
        .await
        .unwrap());
    assert!(!store
        .read_bulletin(&bulletin.id, &a, "甲", now, &audit("bulletin.read"))
        .await
        .unwrap());
    let r = store
        .acknowledge_bulletin(
            &bulletin.id,
            &a,
            "甲",
            Some("收到"),
            now,
            &audit("bulletin.acknowledge"),
        )
        .await
        .unwrap();
    assert_eq!(r.reply.as_deref(), Some("收到"));
    let again = store
        .acknowledge_bulletin(
            &bulletin.id,
            &a,
            "乙",
            Some("再次"),
            now,
            &audit("bulletin.acknowledge"),
        )
        .await
        .unwrap();
    assert_eq!(again.reply.as_deref(), Some("收到"));
    assert!(matches!(
        store
            .acknowledge_bulletin(&bulletin.id, &b, "乙", None, now, &audit("bulletin.acknowledge"))
            .await,
        Err(StoreError::NotFound)
    ));
    // Acknowledged: nothing to remind. Another bulletin not acknowledged: reminded once.
    assert!(store
        .remind_bulletin(&bulletin.id, now, &audit("bulletin.remind"))
        .await
        .unwrap()
        .is_empty());
    let set = UnitSet {
        unit_ids: vec![a.clone()],
        ..Default::default()
    };
    let (second, _) = store
        .create_bulletin(&xihu(), &new(Direction::Down, set, now), None, &audit("bulletin.issue"))
        .await
        .unwrap();
    assert_eq!(
        store
            .remind_bulletin(&second.id, now, &audit("bulletin.remind"))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(store
        .remind_bulletin(&second.id, now, &audit("bulletin.remind"))
        .await
        .unwrap()
        .is_empty());
    let (_, rs) = store.bulletin(&xihu(), &second.id).await.unwrap().unwrap();
    assert!(rs[0].reminded_at.is_some());
    // An upward report from `a`: visible to Xihu and `a`, not to `b`.
    let mut up = new(Direction::Up, UnitSet::default(), now);
    up.from_unit_id = Some(a.clone());
    up.from_unit_name = Some(registry.a.name.clone());
    up.org_id = Some(registry.station_id.clone());
    up.ack_deadline = None;
    let (report, rs) = store
        .create_bulletin(&unit_a, &up, None, &audit("bulletin.report"))
        .await
        .unwrap();
    assert!(rs.is_empty());
    assert!(store.bulletin(&xihu(), &report.id).await.unwrap().is_some());
    assert!(store.bulletin(&unit_b, &report.id).await.unwrap().is_none());
    let ups = store
        .bulletins(&xihu(), Some(Direction::Up), Page::new(Some(1), Some(50)))
        .await
        .unwrap();
    assert!(ups.items.iter().all(|x| x.direction == Direction::Up) && ups.items.iter().any(|x| x.id == report.id));
}
