//! Protection levels (docs/PROTECTION-LEVELS.md; R46 ¶4) over HTTP: an order notifies exactly
//! the units in its scope and records their acknowledgements and measures; raise → highest → end
//! audited; the planned end ends it by the scheduler (controlled clock), an extension moves it;
//! who may set an order where; a double submit makes one order; zh-CN refusals; and a data rule
//! conditioned on `protection_level` fires only while the level is raised.

use chrono::{Duration, Utc};
use serde_json::{json, Value};

use crate::common::*;

fn titles(inbox: &Value, prefix: &str) -> usize {
    inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["title"].as_str().unwrap_or("").starts_with(prefix))
        .count()
}

fn ids(units: &Value) -> Vec<String> {
    let mut v: Vec<String> = units
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["unit_id"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

fn order_body(prefix: &str, set: Value, level: &str, hours: i64) -> Value {
    json!({
        "title": "重大活动期间提升防范等级",
        "division_prefix": prefix,
        "unit_set": set,
        "level": level,
        "reason": "重大活动安保",
        "ends_at": (Utc::now() + Duration::hours(hours)).to_rfc3339(),
    })
}

async fn manager(app: &TestApp, admin: &Client, name: &str, unit: &str) -> Client {
    let (s, v) = admin
        .post(
            "/api/v1/users",
            json!({"username": name, "display_name": "防范测试负责人", "role": "unit_manager", "unit_id": unit}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    app.client_for(name).await
}

/// The demo unit's id and division code.
async fn demo_unit(app: &TestApp) -> (String, String) {
    let (_, me) = app.client_for("demo_unit").await.get("/api/v1/me").await;
    let id = me["unit_id"].as_str().unwrap().to_string();
    let (_, u) = app.admin().await.get(&format!("/api/v1/units/{id}")).await;
    (id, u["division_code"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn a_raised_level_notifies_exactly_the_units_in_scope_and_records_acknowledgements() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let province = app.client_for("demo_province").await;
    app.exec_sql("UPDATE units SET is_counter_terror_target = (1=0)").await;
    let a = create_unit(&admin, "防范测试甲", "330206", "91330206MA2PL0001").await;
    let b = create_unit(&admin, "防范测试乙", "330206", "91330206MA2PL0002").await;
    let c = create_unit(&admin, "防范测试丙", "330206", "91330206MA2PL0003").await;
    let d = create_unit(&admin, "防范测试丁", "330203", "91330203MA2PL0004").await;
    app.exec_sql(&format!(
        "UPDATE units SET is_counter_terror_target = (1=1) WHERE id IN ('{a}', '{b}', '{d}')"
    ))
    .await;
    let ma = manager(&app, &admin, "pl_a", &a).await;
    let mc = manager(&app, &admin, "pl_c", &c).await;
    let md = manager(&app, &admin, "pl_d", &d).await;

    // Counter-terror targets under 330206: exactly 甲 and 乙.
    let (s, o) = province
        .post(
            "/api/v1/protection-levels",
            order_body("330206", json!({"counter_terror_only": true}), "raised", 72),
        )
        .await;
    assert_eq!(s, 201, "{o}");
    let id = o["id"].as_str().unwrap().to_string();
    let mut expected = vec![a.clone(), b.clone()];
    expected.sort();
    assert_eq!(ids(&o["units"]), expected, "{o}");
    assert_eq!(o["level"], "raised");
    assert_eq!(o["stats"]["notified"], 2);
    assert_eq!(o["stats"]["acknowledged"], 0);
    assert!(
        !o["measures"].as_array().unwrap().is_empty(),
        "the level's default measures"
    );

    // One inbox notice for 甲's manager; none for 丙 (not a target) or 丁 (another county).
    let (_, inbox) = ma.get("/api/v1/inbox").await;
    assert_eq!(titles(&inbox, "防范等级启动为加强"), 1, "{inbox}");
    for other in [&mc, &md] {
        let (_, inbox) = other.get("/api/v1/inbox").await;
        assert_eq!(titles(&inbox, "防范等级"), 0, "{inbox}");
    }
    // The unit sees its level; 丙 is at 常态.
    let (s, p) = ma.get(&format!("/api/v1/units/{a}/protection-level")).await;
    assert_eq!(s, 200, "{p}");
    assert_eq!(p["level"], "raised");
    let (_, p) = mc.get(&format!("/api/v1/units/{c}/protection-level")).await;
    assert_eq!(p["level"], "normal");

    // 甲 acknowledges; it cannot act for 乙 nor see 乙's row; 丙 does not see the order.
    let (s, v) = ma
        .post(&format!("/api/v1/protection-levels/{id}/acknowledge"), json!({}))
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["acknowledged_level"], "raised");
    assert_eq!(v["unit_id"], a.as_str());
    let (s, _) = mc
        .post(&format!("/api/v1/protection-levels/{id}/acknowledge"), json!({}))
        .await;
    assert_eq!(s, 404, "丙 is not covered");
    let (s, mine) = ma.get(&format!("/api/v1/protection-levels/{id}")).await;
    assert_eq!(s, 200, "{mine}");
    assert_eq!(ids(&mine["units"]), vec![a.clone()], "a unit sees only its own row");
    let (s, _) = mc.get(&format!("/api/v1/protection-levels/{id}")).await;
    assert_eq!(s, 404);

    // Measures: one per required measure.
    let n = o["measures"].as_array().unwrap().len();
    let (s, v) = ma
        .post(
            &format!("/api/v1/protection-levels/{id}/measures"),
            json!({"measures": [{"done": true}]}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    let records: Vec<Value> = (0..n)
        .map(|i| json!({"done": i != 1, "note": if i == 1 { "门岗人手不足，明日到位" } else { "" }}))
        .collect();
    let (s, v) = ma
        .post(
            &format!("/api/v1/protection-levels/{id}/measures"),
            json!({"measures": records}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["measures"].as_array().unwrap().len(), n);
    assert_eq!(v["measures"][1]["done"], false);

    // The police see the counts and who has not acknowledged.
    let (_, o) = province.get(&format!("/api/v1/protection-levels/{id}")).await;
    assert_eq!(o["stats"]["notified"], 2);
    assert_eq!(o["stats"]["acknowledged"], 1);
    assert_eq!(o["stats"]["measures_recorded"], 1);
    assert_eq!(o["stats"]["not_acknowledged"], json!(["防范测试乙"]));
    let (_, list) = province.get("/api/v1/protection-levels").await;
    assert_eq!(list["items"][0]["id"], id.as_str());

    // The police page and the unit page render the counts and the forms.
    let page = app.browser("demo_province", DEMO_PASSWORD).await;
    let html = page
        .get(app.url(&format!("/emergency/levels/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"not-acknowledged\""), "{html}");
    assert!(html.contains("防范测试乙"), "{html}");
}

#[tokio::test]
async fn raise_highest_end_are_audited_and_the_planned_end_ends_the_order() {
    let app = TestApp::demo().await;
    let county = app.client_for("demo_county").await;
    let unit_manager = app.client_for("demo_unit").await;
    let (unit, division) = demo_unit(&app).await;
    let set = json!({"unit_ids": [unit]});

    let (s, o) = county
        .post(
            "/api/v1/protection-levels",
            order_body(&division[..6], set.clone(), "raised", 48),
        )
        .await;
    assert_eq!(s, 201, "{o}");
    let id = o["id"].as_str().unwrap().to_string();
    let tr = format!("/api/v1/protection-levels/{id}/transitions");
    let (s, v) = county
        .post(&tr, json!({"action": "raise", "reason": "发现可疑情况"}))
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["level"], "highest");
    let (s, v) = county.post(&tr, json!({"action": "raise", "reason": "再次提升"})).await;
    assert_eq!((s, error_code(&v)), (409, "invalid_transition"), "{v}");
    let (s, v) = county.post(&tr, json!({"action": "raise"})).await;
    assert!(s == 400 || s == 422, "a change needs a reason: {s} {v}");
    // A raise asks the unit to acknowledge again.
    let (_, inbox) = unit_manager.get("/api/v1/inbox").await;
    assert_eq!(titles(&inbox, "防范等级提升为最高"), 1, "{inbox}");
    let (_, p) = unit_manager
        .get(&format!("/api/v1/units/{unit}/protection-level"))
        .await;
    assert_eq!(p["level"], "highest");
    let (s, v) = county.post(&tr, json!({"action": "end", "reason": "活动结束"})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["state"], "ended");
    let actions: Vec<&str> = v["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, vec!["activate", "raise", "end"]);
    assert_eq!(v["history"][1]["reason"], "发现可疑情况");
    for action in ["activate", "raise", "end"] {
        let (s, a) = county
            .get(&format!(
                "/api/v1/audit?action=protection_level.{action}&object_id={id}"
            ))
            .await;
        assert_eq!(s, 200, "{a}");
        assert_eq!(a["items"].as_array().unwrap().len(), 1, "{action}: {a}");
    }
    let (s, v) = county.post(&tr, json!({"action": "lower", "reason": "x"})).await;
    assert_eq!((s, error_code(&v)), (409, "invalid_transition"), "{v}");
    let (_, p) = unit_manager
        .get(&format!("/api/v1/units/{unit}/protection-level"))
        .await;
    assert_eq!(p["level"], "normal");

    // An order planned to end in 2 hours, extended to 5: the first end does nothing, the second
    // ends it (by the system, audited, the unit told).
    let (s, o) = county
        .post(
            "/api/v1/protection-levels",
            order_body(&division[..6], set.clone(), "highest", 2),
        )
        .await;
    assert_eq!(s, 201, "{o}");
    let id = o["id"].as_str().unwrap().to_string();
    let tr = format!("/api/v1/protection-levels/{id}/transitions");
    let (s, v) = county
        .post(
            &tr,
            json!({"action": "extend", "reason": "活动延期", "ends_at": (Utc::now() + Duration::hours(5)).to_rfc3339()}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let scheduler = app.scheduler("n");
    scheduler.tick(Utc::now() + Duration::hours(3)).await.unwrap();
    let (_, v) = county.get(&format!("/api/v1/protection-levels/{id}")).await;
    assert_eq!(v["state"], "active", "the extension moved the end: {v}");
    scheduler.tick(Utc::now() + Duration::hours(6)).await.unwrap();
    let (_, v) = county.get(&format!("/api/v1/protection-levels/{id}")).await;
    assert_eq!(v["state"], "ended", "{v}");
    let last = v["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "end");
    assert_eq!(last["by_name"], "系统");
    let (_, a) = app
        .admin()
        .await
        .get(&format!("/api/v1/audit?action=protection_level.end&object_id={id}"))
        .await;
    assert_eq!(a["items"].as_array().unwrap().len(), 1, "{a}");
    let (_, p) = unit_manager
        .get(&format!("/api/v1/units/{unit}/protection-level"))
        .await;
    assert_eq!(p["level"], "normal");
    let (_, inbox) = unit_manager.get("/api/v1/inbox").await;
    assert!(titles(&inbox, "防范等级指令已结束") >= 2, "{inbox}");
}

#[tokio::test]
async fn who_may_set_an_order_where_and_refusals_in_chinese() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let county = app.client_for("demo_county").await;
    let station = app.client_for("demo_station").await;
    let (unit, division) = demo_unit(&app).await;
    let elsewhere = create_unit(&admin, "防范测试外县单位", "330206", "91330206MA2PL0005").await;

    // Outside the county's jurisdiction: not found; a unit outside the station's: not found.
    let (s, v) = county
        .post(
            "/api/v1/protection-levels",
            order_body("330206", json!({}), "raised", 24),
        )
        .await;
    assert_eq!(s, 404, "{v}");
    let (s, v) = station
        .post(
            "/api/v1/protection-levels",
            order_body("33", json!({"unit_ids": [elsewhere]}), "raised", 24),
        )
        .await;
    assert_eq!(s, 404, "{v}");
    // Units, guards and departments may not set orders.
    for name in ["demo_unit", "demo_guard", "demo_department"] {
        let c = app.client_for(name).await;
        let (s, v) = c
            .post(
                "/api/v1/protection-levels",
                order_body(&division[..6], json!({"unit_ids": [unit]}), "raised", 24),
            )
            .await;
        assert_eq!(s, 403, "{name}: {v}");
    }
    // The station may set one for its own unit; the other county's officer cannot change it.
    let (s, o) = station
        .post(
            "/api/v1/protection-levels",
            order_body(&division[..6], json!({"unit_ids": [unit]}), "raised", 24),
        )
        .await;
    assert_eq!(s, 201, "{o}");
    let id = o["id"].as_str().unwrap();
    let other = app.client_for("demo_county_other").await;
    let (s, _) = other
        .post(
            &format!("/api/v1/protection-levels/{id}/transitions"),
            json!({"action": "end", "reason": "越权"}),
        )
        .await;
    assert_eq!(s, 404);

    // Bad input: zh-CN 400s.
    let mut body = order_body(&division[..6], json!({"unit_ids": [unit]}), "raised", 24);
    body["ends_at"] = json!((Utc::now() - Duration::hours(1)).to_rfc3339());
    let (s, v) = county.post("/api/v1/protection-levels", body).await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    assert!(error_message(&v).contains("结束时间"), "{v}");
    let (s, v) = county
        .post(
            "/api/v1/protection-levels",
            order_body(&division[..6], json!({"unit_ids": [unit]}), "red", 24),
        )
        .await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    assert!(error_message(&v).contains("加强"), "{v}");
    let (s, v) = county
        .post(
            "/api/v1/protection-levels",
            order_body(&division[..6], json!({"unit_ids": [unit]}), "normal", 24),
        )
        .await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");

    // The UI form refused keeps what was typed.
    let b = app.browser("demo_county", DEMO_PASSWORD).await;
    let html = b
        .get(app.url("/emergency/levels"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let form = [
        ("csrf_token", csrf_of(&html)),
        ("_once", "plonce0000000000000000000000bad1".to_string()),
        ("title", "保留所填内容的标题".to_string()),
        ("level", "raised".to_string()),
        ("reason", "测试".to_string()),
        ("division_prefix", division[..6].to_string()),
        ("ends_at", "2020-01-01T08:00".to_string()),
    ];
    let r = b.post(app.url("/emergency/levels")).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("保留所填内容的标题"), "{html}");
    assert!(html.contains("结束时间"), "{html}");
}

#[tokio::test]
async fn a_double_submit_makes_one_order() {
    let app = TestApp::demo().await;
    let county = app.client_for("demo_county").await;
    let (unit, division) = demo_unit(&app).await;
    let body = order_body(&division[..6], json!({"unit_ids": [unit]}), "raised", 24);
    let mut first = String::new();
    for _ in 0..2 {
        let r = county
            .http
            .post(format!("{}/api/v1/protection-levels", county.base))
            .bearer_auth(&county.token)
            .header("idempotency-key", "pl-once-1")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let v: Value = r.json().await.unwrap();
        let id = v["id"].as_str().unwrap().to_string();
        if first.is_empty() {
            first = id;
        } else {
            assert_eq!(id, first);
        }
    }
    // The UI form sent twice with its one-time token.
    let b = app.browser("demo_county", DEMO_PASSWORD).await;
    let html = b
        .get(app.url("/emergency/levels"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let form = [
        ("csrf_token", csrf_of(&html)),
        ("_once", "plonce00000000000000000000000001".to_string()),
        ("title", "表单双击测试".to_string()),
        ("level", "highest".to_string()),
        ("reason", "测试".to_string()),
        ("division_prefix", division[..6].to_string()),
        ("unit_ids", unit.clone()),
        (
            "ends_at",
            (Utc::now() + Duration::days(2))
                .with_timezone(&chrono_tz::Asia::Shanghai)
                .format("%Y-%m-%dT%H:%M")
                .to_string(),
        ),
    ];
    let r1 = b.post(app.url("/emergency/levels")).form(&form).send().await.unwrap();
    let r2 = b.post(app.url("/emergency/levels")).form(&form).send().await.unwrap();
    assert_eq!(r1.status(), 200);
    assert_eq!(r1.url().path(), r2.url().path());
    let (_, list) = county.get("/api/v1/protection-levels").await;
    assert_eq!(list["total"], 2, "{list}");
}

#[tokio::test]
async fn a_data_rule_on_the_protection_level_fires_only_while_raised() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let province = app.client_for("demo_province").await;
    let unit = create_unit(&admin, "防范规则测试单位", "330206", "91330206MA2PL0006").await;
    let (_, path) = create_device(&admin, &unit, None, "hikvision").await;
    let (s, v) = admin
        .post(
            "/api/v1/alert_rules",
            json!({"code": "pl_raised_motion", "title": "加强防范期间的移动侦测", "severity": "high",
                   "kind": {"type": "match"}, "condition": "kind == \"motion\" && protection_level >= 1"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let vmd = |ch: u8| {
        format!(
            r#"<EventNotificationAlert version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema"><channelID>{ch}</channelID><dateTime>2026-11-29T23:00:00+08:00</dateTime><eventType>VMD</eventType><eventState>active</eventState></EventNotificationAlert>"#
        )
    };
    let rule_alerts = || async {
        let (_, v) = admin.get("/api/v1/alerts?per_page=200").await;
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["rule"] == "pl_raised_motion")
            .count()
    };
    let (s, _) = app.ingest(&path, "application/xml", vmd(1)).await;
    assert_eq!(s, 200);
    assert_eq!(rule_alerts().await, 0, "常态: the rule does not fire");
    let (s, o) = province
        .post(
            "/api/v1/protection-levels",
            order_body("330206", json!({"unit_ids": [unit]}), "raised", 24),
        )
        .await;
    assert_eq!(s, 201, "{o}");
    app.ingest(&path, "application/xml", vmd(2)).await;
    assert_eq!(rule_alerts().await, 1, "加强: the rule fires");
    let id = o["id"].as_str().unwrap();
    let (s, _) = province
        .post(
            &format!("/api/v1/protection-levels/{id}/transitions"),
            json!({"action": "end", "reason": "结束"}),
        )
        .await;
    assert_eq!(s, 200);
    app.ingest(&path, "application/xml", vmd(3)).await;
    assert_eq!(rule_alerts().await, 1, "ended: the rule no longer fires");
}

/// The id of the order the authorization matrices made for the unit of `o`.
pub(crate) fn matrix_order(o: &crate::authz::Objects) -> String {
    format!("matrix-pl-{}", o.unit["id"].as_str().unwrap())
}

/// An active protection-level order covering only `unit`, made in the database for the
/// authorization matrices (tests/it/authz.rs, authz_ui.rs).
pub(crate) async fn matrix_objects(app: &TestApp, unit: &str) {
    let end = (Utc::now() + Duration::days(300)).timestamp_millis();
    app.exec_sql(&format!(
        "INSERT INTO protection_level_orders (id, title, division_prefix, unit_set, level, state, reason, measures, \
         starts_at, ends_at, ended_at, created_by, created_by_name, org_id, org_name, created_at, version) \
         VALUES ('matrix-pl-{unit}', '矩阵防范等级', '33', '{{}}', 1, 'active', '授权矩阵', '[\"矩阵措施\"]', 0, {end}, NULL, '', '矩阵', NULL, NULL, 0, 1) \
         ON CONFLICT (id) DO NOTHING;
         INSERT INTO protection_level_units (order_id, unit_id, unit_name, division_code, notified_at, measures) \
         VALUES ('matrix-pl-{unit}', '{unit}', '矩阵单位', '33', 0, '[]') ON CONFLICT (order_id, unit_id) DO NOTHING;"
    ))
    .await;
}
