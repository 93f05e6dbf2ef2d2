//! Personal-information compliance (docs/COMPLIANCE.md; R61, R62, R67, R69, R72, R73; PIPL) over
//! HTTP: a unit keeps its record of processing activities (legal basis required, sensitive
//! categories flagged) beside the installation's defaults; the county police read it but do not
//! change it; another county's police do not find it; a data-subject request past its deadline
//! (working days after receipt) is overdue and listed as such; a refusal needs its reasons; a
//! replayed create makes one request; a breach's notification needs the items of PIPL Art 57,
//! and is recorded with its time once per side before closure. The working-day arithmetic
//! itself (a request made on a Friday) is tested in `neibao_domain::compliance::working_days`.

use chrono::{Duration, Utc};
use neibao_domain::compliance::working_days::add_working_days;
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

fn today() -> chrono::NaiveDate {
    Utc::now().with_timezone(&chrono_tz::Asia::Shanghai).date_naive()
}

#[tokio::test]
async fn a_unit_keeps_its_record_of_processing_activities_and_the_police_read_it() {
    let app = TestApp::demo().await;
    let manager = app.client_for("demo_unit").await;
    let county = app.client_for("demo_county").await;
    let other = app.client_for("demo_county_other").await;
    let guard = app.client_for("demo_guard").await;

    // The legal basis is required, from PIPL Art 13's list.
    let body = json!({"purpose": "visitor_registration", "categories": ["identity", "id_number", "face"],
                      "retention_days": 90, "recipients": "属地派出所", "pia_ref": "PIA-2026-01"});
    let (s, v) = manager.post("/api/v1/compliance/activities", body.clone()).await;
    assert_eq!(s, 400, "{v}");
    assert!(error_message(&v).contains("法律依据"), "{v}");
    let mut with_basis = body.clone();
    with_basis["legal_basis"] = json!("no_such_basis");
    let (s, v) = manager.post("/api/v1/compliance/activities", with_basis.clone()).await;
    assert_eq!(s, 400, "{v}");
    with_basis["legal_basis"] = json!("legal_duty");
    with_basis["categories"] = json!([]);
    let (s, v) = manager.post("/api/v1/compliance/activities", with_basis.clone()).await;
    assert_eq!(s, 400, "{v}");
    assert!(error_message(&v).contains("个人信息种类"), "{v}");
    with_basis["categories"] = json!(["identity", "id_number", "face"]);
    let (s, a) = manager.post("/api/v1/compliance/activities", with_basis.clone()).await;
    assert_eq!(s, 201, "{a}");
    let id = a["id"].as_str().unwrap().to_string();
    assert_eq!(a["owner_kind"], "unit");
    assert_eq!(a["sensitive"], true, "faces and ID numbers are sensitive: {a}");
    assert_eq!(a["pia_ref"], "PIA-2026-01");

    // The unit sees its own record and the installation's defaults.
    let (s, l) = manager.get("/api/v1/compliance/activities").await;
    assert_eq!(s, 200, "{l}");
    let ids: Vec<&str> = l
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&id.as_str()) && ids.contains(&"pi-default-visitor"), "{l}");
    let seeded = l
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == "pi-default-watchlist")
        .unwrap();
    assert_eq!(seeded["sensitive"], true, "{seeded}");
    assert_eq!(seeded["seeded"], true);

    // The county police read it, but the unit keeps it.
    let (s, _) = county.get(&format!("/api/v1/compliance/activities/{id}")).await;
    assert_eq!(s, 200);
    let (s, v) = county
        .put(&format!("/api/v1/compliance/activities/{id}"), with_basis.clone())
        .await;
    assert_eq!(s, 403, "{v}");
    // Unit managers may not change the installation's defaults.
    let (s, _) = manager
        .put("/api/v1/compliance/activities/pi-default-visitor", with_basis.clone())
        .await;
    assert_eq!(s, 403);
    // Another county does not find it; guards may not read these records.
    let (s, _) = other.get(&format!("/api/v1/compliance/activities/{id}")).await;
    assert_eq!(s, 404);
    let (s, _) = other
        .put(&format!("/api/v1/compliance/activities/{id}"), with_basis.clone())
        .await;
    assert_eq!(s, 404);
    let (s, _) = guard.get("/api/v1/compliance/activities").await;
    assert_eq!(s, 403);

    // The unit changes it; audited in Chinese.
    with_basis["retention_days"] = json!(30);
    let (s, a) = manager
        .put(&format!("/api/v1/compliance/activities/{id}"), with_basis)
        .await;
    assert_eq!(s, 200, "{a}");
    assert_eq!(a["retention_days"], 30);
    let admin = app.admin().await;
    let (_, audit) = admin.get("/api/v1/audit?action=compliance.activity_update").await;
    assert!(audit.to_string().contains(&id), "{audit}");

    // The page.
    let br = app.browser("demo_unit", DEMO_PASSWORD).await;
    let html = br
        .get(app.url("/compliance"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("个人信息处理活动记录") && html.contains("含敏感个人信息"),
        "{html}"
    );
}

#[tokio::test]
async fn a_data_subject_request_past_its_deadline_is_overdue_and_a_refusal_needs_reasons() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let manager = app.client_for("demo_unit").await;
    let county = app.client_for("demo_county").await;
    let other = app.client_for("demo_county_other").await;

    // Received 40 days ago: 15 working days have passed.
    let received = today() - Duration::days(40);
    let (s, old) = manager
        .post(
            "/api/v1/compliance/requests",
            json!({"kind": "deletion", "subject_name": "张三", "contact": "13812345678",
                   "content": "请删除我的访客登记记录", "received_on": received}),
        )
        .await;
    assert_eq!(s, 201, "{old}");
    let old_id = old["id"].as_str().unwrap().to_string();
    assert_eq!(
        old["deadline"],
        add_working_days(received, 15, &[]).to_string(),
        "15 working days after receipt: {old}"
    );
    assert_eq!(old["overdue"], true, "{old}");
    assert_eq!(old["contact"], "138****5678");
    assert!(
        !app.stored_bytes().contains("13812345678"),
        "the contact is encrypted at rest"
    );

    // Received today, with one Idempotency-Key sent twice: one request, not overdue.
    let body = json!({"kind": "access", "subject_name": "李四", "content": "请提供我的出入记录"});
    let (s, a) = keyed(&manager, "/api/v1/compliance/requests", "dsr-replay-1", &body).await;
    assert_eq!(s, 201, "{a}");
    let (s, b) = keyed(&manager, "/api/v1/compliance/requests", "dsr-replay-1", &body).await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(a["id"], b["id"]);
    let new_id = a["id"].as_str().unwrap().to_string();
    assert_eq!(a["overdue"], false, "{a}");
    let (_, all) = manager.get("/api/v1/compliance/requests").await;
    assert_eq!(
        all.as_array()
            .unwrap()
            .iter()
            .filter(|r| r["subject_name"] == "李四")
            .count(),
        1,
        "{all}"
    );

    // Overdue ones listed and flagged.
    let (s, late) = manager.get("/api/v1/compliance/requests?overdue=true").await;
    assert_eq!(s, 200, "{late}");
    let late: Vec<&str> = late
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(late, vec![old_id.as_str()]);
    let br = app.browser("demo_unit", DEMO_PASSWORD).await;
    let html = br
        .get(app.url("/compliance"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("1 件已超期") && html.contains("（已超期）"), "{html}");

    // Bad input in Chinese.
    let (s, v) = manager
        .post(
            "/api/v1/compliance/requests",
            json!({"kind": "access", "subject_name": "王五", "content": "x", "received_on": today() + Duration::days(1)}),
        )
        .await;
    assert_eq!(s, 400, "{v}");
    assert!(error_message(&v).contains("收到日期"), "{v}");
    let (s, v) = manager
        .post(
            "/api/v1/compliance/requests",
            json!({"kind": "forget", "subject_name": "王五", "content": "x"}),
        )
        .await;
    assert_eq!(s, 400, "{v}");

    // A refusal needs its reasons (PIPL Art 50).
    let (s, v) = manager
        .post(
            &format!("/api/v1/compliance/requests/{old_id}/refuse"),
            json!({"reasons": "  "}),
        )
        .await;
    assert_eq!(s, 400, "{v}");
    assert!(error_message(&v).contains("理由"), "{v}");
    // Another county does not find the request; the county police may not answer it.
    let (s, _) = other.get(&format!("/api/v1/compliance/requests/{old_id}")).await;
    assert_eq!(s, 404);
    let (s, _) = other
        .post(
            &format!("/api/v1/compliance/requests/{old_id}/refuse"),
            json!({"reasons": "无"}),
        )
        .await;
    assert_eq!(s, 404);
    let (s, seen) = county.get(&format!("/api/v1/compliance/requests/{old_id}")).await;
    assert_eq!(s, 200, "{seen}");
    let (s, _) = county
        .post(
            &format!("/api/v1/compliance/requests/{old_id}/reply"),
            json!({"reply": "已删除"}),
        )
        .await;
    assert_eq!(s, 403);

    let (s, r) = manager
        .post(
            &format!("/api/v1/compliance/requests/{old_id}/refuse"),
            json!({"reasons": "该记录属依法调取的案件证据，处于法律保全期间", "handler": "保卫科王科长"}),
        )
        .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["state"], "refused");
    assert_eq!(r["overdue"], false, "answered: no longer overdue");
    assert_eq!(r["handler"], "保卫科王科长");
    let (s, v) = manager
        .post(
            &format!("/api/v1/compliance/requests/{old_id}/reply"),
            json!({"reply": "已删除"}),
        )
        .await;
    assert_eq!(s, 409, "{v}");
    let (s, r) = manager
        .post(
            &format!("/api/v1/compliance/requests/{new_id}/reply"),
            json!({"reply": "已提供出入记录"}),
        )
        .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["state"], "replied");
    let (_, audit) = admin.get("/api/v1/audit?action=compliance.request_refuse").await;
    assert!(audit.to_string().contains(&old_id), "{audit}");

    // Administrators set the period (and holidays); units may not.
    let (s, _) = manager
        .put("/api/v1/compliance/settings", json!({"deadline_working_days": 5}))
        .await;
    assert_eq!(s, 403);
    let (s, v) = admin
        .put("/api/v1/compliance/settings", json!({"deadline_working_days": 0}))
        .await;
    assert_eq!(s, 400, "{v}");
    let holiday = today() + Duration::days(1);
    let (s, v) = admin
        .put(
            "/api/v1/compliance/settings",
            json!({"deadline_working_days": 5, "holidays": [holiday]}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (_, st) = manager.get("/api/v1/compliance/settings").await;
    assert_eq!(st["deadline_working_days"], 5, "{st}");
    let (s, r) = manager
        .post(
            "/api/v1/compliance/requests",
            json!({"kind": "explanation", "subject_name": "赵六", "content": "请说明布控规则"}),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    assert_eq!(
        r["deadline"],
        add_working_days(today(), 5, &[holiday]).to_string(),
        "{r}"
    );
}

#[tokio::test]
async fn a_breach_notification_needs_the_content_of_article_57() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let manager = app.client_for("demo_unit").await;
    let county = app.client_for("demo_county").await;
    let other = app.client_for("demo_county_other").await;

    let (s, v) = manager
        .post("/api/v1/compliance/breaches", json!({"title": "访客登记表外泄"}))
        .await;
    assert_eq!(s, 400, "{v}");
    let (s, b) = manager
        .post(
            "/api/v1/compliance/breaches",
            json!({"title": "访客登记表外泄", "description": "前台电脑被拷走访客登记导出文件"}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    let id = b["id"].as_str().unwrap().to_string();

    // Without Art 57's items the notification is refused, naming what is missing.
    let (s, v) = manager
        .post(
            &format!("/api/v1/compliance/breaches/{id}/notifications"),
            json!({"target": "authority", "recipient": "市网信办"}),
        )
        .await;
    assert_eq!(s, 400, "{v}");
    let m = error_message(&v);
    assert!(
        m.contains("第五十七条") && m.contains("原因") && m.contains("联系方式"),
        "{v}"
    );

    let full = json!({"title": "访客登记表外泄", "description": "前台电脑被拷走访客登记导出文件",
        "categories": ["identity", "id_number", "contact"], "affected_count": 312,
        "cause": "前台电脑未锁屏，导出文件未加密", "possible_harm": "身份证号码和手机号可能被用于诈骗",
        "remedial_measures": "已报警，已停用导出功能并修改口令", "individual_measures": "警惕冒充单位的电话和短信",
        "handler_contact": "保卫科 0571-87654321"});
    let (s, b) = manager
        .put(&format!("/api/v1/compliance/breaches/{id}"), full.clone())
        .await;
    assert_eq!(s, 200, "{b}");
    // The police of the county read it but do not notify for the unit; another county: 404.
    let (s, _) = county.get(&format!("/api/v1/compliance/breaches/{id}")).await;
    assert_eq!(s, 200);
    let (s, _) = county
        .post(
            &format!("/api/v1/compliance/breaches/{id}/notifications"),
            json!({"target": "authority", "recipient": "市网信办"}),
        )
        .await;
    assert_eq!(s, 403);
    let (s, _) = other.get(&format!("/api/v1/compliance/breaches/{id}")).await;
    assert_eq!(s, 404);

    let (s, v) = manager
        .post(
            &format!("/api/v1/compliance/breaches/{id}/notifications"),
            json!({"target": "authority"}),
        )
        .await;
    assert_eq!(s, 400, "the authority's name: {v}");
    let (s, b) = manager
        .post(
            &format!("/api/v1/compliance/breaches/{id}/notifications"),
            json!({"target": "authority", "recipient": "杭州市委网信办"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert!(b["authority_notified_at"].is_string(), "{b}");
    assert_eq!(b["authority_name"], "杭州市委网信办");
    assert!(b["individuals_notified_at"].is_null());
    let (s, _) = manager
        .post(
            &format!("/api/v1/compliance/breaches/{id}/notifications"),
            json!({"target": "authority", "recipient": "杭州市委网信办"}),
        )
        .await;
    assert_eq!(s, 409);
    let (s, b) = manager
        .post(
            &format!("/api/v1/compliance/breaches/{id}/notifications"),
            json!({"target": "individuals", "recipient": "短信逐一告知"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert!(b["individuals_notified_at"].is_string(), "{b}");

    let (s, _) = manager
        .post(&format!("/api/v1/compliance/breaches/{id}/close"), json!({"note": ""}))
        .await;
    assert_eq!(s, 400);
    let (s, b) = manager
        .post(
            &format!("/api/v1/compliance/breaches/{id}/close"),
            json!({"note": "整改完毕"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["state"], "closed");
    let (s, _) = manager.put(&format!("/api/v1/compliance/breaches/{id}"), full).await;
    assert_eq!(s, 409);
    let (_, audit) = admin.get("/api/v1/audit?action=compliance.breach_notify").await;
    assert!(audit.to_string().contains(&id), "{audit}");

    // The page shows both notifications.
    let br = app.browser("demo_county", DEMO_PASSWORD).await;
    let html = br
        .get(app.url(&format!("/compliance/breaches/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("杭州市委网信办") && html.contains("短信逐一告知"),
        "{html}"
    );
}

#[tokio::test]
async fn a_refused_form_keeps_what_was_typed() {
    let app = TestApp::demo().await;
    let manager = app.client_for("demo_unit").await;
    let (s, r) = manager
        .post(
            "/api/v1/compliance/requests",
            json!({"kind": "correction", "subject_name": "孙七", "content": "更正手机号"}),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    let id = r["id"].as_str().unwrap();
    let br = app.browser("demo_unit", DEMO_PASSWORD).await;
    let page = br
        .get(app.url(&format!("/compliance/requests/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&page);
    let resp = br
        .post(app.url(&format!("/compliance/requests/{id}/refuse")))
        .form(&[("csrf_token", csrf.as_str()), ("handler", "刘科长"), ("reasons", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    let html = resp.text().await.unwrap();
    assert!(html.contains("说明理由") && html.contains("刘科长"), "{html}");
}

/// The record, request and incident `matrix_objects` made for the unit of `o` (by the path).
pub(crate) fn matrix_id(path: &str, o: &crate::authz::Objects) -> String {
    let unit = o.unit["id"].as_str().unwrap();
    if path.contains("/requests/") {
        format!("matrix-dsr-{unit}")
    } else if path.contains("/breaches/") {
        format!("matrix-breach-{unit}")
    } else {
        format!("matrix-pia-{unit}")
    }
}

/// A record of processing activities, an open data-subject request and an open incident kept by
/// the unit, made in the database (only the unit's manager makes them).
pub(crate) async fn matrix_objects(app: &TestApp, unit: &str) {
    app.exec_sql(&format!(
        "INSERT INTO pi_activities (id, owner_kind, unit_id, org_id, owner_name, division_code, purpose, description, \
         legal_basis, categories, retention_days, recipients, pia_ref, seeded, updated_by, updated_at, created_at) \
         VALUES ('matrix-pia-{unit}', 'unit', '{unit}', NULL, '矩阵单位', NULL, 'video', '', 'legal_duty', 'image', 30, '', '', \
         FALSE, '矩阵', 0, 0) ON CONFLICT (id) DO NOTHING;
         INSERT INTO pi_subject_requests (id, owner_kind, unit_id, org_id, owner_name, division_code, kind, subject_name, \
         contact_enc, content, received_on, deadline, state, handler, reply, refusal_reasons, closed_at, closed_by, \
         created_by, created_at) VALUES ('matrix-dsr-{unit}', 'unit', '{unit}', NULL, '矩阵单位', NULL, 'access', '矩阵', NULL, \
         '矩阵请求', '2026-01-05', '2999-12-31', 'open', '矩阵', '', '', NULL, NULL, '矩阵', 0) ON CONFLICT (id) DO NOTHING;
         INSERT INTO pi_breaches (id, owner_kind, unit_id, org_id, owner_name, division_code, title, occurred_at, \
         discovered_at, description, categories, affected_count, cause, possible_harm, remedial_measures, \
         individual_measures, handler_contact, state, authority_name, authority_notified_at, authority_notified_by, \
         individuals_method, individuals_notified_at, individuals_notified_by, closed_at, closed_by, closure_note, \
         created_by, created_at) VALUES ('matrix-breach-{unit}', 'unit', '{unit}', NULL, '矩阵单位', NULL, '矩阵事件', NULL, 0, \
         '矩阵', '', NULL, '', '', '', '', '', 'open', '', NULL, NULL, '', NULL, NULL, NULL, NULL, '', '矩阵', 0) \
         ON CONFLICT (id) DO NOTHING;"
    ))
    .await;
}
