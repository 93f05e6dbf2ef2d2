//! The unit's security organisation, staff and guards (docs/SECURITY-STAFF.md; R7, R10, R11,
//! R14, R19, R57, R58), over HTTP on both backends: the body with versions, the roster with
//! stale edits refused and soft removal, guards checked by citizen ID and age (≥ 18), the R19
//! warning, training with the certificate-expiry reminder sent once, commendations and
//! complaints, who reads what (a unit manager never sees another unit's roster), and the pages.

use chrono::{Duration, Utc};
use serde_json::{json, Value};

use crate::common::*;

fn today() -> chrono::NaiveDate {
    Utc::now().with_timezone(&chrono_tz::Asia::Shanghai).date_naive()
}

/// A valid citizen ID number (GB 11643) born on `birth` (YYYYMMDD).
fn citizen_id(birth: &str, seq: &str) -> String {
    let body = format!("330106{birth}{seq}");
    let c = neibao_domain::validate::citizen_id_check_char(&body).unwrap();
    format!("{body}{c}")
}

fn guard(name: &str, id: &str) -> Value {
    json!({
        "name": name, "post": "门卫", "full_time": true, "on_duty": true, "phone": "13812345678",
        "employment": "own_hired", "certificate_no": "浙保证2026001", "citizen_id": id,
        "started_on": today() - Duration::days(10), "vetting": "passed",
    })
}

#[tokio::test]
async fn a_unit_keeps_its_security_body_roster_guards_and_training() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let manager = app.client_for("demo_unit").await;
    let (_, me) = manager.get("/api/v1/me").await;
    let unit = me["unit_id"].as_str().unwrap().to_string();
    let base = format!("/api/v1/units/{unit}/security");

    // Nothing yet.
    let (s, o) = manager.get(&base).await;
    assert_eq!(s, 200, "{o}");
    assert!(o["body"].is_null());
    assert_eq!(o["summary"]["body_present"], false);

    // The body: recorded once, changed with its version, a stale version refused.
    let body = json!({"name": "保卫处", "kind": "dedicated", "head": "王保卫", "established_on": "2020-03-01", "phone": "0571-87654321"});
    let (s, b) = manager.put(&format!("{base}/body"), body.clone()).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(
        (b["version"].as_i64(), b["phone"].as_str()),
        (Some(1), Some("057******4321"))
    );
    let (s, v) = manager.put(&format!("{base}/body"), body.clone()).await;
    assert_eq!((s, error_code(&v)), (409, "conflict"), "{v}");
    let mut changed = body.clone();
    changed["version"] = json!(1);
    changed["head"] = json!("李保卫");
    changed.as_object_mut().unwrap().remove("phone");
    let (s, b) = manager.put(&format!("{base}/body"), changed.clone()).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!((b["version"].as_i64(), b["head"].as_str()), (Some(2), Some("李保卫")));
    assert_eq!(b["phone"], "057******4321", "an absent phone keeps the stored one");
    let (s, v) = manager.put(&format!("{base}/body"), changed).await;
    assert_eq!((s, error_code(&v)), (409, "version_conflict"), "{v}");

    // Staff: phone masked, stale edits refused, removal kept.
    let (s, m) = manager
        .post(
            &format!("{base}/staff"),
            json!({"name": "张干事", "post": "保卫干事", "full_time": false, "phone": "13900001111", "on_duty": true}),
        )
        .await;
    assert_eq!(s, 201, "{m}");
    assert_eq!(m["phone"], "139****1111");
    let sid = m["id"].as_str().unwrap().to_string();
    let (s, v) = manager
        .post(
            &format!("{base}/staff"),
            json!({"name": "坏电话", "full_time": true, "phone": "12345", "on_duty": true}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (400, "invalid_phone"), "{v}");
    let edit = json!({"version": 1, "name": "张干事", "post": "保卫科长", "full_time": true, "on_duty": false});
    let (s, m) = manager.put(&format!("{base}/staff/{sid}"), edit.clone()).await;
    assert_eq!(s, 200, "{m}");
    assert_eq!((m["version"].as_i64(), m["post"].as_str()), (Some(2), Some("保卫科长")));
    assert_eq!(m["phone"], "139****1111");
    let (s, v) = manager.put(&format!("{base}/staff/{sid}"), edit).await;
    assert_eq!((s, error_code(&v)), (409, "version_conflict"), "{v}");
    let (s, v) = manager.delete(&format!("{base}/staff/{sid}?version=1"), None).await;
    assert_eq!((s, error_code(&v)), (409, "version_conflict"), "{v}");
    let (s, _) = manager.delete(&format!("{base}/staff/{sid}?version=2"), None).await;
    assert_eq!(s, 204);
    let (_, o) = manager.get(&base).await;
    assert!(o["staff"][0]["removed_at"].is_string(), "kept, removed: {o}");
    assert_eq!(o["summary"]["staff"], 0);
    let (s, v) = manager
        .put(
            &format!("{base}/staff/{sid}"),
            json!({"version": 3, "name": "张干事", "full_time": true, "on_duty": true}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (409, "invalid_transition"), "{v}");

    // Guards: citizen ID checked (GB 11643), under 18 refused citing Art 16, duplicates refused.
    let (s, v) = manager
        .post(&format!("{base}/guards"), guard("错号", "330106199003071235"))
        .await;
    assert_eq!((s, error_code(&v)), (400, "invalid_citizen_id"), "{v}");
    let young = (today() - Duration::days(17 * 365)).format("%Y%m%d").to_string();
    let (s, v) = manager
        .post(&format!("{base}/guards"), guard("少年", &citizen_id(&young, "123")))
        .await;
    assert_eq!((s, error_code(&v)), (400, "guard_underage"), "{v}");
    assert!(error_message(&v).contains("第十六条"), "{v}");
    let id = citizen_id("19900307", "123");
    let (s, g) = manager.post(&format!("{base}/guards"), guard("赵保安", &id)).await;
    assert_eq!(s, 201, "{g}");
    assert_eq!(g["employment"], "own_hired");
    assert_eq!(g["started_on"], json!(today() - Duration::days(10)));
    assert!(g["stopped_on"].is_null());
    assert_eq!(g["eligible"], true);
    assert!(g["age"].as_u64().unwrap() >= 36, "{g}");
    assert_eq!(g["citizen_id"], format!("330106********{}", &id[14..]));
    assert!(g.get("birth_date").is_none(), "the birth date is not sent: {g}");
    assert_eq!(g["vetting"], "passed");
    let gid = g["id"].as_str().unwrap().to_string();
    let (s, v) = manager.post(&format!("{base}/guards"), guard("重复", &id)).await;
    assert_eq!((s, error_code(&v)), (409, "conflict"), "{v}");
    let mut company = guard("钱保安", &citizen_id("19850611", "456"));
    company["employment"] = json!("company");
    let (s, v) = manager.post(&format!("{base}/guards"), company.clone()).await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    assert!(error_message(&v).contains("保安服务公司名称"), "{v}");
    company["company_name"] = json!("环球保安服务有限公司");
    company["company_licence_no"] = json!("浙公保服2026001");
    company["company_foreign_invested"] = json!(true);
    let (s, c) = manager.post(&format!("{base}/guards"), company).await;
    assert_eq!(s, 201, "{c}");
    // R19: a foreign-invested company at a key unit is warned about.
    app.exec_sql(&format!("UPDATE units SET is_key_unit = TRUE WHERE id = '{unit}'"))
        .await;
    let (_, c) = manager.get(&format!("{base}/guards")).await;
    let warned: Vec<&Value> = c
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["warning"].is_string())
        .collect();
    assert_eq!(warned.len(), 1, "{c}");
    assert!(warned[0]["warning"].as_str().unwrap().contains("第二十二条"), "{c}");
    // The guard stops: the stop date is kept (R57 deregistration runs from it).
    let mut stop = guard("赵保安", "");
    stop["version"] = json!(1);
    stop["stopped_on"] = json!(today());
    let (s, g) = manager.put(&format!("{base}/guards/{gid}"), stop).await;
    assert_eq!(s, 200, "{g}");
    assert_eq!(
        (g["stopped_on"].clone(), g["on_duty"].clone()),
        (json!(today()), json!(false))
    );
    assert_eq!(g["citizen_id"], format!("330106********{}", &id[14..]), "kept");

    // Training: a certificate expiring within 30 days is listed and reminded once.
    let (_, o) = manager.get(&base).await;
    let cid = o["guards"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "钱保安")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (s, t) = manager
        .post(
            &format!("{base}/trainings"),
            json!({"member_id": cid, "trained_on": today() - Duration::days(300), "topic": "保安员岗位培训",
                   "hours": 16, "exam_result": "passed", "certificate_name": "保安员培训合格证",
                   "certificate_expires_on": today() + Duration::days(10)}),
        )
        .await;
    assert_eq!(s, 201, "{t}");
    assert_eq!(t["certificate_state"], "expiring");
    let (s, v) = manager
        .post(
            &format!("{base}/trainings"),
            json!({"member_id": cid, "trained_on": today(), "topic": "坏学时", "hours": 0}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    let (s, v) = manager
        .post(
            &format!("{base}/trainings"),
            json!({"member_id": sid, "trained_on": today(), "topic": "已移除人员", "hours": 2}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    let (_, sum) = manager.get(&format!("{base}/summary")).await;
    assert_eq!(sum["body_present"], true, "{sum}");
    assert_eq!(sum["guards"], 1, "the stopped guard no longer serves: {sum}");
    assert_eq!(sum["own_hired_guards"], 0, "{sum}");
    assert_eq!(sum["trainings_last_12_months"], 1, "{sum}");
    assert_eq!(sum["certificates_expiring"], 1, "{sum}");
    assert_eq!(sum["warnings"].as_array().unwrap().len(), 1, "{sum}");
    let reminders = |inbox: &Value| -> usize {
        inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["title"].as_str().unwrap_or("").starts_with("证书即将到期"))
            .count()
    };
    let scheduler = app.scheduler("security-staff-node");
    scheduler.tick(Utc::now() + Duration::minutes(1)).await.unwrap();
    scheduler.tick(Utc::now() + Duration::minutes(2)).await.unwrap();
    let (_, inbox) = manager.get("/api/v1/inbox").await;
    assert_eq!(reminders(&inbox), 1, "exactly one reminder: {inbox}");

    // Commendations and complaints.
    let (s, r) = manager
        .post(
            &format!("{base}/records"),
            json!({"kind": "complaint", "member_id": cid, "occurred_on": today(), "content": "访客投诉保安态度生硬",
                   "handling": "已约谈并道歉", "result": "投诉人满意"}),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    assert_eq!(r["subject"], "钱保安");
    let (s, v) = manager
        .post(
            &format!("{base}/records"),
            json!({"kind": "commendation", "occurred_on": today(), "content": ""}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");

    // Nothing in plaintext at rest.
    let stored = app.stored_bytes();
    assert!(!stored.contains(&id) && !stored.contains("13900001111") && !stored.contains("87654321"));

    // Who reads: police of the jurisdiction yes, the unit's guards no, writes only the manager.
    let station = app.client_for("demo_station").await;
    let (s, o) = station.get(&base).await;
    assert_eq!(s, 200, "{o}");
    assert_eq!(o["history"].as_array().unwrap().len(), 8, "{o}");
    let (s, _) = station
        .post(
            &format!("{base}/staff"),
            json!({"name": "越权", "full_time": true, "on_duty": true}),
        )
        .await;
    assert_eq!(s, 403);
    let guard_account = app.client_for("demo_guard").await;
    let (s, _) = guard_account.get(&base).await;
    assert_eq!(s, 403);

    // Another unit's manager cannot see this unit's roster, nor write to it.
    let other = create_unit(&admin, "保卫测试外单位", "330206", "91330206MA2RB0002").await;
    let (s, acc) = admin
        .post(
            "/api/v1/users",
            json!({"username": "ss_other_manager", "display_name": "外单位保卫负责人", "role": "unit_manager", "unit_id": other}),
        )
        .await;
    assert_eq!(s, 201, "{acc}");
    let stranger = app.client_for("ss_other_manager").await;
    for path in [base.clone(), format!("{base}/guards"), format!("{base}/summary")] {
        let (s, _) = stranger.get(&path).await;
        assert_eq!(s, 404, "{path}");
    }
    let (s, _) = stranger
        .post(
            &format!("{base}/staff"),
            json!({"name": "越权", "full_time": true, "on_duty": true}),
        )
        .await;
    assert_eq!(s, 404);
    let (s, own) = stranger.get(&format!("/api/v1/units/{other}/security")).await;
    assert_eq!(s, 200);
    assert!(own["staff"].as_array().unwrap().is_empty() && own["guards"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn the_pages_show_the_roster_and_keep_a_refused_form() {
    let app = TestApp::demo().await;
    let manager = app.client_for("demo_unit").await;
    let (_, me) = manager.get("/api/v1/me").await;
    let unit = me["unit_id"].as_str().unwrap().to_string();
    let b = app.browser("demo_unit", DEMO_PASSWORD).await;
    let page = b
        .get(app.url(&format!("/units/{unit}/security")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("尚未登记保卫机构") && page.contains("id=\"guard-form\""),
        "{page}"
    );
    let csrf = csrf_of(&page);
    let young = (today() - Duration::days(16 * 365)).format("%Y%m%d").to_string();
    let started = today().to_string();
    let r = b
        .post(app.url(&format!("/units/{unit}/security/guards")))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("name", "孙少年"),
            ("citizen_id", citizen_id(&young, "321").as_str()),
            ("employment", "own_hired"),
            ("started_on", started.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let page = r.text().await.unwrap();
    assert!(page.contains("第十六条") && page.contains("孙少年"), "{page}");
    let r = b
        .post(app.url(&format!("/units/{unit}/security/guards")))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("name", "周保安"),
            ("citizen_id", citizen_id("19921111", "222").as_str()),
            ("employment", "own_hired"),
            ("started_on", started.as_str()),
            ("phone", "13700002222"),
        ])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    let page = r.text().await.unwrap();
    assert!(
        page.contains("周保安") && page.contains("137****2222") && !page.contains("13700002222"),
        "{page}"
    );
    // The unit page links to it with the summary.
    let page = b
        .get(app.url(&format!("/units/{unit}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("id=\"security-summary\"") && page.contains(&format!("/units/{unit}/security")),
        "{page}"
    );
    // Police read the same page without the forms; the unit's guard may not.
    let p = app.browser("demo_station", DEMO_PASSWORD).await;
    let r = p.get(app.url(&format!("/units/{unit}/security"))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains("周保安") && !page.contains("id=\"guard-form\""), "{page}");
    let g = app.browser("demo_guard", DEMO_PASSWORD).await;
    let r = g.get(app.url(&format!("/units/{unit}/security"))).send().await.unwrap();
    assert_eq!(r.status(), 403);
}
