//! Credit (诚信, docs/CREDIT.md; R30) over HTTP: county police enter a credit entry by hand and
//! the grade falls; the unit's manager objects (a double submit with one Idempotency-Key makes
//! one objection) with an evidence file; the police are told, withdraw the entry on review and
//! it no longer counts in the score (its history stays); a rejected objection leaves its entry
//! counting; a pending objection past its deadline is listed as overdue after the scheduler's
//! tick (controlled clock); a guard, a station, another unit and a department cannot act; bad
//! input is refused in Chinese.

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

async fn score(c: &Client, unit: &str) -> (i64, String) {
    let (s, v) = c.get(&format!("/api/v1/units/{unit}/credit")).await;
    assert_eq!(s, 200, "{v}");
    (v["score"].as_i64().unwrap(), v["grade"].as_str().unwrap().to_string())
}

fn in_a_year() -> String {
    (Utc::now() + Duration::days(365)).date_naive().to_string()
}

fn entry(points: i64, published: bool) -> Value {
    json!({
        "kind": "other_violation",
        "points": points,
        "basis": "《企业事业单位内部治安保卫条例》第十九条",
        "reason": "未按规定落实值班巡查制度，经责令改正仍未改正。",
        "expires_on": in_a_year(),
        "published": published,
    })
}

#[tokio::test]
async fn a_manual_entry_is_objected_to_withdrawn_or_kept_and_goes_overdue() {
    let app = TestApp::demo().await;
    let county = app.client_for("demo_county").await;
    let station = app.client_for("demo_station").await;
    let manager = app.client_for("demo_unit").await;
    let guard = app.client_for("demo_guard").await;
    let department = app.client_for("demo_department").await;
    let (_, m) = manager.get("/api/v1/me").await;
    let unit = m["unit_id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/units/{unit}/credit-entries");
    let (_, d) = department.get("/api/v1/me").await;
    let dept = d["org_id"].as_str().unwrap().to_string();
    app.exec_sql(&format!(
        "UPDATE units SET competent_department_id = '{dept}' WHERE id = '{unit}'"
    ))
    .await;
    let (base, _) = score(&county, &unit).await;

    // Bad input, in Chinese.
    for (body, word) in [
        (
            json!({"kind": "nonsense", "points": 5, "basis": "x", "reason": "x", "expires_on": in_a_year()}),
            "记录类型",
        ),
        (
            json!({"kind": "other_violation", "points": 101, "basis": "x", "reason": "x", "expires_on": in_a_year()}),
            "扣分",
        ),
        (
            json!({"kind": "other_violation", "basis": "x", "reason": "x", "expires_on": in_a_year()}),
            "扣分",
        ),
        (
            json!({"kind": "other_violation", "points": 5, "basis": " ", "reason": "x", "expires_on": in_a_year()}),
            "法律依据",
        ),
        (
            json!({"kind": "other_violation", "points": 5, "basis": "x", "reason": "x", "expires_on": "2020-01-01"}),
            "有效期",
        ),
        (
            json!({"kind": "other_violation", "points": 5, "basis": "x", "reason": "x", "expires_on": "明年"}),
            "有效期",
        ),
    ] {
        let (s, v) = county.post(&path, body).await;
        assert_eq!(s, 400, "{v}");
        assert!(error_message(&v).contains(word), "{word}: {v}");
    }
    // Only county-level and higher police enter entries.
    for c in [&station, &manager, &guard, &department] {
        let (s, v) = c.post(&path, entry(30, false)).await;
        assert_eq!(s, 403, "{v}");
    }

    // A manual entry lowers the score and grade at once.
    let (s, e1) = county.post(&path, entry(30, false)).await;
    assert_eq!(s, 201, "{e1}");
    assert_eq!(e1["manual"], true);
    assert_eq!(e1["published"], false);
    let e1_id = e1["id"].as_str().unwrap().to_string();
    let (after, grade) = score(&county, &unit).await;
    assert_eq!(after, (base - 30).max(0));
    assert_ne!(grade, "A", "a 30-point deduction leaves grade A");
    // The unit sees it; the department sees only published entries.
    let (_, v) = manager.get(&path).await;
    assert!(v.to_string().contains(&e1_id), "{v}");
    let (s, v) = department.get(&path).await;
    assert_eq!(s, 200, "{v}");
    assert!(!v.to_string().contains(&e1_id), "{v}");
    let (_, v) = department.get(&format!("/api/v1/units/{unit}/credit")).await;
    assert!(!v.to_string().contains(&e1_id), "{v}");
    let (s, e2) = county.post(&path, entry(10, true)).await;
    assert_eq!(s, 201, "{e2}");
    let e2_id = e2["id"].as_str().unwrap().to_string();
    let (_, v) = department.get(&path).await;
    assert!(v.to_string().contains(&e2_id), "{v}");
    assert_eq!(score(&county, &unit).await.0, (base - 40).max(0));

    // The unit objects; a double submit with one key makes one objection.
    let opath = format!("/api/v1/credit-entries/{e1_id}/objections");
    let (s, v) = manager.post(&opath, json!({"text": "  "})).await;
    assert_eq!(s, 400, "{v}");
    assert!(error_message(&v).contains("异议理由"), "{v}");
    for c in [&guard, &station, &county] {
        let (s, v) = c.post(&opath, json!({"text": "不服"})).await;
        assert_eq!(s, 403, "{v}");
    }
    let body = json!({"text": "值班记录齐全，巡查制度已落实，请复核。"});
    let (s1, o1) = keyed(&manager, &opath, "credit-objection-1", &body).await;
    let (s2, o2) = keyed(&manager, &opath, "credit-objection-1", &body).await;
    assert_eq!((s1, s2), (201, 201), "{o1} {o2}");
    assert_eq!(o1["id"], o2["id"]);
    let oid = o1["id"].as_str().unwrap().to_string();
    assert_eq!(o1["state"], "pending");
    let (_, l) = county.get("/api/v1/credit-objections?state=pending").await;
    assert_eq!(l["total"], 1, "{l}");
    // A second objection while one is pending: refused.
    let (s, v) = manager.post(&opath, body.clone()).await;
    assert_eq!(s, 409, "{v}");
    assert!(error_message(&v).contains("待复核"), "{v}");
    // The police are told.
    assert!(
        inbox_titles(&county).await.iter().any(|t| t.contains("收到诚信异议")),
        "county inbox"
    );
    // Evidence.
    let r = manager
        .http
        .post(format!("{}/api/v1/credit-objections/{oid}/evidence", manager.base))
        .bearer_auth(&manager.token)
        .multipart(
            reqwest::multipart::Form::new().part(
                "file",
                reqwest::multipart::Part::bytes(b"%PDF-1.4 duty log".to_vec())
                    .file_name("值班记录.pdf")
                    .mime_str("application/pdf")
                    .unwrap(),
            ),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let (s, d) = county.get(&format!("/api/v1/credit-objections/{oid}")).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["evidence"].as_array().unwrap().len(), 1, "{d}");
    assert_eq!(d["record"]["id"], e1_id.as_str());

    // Review: only county-level and higher police; bad input in Chinese.
    let dpath = format!("/api/v1/credit-objections/{oid}/decision");
    for c in [&station, &manager, &guard] {
        let (s, v) = c.post(&dpath, json!({"decision": "withdraw", "reason": "x"})).await;
        assert_eq!(s, 403, "{v}");
    }
    let (s, v) = county.post(&dpath, json!({"decision": "withdraw", "reason": ""})).await;
    assert_eq!(s, 400, "{v}");
    assert!(error_message(&v).contains("复核理由"), "{v}");
    let (s, v) = county.post(&dpath, json!({"decision": "maybe", "reason": "x"})).await;
    assert_eq!(s, 400, "{v}");
    assert!(error_message(&v).contains("复核结果"), "{v}");
    let (s, v) = county.post(&dpath, json!({"decision": "amend", "reason": "x"})).await;
    assert_eq!(s, 400, "{v}");
    // Correction: withdrawn, no longer in the score; the history stays.
    let (s, v) = county
        .post(
            &dpath,
            json!({"decision": "withdraw", "reason": "经核查，值班巡查记录齐全，原记录有误。"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["objection"]["state"], "corrected");
    assert!(v["record"]["withdrawn_at"].is_string(), "{v}");
    assert_eq!(score(&county, &unit).await.0, (base - 10).max(0));
    assert_eq!(score(&manager, &unit).await.0, (base - 10).max(0));
    let (_, v) = manager.get(&path).await;
    let kept = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == e1_id.as_str())
        .unwrap()
        .clone();
    assert!(
        kept["withdrawal_reason"].as_str().unwrap().contains("原记录有误"),
        "{kept}"
    );
    let (_, due) = county.get("/api/v1/supervision/due?per_page=200").await;
    if let Some(row) = due["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unit_id"] == unit.as_str())
    {
        assert_eq!(row["score"].as_i64().unwrap(), (base - 10).max(0), "{row}");
    }
    let (s, v) = county.post(&dpath, json!({"decision": "reject", "reason": "x"})).await;
    assert_eq!(s, 409, "decided once: {v}");
    assert!(inbox_titles(&manager)
        .await
        .iter()
        .any(|t| t.contains("诚信异议已复核")));
    // A withdrawn entry cannot be objected to again.
    let (s, _) = manager.post(&opath, body.clone()).await;
    assert_eq!(s, 409);

    // Rejection: the entry keeps counting.
    let (s, o) = manager
        .post(
            &format!("/api/v1/credit-entries/{e2_id}/objections"),
            json!({"text": "处罚过重"}),
        )
        .await;
    assert_eq!(s, 201, "{o}");
    let (s, v) = county
        .post(
            &format!("/api/v1/credit-objections/{}/decision", o["id"].as_str().unwrap()),
            json!({"decision": "reject", "reason": "事实清楚，依据充分，维持原记录。"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["objection"]["state"], "rejected");
    assert_eq!(score(&county, &unit).await.0, (base - 10).max(0));

    // Amend: new points count.
    let (s, e3) = county.post(&path, entry(20, false)).await;
    assert_eq!(s, 201, "{e3}");
    let (_, o3) = manager
        .post(
            &format!("/api/v1/credit-entries/{}/objections", e3["id"].as_str().unwrap()),
            json!({"text": "扣分过多"}),
        )
        .await;
    let (s, v) = county
        .post(
            &format!("/api/v1/credit-objections/{}/decision", o3["id"].as_str().unwrap()),
            json!({"decision": "amend", "reason": "情节较轻，调整为扣5分。", "points": 5}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["record"]["points"], 5);
    assert_eq!(score(&county, &unit).await.0, (base - 15).max(0));

    // Isolation: another unit's manager, another county and a department do not find it.
    let admin = app.admin().await;
    let other = create_unit(&admin, "诚信测试外单位", "330206", "91330206MA2CR0001").await;
    let (s, acc) = admin
        .post(
            "/api/v1/users",
            json!({"username": "cr_other_mgr", "display_name": "外单位负责人", "role": "unit_manager", "unit_id": other}),
        )
        .await;
    assert_eq!(s, 201, "{acc}");
    let stranger = app.client_for("cr_other_mgr").await;
    for c in [&stranger, &app.client_for("demo_county_other").await] {
        let (s, _) = c.get(&format!("/api/v1/credit-objections/{oid}")).await;
        assert_eq!(s, 404);
        let (_, l) = c.get("/api/v1/credit-objections").await;
        assert_eq!(l["total"], 0, "{l}");
        let (s, _) = c.get(&path).await;
        assert_eq!(s, 404);
    }
    let (s, _) = stranger
        .post(
            &format!("/api/v1/credit-entries/{e2_id}/objections"),
            json!({"text": "x"}),
        )
        .await;
    assert_eq!(s, 404);
    let (s, _) = department.get("/api/v1/credit-objections").await;
    assert_eq!(s, 403);

    // Overdue: a pending objection past the 15-day deadline is listed as overdue.
    let (_, e4) = county.post(&path, entry(5, false)).await;
    let (s, o4) = manager
        .post(
            &format!("/api/v1/credit-entries/{}/objections", e4["id"].as_str().unwrap()),
            json!({"text": "请复核"}),
        )
        .await;
    assert_eq!(s, 201, "{o4}");
    let o4_id = o4["id"].as_str().unwrap().to_string();
    tick_all(&app, Utc::now() + Duration::days(14)).await;
    let (_, l) = county.get("/api/v1/credit-objections?overdue=true").await;
    assert_eq!(l["total"], 0, "{l}");
    tick_all(&app, Utc::now() + Duration::days(16)).await;
    let (_, l) = county.get("/api/v1/credit-objections?overdue=true").await;
    assert_eq!(l["total"], 1, "{l}");
    assert_eq!(l["items"][0]["id"], o4_id.as_str());
    assert!(inbox_titles(&county).await.iter().any(|t| t.contains("超过复核期限")));

    // The pages.
    let br = app.browser("demo_county", DEMO_PASSWORD).await;
    let html = br
        .get(app.url("/credit/objections?overdue=true"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("已超期") && html.contains(&o4_id), "{html}");
    let br = app.browser("demo_unit", DEMO_PASSWORD).await;
    let html = br
        .get(app.url(&format!("/units/{unit}/credit")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("已撤销") && html.contains("提交异议"), "{html}");
}
