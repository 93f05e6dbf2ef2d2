//! The biennial safety assessment (docs/ASSESSMENT.md; R32) over HTTP: county police launch a
//! campaign (a replay with one Idempotency-Key makes one) and see the unit overdue; bad input is
//! a 400 in Chinese; another county's unit is 404; an assessment started twice with one key is
//! one record; data-scored items show the unit's figures (device online rate, overdue hazards,
//! median closure time) and their query; a failed critical item caps the score at 59; signing a
//! failing result opens a ladder case (major hazard, source assessment) with its trigger; failed
//! items become hazards in one action (twice: no more); the PDF report; the latest results; the
//! self-assessment is submitted by the unit and signed by the police.

use chrono::Utc;
use serde_json::{json, Value};

use crate::common::*;

async fn keyed(c: &Client, path: &str, key: &str, body: &Value) -> (u16, Value) {
    let r = c
        .http
        .post(format!("{}{}", c.base, path))
        .bearer_auth(&c.token)
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

fn item<'a>(a: &'a Value, code: &str) -> &'a Value {
    a["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == code)
        .unwrap_or_else(|| panic!("item {code}: {a}"))
}

fn figure(i: &Value, label: &str) -> String {
    i["data"]["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["label"] == label)
        .unwrap_or_else(|| panic!("figure {label}: {i}"))["value"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Starts, fills in and signs a police assessment of `unit` as `county`: every hand-scored item
/// passed, or (with `failing`) one critical item failed, which caps the total at 59. A passing
/// one first records a finished drill of the unit (the data-scored drill items, critical for a
/// counter-terror target). Returns the signed assessment.
pub(crate) async fn signed_assessment(app: &TestApp, county: &Client, unit: &str, failing: bool) -> Value {
    if !failing {
        let now = Utc::now().timestamp_millis();
        app.exec_sql(&format!(
            "INSERT INTO drills (id, unit_id, scenario, plan_id, title, planned_at, participants_count, people, \
             police_station, expected, state, started_at, finished_at, evaluation, overall, created_by, created_at, version) \
             VALUES ('{}', '{unit}', 'fire', NULL, '消防疏散演练', {now}, 10, '[]', '', '[]', 'finished', {}, {now}, NULL, NULL, \
             'test', {now}, 0)",
            uuid::Uuid::now_v7(),
            now - 3_600_000
        ))
        .await;
    }
    let (s, a) = county.post("/api/v1/assessments", json!({"unit_id": unit})).await;
    assert_eq!(s, 201, "{a}");
    let id = a["id"].as_str().unwrap().to_string();
    let critical = a["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["critical"] == true && i["scored_by"] == "hand")
        .expect("a critical hand item")["code"]
        .as_str()
        .unwrap()
        .to_string();
    let fail: Vec<&str> = if failing { vec![critical.as_str()] } else { vec![] };
    let mut sheet = sheet_with(&a, &fail);
    sheet["outcome_cases"] = json!(0);
    let (s, v) = county.put(&format!("/api/v1/assessments/{id}/sheet"), sheet).await;
    assert_eq!(s, 200, "{v}");
    let (s, signed) = county.post(&format!("/api/v1/assessments/{id}/sign"), json!({})).await;
    assert_eq!(s, 200, "{signed}");
    signed
}

/// Every hand-scored item passed, but `fail` failed.
fn sheet_with(a: &Value, fail: &[&str]) -> Value {
    let items: Vec<Value> = a["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["scored_by"] == "hand")
        .map(|i| {
            let code = i["code"].as_str().unwrap();
            let result = if fail.contains(&code) { "fail" } else { "pass" };
            json!({"code": code, "result": result, "note": format!("{code} 现场核查")})
        })
        .collect();
    json!({ "items": items, "outcome_cases": 1 })
}

#[tokio::test]
async fn a_critical_failure_caps_at_59_opens_a_ladder_case_and_failed_items_become_hazards() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let county = app.client_for("demo_county").await;
    let other = app.client_for("demo_county_other").await;
    let manager = app.client_for("demo_unit").await;
    let (_, m) = manager.get("/api/v1/me").await;
    let demo_unit = m["unit_id"].as_str().unwrap().to_string();
    let (_, du) = admin.get(&format!("/api/v1/units/{demo_unit}")).await;
    let division = du["division_code"].as_str().unwrap().to_string();
    // A fresh key unit of the county with two devices, one heard from now, one long silent.
    let unit = create_unit(&admin, "评估测试单位", &division, "91330106MA2APG001").await;
    app.exec_sql(&format!(
        "UPDATE units SET is_key_unit = TRUE, police_station_id = (SELECT police_station_id FROM units WHERE id = '{demo_unit}') WHERE id = '{unit}'"
    ))
    .await;
    let (d1, _) = create_device(&admin, &unit, None, "generic_json").await;
    let (d2, _) = create_device(&admin, &unit, None, "generic_json").await;
    let now_ms = Utc::now().timestamp_millis();
    app.exec_sql(&format!(
        "UPDATE devices SET last_seen_at = {} WHERE id = '{d1}'; UPDATE devices SET last_seen_at = {} WHERE id = '{d2}'",
        now_ms - 60_000,
        now_ms - 10 * 86_400_000
    ))
    .await;

    // 心防 education activities (docs/WELLBEING.md): four in the last year, one two years ago.
    let today = (Utc::now() + chrono::Duration::hours(8)).date_naive();
    for (n, days) in [(1, 10), (2, 40), (3, 100), (4, 300), (5, 500)] {
        app.exec_sql(&format!(
            "INSERT INTO education_activities (id, unit_id, kind, title, held_on, attendance, materials, created_by, created_at) \
             VALUES ('edu-{n}-{unit}', '{unit}', 'talk', '安全讲座{n}', '{}', 30, '', 'test', 0)",
            today - chrono::Duration::days(days)
        ))
        .await;
    }

    // A campaign; a replay makes one.
    let body = json!({"title": "2026年度安全评估", "assessor": "police"});
    let (s, c1) = keyed(&county, "/api/v1/assessment-campaigns", "camp-1", &body).await;
    assert_eq!(s, 201, "{c1}");
    let (s, c2) = keyed(&county, "/api/v1/assessment-campaigns", "camp-1", &body).await;
    assert_eq!(s, 201, "{c2}");
    assert_eq!(c1["id"], c2["id"]);
    let (_, list) = county.get("/api/v1/assessment-campaigns").await;
    let n = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["title"] == "2026年度安全评估")
        .count();
    assert_eq!(n, 1, "{list}");
    let campaign = c1["id"].as_str().unwrap().to_string();
    // The other county does not see a campaign of this county's units.
    assert_eq!(
        other.get(&format!("/api/v1/assessment-campaigns/{campaign}")).await.0,
        404
    );

    // The fresh unit is overdue (never assessed).
    let (s, due) = county
        .get(&format!("/api/v1/assessments/due?campaign_id={campaign}&per_page=200"))
        .await;
    assert_eq!(s, 200, "{due}");
    let row = due["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unit_id"] == unit.as_str())
        .unwrap_or_else(|| panic!("{due}"));
    assert_eq!(row["status"], "overdue");

    // Bad input: 400 in Chinese.
    for (path, body, word) in [
        (
            "/api/v1/assessment-campaigns",
            json!({"title": "批次", "assessor": "nobody"}),
            "评估方式",
        ),
        (
            "/api/v1/assessment-campaigns",
            json!({"title": " ", "assessor": "police"}),
            "批次名称",
        ),
        (
            "/api/v1/assessment-campaigns",
            json!({"title": "批次", "assessor": "third_party"}),
            "第三方",
        ),
        (
            "/api/v1/assessments",
            json!({"unit_id": unit, "period_to": "明天"}),
            "日期",
        ),
        (
            "/api/v1/assessments",
            json!({"unit_id": unit, "period_from": "2026-05-01", "period_to": "2026-01-01"}),
            "评估期",
        ),
    ] {
        let (s, v) = county.post(path, body).await;
        assert_eq!(s, 400, "{v}");
        assert!(error_message(&v).contains(word), "{word}: {v}");
    }

    // Another county's unit is not found.
    let (_, ningbo) = admin.get("/api/v1/units?division=3302&per_page=1").await;
    let far = ningbo["items"][0]["id"].as_str().unwrap().to_string();
    let (s, v) = county.post("/api/v1/assessments", json!({"unit_id": far})).await;
    assert_eq!(s, 404, "{v}");

    // Started twice with one key: one record.
    let start = json!({"unit_id": unit, "campaign_id": campaign});
    let (s, a) = keyed(&county, "/api/v1/assessments", "start-1", &start).await;
    assert_eq!(s, 201, "{a}");
    let (s, again) = keyed(&county, "/api/v1/assessments", "start-1", &start).await;
    assert_eq!(s, 201, "{again}");
    assert_eq!(a["id"], again["id"]);
    let (_, listed) = county.get(&format!("/api/v1/assessments?unit_id={unit}")).await;
    assert_eq!(listed["total"], 1, "{listed}");
    let id = a["id"].as_str().unwrap().to_string();
    assert_eq!(a["variant"], "key_units");
    assert_eq!(a["state"], "draft");

    // Data-scored items: the figures of the unit and the query behind them.
    let t3 = item(&a, "T3");
    assert_eq!(t3["scored_by"], "data");
    assert_eq!(figure(t3, "登记设备数"), "2");
    assert_eq!(figure(t3, "在线设备数"), "1");
    assert_eq!(figure(t3, "设备在线率"), "50.0%");
    assert_eq!(t3["result"], "fail");
    assert!(t3["data"]["query"].as_str().unwrap().contains("devices"));
    let p7 = item(&a, "P7");
    assert_eq!(p7["scored_by"], "data");
    assert_eq!(figure(p7, "逾期未整改隐患"), "0 条");
    assert_eq!(p7["result"], "pass");
    assert!(p7["data"]["query"].as_str().unwrap().contains("hazards"));
    let x2 = item(&a, "X2");
    assert_eq!(x2["scored_by"], "data");
    assert_eq!(figure(x2, "近一年宣传教育活动"), "4 次");
    assert_eq!(x2["result"], "pass");
    assert!(x2["data"]["query"].as_str().unwrap().contains("education_activities"));
    let hand = a["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["scored_by"] == "hand")
        .count();
    assert!(hand > 10);

    // Signing with an unscored item is refused in Chinese.
    let (s, v) = county.post(&format!("/api/v1/assessments/{id}/sign"), json!({})).await;
    assert_eq!(s, 400, "{v}");
    assert!(error_message(&v).contains("尚未评分"), "{v}");
    let (s, v) = county
        .put(
            &format!("/api/v1/assessments/{id}/sheet"),
            json!({"items": [{"code": "Z1", "result": "maybe"}]}),
        )
        .await;
    assert_eq!(s, 400, "{v}");
    assert!(error_message(&v).contains("Z1"), "{v}");

    // A draft kept on the server: everything passes but one critical item.
    let critical = a["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["critical"] == true && i["scored_by"] == "hand")
        .expect("a critical hand item")["code"]
        .as_str()
        .unwrap()
        .to_string();
    let (s, saved) = county
        .put(&format!("/api/v1/assessments/{id}/sheet"), sheet_with(&a, &[&critical]))
        .await;
    assert_eq!(s, 200, "{saved}");
    assert_eq!(item(&saved, &critical)["result"], "fail");
    assert_eq!(item(&saved, "Z1")["note"], "Z1 现场核查");
    // Points alone would pass; the critical failure caps at 59.
    assert_eq!(saved["result"]["total"], 59.0, "{}", saved["result"]);
    assert_eq!(saved["result"]["capped_by_critical"], true);
    assert_eq!(saved["result"]["grade"], "fail");
    assert_eq!(saved["result"]["outcome_score"], 20);

    // An item's photo.
    let part = reqwest::multipart::Part::bytes(b"%PDF-1.4 site photo sheet".to_vec())
        .file_name("现场照片.pdf")
        .mime_str("application/pdf")
        .unwrap();
    let r = county
        .http
        .post(format!(
            "{}/api/v1/assessments/{id}/items/{critical}/evidence",
            county.base
        ))
        .bearer_auth(&county.token)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let (_, ev) = county.get(&format!("/api/v1/assessments/{id}/evidence")).await;
    assert_eq!(ev[0]["code"], critical.as_str(), "{ev}");

    // The report is for signed results only.
    assert_eq!(county.get(&format!("/api/v1/assessments/{id}/report")).await.0, 409);

    // Sign: the failing result opens a ladder case with its trigger.
    let (s, signed) = county.post(&format!("/api/v1/assessments/{id}/sign"), json!({})).await;
    assert_eq!(s, 200, "{signed}");
    assert_eq!(signed["state"], "signed");
    assert_eq!(signed["result"]["total"], 59.0);
    assert!(signed["result"]["weakest"].is_string(), "{}", signed["result"]);
    let trigger = signed["escalation_trigger"].as_str().unwrap();
    assert!(trigger.contains("59.0") && trigger.contains("60"), "{trigger}");
    let case = signed["escalation_hazard_id"]
        .as_str()
        .expect("a ladder case")
        .to_string();
    let (s, h) = county.get(&format!("/api/v1/hazards/{case}")).await;
    assert_eq!(s, 200, "{h}");
    assert_eq!(h["source"], "assessment");
    assert_eq!(h["class"], "major");
    assert_eq!(h["unit_id"], unit.as_str());
    assert!(h["description"].as_str().unwrap().contains("59.0"), "{h}");
    // Signed is final.
    let (s, _) = county
        .put(&format!("/api/v1/assessments/{id}/sheet"), json!({"items": []}))
        .await;
    assert_eq!(s, 409);

    // Failed items become hazards in one action; a second time opens nothing more.
    let failed: Vec<String> = signed["result"]["failed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    assert!(
        failed.contains(&critical) && failed.contains(&"T3".to_string()),
        "{failed:?}"
    );
    let (s, with) = county
        .post(&format!("/api/v1/assessments/{id}/hazards"), json!({}))
        .await;
    assert_eq!(s, 200, "{with}");
    for code in &failed {
        assert!(item(&with, code)["hazard_id"].is_string(), "{code}");
    }
    let (s, again) = county
        .post(&format!("/api/v1/assessments/{id}/hazards"), json!({}))
        .await;
    assert_eq!(s, 200);
    assert_eq!(item(&again, "T3")["hazard_id"], item(&with, "T3")["hazard_id"]);
    let (_, hz) = county
        .get(&format!("/api/v1/hazards?unit_id={unit}&per_page=200"))
        .await;
    let from_assessment: Vec<&Value> = hz["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["source"] == "assessment")
        .collect();
    assert_eq!(from_assessment.len(), failed.len() + 1, "{hz}");
    let crit = from_assessment
        .iter()
        .find(|h| h["item_code"] == critical.as_str())
        .unwrap();
    assert_eq!(crit["class"], "major");

    // The PDF report; the other county cannot read it.
    let r = county
        .http
        .get(format!("{}/api/v1/assessments/{id}/report", county.base))
        .bearer_auth(&county.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.bytes().await.unwrap().starts_with(b"%PDF"));
    assert_eq!(other.get(&format!("/api/v1/assessments/{id}")).await.0, 404);
    assert_eq!(other.get(&format!("/api/v1/assessments/{id}/report")).await.0, 404);

    // The latest results: the unit at 59, not in the other county's.
    let (s, res) = county.get("/api/v1/assessment-results").await;
    assert_eq!(s, 200, "{res}");
    let mine = res
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unit_id"] == unit.as_str())
        .unwrap();
    assert_eq!(mine["total"], 59.0);
    assert_eq!(mine["grade"], "fail");
    let (_, res) = other.get("/api/v1/assessment-results").await;
    assert!(!res.as_array().unwrap().iter().any(|r| r["unit_id"] == unit.as_str()));
    // No longer overdue.
    let (_, due) = county
        .get(&format!(
            "/api/v1/assessments/due?campaign_id={campaign}&all=true&per_page=200"
        ))
        .await;
    let row = due["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unit_id"] == unit.as_str())
        .unwrap();
    assert_eq!(row["status"], "current");

    // Hazard data: one overdue, two closed in 10 and 20 days (median 15).
    let t3h = item(&with, "T3")["hazard_id"].as_str().unwrap().to_string();
    let hour_ago = now_ms - 3_600_000;
    let day = 86_400_000i64;
    app.exec_sql(&format!(
        "UPDATE hazards SET phase = 'overdue' WHERE id = '{t3h}'; \
         UPDATE hazards SET phase = 'closed', updated_at = {hour_ago}, created_at = {} WHERE id = '{case}'; \
         UPDATE hazards SET phase = 'closed', updated_at = {hour_ago}, created_at = {} WHERE unit_id = '{unit}' AND item_code = '{critical}'",
        hour_ago - 10 * day,
        hour_ago - 20 * day
    ))
    .await;
    let (s, b) = county.post("/api/v1/assessments", json!({"unit_id": unit})).await;
    assert_eq!(s, 201, "{b}");
    let p7 = item(&b, "P7");
    assert_eq!(figure(p7, "逾期未整改隐患"), "1 条");
    assert_eq!(figure(p7, "评估期内销号隐患"), "2 条");
    assert_eq!(figure(p7, "整改用时中位数"), "15.0 天");
    assert_eq!(p7["result"], "fail");
}

#[tokio::test]
async fn a_self_assessment_is_submitted_by_the_unit_and_signed_by_the_police() {
    let app = TestApp::demo().await;
    let station = app.client_for("demo_station").await;
    let manager = app.client_for("demo_unit").await;
    let guard = app.client_for("demo_guard").await;
    let department = app.client_for("demo_department").await;
    let (_, m) = manager.get("/api/v1/me").await;
    let unit = m["unit_id"].as_str().unwrap().to_string();

    // A guard cannot assess; the police cannot start a self-assessment.
    assert_eq!(guard.post("/api/v1/assessments", json!({"unit_id": unit})).await.0, 403);
    let (s, _) = station
        .post("/api/v1/assessments", json!({"unit_id": unit, "assessor": "self"}))
        .await;
    assert_eq!(s, 403);
    // A department launches for its sector but does not assess.
    assert_eq!(
        department.post("/api/v1/assessments", json!({"unit_id": unit})).await.0,
        403
    );

    let (s, a) = manager.post("/api/v1/assessments", json!({"unit_id": unit})).await;
    assert_eq!(s, 201, "{a}");
    assert_eq!(a["assessor"], "self");
    let id = a["id"].as_str().unwrap().to_string();
    // A second open assessment of the unit is refused.
    let (s, v) = manager.post("/api/v1/assessments", json!({"unit_id": unit})).await;
    assert_eq!(s, 409, "{v}");
    // The police review only once submitted.
    assert_eq!(
        station
            .post(&format!("/api/v1/assessments/{id}/sign"), json!({}))
            .await
            .0,
        409
    );
    let (s, sub) = manager
        .post(&format!("/api/v1/assessments/{id}/submit"), sheet_with(&a, &[]))
        .await;
    assert_eq!(s, 200, "{sub}");
    assert_eq!(sub["state"], "submitted");
    // The reviewing station is told (docs/ASSESSMENT.md "Notifications").
    assert!(crate::assessment_third_party::inbox_titles(&station)
        .await
        .iter()
        .any(|t| t.starts_with("安全评估待复核")));
    // Submitted: the unit waits.
    assert_eq!(
        manager
            .put(&format!("/api/v1/assessments/{id}/sheet"), json!({"items": []}))
            .await
            .0,
        409
    );
    let (s, signed) = station.post(&format!("/api/v1/assessments/{id}/sign"), json!({})).await;
    assert_eq!(s, 200, "{signed}");
    assert_eq!(signed["state"], "signed");
    assert!(crate::assessment_third_party::inbox_titles(&manager)
        .await
        .iter()
        .any(|t| t.starts_with("安全评估结果已签发")));
    let total = signed["result"]["total"].as_f64().unwrap();
    if total >= 60.0 {
        assert!(signed["escalation_hazard_id"].is_null());
    } else {
        assert!(signed["escalation_hazard_id"].is_string());
    }
    // The unit sees its own result.
    assert_eq!(manager.get(&format!("/api/v1/assessments/{id}")).await.0, 200);
}
