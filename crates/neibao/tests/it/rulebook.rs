//! The unit's written security rules (docs/RULEBOOK.md; Decree 421 Art 8 and 12, R9 and R13),
//! over HTTP: versions kept and superseded, subject 8 不适用, completeness, staff signing, the
//! annual review reminder sent once by the scheduler, and who sees what.

use std::collections::BTreeSet;

use chrono::{Duration, Utc};
use serde_json::{json, Value};

use crate::common::*;

fn today() -> chrono::NaiveDate {
    Utc::now().with_timezone(&chrono_tz::Asia::Shanghai).date_naive()
}

fn version(title: &str, published: chrono::NaiveDate) -> Value {
    json!({
        "title": title,
        "body": format!("{title}正文：第一条 本单位人员应当遵守本制度。"),
        "approved_on": published - Duration::days(3),
        "published_on": published,
    })
}

fn subject(book: &Value, n: i64) -> &Value {
    book["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["subject"] == n)
        .unwrap_or_else(|| panic!("subject {n} in {book}"))
}

/// POSTs `body` with an `Idempotency-Key`.
async fn post_keyed(c: &Client, path: &str, key: &str, body: &Value) -> (u16, Value) {
    let r = c
        .http
        .post(format!("{}{path}", c.base))
        .bearer_auth(&c.token)
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_unit_publishes_its_rules_staff_sign_and_police_see_the_coverage() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let manager = app.client_for("demo_unit").await;
    let guard = app.client_for("demo_guard").await;
    let (_, me) = manager.get("/api/v1/me").await;
    let unit = me["unit_id"].as_str().unwrap().to_string();
    let base = format!("/api/v1/units/{unit}/rulebook");
    let today = today();

    // Nothing yet: nine subjects missing.
    let (s, book) = manager.get(&base).await;
    assert_eq!(s, 200, "{book}");
    assert_eq!(book["covered"], 0);
    assert_eq!(book["total"], 9);
    assert_eq!(subject(&book, 3)["state"], "missing");
    assert_eq!(subject(&book, 3)["state_label"], "缺失");

    // Two versions of subject 1: the second supersedes, the first is kept. The first create is
    // replayed with its key and makes one version.
    let first = version("门卫值班巡查制度", today - Duration::days(30));
    let (s, v1) = post_keyed(&manager, &format!("{base}/1/versions"), "rb-1", &first).await;
    assert_eq!(s, 201, "{v1}");
    assert_eq!(v1["version"], 1);
    let (s, again) = post_keyed(&manager, &format!("{base}/1/versions"), "rb-1", &first).await;
    assert_eq!(s, 201, "{again}");
    assert_eq!(again["id"], v1["id"], "the replay answers the first version");
    let (s, v2) = manager
        .post(
            &format!("{base}/1/versions"),
            version("门卫值班巡查制度（修订）", today),
        )
        .await;
    assert_eq!(s, 201, "{v2}");
    assert_eq!(v2["version"], 2);
    let (_, versions) = manager.get(&format!("{base}/1/versions")).await;
    let versions = versions.as_array().unwrap();
    assert_eq!(versions.len(), 2, "{versions:?}");
    assert_eq!(versions[0]["id"], v2["id"]);
    assert_eq!(versions[1]["id"], v1["id"]);
    assert_eq!(
        versions[1]["title"], "门卫值班巡查制度",
        "the first version is unchanged"
    );

    // Bad input: a stable code and a Chinese message; nothing stored.
    let mut bad = version("坏制度", today);
    bad["approved_on"] = json!(today + Duration::days(1));
    let (s, v) = manager.post(&format!("{base}/2/versions"), bad).await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    assert!(error_message(&v).contains("批准日期不能晚于发布日期"), "{v}");
    let (s, v) = manager
        .post(
            &format!("{base}/2/versions"),
            version("未来制度", today + Duration::days(2)),
        )
        .await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    let (s, v) = manager
        .post(
            &format!("{base}/1/versions"),
            version("倒填制度", today - Duration::days(60)),
        )
        .await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    assert!(error_message(&v).contains("现行版本"), "{v}");
    let (s, v) = manager
        .post(&format!("{base}/10/versions"), version("第十项", today))
        .await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    let mut empty = version("空", today);
    empty["title"] = json!("  ");
    let (s, v) = manager.post(&format!("{base}/2/versions"), empty).await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");

    // Subject 2 published 366 days ago: 待复审.
    let (s, old) = manager
        .post(
            &format!("{base}/2/versions"),
            version("场所安全管理制度", today - Duration::days(366)),
        )
        .await;
    assert_eq!(s, 201, "{old}");

    // Subject 8 不适用 (with a reason); another subject may not be, nor without a reason.
    let (s, v) = manager
        .put(
            &format!("{base}/1/applicability"),
            json!({"not_applicable": true, "reason": "无"}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    let (s, v) = manager
        .put(
            &format!("{base}/8/applicability"),
            json!({"not_applicable": true, "reason": " "}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    let (s, book) = manager
        .put(
            &format!("{base}/8/applicability"),
            json!({"not_applicable": true, "reason": "本单位不存放危险物品和武器弹药"}),
        )
        .await;
    assert_eq!(s, 200, "{book}");

    // Completeness: 1 current, 2 due for review, 8 not applicable, the other six missing.
    assert_eq!(book["covered"], 3, "{book}");
    assert_eq!(book["review_due"], 1, "{book}");
    assert_eq!(subject(&book, 1)["state"], "current");
    assert_eq!(subject(&book, 1)["current"]["id"], v2["id"]);
    assert_eq!(subject(&book, 1)["versions"], 2);
    assert_eq!(subject(&book, 2)["state"], "review_due");
    assert_eq!(subject(&book, 2)["state_label"], "待复审");
    assert_eq!(subject(&book, 8)["state"], "not_applicable");
    assert_eq!(
        subject(&book, 8)["not_applicable"]["reason"],
        "本单位不存放危险物品和武器弹药"
    );
    let missing: Vec<i64> = book["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["state"] == "missing")
        .map(|s| s["subject"].as_i64().unwrap())
        .collect();
    assert_eq!(missing, vec![3, 4, 5, 6, 7, 9]);

    // The guard reads, may not publish, and signs the current version of subject 1.
    let (s, v) = guard.get(&base).await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = guard
        .post(&format!("{base}/3/versions"), version("保安制度", today))
        .await;
    assert_eq!((s, error_code(&v)), (403, "forbidden"), "{v}");
    let (s, v) = guard
        .post(&format!("{base}/1/acknowledgements"), json!({"version_id": v1["id"]}))
        .await;
    assert_eq!(
        (s, error_code(&v)),
        (409, "conflict"),
        "a superseded version is not signed: {v}"
    );
    let (s, ack) = guard
        .post(&format!("{base}/1/acknowledgements"), json!({"version_id": v2["id"]}))
        .await;
    assert_eq!(s, 201, "{ack}");
    let (_, guard_me) = guard.get("/api/v1/me").await;
    assert_eq!(ack["signed_name"], guard_me["display_name"]);
    let (s, again) = guard
        .post(&format!("{base}/1/acknowledgements"), json!({"version_id": v2["id"]}))
        .await;
    assert_eq!(s, 200, "signed before: {again}");
    assert_eq!(again["acknowledged_at"], ack["acknowledged_at"]);
    // Police read but do not sign.
    let station = app.client_for("demo_station").await;
    let (s, v) = station
        .post(&format!("{base}/1/acknowledgements"), json!({"version_id": v2["id"]}))
        .await;
    assert_eq!((s, error_code(&v)), (403, "forbidden"), "{v}");

    // The manager sees who has and has not signed.
    let (s, roster) = manager.get(&format!("{base}/1/acknowledgements")).await;
    assert_eq!(s, 200, "{roster}");
    assert_eq!(roster["version"]["id"], v2["id"]);
    assert_eq!(roster["acknowledged"], 1, "{roster}");
    let staff = roster["staff"].as_array().unwrap();
    let signed: Vec<&str> = staff
        .iter()
        .filter(|p| !p["acknowledged_at"].is_null())
        .map(|p| p["username"].as_str().unwrap())
        .collect();
    assert_eq!(signed, vec!["demo_guard"], "{roster}");
    assert!(
        staff
            .iter()
            .any(|p| p["username"] == "demo_unit" && p["acknowledged_at"].is_null()),
        "the manager has not signed: {roster}"
    );
    let (_, book) = manager.get(&base).await;
    assert_eq!(subject(&book, 1)["acknowledged"], 1);
    let (_, gbook) = guard.get(&base).await;
    assert_eq!(subject(&gbook, 1)["acknowledged_by_me"], true);
    // The signature is audited.
    let (_, audit) = admin
        .get("/api/v1/audit?action=rulebook.acknowledge&per_page=100")
        .await;
    assert!(
        audit.to_string().contains(v2["id"].as_str().unwrap()),
        "the signature in the audit log: {audit}"
    );

    // The daily scheduler: subject 2's version is 待复审 and its unit gets one notice, once.
    let reminders = |inbox: &Value| -> usize {
        inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["title"].as_str().unwrap_or("").starts_with("治安保卫制度待复审"))
            .count()
    };
    let (_, inbox) = manager.get("/api/v1/inbox").await;
    assert_eq!(reminders(&inbox), 0, "{inbox}");
    let scheduler = app.scheduler("rulebook-node");
    scheduler.tick(Utc::now() + Duration::minutes(1)).await.unwrap();
    scheduler.tick(Utc::now() + Duration::minutes(2)).await.unwrap();
    scheduler.tick(Utc::now() + Duration::days(1)).await.unwrap();
    let (_, inbox) = manager.get("/api/v1/inbox").await;
    assert_eq!(reminders(&inbox), 1, "exactly one reminder: {inbox}");
    let item = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"].as_str().unwrap_or("").starts_with("治安保卫制度待复审"))
        .unwrap();
    assert!(item["title"].as_str().unwrap().contains("场所安全管理制度"), "{item}");
    assert_eq!(item["link"], format!("/units/{unit}/rulebook"));

    // Another unit's manager: not found, nothing written.
    let other = create_unit(&admin, "规章测试外单位", "330206", "91330206MA2RB0001").await;
    let (s, acc) = admin
        .post(
            "/api/v1/users",
            json!({"username": "rb_other_manager", "display_name": "外单位保卫负责人", "role": "unit_manager", "unit_id": other}),
        )
        .await;
    assert_eq!(s, 201, "{acc}");
    let stranger = app.client_for("rb_other_manager").await;
    let (s, _) = stranger.get(&base).await;
    assert_eq!(s, 404);
    let (s, _) = stranger
        .post(&format!("{base}/3/versions"), version("越权制度", today))
        .await;
    assert_eq!(s, 404);
    let (s, _) = stranger.get(&format!("{base}/1/acknowledgements")).await;
    assert_eq!(s, 404);
    let (_, own) = stranger.get("/api/v1/rulebook").await;
    let ids: Vec<&str> = own["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["unit_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![other.as_str()], "a unit manager's list is their unit");

    // A station officer's coverage list: exactly the units of their jurisdiction, paged.
    let (_, units) = station.get("/api/v1/units?per_page=200").await;
    let theirs: BTreeSet<String> = units["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_string())
        .collect();
    let (s, list) = station.get("/api/v1/rulebook?per_page=200").await;
    assert_eq!(s, 200, "{list}");
    let listed: BTreeSet<String> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["unit_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(listed, theirs);
    assert!(listed.contains(&unit) && !listed.contains(&other));
    let row = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit_id"] == unit.as_str())
        .unwrap();
    assert_eq!(row["covered"], 3, "{row}");
    let (s, page) = station.get("/api/v1/rulebook?per_page=1&page=1").await;
    assert_eq!(s, 200);
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["total"].as_i64().unwrap(), theirs.len() as i64);
    let (s, v) = station.get("/api/v1/rulebook?page=0").await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");

    // Filtered to incomplete units: the demo unit until its other six subjects are published.
    let incomplete = |v: &Value| -> bool {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["unit_id"] == unit.as_str())
    };
    let (_, l) = station.get("/api/v1/rulebook?incomplete=true&per_page=200").await;
    assert!(incomplete(&l), "{l}");
    for n in [3, 4, 5, 6, 7, 9] {
        let (s, v) = manager
            .post(&format!("{base}/{n}/versions"), version(&format!("第{n}项制度"), today))
            .await;
        assert_eq!(s, 201, "{v}");
    }
    let (_, l) = station.get("/api/v1/rulebook?incomplete=true&per_page=200").await;
    assert!(!incomplete(&l), "a complete unit is not listed: {l}");
    let (_, book) = manager.get(&base).await;
    assert_eq!(book["covered"], 9, "{book}");

    // A closed (注销) unit's rules stay readable; nothing is added.
    let (_, o) = admin.get(&format!("/api/v1/units/{other}")).await;
    let (s, v) = admin
        .post(
            &format!("/api/v1/units/{other}/close"),
            json!({"version": o["version"]}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = stranger
        .post(
            &format!("/api/v1/units/{other}/rulebook/1/versions"),
            version("注销后制度", today),
        )
        .await;
    assert_eq!((s, error_code(&v)), (409, "invalid_transition"), "{v}");
    let (s, _) = stranger.get(&format!("/api/v1/units/{other}/rulebook")).await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn the_pages_show_the_rules_and_let_staff_sign() {
    let app = TestApp::demo().await;
    let manager = app.client_for("demo_unit").await;
    let (_, me) = manager.get("/api/v1/me").await;
    let unit = me["unit_id"].as_str().unwrap().to_string();
    let b = app.browser("demo_unit", DEMO_PASSWORD).await;
    let page = b
        .get(app.url(&format!("/units/{unit}/rulebook")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("门卫、值班、巡查制度") && page.contains("缺失"), "{page}");
    let csrf = csrf_of(&page);
    let today = today().to_string();
    let r = b
        .post(app.url(&format!("/units/{unit}/rulebook/versions")))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("subject", "5"),
            ("title", "治安防范教育培训制度"),
            ("body", "每季度组织一次培训。"),
            ("approved_on", today.as_str()),
            ("published_on", today.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success() || r.status().is_redirection(), "{}", r.status());
    let page = r.text().await.unwrap();
    assert!(page.contains("治安防范教育培训制度") && page.contains("现行"), "{page}");
    // A refused form is shown again with its message and values.
    let r = b
        .post(app.url(&format!("/units/{unit}/rulebook/versions")))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("subject", "6"),
            ("title", "报告制度"),
            ("body", "发生案件立即报告。"),
            ("approved_on", "2020-02-02"),
            ("published_on", "2020-01-01"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("批准日期不能晚于发布日期") && page.contains("报告制度"),
        "{page}"
    );

    // The guard signs on the page.
    let g = app.browser("demo_guard", DEMO_PASSWORD).await;
    let page = g
        .get(app.url(&format!("/units/{unit}/rulebook")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"sign-5\""), "{page}");
    let version_id = page
        .split("name=\"version_id\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    let r = g
        .post(app.url(&format!("/units/{unit}/rulebook/acknowledge")))
        .form(&[
            ("csrf_token", csrf_of(&page).as_str()),
            ("subject", "5"),
            ("version_id", version_id.as_str()),
        ])
        .send()
        .await
        .unwrap();
    let page = r.text().await.unwrap();
    assert!(page.contains("您已签署：我已阅读并遵守"), "{page}");
    // Police reach the list from the navigation.
    let p = app.browser("demo_station", DEMO_PASSWORD).await;
    let page = p.get(app.url("/rulebook")).send().await.unwrap().text().await.unwrap();
    assert!(
        page.contains("href=\"/rulebook\"") && page.contains(&format!("/units/{unit}/rulebook")),
        "{page}"
    );
}

/// Posts `bytes` as the multipart field `file` named `name`.
async fn upload(c: &Client, path: &str, name: &str, bytes: &[u8]) -> (u16, Value) {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes.to_vec())
            .file_name(name.to_string())
            .mime_str("application/pdf")
            .unwrap(),
    );
    let r = c
        .http
        .post(format!("{}{path}", c.base))
        .bearer_auth(&c.token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    (s, r.json::<Value>().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_current_version_keeps_one_signed_pdf() {
    let app = TestApp::demo().await;
    let manager = app.client_for("demo_unit").await;
    let guard = app.client_for("demo_guard").await;
    let station = app.client_for("demo_station").await;
    let (_, me) = manager.get("/api/v1/me").await;
    let unit = me["unit_id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/units/{unit}/rulebook/2/pdf");

    // No version yet: nothing to attach to.
    let (s, v) = upload(&manager, &path, "制度.pdf", b"%PDF-1.7\n%demo").await;
    assert_eq!(s, 409, "{v}");
    assert_eq!(error_code(&v), "conflict");

    let (s, v) = manager
        .post(
            &format!("/api/v1/units/{unit}/rulebook/2/versions"),
            version("场所安全管理制度", today()),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let version_id = v["id"].as_str().unwrap().to_string();

    // Not a PDF: refused, nothing stored; a guard may not attach.
    let (s, v) = upload(&manager, &path, "制度.pdf", b"<html>not a pdf</html>").await;
    assert_eq!(s, 400, "{v}");
    assert_eq!(error_code(&v), "validation_failed");
    let (s, v) = upload(&guard, &path, "制度.pdf", b"%PDF-1.7\n%demo").await;
    assert_eq!(s, 403, "{v}");

    let (s, a) = upload(&manager, &path, "场所安全管理制度（签发）", b"%PDF-1.7\n%demo").await;
    assert_eq!(s, 201, "{a}");
    assert_eq!(a["owner_kind"], "rule_version");
    assert_eq!(a["owner_id"], version_id.as_str());
    assert_eq!(a["name"], "场所安全管理制度（签发）.pdf");
    assert_eq!(a["content_type"], "application/pdf");
    // Never replaced: a changed text is a new version.
    let (s, v) = upload(&manager, &path, "第二份.pdf", b"%PDF-1.7\n%other").await;
    assert_eq!(s, 409, "{v}");

    // Police of the jurisdiction read it; the page links it.
    let id = a["id"].as_str().unwrap();
    let r = station
        .http
        .get(format!("{}/api/v1/attachments/{id}", station.base))
        .bearer_auth(&station.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"%PDF-1.7\n%demo");
    let b = app.browser("demo_unit", DEMO_PASSWORD).await;
    let page = b
        .get(app.url(&format!("/units/{unit}/rulebook")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(&format!("/api/v1/attachments/{id}")), "{page}");
    assert!(page.contains("id=\"pdf-2\""), "{page}");

    // The audit trail names it in Chinese.
    let admin = app.admin().await;
    let (_, log) = admin.get("/api/v1/audit?action=rulebook.pdf").await;
    assert!(log.to_string().contains("上传了治安保卫制度版本的签发文本"), "{log}");
}
