//! Delivery of documents with read receipts (docs/SUPERVISION.md "Delivery and receipts"): a
//! rectification order reaches the unit (its inbox says a document waits), the unit's first
//! opening is the receipt the police see, once; a 问题抄告函 is signed by the competent department,
//! not the unit; the police cannot sign for the addressee.

use std::sync::Arc;

use chrono::{Duration, Utc};
use serde_json::{json, Value};

use crate::common::*;

async fn html(b: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let r = b.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn documents_reach_their_addressee_and_the_police_see_the_receipt() {
    let app = TestApp::demo().await;
    let police = app.client_for("demo_county").await;
    let unit_user = app.client_for("demo_unit").await;
    let (_, me) = unit_user.get("/api/v1/me").await;
    let unit_id = me["unit_id"].as_str().unwrap().to_string();
    let scheduler = app.scheduler("node-a");

    let (s, h) = police
        .post(
            "/api/v1/hazards",
            json!({"unit_id": unit_id, "title": "监控室无人值守", "class": "general", "source": "report"}),
        )
        .await;
    assert_eq!(s, 201, "{h}");
    let hazard = h["id"].as_str().unwrap().to_string();
    let act = |body: Value| {
        let police = police.clone();
        let hazard = hazard.clone();
        async move { police.post(&format!("/api/v1/hazards/{hazard}/actions"), body).await }
    };
    let mut deadline = Utc::now() + Duration::days(5);
    let (s, v) = act(json!({"action": "issue_order", "deadline": deadline})).await;
    assert_eq!(s, 200, "{v}");
    let docs = |c: Client, q: String| async move { c.get(&format!("/api/v1/documents?hazard_id={q}")).await.1 };
    let list = docs(police.clone(), hazard.clone()).await;
    let order = list["items"][0].clone();
    assert_eq!(order["kind"], "rectification_order");
    assert_eq!(order["receipt"], Value::Null, "not read yet");
    let order_id = order["id"].as_str().unwrap().to_string();

    // The police cannot sign for the unit.
    let (s, v) = police
        .post(&format!("/api/v1/documents/{order_id}/receipt"), json!({}))
        .await;
    assert_eq!((s, v["error"]["code"].as_str()), (403, Some("forbidden")), "{v}");
    // Opening it as police is no receipt either.
    let r = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/documents/{order_id}/pdf")))
        .bearer_auth(&police.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        docs(police.clone(), hazard.clone()).await["items"][0]["receipt"],
        Value::Null
    );

    // The unit: its inbox says a document waits; the list offers 签收.
    let b = app.browser("demo_unit", DEMO_PASSWORD).await;
    let waiting = |inbox: &str| -> usize {
        inbox
            .split("id=\"documents-waiting\">有 ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    let (_, inbox) = html(&b, &app, "/inbox").await;
    let before = waiting(&inbox);
    assert!(before >= 1, "{inbox}");
    let (_, page) = html(&b, &app, "/documents?unread=1").await;
    assert!(
        page.contains(&format!("/documents/{order_id}/receipt")) && page.contains("签收"),
        "{page}"
    );
    // Opening the PDF is the receipt.
    let r = b
        .get(app.url(&format!("/documents/{order_id}/pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let signed = docs(police.clone(), hazard.clone()).await["items"][0].clone();
    assert_eq!(signed["receipt"]["read_by"], "演示保卫负责人", "{signed}");
    let first_at = signed["receipt"]["read_at"].clone();
    // Once: signing again changes nothing.
    let (s, again) = unit_user
        .post(&format!("/api/v1/documents/{order_id}/receipt"), json!({}))
        .await;
    assert_eq!(s, 200, "{again}");
    assert_eq!(again["receipt"]["read_at"], first_at);
    let (_, inbox) = html(&b, &app, "/inbox").await;
    assert_eq!(waiting(&inbox), before - 1, "one document fewer waits");
    let (_, audit) = police.get("/api/v1/audit?action=document.receipt").await;
    assert_eq!(
        audit["items"].as_array().map(Vec::len),
        Some(1),
        "audited once: {audit}"
    );
    assert!(audit.to_string().contains("签收了文书"), "{audit}");
    // The police see it on the hazard page and the document list.
    let pb = app.browser("demo_county", DEMO_PASSWORD).await;
    let (_, hazard_page) = html(&pb, &app, &format!("/hazards/{hazard}")).await;
    assert!(hazard_page.contains("演示保卫负责人于"), "{hazard_page}");
    let (_, signed_list) = html(&pb, &app, "/documents?unread=0").await;
    assert!(signed_list.contains(&order_id), "{signed_list}");

    // Up the ladder to the 问题抄告函: the competent department signs for it, the unit may not.
    for (i, rung) in ["circular", "interview", "listed_supervision", "referral"]
        .into_iter()
        .enumerate()
    {
        scheduler.tick(deadline + Duration::seconds(1)).await.unwrap();
        deadline = Utc::now() + Duration::days(10 * (i as i64 + 1) + 5);
        let mut body = json!({"action": "escalate", "rung": rung, "deadline": deadline});
        if rung == "interview" {
            body["interview_at"] = json!(Utc::now() + Duration::days(2));
            body["interview_place"] = json!("西湖区分局三楼会议室");
        }
        let (s, v) = act(body).await;
        assert_eq!(s, 200, "{rung}: {v}");
    }
    let (_, letters) = police
        .get(&format!("/api/v1/documents?hazard_id={hazard}&kind=referral_letter"))
        .await;
    let letter = letters["items"][0]["id"].as_str().unwrap().to_string();
    let (s, v) = unit_user
        .post(&format!("/api/v1/documents/{letter}/receipt"), json!({}))
        .await;
    assert_eq!(s, 403, "a referral letter is the department's: {v}");
    let (_, unit) = police.get(&format!("/api/v1/units/{unit_id}")).await;
    // Another department may not; the unit's own department (an account opened for it) signs.
    let other = app.client_for("demo_department").await;
    let (_, other_me) = other.get("/api/v1/me").await;
    assert_ne!(unit["competent_department_id"], other_me["org_id"]);
    let (s, _) = other
        .post(&format!("/api/v1/documents/{letter}/receipt"), json!({}))
        .await;
    assert!(s == 403 || s == 404, "{s}");
    let (s, account) = app
        .admin()
        .await
        .post(
            "/api/v1/users",
            json!({"username": "delivery_dept", "display_name": "主管部门收文员", "role": "department",
                   "org_id": unit["competent_department_id"]}),
        )
        .await;
    assert_eq!(s, 201, "{account}");
    let department = app.client_for("delivery_dept").await;
    let (s, v) = department
        .post(&format!("/api/v1/documents/{letter}/receipt"), json!({}))
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["receipt"]["read_by"], "主管部门收文员");
}

/// The unit's own channel (issue 12: documents "reach the unit's security manager in their inbox
/// and through the unit's configured channels"): the unit manager adds the unit's webhook; a
/// rectification order and its D-7/D-3/D-1 reminders arrive there once each, as 内保通知, and
/// in the inbox with a link to the document; an installation channel gets none of them, and
/// another unit's manager cannot see or switch the channel.
#[tokio::test]
async fn documents_and_reminders_reach_the_units_own_channel() {
    let app = TestApp::spawn_configured(|c| c.engine.public_url = Some("https://neibao.example".into()), true).await;
    let police = app.client_for("demo_county").await;
    let manager = app.client_for("demo_unit").await;
    let (_, me) = manager.get("/api/v1/me").await;
    let unit_id = me["unit_id"].as_str().unwrap().to_string();
    let secret = "0123456789abcdef-unit-channel";
    let (url, _, accepted, bodies) = flaky_receiver(0, secret).await;
    let (installation_url, _, _, installation_bodies) = flaky_receiver(0, secret).await;

    // A guard may not; the manager adds the unit's own channel (the prefix it sends is ignored).
    let guard = app.client_for("demo_guard").await;
    let body = json!({"name": "本单位保卫群", "config": {"kind": "webhook", "url": url, "secret": secret},
                      "division_prefix": "11", "min_severity": "low"});
    let (s, _) = guard.post("/api/v1/notification_channels", body.clone()).await;
    assert_eq!(s, 403);
    let (s, ch) = manager.post("/api/v1/notification_channels", body).await;
    assert_eq!(s, 201, "{ch}");
    assert_eq!(ch["unit_id"], unit_id.as_str());
    assert_eq!(ch["division_prefix"], "");
    let channel = ch["id"].as_str().unwrap().to_string();
    let (s, installation) = app
        .admin()
        .await
        .post(
            "/api/v1/notification_channels",
            json!({"name": "指挥中心", "config": {"kind": "webhook", "url": installation_url, "secret": secret},
                   "min_severity": "low"}),
        )
        .await;
    assert_eq!(s, 201, "{installation}");
    // The manager sees only the unit's channel and cannot switch the installation's.
    let (_, mine) = manager.get("/api/v1/notification_channels").await;
    assert_eq!(mine.as_array().map(Vec::len), Some(1), "{mine}");
    let (s, _) = manager
        .put(
            &format!("/api/v1/notification_channels/{}", installation["id"].as_str().unwrap()),
            json!({"enabled": false}),
        )
        .await;
    assert_eq!(s, 403);

    // A rectification order with a deadline 8 days ahead: delivered now, reminded at D-7/D-3/D-1.
    let (s, h) = police
        .post(
            "/api/v1/hazards",
            json!({"unit_id": unit_id, "title": "消防通道堆放杂物", "class": "general", "source": "report"}),
        )
        .await;
    assert_eq!(s, 201, "{h}");
    let hazard = h["id"].as_str().unwrap().to_string();
    let deadline = Utc::now() + Duration::days(8);
    let (s, v) = police
        .post(
            &format!("/api/v1/hazards/{hazard}/actions"),
            json!({"action": "issue_order", "deadline": deadline}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (_, docs) = police.get(&format!("/api/v1/documents?hazard_id={hazard}")).await;
    let order = docs["items"][0]["id"].as_str().unwrap().to_string();
    let number = docs["items"][0]["number"].as_str().unwrap().to_string();

    let scheduler = app.scheduler("n1");
    let outbox = neibao_engine::notifications::outbox::Outbox::new(app.store.clone(), "n1");
    let now = Utc::now() + Duration::seconds(1);
    scheduler.tick(now).await.unwrap();
    scheduler.tick(now).await.unwrap(); // a second run adds nothing
    outbox.tick(now).await.unwrap();
    // (The demo's own alerts and documents reach the unit's channel too; this order and its
    // hazard are what this is about.)
    let (order_link, hazard_link) = (
        format!("https://neibao.example/documents/{order}/pdf"),
        format!("https://neibao.example/hazards/{hazard}"),
    );
    let notices = |b: &Arc<std::sync::Mutex<Vec<Value>>>| -> Vec<Value> {
        b.lock()
            .unwrap()
            .iter()
            .filter(|v| {
                v["type"] == "notice" && (v["link"] == order_link.as_str() || v["link"] == hazard_link.as_str())
            })
            .cloned()
            .collect()
    };
    let got = notices(&bodies);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0]["type"], "notice", "{got:?}");
    assert_eq!(got[0]["title"], format!("收到限期整改通知书 {number}"));
    assert_eq!(got[0]["link"], order_link.as_str());
    assert!(got[0]["summary"].as_str().unwrap().contains("签收"), "{got:?}");

    // The inbox shows it with a link to the document.
    let (_, inbox) = manager.get("/api/v1/inbox").await;
    let item = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["link"] == format!("/documents/{order}/pdf"))
        .unwrap_or_else(|| panic!("the order in the inbox: {inbox}"))
        .clone();
    assert_eq!(item["alert_id"], "");
    let b = app.browser("demo_unit", DEMO_PASSWORD).await;
    let page = b.get(app.url("/inbox")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!("href=\"/documents/{order}/pdf\"")), "{page}");
    assert!(page.contains("本单位（部门）的通知渠道"), "{page}");

    // The reminders, each once, then the deadline.
    for day in [7, 3, 1] {
        let at = deadline - Duration::days(day) + Duration::seconds(1);
        scheduler.tick(at).await.unwrap();
        outbox.tick(at).await.unwrap();
    }
    let got = notices(&bodies);
    let reminders: Vec<&Value> = got
        .iter()
        .filter(|b| b["title"].as_str().unwrap_or("").starts_with("整改期限提醒"))
        .collect();
    assert_eq!(reminders.len(), 3, "{got:?}");
    assert!(
        reminders[0]["summary"].as_str().unwrap().contains("距整改期限还有7日"),
        "{got:?}"
    );
    assert_eq!(reminders[2]["link"], hazard_link.as_str());
    assert_eq!(got.len(), 4, "the order and three reminders, each once: {got:?}");
    let ids = accepted.lock().unwrap().clone();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "each delivered once: {ids:?}");
    // The installation channel (police monitoring) got alerts but no notice.
    assert!(!installation_bodies
        .lock()
        .unwrap()
        .iter()
        .any(|v| v["type"] == "notice"));

    // Switched off by the manager: nothing more is sent to it.
    let (s, v) = manager
        .put(
            &format!("/api/v1/notification_channels/{channel}"),
            json!({"enabled": false}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["enabled"], false);
}

/// A hazard of `unit_id` taken to the 问题抄告 rung by `police` (order, overdue, referral) and an
/// account of the unit's competent department (`username`); the 问题抄告函's id, that
/// department's client and the account's initial password.
pub(crate) async fn referral_letter(
    app: &TestApp,
    police: &Client,
    unit_id: &str,
    username: &str,
) -> (String, Client, String) {
    let (s, h) = police
        .post(
            "/api/v1/hazards",
            json!({"unit_id": unit_id, "title": "周界围栏破损", "class": "general", "source": "report"}),
        )
        .await;
    assert_eq!(s, 201, "{h}");
    let hazard = h["id"].as_str().unwrap().to_string();
    let deadline = Utc::now() + Duration::days(3);
    let path = format!("/api/v1/hazards/{hazard}/actions");
    let (s, v) = police
        .post(&path, json!({"action": "issue_order", "deadline": deadline}))
        .await;
    assert_eq!(s, 200, "{v}");
    app.scheduler("referral")
        .tick(deadline + Duration::seconds(1))
        .await
        .unwrap();
    let later = Utc::now() + Duration::days(20);
    let (s, v) = police
        .post(
            &path,
            json!({"action": "escalate", "rung": "referral", "deadline": later}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (_, letters) = police
        .get(&format!("/api/v1/documents?hazard_id={hazard}&kind=referral_letter"))
        .await;
    let letter = letters["items"][0]["id"].as_str().expect("a 问题抄告函").to_string();
    let (_, unit) = police.get(&format!("/api/v1/units/{unit_id}")).await;
    let (s, account) = app
        .admin()
        .await
        .post(
            "/api/v1/users",
            json!({"username": username, "display_name": "主管部门安全科", "role": "department",
                   "org_id": unit["competent_department_id"]}),
        )
        .await;
    assert_eq!(s, 201, "{account}");
    let first = account["initial_password"].as_str().unwrap().to_string();
    (letter, app.client_for(username).await, first)
}

/// 问题抄告 (R29): the department records what it did about the letter (recording is signing);
/// the police see it in the document, on the hazard page and in their inbox; the unit, another
/// department and the police may not record; an empty text is refused; a replayed record makes
/// one; a refused form on the page keeps what was typed.
#[tokio::test]
async fn the_department_records_its_action_on_a_referral_letter() {
    let app = TestApp::demo().await;
    let police = app.client_for("demo_county").await;
    let unit_user = app.client_for("demo_unit").await;
    let (_, me) = unit_user.get("/api/v1/me").await;
    let unit_id = me["unit_id"].as_str().unwrap().to_string();
    let (letter, department, first) = referral_letter(&app, &police, &unit_id, "action_dept").await;
    let path = format!("/api/v1/documents/{letter}/actions");
    let body = json!({"text": "已约谈该单位负责人，责令7日内修复围栏，联系人13812345678"});

    // Not the unit, not the police, not another department; not on another kind of document.
    let (s, v) = unit_user.post(&path, body.clone()).await;
    assert_eq!((s, v["error"]["code"].as_str()), (403, Some("forbidden")), "{v}");
    let (s, _) = police.post(&path, body.clone()).await;
    assert_eq!(s, 403);
    let (s, _) = app.client_for("demo_department").await.post(&path, body.clone()).await;
    assert!(s == 403 || s == 404, "{s}");
    let (_, orders) = police
        .get(&format!("/api/v1/documents?unit_id={unit_id}&kind=rectification_order"))
        .await;
    let order = orders["items"][0]["id"].as_str().unwrap();
    let (s, v) = department
        .post(&format!("/api/v1/documents/{order}/actions"), body.clone())
        .await;
    assert!(s == 403 || s == 404, "{s}: {v}");
    // Empty: refused with a zh-CN message, nothing kept.
    let (s, v) = department.post(&path, json!({"text": "  "})).await;
    assert_eq!(s, 400, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("处理情况"), "{v}");
    let (_, d) = police.get(&format!("/api/v1/documents/{letter}")).await;
    assert_eq!(d["receipt"], Value::Null, "a refused record signs nothing: {d}");

    // The record, replayed with the same key: one record; recording signed for the letter.
    let send = |key: &'static str| {
        let url = app.url(&path);
        let token = department.token.clone();
        let body = body.clone();
        async move {
            let r = reqwest::Client::new()
                .post(url)
                .bearer_auth(token)
                .header("Idempotency-Key", key)
                .json(&body)
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }
    };
    let (s1, v1) = send("dept-action-1").await;
    let (s2, v2) = send("dept-action-1").await;
    assert_eq!((s1, s2), (201, 201), "{v1} {v2}");
    assert_eq!(v1["actions"], v2["actions"]);
    assert_eq!(v1["actions"].as_array().map(Vec::len), Some(1), "{v1}");
    assert_eq!(v1["receipt"]["read_by"], "主管部门安全科", "{v1}");
    let text = v1["actions"][0]["text"].as_str().unwrap();
    assert!(
        text.contains("修复围栏") && !text.contains("13812345678"),
        "masked: {text}"
    );

    // The police: the record in the document, its state in the list, on the hazard page and
    // the document page, and a notice in their inbox.
    let (_, d) = police.get(&format!("/api/v1/documents/{letter}")).await;
    assert_eq!(d["actions"][0]["recorded_by"], "主管部门安全科", "{d}");
    let (_, list) = police
        .get(&format!("/api/v1/documents?unit_id={unit_id}&kind=referral_letter"))
        .await;
    assert!(list["items"][0]["last_action_at"].is_string(), "{list}");
    let pb = app.browser("demo_county", DEMO_PASSWORD).await;
    let hazard = d["hazard_id"].as_str().unwrap();
    let (_, hazard_page) = html(&pb, &app, &format!("/hazards/{hazard}")).await;
    assert!(hazard_page.contains("主管部门已反馈处理情况"), "{hazard_page}");
    let (s, doc_page) = html(&pb, &app, &format!("/documents/{letter}")).await;
    assert_eq!(s, 200);
    assert!(doc_page.contains("责令7日内修复围栏"), "{doc_page}");
    assert!(!doc_page.contains("id=\"action-form\""), "no form for the police");
    let (_, inbox) = police.get("/api/v1/inbox?per_page=100").await;
    assert!(inbox.to_string().contains("主管部门反馈了问题抄告处理情况"), "{inbox}");
    let (_, audit) = police.get("/api/v1/audit?action=document.action").await;
    assert!(audit.to_string().contains("反馈了问题抄告的处理情况"), "{audit}");

    // The department's page: the form; a refused record keeps what was typed.
    let password = app.replace_first_password("action_dept", &first).await;
    let db = app.browser("action_dept", &password).await;
    let (s, page) = html(&db, &app, &format!("/documents/{letter}")).await;
    assert_eq!(s, 200, "{page}");
    assert!(page.contains("id=\"action-form\""), "{page}");
    let csrf = csrf_of(&page);
    let long = "整改".repeat(501);
    let r = db
        .post(app.url(&format!("/documents/{letter}/actions")))
        .form(&[("csrf_token", csrf.as_str()), ("text", long.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let page = r.text().await.unwrap();
    assert!(page.contains("不超过 1000 字") && page.contains(&long), "kept");
    let r = db
        .post(app.url(&format!("/documents/{letter}/actions")))
        .form(&[("csrf_token", csrf.as_str()), ("text", "已复查，围栏修复完毕")])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    let (_, d) = police.get(&format!("/api/v1/documents/{letter}")).await;
    assert_eq!(d["actions"].as_array().map(Vec::len), Some(2), "{d}");
}
