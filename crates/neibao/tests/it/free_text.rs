//! Personal data in free text (docs/SECURITY.md, "Personal data in free text"): every row of
//! `neibao_domain::privacy::FREE_TEXT_FIELDS` is written over the real HTTP API (device fields by
//! a device payload) with a citizen ID number, a mobile number and a plate in it; then the API
//! (as an administrator and as a guard) and the UI page show only the masked form, the database
//! column holds no plaintext and its `_sealed` column a ciphertext, and the purpose-logged reveal
//! returns the plaintext and writes its audit row. A new row without a writer here fails.

use neibao_domain::privacy::{FreeTextField, WrittenBy, FREE_TEXT_FIELDS};
use serde_json::json;

use crate::common::*;

/// A citizen ID number with a valid check character, a mobile number with dashes, a plate.
const ID: &str = "11010519491231002X";
const MOBILE: &str = "138-1234-5678";
const PLATE: &str = "浙A12345";
/// What must never be shown or stored in the clear.
const PLAINTEXTS: [&str; 5] = [ID, "19491231", MOBILE, "1234-5678", PLATE];
/// The masked forms that must be shown instead.
const MASKED: [&str; 3] = ["110105********002X", "138****5678", "浙A***45"];

fn value(f: &FreeTextField) -> String {
    format!("{}：身份证{ID}，电话{MOBILE}，车牌{PLATE}", f.column)
}

fn assert_no_plaintext(what: &str, text: &str) {
    for p in PLAINTEXTS {
        assert!(!text.contains(p), "{what} holds the plaintext {p}: {text}");
    }
}

fn assert_masked(what: &str, text: &str) {
    assert_no_plaintext(what, text);
    for m in MASKED {
        assert!(text.contains(m), "{what} lacks the masked form {m}: {text}");
    }
}

async fn page(b: &reqwest::Client, app: &TestApp, path: &str) -> String {
    let r = b.get(app.url(path)).send().await.unwrap();
    assert_eq!(r.status(), 200, "{path}");
    r.text().await.unwrap()
}

/// The column and its `_sealed` column of one row, read from the database file directly.
async fn stored(app: &TestApp, f: &FreeTextField, id: &str) -> (Option<String>, Option<String>) {
    use sqlx::{Connection, Row};
    let q = format!(
        "SELECT CAST({} AS TEXT) AS v, {} AS s FROM {} WHERE id = '{id}'",
        f.column,
        f.sealed_column(),
        f.table
    );
    match &app.database_url {
        Some(url) => {
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            let r = sqlx::query(&q).fetch_one(&mut c).await.unwrap();
            (r.get("v"), r.get("s"))
        }
        None => {
            let url = format!("sqlite://{}", app.data_dir.join("neibao.db").display());
            let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
            let r = sqlx::query(&q).fetch_one(&mut c).await.unwrap();
            (r.get("v"), r.get("s"))
        }
    }
}

async fn audit_rows(app: &TestApp, object: &str, id: &str) -> i64 {
    use sqlx::{Connection, Row};
    let q = format!(
        "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'free_text.reveal' AND object_type = '{object}' AND object_id = '{id}' AND purpose <> ''"
    );
    match &app.database_url {
        Some(url) => {
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::query(&q).fetch_one(&mut c).await.unwrap().get("n")
        }
        None => {
            let url = format!("sqlite://{}", app.data_dir.join("neibao.db").display());
            let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
            sqlx::query(&q).fetch_one(&mut c).await.unwrap().get("n")
        }
    }
}

/// The demo unit, the administrator and a fresh device of the unit; a door-forced event from it
/// raises one alert (on `channel`), which is returned.
async fn alert_of_new_device(app: &TestApp, admin: &Client, unit: &str, channel: u32) -> String {
    let (device, path) = create_device(admin, unit, None, "generic_json").await;
    let body = json!({"type": "access.door_forced", "channel": channel});
    let (s, v) = app.ingest(&path, "application/json", body.to_string()).await;
    assert_eq!((s, &v["alerts"]), (200, &json!(1)), "{v}");
    alert_of_device(admin, &device).await
}

/// A hazard reported by the province officer in `unit`; its id.
async fn new_hazard(police: &Client, unit: &str, title: &str, description: &str) -> String {
    let body =
        json!({"unit_id": unit, "title": title, "description": description, "class": "general", "source": "report"});
    let (s, v) = police.post("/api/v1/hazards", body).await;
    assert_eq!(s, 201, "{v}");
    v["id"].as_str().unwrap().to_string()
}

/// Writes `f` with `text` the way its row says; returns the id of the object written.
async fn write(app: &TestApp, admin: &Client, unit: &str, n: u32, f: &FreeTextField, text: &str) -> String {
    match f.written_by {
        WrittenBy::Device(key) => {
            let (device, path) = create_device(admin, unit, None, "generic_json").await;
            let mut body = json!({"type": "motion"});
            body[key] = json!(text);
            let (s, v) = app.ingest(&path, "application/json", body.to_string()).await;
            assert_eq!(s, 200, "{v}");
            let (_, evs) = admin.get(&format!("/api/v1/events?device_id={device}")).await;
            evs["items"][0]["id"].as_str().expect("the device's event").to_string()
        }
        WrittenBy::User("alert.acknowledge") => {
            let alert = alert_of_new_device(app, admin, unit, n).await;
            let (s, v) = admin
                .post(&format!("/api/v1/alerts/{alert}/acknowledge"), json!({"comment": text}))
                .await;
            assert_eq!(s, 200, "{v}");
            alert
        }
        WrittenBy::User("alert.resolve") => {
            let alert = alert_of_new_device(app, admin, unit, n).await;
            let (s, v) = admin
                .post(&format!("/api/v1/alerts/{alert}/resolve"), json!({"comment": text}))
                .await;
            assert_eq!(s, 200, "{v}");
            alert
        }
        WrittenBy::User("hazard.report") => {
            let police = app.client_for("demo_province").await;
            match f.column {
                "title" => new_hazard(&police, unit, text, "").await,
                _ => new_hazard(&police, unit, "隐患", text).await,
            }
        }
        WrittenBy::User("hazard.act") => {
            // A rectification order: its reason is on the step and in the order document.
            let police = app.client_for("demo_province").await;
            let hazard = new_hazard(&police, unit, "隐患", "").await;
            let deadline = chrono::Utc::now() + chrono::Duration::days(7);
            let (s, v) = police
                .post(
                    &format!("/api/v1/hazards/{hazard}/actions"),
                    json!({"action": "issue_order", "deadline": deadline, "reason": text}),
                )
                .await;
            assert_eq!(s, 200, "{v}");
            assert!(v["step"]["document_id"].is_string(), "an order document: {v}");
            v["step"]["id"].as_str().unwrap().to_string()
        }
        WrittenBy::User("inspection.submit") => {
            // A self-inspection submitted with the text in its notes and in an item's note.
            let manager = app.client_for("demo_unit").await;
            let (s, i) = manager.post("/api/v1/inspections", json!({"unit_id": unit})).await;
            assert_eq!(s, 201, "{i}");
            let id = i["id"].as_str().unwrap().to_string();
            let (_, detail) = manager.get(&format!("/api/v1/inspections/{id}")).await;
            let results: Vec<serde_json::Value> = detail["checklist"]["items"]
                .as_array()
                .unwrap()
                .iter()
                .enumerate()
                .map(|(k, it)| json!({"code": it["code"], "result": "pass", "note": if k == 0 { text } else { "" }}))
                .collect();
            let record = json!({"place": "单位主楼", "officers": ["演示负责人"], "notes": text,
                                "signatures": [{"name": "演示负责人", "role": "检查人员", "at": chrono::Utc::now()}]});
            // A draft, then the submission of the form as read back (masked): what was sealed stays.
            let path = format!("/api/v1/inspections/{id}");
            let (s, v) = manager.put(&path, json!({"record": record, "results": results})).await;
            assert_eq!(s, 200, "{v}");
            let (_, back) = manager.get(&path).await;
            assert_no_plaintext("the inspection draft read back", &back.to_string());
            let (s, v) = manager
                .post(
                    &format!("{path}/submit"),
                    json!({"record": back["record"], "results": back["results"]}),
                )
                .await;
            assert_eq!(s, 200, "{v}");
            assert_no_plaintext("the inspection record document", &v["document"].to_string());
            id
        }
        WrittenBy::User("suppression.create") => {
            let now = chrono::Utc::now();
            let body = json!({"unit_id": unit, "from": now, "to": now + chrono::Duration::days(1),
                              "reason": "maintenance", "note": text});
            let (s, v) = admin.post("/api/v1/suppressions", body).await;
            assert_eq!(s, 201, "{v}");
            assert_masked("the created suppression", v["note"].as_str().unwrap_or_default());
            v["id"].as_str().unwrap().to_string()
        }
        WrittenBy::User("legal_hold.create") => {
            let body = json!({"case_no": format!("保全{n}"), "unit_id": unit, "reason": text});
            let (s, v) = admin.post("/api/v1/legal_holds", body).await;
            assert_eq!(s, 201, "{v}");
            assert_masked("the created legal hold", v["reason"].as_str().unwrap_or_default());
            v["id"].as_str().unwrap().to_string()
        }
        WrittenBy::User("key_area.create") => {
            let body = json!({"name": format!("重点部位{n}"), "description": text});
            let (s, v) = admin.post(&format!("/api/v1/units/{unit}/key_areas"), body).await;
            assert_eq!(s, 201, "{v}");
            assert_masked("the created key area", v["description"].as_str().unwrap_or_default());
            v["id"].as_str().unwrap().to_string()
        }
        WrittenBy::User("unit.update") => {
            // A unit registered with the text as its address, then saved again with the address
            // as shown (masked): what was sealed stays.
            let mut body = json!({"name": format!("自由文本单位{n}"), "kind": "enterprise",
                                  "uscc": uscc(&format!("913301069{n:08}")), "division_code": "330106", "address": text});
            let (s, v) = admin.post("/api/v1/units", body.clone()).await;
            assert_eq!(s, 201, "{v}");
            let id = v["id"].as_str().unwrap().to_string();
            assert_masked("the created unit", v["address"].as_str().unwrap_or_default());
            body["address"] = v["address"].clone();
            body["version"] = v["version"].clone();
            body["name"] = json!(format!("自由文本单位{n}（改）"));
            let (s, v) = admin.put(&format!("/api/v1/units/{id}"), body).await;
            assert_eq!(s, 200, "{v}");
            id
        }
        WrittenBy::User("campaign.launch") => {
            // A campaign over the unit's county (the province officer launches it).
            let police = app.client_for("demo_province").await;
            let (_, u) = admin.get(&format!("/api/v1/units/{unit}")).await;
            let division = u["division_code"].as_str().unwrap().to_string();
            let due = (chrono::Utc::now() + chrono::Duration::days(30)).date_naive();
            let (title, description) = match f.column {
                "title" => (text.to_string(), String::new()),
                _ => (format!("专项检查{n}"), text.to_string()),
            };
            let body = json!({"title": title, "description": description, "due_date": due,
                              "selection": {"division_prefix": division}});
            let (s, v) = police.post("/api/v1/campaigns", body).await;
            assert_eq!(s, 201, "{v}");
            assert_masked("the launched campaign", v[f.column].as_str().unwrap_or_default());
            v["id"].as_str().unwrap().to_string()
        }
        WrittenBy::User("attachment.upload") => {
            // Evidence uploaded to a hazard with the text as its file name.
            let police = app.client_for("demo_province").await;
            let hazard = new_hazard(&police, unit, "隐患", "").await;
            let form = reqwest::multipart::Form::new().part(
                "file",
                reqwest::multipart::Part::bytes(b"%PDF-1.4\n%%EOF\n".to_vec())
                    .file_name(format!("{text}.pdf"))
                    .mime_str("application/pdf")
                    .unwrap(),
            );
            let r = police
                .http
                .post(format!("{}/api/v1/hazards/{hazard}/evidence", police.base))
                .bearer_auth(&police.token)
                .multipart(form)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 201);
            let v: serde_json::Value = r.json().await.unwrap();
            assert_masked("the uploaded attachment", v["name"].as_str().unwrap_or_default());
            // Its download names the file by the masked name.
            let id = v["id"].as_str().unwrap().to_string();
            let r = police
                .http
                .get(format!("{}/api/v1/attachments/{id}", police.base))
                .bearer_auth(&police.token)
                .send()
                .await
                .unwrap();
            let disposition = r.headers()["content-disposition"].to_str().unwrap().to_string();
            assert!(!disposition.contains("11010519491231002X"), "{disposition}");
            id
        }
        WrittenBy::User("document.action") => {
            // The competent department's record on a 问题抄告函 of the unit.
            let police = app.client_for("demo_province").await;
            let username = format!("free_text_dept_{n}");
            let (letter, department, _) = crate::delivery::referral_letter(app, &police, unit, &username).await;
            let (s, v) = department
                .post(&format!("/api/v1/documents/{letter}/actions"), json!({"text": text}))
                .await;
            assert_eq!(s, 201, "{v}");
            v["actions"][0]["id"].as_str().unwrap().to_string()
        }
        WrittenBy::User(other) => panic!(
            "no writer for {}.{} ({other}): add one to tests/it/free_text.rs",
            f.table, f.column
        ),
    }
}

/// Where a person reads the object: its API route and its page.
async fn routes(app: &TestApp, f: &FreeTextField, id: &str) -> (String, String) {
    match f.table {
        "events" => (format!("/api/v1/events/{id}"), "/events".to_string()),
        "alerts" => (format!("/api/v1/alerts/{id}"), format!("/alerts/{id}")),
        "hazards" => (format!("/api/v1/hazards/{id}"), format!("/hazards/{id}")),
        "suppression_windows" => ("/api/v1/suppressions".into(), "/warning/suppressions".into()),
        "legal_holds" => ("/api/v1/retention".into(), "/retention".into()),
        "units" => (format!("/api/v1/units/{id}"), format!("/units/{id}")),
        "key_areas" => {
            let unit = parent(app, "SELECT unit_id AS p FROM key_areas", id).await;
            (format!("/api/v1/units/{unit}/key_areas"), format!("/units/{unit}"))
        }
        "inspections" => (format!("/api/v1/inspections/{id}"), format!("/inspections/{id}")),
        "campaigns" => (format!("/api/v1/campaigns/{id}"), format!("/campaigns/{id}")),
        "attachments" => {
            let hazard = parent(app, "SELECT owner_id AS p FROM attachments", id).await;
            (format!("/api/v1/hazards/{hazard}"), format!("/hazards/{hazard}"))
        }
        "hazard_steps" => {
            let hazard = parent(app, "SELECT hazard_id AS p FROM hazard_steps", id).await;
            (format!("/api/v1/hazards/{hazard}"), format!("/hazards/{hazard}"))
        }
        "document_actions" => {
            let letter = parent(app, "SELECT document_id AS p FROM document_actions", id).await;
            (format!("/api/v1/documents/{letter}"), format!("/documents/{letter}"))
        }
        other => panic!("no API route or page for {other}: add them to tests/it/free_text.rs"),
    }
}

/// The field as the API answer of its route shows it (a step in its hazard's `steps`; a JSON
/// column, such as an inspection's record, as its JSON text).
fn shown(f: &FreeTextField, v: &serde_json::Value, id: &str) -> String {
    let object = match f.table {
        "hazard_steps" | "attachments" | "document_actions" => v[match f.table {
            "attachments" => "attachments",
            "document_actions" => "actions",
            _ => "steps",
        }]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["id"] == id))
        .unwrap_or(&serde_json::Value::Null),
        // Lists: the object by its id.
        "suppression_windows" | "legal_holds" | "key_areas" => {
            let list = if f.table == "legal_holds" { &v["holds"] } else { v };
            list.as_array()
                .and_then(|s| s.iter().find(|o| o["id"] == id))
                .unwrap_or(&serde_json::Value::Null)
        }
        _ => v,
    };
    match &object[f.column] {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The parent id of a child row (`select` names it `p`), read from the database directly.
async fn parent(app: &TestApp, select: &str, id: &str) -> String {
    use sqlx::{Connection, Row};
    let q = format!("{select} WHERE id = '{id}'");
    match &app.database_url {
        Some(url) => {
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::query(&q).fetch_one(&mut c).await.unwrap().get("p")
        }
        None => {
            let url = format!("sqlite://{}", app.data_dir.join("neibao.db").display());
            let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
            sqlx::query(&q).fetch_one(&mut c).await.unwrap().get("p")
        }
    }
}

#[tokio::test]
async fn every_free_text_field_is_masked_sealed_and_revealed_with_a_purpose() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let guard = app.client_for("demo_guard").await;
    let (_, me) = guard.get("/api/v1/me").await;
    let unit = me["unit_id"].as_str().unwrap().to_string();
    let admin_ui = app.browser("admin", ADMIN_PASSWORD).await;
    let province_ui = app.browser("demo_province", DEMO_PASSWORD).await;
    let guard_ui = app.browser("demo_guard", DEMO_PASSWORD).await;
    for (n, f) in FREE_TEXT_FIELDS.iter().enumerate() {
        let what = format!("{}.{}", f.table, f.column);
        let text = value(f);
        let id = write(&app, &admin, &unit, n as u32 + 1, f, &text).await;

        // (a) The API and the pages show the masked form only, to an administrator and a guard.
        let (api, ui) = routes(&app, f, &id).await;
        let (s, v) = admin.get(&api).await;
        assert_eq!(s, 200, "{what}: {v}");
        assert_masked(&format!("{what} in {api}"), &shown(f, &v, &id));
        assert_no_plaintext(&format!("{what} in {api}"), &v.to_string());
        let viewers: &[&reqwest::Client] = if f.table == "legal_holds" {
            &[&admin_ui]
        } else if f.table.starts_with("hazard")
            || [
                "inspections",
                "units",
                "key_areas",
                "campaigns",
                "attachments",
                "document_actions",
            ]
            .contains(&f.table)
        {
            &[&admin_ui, &province_ui]
        } else {
            let (s, v) = guard.get(&api).await;
            assert_eq!(s, 200, "{what} as a guard: {v}");
            assert_no_plaintext(&format!("{what} in {api} as a guard"), &v.to_string());
            &[&admin_ui, &guard_ui]
        };
        for b in viewers {
            assert_no_plaintext(&format!("{what} on {ui}"), &page(b, &app, &ui).await);
        }
        // The page links the reveal for a user who may use it (an administrator), not for a guard.
        let link = format!("/reveal/{}/{id}?back=", f.table);
        let html = page(&admin_ui, &app, &ui).await;
        assert!(html.contains(&link), "{what}: no 查看遮盖的原文 link {link} on {ui}");
        if !viewers.iter().any(|b| std::ptr::eq(*b, &province_ui)) && f.table != "legal_holds" {
            assert!(
                !page(&guard_ui, &app, &ui).await.contains(&link),
                "{what}: a link for a guard"
            );
        }

        // (b) The column holds the masked text, its `_sealed` column a ciphertext.
        let (column, sealed) = stored(&app, f, &id).await;
        assert_masked(&format!("{what} in the database"), &column.unwrap_or_default());
        let sealed = sealed.unwrap_or_else(|| panic!("{what}: nothing sealed"));
        assert_no_plaintext(&format!("{what}_sealed in the database"), &sealed);

        // (c) The reveal needs a purpose and the permission, returns the plaintext and is audited.
        let path = format!("/api/v1/reveal/{}/{id}", f.table);
        let (s, v) = admin.post(&path, json!({})).await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (400, Some("purpose_required")),
            "{what}"
        );
        let (s, _) = guard.post(&path, json!({"purpose": "核查自由文本"})).await;
        assert_eq!(s, 403, "{what}: a guard may not reveal");
        assert_eq!(audit_rows(&app, f.table, &id).await, 0);
        let (s, v) = admin.post(&path, json!({"purpose": "核查自由文本"})).await;
        assert_eq!(s, 200, "{what}: {v}");
        let revealed = v["fields"][f.column].as_str().unwrap_or_default();
        assert!(revealed == text || revealed.contains(&text), "{what}: {v}");
        assert_eq!(audit_rows(&app, f.table, &id).await, 1, "{what}: one audit row");

        // (d) The same through the page: a purpose too short keeps what was typed; then the
        // plaintext, not cached, and a second audit row.
        let reveal_ui = format!("/reveal/{}/{id}", f.table);
        let form = page(&admin_ui, &app, &format!("{reveal_ui}?back={ui}")).await;
        let csrf = csrf_of(&form);
        let r = admin_ui
            .post(app.url(&reveal_ui))
            .form(&[
                ("csrf_token", csrf.as_str()),
                ("purpose", "核查"),
                ("back", ui.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{what}");
        assert!(
            r.text().await.unwrap().contains("value=\"核查\""),
            "{what}: the typed purpose kept"
        );
        let r = admin_ui
            .post(app.url(&reveal_ui))
            .form(&[
                ("csrf_token", csrf.as_str()),
                ("purpose", "核查自由文本原文"),
                ("back", ui.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{what}");
        assert_eq!(r.headers()["cache-control"], "no-store", "{what}");
        let html = r.text().await.unwrap();
        assert!(html.contains(f.label), "{what}: the field's label");
        assert!(html.contains(ID), "{what}: the plaintext on the page");
        assert!(html.contains(&format!("href=\"{ui}\"")), "{what}: back to {ui}");
        assert_eq!(
            audit_rows(&app, f.table, &id).await,
            2,
            "{what}: the page's read audited"
        );
    }
    // Nothing anywhere in the stored data holds the plaintext (the raw payloads are encrypted).
    let all = app.stored_bytes();
    for p in [ID, "13812345678", MOBILE, PLATE] {
        assert!(!all.contains(p), "{p} stored in plaintext somewhere");
    }
}

/// A device that sends the same number in its region folds repeated posts into one occurrence,
/// and different numbers stay apart (the occurrence key keeps a blind index of the plaintext).
#[tokio::test]
async fn occurrences_of_masked_regions_stay_apart() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let unit = create_unit(&admin, "自由文本单位", "330106", "91330106000000031").await;
    let (device, path) = create_device(&admin, &unit, None, "generic_json").await;
    for region in ["电话13812345678", "电话13812345678", "电话13899995678"] {
        let body = json!({"type": "intrusion.field", "region": region});
        assert_eq!(app.ingest(&path, "application/json", body.to_string()).await.0, 200);
    }
    let (_, evs) = admin.get(&format!("/api/v1/events?device_id={device}")).await;
    let items = evs["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{evs}");
    assert!(items.iter().all(|e| e["region"] == "电话138****5678"));
    let posts: Vec<i64> = items.iter().map(|e| e["post_count"].as_i64().unwrap()).collect();
    assert!(posts.contains(&2) && posts.contains(&1), "{posts:?}");
}

/// An installation upgraded from before the mechanism: rows whose free text was stored as typed
/// (no `_sealed` value, the back-fill not yet recorded) are masked and sealed by the back-fill
/// the server runs at start; the reveal gives back what was typed, an event's occurrence keeps
/// folding repeated posts, and a second run does nothing.
#[tokio::test]
async fn rows_stored_before_the_mechanism_are_back_filled() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let unit = create_unit(&admin, "旧数据单位", "330106", "91330106000000048").await;
    let (device, path) = create_device(&admin, &unit, None, "generic_json").await;
    let region = "电话13812345678";
    let post = json!({"type": "intrusion.field", "region": region}).to_string();
    assert_eq!(app.ingest(&path, "application/json", post.clone()).await.0, 200);
    let (_, evs) = admin.get(&format!("/api/v1/events?device_id={device}")).await;
    let event = evs["items"][0]["id"].as_str().unwrap().to_string();
    let police = app.client_for("demo_province").await;
    let due = (chrono::Utc::now() + chrono::Duration::days(30)).date_naive();
    let (s, v) = police
        .post(
            "/api/v1/campaigns",
            json!({"title": "旧专项检查", "due_date": due, "selection": {"division_prefix": "330106"}}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let campaign = v["id"].as_str().unwrap().to_string();
    // Back to how rows were stored before migrations 0012–0014.
    app.exec_sql(&format!(
        "UPDATE events SET region = '{region}', region_sealed = NULL,
                occurrence_key = 'intrusion.field|intrusion.field||{region}' WHERE id = '{event}';
         UPDATE units SET address = '西湖区文三路1号 身份证{ID}', address_sealed = NULL WHERE id = '{unit}';
         UPDATE campaigns SET description = '联系人{MOBILE}，车牌{PLATE}', description_sealed = NULL WHERE id = '{campaign}';
         DELETE FROM free_text_backfill;"
    ))
    .await;
    let (_, u) = admin.get(&format!("/api/v1/units/{unit}")).await;
    assert!(
        u["address"].as_str().unwrap().contains(ID),
        "the old row as stored: {u}"
    );

    let done = app.services.privacy.backfill_free_text().await.expect("back-fill");
    let sealed = |field: &str| done.iter().find(|(f, _)| f == field).map(|(_, n)| *n);
    assert_eq!(sealed("events.region"), Some(1), "{done:?}");
    assert_eq!(sealed("units.address"), Some(1), "{done:?}");
    assert_eq!(sealed("campaigns.description"), Some(1), "{done:?}");
    assert_eq!(sealed("hazards.title"), Some(0), "every field is recorded: {done:?}");
    assert!(
        app.services.privacy.backfill_free_text().await.unwrap().is_empty(),
        "a second run does nothing"
    );

    // Shown masked, stored sealed, revealed as typed.
    let (_, u) = admin.get(&format!("/api/v1/units/{unit}")).await;
    assert_eq!(u["address"], "西湖区文三路1号 身份证110105********002X");
    let (_, c) = police.get(&format!("/api/v1/campaigns/{campaign}")).await;
    assert_eq!(c["description"], "联系人138****5678，车牌浙A***45", "{c}");
    let (_, e) = admin.get(&format!("/api/v1/events/{event}")).await;
    assert_eq!(e["region"], "电话138****5678");
    for (object, id, column, typed) in [
        ("units", &unit, "address", format!("西湖区文三路1号 身份证{ID}")),
        (
            "campaigns",
            &campaign,
            "description",
            format!("联系人{MOBILE}，车牌{PLATE}"),
        ),
        ("events", &event, "region", region.to_string()),
    ] {
        let (s, v) = admin
            .post(
                &format!("/api/v1/reveal/{object}/{id}"),
                json!({"purpose": "核查升级前数据"}),
            )
            .await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["fields"][column], typed.as_str(), "{object}");
    }
    // The event's occurrence was keyed again: the same post folds into it.
    assert_eq!(app.ingest(&path, "application/json", post).await.0, 200);
    let (_, evs) = admin.get(&format!("/api/v1/events?device_id={device}")).await;
    assert_eq!(evs["items"].as_array().unwrap().len(), 1, "{evs}");
    assert_eq!(evs["items"][0]["post_count"], 2, "{evs}");
    let all = app.stored_bytes();
    for p in [ID, "13812345678", MOBILE, PLATE] {
        assert!(!all.contains(p), "{p} still stored in plaintext");
    }
}
