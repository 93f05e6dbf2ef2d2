//! Designations and filings (docs/FILINGS.md; R15, R16, R40, R41, R50, R57), over HTTP: a guard
//! filing submitted on day 29 is on time and one not submitted by day 31 is overdue with a
//! reminder sent by the scheduler and on the police overdue list; a returned filing keeps its
//! history; police see filings only in their jurisdiction; a designation's proposal → decision
//! sets the unit's flag and tells the unit in its inbox.

use chrono::{Duration, Utc};
use serde_json::{json, Value};

use crate::common::*;

fn today() -> chrono::NaiveDate {
    Utc::now().with_timezone(&chrono_tz::Asia::Shanghai).date_naive()
}

fn guard_content(started: chrono::NaiveDate) -> Value {
    json!({
        "legal_person_proof": "营业执照 91330100MA2XXXXX0X",
        "principal_name": "张主任",
        "deputy_name": "李副主任",
        "guard_count": "3",
        "guard_list": "王保安（保安员证 浙0001）",
        "service_area": "本单位厂区",
        "rules": "门卫值班巡查制度",
        "started_on": started.to_string(),
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

fn ids(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn guard_filings_on_time_overdue_returned_and_scoped() {
    let app = TestApp::demo().await;
    let manager = app.client_for("demo_unit").await;
    let city = app.client_for("demo_city").await;
    let county = app.client_for("demo_county").await;
    let other_county = app.client_for("demo_county_other").await;
    let guard = app.client_for("demo_guard").await;
    let (_, me) = manager.get("/api/v1/me").await;
    let unit = me["unit_id"].as_str().unwrap().to_string();
    let today = today();

    // The kinds with their rules.
    let (s, kinds) = manager.get("/api/v1/filing-kinds").await;
    assert_eq!(s, 200, "{kinds}");
    assert!(kinds.as_array().unwrap().iter().any(|k| k["kind"] == "guard_start"
        && k["receiver"] == "city"
        && k["rule"].as_str().unwrap().contains("30日")));

    // Day 29: guard service started 29 days ago; due tomorrow; submitted today: on time.
    let started = today - Duration::days(29);
    let (s, f29) = manager
        .post(
            &format!("/api/v1/units/{unit}/filings"),
            json!({"kind": "guard_start", "trigger_date": started, "source_ref": "guard-29"}),
        )
        .await;
    assert_eq!(s, 201, "{f29}");
    assert_eq!(f29["status"], "draft");
    assert_eq!(f29["due_on"], json!(started + Duration::days(30)));
    // The same kind and reference again: the first filing (idempotent obligation).
    let (s, again) = manager
        .post(
            &format!("/api/v1/units/{unit}/filings"),
            json!({"kind": "guard_start", "trigger_date": started, "source_ref": "guard-29"}),
        )
        .await;
    assert_eq!(s, 200, "{again}");
    assert_eq!(again["id"], f29["id"]);
    let id29 = f29["id"].as_str().unwrap().to_string();

    // Bad input: missing content refused with a field named; a guard may not submit.
    let (s, v) = manager
        .post(&format!("/api/v1/filings/{id29}/submit"), json!({"version": 1}))
        .await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    assert!(error_message(&v).contains("请填写"), "{v}");
    let (s, _) = guard
        .post(
            &format!("/api/v1/filings/{id29}/submit"),
            json!({"version": 1, "content": guard_content(started)}),
        )
        .await;
    assert_eq!(s, 403);
    let mut bad = guard_content(started);
    bad["guard_count"] = json!("三个");
    let (s, v) = manager
        .post(
            &format!("/api/v1/filings/{id29}/submit"),
            json!({"version": 1, "content": bad}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");

    let (s, sub) = manager
        .post(
            &format!("/api/v1/filings/{id29}/submit"),
            json!({"version": 1, "content": guard_content(started)}),
        )
        .await;
    assert_eq!(s, 200, "{sub}");
    assert_eq!(sub["status"], "submitted");
    assert_eq!(sub["on_time"], true, "{sub}");
    assert_eq!(sub["overdue"], false);
    // A stale version is refused.
    let (s, v) = city
        .post(
            &format!("/api/v1/filings/{id29}/return"),
            json!({"version": 1, "note": "x"}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (409, "version_conflict"), "{v}");

    // Returned with reasons (city police receive guard filings; county police may not), then
    // resubmitted and acknowledged: the history keeps every step.
    let (s, v) = county
        .post(
            &format!("/api/v1/filings/{id29}/return"),
            json!({"version": 2, "note": "缺少保安员证号"}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (403, "forbidden"), "{v}");
    let (s, v) = city
        .post(
            &format!("/api/v1/filings/{id29}/return"),
            json!({"version": 2, "note": " "}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    let (s, ret) = city
        .post(
            &format!("/api/v1/filings/{id29}/return"),
            json!({"version": 2, "note": "缺少保安员证号"}),
        )
        .await;
    assert_eq!(s, 200, "{ret}");
    assert_eq!(ret["status"], "returned");
    let (s, v) = city
        .post(&format!("/api/v1/filings/{id29}/acknowledge"), json!({"version": 3}))
        .await;
    assert_eq!((s, error_code(&v)), (409, "invalid_transition"), "{v}");
    let (s, re) = manager
        .post(&format!("/api/v1/filings/{id29}/submit"), json!({"version": 3}))
        .await;
    assert_eq!(s, 200, "{re}");
    let (s, ack) = city
        .post(
            &format!("/api/v1/filings/{id29}/acknowledge"),
            json!({"version": 4, "note": "已受理"}),
        )
        .await;
    assert_eq!(s, 200, "{ack}");
    let (s, arch) = city
        .post(&format!("/api/v1/filings/{id29}/archive"), json!({"version": 5}))
        .await;
    assert_eq!(s, 200, "{arch}");
    let (_, detail) = manager.get(&format!("/api/v1/filings/{id29}")).await;
    let steps: Vec<&str> = detail["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        vec!["open", "submit", "return", "submit", "acknowledge", "archive"],
        "{detail}"
    );
    let returned = &detail["steps"][2];
    assert_eq!(returned["note"], "缺少保安员证号");
    assert_eq!(returned["status"], "returned");
    assert_eq!(detail["on_time"], true, "the first submission counts: {detail}");

    // Day 31: started 31 days ago, not submitted: overdue, the scheduler sends the overdue
    // reminder once, and it is on the police overdue list of the jurisdiction only.
    let started = today - Duration::days(31);
    let (s, f31) = manager
        .post(
            &format!("/api/v1/units/{unit}/filings"),
            json!({"kind": "guard_start", "trigger_date": started, "source_ref": "guard-31"}),
        )
        .await;
    assert_eq!(s, 201, "{f31}");
    assert_eq!(f31["overdue"], true, "{f31}");
    let id31 = f31["id"].as_str().unwrap().to_string();
    let (_, inbox) = manager.get("/api/v1/inbox").await;
    assert_eq!(titles(&inbox, "备案已逾期"), 0, "{inbox}");
    let scheduler = app.scheduler("filings-node");
    scheduler.tick(Utc::now() + Duration::minutes(1)).await.unwrap();
    scheduler.tick(Utc::now() + Duration::minutes(2)).await.unwrap();
    let (_, inbox) = manager.get("/api/v1/inbox").await;
    assert_eq!(titles(&inbox, "备案已逾期"), 1, "one overdue reminder: {inbox}");
    assert_eq!(
        titles(&inbox, "备案即将到期"),
        0,
        "no early reminder for the filed one: {inbox}"
    );
    let (s, overdue) = county.get("/api/v1/filings/overdue").await;
    assert_eq!(s, 200, "{overdue}");
    assert_eq!(ids(&overdue), vec![id31.clone()], "{overdue}");
    let (_, overdue) = city.get("/api/v1/filings?overdue=true").await;
    assert_eq!(ids(&overdue), vec![id31.clone()], "{overdue}");
    // Submitting late: no longer waiting, but not on time.
    let (s, late) = manager
        .post(
            &format!("/api/v1/filings/{id31}/submit"),
            json!({"version": 1, "content": guard_content(started)}),
        )
        .await;
    assert_eq!(s, 200, "{late}");
    assert_eq!(late["on_time"], false, "{late}");

    // Police of another county: not found, not listed, not on their overdue list.
    let (s, _) = other_county.get(&format!("/api/v1/filings/{id31}")).await;
    assert_eq!(s, 404);
    let (_, theirs) = other_county.get("/api/v1/filings").await;
    assert!(ids(&theirs).is_empty(), "{theirs}");
    let (_, theirs) = other_county.get("/api/v1/filings/overdue").await;
    assert!(ids(&theirs).is_empty(), "{theirs}");
    let (s, _) = other_county.get(&format!("/api/v1/units/{unit}/filings/summary")).await;
    assert_eq!(s, 404);
    let (_, mine) = county.get("/api/v1/filings").await;
    assert_eq!(ids(&mine).len(), 2, "{mine}");

    // The summary next to the inspection checklist.
    let (s, sum) = county.get(&format!("/api/v1/units/{unit}/filings/summary")).await;
    assert_eq!(s, 200, "{sum}");
    assert_eq!(sum["by_status"]["archived"], 1, "{sum}");
    assert_eq!(sum["by_status"]["submitted"], 1, "{sum}");
    assert_eq!(sum["overdue"], 1, "late is overdue: {sum}");

    // The system obligation path and the audit trail.
    let (_, audit) = app.admin().await.get("/api/v1/audit?action=filing.return").await;
    assert!(audit.to_string().contains(&id29), "{audit}");
}

#[tokio::test]
async fn a_designation_is_proposed_decided_and_the_unit_is_told() {
    let app = TestApp::demo().await;
    let manager = app.client_for("demo_unit").await;
    let county = app.client_for("demo_county").await;
    let other_county = app.client_for("demo_county_other").await;
    let (_, me) = manager.get("/api/v1/me").await;
    let unit = me["unit_id"].as_str().unwrap().to_string();
    let today = today();

    // Only county-level police propose, within a category.
    let (s, _) = manager
        .post(
            &format!("/api/v1/units/{unit}/designations"),
            json!({"kind": "counter_terror", "reason": "人员密集"}),
        )
        .await;
    assert_eq!(s, 403);
    let (s, _) = other_county
        .post(
            &format!("/api/v1/units/{unit}/designations"),
            json!({"kind": "counter_terror", "reason": "人员密集"}),
        )
        .await;
    assert_eq!(s, 404);
    let (s, v) = county
        .post(
            &format!("/api/v1/units/{unit}/designations"),
            json!({"kind": "key_unit", "reason": "大型商贸中心"}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    let (s, d) = county
        .post(
            &format!("/api/v1/units/{unit}/designations"),
            json!({"kind": "counter_terror", "grade": "二级", "reason": "人员密集场所"}),
        )
        .await;
    assert_eq!(s, 201, "{d}");
    assert_eq!(d["status"], "proposed");
    let id = d["id"].as_str().unwrap().to_string();

    // The decision from the government's document: flag set in the registry, unit told.
    let (s, v) = county
        .post(
            &format!("/api/v1/designations/{id}/decide"),
            json!({"version": 1, "authority": "某市人民政府", "document_number": "某政〔2026〕1号", "decided_on": today + Duration::days(1)}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    let (s, decided) = county
        .post(
            &format!("/api/v1/designations/{id}/decide"),
            json!({"version": 1, "authority": "某市反恐怖工作领导小组", "document_number": "某反恐〔2026〕1号", "decided_on": today, "notice_on": today}),
        )
        .await;
    assert_eq!(s, 200, "{decided}");
    assert_eq!(decided["status"], "decided");
    assert_eq!(decided["document_number"], "某反恐〔2026〕1号");
    let steps: Vec<&str> = decided["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["action"].as_str().unwrap())
        .collect();
    assert_eq!(steps, vec!["propose", "decide"]);
    let (_, after) = county.get(&format!("/api/v1/units/{unit}")).await;
    assert_eq!(after["is_counter_terror_target"], true, "{after}");
    let (_, inbox) = manager.get("/api/v1/inbox").await;
    assert_eq!(titles(&inbox, "本单位已被确定为防范恐怖袭击重点目标"), 1, "{inbox}");
    // Deciding twice: refused.
    let (s, v) = county
        .post(
            &format!("/api/v1/designations/{id}/decide"),
            json!({"version": 2, "authority": "某市", "document_number": "2号", "decided_on": today}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (409, "invalid_transition"), "{v}");

    // The unit sees its own record; another county's police do not.
    let (s, mine) = manager.get("/api/v1/designations").await;
    assert_eq!(s, 200);
    assert_eq!(ids(&mine), vec![id.clone()]);
    let (_, theirs) = other_county.get("/api/v1/designations").await;
    assert!(ids(&theirs).is_empty(), "{theirs}");

    // Revocation clears the flag.
    let (s, rev) = county
        .post(
            &format!("/api/v1/designations/{id}/revoke"),
            json!({"version": 2, "document_number": "某反恐〔2026〕9号", "decided_on": today, "note": "目标调整"}),
        )
        .await;
    assert_eq!(s, 200, "{rev}");
    assert_eq!(rev["status"], "revoked");
    let (_, after) = county.get(&format!("/api/v1/units/{unit}")).await;
    assert_eq!(after["is_counter_terror_target"], false, "{after}");
    let (_, audit) = app.admin().await.get("/api/v1/audit?action=designation.decide").await;
    assert!(audit.to_string().contains(&id), "{audit}");
}
