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

/// A bulletin addressed only to `unit`, made in the database for the authorization matrices.
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
}

// The browser test of a unit manager reading and acknowledging a bulletin on a phone is
// `reports::a_unit_manager_reads_and_acknowledges_a_bulletin_then_files_an_incident_report_on_a_phone`
// (with the incident report the issue asks for in the same walk).
