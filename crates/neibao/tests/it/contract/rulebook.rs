//! The rulebook repository (`RulebookRepo`, docs/RULEBOOK.md): versions numbered and kept, the
//! review job written with its version, the current version's publication date as a floor,
//! 不适用 set and taken back, signatures of the current version only and once, the coverage
//! count, and the scope on every method.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use neibao_domain::access::{Role, Scope};
use neibao_domain::accounts::NewUser;
use neibao_domain::paging::Page;
use neibao_domain::rulebook::NewRuleVersion;
use neibao_engine::rulebook::review::review_job;
use neibao_store::error::StoreError;
use neibao_store::Store;

use super::registry::Registry;
use super::{audit, xihu};

fn draft(unit_id: &str, subject: i64, published_on: NaiveDate, now: DateTime<Utc>) -> NewRuleVersion {
    NewRuleVersion {
        id: neibao_domain::ids::new_id(),
        unit_id: unit_id.to_string(),
        subject,
        title: format!("第{subject}项制度"),
        body: "正文".into(),
        approved_on: published_on,
        published_on,
        created_by: "contract".into(),
        created_at: now,
    }
}

pub async fn check(store: &dyn Store, now: DateTime<Utc>, registry: &Registry) {
    let a = &registry.a.id;
    let b = &registry.b.id;
    let day: NaiveDate = "2026-03-01".parse().unwrap();

    // Versions 1 and 2; the first kept, the second current; the review job written with each.
    let d1 = draft(a, 1, day, now);
    let v1 = store
        .add_rule_version(&xihu(), &d1, &review_job(&d1.id, day), &audit("rulebook.publish"))
        .await
        .unwrap();
    let d2 = draft(a, 1, day + Duration::days(1), now);
    let v2 = store
        .add_rule_version(
            &xihu(),
            &d2,
            &review_job(&d2.id, d2.published_on),
            &audit("rulebook.publish"),
        )
        .await
        .unwrap();
    assert_eq!((v1.version, v2.version), (1, 2));
    assert!(
        !store.schedule_job(&review_job(&d1.id, day), now).await.unwrap(),
        "the review job was written with its version"
    );
    let (_, _, current) = store.rule_version(&Scope::All, &v1.id).await.unwrap().unwrap();
    assert!(!current);
    let (got, unit_name, current) = store.rule_version(&Scope::All, &v2.id).await.unwrap().unwrap();
    assert!(current);
    assert_eq!(got, v2);
    assert_eq!(unit_name, registry.a.name);
    // Outside the scope: not found, nothing written.
    assert!(store.rule_version(&xihu(), "nope").await.unwrap().is_none());
    let db = draft(b, 1, day, now);
    assert!(matches!(
        store
            .add_rule_version(&xihu(), &db, &review_job(&db.id, day), &audit("rulebook.publish"))
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(store.unit_rules(&xihu(), b).await, Err(StoreError::NotFound)));
    // Published before the current version: refused.
    let early = draft(a, 1, day - Duration::days(1), now);
    assert!(matches!(
        store
            .add_rule_version(&xihu(), &early, &review_job(&early.id, day), &audit("rulebook.publish"))
            .await,
        Err(StoreError::Domain(_))
    ));

    // 不适用: set, read, taken back.
    store
        .set_not_applicable(
            &xihu(),
            a,
            8,
            Some("不存放"),
            "contract",
            &audit("rulebook.not_applicable"),
            now,
        )
        .await
        .unwrap();
    let rules = store.unit_rules(&xihu(), a).await.unwrap();
    assert_eq!(rules.versions.len(), 2);
    assert_eq!(rules.not_applicable.len(), 1);
    assert_eq!(rules.not_applicable[0].reason, "不存放");
    let page = Page::new(Some(1), Some(50));
    let row = |l: &neibao_domain::paging::Listing<neibao_domain::rulebook::UnitCoverage>| {
        l.items.iter().find(|c| &c.unit_id == a).map(|c| c.covered)
    };
    let all = store.rule_coverage(&Scope::All, false, page).await.unwrap();
    assert_eq!(row(&all), Some(2), "subject 1 and subject 8");
    assert!(all.items.iter().any(|c| &c.unit_id == b));
    let west = store.rule_coverage(&xihu(), true, page).await.unwrap();
    assert!(west.items.iter().all(|c| &c.unit_id != b), "the scope applies");
    assert_eq!(row(&west), Some(2));
    store
        .set_not_applicable(&xihu(), a, 8, None, "contract", &audit("rulebook.applicable"), now)
        .await
        .unwrap();
    assert!(store.unit_rules(&xihu(), a).await.unwrap().not_applicable.is_empty());

    // Signatures: the current version only, once; the unit's active accounts are its staff.
    let guard = store
        .create_user(
            &NewUser {
                username: "rb_guard".into(),
                display_name: "保安甲".into(),
                password_hash: "$argon2id$x".into(),
                password_temporary: false,
                role: Role::Guard,
                org_id: None,
                unit_id: Some(a.clone()),
            },
            now,
        )
        .await
        .unwrap();
    let sign = |version: &str| {
        let version = version.to_string();
        let guard = guard.id.clone();
        async move {
            store
                .acknowledge_rule(
                    &Scope::Unit { unit_id: a.clone() },
                    a,
                    1,
                    &version,
                    &guard,
                    "保安甲",
                    &audit("rulebook.acknowledge"),
                    now,
                )
                .await
        }
    };
    assert!(matches!(sign(&v1.id).await, Err(StoreError::Conflict(_))));
    let (first, new) = sign(&v2.id).await.unwrap();
    assert!(new);
    let (again, new) = sign(&v2.id).await.unwrap();
    assert!(!new);
    assert_eq!(
        again.acknowledged_at.timestamp_millis(),
        first.acknowledged_at.timestamp_millis()
    );
    let rules = store.unit_rules(&xihu(), a).await.unwrap();
    assert_eq!(rules.acknowledgements.len(), 1);
    assert!(rules.staff.iter().any(|s| s.user_id == guard.id && s.role == "guard"));
}
