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
