//! Alerts resolved as false positives with a reason code, and per-rule statistics with the
//! flooding flag (issue 4), over HTTP and in the UI.

use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn false_positives_are_counted_per_rule_and_flooding_rules_are_flagged() {
    let app = TestApp::demo().await;
    let police = app.client_for("demo_county").await;
    let unit = app.client_for("demo_unit").await;
    let (_, alerts) = unit.get("/api/v1/alerts?per_page=1").await;
    let alert = alerts["items"][0].clone();
    let id = alert["id"].as_str().unwrap();
    let rule = alert["rule"].as_str().unwrap();

    let (s, stats) = police.get("/api/v1/alerts/stats?days=30").await;
    assert_eq!(s, 200, "{stats}");
    let row = stats
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == rule)
        .unwrap()
        .clone();
    assert!(row["raised"].as_i64().unwrap() >= 1);
    assert_eq!(row["false_positives"], 0);
    assert_eq!(row["flooding"], false);

    // A competent department only reads; an unknown reason is refused.
    let dept = app.client_for("demo_department").await;
    let (s, _) = dept
        .post(
            &format!("/api/v1/alerts/{id}/false_positive"),
            json!({"reason": "other"}),
        )
        .await;
    assert!(s == 403 || s == 404);
    let (s, _) = unit
        .post(
            &format!("/api/v1/alerts/{id}/false_positive"),
            json!({"reason": "ghosts"}),
        )
        .await;
    assert!(s == 400 || s == 422, "{s}");

    let (s, v) = unit
        .post(
            &format!("/api/v1/alerts/{id}/false_positive"),
            json!({"reason": "animal_or_object", "comment": "野猫翻越围墙"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "resolved");
    assert_eq!(v["false_positive_reason"], "animal_or_object");
    assert_eq!(v["resolve_comment"], "野猫翻越围墙");
    let (s, _) = unit
        .post(
            &format!("/api/v1/alerts/{id}/false_positive"),
            json!({"reason": "other"}),
        )
        .await;
    assert_eq!(s, 409, "a resolved alert stays resolved");

    let (_, stats) = police.get("/api/v1/alerts/stats?days=30&flood_threshold=0").await;
    let row = stats
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == rule)
        .unwrap()
        .clone();
    assert_eq!(row["false_positives"], 1);
    assert!(row["false_positive_rate"].as_f64().unwrap() > 0.0);
    assert_eq!(row["flooding"], true, "more than 0 alerts in 24 h: {row}");
    let (s, _) = police.get("/api/v1/alerts/stats?days=0").await;
    assert_eq!(s, 400);
    // Another county's statistics do not include this unit's alerts.
    let other = app.client_for("demo_county_other").await;
    let (_, theirs) = other.get("/api/v1/alerts/stats?days=30").await;
    assert!(theirs
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["rule"] != rule || r["false_positives"] == 0));

    // The UI: the statistics page shows the rule with its false positive.
    let b = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let r = b
        .post(app.url("/login"))
        .form(&[("username", "demo_county"), ("password", DEMO_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = b
        .get(app.url("/alerts/stats?flood_threshold=0"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("误报率") && html.contains("刷屏"), "{html}");
    let page = b
        .get(app.url(&format!("/alerts/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("误报：动物、树枝等非人员目标"), "{page}");
}

/// Opens a new alert on a new key-area camera of the demo unit; returns its id.
async fn new_alert(app: &TestApp, admin: &Client, unit_id: &str) -> String {
    let (s, area) = admin
        .post(
            &format!("/api/v1/units/{unit_id}/key_areas"),
            json!({"name": "升级测试部位"}),
        )
        .await;
    assert_eq!(s, 201, "{area}");
    let (device, path) = create_device(admin, unit_id, area["id"].as_str(), "hikvision").await;
    let (s, v) = app
        .ingest(
            &path,
            "application/xml",
            fixture("hikvision-isapi-alert/alert_fielddetection_vehicle_ver20_nodecl.xml"),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (_, alerts) = admin.get(&format!("/api/v1/alerts?device_id={device}")).await;
    alerts["items"][0]["id"].as_str().expect("a new alert").to_string()
}

#[tokio::test]
async fn unacknowledged_alerts_climb_the_police_tree_and_acknowledgement_stops_them() {
    use chrono::{Duration, Utc};
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let unit = app.client_for("demo_unit").await;
    let (_, me) = unit.get("/api/v1/me").await;
    let unit_id = me["unit_id"].as_str().unwrap().to_string();
    let (_, u) = admin.get(&format!("/api/v1/units/{unit_id}")).await;
    let station = u["police_station_name"].as_str().unwrap().to_string();
    let (_, county_me) = app.client_for("demo_county").await.get("/api/v1/me").await;
    let county = county_me["org_name"].as_str().unwrap().to_string();

    // The policy: admin only, validated.
    assert_eq!(
        admin
            .put("/api/v1/alerts/escalation", json!({"delays_minutes": [0]}))
            .await
            .0,
        400
    );
    assert_eq!(
        unit.put("/api/v1/alerts/escalation", json!({"delays_minutes": [5]}))
            .await
            .0,
        403
    );
    let (_, p) = admin.get("/api/v1/alerts/escalation").await;
    assert_eq!(p["delays_minutes"], json!([15, 30]));

    let t0 = Utc::now();
    let climbing = new_alert(&app, &admin, &unit_id).await;
    let stopped = new_alert(&app, &admin, &unit_id).await;
    assert_ne!(climbing, stopped);
    let (s, _) = unit
        .post(
            &format!("/api/v1/alerts/{stopped}/acknowledge"),
            json!({"comment": "保安已到场"}),
        )
        .await;
    assert_eq!(s, 200);

    let node = |n: &str| app.scheduler(n);
    let (a, b) = (node("a"), node("b"));
    // Before 15 minutes nothing happens.
    a.tick(t0 + Duration::minutes(10)).await.unwrap();
    let (_, v) = admin.get(&format!("/api/v1/alerts/{climbing}")).await;
    assert_eq!(v["escalation_level"], 0);
    // At 15 minutes: the police station; at 45: the county bureau. Two nodes, once each.
    let t1 = t0 + Duration::minutes(16);
    let (x, y) = tokio::join!(a.tick(t1), b.tick(t1));
    x.unwrap();
    y.unwrap();
    let (_, v) = admin.get(&format!("/api/v1/alerts/{climbing}")).await;
    assert_eq!(v["escalation_level"], 1, "{v}");
    assert_eq!(v["escalated_to"], station.as_str());
    let t2 = t0 + Duration::minutes(47);
    let (x, y) = tokio::join!(a.tick(t2), b.tick(t2));
    x.unwrap();
    y.unwrap();
    let (_, v) = admin.get(&format!("/api/v1/alerts/{climbing}")).await;
    assert_eq!(v["escalation_level"], 2, "{v}");
    assert_eq!(v["escalated_to"], county.as_str());
    // The end of the chain: nothing more, however late.
    a.tick(t0 + Duration::days(2)).await.unwrap();
    let (_, v) = admin.get(&format!("/api/v1/alerts/{climbing}")).await;
    assert_eq!(v["escalation_level"], 2);
    // The acknowledged alert never moved.
    let (_, v) = admin.get(&format!("/api/v1/alerts/{stopped}")).await;
    assert_eq!(v["escalation_level"], 0, "{v}");
    assert!(v["escalated_to"].is_null());

    // Turned off: a new alert stays with the unit.
    let (s, _) = admin
        .put("/api/v1/alerts/escalation", json!({"delays_minutes": []}))
        .await;
    assert_eq!(s, 200);
    let quiet = new_alert(&app, &admin, &unit_id).await;
    a.tick(Utc::now() + Duration::days(3)).await.unwrap();
    let (_, v) = admin.get(&format!("/api/v1/alerts/{quiet}")).await;
    assert_eq!(v["escalation_level"], 0);

    // The UI shows where the alert went.
    let b = reqwest::Client::builder().cookie_store(true).build().unwrap();
    b.post(app.url("/login"))
        .form(&[("username", "demo_county"), ("password", DEMO_PASSWORD)])
        .send()
        .await
        .unwrap();
    let page = b
        .get(app.url(&format!("/alerts/{climbing}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(&format!("升级至{county}（第2级）")), "{page}");
}
