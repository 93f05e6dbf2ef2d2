//! Bulletins (警企通报, docs/BULLETINS.md; the Opinions Part 3) over HTTP: a bulletin to the key
//! units of Xihu district reaches exactly them; read and acknowledgement receipts and rates; at
//! the deadline (controlled clock) the units that have not acknowledged are reminded once and
//! listed overdue; a unit sees only the bulletins addressed to it; a double submit makes one
//! bulletin; a unit reports a risk to its station; a unit's own robot channel gets it once.

use std::sync::Arc;

use chrono::{Duration, Utc};
use serde_json::{json, Value};

use crate::common::*;

const XIHU: &str = "330106";

fn count_titles(inbox: &Value, needle: &str) -> usize {
    inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["title"].as_str().unwrap_or("").contains(needle))
        .count()
}

fn unit_ids(v: &Value, key: &str) -> Vec<String> {
    let mut ids: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u[key].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

fn bulletin_body(title: &str, hours: i64, reply: bool) -> Value {
    json!({
        "kind": "risk_warning",
        "severity": "important",
        "title": title,
        "body": "近期辖区发生多起冒充快递员入室盗窃案件，请加强出入口登记查验。",
        "division_prefix": XIHU,
        "unit_set": {"key_units_only": true},
        "ack_deadline": (Utc::now() + Duration::hours(hours)).to_rfc3339(),
        "reply_requested": reply,
    })
}

async fn manager(app: &TestApp, admin: &Client, name: &str, unit: &str) -> Client {
    let (s, v) = admin
        .post(
            "/api/v1/users",
            json!({"username": name, "display_name": "通报测试负责人", "role": "unit_manager", "unit_id": unit}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    app.client_for(name).await
}

async fn demo_unit_id(app: &TestApp) -> String {
    let (_, me) = app.client_for("demo_unit").await.get("/api/v1/me").await;
    me["unit_id"].as_str().unwrap().to_string()
}

/// The active key units of Xihu (the demo unit made one).
async fn xihu_key_units(app: &TestApp, admin: &Client) -> Vec<String> {
    let demo = demo_unit_id(app).await;
    app.exec_sql(&format!("UPDATE units SET is_key_unit = (1=1) WHERE id = '{demo}'"))
        .await;
    let (s, v) = admin
        .get(&format!(
            "/api/v1/units?division={XIHU}&key_unit=true&state=active&per_page=200"
        ))
        .await;
    assert_eq!(s, 200, "{v}");
    unit_ids(&v["items"], "id")
}

#[tokio::test]
async fn a_bulletin_to_the_key_units_of_xihu_reaches_exactly_them_with_receipts_and_reminders() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let county = app.client_for("demo_county").await;
    // A Xihu unit that is not a key unit, and a key unit of another district.
    let plain = create_unit(&admin, "通报测试普通单位", XIHU, "91330106MA2BL0001").await;
    let other = create_unit(&admin, "通报测试外区单位", "330102", "91330102MA2BL0002").await;
    app.exec_sql(&format!(
        "UPDATE units SET is_key_unit = (1=0) WHERE id = '{plain}'; UPDATE units SET is_key_unit = (1=1) WHERE id = '{other}'"
    ))
    .await;
    let expected = xihu_key_units(&app, &admin).await;
    assert!(!expected.is_empty());
    assert!(!expected.contains(&plain) && !expected.contains(&other));
    let demo = demo_unit_id(&app).await;
    let unit = app.client_for("demo_unit").await;
    let plain_manager = manager(&app, &admin, "bl_plain", &plain).await;
    // A manager of another key unit (inbox rows go to the accounts at the time of sending).
    let late = expected.iter().find(|u| **u != demo).cloned();
    let late_manager = match &late {
        Some(l) => Some(manager(&app, &admin, "bl_late", l).await),
        None => None,
    };

    let (s, b) = county
        .post(
            "/api/v1/bulletins",
            bulletin_body("关于防范冒充快递员入室盗窃的风险提示", 24, true),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    let id = b["id"].as_str().unwrap().to_string();
    assert_eq!(unit_ids(&b["recipients"], "unit_id"), expected);
    assert_eq!(b["recipient_count"], expected.len() as i64);
    assert_eq!(b["stats"]["recipients"], expected.len() as i64);
    assert_eq!(b["stats"]["read"], 0);

    // The demo unit has it in its inbox; the plain unit has none and reads it as 404.
    let (_, inbox) = unit.get("/api/v1/inbox").await;
    assert_eq!(
        count_titles(&inbox, "关于防范冒充快递员入室盗窃的风险提示"),
        1,
        "{inbox}"
    );
    let (_, inbox) = plain_manager.get("/api/v1/inbox").await;
    assert_eq!(count_titles(&inbox, "关于防范冒充快递员入室盗窃的风险提示"), 0);
    let (s, _) = plain_manager.get(&format!("/api/v1/bulletins/{id}")).await;
    assert_eq!(s, 404);
    let (_, list) = plain_manager.get("/api/v1/bulletins").await;
    assert_eq!(list["total"], 0, "{list}");
    let (_, list) = unit.get("/api/v1/bulletins").await;
    assert_eq!(list["total"], 1, "{list}");
    assert!(list["items"][0]["my_read_at"].is_null(), "{list}");

    // The unit opens it: read receipt; it sees only its own row.
    let (s, mine) = unit.get(&format!("/api/v1/bulletins/{id}")).await;
    assert_eq!(s, 200, "{mine}");
    assert_eq!(unit_ids(&mine["recipients"], "unit_id"), vec![demo.clone()]);
    assert!(mine["recipients"][0]["read_at"].is_string(), "{mine}");
    let (_, list) = unit.get("/api/v1/bulletins").await;
    assert!(list["items"][0]["my_read_at"].is_string(), "{list}");
    assert!(list["items"][0]["my_acknowledged_at"].is_null(), "{list}");
    // A reply is asked: acknowledging without one is refused in Chinese; with one it is recorded.
    let (s, v) = unit
        .post(&format!("/api/v1/bulletins/{id}/acknowledge"), json!({}))
        .await;
    assert_eq!(s, 400, "{v}");
    assert!(error_message(&v).contains("回复"), "{v}");
    let (s, v) = unit
        .post(
            &format!("/api/v1/bulletins/{id}/acknowledge"),
            json!({"reply": "已组织门卫学习，加强登记。"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["reply"], "已组织门卫学习，加强登记。");
    // Again: nothing changes.
    let (s, again) = unit
        .post(
            &format!("/api/v1/bulletins/{id}/acknowledge"),
            json!({"reply": "第二次"}),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(again["reply"], "已组织门卫学习，加强登记。");
    // A guard may read but not acknowledge; the plain unit may not acknowledge (404).
    let (s, _) = app
        .client_for("demo_guard")
        .await
        .post(&format!("/api/v1/bulletins/{id}/acknowledge"), json!({"reply": "x"}))
        .await;
    assert_eq!(s, 403);
    let (s, _) = plain_manager
        .post(&format!("/api/v1/bulletins/{id}/acknowledge"), json!({"reply": "x"}))
        .await;
    assert_eq!(s, 404);

    // The police see the rates.
    let (_, d) = county.get(&format!("/api/v1/bulletins/{id}")).await;
    let n = expected.len() as i64;
    assert_eq!(d["stats"]["recipients"], n);
    assert_eq!(d["stats"]["read"], 1);
    assert_eq!(d["stats"]["acknowledged"], 1);
    assert_eq!(d["stats"]["ack_rate"], 100 / n);
    assert_eq!(d["stats"]["not_acknowledged"].as_array().unwrap().len() as i64, n - 1);
    assert_eq!(d["stats"]["overdue"].as_array().unwrap().len(), 0);

    // The deadline passes (scheduler, controlled clock): each unit that has not acknowledged is
    // reminded once and listed overdue; the demo unit is not.
    let at = Utc::now() + Duration::hours(25);
    for _ in 0..2 {
        for _ in 0..50 {
            let ran = app.scheduler("n").tick(at).await.unwrap();
            assert!(ran.iter().all(|r| r.ok));
            if ran.is_empty() {
                break;
            }
        }
    }
    let (_, d) = county.get(&format!("/api/v1/bulletins/{id}")).await;
    assert_eq!(d["stats"]["overdue"].as_array().unwrap().len() as i64, n - 1, "{d}");
    let reminded: Vec<&Value> = d["recipients"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["reminded_at"].is_string())
        .collect();
    assert_eq!(reminded.len() as i64, n - 1);
    assert!(reminded.iter().all(|r| r["unit_id"] != demo.as_str()));
    let (_, list) = unit.get("/api/v1/bulletins").await;
    assert!(list["items"][0]["my_acknowledged_at"].is_string(), "{list}");
    let (_, inbox) = unit.get("/api/v1/inbox").await;
    assert_eq!(count_titles(&inbox, "警企通报已到签收期限"), 0);
    if let Some(m) = &late_manager {
        let (_, inbox) = m.get("/api/v1/inbox").await;
        assert_eq!(count_titles(&inbox, "警企通报已到签收期限"), 1, "{inbox}");
    }

    // Audited.
    let (_, audit) = admin.get("/api/v1/audit?action=bulletin.remind").await;
    assert!(audit.to_string().contains("bulletin.remind"), "{audit}");
}

#[tokio::test]
async fn a_double_submit_makes_one_bulletin_and_refusals_are_in_chinese() {
    let app = TestApp::demo().await;
    let county = app.client_for("demo_county").await;
    let key = "bulletin-double-submit-1";
    let mut statuses = Vec::new();
    let body = bulletin_body("双击测试通报", 24, false);
    for _ in 0..2 {
        let r = county
            .http
            .post(app.url("/api/v1/bulletins"))
            .bearer_auth(&county.token)
            .header("Idempotency-Key", key)
            .json(&body)
            .send()
            .await
            .unwrap();
        statuses.push(r.status().as_u16());
    }
    assert_eq!(statuses, vec![201, 201]);
    let (_, list) = county.get("/api/v1/bulletins").await;
    assert_eq!(list["total"], 1, "{list}");

    // Refusals.
    let mut bad = bulletin_body("", 24, false);
    let (s, v) = county.post("/api/v1/bulletins", bad.clone()).await;
    assert_eq!(s, 400);
    assert!(error_message(&v).contains("标题"), "{v}");
    bad["title"] = json!("过期");
    bad["ack_deadline"] = json!((Utc::now() - Duration::hours(1)).to_rfc3339());
    let (s, v) = county.post("/api/v1/bulletins", bad.clone()).await;
    assert_eq!(s, 400);
    assert!(error_message(&v).contains("签收期限"), "{v}");
    let mut other = bulletin_body("越权", 24, false);
    other["division_prefix"] = json!("330102");
    let (s, _) = county.post("/api/v1/bulletins", other).await;
    assert_eq!(s, 404);
    // A unit may not issue one.
    let (s, _) = app
        .client_for("demo_unit")
        .await
        .post("/api/v1/bulletins", bulletin_body("单位下发", 24, false))
        .await;
    assert_eq!(s, 403);
}

#[tokio::test]
async fn a_unit_reports_a_risk_to_its_station() {
    let app = TestApp::demo().await;
    let unit = app.client_for("demo_unit").await;
    let station = app.client_for("demo_station").await;
    let (s, b) = unit
        .post(
            "/api/v1/bulletins/reports",
            json!({"kind": "risk_warning", "severity": "urgent", "title": "单位周边发现可疑人员徘徊", "body": "连续三天夜间有人在仓库围墙外徘徊拍照。"}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(b["direction"], "up");
    let id = b["id"].as_str().unwrap();
    let (_, list) = station.get("/api/v1/bulletins?direction=up").await;
    assert_eq!(list["total"], 1, "{list}");
    let (_, inbox) = station.get("/api/v1/inbox").await;
    assert_eq!(count_titles(&inbox, "单位周边发现可疑人员徘徊"), 1, "{inbox}");
    let (s, _) = station.get(&format!("/api/v1/bulletins/{id}")).await;
    assert_eq!(s, 200);
    // Another county's police do not see it.
    let (s, _) = app
        .client_for("demo_county_other")
        .await
        .get(&format!("/api/v1/bulletins/{id}"))
        .await;
    assert_eq!(s, 404);
    // A guard may not report.
    let (s, _) = app
        .client_for("demo_guard")
        .await
        .post(
            "/api/v1/bulletins/reports",
            json!({"kind": "risk_warning", "title": "x", "body": "y"}),
        )
        .await;
    assert_eq!(s, 403);
}

#[tokio::test]
async fn a_bulletin_reaches_the_units_robot_channel_once() {
    let app = TestApp::spawn_configured(|c| c.engine.public_url = Some("https://neibao.example".into()), true).await;
    let admin = app.admin().await;
    xihu_key_units(&app, &admin).await;
    let county = app.client_for("demo_county").await;
    let manager = app.client_for("demo_unit").await;
    let secret = "0123456789abcdef-bulletin-robot";
    let (url, _, _, bodies) = flaky_receiver(0, secret).await;
    let (s, ch) = manager
        .post(
            "/api/v1/notification_channels",
            json!({"name": "本单位保卫群", "config": {"kind": "webhook", "url": url, "secret": secret}, "min_severity": "low"}),
        )
        .await;
    assert_eq!(s, 201, "{ch}");
    let (s, b) = county
        .post("/api/v1/bulletins", bulletin_body("机器人送达测试通报", 24, false))
        .await;
    assert_eq!(s, 201, "{b}");
    let id = b["id"].as_str().unwrap();
    let link = format!("https://neibao.example/bulletins/{id}");
    let outbox = neibao_engine::notifications::outbox::Outbox::new(app.store.clone(), "n1");
    let now = Utc::now() + Duration::seconds(1);
    outbox.tick(now).await.unwrap();
    outbox.tick(now + Duration::seconds(1)).await.unwrap();
    let got = |b: &Arc<std::sync::Mutex<Vec<Value>>>| -> usize {
        b.lock().unwrap().iter().filter(|v| v["link"] == link.as_str()).count()
    };
    assert_eq!(got(&bodies), 1, "{:?}", bodies.lock().unwrap());
}

/// The bulletin `objects` made for the unit (tests/it/authz.rs, authz_ui.rs).
pub(crate) fn matrix_bulletin(o: &crate::authz::Objects) -> String {
    format!("matrix-bl-{}", o.unit["id"].as_str().unwrap())
}

/// The file `matrix_objects` attached to the unit's matrix bulletin.
pub(crate) fn matrix_bulletin_file(o: &crate::authz::Objects) -> String {
    format!("matrix-blf-{}", o.unit["id"].as_str().unwrap())
}

/// A bulletin addressed only to `unit` with one file (belonging to no unit, as the police's
/// files do), made in the database for the authorization matrices.
pub(crate) async fn matrix_objects(app: &TestApp, unit: &str) {
    let deadline = (Utc::now() + Duration::days(60)).timestamp_millis();
    app.exec_sql(&format!(
        "INSERT INTO bulletins (id, direction, kind, severity, title, body, division_prefix, unit_set, ack_deadline, \
         reply_requested, from_unit_id, from_unit_name, org_id, org_name, created_by, created_by_name, created_at, recipients) \
         VALUES ('matrix-bl-{unit}', 'down', 'risk_warning', 'normal', '矩阵通报', '授权矩阵', '33', '{{}}', {deadline}, \
         (1=0), NULL, NULL, NULL, NULL, '', '矩阵', 0, 1) ON CONFLICT (id) DO NOTHING;
         INSERT INTO bulletin_recipients (bulletin_id, unit_id, unit_name, division_code) \
         VALUES ('matrix-bl-{unit}', '{unit}', '矩阵单位', '33') ON CONFLICT (bulletin_id, unit_id) DO NOTHING;"
    ))
    .await;
    let file = neibao_domain::attachments::NewAttachment {
        unit_id: String::new(),
        owner_kind: neibao_domain::attachments::AttachmentOwner::Bulletin,
        owner_id: format!("matrix-bl-{unit}"),
        name: "矩阵附件.pdf".into(),
        content_type: "application/pdf".into(),
        data: b"%PDF-1.4 matrix".to_vec(),
        uploaded_by: "矩阵".into(),
    };
    let audit = neibao_domain::access::Principal::system("test").audit("attachment.upload", "attachment", "", None);
    let a = app.store.add_owned_attachment(&file, &audit, Utc::now()).await.unwrap();
    app.exec_sql(&format!(
        "DELETE FROM attachments WHERE id = 'matrix-blf-{unit}'; UPDATE attachments SET id = 'matrix-blf-{unit}' WHERE id = '{}'",
        a.id
    ))
    .await;
}

// The browser test of a unit manager reading and acknowledging a bulletin on a phone is
// `reports::a_unit_manager_reads_and_acknowledges_a_bulletin_then_files_an_incident_report_on_a_phone`
// (with the incident report the issue asks for in the same walk).

/// Sends `bytes` as the multipart field `file` (see `Client::upload_file`).
async fn upload(c: &Client, path: &str, name: &str, bytes: &[u8], key: Option<&str>) -> (u16, Value) {
    c.upload_file(path, name, "application/octet-stream", bytes, key).await
}

/// GETs `path` as bytes: status, content type, body.
async fn download(c: &Client, path: &str) -> (u16, String, Vec<u8>) {
    let r = c
        .http
        .get(format!("{}{path}", c.base))
        .bearer_auth(&c.token)
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    let ct = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (s, ct, r.bytes().await.unwrap().to_vec())
}

const PDF: &[u8] = b"%PDF-1.4 bulletin attachment: secret-bulletin-file-contents";

/// A downward bulletin reaches many units, so its files belong to none: the issuer attaches them
/// (a double submit stores one), every recipient unit and the police who see the bulletin
/// download them, a unit it was not sent to and another county's police get 404, and the
/// unit-scoped attachments route does not serve them. Refusals in Chinese.
#[tokio::test]
async fn a_bulletins_files_reach_every_recipient_and_nobody_else() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let county = app.client_for("demo_county").await;
    let plain = create_unit(&admin, "附件测试普通单位", XIHU, "91330106MA2BL0011").await;
    app.exec_sql(&format!("UPDATE units SET is_key_unit = (1=0) WHERE id = '{plain}'"))
        .await;
    xihu_key_units(&app, &admin).await;
    let unit = app.client_for("demo_unit").await;
    let plain_manager = manager(&app, &admin, "bl_file_plain", &plain).await;
    let (s, b) = county
        .post("/api/v1/bulletins", bulletin_body("附件测试通报", 24, false))
        .await;
    assert_eq!(s, 201, "{b}");
    let id = b["id"].as_str().unwrap().to_string();
    assert_eq!(b["attachments"], json!([]));
    let files = format!("/api/v1/bulletins/{id}/attachments");

    // Refusals: not a PDF or image; a recipient unit is not the issuer; another county's police
    // and a unit it was not sent to do not find it.
    let (s, v) = upload(&county, &files, "a.txt", b"plain text", None).await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    assert!(error_message(&v).contains("PDF"), "{v}");
    let (s, v) = upload(&unit, &files, "a.pdf", PDF, None).await;
    assert_eq!((s, error_code(&v)), (403, "forbidden"), "{v}");
    assert!(error_message(&v).contains("发出人"), "{v}");
    let other = app.client_for("demo_county_other").await;
    let (s, _) = upload(&other, &files, "a.pdf", PDF, None).await;
    assert_eq!(s, 404);
    let (s, _) = upload(&plain_manager, &files, "a.pdf", PDF, None).await;
    assert_eq!(s, 404);

    // The issuer attaches a PDF twice with one key: one file.
    for _ in 0..2 {
        let (s, v) = upload(&county, &files, "防范指引.pdf", PDF, Some("bulletin-file-1")).await;
        assert_eq!(s, 201, "{v}");
        assert_eq!(v["owner_kind"], "bulletin");
        assert_eq!(v["unit_id"], "", "{v}");
    }
    let (_, d) = county.get(&format!("/api/v1/bulletins/{id}")).await;
    assert_eq!(d["attachments"].as_array().unwrap().len(), 1, "{d}");
    let file = d["attachments"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(d["attachments"][0]["name"], "防范指引.pdf");
    assert!(!app.stored_bytes().contains("secret-bulletin-file-contents"));

    // A recipient unit and the station of its jurisdiction see and download it.
    let path = format!("/api/v1/bulletins/{id}/attachments/{file}");
    let (_, mine) = unit.get(&format!("/api/v1/bulletins/{id}")).await;
    assert_eq!(mine["attachments"][0]["id"], file.as_str(), "{mine}");
    for c in [&unit, &county, &app.client_for("demo_station").await] {
        let (s, ct, bytes) = download(c, &path).await;
        assert_eq!((s, ct.as_str()), (200, "application/pdf"));
        assert_eq!(bytes, PDF);
    }
    // Nobody else: a unit not addressed, another county's police; the kernel's unit-scoped route
    // never serves a file that belongs to no unit; another bulletin's path does not reach it.
    assert_eq!(download(&plain_manager, &path).await.0, 404);
    assert_eq!(download(&other, &path).await.0, 404);
    assert_eq!(download(&unit, &format!("/api/v1/attachments/{file}")).await.0, 404);
    let (_, second) = county
        .post("/api/v1/bulletins", bulletin_body("另一条通报", 24, false))
        .await;
    let second = second["id"].as_str().unwrap();
    assert_eq!(
        download(&unit, &format!("/api/v1/bulletins/{second}/attachments/{file}"))
            .await
            .0,
        404
    );

    // A unit's report upward: the unit attaches, the station sees it.
    let (s, r) = unit
        .post(
            "/api/v1/bulletins/reports",
            json!({"kind": "risk_warning", "title": "附件上报", "body": "见附图。"}),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    let rid = r["id"].as_str().unwrap();
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
    let (s, v) = upload(
        &unit,
        &format!("/api/v1/bulletins/{rid}/attachments"),
        "现场.png",
        png,
        None,
    )
    .await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["content_type"], "image/png");
    let (s, v) = upload(
        &county,
        &format!("/api/v1/bulletins/{rid}/attachments"),
        "a.pdf",
        PDF,
        None,
    )
    .await;
    assert_eq!(s, 403, "{v}");
    let (_, d) = app
        .client_for("demo_station")
        .await
        .get(&format!("/api/v1/bulletins/{rid}"))
        .await;
    assert_eq!(d["attachments"].as_array().unwrap().len(), 1, "{d}");
}

/// A bulletin to a park (园区: the units of a liaison point) reaches exactly the park's units;
/// a park outside the sender's jurisdiction is not found; the issue page offers the park.
#[tokio::test]
async fn a_bulletin_to_a_park_reaches_exactly_its_units() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let county = app.client_for("demo_county").await;
    let a = create_unit(&admin, "园区测试甲公司", XIHU, "91330106MA2BL0021").await;
    let b = create_unit(&admin, "园区测试乙公司", XIHU, "91330106MA2BL0022").await;
    let outside_park = create_unit(&admin, "园区外测试公司", XIHU, "91330106MA2BL0023").await;
    let (s, p) = county
        .post(
            "/api/v1/liaison/points",
            json!({"team_name": "科技园联络组", "park_name": "西湖科技园", "contact_hours": "工作日",
                   "phone": "13812345678", "unit_ids": [a, b]}),
        )
        .await;
    assert_eq!(s, 201, "{p}");
    let point = p["id"].as_str().unwrap().to_string();
    let mut body = bulletin_body("园区通报", 24, false);
    body["unit_set"] = json!({"liaison_point_id": point});
    let (s, v) = county.post("/api/v1/bulletins", body.clone()).await;
    assert_eq!(s, 201, "{v}");
    let mut expected = vec![a.clone(), b.clone()];
    expected.sort();
    assert_eq!(unit_ids(&v["recipients"], "unit_id"), expected);
    assert!(!unit_ids(&v["recipients"], "unit_id").contains(&outside_park));
    assert_eq!(v["unit_set"]["park_name"], "西湖科技园", "{v}");
    // Together with the other conditions (key units of the park: none).
    let mut key = body.clone();
    key["unit_set"]["key_units_only"] = json!(true);
    app.exec_sql(&format!(
        "UPDATE units SET is_key_unit = (1=0) WHERE id IN ('{a}', '{b}')"
    ))
    .await;
    let (s, v) = county.post("/api/v1/bulletins", key).await;
    assert_eq!(s, 400, "{v}");
    assert!(error_message(&v).contains("没有在用的单位"), "{v}");
    // An unknown park, and a park outside another county's jurisdiction: not found.
    let mut unknown = body.clone();
    unknown["unit_set"]["liaison_point_id"] = json!("no-such-point");
    let (s, v) = county.post("/api/v1/bulletins", unknown).await;
    assert_eq!(s, 404, "{v}");
    assert!(error_message(&v).contains("园区"), "{v}");
    let other_county = app.client_for("demo_county_other").await;
    let (_, theirs) = other_county.get("/api/v1/units?per_page=1").await;
    let mut other = body.clone();
    other["division_prefix"] = json!(theirs["items"][0]["division_code"].as_str().unwrap()[..6].to_string());
    let (s, v) = other_county.post("/api/v1/bulletins", other).await;
    assert_eq!(s, 404, "{v}");
    assert!(error_message(&v).contains("园区"), "{v}");
    // The issue form offers the park.
    let br = app.browser("demo_county", DEMO_PASSWORD).await;
    let html = br
        .get(app.url("/bulletins"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(&format!("value=\"{point}\"")), "the park is offered");
    assert!(html.contains("西湖科技园"));
}

/// A bulletin to a sector (行业): exactly the units of the jurisdiction under that competent
/// department; the department's name is kept in the set; a police organisation or an unknown id
/// is 404; the issue form offers the departments.
#[tokio::test]
async fn a_bulletin_to_a_sector_reaches_exactly_the_departments_units() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let county = app.client_for("demo_county").await;
    let (_, departments) = admin.get("/api/v1/organisations?kind=department").await;
    let department = departments[0]["id"].as_str().expect("a department").to_string();
    let name = departments[0]["name"].as_str().unwrap().to_string();
    let a = create_unit(&admin, "行业测试甲公司", XIHU, "91330106MA2BL0031").await;
    let b = create_unit(&admin, "行业测试乙公司", XIHU, "91330106MA2BL0032").await;
    let outside = create_unit(&admin, "行业外测试公司", XIHU, "91330106MA2BL0033").await;
    // The sector holds exactly the two new units (the demo's own are moved out of it).
    app.exec_sql(&format!(
        "UPDATE units SET competent_department_id = NULL WHERE competent_department_id = '{department}';
         UPDATE units SET competent_department_id = '{department}' WHERE id IN ('{a}', '{b}')"
    ))
    .await;
    let mut expected = vec![a.clone(), b.clone()];
    expected.sort();
    let mut body = bulletin_body("行业通报", 24, false);
    body["unit_set"] = json!({"department_id": department});
    let (s, v) = county.post("/api/v1/bulletins", body.clone()).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(unit_ids(&v["recipients"], "unit_id"), expected);
    assert!(!unit_ids(&v["recipients"], "unit_id").contains(&outside));
    assert_eq!(v["unit_set"]["department_name"], name.as_str(), "{v}");
    // A police organisation is no sector; an unknown id neither.
    let station = first_org(&admin, "police_station", XIHU).await;
    for id in [station.as_str(), "no-such-department"] {
        let mut wrong = body.clone();
        wrong["unit_set"]["department_id"] = json!(id);
        let (s, v) = county.post("/api/v1/bulletins", wrong).await;
        assert_eq!(s, 404, "{v}");
        assert!(error_message(&v).contains("行业主管部门"), "{v}");
    }
    // The issue form offers the department.
    let br = app.browser("demo_county", DEMO_PASSWORD).await;
    let html = br
        .get(app.url("/bulletins"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(&format!("value=\"{department}\"")),
        "the sector is offered"
    );
}

/// The police of a unit's station reply to its report once (at most 1000 characters); the unit
/// sees the reply on the bulletin and in its inbox; who and when are recorded and audited in
/// Chinese; a refused reply form keeps what was typed.
#[tokio::test]
async fn the_police_reply_to_a_units_report_and_the_unit_sees_it() {
    let app = TestApp::demo().await;
    let unit = app.client_for("demo_unit").await;
    let station = app.client_for("demo_station").await;
    let (s, r) = unit
        .post(
            "/api/v1/bulletins/reports",
            json!({"kind": "risk_warning", "title": "仓库外有可疑车辆", "body": "连续两晚停在围墙外。"}),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    let id = r["id"].as_str().unwrap().to_string();
    let reply = format!("/api/v1/bulletins/{id}/reply");
    // Refusals: empty, too long, a unit account, another county's police.
    let (s, v) = station.post(&reply, json!({"text": "  "})).await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    assert!(error_message(&v).contains("回复"), "{v}");
    let (s, v) = station.post(&reply, json!({"text": "长".repeat(1001)})).await;
    assert_eq!(s, 400, "{v}");
    let (s, _) = unit.post(&reply, json!({"text": "自己回复"})).await;
    assert_eq!(s, 403);
    let (s, _) = app
        .client_for("demo_county_other")
        .await
        .post(&reply, json!({"text": "越权回复"}))
        .await;
    assert_eq!(s, 404);
    // The station replies (a double submit with one key: one reply).
    for _ in 0..2 {
        let r = station
            .http
            .post(app.url(&reply))
            .bearer_auth(&station.token)
            .header("Idempotency-Key", "bulletin-reply-1")
            .json(&json!({"text": "已安排民警夜间巡逻，请保存监控录像。"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
    }
    let (s, v) = station.post(&reply, json!({"text": "再次回复"})).await;
    assert_eq!((s, error_code(&v)), (409, "invalid_transition"), "{v}");
    assert!(error_message(&v).contains("已回复"), "{v}");
    let (_, d) = unit.get(&format!("/api/v1/bulletins/{id}")).await;
    assert_eq!(d["police_reply"]["text"], "已安排民警夜间巡逻，请保存监控录像。", "{d}");
    assert!(d["police_reply"]["at"].is_string());
    assert!(!d["police_reply"]["by_name"].as_str().unwrap().is_empty());
    let (_, inbox) = unit.get("/api/v1/inbox").await;
    assert_eq!(
        count_titles(&inbox, "公安机关已回复本单位上报：仓库外有可疑车辆"),
        1,
        "{inbox}"
    );
    let (_, log) = app.admin().await.get("/api/v1/audit?action=bulletin.reply").await;
    assert!(log.to_string().contains("回复了单位上报的风险通报"), "{log}");
    // A downward bulletin takes no police reply.
    app.admin().await;
    let county = app.client_for("demo_county").await;
    xihu_key_units(&app, &app.admin().await).await;
    let (_, down) = county
        .post("/api/v1/bulletins", bulletin_body("下发不可回复", 24, false))
        .await;
    let (s, v) = county
        .post(
            &format!("/api/v1/bulletins/{}/reply", down["id"].as_str().unwrap()),
            json!({"text": "x"}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (409, "invalid_transition"), "{v}");

    // The pages: the unit's report page shows the reply; a refused police form keeps the text.
    let br = app.browser("demo_unit", DEMO_PASSWORD).await;
    let html = br
        .get(app.url(&format!("/bulletins/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("已安排民警夜间巡逻"), "the unit sees the reply");
    let (_, r2) = unit
        .post(
            "/api/v1/bulletins/reports",
            json!({"kind": "risk_warning", "title": "第二条上报", "body": "说明"}),
        )
        .await;
    let id2 = r2["id"].as_str().unwrap();
    let br = app.browser("demo_station", DEMO_PASSWORD).await;
    let html = br
        .get(app.url(&format!("/bulletins/{id2}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("police-reply-form"));
    let csrf = csrf_of(&html);
    let long = "留".repeat(1001);
    let r = br
        .post(app.url(&format!("/bulletins/{id2}/reply")))
        .form(&[("csrf_token", csrf.as_str()), ("text", long.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains(&long), "the refused form keeps the text");
}
