//! Visitors, vehicles and goods at the gate (docs/VISITORS.md; R12(2), R87, R66, R74; Decree 421
//! Art 11) over HTTP: an invitation filled in by the visitor through the public endpoint,
//! approved, checked in with the ID verified (a suppression window opened for the visit's key
//! area) and out with the goods carried out; a minor's registration asks for a guardian; a
//! record past its retention is deleted by the sweep and logged; a unit sees only its visitors; a
//! replayed create makes one record; a bad ID number is a zh-CN 400; and the gate page on a
//! phone registers a walk-in and checks them out.

use chrono::{Duration, Utc};
use serde_json::{json, Value};

use crate::common::*;

async fn unit_of(c: &Client) -> String {
    let (_, me) = c.get("/api/v1/me").await;
    me["unit_id"].as_str().unwrap().to_string()
}

/// A valid citizen identity number born on `birth` (YYYYMMDD) in Hangzhou's Xihu district.
fn citizen_id(birth: &str, seq: &str) -> String {
    let body = format!("330106{birth}{seq}");
    format!(
        "{body}{}",
        neibao_domain::validate::citizen_id_check_char(&body).unwrap()
    )
}

fn today() -> String {
    Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive()
        .format("%Y-%m-%d")
        .to_string()
}

async fn invite(manager: &Client, unit: &str, areas: Value) -> (String, String) {
    let (s, v) = manager
        .post(
            "/api/v1/visitors/invitations",
            json!({"unit_id": unit, "host_name": "李经理", "purpose": "商务洽谈", "expected_on": today(), "area_ids": areas}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    assert!(v["qr_svg"].as_str().unwrap().starts_with("<svg"), "{v}");
    let link = v["link"].as_str().unwrap();
    let token = link.split("t=").nth(1).unwrap().to_string();
    (v["visit"]["id"].as_str().unwrap().to_string(), token)
}

fn visitor(id_number: &str) -> Value {
    json!({"name": "王访客", "id_type": "citizen_id", "id_number": id_number, "phone": "13812345678",
           "plate": "浙A12345", "goods": "笔记本电脑一台", "consent": true})
}

async fn public_post(app: &TestApp, token: &str, body: Value) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/public/visits/{token}")))
        .json(&body)
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn an_appointment_is_approved_checked_in_and_checked_out() {
    let app = TestApp::demo().await;
    let manager = app.client_for("demo_unit").await;
    let guard = app.client_for("demo_guard").await;
    let unit = unit_of(&manager).await;
    let (s, area) = manager
        .post(&format!("/api/v1/units/{unit}/key_areas"), json!({"name": "访客机房"}))
        .await;
    assert_eq!(s, 201, "{area}");
    let area = area["id"].as_str().unwrap().to_string();
    let (device, _) = create_device(&manager, &unit, Some(&area), "hikvision").await;
    let (id, token) = invite(&manager, &unit, json!([area])).await;

    // The public form: the notice of its purpose, versioned; no account.
    let r = reqwest::get(app.url(&format!("/api/v1/public/visits/{token}")))
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["notice"]["purpose"], "visitor_preregistration");
    assert_eq!(p["notice"]["basis"], "consent");
    assert!(p["notice"]["version"].as_str().is_some_and(|v| !v.is_empty()));
    // Without consent: refused in Chinese.
    let id_number = citizen_id("19900307", "123");
    let mut body = visitor(&id_number);
    body["consent"] = json!(false);
    let (s, v) = public_post(&app, &token, body).await;
    assert_eq!(s, 400, "{v}");
    assert!(error_message(&v).contains("同意"), "{v}");
    let (s, v) = public_post(&app, &token, visitor(&id_number)).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["status"], "submitted");
    let (s, v) = public_post(&app, &token, visitor(&id_number)).await;
    assert_eq!(s, 409, "filled in once: {v}");

    // Encrypted at rest, masked on display.
    let (s, v) = guard.get(&format!("/api/v1/visitors/{id}")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["id_number_masked"], format!("330106********{}", &id_number[14..]));
    assert_eq!(v["phone_masked"], "138****5678");
    assert!(v["consent_at"].is_string(), "{v}");
    assert!(!v.to_string().contains(&id_number));
    assert!(
        !app.stored_bytes().contains(&id_number),
        "ID number stored in plaintext"
    );
    assert!(!app.stored_bytes().contains("13812345678"), "phone stored in plaintext");
    // Look-up by ID number (blind index).
    let (_, l) = guard.get(&format!("/api/v1/visitors?id_number={id_number}")).await;
    assert_eq!(l["total"], 1, "{l}");

    // The guard may not approve; the host does.
    let (s, _) = guard
        .post(&format!("/api/v1/visitors/{id}/decision"), json!({"approve": true}))
        .await;
    assert_eq!(s, 403);
    let (s, v) = guard
        .post(
            &format!("/api/v1/visitors/{id}/check-in"),
            json!({"id_number": id_number}),
        )
        .await;
    assert_eq!(s, 409, "not approved yet: {v}");
    let (s, v) = manager
        .post(
            &format!("/api/v1/visitors/{id}/decision"),
            json!({"approve": true, "note": "同意"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "approved");

    // Check-in verifies the document shown.
    let (s, v) = guard
        .post(
            &format!("/api/v1/visitors/{id}/check-in"),
            json!({"id_number": citizen_id("19900307", "133")}),
        )
        .await;
    assert_eq!(s, 400, "{v}");
    assert!(error_message(&v).contains("不一致"), "{v}");
    let (s, v) = guard
        .post(
            &format!("/api/v1/visitors/{id}/check-in"),
            json!({"id_number": id_number}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "inside");
    assert!(v["checked_in_at"].is_string());
    // The visit suppresses the alarms of its area's device.
    let (_, w) = manager.get(&format!("/api/v1/suppressions?unit_id={unit}")).await;
    let windows: Vec<&Value> = w
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_else(|| w["items"].as_array().unwrap().iter().collect());
    assert!(
        windows
            .iter()
            .any(|x| x["device_id"] == device.as_str() && x["reason"] == "visit"),
        "{w}"
    );
    let (_, inside) = guard.get(&format!("/api/v1/units/{unit}/visitors/inside")).await;
    assert!(
        inside["visits"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == id.as_str()),
        "{inside}"
    );

    // Goods carried out need who authorised them.
    let (s, v) = guard
        .post(
            &format!("/api/v1/visitors/{id}/check-out"),
            json!({"goods_out": "样品一箱"}),
        )
        .await;
    assert_eq!(s, 400, "{v}");
    assert!(error_message(&v).contains("批准人"), "{v}");
    let (s, v) = guard
        .post(
            &format!("/api/v1/visitors/{id}/check-out"),
            json!({"goods_out": "样品一箱", "authorised_by": "李经理"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "left");
    assert_eq!(v["goods_out_authorised_by"], "李经理");
    assert!(v["checked_out_at"].is_string());
    let (_, inside) = guard.get(&format!("/api/v1/units/{unit}/visitors/inside")).await;
    assert!(!inside["visits"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["id"] == id.as_str()));
    let (_, w) = manager.get(&format!("/api/v1/suppressions?unit_id={unit}")).await;
    assert!(
        !w.to_string().contains(&format!("\"device_id\":\"{device}\"")),
        "the window ended at check-out: {w}"
    );
}

#[tokio::test]
async fn a_minor_needs_a_guardian_and_a_bad_id_is_a_chinese_400() {
    let app = TestApp::demo().await;
    let guard = app.client_for("demo_guard").await;
    let unit = unit_of(&guard).await;
    let minor = citizen_id("20150101", "004");
    let walk_in = |id_number: &str, guardian: Option<&str>| {
        let mut v = json!({"name": "小访客", "id_type": "citizen_id", "id_number": id_number,
                           "phone": "13912345678", "purpose": "参观"});
        if let Some(g) = guardian {
            v["guardian_name"] = json!(g);
            v["guardian_consent"] = json!(true);
        }
        json!({"unit_id": unit, "host_name": "张老师", "visitor": v})
    };
    let (s, v) = guard.post("/api/v1/visitors/walk-ins", walk_in(&minor, None)).await;
    assert_eq!(s, 400, "{v}");
    assert!(error_message(&v).contains("监护人"), "{v}");
    let (s, v) = guard
        .post("/api/v1/visitors/walk-ins", walk_in(&minor, Some("小访客家长")))
        .await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["minor"], true);
    assert_eq!(v["guardian_name"], "小访客家长");
    assert_eq!(v["status"], "inside");
    assert_eq!(v["basis"], "legal_duty");
    // Bad check digit, bad passport, bad plate: 400s in Chinese.
    let mut bad = minor.clone();
    bad.replace_range(17.., if minor.ends_with('0') { "1" } else { "0" });
    let (s, v) = guard
        .post("/api/v1/visitors/walk-ins", walk_in(&bad, Some("家长")))
        .await;
    assert_eq!(s, 400, "{v}");
    assert_eq!(error_code(&v), "invalid_citizen_id");
    assert!(error_message(&v).contains("校验码"), "{v}");
    let mut body = walk_in("", None);
    body["visitor"]["id_type"] = json!("passport");
    body["visitor"]["id_number"] = json!("护照");
    let (s, v) = guard.post("/api/v1/visitors/walk-ins", body).await;
    assert_eq!(s, 400, "{v}");
    assert!(error_message(&v).contains("护照号码无效"), "{v}");
    // A minor on a permit: the birth date given flags them.
    let mut body = walk_in("", None);
    body["visitor"]["id_type"] = json!("hk_macau_permit");
    body["visitor"]["id_number"] = json!("H12345678");
    body["visitor"]["birth_date"] = json!("2012-05-01");
    let (s, v) = guard.post("/api/v1/visitors/walk-ins", body).await;
    assert_eq!(s, 400, "{v}");
    assert!(error_message(&v).contains("监护人"), "{v}");
}

#[tokio::test]
async fn a_record_past_its_retention_is_deleted_and_logged() {
    let app = TestApp::demo().await;
    let manager = app.client_for("demo_unit").await;
    let admin = app.admin().await;
    let unit = unit_of(&manager).await;
    let (s, v) = manager
        .put(
            &format!("/api/v1/units/{unit}/visitor-settings"),
            json!({"retention_days": 30, "closing_time": "17:30"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = manager
        .put(
            &format!("/api/v1/units/{unit}/visitor-settings"),
            json!({"retention_days": 0, "closing_time": "17:30"}),
        )
        .await;
    assert_eq!(s, 400, "{v}");
    let (s, v) = manager
        .post(
            "/api/v1/visitors/walk-ins",
            json!({"unit_id": unit, "host_name": "李经理", "visitor": {"name": "老访客", "id_type": "passport",
                   "id_number": "E12345678", "phone": "13812345678", "purpose": "送货"}}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    let (s, _) = manager
        .post(&format!("/api/v1/visitors/{id}/check-out"), json!({}))
        .await;
    assert_eq!(s, 200);
    let (_, fresh) = manager
        .post(
            "/api/v1/visitors/walk-ins",
            json!({"unit_id": unit, "host_name": "李经理", "visitor": {"name": "新访客", "id_type": "taiwan_permit",
                   "id_number": "12345678", "phone": "13812345678", "purpose": "送货"}}),
        )
        .await;
    let fresh = fresh["id"].as_str().unwrap().to_string();
    let system = neibao_domain::access::Principal::system("system");
    // 29 days on: kept.
    app.services
        .privacy
        .sweep_retention(&system, Utc::now() + Duration::days(29))
        .await
        .unwrap();
    let (s, _) = manager.get(&format!("/api/v1/visitors/{id}")).await;
    assert_eq!(s, 200, "inside its 30 days");
    // 31 days on: the visit that ended is deleted and logged; the visitor still inside is kept.
    let deleted = app
        .services
        .privacy
        .sweep_retention(&system, Utc::now() + Duration::days(31))
        .await
        .unwrap();
    assert!(
        deleted
            .iter()
            .any(|d| d.data_class == neibao_domain::privacy::DataClass::VisitorRecords
                && d.unit_id.as_deref() == Some(unit.as_str())
                && d.rows_deleted == 1),
        "{deleted:?}"
    );
    let (s, _) = manager.get(&format!("/api/v1/visitors/{id}")).await;
    assert_eq!(s, 404);
    let (s, _) = manager.get(&format!("/api/v1/visitors/{fresh}")).await;
    assert_eq!(s, 200, "still inside: kept");
    let (_, overview) = admin.get("/api/v1/retention").await;
    assert!(
        overview["deletions"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["data_class"] == "visitor_records" && d["unit_id"] == unit.as_str()),
        "{overview}"
    );
    let (_, audit) = admin.get("/api/v1/audit?action=retention.delete").await;
    assert!(audit.to_string().contains("visitor_records"), "{audit}");
}

#[tokio::test]
async fn a_unit_sees_only_its_visitors_and_a_replay_makes_one_record() {
    let app = TestApp::demo().await;
    let manager = app.client_for("demo_unit").await;
    let admin = app.admin().await;
    let unit = unit_of(&manager).await;
    let (id, _) = invite(&manager, &unit, json!([])).await;
    // Another unit's manager: 404 for the visit, nothing in the list; police: 403.
    let (_, ningbo) = admin.get("/api/v1/units?division=3302&per_page=1").await;
    let other = ningbo["items"][0]["id"].as_str().unwrap().to_string();
    let (s, acc) = admin
        .post(
            "/api/v1/users",
            json!({"username": "gate_other", "display_name": "外单位保卫", "role": "unit_manager", "unit_id": other}),
        )
        .await;
    assert_eq!(s, 201, "{acc}");
    let other_manager = app.client_for("gate_other").await;
    let (s, _) = other_manager.get(&format!("/api/v1/visitors/{id}")).await;
    assert_eq!(s, 404);
    let (_, l) = other_manager.get("/api/v1/visitors").await;
    assert_eq!(l["total"], 0, "{l}");
    let (s, _) = other_manager
        .post(&format!("/api/v1/visitors/{id}/decision"), json!({"approve": true}))
        .await;
    assert_eq!(s, 404);
    let (s, _) = other_manager
        .post(
            "/api/v1/visitors/invitations",
            json!({"unit_id": unit, "host_name": "冒名", "purpose": "测试", "expected_on": today()}),
        )
        .await;
    assert_eq!(s, 404, "another unit's invitation");
    let station = app.client_for("demo_station").await;
    let (s, _) = station.get(&format!("/api/v1/visitors/{id}")).await;
    assert_eq!(s, 403, "police do not read visitor records");

    // A replayed create (one Idempotency-Key) makes one record.
    let body = json!({"unit_id": unit, "host_name": "李经理", "visitor": {"name": "重放访客", "id_type": "passport",
                      "id_number": "G87654321", "phone": "13812345678", "purpose": "维修"}});
    let mut answers = Vec::new();
    for _ in 0..2 {
        let r = manager
            .http
            .post(format!("{}/api/v1/visitors/walk-ins", manager.base))
            .bearer_auth(&manager.token)
            .header("Idempotency-Key", "gate-walk-in-1")
            .json(&body)
            .send()
            .await
            .unwrap();
        let s = r.status().as_u16();
        answers.push((s, r.json::<Value>().await.unwrap()));
    }
    assert_eq!(answers[0].0, 201, "{:?}", answers[0]);
    assert_eq!(answers[0], answers[1]);
    let (_, l) = manager.get("/api/v1/visitors?id_number=G87654321").await;
    assert_eq!(l["total"], 1, "{l}");
}

#[tokio::test]
async fn the_gate_page_on_a_phone_registers_a_walk_in_and_checks_them_out() {
    use crate::webdriver::{browser_installed, css, Browser};
    use reqwest::Method;
    if !browser_installed() {
        return;
    }
    let app = TestApp::demo().await;
    let b = Browser::start().await;
    b.call(Method::POST, "window/rect", json!({"width": 390, "height": 844}))
        .await
        .unwrap();
    b.login(&app, "demo_guard").await;
    b.goto(&app.url("/visitors/gate")).await;
    b.assert_fits_phone().await;
    let id_number = citizen_id("19850615", "217");
    b.send_keys(&css("#wi-name"), "赵来访").await;
    b.send_keys(&css("#wi-id-number"), &id_number).await;
    b.send_keys(&css("#wi-phone"), "13712345678").await;
    b.send_keys(&css("#wi-purpose"), "送文件").await;
    b.send_keys(&css("#wi-host"), "办公室").await;
    b.click(&css("#walk-in-submit")).await;
    b.wait_for("the walk-in registered", || async {
        b.try_text(&css("#notice"))
            .await
            .is_ok_and(|t| t.contains("已登记入场"))
    })
    .await;
    b.assert_fits_phone().await;
    let inside = b.text(&css("#inside")).await;
    assert!(inside.contains("赵来访"), "{inside}");
    assert!(inside.contains("330106********"), "masked: {inside}");
    assert!(!inside.contains(&id_number));
    let guard = app.client_for("demo_guard").await;
    let (_, l) = guard.get(&format!("/api/v1/visitors?id_number={id_number}")).await;
    let id = l["items"][0]["id"].as_str().unwrap().to_string();
    b.click(&css(&format!("#check-out-{id}"))).await;
    b.wait_for("the visitor checked out", || async {
        b.try_text(&css("#notice"))
            .await
            .is_ok_and(|t| t.contains("已登记离场"))
    })
    .await;
    assert!(!b.text(&css("#inside")).await.contains("赵来访"));
    b.assert_fits_phone().await;
    b.quit().await;
    let (_, v) = guard.get(&format!("/api/v1/visitors/{id}")).await;
    assert_eq!(v["status"], "left", "{v}");
}

/// The visit `objects` made for the unit (tests/it/authz.rs).
pub(crate) fn matrix_visit(o: &crate::authz::Objects) -> String {
    format!("matrix-visitor-{}", o.unit["id"].as_str().unwrap())
}

/// A visit the visitor has filled in (waiting for approval), made in the database.
pub(crate) async fn matrix_objects(app: &TestApp, unit: &str) {
    let now = Utc::now().timestamp_millis();
    app.exec_sql(&format!(
        "INSERT INTO visits (id, unit_id, source, status, token, host_name, purpose, area_ids, visitor_name, id_type, \
         id_number_masked, phone_masked, created_by, created_at, last_at) \
         VALUES ('matrix-visitor-{unit}', '{unit}', 'invitation', 'submitted', NULL, '矩阵', '矩阵', '[]', '矩阵访客', 'passport', \
         'E1*****78', '138****5678', 'matrix', {now}, {now}) ON CONFLICT (id) DO NOTHING;"
    ))
    .await;
}
