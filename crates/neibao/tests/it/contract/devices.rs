//! The devices' repository (`DeviceRepo`): registration (a key area of the device's own unit, one
//! device per ingest token), the ingest view of a device, liveness, scoped lists.

use chrono::{DateTime, Duration, Utc};
use neibao_domain::access::Scope;
use neibao_domain::devices::{DeviceFilter, DeviceFormat, IngestDevice, NewDevice};
use neibao_domain::paging::Page;
use neibao_store::{Store, StoreError};

use super::registry::Registry;
use super::{audit, xihu};

/// What the device checks leave behind for the event and alert checks.
pub struct Devices {
    /// The ingest view of `a`'s camera in its key area (token hash `h1`), heard from at `now`.
    /// (`b`'s camera, token `h3`, is never heard from: offline.)
    pub ing: IngestDevice,
}

/// Two devices, one of `a` in its key area and one of `b`; the ingest view; liveness never goes back.
pub async fn check(store: &dyn Store, now: DateTime<Utc>, registry: &Registry) -> Devices {
    let all = Scope::All;
    let xihu = xihu();
    let p = Page::new(Some(1), Some(10));
    let Registry { a, b, area, .. } = registry;

    let dev = |unit: &str, area: Option<String>, token: &str| NewDevice {
        unit_id: unit.into(),
        key_area_id: area,
        format: DeviceFormat::Hikvision,
        kind: "camera".into(),
        name: "摄像机".into(),
        serial: "S1".into(),
        channel_map: Default::default(),
        time_zone: None,
        ingest_token_hash: token.into(),
        location_type: None,
        view_note: None,
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
        .create_device(
            &all,
            NewDevice {
                time_zone: Some("America/New_York".into()),
                ..dev(&b.id, None, "h3")
            },
            &audit("device.create"),
            now,
        )
        .await
        .unwrap();
    // The device's own time zone is kept and reaches the ingest view; none is none.
    assert_eq!(d2.time_zone.as_deref(), Some("America/New_York"));
    assert_eq!(
        store
            .device_for_ingest("h3")
            .await
            .unwrap()
            .unwrap()
            .time_zone
            .as_deref(),
        Some("America/New_York")
    );
    assert_eq!(d.time_zone, None);
    assert!(!d.online);
    let ing = store.device_for_ingest("h1").await.unwrap().unwrap();
    assert_eq!(ing.key_area_id.as_deref(), Some(area.id.as_str()));
    assert!(store.device_for_ingest("nope").await.unwrap().is_none());
    assert_eq!(
        store.ingest_device(&ing.id).await.unwrap().unwrap().division_code,
        "330106001"
    );
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
    Devices { ing }
}

/// A reissued token (重新生成接入令牌): the new hash resolves and the old one no longer does, from
/// the commit on; not outside the scope; not for a closed device. Run last: it adds a device.
pub async fn token(store: &dyn Store, now: DateTime<Utc>, registry: &Registry) {
    let all = Scope::All;
    let d = store
        .create_device(
            &all,
            NewDevice {
                unit_id: registry.b.id.clone(),
                key_area_id: None,
                format: DeviceFormat::Dahua,
                kind: "nvr".into(),
                name: "重发令牌录像机".into(),
                serial: "R1".into(),
                channel_map: Default::default(),
                time_zone: None,
                ingest_token_hash: "reissue-old".into(),
                location_type: None,
                view_note: None,
            },
            &audit("device.create"),
            now,
        )
        .await
        .unwrap();
    let history = neibao_domain::registry::NewHistory {
        action: "token_reissue".into(),
        actor_id: None,
        actor_name: "测试".into(),
        sentence: "测试 重新生成了设备的接入令牌".into(),
    };
    let elsewhere = Scope::Division { prefix: "4401".into() };
    assert!(matches!(
        store
            .set_device_token(
                &elsewhere,
                &d.id,
                "reissue-new",
                &history,
                &audit("device.token_reissue"),
                now
            )
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(store.device_for_ingest("reissue-old").await.unwrap().is_some());
    store
        .set_device_token(
            &all,
            &d.id,
            "reissue-new",
            &history,
            &audit("device.token_reissue"),
            now,
        )
        .await
        .unwrap();
    assert!(store.device_for_ingest("reissue-old").await.unwrap().is_none());
    assert_eq!(
        store.device_for_ingest("reissue-new").await.unwrap().map(|i| i.id),
        Some(d.id.clone())
    );
    // The device's version is unchanged (a token is not what an edit compares).
    assert_eq!(store.get_device(&all, &d.id, now).await.unwrap().version, d.version);
    store
        .set_device_state(
            &all,
            &d.id,
            d.version,
            neibao_domain::registry::LifeAction::Close,
            &history,
            &audit("device.close"),
            now,
        )
        .await
        .unwrap();
    let refused = store
        .set_device_token(
            &all,
            &d.id,
            "reissue-third",
            &history,
            &audit("device.token_reissue"),
            now,
        )
        .await;
    assert!(
        matches!(&refused, Err(StoreError::Domain(e)) if e.code == neibao_domain::error::ErrorCode::InvalidTransition),
        "{refused:?}"
    );
}
