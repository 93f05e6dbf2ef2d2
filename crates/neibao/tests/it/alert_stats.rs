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
