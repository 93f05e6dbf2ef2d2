//! The patrol repository (`PatrolRepo`, docs/PATROL.md): a route with its checkpoints, a tag
//! unique in the unit, a stale update refused and kept checkpoints keeping their ids (tags may
//! move between them), a round copying the checkpoints, a checkpoint visited once, a round
//! finished once, a miss recorded once per key, the summary's counts, and the scope on every
//! method.

use chrono::{DateTime, Duration, Utc};
use neibao_domain::access::Scope;
use neibao_domain::error::ErrorCode;
use neibao_domain::ids::new_id;
use neibao_domain::patrol::*;
use neibao_store::error::StoreError;
use neibao_store::Store;

use super::registry::Registry;
use super::{audit, xihu};

fn point(id: Option<&str>, name: &str, tag: &str) -> CheckpointDraft {
    CheckpointDraft {
        id: id.map(str::to_string),
        name: name.into(),
        location: String::new(),
        tag: tag.into(),
    }
}

pub async fn check(store: &dyn Store, now: DateTime<Utc>, registry: &Registry) {
    let a = registry.a.id.clone();
    let b = registry.b.id.clone();
    let r1 = NewRoute {
        id: new_id(),
        unit_id: a.clone(),
        name: "甲公司夜间巡查".into(),
        note: String::new(),
        schedule: Vec::new(),
        max_minutes: 60,
        checkpoints: vec![point(None, "东门", "CT-1"), point(None, "配电房", "CT-2")],
        at: now,
    };
    let route = store
        .create_patrol_route(&xihu(), &r1, None, &audit("patrol.route_create"))
        .await
        .unwrap();
    assert_eq!((route.version, route.checkpoints.len()), (1, 2));
    assert_eq!(route.checkpoints[1].seq, 2);

    // Outside the scope: not found, nothing written.
    let rb = NewRoute {
        id: new_id(),
        unit_id: b.clone(),
        checkpoints: vec![point(None, "乙门", "CT-B")],
        ..r1.clone()
    };
    assert!(matches!(
        store
            .create_patrol_route(&xihu(), &rb, None, &audit("patrol.route_create"))
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(store.patrol_route(&Scope::All, &rb.id).await.unwrap().is_none());
    let others = Scope::Unit { unit_id: b.clone() };
    assert!(store.patrol_route(&others, &route.id).await.unwrap().is_none());
    assert!(matches!(
        store.patrol_routes(&others, &a).await,
        Err(StoreError::NotFound)
    ));

    // A tag another route of the unit carries: refused, nothing written.
    let r2 = NewRoute {
        id: new_id(),
        checkpoints: vec![point(None, "仓库", "CT-2")],
        ..r1.clone()
    };
    assert!(matches!(
        store
            .create_patrol_route(&xihu(), &r2, None, &audit("patrol.route_create"))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(store.patrol_route(&Scope::All, &r2.id).await.unwrap().is_none());

    // A round copies the checkpoints; a checkpoint is visited once; the round finishes once.
    let round = store
        .start_patrol_round(
            &xihu(),
            &NewRound {
                id: new_id(),
                route_id: route.id.clone(),
                guard_id: "contract-guard".into(),
                guard_name: "契约保安".into(),
                at: now,
            },
            &audit("patrol.round_start"),
        )
        .await
        .unwrap();
    assert_eq!(round.expected.len(), 2);
    assert!(matches!(
        store
            .start_patrol_round(
                &others,
                &NewRound {
                    id: new_id(),
                    route_id: route.id.clone(),
                    guard_id: "x".into(),
                    guard_name: "外单位".into(),
                    at: now,
                },
                &audit("patrol.round_start"),
            )
            .await,
        Err(StoreError::NotFound)
    ));
    let visit = NewVisit {
        id: new_id(),
        round_id: round.id.clone(),
        checkpoint_id: route.checkpoints[0].id.clone(),
        method: "scan".into(),
        photo_id: None,
        at: now,
    };
    let (first, new) = store
        .add_patrol_visit(&xihu(), &visit, &audit("patrol.visit"))
        .await
        .unwrap();
    assert!(new);
    let (again, new) = store
        .add_patrol_visit(
            &xihu(),
            &NewVisit {
                id: new_id(),
                ..visit.clone()
            },
            &audit("patrol.visit"),
        )
        .await
        .unwrap();
    assert!(!new);
    assert_eq!(again.id, first.id);
    assert!(matches!(
        store.add_patrol_visit(&others, &visit, &audit("patrol.visit")).await,
        Err(StoreError::NotFound)
    ));
    let (done, finished) = store
        .finish_patrol_round(&xihu(), &round.id, &audit("patrol.round_finish"), now)
        .await
        .unwrap();
    assert!(finished);
    assert_eq!(done.state, RoundState::Finished);
    assert_eq!(done.missed().len(), 1);
    let (_, finished) = store
        .finish_patrol_round(&xihu(), &round.id, &audit("patrol.round_finish"), now)
        .await
        .unwrap();
    assert!(!finished, "finished once");
    let late_visit = NewVisit {
        id: new_id(),
        checkpoint_id: route.checkpoints[1].id.clone(),
        ..visit.clone()
    };
    assert!(matches!(
        store
            .add_patrol_visit(&xihu(), &late_visit, &audit("patrol.visit"))
            .await,
        Err(StoreError::Conflict(_))
    ));

    // A miss once per key; the summary counts it.
    let miss = PatrolMiss {
        key: format!("checkpoint:{}:{}", round.id, route.checkpoints[1].id),
        unit_id: a.clone(),
        route_id: route.id.clone(),
        round_id: Some(round.id.clone()),
        kind: MISS_CHECKPOINT,
        at: now,
        detail: "配电房未到位".into(),
    };
    assert!(store.record_patrol_miss(&miss, None).await.unwrap());
    assert!(!store.record_patrol_miss(&miss, None).await.unwrap());
    let sum = store
        .patrol_summary(&xihu(), &a, now - Duration::days(30))
        .await
        .unwrap();
    assert_eq!(
        (
            sum.routes,
            sum.checkpoints,
            sum.rounds,
            sum.complete_rounds,
            sum.missed_checkpoints
        ),
        (1, 2, 1, 0, 1),
        "{sum:?}"
    );
    assert_eq!(sum.completion_percent, Some(0));
    assert!(matches!(
        store.patrol_summary(&others, &a, now).await,
        Err(StoreError::NotFound)
    ));
    let listed = store
        .patrol_rounds(
            &xihu(),
            &a,
            Some(&route.id),
            neibao_domain::paging::Page::checked(Some(1), Some(20)).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 1);
    assert_eq!(listed.items[0].visits.len(), 1);

    // A stale update is refused; a current one keeps the checkpoints sent with their id, tags
    // swapped between them.
    let upd = NewRoute {
        name: "甲公司夜间巡查（调整）".into(),
        checkpoints: vec![
            point(Some(&route.checkpoints[1].id), "配电房", "CT-1"),
            point(Some(&route.checkpoints[0].id), "东门", "CT-2"),
        ],
        ..r1.clone()
    };
    match store
        .update_patrol_route(&xihu(), &upd, 7, None, &audit("patrol.route_update"))
        .await
    {
        Err(StoreError::Domain(d)) => assert_eq!(d.code, ErrorCode::VersionConflict),
        other => panic!("a stale update: {other:?}"),
    }
    let changed = store
        .update_patrol_route(&xihu(), &upd, 1, None, &audit("patrol.route_update"))
        .await
        .unwrap();
    assert_eq!(changed.version, 2);
    assert_eq!(changed.checkpoints[0].id, route.checkpoints[1].id);
    assert_eq!(changed.checkpoints[0].tag, "CT-1");
    assert_eq!(changed.checkpoints[1].tag, "CT-2");
}
