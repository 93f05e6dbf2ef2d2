//! The video repository (`VideoRepo`, docs/VIDEO.md): a camera's placement at its version, the
//! system record at its version, signage groups (names unique per unit) and checks, the
//! append-only retrieval log with its audit row, and the scope on every method.

use chrono::{DateTime, Duration, Utc};
use neibao_domain::access::Scope;
use neibao_domain::devices::{DeviceFormat, NewDevice};
use neibao_domain::paging::Page;
use neibao_domain::video::{LocationType, NewRetrieval};
use neibao_store::error::StoreError;
use neibao_store::Store;

use super::registry::Registry;
use super::{audit, xihu};

pub async fn check(store: &dyn Store, now: DateTime<Utc>, registry: &Registry) {
    let a = &registry.a.id;
    let b = &registry.b.id;
    let cam = store
        .create_device(
            &Scope::All,
            NewDevice {
                unit_id: a.clone(),
                key_area_id: None,
                format: DeviceFormat::Dahua,
                kind: "camera".into(),
                name: "合同摄像机".into(),
                serial: String::new(),
                channel_map: Default::default(),
                time_zone: None,
                ingest_token_hash: "video-contract".into(),
                location_type: Some(LocationType::Entrance),
                view_note: Some("大门".into()),
            },
            &audit("device.create"),
            now,
        )
        .await
        .unwrap();
    assert_eq!(cam.location_type, Some(LocationType::Entrance));
    assert_eq!(cam.view_note.as_deref(), Some("大门"));

    // Placement at the version; stale refused; outside the scope not found.
    store
        .set_camera_placement(
            &xihu(),
            &cam.id,
            cam.version,
            Some(LocationType::Corridor),
            None,
            &audit("video.placement"),
            now,
        )
        .await
        .unwrap();
    let stale = store
        .set_camera_placement(
            &xihu(),
            &cam.id,
            cam.version,
            Some(LocationType::Parking),
            None,
            &audit("video.placement"),
            now,
        )
        .await;
    assert!(matches!(stale, Err(StoreError::Domain(_))), "{stale:?}");
    let elsewhere = Scope::Division { prefix: "4401".into() };
    assert!(matches!(
        store
            .set_camera_placement(
                &elsewhere,
                &cam.id,
                cam.version + 1,
                None,
                None,
                &audit("video.placement"),
                now
            )
            .await,
        Err(StoreError::NotFound)
    ));

    // The system record: version 0 first, then 1.
    let s = store
        .set_video_system(
            &xihu(),
            a,
            0,
            Some(now.date_naive()),
            Some(30),
            "合同",
            &audit("video.system"),
            now,
        )
        .await
        .unwrap();
    assert_eq!((s.version, s.storage_days), (1, Some(30)));
    assert!(store
        .set_video_system(&xihu(), a, 0, None, Some(60), "合同", &audit("video.system"), now)
        .await
        .is_err());

    // Signage: a group, a duplicate name refused, a check.
    let g = store
        .add_signage_group(
            &xihu(),
            a,
            "东门",
            std::slice::from_ref(&cam.id),
            "合同",
            &audit("video.signage_group"),
            now,
        )
        .await
        .unwrap();
    assert!(store
        .add_signage_group(&xihu(), a, "东门", &[], "合同", &audit("video.signage_group"), now)
        .await
        .is_err());
    let c = store
        .add_signage_check(
            &xihu(),
            &g.id,
            now.date_naive(),
            "王",
            true,
            "",
            &audit("video.signage_check"),
            now,
        )
        .await
        .unwrap();
    assert_eq!(store.signage_check_unit(&xihu(), &c.id).await.unwrap(), *a);
    assert!(matches!(
        store.signage_check_unit(&elsewhere, &c.id).await,
        Err(StoreError::NotFound)
    ));

    // Retrievals: appended with their audit row, listed newest first, scoped.
    let r = NewRetrieval {
        unit_id: a.clone(),
        action: "view".into(),
        reason: "合同调阅".into(),
        camera_ids: vec![cam.id.clone()],
        footage_from: now - Duration::hours(2),
        footage_to: now - Duration::hours(1),
        requester_unit: "派出所".into(),
        requester_name: "张".into(),
        approver: "李".into(),
        recorded_by: "合同".into(),
    };
    let saved = store
        .add_retrieval(&xihu(), &r, &audit("video.retrieval"), now)
        .await
        .unwrap();
    assert_eq!(saved.camera_ids, vec![cam.id.clone()]);
    let list = store.list_retrievals(&xihu(), a, Page::new(None, None)).await.unwrap();
    assert_eq!(list.total, 1);
    assert_eq!(list.items[0].id, saved.id);
    assert!(matches!(
        store.list_retrievals(&xihu(), b, Page::new(None, None)).await,
        Err(StoreError::NotFound)
    ));
    let reg = store
        .video_register(&xihu(), a, now - Duration::days(90))
        .await
        .unwrap();
    assert_eq!(reg.retrievals_since, 1);
    assert_eq!(reg.system.storage_days, Some(30));
    assert_eq!(reg.groups.len(), 1);
    assert_eq!(reg.groups[0].checks.len(), 1);
    assert!(reg
        .cameras
        .iter()
        .any(|x| x.id == cam.id && x.location_type.as_deref() == Some("corridor")));
}
