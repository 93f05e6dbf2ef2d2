//! Emergency plans (docs/EMERGENCY-PLANS.md; R18, R41(1); Decree 421 Art 15), over HTTP: a plan
//! with its contact tree (phones masked in answers and pages, not in plaintext at rest), the
//! version history, submit → return with comments (history kept, the unit told) → resubmit →
//! accept, a non-key unit's plan (kept without review), the police list of key units without an
//! accepted plan, the jurisdiction (404 outside), a double-sent create form, a zh-CN 400.

use serde_json::{json, Value};

use crate::common::*;

const PHONE: &str = "13812345678";

fn plan_body(title: &str) -> Value {
    json!({
        "title": title,
        "scenario": "violent_attack",
        "roles": [{"role": "现场指挥", "person": "张主任", "duty": "统一指挥"}],
        "contacts": [{"name": "张主任", "role": "保卫处长", "phone": PHONE}],
        "steps": ["发现持械人员立即报告值班室", "保安携防暴钢叉到场处置", "报警 110"],
        "resources": [{"kind": "equipment", "name": "防暴钢叉", "detail": "4把，门卫室"},
                      {"kind": "place", "name": "东操场", "detail": "紧急集合点"}],
    })
}

fn titles(inbox: &Value, prefix: &str) -> usize {
    inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["title"].as_str().unwrap_or("").starts_with(prefix))
        .count()
}

/// A plan of `unit` made in the store for the authorization matrices (`matrix-plan-<unit>`).
pub(crate) async fn matrix_plan(app: &TestApp, unit: &str) {
    use neibao_domain::emergency::Scenario;
    use neibao_domain::emergency_plans::{NewPlan, PlanContent};
    let id = format!("matrix-plan-{unit}");
    let scope = neibao_domain::access::Scope::All;
    if app.store.emergency_plan(&scope, &id, None).await.unwrap().is_some() {
        return;
    }
    let p = NewPlan {
        id: id.clone(),
        unit_id: unit.to_string(),
        content: PlanContent {
            title: "矩阵预案".into(),
            scenario: Scenario::Fire,
            roles: vec![],
            contacts: vec![],
            steps: vec!["报警".into()],
            resources: vec![],
        },
        actor_name: "matrix".into(),
        at: chrono::Utc::now(),
    };
    let audit = neibao_domain::access::Principal::system("matrix").audit(
        "emergency_plan.create",
        "emergency_plan",
        &id,
        Some(unit),
    );
    app.store.create_emergency_plan(&scope, &p, &audit).await.unwrap();
}

fn field_of(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let i = html.find(&marker).unwrap_or_else(|| panic!("no field {name}")) + marker.len();
    html[i..].split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn a_key_units_plan_is_versioned_reviewed_and_its_phones_masked() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let manager = app.client_for("demo_unit").await;
    let guard = app.client_for("demo_guard").await;
    let county = app.client_for("demo_county").await;
    let other_county = app.client_for("demo_county_other").await;
    let (_, me) = manager.get("/api/v1/me").await;
    let unit = me["unit_id"].as_str().unwrap().to_string();

    // A non-key unit keeps plans without review: submitting is refused in Chinese.
    app.exec_sql(&format!("UPDATE units SET is_key_unit = FALSE WHERE id = '{unit}'"))
        .await;
    let (s, own) = manager
        .post(
            &format!("/api/v1/units/{unit}/emergency-plans"),
            plan_body("非重点单位预案"),
        )
        .await;
    assert_eq!(s, 201, "{own}");
    let own_id = own["id"].as_str().unwrap().to_string();
    let (s, v) = manager
        .post(
            &format!("/api/v1/emergency-plans/{own_id}/submit"),
            json!({"version": 1}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    assert!(error_message(&v).contains("无需报公安机关审核"), "{v}");

    // The unit is a key unit from here on; a second key unit of the county has no plan.
    app.exec_sql(&format!("UPDATE units SET is_key_unit = TRUE WHERE id = '{unit}'"))
        .await;
    let other = create_unit(&admin, "预案测试重点单位", "330106", "91330106MA2EP0001").await;
    app.exec_sql(&format!("UPDATE units SET is_key_unit = TRUE WHERE id = '{other}'"))
        .await;

    // Create with a contact: the phone is masked in the answer and not stored in plaintext.
    let (s, plan) = manager
        .post(
            &format!("/api/v1/units/{unit}/emergency-plans"),
            plan_body("校园暴力袭击处置预案"),
        )
        .await;
    assert_eq!(s, 201, "{plan}");
    let id = plan["id"].as_str().unwrap().to_string();
    assert_eq!(plan["status"], "draft");
    assert_eq!(plan["current_version"], 1);
    assert_eq!(
        plan["shown"]["content"]["contacts"][0]["phone"], "138****5678",
        "{plan}"
    );
    assert!(!plan.to_string().contains(PHONE));
    assert!(!app.stored_bytes().contains(PHONE), "the phone is stored in plaintext");

    // Bad input: no steps, a malformed phone — zh-CN 400s; a guard may not write.
    let mut bad = plan_body("无步骤");
    bad["steps"] = json!([]);
    let (s, v) = manager
        .post(&format!("/api/v1/units/{unit}/emergency-plans"), bad)
        .await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    assert!(error_message(&v).contains("处置步骤"), "{v}");
    let mut bad = plan_body("坏电话");
    bad["contacts"][0]["phone"] = json!("电话");
    let (s, v) = manager
        .post(&format!("/api/v1/units/{unit}/emergency-plans"), bad)
        .await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    assert!(error_message(&v).contains("通讯联络第1行"), "{v}");
    let (s, _) = guard
        .post(&format!("/api/v1/units/{unit}/emergency-plans"), plan_body("保安编制"))
        .await;
    assert_eq!(s, 403);

    // Everyone in scope reads it, guards too; the list by scenario; the current plan.
    let (s, list) = guard
        .get(&format!("/api/v1/units/{unit}/emergency-plans?scenario=violent_attack"))
        .await;
    assert_eq!(s, 200, "{list}");
    assert_eq!(list.as_array().unwrap().len(), 2, "{list}");
    let (_, fire) = guard
        .get(&format!("/api/v1/units/{unit}/emergency-plans?scenario=fire"))
        .await;
    assert_eq!(fire.as_array().unwrap().len(), 0, "{fire}");

    // Edit: a new version; the masked phone sent back keeps the number; version 1 readable.
    let mut edited = plan_body("校园暴力袭击处置预案（修订）");
    edited["contacts"][0]["phone"] = json!("138****5678");
    edited["version"] = json!(1);
    let (s, v2) = manager
        .put(&format!("/api/v1/emergency-plans/{id}"), edited.clone())
        .await;
    assert_eq!(s, 200, "{v2}");
    assert_eq!(v2["current_version"], 2);
    assert_eq!(v2["versions"].as_array().unwrap().len(), 2);
    let (s, v1) = guard.get(&format!("/api/v1/emergency-plans/{id}/versions/1")).await;
    assert_eq!(s, 200, "{v1}");
    assert_eq!(v1["shown"]["content"]["title"], "校园暴力袭击处置预案");
    // A stale version is refused.
    let (s, v) = manager.put(&format!("/api/v1/emergency-plans/{id}"), edited).await;
    assert_eq!((s, error_code(&v)), (409, "version_conflict"), "{v}");

    // The police list: both key units lack an accepted plan.
    let (s, missing) = county.get("/api/v1/emergency/plans/missing").await;
    assert_eq!(s, 200, "{missing}");
    let lacks = |m: &Value, u: &str| m.as_array().unwrap().iter().any(|x| x["unit_id"] == u);
    assert!(lacks(&missing, &unit) && lacks(&missing, &other), "{missing}");

    // Submit → return with comments (the unit told) → edit → resubmit → accept.
    let (s, sub) = manager
        .post(&format!("/api/v1/emergency-plans/{id}/submit"), json!({"version": 2}))
        .await;
    assert_eq!(s, 200, "{sub}");
    assert_eq!(sub["status"], "submitted");
    let (s, v) = manager
        .put(&format!("/api/v1/emergency-plans/{id}"), {
            let mut b = plan_body("审核中修改");
            b["version"] = json!(2);
            b
        })
        .await;
    assert_eq!((s, error_code(&v)), (409, "invalid_transition"), "{v}");
    let (_, waiting) = county.get("/api/v1/emergency/plans/waiting").await;
    assert!(
        waiting.as_array().unwrap().iter().any(|p| p["id"] == id.as_str()),
        "{waiting}"
    );
    // Police outside the jurisdiction do not find it.
    let (s, _) = other_county.get(&format!("/api/v1/emergency-plans/{id}")).await;
    assert_eq!(s, 404);
    let (s, _) = other_county
        .post(&format!("/api/v1/emergency-plans/{id}/accept"), json!({"version": 2}))
        .await;
    assert_eq!(s, 404);
    let (s, v) = county
        .post(&format!("/api/v1/emergency-plans/{id}/return"), json!({"version": 2}))
        .await;
    assert_eq!(
        (s, error_code(&v)),
        (400, "validation_failed"),
        "a return needs comments: {v}"
    );
    let (s, ret) = county
        .post(
            &format!("/api/v1/emergency-plans/{id}/return"),
            json!({"version": 2, "comment": "缺少疏散路线和集合点负责人"}),
        )
        .await;
    assert_eq!(s, 200, "{ret}");
    assert_eq!(ret["status"], "returned");
    let (_, inbox) = manager.get("/api/v1/inbox").await;
    assert_eq!(titles(&inbox, "应急预案被退回"), 1, "{inbox}");

    let mut fixed = plan_body("校园暴力袭击处置预案（第三版）");
    fixed["contacts"][0]["phone"] = json!("138****5678");
    fixed["version"] = json!(2);
    let (s, v3) = manager.put(&format!("/api/v1/emergency-plans/{id}"), fixed).await;
    assert_eq!(s, 200, "{v3}");
    assert_eq!(v3["current_version"], 3);
    let (s, _) = manager
        .post(&format!("/api/v1/emergency-plans/{id}/submit"), json!({"version": 3}))
        .await;
    assert_eq!(s, 200);
    let (s, acc) = county
        .post(
            &format!("/api/v1/emergency-plans/{id}/accept"),
            json!({"version": 3, "comment": "同意"}),
        )
        .await;
    assert_eq!(s, 200, "{acc}");
    assert_eq!(acc["status"], "accepted");
    assert_eq!(acc["accepted_version"], 3);
    let actions: Vec<&str> = acc["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["create", "edit", "submit", "return", "edit", "submit", "accept"]
    );
    assert!(acc["history"].to_string().contains("缺少疏散路线和集合点负责人"));
    let (_, inbox) = manager.get("/api/v1/inbox").await;
    assert_eq!(titles(&inbox, "应急预案审核通过"), 1, "{inbox}");

    // The police list now names the other key unit only; the current plan is the accepted one.
    let (_, missing) = county.get("/api/v1/emergency/plans/missing").await;
    assert!(!lacks(&missing, &unit) && lacks(&missing, &other), "{missing}");
    let (_, list) = manager
        .get(&format!("/api/v1/units/{unit}/emergency-plans?scenario=violent_attack"))
        .await;
    let accepted = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id.as_str())
        .unwrap();
    assert_eq!(accepted["current_version"], 3);
    assert_eq!(accepted["status"], "accepted");

    // The unit's records beside the checklist.
    let (s, rec) = county.get(&format!("/api/v1/units/{unit}/records")).await;
    assert_eq!(s, 200, "{rec}");
    assert!(rec.to_string().contains("经公安机关审核通过 1 份"), "{rec}");

    // Pages: the phone masked; the scenario's current plan first; the police overview.
    let b = app.browser("demo_unit", DEMO_PASSWORD).await;
    let html = b
        .get(app.url(&format!("/emergency-plans/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("138****5678") && !html.contains(PHONE), "{html}");
    let r = b
        .get(app.url(&format!("/units/{unit}/emergency-plans?scenario=violent_attack")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    let first = html.find("id=\"plan-").unwrap();
    assert!(html[first..].starts_with(&format!("id=\"plan-{id}\"")), "{html}");
    let bc = app.browser("demo_county", DEMO_PASSWORD).await;
    let html = bc
        .get(app.url("/emergency/plans"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(&format!("missing-{other}")) && !html.contains(&format!("missing-{unit}\"")),
        "{html}"
    );
}

#[tokio::test]
async fn plans_stay_in_their_unit_and_the_form_makes_one_plan() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let manager = app.client_for("demo_unit").await;
    let (_, me) = manager.get("/api/v1/me").await;
    let unit = me["unit_id"].as_str().unwrap().to_string();
    let other = create_unit(&admin, "预案测试外单位", "330106", "91330106MA2EP0002").await;
    let (s, v) = admin
        .post(
            "/api/v1/users",
            json!({"username": "ep_other_manager", "display_name": "外单位保卫负责人", "role": "unit_manager", "unit_id": other}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let other_manager = app.client_for("ep_other_manager").await;
    let (s, theirs) = other_manager
        .post(
            &format!("/api/v1/units/{other}/emergency-plans"),
            plan_body("外单位预案"),
        )
        .await;
    assert_eq!(s, 201, "{theirs}");
    let theirs = theirs["id"].as_str().unwrap().to_string();

    // A unit manager does not see another unit's plans.
    let (s, _) = manager.get(&format!("/api/v1/units/{other}/emergency-plans")).await;
    assert_eq!(s, 404);
    let (s, _) = manager.get(&format!("/api/v1/emergency-plans/{theirs}")).await;
    assert_eq!(s, 404);
    let b = app.browser("demo_unit", DEMO_PASSWORD).await;
    let r = b
        .get(app.url(&format!("/emergency-plans/{theirs}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    // The create form sent twice (same one-time token) makes one plan.
    let html = b
        .get(app.url(&format!("/units/{unit}/emergency-plans/new?scenario=fire")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let form = [
        ("csrf_token", csrf_of(&html)),
        ("_once", field_of(&html, "_once")),
        ("title", "消防疏散预案".to_string()),
        ("scenario", "fire".to_string()),
        ("roles", "疏散引导|李老师|引导学生撤离".to_string()),
        ("contacts", format!("李老师|班主任|{PHONE}")),
        ("steps", "拉响警报\n按路线疏散".to_string()),
        ("equipment", "灭火器|每层4具".to_string()),
        ("places", "操场|集合点".to_string()),
    ];
    for _ in 0..2 {
        let r = b
            .post(app.url(&format!("/units/{unit}/emergency-plans")))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    let (_, fire) = manager
        .get(&format!("/api/v1/units/{unit}/emergency-plans?scenario=fire"))
        .await;
    let n = fire
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["title"] == "消防疏散预案")
        .count();
    assert_eq!(n, 1, "{fire}");

    // A refused form says why in Chinese and keeps what was typed.
    let html = b
        .get(app.url(&format!("/units/{unit}/emergency-plans/new")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let r = b
        .post(app.url(&format!("/units/{unit}/emergency-plans")))
        .form(&[
            ("csrf_token", csrf_of(&html)),
            ("_once", field_of(&html, "_once")),
            ("title", "保留的预案名称".to_string()),
            ("scenario", "fire".to_string()),
            ("contacts", "王五|门卫|不是电话".to_string()),
            ("steps", "报警".to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("保留的预案名称") && html.contains("不是电话"), "{html}");
    assert!(html.contains("通讯联络第1行"), "{html}");
}
