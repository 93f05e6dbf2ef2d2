//! Private-enterprise requests (民营企业诉求, docs/ENTERPRISE-REQUESTS.md; seed highlight 6) over
//! HTTP: a private enterprise files a request (a double submit with one Idempotency-Key makes
//! one); the station is told, assigns a handler, replies (the response time shows) and closes
//! it; the enterprise rates it once; a request still open at its deadline is listed as overdue
//! after the scheduler's tick (controlled clock); another unit's manager and another county's
//! police do not find it; a unit not flagged 民营企业 cannot file; bad input is refused in
//! Chinese.

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

use crate::common::*;

async fn tick_all(app: &TestApp, at: DateTime<Utc>) {
    for _ in 0..50 {
        let ran = app.scheduler("n").tick(at).await.unwrap();
        for r in &ran {
            assert!(r.ok, "job {} failed", r.job.kind.code());
        }
        if ran.is_empty() {
            return;
        }
    }
    panic!("jobs still due at {at}");
}

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

async fn inbox_titles(c: &Client) -> Vec<String> {
    let (_, v) = c.get("/api/v1/inbox?per_page=100").await;
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap_or("").to_string())
        .collect()
}

#[tokio::test]
async fn a_private_enterprise_request_is_assigned_answered_closed_rated_and_goes_overdue() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let manager = app.client_for("demo_unit").await;
    let station = app.client_for("demo_station").await;
    let (_, m) = manager.get("/api/v1/me").await;
    let unit = m["unit_id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/units/{unit}/enterprise-requests");

    // Not flagged 民营企业 yet: refused.
    app.exec_sql(&format!(
        "UPDATE units SET is_private_enterprise = FALSE WHERE id = '{unit}'"
    ))
    .await;
    let (s, v) = manager
        .post(&path, json!({"kind": "protection", "text": "请求保护"}))
        .await;
    assert_eq!(s, 409, "{v}");
    assert!(error_message(&v).contains("民营企业"), "{v}");
    app.exec_sql(&format!(
        "UPDATE units SET is_private_enterprise = TRUE WHERE id = '{unit}'"
    ))
    .await;

    // Bad input, in Chinese.
    let (s, v) = manager.post(&path, json!({"kind": "nonsense", "text": "x"})).await;
    assert_eq!(s, 400, "{v}");
    assert!(error_message(&v).contains("诉求类型"), "{v}");
    let (s, v) = manager.post(&path, json!({"kind": "protection", "text": "  "})).await;
    assert_eq!(s, 400, "{v}");
    assert!(error_message(&v).contains("诉求内容不能为空"), "{v}");
    let (s, v) = manager
        .post(&path, json!({"kind": "protection", "text": "长".repeat(2001)}))
        .await;
    assert_eq!(s, 400, "{v}");
    // The police cannot file for the unit.
    let (s, _) = station.post(&path, json!({"kind": "protection", "text": "x"})).await;
    assert_eq!(s, 403);

    // A double submit makes one request.
    let t0 = Utc::now();
    let body = json!({"kind": "economic_crime", "text": "发现有人冒用本公司名义对外签订合同，涉嫌合同诈骗。"});
    let (s, a) = keyed(&manager, &path, "er-once-1", &body).await;
    assert_eq!(s, 201, "{a}");
    let (s, b) = keyed(&manager, &path, "er-once-1", &body).await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(a["id"], b["id"]);
    let id = a["id"].as_str().unwrap().to_string();
    assert_eq!(a["state"], "open");
    assert_eq!(a["kind_label"], "经济犯罪线索");
    let deadline: DateTime<Utc> = a["deadline"].as_str().unwrap().parse().unwrap();
    assert!(
        deadline > t0 + Duration::days(6) && deadline < t0 + Duration::days(8),
        "{a}"
    );
    let (_, l) = manager.get("/api/v1/enterprise-requests").await;
    assert_eq!(l["total"], 1, "{l}");
    // The station is told at once and sees it.
    assert!(
        inbox_titles(&station)
            .await
            .iter()
            .any(|t| t.starts_with("收到民营企业诉求")),
        "the station's inbox"
    );
    let (s, _) = station.get(&format!("/api/v1/enterprise-requests/{id}")).await;
    assert_eq!(s, 200);

    // The response deadline is configurable by an administrator (1–60 days) for later requests.
    let (s, v) = station
        .put("/api/v1/enterprise-requests/settings", json!({"response_days": 3}))
        .await;
    assert_eq!(s, 403, "{v}");
    let (s, v) = admin
        .put("/api/v1/enterprise-requests/settings", json!({"response_days": 0}))
        .await;
    assert_eq!(s, 400, "{v}");
    assert!(error_message(&v).contains("1–60"), "{v}");
    let (s, v) = admin
        .put("/api/v1/enterprise-requests/settings", json!({"response_days": 3}))
        .await;
    assert_eq!(s, 200, "{v}");
    let (s, short) = manager
        .post(&path, json!({"kind": "other", "text": "三天期限的诉求"}))
        .await;
    assert_eq!(s, 201, "{short}");
    let d: DateTime<Utc> = short["deadline"].as_str().unwrap().parse().unwrap();
    assert!(d < t0 + Duration::days(4), "{short}");
    let (s, v) = station
        .post(
            &format!("/api/v1/enterprise-requests/{}/close", short["id"].as_str().unwrap()),
            json!({"note": "已答复"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (s, _) = admin
        .put("/api/v1/enterprise-requests/settings", json!({"response_days": 7}))
        .await;
    assert_eq!(s, 200);

    // A second request stays unanswered and goes overdue at its deadline.
    let (s, late) = manager
        .post(
            &path,
            json!({"kind": "business_environment", "text": "周边道路长期占道经营，影响企业出入。"}),
        )
        .await;
    assert_eq!(s, 201, "{late}");
    let late_id = late["id"].as_str().unwrap().to_string();

    // Assign, reply both ways, close, rate.
    let (_, so) = station.get("/api/v1/me").await;
    let handler = so["id"].as_str().unwrap();
    let (s, v) = station
        .post(
            &format!("/api/v1/enterprise-requests/{id}/assign"),
            json!({"handler_id": m["id"]}),
        )
        .await;
    assert_eq!(s, 400, "a unit account is no handler: {v}");
    let (s, v) = station
        .post(
            &format!("/api/v1/enterprise-requests/{id}/assign"),
            json!({"handler_id": handler}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert!(v["handler_name"].as_str().unwrap().contains("演示"), "{v}");
    let (s, v) = station
        .post(
            &format!("/api/v1/enterprise-requests/{id}/replies"),
            json!({"text": "已受理，承办民警将联系贵公司。"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert!(v["seconds_to_first_reply"].as_i64().unwrap() >= 0, "{v}");
    let (s, v) = manager
        .post(
            &format!("/api/v1/enterprise-requests/{id}/replies"),
            json!({"text": "合同复印件已备好。"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let sides: Vec<&str> = v["replies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["side"].as_str().unwrap())
        .collect();
    assert_eq!(sides, vec!["police", "unit"]);
    // Rating before closure: refused.
    let (s, v) = manager
        .post(
            &format!("/api/v1/enterprise-requests/{id}/rating"),
            json!({"rating": "satisfied"}),
        )
        .await;
    assert_eq!(s, 409, "{v}");
    // The unit cannot close.
    let (s, _) = manager
        .post(&format!("/api/v1/enterprise-requests/{id}/close"), json!({"note": "x"}))
        .await;
    assert_eq!(s, 403);
    let (s, v) = station
        .post(&format!("/api/v1/enterprise-requests/{id}/close"), json!({"note": ""}))
        .await;
    assert_eq!(s, 400, "{v}");
    assert!(error_message(&v).contains("办结情况"), "{v}");
    let (s, v) = station
        .post(
            &format!("/api/v1/enterprise-requests/{id}/close"),
            json!({"note": "已立案侦查，告知企业。"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["state"], "closed");
    let (s, v) = station
        .post(
            &format!("/api/v1/enterprise-requests/{id}/replies"),
            json!({"text": "再补一句"}),
        )
        .await;
    assert_eq!(s, 409, "{v}");
    let (s, v) = manager
        .post(
            &format!("/api/v1/enterprise-requests/{id}/rating"),
            json!({"rating": "great"}),
        )
        .await;
    assert_eq!(s, 400, "{v}");
    assert!(error_message(&v).contains("满意"), "{v}");
    let (s, v) = manager
        .post(
            &format!("/api/v1/enterprise-requests/{id}/rating"),
            json!({"rating": "satisfied"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["rating"], "satisfied");
    let (s, _) = manager
        .post(
            &format!("/api/v1/enterprise-requests/{id}/rating"),
            json!({"rating": "fair"}),
        )
        .await;
    assert_eq!(s, 409, "rated once");
    assert!(
        inbox_titles(&manager)
            .await
            .iter()
            .any(|t| t.starts_with("民营企业诉求已办结")),
        "the unit is asked for its rating"
    );

    // The deadline passes: before it nothing, after it the open one is overdue, the closed not.
    tick_all(&app, t0 + Duration::days(6)).await;
    let (_, v) = station.get("/api/v1/enterprise-requests?overdue=true").await;
    assert_eq!(v["total"], 0, "{v}");
    tick_all(&app, t0 + Duration::days(7) + Duration::minutes(5)).await;
    let (_, v) = station.get("/api/v1/enterprise-requests?overdue=true").await;
    assert_eq!(v["total"], 1, "{v}");
    assert_eq!(v["items"][0]["id"], late_id.as_str());
    let (_, d) = station.get(&format!("/api/v1/enterprise-requests/{id}")).await;
    assert_eq!(d["overdue"], false);
    let (_, c) = station.get("/api/v1/enterprise-requests/counts").await;
    assert_eq!(c["open"], 1, "{c}");
    assert_eq!(c["overdue_open"], 1, "{c}");
    assert_eq!(c["closed"], 2, "{c}");
    assert_eq!(c["satisfied"], 1, "{c}");
    assert!(c["mean_seconds_to_first_reply"].is_i64(), "{c}");
    assert!(
        inbox_titles(&station)
            .await
            .iter()
            .any(|t| t.starts_with("民营企业诉求已超期")),
        "the station is told"
    );
    // The police list page shows it with the overdue filter.
    let br = app.browser("demo_station", DEMO_PASSWORD).await;
    let html = br
        .get(app.url("/enterprise-requests?overdue=true"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("已超期") && html.contains(&late_id), "{html}");

    // Isolation: another unit's manager and another county's police do not find it.
    let other = create_unit(&admin, "诉求测试外单位", "330206", "91330206MA2ER0001").await;
    let (s, acc) = admin
        .post(
            "/api/v1/users",
            json!({"username": "er_other_mgr", "display_name": "外单位负责人", "role": "unit_manager", "unit_id": other}),
        )
        .await;
    assert_eq!(s, 201, "{acc}");
    let stranger = app.client_for("er_other_mgr").await;
    for c in [&stranger, &app.client_for("demo_county_other").await] {
        let (s, _) = c.get(&format!("/api/v1/enterprise-requests/{late_id}")).await;
        assert_eq!(s, 404);
        let (s, _) = c
            .post(
                &format!("/api/v1/enterprise-requests/{late_id}/replies"),
                json!({"text": "x"}),
            )
            .await;
        assert_eq!(s, 404);
        let (_, l) = c.get("/api/v1/enterprise-requests").await;
        assert_eq!(l["total"], 0, "{l}");
    }
    let (s, _) = stranger.post(&path, json!({"kind": "other", "text": "x"})).await;
    assert_eq!(s, 404);
}

fn field_of(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let i = html.find(&marker).unwrap_or_else(|| panic!("no field {name}")) + marker.len();
    html[i..].split('"').next().unwrap().to_string()
}

/// The page form: a refused request keeps what was typed and says why in Chinese; the same form
/// sent twice (its one-time `_once`) makes one request; the police answer on the detail page.
#[tokio::test]
async fn the_page_form_keeps_a_refused_request_and_a_double_submit_makes_one() {
    let app = TestApp::demo().await;
    let manager = app.client_for("demo_unit").await;
    let (_, m) = manager.get("/api/v1/me").await;
    let unit = m["unit_id"].as_str().unwrap().to_string();
    app.exec_sql(&format!(
        "UPDATE units SET is_private_enterprise = TRUE WHERE id = '{unit}'"
    ))
    .await;
    let br = app.browser("demo_unit", DEMO_PASSWORD).await;
    let page = br
        .get(app.url("/enterprise-requests"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("提交诉求"), "{page}");
    let csrf = field_of(&page, "csrf_token");
    let r = br
        .post(app.url("/enterprise-requests"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("_once", field_of(&page, "_once").as_str()),
            ("kind", ""),
            ("text", "园区门口有人长期滋扰"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("请选择诉求类型") && html.contains("园区门口有人长期滋扰"),
        "{html}"
    );
    let once = field_of(&html, "_once");
    for _ in 0..2 {
        let r = br
            .post(app.url("/enterprise-requests"))
            .form(&[
                ("csrf_token", csrf.as_str()),
                ("_once", once.as_str()),
                ("kind", "business_environment"),
                ("text", "园区门口有人长期滋扰"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.url().path().starts_with("/enterprise-requests/"), "{}", r.url());
    }
    let (_, l) = manager.get("/api/v1/enterprise-requests").await;
    assert_eq!(l["total"], 1, "one request: {l}");
    let id = l["items"][0]["id"].as_str().unwrap().to_string();

    // The station answers on the page.
    let police = app.browser("demo_station", DEMO_PASSWORD).await;
    let page = police
        .get(app.url(&format!("/enterprise-requests/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("答复企业") && page.contains("办结"), "{page}");
    let csrf = field_of(&page, "csrf_token");
    let r = police
        .post(app.url(&format!("/enterprise-requests/{id}/reply")))
        .form(&[("csrf_token", csrf.as_str()), ("text", "已安排民警到场查看。")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("已安排民警到场查看。") && html.contains("首次答复用时"),
        "{html}"
    );
}

/// Sends `bytes` as the multipart field `file` (see `Client::upload_file`).
async fn upload(c: &Client, path: &str, name: &str, bytes: &[u8], key: Option<&str>) -> (u16, Value) {
    c.upload_file(path, name, "application/octet-stream", bytes, key).await
}

/// The enterprise attaches files to its request when filing or replying (a double submit stores
/// one); the station handling it and the unit see and download them; another unit's manager and
/// another county's police do not; a closed request takes no more files; refusals in Chinese.
#[tokio::test]
async fn the_enterprise_attaches_files_the_police_and_the_unit_see_them() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let manager = app.client_for("demo_unit").await;
    let station = app.client_for("demo_station").await;
    let (_, m) = manager.get("/api/v1/me").await;
    let unit = m["unit_id"].as_str().unwrap().to_string();
    app.exec_sql(&format!(
        "UPDATE units SET is_private_enterprise = TRUE WHERE id = '{unit}'"
    ))
    .await;
    let (s, r) = manager
        .post(
            &format!("/api/v1/units/{unit}/enterprise-requests"),
            json!({"kind": "protection", "text": "厂区周边有人多次滋扰，附现场照片和报警回执。"}),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    let id = r["id"].as_str().unwrap().to_string();
    let files = format!("/api/v1/enterprise-requests/{id}/attachments");
    let pdf = b"%PDF-1.4 enterprise request receipt";

    // Refusals: not a PDF or image; the police do not attach; another unit's manager does not
    // find it.
    let (s, v) = upload(&manager, &files, "a.docx", b"PK\x03\x04", None).await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    assert!(error_message(&v).contains("PDF"), "{v}");
    let (s, _) = upload(&station, &files, "a.pdf", pdf, None).await;
    assert_eq!(s, 403);
    let other_unit = create_unit(&admin, "诉求附件外单位", "330106", "91330106MA2ER0031").await;
    let (s, v) = admin
        .post(
            "/api/v1/users",
            json!({"username": "er_file_other", "display_name": "外单位负责人", "role": "unit_manager", "unit_id": other_unit}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let outsider = app.client_for("er_file_other").await;
    let (s, _) = upload(&outsider, &files, "a.pdf", pdf, None).await;
    assert_eq!(s, 404);

    // Filing: the receipt, twice with one key (one file); replying: a photo.
    for _ in 0..2 {
        let (s, v) = upload(&manager, &files, "报警回执.pdf", pdf, Some("er-file-1")).await;
        assert_eq!(s, 201, "{v}");
        assert_eq!(v["owner_kind"], "enterprise_request");
    }
    let (s, _) = manager
        .post(
            &format!("/api/v1/enterprise-requests/{id}/replies"),
            json!({"text": "补充现场照片。"}),
        )
        .await;
    assert_eq!(s, 200);
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
    let (s, v) = upload(&manager, &files, "现场.png", png, None).await;
    assert_eq!(s, 201, "{v}");

    // The station and the unit see both and download them.
    for c in [&station, &manager] {
        let (s, d) = c.get(&format!("/api/v1/enterprise-requests/{id}")).await;
        assert_eq!(s, 200, "{d}");
        let names: Vec<&str> = d["attachments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, vec!["报警回执.pdf", "现场.png"], "{d}");
        let first = d["attachments"][0]["id"].as_str().unwrap();
        let r = c
            .http
            .get(app.url(&format!("/api/v1/attachments/{first}")))
            .bearer_auth(&c.token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        assert_eq!(r.bytes().await.unwrap().to_vec(), pdf.to_vec());
    }
    let (_, d) = manager.get(&format!("/api/v1/enterprise-requests/{id}")).await;
    let first = d["attachments"][0]["id"].as_str().unwrap();
    let (s, _) = outsider.get(&format!("/api/v1/attachments/{first}")).await;
    assert_eq!(s, 404);

    // The request page lists them; once closed, no more files.
    let br = app.browser("demo_station", DEMO_PASSWORD).await;
    let html = br
        .get(app.url(&format!("/enterprise-requests/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("报警回执.pdf") && html.contains("现场.png"));
    let (s, _) = station
        .post(
            &format!("/api/v1/enterprise-requests/{id}/close"),
            json!({"note": "已加强巡逻。"}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, v) = upload(&manager, &files, "晚了.pdf", pdf, None).await;
    assert_eq!((s, error_code(&v)), (409, "invalid_transition"), "{v}");
    assert!(error_message(&v).contains("已办结"), "{v}");
}
