//! Delivery of documents with read receipts (docs/SUPERVISION.md "Delivery and receipts"): a
//! rectification order reaches the unit (its inbox says a document waits), the unit's first
//! opening is the receipt the police see, once; a 问题抄告函 is signed by the competent department,
//! not the unit; the police cannot sign for the addressee.

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
