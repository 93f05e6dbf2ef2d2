//! The liaison and private-enterprise request repositories (`LiaisonRepo`, docs/LIAISON.md;
//! `EnterpriseRequestRepo`, docs/ENTERPRISE-REQUESTS.md): a point stored with its units only in
//! scope, its phone encrypted and answered masked, a unit set change keeping the history, the
//! visibility of a point by scope and by its organisation, an officer's units; a request stored
//! with its deadline job in scope for a private enterprise only, its changes refused in the wrong
//! state, the overdue mark set once, the counts.

use chrono::{DateTime, Duration, Utc};
use neibao_domain::access::Scope;
use neibao_domain::enterprise_requests::*;
use neibao_domain::ids::new_id;
use neibao_domain::jobs::{JobKind, NewJob};
use neibao_domain::liaison::NewLiaisonPoint;
use neibao_domain::paging::Page;
use neibao_store::enterprise_requests::RequestChange;
use neibao_store::error::StoreError;
use neibao_store::liaison::UnitSet;
use neibao_store::Store;

use super::registry::Registry;
use super::{audit, xihu};

pub async fn check(store: &dyn Store, now: DateTime<Utc>, registry: &Registry) {
    let a = registry.a.id.clone();
    let b = registry.b.id.clone();
    let p = NewLiaisonPoint {
        id: new_id(),
        officer_id: Some("officer-1".into()),
        name: "张警官".into(),
        officer_org_name: Some("西溪派出所".into()),
        team_name: String::new(),
        park_name: "西溪园区".into(),
        contact_hours: "工作日".into(),
        phone: "13812345678".into(),
        org_id: Some("org-x".into()),
        org_name: Some("西湖分局".into()),
        created_by: "李".into(),
        at: now,
    };
    // A unit outside the scope: nothing stored.
    assert!(matches!(
        store
            .create_liaison_point(&xihu(), &p, &[a.clone(), b.clone()], &audit("liaison.create"))
            .await,
        Err(StoreError::NotFound)
    ));
    let d = store
        .create_liaison_point(&Scope::All, &p, &[a.clone(), b.clone()], &audit("liaison.create"))
        .await
        .unwrap();
    assert_eq!(d.point.phone, "138****5678");
    assert_eq!(d.units.len(), 2);
    assert_eq!(d.point.unit_count, 2);
    // Visible through a unit in scope; not through a scope with none of its units, unless the
    // organisation set it up.
    let shangcheng = Scope::Division {
        prefix: "330102".into(),
    };
    let nowhere = Scope::Division { prefix: "3399".into() };
    assert!(store.liaison_point(&xihu(), None, &p.id).await.unwrap().is_some());
    assert!(store.liaison_point(&nowhere, None, &p.id).await.unwrap().is_none());
    assert!(store
        .liaison_point(&nowhere, Some("org-x"), &p.id)
        .await
        .unwrap()
        .is_some());
    let only_a = [a.clone()];
    let set = UnitSet {
        unit_ids: &only_a,
        by: "李",
        at: now,
    };
    // Changing the units: b leaves (outside xihu: refused there), history kept.
    assert!(matches!(
        store
            .set_liaison_units(&xihu(), None, &p.id, &set, &audit("liaison.assign"))
            .await,
        Err(StoreError::NotFound)
    ));
    let d = store
        .set_liaison_units(&Scope::All, None, &p.id, &set, &audit("liaison.assign"))
        .await
        .unwrap();
    assert_eq!(d.units.len(), 1);
    assert_eq!(d.history.len(), 2);
    assert!(d
        .history
        .iter()
        .any(|h| h.unit_id == b && h.unassigned_by.as_deref() == Some("李")));
    assert!(store.liaison_point(&shangcheng, None, &p.id).await.unwrap().is_none());
    let (points, history) = store.unit_liaison(&xihu(), &a).await.unwrap();
    assert_eq!(points.len(), 1);
    assert_eq!(history.len(), 1);
    assert!(matches!(
        store.unit_liaison(&xihu(), &b).await,
        Err(StoreError::NotFound)
    ));
    let mine = store.officer_liaison_units("officer-1").await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].unit_id, a);
    assert!(store
        .list_liaison_points(&xihu(), None)
        .await
        .unwrap()
        .iter()
        .any(|x| x.id == p.id));

    // Requests.
    let new = |unit: &str| NewRequest {
        id: new_id(),
        unit_id: unit.to_string(),
        kind: RequestKind::Protection,
        text: "请求保护".into(),
        filed_by: "m1".into(),
        filed_by_name: "负责人".into(),
        at: now,
        deadline: now + Duration::days(RESPONSE_DAYS),
    };
    let job = |id: &str| NewJob {
        kind: JobKind::EnterpriseRequestDeadline,
        subject_id: id.to_string(),
        due_at: now + Duration::days(RESPONSE_DAYS),
        payload: serde_json::json!({}),
    };
    let outside = new(&b);
    assert!(matches!(
        store
            .create_enterprise_request(&xihu(), &outside, &job(&outside.id), &audit("enterprise_request.file"))
            .await,
        Err(StoreError::NotFound)
    ));
    let r1 = new(&a);
    let got = store
        .create_enterprise_request(&xihu(), &r1, &job(&r1.id), &audit("enterprise_request.file"))
        .await
        .unwrap();
    assert_eq!(got.state, "open");
    assert_eq!(got.station_id.as_deref(), Some(registry.station_id.as_str()));
    assert!(store
        .enterprise_request(
            &Scope::Division {
                prefix: "330102".into()
            },
            &r1.id
        )
        .await
        .unwrap()
        .is_none());
    let change = |c: RequestChange| c;
    // Rating an open request: refused.
    assert!(matches!(
        store
            .change_enterprise_request(
                &xihu(),
                &r1.id,
                &change(RequestChange::Rate { rating: Rating::Fair }),
                now,
                &audit("enterprise_request.rate")
            )
            .await,
        Err(StoreError::Domain(_))
    ));
    let reply = RequestReply {
        id: new_id(),
        request_id: r1.id.clone(),
        side: "police".into(),
        author_id: "p1".into(),
        author_name: "民警".into(),
        text: "已受理".into(),
        at: now,
    };
    let d = store
        .change_enterprise_request(
            &xihu(),
            &r1.id,
            &RequestChange::Reply { reply },
            now + Duration::minutes(30),
            &audit("enterprise_request.reply"),
        )
        .await
        .unwrap();
    assert_eq!(d.seconds_to_first_reply, Some(1800));
    let d = store
        .change_enterprise_request(
            &xihu(),
            &r1.id,
            &RequestChange::Close {
                by: "民警".into(),
                note: "办结".into(),
            },
            now + Duration::hours(1),
            &audit("enterprise_request.close"),
        )
        .await
        .unwrap();
    assert_eq!(d.request.state, "closed");
    let d = store
        .change_enterprise_request(
            &xihu(),
            &r1.id,
            &RequestChange::Rate {
                rating: Rating::Satisfied,
            },
            now,
            &audit("enterprise_request.rate"),
        )
        .await
        .unwrap();
    assert_eq!(d.request.rating, Some(Rating::Satisfied));
    // An open one goes overdue once, only at its deadline; a closed one never.
    let r2 = new(&a);
    store
        .create_enterprise_request(&xihu(), &r2, &job(&r2.id), &audit("enterprise_request.file"))
        .await
        .unwrap();
    let sys = audit("enterprise_request.overdue");
    assert!(store
        .mark_enterprise_request_overdue(&r2.id, now, &sys)
        .await
        .unwrap()
        .is_none());
    let late = now + Duration::days(RESPONSE_DAYS);
    assert!(store
        .mark_enterprise_request_overdue(&r2.id, late, &sys)
        .await
        .unwrap()
        .is_some());
    assert!(store
        .mark_enterprise_request_overdue(&r2.id, late, &sys)
        .await
        .unwrap()
        .is_none());
    assert!(store
        .mark_enterprise_request_overdue(&r1.id, late, &sys)
        .await
        .unwrap()
        .is_none());
    let f = RequestFilter {
        overdue: Some(true),
        ..Default::default()
    };
    let l = store
        .list_enterprise_requests(&xihu(), &f, Page { page: 1, per_page: 10 })
        .await
        .unwrap();
    assert_eq!(l.total, 1);
    assert_eq!(l.items[0].id, r2.id);
    let c = store.enterprise_request_counts(&xihu()).await.unwrap();
    assert_eq!((c.open, c.overdue_open, c.closed, c.satisfied), (1, 1, 1, 1));
    assert_eq!(c.mean_seconds_to_first_reply, Some(1800));
}
