//! [`neibao_store::organisations::OrgAdminRepo`]: versions checked and raised in the write's
//! transaction, a merge moving children and closing the source, a close refused while children
//! are open, history rows with each change, closed organisations out of the plain lists.

use chrono::{DateTime, Utc};
use neibao_domain::error::ErrorCode;
use neibao_domain::organisations::NewOrgHistory;
use neibao_domain::registry::Organisation;
use neibao_store::{Store, StoreError};

use super::audit;

fn org(id: &str, kind: &str, division: &str, parent: Option<&str>) -> Organisation {
    Organisation {
        id: id.into(),
        name: format!("契约{id}"),
        kind: kind.into(),
        division_code: division.into(),
        parent_id: parent.map(str::to_string),
        sector: None,
    }
}

fn history(action: &str) -> NewOrgHistory {
    NewOrgHistory {
        action: action.into(),
        actor_id: None,
        actor_name: "contract".into(),
        before: None,
        after: Some(serde_json::json!({ "action": action })),
        sentence: format!("契约 {action}"),
    }
}

fn refused_with(r: Result<impl std::fmt::Debug, StoreError>, code: ErrorCode) {
    match r {
        Err(StoreError::Domain(d)) => assert_eq!(d.code, code, "{d:?}"),
        other => panic!("expected {code:?}, got {other:?}"),
    }
}

pub async fn check(store: &dyn Store, now: DateTime<Utc>) {
    let a = audit("organisation.create");
    store
        .create_org(
            &org("oc_city", "police_city", "330500", None),
            &history("create"),
            &a,
            now,
        )
        .await
        .unwrap();
    for (id, division) in [("oc_c1", "330502"), ("oc_c2", "330503")] {
        store
            .create_org(
                &org(id, "police_county", division, Some("oc_city")),
                &history("create"),
                &a,
                now,
            )
            .await
            .unwrap();
    }
    store
        .create_org(
            &org("oc_s1", "police_station", "330502001", Some("oc_c1")),
            &history("create"),
            &a,
            now,
        )
        .await
        .unwrap();
    let c1 = store.get_org_detail("oc_c1").await.unwrap();
    assert_eq!((c1.version, c1.status.as_str(), c1.children), (1, "open", 1));
    assert!(matches!(
        store.get_org_detail("oc_none").await,
        Err(StoreError::NotFound)
    ));

    // A stale version changes nothing; the right one raises it.
    let u = audit("organisation.update");
    refused_with(
        store
            .update_org("oc_c1", 2, "过期", None, Some("oc_city"), &history("update"), &u, now)
            .await,
        ErrorCode::VersionConflict,
    );
    assert_eq!(store.get_org_detail("oc_c1").await.unwrap().org.name, "契约oc_c1");
    store
        .update_org(
            "oc_c1",
            1,
            "一区",
            Some("教育"),
            Some("oc_city"),
            &history("update"),
            &u,
            now,
        )
        .await
        .unwrap();
    let c1 = store.get_org_detail("oc_c1").await.unwrap();
    assert_eq!(
        (c1.version, c1.org.name.as_str(), c1.org.sector.as_deref()),
        (2, "一区", Some("教育"))
    );

    // Closing with an open child is refused; merging moves the child and closes the source.
    refused_with(
        store
            .close_org("oc_c1", 2, &history("close"), &audit("organisation.close"), now)
            .await,
        ErrorCode::InvalidTransition,
    );
    let moved = store
        .merge_org(
            "oc_c1",
            2,
            "oc_c2",
            (&history("merge"), &history("merged")),
            &audit("organisation.merge"),
            now,
        )
        .await
        .unwrap();
    assert_eq!((moved.children, moved.units, moved.users), (1, 0, 0));
    let c1 = store.get_org_detail("oc_c1").await.unwrap();
    assert_eq!(
        (c1.status.as_str(), c1.merged_into.as_deref(), c1.version),
        ("closed", Some("oc_c2"), 3)
    );
    assert!(c1.closed_at.is_some());
    let c2 = store.get_org_detail("oc_c2").await.unwrap();
    assert_eq!((c2.version, c2.children), (2, 1));
    assert_eq!(
        store.get_organisation("oc_s1").await.unwrap().parent_id.as_deref(),
        Some("oc_c2")
    );
    refused_with(
        store
            .update_org("oc_c1", 3, "复活", None, Some("oc_city"), &history("update"), &u, now)
            .await,
        ErrorCode::InvalidTransition,
    );

    // Closed: out of the plain list, in the full one.
    let open = store.list_organisations(None, Some("3305")).await.unwrap();
    assert!(!open.iter().any(|o| o.id == "oc_c1"));
    let all = store.list_org_details(Some("3305"), true).await.unwrap();
    assert!(all.iter().any(|o| o.org.id == "oc_c1"));
    assert_eq!(store.list_org_details(Some("3305"), false).await.unwrap().len(), 3);

    // Each change left its history row, oldest first.
    let h = store.org_history("oc_c1").await.unwrap();
    let actions: Vec<&str> = h.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["create", "update", "merge"]);
    assert_eq!(h[2].sentence, "契约 merge");
    assert_eq!(store.org_history("oc_c2").await.unwrap().len(), 2);
}
