//! Registry, devices and events through their services: every change is audited in its own
//! transaction (a failed audit write fails the change), and the raw payload of an event is not
//! handed out when its read cannot be audited.

use serde_json::{json, Value};

use crate::common::*;

/// The newest audit rows with `action`.
async fn audited(admin: &Client, action: &str) -> Vec<Value> {
    let (s, log) = admin.get(&format!("/api/v1/audit?action={action}&per_page=200")).await;
    assert_eq!(s, 200, "{log}");
    log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["action"] == action)
        .cloned()
        .collect()
}

#[tokio::test]
async fn registry_changes_are_audited_with_their_objects() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let unit = create_unit(&admin, "审计登记单位", "330106", "91330106000000041").await;
    let (s, area) = admin
        .post(&format!("/api/v1/units/{unit}/key_areas"), json!({"name": "机房"}))
        .await;
    assert_eq!(s, 201, "{area}");
    let (device, _) = create_device(&admin, &unit, area["id"].as_str(), "hikvision").await;
    let (s, _) = admin
        .put(
            &format!("/api/v1/units/{unit}/rules/video_tamper"),
            json!({"enabled": false}),
        )
        .await;
    assert_eq!(s, 204);
    let (s, _) = admin
        .put(&format!("/api/v1/units/{unit}/armed_schedule"), json!({"periods": []}))
        .await;
    assert_eq!(s, 204);
    let (s, v) = admin
        .put(
            &format!("/api/v1/units/{unit}"),
            json!({"name": "审计登记单位（更名）", "kind": "enterprise", "uscc": uscc("91330106000000041"), "division_code": "330106"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");

    for (action, object_id) in [
        ("unit.create", unit.as_str()),
        ("unit.update", unit.as_str()),
        ("key_area.create", area["id"].as_str().unwrap()),
        ("device.create", device.as_str()),
        ("rule_setting.update", "video_tamper"),
        ("armed_schedule.update", unit.as_str()),
    ] {
        let rows = audited(&admin, action).await;
        assert_eq!(rows.len(), 1, "{action}: {rows:?}");
        assert_eq!(rows[0]["object_id"], object_id, "{action}");
        assert_eq!(rows[0]["unit_id"], unit.as_str(), "{action}");
        assert_eq!(rows[0]["actor_name"], "admin", "{action}");
        assert!(!rows[0]["detail"].as_str().unwrap().is_empty(), "{action}");
    }
    assert!(neibao::audit_verify(&app.services, &[])
        .await
        .unwrap()
        .problems
        .is_empty());
}

#[tokio::test]
async fn a_failed_audit_write_fails_the_change_and_withholds_raw_payloads() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let unit = create_unit(&admin, "审计失败单位", "330106", "91330106000000042").await;
    let (device, path) = create_device(&admin, &unit, None, "generic_json").await;
    let (s, v) = app
        .ingest(&path, "application/json", json!({"type": "motion"}).to_string())
        .await;
    assert_eq!(s, 200, "{v}");
    let (_, events) = admin.get(&format!("/api/v1/events?device_id={device}")).await;
    let event = events["items"][0]["id"].as_str().unwrap().to_string();

    // The audit log cannot be written: every change refuses, and changes nothing.
    app.exec_sql("ALTER TABLE audit_log RENAME TO audit_log_away").await;
    let (s, v) = admin
        .post(
            "/api/v1/units",
            json!({"name": "未审计单位", "kind": "enterprise", "uscc": uscc("91330106000000043"), "division_code": "330106"}),
        )
        .await;
    assert_eq!(s, 500, "{v}");
    let (s, v) = admin
        .post(
            &format!("/api/v1/units/{unit}/key_areas"),
            json!({"name": "未审计部位"}),
        )
        .await;
    assert_eq!(s, 500, "{v}");
    let (s, v) = admin
        .post(
            "/api/v1/devices",
            json!({"unit_id": unit, "format": "hikvision", "name": "未审计设备"}),
        )
        .await;
    assert_eq!(s, 500, "{v}");
    let (s, v) = admin
        .put(
            &format!("/api/v1/units/{unit}/rules/video_tamper"),
            json!({"enabled": false}),
        )
        .await;
    assert_eq!(s, 500, "{v}");
    let (s, v) = admin
        .put(&format!("/api/v1/units/{unit}/armed_schedule"), json!({"periods": []}))
        .await;
    assert_eq!(s, 500, "{v}");
    let (s, v) = admin
        .put(
            &format!("/api/v1/units/{unit}"),
            json!({"name": "未审计更名", "kind": "enterprise", "uscc": uscc("91330106000000042"), "division_code": "330106"}),
        )
        .await;
    assert_eq!(s, 500, "{v}");
    // A sensitive read that cannot be audited hands out nothing.
    let r = admin
        .http
        .get(format!(
            "{}/api/v1/events/{event}/raw?purpose=核查审计失败时的读取",
            admin.base
        ))
        .bearer_auth(&admin.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 500);
    assert!(
        !r.text().await.unwrap().contains("motion"),
        "no raw bytes without the audit row"
    );
    app.exec_sql("ALTER TABLE audit_log_away RENAME TO audit_log").await;

    let (_, units) = admin.get("/api/v1/units?q=未审计").await;
    assert_eq!(units["total"], 0, "{units}");
    let (_, u) = admin.get(&format!("/api/v1/units/{unit}")).await;
    assert_eq!(u["name"], "审计失败单位");
    assert!(u["armed_schedule"].is_null(), "{u}");
    let (_, areas) = admin.get(&format!("/api/v1/units/{unit}/key_areas")).await;
    assert_eq!(areas.as_array().unwrap().len(), 0);
    let (_, devices) = admin.get(&format!("/api/v1/devices?unit_id={unit}")).await;
    assert_eq!(devices["total"], 1);
    let (_, rules) = admin.get(&format!("/api/v1/units/{unit}/rules")).await;
    assert!(rules.as_array().unwrap().iter().all(|r| r["enabled"] == true));
    assert!(neibao::audit_verify(&app.services, &[])
        .await
        .unwrap()
        .problems
        .is_empty());
}

/// A device carries its unit's armed schedule into the intake path through the token cache
/// (`neibao_engine::intake::tokens`): changing the schedule empties it (`forget_devices`), so the
/// device's next post, within the cache's 5 s, is evaluated with the new schedule.
#[tokio::test]
async fn a_schedule_change_reaches_the_next_post_at_once() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let unit = create_unit(&admin, "布防变更单位", "330106", "91330106000000033").await;
    let (_, path) = create_device(&admin, &unit, None, "generic_json").await;
    let motion = |region: &str| json!({"type": "motion", "region": region}).to_string();
    let (s, v) = app.ingest(&path, "application/json", motion("北门")).await;
    assert_eq!((s, v["alerts"].as_u64()), (200, Some(0)), "not armed: {v}");
    let whole_week = json!({"periods": [{"weekdays": [1, 2, 3, 4, 5, 6, 7], "start": "00:00", "end": "00:00"}]});
    let (s, v) = admin
        .put(&format!("/api/v1/units/{unit}/armed_schedule"), whole_week)
        .await;
    assert!(s == 200 || s == 204, "{s} {v}");
    let (s, v) = app.ingest(&path, "application/json", motion("南门")).await;
    assert_eq!((s, v["alerts"].as_u64()), (200, Some(1)), "armed now: {v}");
}
