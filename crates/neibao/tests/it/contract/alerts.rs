//! The alerts' repositories: alerts (`AlertRepo`: dedup by fingerprint, the lifecycle, each
//! transition and its audit row in one transaction) and per-unit rule settings (`RuleSettingRepo`).

use chrono::{DateTime, Duration, Utc};
use neibao_domain::access::Scope;
use neibao_domain::alerts::{AlertAction, AlertDraft, AlertFilter, AlertStatus, RuleSetting, Severity};
use neibao_domain::paging::Page;
use neibao_store::{Store, StoreError};

use super::devices::Devices;
use super::events::Events;
use super::registry::Registry;
use super::{audit, xihu};

/// Alerts raised for the events `r1` and `r4` (one fingerprint) on `a`'s camera: dedup,
/// acknowledge (audited with the alert's unit), refused transitions, resolve, a new alert after it.
/// Leaves one alert open.
pub async fn check(store: &dyn Store, now: DateTime<Utc>, registry: &Registry, devices: &Devices, events: &Events) {
    let all = Scope::All;
    let xihu = xihu();
    let p = Page::new(Some(1), Some(10));
    let Registry { a, b, .. } = registry;
    let Devices { ing } = devices;
    let Events { r1, r4, deny } = events;

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
        .record_event(ing, deny, b"{}", None, None, now + Duration::seconds(9))
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
}

/// A rule setting of `a` written twice (the second wins); out of scope for `b` refused.
pub async fn rule_settings(store: &dyn Store, now: DateTime<Utc>, registry: &Registry) {
    let all = Scope::All;
    let xihu = xihu();
    let Registry { a, b, .. } = registry;

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
}
