//! Idempotent creating requests (issue 20 item 1): an API call with an `Idempotency-Key`, a UI
//! form with its one-time `_once` token, sent twice (a double tap, a retry), makes one record
//! and the repeat gets the first answer. Runs on SQLite and, with
//! NEIBAO_TEST_BACKEND=postgres, on PostgreSQL.

use chrono::{Duration, Utc};
use serde_json::{json, Value};

use crate::common::*;

/// POSTs `body` to `path` with the bearer token of `c` and `Idempotency-Key: key`; the status,
/// whether the answer says it is a repeat, the body as text.
async fn keyed(c: &Client, path: &str, key: &str, body: &Value) -> (u16, bool, String) {
    let r = c
        .http
        .post(format!("{}{}", c.base, path))
        .bearer_auth(&c.token)
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .unwrap();
    let replayed = r.headers().get("idempotent-replayed").is_some_and(|v| v == "true");
    (r.status().as_u16(), replayed, r.text().await.unwrap())
}

fn code(text: &str) -> String {
    serde_json::from_str::<Value>(text).unwrap_or(Value::Null)["error"]["code"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

/// How many hazards of the caller's jurisdiction carry `title`.
async fn hazards_titled(c: &Client, title: &str) -> usize {
    let (s, v) = c.get("/api/v1/hazards?per_page=100").await;
    assert_eq!(s, 200, "{v}");
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["title"] == title)
        .count()
}

async fn demo_unit_id(app: &TestApp) -> String {
    let c = app.client_for("demo_unit").await;
    let (_, me) = c.get("/api/v1/me").await;
    me["unit_id"].as_str().unwrap().to_string()
}

fn hazard(unit: &str, title: &str) -> Value {
    json!({"unit_id": unit, "title": title, "class": "general", "source": "report"})
}

#[tokio::test]
async fn an_api_repeat_gets_the_first_answer_and_makes_one_record() {
    let app = TestApp::demo().await;
    let county = app.client_for("demo_county").await;
    let unit = demo_unit_id(&app).await;
    let body = hazard(&unit, "幂等测试：消防通道堵塞");

    let (s1, r1, first) = keyed(&county, "/api/v1/hazards", "key-1", &body).await;
    assert_eq!(s1, 201, "{first}");
    assert!(!r1);
    let (s2, r2, second) = keyed(&county, "/api/v1/hazards", "key-1", &body).await;
    assert_eq!(s2, 201, "{second}");
    assert!(r2, "the repeat says it is one");
    assert_eq!(first, second, "the repeat gets the same body");
    assert_eq!(hazards_titled(&county, "幂等测试：消防通道堵塞").await, 1);

    // The same key with another body is refused, in Chinese.
    let other = hazard(&unit, "幂等测试：另一个隐患");
    let (s, _, v) = keyed(&county, "/api/v1/hazards", "key-1", &other).await;
    assert_eq!((s, code(&v).as_str()), (422, "idempotency_key_reused"), "{v}");
    assert!(v.contains("幂等键"), "{v}");
    assert_eq!(hazards_titled(&county, "幂等测试：另一个隐患").await, 0);

    // Keys are per user: another officer's same key is another request.
    let other_officer = app.client_for("demo_city").await;
    let (s, replayed, v) = keyed(&other_officer, "/api/v1/hazards", "key-1", &body).await;
    assert_eq!(s, 201, "{v}");
    assert!(!replayed);

    // Without the header a request runs as before: twice is two records.
    let plain = hazard(&unit, "幂等测试：无键");
    assert_eq!(county.post("/api/v1/hazards", plain.clone()).await.0, 201);
    assert_eq!(county.post("/api/v1/hazards", plain).await.0, 201);
    assert_eq!(hazards_titled(&county, "幂等测试：无键").await, 2);

    // A malformed key is refused before anything runs.
    let (s, _, v) = keyed(&county, "/api/v1/hazards", &"k".repeat(256), &body).await;
    assert_eq!((s, code(&v).as_str()), (400, "validation_failed"), "{v}");

    // After a day the sweep forgets the key: it may name a new request.
    let gone = app
        .store
        .sweep_idempotency_keys(Utc::now() + Duration::seconds(1))
        .await
        .unwrap();
    assert!(gone >= 2, "{gone}");
    let (s, replayed, v) = keyed(&county, "/api/v1/hazards", "key-1", &other).await;
    assert_eq!(s, 201, "{v}");
    assert!(!replayed);
}

#[tokio::test]
async fn a_refused_first_attempt_releases_its_key() {
    let app = TestApp::demo().await;
    let county = app.client_for("demo_county").await;
    let unit = demo_unit_id(&app).await;
    let bad = json!({"unit_id": unit, "title": "", "class": "general", "source": "report"});
    let (s, _, v) = keyed(&county, "/api/v1/hazards", "retry-1", &bad).await;
    assert_eq!(s, 400, "{v}");
    let good = hazard(&unit, "幂等测试：改正后重发");
    let (s, replayed, v) = keyed(&county, "/api/v1/hazards", "retry-1", &good).await;
    assert_eq!(s, 201, "{v}");
    assert!(!replayed);
    let (s, replayed, _) = keyed(&county, "/api/v1/hazards", "retry-1", &good).await;
    assert_eq!(s, 201);
    assert!(replayed);
    assert_eq!(hazards_titled(&county, "幂等测试：改正后重发").await, 1);
}

#[tokio::test]
async fn concurrent_repeats_make_one_record() {
    let app = TestApp::demo().await;
    let county = app.client_for("demo_county").await;
    let unit = demo_unit_id(&app).await;
    let body = hazard(&unit, "幂等测试：并发");
    let tasks: Vec<_> = (0..6)
        .map(|_| {
            let (c, body) = (county.clone(), body.clone());
            tokio::spawn(async move { keyed(&c, "/api/v1/hazards", "race-1", &body).await })
        })
        .collect();
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.unwrap());
    }
    let mut created = 0;
    for (s, replayed, v) in &answers {
        match s {
            201 => created += usize::from(!replayed),
            409 => assert_eq!(code(v), "idempotency_in_flight", "{v}"),
            _ => panic!("{s} {v}"),
        }
    }
    assert_eq!(created, 1, "{answers:?}");
    assert_eq!(hazards_titled(&county, "幂等测试：并发").await, 1);
}

#[tokio::test]
async fn a_secret_shown_once_is_not_answered_again() {
    let app = TestApp::demo().await;
    let county = app.client_for("demo_county").await;
    let unit = demo_unit_id(&app).await;
    let body = json!({"unit_id": unit, "format": "hikvision", "name": "幂等测试摄像机", "serial": "IDEM-1"});
    let (s, _, v) = keyed(&county, "/api/v1/devices", "dev-1", &body).await;
    assert_eq!(s, 201, "{v}");
    assert!(v.contains("ingest"), "{v}");
    let (s, _, v) = keyed(&county, "/api/v1/devices", "dev-1", &body).await;
    assert_eq!((s, code(&v).as_str()), (409, "idempotency_secret_shown"), "{v}");
    let (_, list) = county
        .get(&format!("/api/v1/devices?unit_id={unit}&per_page=100"))
        .await;
    let same = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["name"] == "幂等测试摄像机")
        .count();
    assert_eq!(same, 1, "{list}");
}

/// The value of the first `name="…" value="…"` field after `marker`.
fn field_of(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let i = html.find(&marker).unwrap_or_else(|| panic!("no field {name}")) + marker.len();
    html[i..].split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn a_form_sent_twice_makes_one_record_and_lands_on_it() {
    let app = TestApp::demo().await;
    let county = app.client_for("demo_county").await;
    let unit = demo_unit_id(&app).await;
    let b = app.browser("demo_county", DEMO_PASSWORD).await;
    let html = b
        .get(app.url(&format!("/hazards/new?unit_id={unit}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let once = field_of(&html, "_once");
    assert_eq!(once.len(), 32, "{html}");
    // Each render has its own token.
    let again = b
        .get(app.url(&format!("/hazards/new?unit_id={unit}")))
        .send()
        .await
        .unwrap();
    assert_ne!(field_of(&again.text().await.unwrap(), "_once"), once);
    let form = [
        ("csrf_token", csrf_of(&html)),
        ("_once", once.clone()),
        ("unit_id", unit.clone()),
        ("title", "幂等测试：表单".to_string()),
        ("class", "general".to_string()),
        ("source", "report".to_string()),
        ("description", String::new()),
    ];
    let r1 = b.post(app.url("/hazards")).form(&form).send().await.unwrap();
    assert_eq!(r1.status(), 200);
    let r2 = b.post(app.url("/hazards")).form(&form).send().await.unwrap();
    assert_eq!(r2.status(), 200);
    assert!(r1.url().path().starts_with("/hazards/"), "{}", r1.url());
    assert_eq!(r1.url().path(), r2.url().path(), "the repeat lands on the same record");
    assert_eq!(hazards_titled(&county, "幂等测试：表单").await, 1);

    // Sent at once (a double click without the page's script): still one record.
    let html = b
        .get(app.url(&format!("/hazards/new?unit_id={unit}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut form = form.clone();
    form[1].1 = field_of(&html, "_once");
    form[3].1 = "幂等测试：双击".to_string();
    let (a, c) = tokio::join!(
        b.post(app.url("/hazards")).form(&form).send(),
        b.post(app.url("/hazards")).form(&form).send()
    );
    let (a, c) = (a.unwrap(), c.unwrap());
    assert_eq!((a.status().as_u16(), c.status().as_u16()), (200, 200));
    assert_eq!(a.url().path(), c.url().path());
    assert_eq!(hazards_titled(&county, "幂等测试：双击").await, 1);

    // A refused form releases its token: corrected, it goes through.
    let html = b
        .get(app.url(&format!("/hazards/new?unit_id={unit}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    form[1].1 = field_of(&html, "_once");
    form[3].1 = String::new();
    let r = b.post(app.url("/hazards")).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 400);
    form[3].1 = "幂等测试：改正".to_string();
    let r = b.post(app.url("/hazards")).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.url().path().starts_with("/hazards/"));
    assert_eq!(hazards_titled(&county, "幂等测试：改正").await, 1);

    // The token of a sent form with other content: a Chinese refusal, nothing made.
    form[3].1 = "幂等测试：改了又发".to_string();
    let r = b.post(app.url("/hazards")).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("此表单已提交过"));
    assert_eq!(hazards_titled(&county, "幂等测试：改了又发").await, 0);
}

#[tokio::test]
async fn the_openapi_document_declares_the_key_on_every_post_that_needs_a_token() {
    let app = TestApp::spawn().await;
    let (_, doc) = app.admin().await.get("/api/v1/openapi.json").await;
    let mut posts = 0;
    for (path, ops) in doc["paths"].as_object().unwrap() {
        let Some(op) = ops.get("post") else { continue };
        let public = op["security"]
            .as_array()
            .is_some_and(|s| s.iter().all(|r| r == &json!({})));
        let declared = op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|p| p["name"] == "Idempotency-Key" && p["in"] == "header" && p["required"] != true);
        assert_eq!(declared, !public, "POST {path}");
        if !public {
            posts += 1;
            for status in ["409", "422"] {
                assert!(op["responses"].get(status).is_some(), "POST {path}: {status}");
            }
        }
    }
    assert!(posts > 20, "{posts}");
}

/// An evidence upload from the hazard page carries the page's `_once` token in its multipart
/// body: clicked twice (two submissions framed with different boundaries) it stores the file
/// once and both land on the hazard; the same token with another file is refused in Chinese.
#[tokio::test]
async fn an_upload_sent_twice_stores_one_file() {
    use reqwest::multipart::{Form, Part};
    let app = TestApp::demo().await;
    let county = app.client_for("demo_county").await;
    let unit = demo_unit_id(&app).await;
    let (s, h) = county.post("/api/v1/hazards", hazard(&unit, "幂等测试：上传")).await;
    assert_eq!(s, 201, "{h}");
    let id = h["id"].as_str().unwrap().to_string();
    let b = app.browser("demo_unit", DEMO_PASSWORD).await;
    let page = || async {
        let html = b
            .get(app.url(&format!("/hazards/{id}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let form = &html[html.find("enctype=\"multipart/form-data\"").expect("an upload form")..];
        (field_of(form, "csrf"), field_of(form, "_once"))
    };
    let (csrf, once) = page().await;
    assert_eq!(once.len(), 32);
    let form = |content: &'static [u8]| {
        Form::new().text("csrf", csrf.clone()).text("_once", once.clone()).part(
            "file",
            Part::bytes(content.to_vec())
                .file_name("整改照片.pdf")
                .mime_str("application/pdf")
                .unwrap(),
        )
    };
    let stored = || async {
        let (_, d) = county.get(&format!("/api/v1/hazards/{id}")).await;
        d["attachments"].as_array().unwrap().len()
    };
    let url = app.url(&format!("/hazards/{id}/evidence"));
    let first = b.post(&url).multipart(form(b"%PDF-1.4 once")).send().await.unwrap();
    assert_eq!(first.status(), 200);
    let again = b.post(&url).multipart(form(b"%PDF-1.4 once")).send().await.unwrap();
    assert_eq!(again.status(), 200);
    assert_eq!(first.url().path(), again.url().path());
    assert_eq!(again.url().path(), format!("/hazards/{id}"));
    assert_eq!(stored().await, 1, "the second click stored nothing");

    // Sent at once: one file.
    let (csrf2, once2) = page().await;
    let twin = || {
        Form::new()
            .text("csrf", csrf2.clone())
            .text("_once", once2.clone())
            .part(
                "file",
                Part::bytes(b"%PDF-1.4 twice".to_vec())
                    .file_name("现场照片.pdf")
                    .mime_str("application/pdf")
                    .unwrap(),
            )
    };
    let (x, y) = tokio::join!(
        b.post(&url).multipart(twin()).send(),
        b.post(&url).multipart(twin()).send()
    );
    assert_eq!((x.unwrap().status().as_u16(), y.unwrap().status().as_u16()), (200, 200));
    assert_eq!(stored().await, 2);

    // The first token with another file: refused, nothing stored.
    let r = b.post(&url).multipart(form(b"%PDF-1.4 other")).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("此表单已提交过"));
    assert_eq!(stored().await, 2);
    // Without a token an upload runs as before.
    let plain = Form::new().text("csrf", csrf.clone()).part(
        "file",
        Part::bytes(b"%PDF-1.4 plain".to_vec())
            .file_name("p.pdf")
            .mime_str("application/pdf")
            .unwrap(),
    );
    assert_eq!(b.post(&url).multipart(plain).send().await.unwrap().status(), 200);
    assert_eq!(stored().await, 3);
}
