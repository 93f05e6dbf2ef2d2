//! Built-in early-warning rules through HTTP: per-unit settings, armed schedule, access control.

use serde_json::json;

use crate::common::*;

fn acs_event(minor: u32, serial: u32) -> String {
    json!({
        "ipAddress": "192.0.2.40", "dateTime": "2026-11-29T10:00:00+08:00", "activePostCount": 1,
        "eventType": "AccessControllerEvent", "eventState": "active",
        "AccessControllerEvent": {"majorEventType": 5, "subEventType": minor, "doorNo": 1, "serialNo": serial, "cardNo": "0009999999"}
    })
    .to_string()
}

#[tokio::test]
async fn repeated_failed_verification_and_forced_door() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let unit = create_unit(&admin, "门禁测试单位", "330106", "91330106000000010").await;
    let (_, path) = create_device(&admin, &unit, None, "hikvision").await;
    // Four failures (minor 9, invalid card): below the default threshold of five.
    for n in 0..4 {
        let (s, v) = app.ingest(&path, "application/json", acs_event(9, 100 + n)).await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["alerts"], 0);
    }
    let (_, v) = app.ingest(&path, "application/json", acs_event(9, 104)).await;
    assert_eq!(v["alerts"], 1, "the fifth failure within the window raises");
    let (_, v) = app.ingest(&path, "application/json", acs_event(9, 105)).await;
    assert_eq!(v["alerts"], 1);
    let (_, alerts) = admin.get("/api/v1/alerts").await;
    assert_eq!(alerts["total"], 1, "further failures fold into the same alert");
    assert_eq!(alerts["items"][0]["rule"], "access_failed_verification");
    assert_eq!(alerts["items"][0]["event_count"], 2);
    // Granted passes never alert.
    let (_, v) = app.ingest(&path, "application/json", acs_event(1, 106)).await;
    assert_eq!(v["alerts"], 0);
    // Door opened abnormally (minor 27): forced door, high severity.
    let (_, v) = app.ingest(&path, "application/json", acs_event(27, 107)).await;
    assert_eq!(v["alerts"], 1);
    let (_, alerts) = admin.get("/api/v1/alerts?severity=high").await;
    assert_eq!(alerts["items"][0]["rule"], "access_door_forced");
}

#[tokio::test]
async fn rules_are_configurable_per_unit() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let unit = create_unit(&admin, "规则配置单位", "330106", "91330106000000011").await;
    let (_, path) = create_device(&admin, &unit, None, "hikvision").await;
    let (s, rules) = admin.get(&format!("/api/v1/units/{unit}/rules")).await;
    assert_eq!(s, 200);
    assert_eq!(
        rules.as_array().unwrap().len(),
        7,
        "with patrol_miss and emergency_alarm"
    );
    // Switch tamper alerts off for this unit: the tamper event is stored, no alert.
    let (s, _) = admin
        .put(
            &format!("/api/v1/units/{unit}/rules/video_tamper"),
            json!({"enabled": false}),
        )
        .await;
    assert_eq!(s, 204);
    let (_, v) = app
        .ingest(
            &path,
            "application/xml",
            fixture("hikvision-isapi-alert/alert_shelteralarm_tamper_ver20.xml"),
        )
        .await;
    assert_eq!(v["accepted"], 1);
    assert_eq!(v["alerts"], 0);
    // Lower the failure threshold to 2 and raise its severity.
    let (s, _) = admin
        .put(
            &format!("/api/v1/units/{unit}/rules/access_failed_verification"),
            json!({"enabled": true, "params": {"threshold": 2, "window_seconds": 60, "severity": "critical"}}),
        )
        .await;
    assert_eq!(s, 204);
    app.ingest(&path, "application/json", acs_event(76, 1)).await;
    let (_, v) = app.ingest(&path, "application/json", acs_event(76, 2)).await;
    assert_eq!(v["alerts"], 1);
    let (_, alerts) = admin.get("/api/v1/alerts?severity=critical").await;
    assert_eq!(alerts["total"], 1);
    // Bad settings are refused.
    let (s, v) = admin
        .put(
            &format!("/api/v1/units/{unit}/rules/access_failed_verification"),
            json!({"enabled": true, "params": {"threshold": 0}}),
        )
        .await;
    assert_eq!(s, 400, "{v}");
    let (s, _) = admin
        .put(
            &format!("/api/v1/units/{unit}/rules/no_such_rule"),
            json!({"enabled": true}),
        )
        .await;
    assert_eq!(s, 404, "an unknown rule in the path is not found");
}

#[tokio::test]
async fn motion_alerts_only_inside_the_armed_schedule() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let always = json!({"periods": [{"weekdays": [1,2,3,4,5,6,7], "start": "00:00", "end": "00:00"}]});
    let (s, u) = admin
        .post("/api/v1/units", json!({"name": "布防测试单位", "kind": "enterprise", "uscc": uscc("91330106000000012"), "division_code": "330106", "armed_schedule": always}))
        .await;
    assert_eq!(s, 201, "{u}");
    let unit = u["id"].as_str().unwrap().to_string();
    let (_, path) = create_device(&admin, &unit, None, "hikvision").await;
    let vmd = r#"<EventNotificationAlert version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema"><channelID>1</channelID><dateTime>2026-11-29T23:00:00+08:00</dateTime><eventType>VMD</eventType><eventState>active</eventState></EventNotificationAlert>"#;
    let (_, v) = app.ingest(&path, "application/xml", vmd).await;
    assert_eq!(v["alerts"], 1, "armed around the clock: motion raises");
    // Disarmed around the clock (no periods): a motion event on another channel does not.
    let (s, _) = admin
        .put(&format!("/api/v1/units/{unit}"), json!({"version": 1, "name": "布防测试单位", "kind": "enterprise", "uscc": uscc("91330106000000012"), "division_code": "330106", "armed_schedule": {"periods": []}}))
        .await;
    assert_eq!(s, 200);
    let (_, path2) = create_device(&admin, &unit, None, "hikvision").await;
    let (_, v) = app.ingest(&path2, "application/xml", vmd).await;
    assert_eq!(v["accepted"], 1);
    assert_eq!(v["alerts"], 0);
    // A malformed schedule is refused.
    let (s, v) = admin
        .put(&format!("/api/v1/units/{unit}"), json!({"version": 2, "name": "布防测试单位", "kind": "enterprise", "uscc": uscc("91330106000000012"), "division_code": "330106", "armed_schedule": {"periods": [{"weekdays": [9], "start": "25:00", "end": "1"}]}}))
        .await;
    assert_eq!(s, 400, "{v}");
}
