//! Protective equipment (docs/EQUIPMENT.md; R35) over HTTP: a school gate post one shield short
//! of its minimum set is flagged (adding the shield clears it, removing it again is a new
//! shortfall with a new notice); an expired item is flagged and the unit gets one notice however
//! often the expiry job runs; a check with a photo (not an image: 400); who may do what and
//! where (another jurisdiction, another unit: 404; a guard checks but does not change the
//! inventory: 403); a double submit makes one item; bad input is a zh-CN 400.

use chrono::{Duration, Utc};
use serde_json::{json, Value};

use crate::common::*;

fn titles(inbox: &Value, prefix: &str) -> usize {
    inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["title"].as_str().unwrap_or("").starts_with(prefix))
        .count()
}

fn today() -> chrono::NaiveDate {
    Utc::now().with_timezone(&chrono_tz::Asia::Shanghai).date_naive()
}

fn item(t: &str, q: i64) -> Value {
    json!({"item_type": t, "quantity": q, "purchased_on": "2025-09-01", "note": ""})
}

async fn unit_of(c: &Client) -> String {
    let (_, me) = c.get("/api/v1/me").await;
    me["unit_id"].as_str().unwrap().to_string()
}

async fn post_of(c: &Client, unit: &str, name: &str, kind: &str) -> String {
    let (s, p) = c
        .post(
            &format!("/api/v1/units/{unit}/equipment/posts"),
            json!({"name": name, "location": "南侧大门", "kind": kind}),
        )
        .await;
    assert_eq!(s, 201, "{p}");
    p["id"].as_str().unwrap().to_string()
}

/// The post's view in the unit's answer.
async fn view(c: &Client, unit: &str, post: &str) -> (Value, Value) {
    let (s, eq) = c.get(&format!("/api/v1/units/{unit}/equipment")).await;
    assert_eq!(s, 200, "{eq}");
    let v = eq["posts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["post"]["id"] == post)
        .cloned()
        .unwrap_or_else(|| panic!("no post {post}: {eq}"));
    (v, eq["summary"].clone())
}

fn flag_codes(v: &Value) -> Vec<String> {
    v["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn equipment_below_minimum_is_flagged() {
    let app = TestApp::demo().await;
    let manager = app.client_for("demo_unit").await;
    let county = app.client_for("demo_county").await;
    let unit = unit_of(&manager).await;
    // The demo unit as a university: the default 学校门卫室 set applies to its gate posts.
    app.exec_sql(&format!("UPDATE units SET is_university = TRUE WHERE id = '{unit}'"))
        .await;
    let post = post_of(&manager, &unit, "南大门门卫室", "gate").await;
    let (v, _) = view(&manager, &unit, &post).await;
    assert!(
        v["standards"].as_array().unwrap().iter().any(|s| s == "学校门卫室"),
        "{v}"
    );
    // Everything but the shield (the key-unit set adds a fire extinguisher).
    for (t, q) in [
        ("riot_fork", 1),
        ("steel_fork", 1),
        ("stab_vest", 2),
        ("helmet", 2),
        ("baton", 2),
        ("extinguisher", 1),
    ] {
        let (s, i) = manager
            .post(&format!("/api/v1/equipment/posts/{post}/items"), item(t, q))
            .await;
        assert_eq!(s, 201, "{i}");
    }
    let (v, summary) = view(&manager, &unit, &post).await;
    assert_eq!(flag_codes(&v), vec!["short:shield"], "{v}");
    assert!(v["flags"][0]["detail"].as_str().unwrap().contains("盾牌"), "{v}");
    assert_eq!(summary["posts_below_minimum"], 1, "{summary}");
    let (_, inbox) = manager.get("/api/v1/inbox").await;
    assert_eq!(titles(&inbox, "防护器械低于最低配备"), 1, "{inbox}");
    // The police of the jurisdiction see the unit in their overview.
    let (s, list) = county.get("/api/v1/equipment/shortfalls?per_page=200").await;
    assert_eq!(s, 200, "{list}");
    assert!(
        list["items"].as_array().unwrap().iter().any(|u| u["unit_id"] == unit),
        "{list}"
    );
    // The unit's page shows the flag.
    let br = app.browser("demo_unit", DEMO_PASSWORD).await;
    let page = br
        .get(app.url(&format!("/units/{unit}/equipment")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("flagged-{post}")) && page.contains("盾牌低于最低配备"),
        "{page}"
    );

    // Adding the shield clears the flag.
    let (s, shield) = manager
        .post(&format!("/api/v1/equipment/posts/{post}/items"), item("shield", 1))
        .await;
    assert_eq!(s, 201, "{shield}");
    let (v, summary) = view(&manager, &unit, &post).await;
    assert!(flag_codes(&v).is_empty(), "{v}");
    assert_eq!(summary["posts_below_minimum"], 0, "{summary}");
    let (_, list) = county.get("/api/v1/equipment/shortfalls?per_page=200").await;
    assert!(
        !list["items"].as_array().unwrap().iter().any(|u| u["unit_id"] == unit),
        "{list}"
    );

    // The shield gone again: a new shortfall, a new notice; the change is in the history.
    let id = shield["id"].as_str().unwrap();
    let (s, changed) = manager
        .put(
            &format!("/api/v1/equipment/items/{id}"),
            json!({"version": shield["version"], "item_type": "shield", "quantity": 0, "purchased_on": "2025-09-01"}),
        )
        .await;
    assert_eq!(s, 200, "{changed}");
    let (v, _) = view(&manager, &unit, &post).await;
    assert_eq!(flag_codes(&v), vec!["short:shield"], "{v}");
    let (_, inbox) = manager.get("/api/v1/inbox").await;
    assert_eq!(titles(&inbox, "防护器械低于最低配备"), 2, "{inbox}");
    let (s, history) = county.get(&format!("/api/v1/equipment/items/{id}/history")).await;
    assert_eq!(s, 200, "{history}");
    assert_eq!(history.as_array().unwrap().len(), 2, "{history}");
    assert!(
        history[1]["detail"].as_str().unwrap().contains("数量 1 → 0"),
        "{history}"
    );
    // A stale version is refused.
    let (s, v) = manager
        .put(
            &format!("/api/v1/equipment/items/{id}"),
            json!({"version": shield["version"], "item_type": "shield", "quantity": 1, "purchased_on": "2025-09-01"}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (409, "version_conflict"), "{v}");
    // The inspection checklist's records carry the line for W4.
    let (s, records) = county.get(&format!("/api/v1/units/{unit}/records")).await;
    if s == 200 {
        assert!(records.to_string().contains("防护器械"), "{records}");
    }
}

#[tokio::test]
async fn an_expired_item_is_flagged_and_the_unit_gets_one_notice() {
    let app = TestApp::demo().await;
    let manager = app.client_for("demo_unit").await;
    let unit = unit_of(&manager).await;
    let post = post_of(&manager, &unit, "配电房值班岗", "other").await;
    let expired = (today() - Duration::days(1)).to_string();
    let (s, old) = manager
        .post(
            &format!("/api/v1/equipment/posts/{post}/items"),
            json!({"item_type": "extinguisher", "quantity": 2, "purchased_on": "2021-01-01", "expires_on": expired}),
        )
        .await;
    assert_eq!(s, 201, "{old}");
    let (v, summary) = view(&manager, &unit, &post).await;
    assert_eq!(
        flag_codes(&v),
        vec![format!("expired:{}", old["id"].as_str().unwrap())],
        "{v}"
    );
    assert_eq!(summary["expired_items"], 1, "{summary}");
    let (_, inbox) = manager.get("/api/v1/inbox").await;
    assert_eq!(titles(&inbox, "防护器械已过期"), 1, "{inbox}");

    // An item expiring in ten days: the job on the day after expiry flags it once, however
    // often the scheduler runs.
    let soon = today() + Duration::days(10);
    let (s, fresh) = manager
        .post(
            &format!("/api/v1/equipment/posts/{post}/items"),
            json!({"item_type": "flashlight", "quantity": 1, "purchased_on": "2025-01-01", "expires_on": soon.to_string()}),
        )
        .await;
    assert_eq!(s, 201, "{fresh}");
    let scheduler = app.scheduler("equipment-node");
    scheduler.tick(Utc::now() + Duration::minutes(1)).await.unwrap();
    let (_, inbox) = manager.get("/api/v1/inbox").await;
    assert_eq!(titles(&inbox, "防护器械已过期"), 1, "nothing new yet: {inbox}");
    scheduler.tick(Utc::now() + Duration::days(12)).await.unwrap();
    scheduler.tick(Utc::now() + Duration::days(12)).await.unwrap();
    app.scheduler("equipment-node-2")
        .tick(Utc::now() + Duration::days(13))
        .await
        .unwrap();
    let (_, inbox) = manager.get("/api/v1/inbox").await;
    assert_eq!(
        titles(&inbox, "防护器械已过期"),
        2,
        "one notice for the second item: {inbox}"
    );
    let notice = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"].as_str().unwrap_or("").starts_with("防护器械已过期"))
        .unwrap();
    assert!(notice["link"].as_str().unwrap_or("").contains("/equipment"), "{notice}");
}

#[tokio::test]
async fn a_guard_records_a_check_with_a_photo_but_does_not_change_the_inventory() {
    let app = TestApp::demo().await;
    let manager = app.client_for("demo_unit").await;
    let guard = app.client_for("demo_guard").await;
    let station = app.client_for("demo_station").await;
    let unit = unit_of(&manager).await;
    let post = post_of(&manager, &unit, "监控室", "control_room").await;
    let (s, it) = manager
        .post(&format!("/api/v1/equipment/posts/{post}/items"), item("radio", 2))
        .await;
    assert_eq!(s, 201, "{it}");
    let id = it["id"].as_str().unwrap().to_string();

    // The guard may not change the inventory, nor add to it, nor make posts.
    let (s, v) = guard
        .post(&format!("/api/v1/equipment/posts/{post}/items"), item("baton", 1))
        .await;
    assert_eq!((s, error_code(&v)), (403, "forbidden"), "{v}");
    let (s, _) = guard
        .put(
            &format!("/api/v1/equipment/items/{id}"),
            json!({"version": 1, "item_type": "radio", "quantity": 5, "purchased_on": "2025-09-01"}),
        )
        .await;
    assert_eq!(s, 403);
    let (s, _) = guard
        .post(
            &format!("/api/v1/units/{unit}/equipment/posts"),
            json!({"name": "保安岗", "kind": "other"}),
        )
        .await;
    assert_eq!(s, 403);
    // The police read but do not check.
    let (s, _) = station
        .post(
            &format!("/api/v1/equipment/items/{id}/checks"),
            json!({"result": "good"}),
        )
        .await;
    assert_eq!(s, 403);

    // The guard's check: one radio damaged.
    let (s, check) = guard
        .post(
            &format!("/api/v1/equipment/items/{id}/checks"),
            json!({"result": "damaged", "note": "一台无法开机"}),
        )
        .await;
    assert_eq!(s, 201, "{check}");
    assert_eq!(check["checker_name"], "演示保安员");
    let (s, v) = guard
        .post(
            &format!("/api/v1/equipment/items/{id}/checks"),
            json!({"result": "broken"}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    let check_id = check["id"].as_str().unwrap().to_string();
    let send = |c: &Client, check: &str, bytes: Vec<u8>| {
        let url = format!("{}/api/v1/equipment/checks/{check}/photo", c.base);
        c.http
            .post(url)
            .bearer_auth(&c.token)
            .multipart(
                reqwest::multipart::Form::new().part(
                    "file",
                    reqwest::multipart::Part::bytes(bytes)
                        .file_name("对讲机.jpg")
                        .mime_str("application/octet-stream")
                        .unwrap(),
                ),
            )
            .send()
    };
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89".to_vec();
    let r = send(&guard, &check_id, b"%PDF-1.4 not a photo".to_vec()).await.unwrap();
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert!(error_message(&body).contains("图片"), "{body}");
    let r = send(&station, &check_id, png.clone()).await.unwrap();
    assert_eq!(r.status(), 403);
    let r = send(&guard, "no-such-check", png.clone()).await.unwrap();
    assert_eq!(r.status(), 404);
    let r = send(&guard, &check_id, png.clone()).await.unwrap();
    assert_eq!(r.status(), 201);
    let a: Value = r.json().await.unwrap();
    assert_eq!(
        (a["owner_kind"].as_str(), a["content_type"].as_str()),
        (Some("equipment"), Some("image/png")),
        "{a}"
    );
    let (s, it) = station.get(&format!("/api/v1/equipment/items/{id}")).await;
    assert_eq!(s, 200, "{it}");
    assert_eq!(it["last_check"]["result"], "damaged", "{it}");
    assert_eq!(it["last_check"]["photo_id"], a["id"], "{it}");
    // The damaged item flags the post; the unit was told once.
    let (v, summary) = view(&manager, &unit, &post).await;
    assert_eq!(flag_codes(&v), vec![format!("check:{id}")], "{v}");
    assert_eq!(summary["damaged_or_missing"], 1, "{summary}");
    assert_eq!(summary["last_check_on"], today().to_string(), "{summary}");
    let (_, inbox) = manager.get("/api/v1/inbox").await;
    assert_eq!(titles(&inbox, "防护器械检查异常"), 1, "{inbox}");
    // A later check found it mended: the flag is gone.
    let (s, _) = manager
        .post(
            &format!("/api/v1/equipment/items/{id}/checks"),
            json!({"result": "good"}),
        )
        .await;
    assert_eq!(s, 201);
    let (v, _) = view(&manager, &unit, &post).await;
    assert!(flag_codes(&v).is_empty(), "{v}");
}

#[tokio::test]
async fn police_of_another_jurisdiction_and_another_units_manager_see_nothing() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let manager = app.client_for("demo_unit").await;
    let unit = unit_of(&manager).await;
    let post = post_of(&manager, &unit, "东门岗", "gate").await;
    let (_, it) = manager
        .post(&format!("/api/v1/equipment/posts/{post}/items"), item("shield", 1))
        .await;
    let id = it["id"].as_str().unwrap().to_string();
    let other = create_unit(&admin, "器械测试外单位", "330206", "91330206MA2EQ0001").await;
    let (s, acc) = admin
        .post(
            "/api/v1/users",
            json!({"username": "eq_other_manager", "display_name": "外单位负责人", "role": "unit_manager", "unit_id": other}),
        )
        .await;
    assert_eq!(s, 201, "{acc}");
    let stranger = app.client_for("eq_other_manager").await;
    let outsider = app.client_for("demo_county_other").await;
    for c in [&stranger, &outsider] {
        let (s, _) = c.get(&format!("/api/v1/units/{unit}/equipment")).await;
        assert_eq!(s, 404);
        let (s, _) = c.get(&format!("/api/v1/units/{unit}/equipment/summary")).await;
        assert_eq!(s, 404);
        let (s, _) = c.get(&format!("/api/v1/equipment/items/{id}")).await;
        assert_eq!(s, 404);
        let (s, _) = c.get(&format!("/api/v1/equipment/items/{id}/history")).await;
        assert_eq!(s, 404);
        let (s, list) = c.get("/api/v1/equipment/shortfalls?per_page=200").await;
        assert_eq!(s, 200, "{list}");
        assert!(!list.to_string().contains(&unit), "{list}");
    }
    let (s, _) = stranger
        .post(&format!("/api/v1/equipment/posts/{post}/items"), item("baton", 1))
        .await;
    assert_eq!(s, 404);
    let (s, _) = stranger
        .post(
            &format!("/api/v1/equipment/items/{id}/checks"),
            json!({"result": "good"}),
        )
        .await;
    assert_eq!(s, 404);
    let (s, _) = stranger
        .put(
            &format!("/api/v1/equipment/items/{id}"),
            json!({"version": 1, "item_type": "shield", "quantity": 0, "purchased_on": "2025-09-01"}),
        )
        .await;
    assert_eq!(s, 404);
    let (_, it) = manager.get(&format!("/api/v1/equipment/items/{id}")).await;
    assert_eq!(it["quantity"], 1, "nothing changed: {it}");
}

#[tokio::test]
async fn a_double_submit_makes_one_item_and_bad_input_is_refused_in_chinese() {
    let app = TestApp::demo().await;
    let manager = app.client_for("demo_unit").await;
    let unit = unit_of(&manager).await;
    let post = post_of(&manager, &unit, "北门岗", "other").await;
    let path = format!("/api/v1/equipment/posts/{post}/items");
    let mut ids = Vec::new();
    for _ in 0..2 {
        let r = manager
            .http
            .post(format!("{}{}", manager.base, path))
            .bearer_auth(&manager.token)
            .header("Idempotency-Key", "eq-double-1")
            .json(&item("helmet", 3))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let v: Value = r.json().await.unwrap();
        ids.push(v["id"].as_str().unwrap().to_string());
    }
    assert_eq!(ids[0], ids[1], "one item");
    let (v, _) = view(&manager, &unit, &post).await;
    assert_eq!(v["items"].as_array().unwrap().len(), 1, "{v}");

    let bad = [
        (
            json!({"item_type": "helmet", "quantity": -1, "purchased_on": "2025-09-01"}),
            "数量不能为负数",
        ),
        (
            json!({"item_type": "helmet", "quantity": 1, "purchased_on": "2025-09-01", "expires_on": "2025-08-01"}),
            "有效期至不能早于购置日期",
        ),
        (
            json!({"item_type": "helmet", "quantity": 1, "purchased_on": "2025-13-01"}),
            "购置日期应为日期",
        ),
        (
            json!({"item_type": "laser", "quantity": 1, "purchased_on": "2025-09-01"}),
            "器械类型",
        ),
        (
            json!({"item_type": "other", "quantity": 1, "purchased_on": "2025-09-01"}),
            "其他",
        ),
    ];
    for (body, says) in bad {
        let (s, v) = manager.post(&path, body.clone()).await;
        assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{body}: {v}");
        assert!(error_message(&v).contains(says), "{body}: {v}");
    }
    let (s, v) = manager
        .post(
            &format!("/api/v1/units/{unit}/equipment/posts"),
            json!({"name": "", "kind": "gate"}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    assert!(error_message(&v).contains("岗位名称"), "{v}");
    let (v, _) = view(&manager, &unit, &post).await;
    assert_eq!(v["items"].as_array().unwrap().len(), 1, "nothing stored: {v}");

    // The page's refused form keeps what was typed.
    let br = app.browser("demo_unit", DEMO_PASSWORD).await;
    let page = br
        .get(app.url(&format!("/units/{unit}/equipment")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&page);
    let r = br
        .post(app.url(&format!("/equipment/posts/{post}/items")))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("item_type", "baton"),
            ("quantity", "2"),
            ("purchased_on", "2025-09-01"),
            ("expires_on", "2025-01-01"),
            ("note", "新购橡胶警棍"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let page = r.text().await.unwrap();
    assert!(page.contains("有效期至不能早于购置日期"), "{page}");
    assert!(page.contains("新购橡胶警棍"), "{page}");
}

#[tokio::test]
async fn minimum_sets_are_set_by_province_and_city_police() {
    let app = TestApp::demo().await;
    let city = app.client_for("demo_city").await;
    let county = app.client_for("demo_county").await;
    let (s, list) = county.get("/api/v1/equipment/standards").await;
    assert_eq!(s, 200, "{list}");
    assert!(list.to_string().contains("学校门卫室"), "{list}");
    let body = json!({"name": "银行营业网点", "applies_to": "key_category_4", "post_kind": "gate",
        "items": [{"item_type": "riot_fork", "quantity": 1}, {"item_type": "stab_vest", "quantity": 2}],
        "source": "本地要求"});
    let (s, _) = county.post("/api/v1/equipment/standards", body.clone()).await;
    assert_eq!(s, 403);
    let (s, created) = city.post("/api/v1/equipment/standards", body).await;
    assert_eq!(s, 201, "{created}");
    let (s, v) = city
        .post(
            "/api/v1/equipment/standards",
            json!({"name": "空标准", "applies_to": "all", "items": []}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    let id = created["id"].as_str().unwrap();
    let (s, v) = city
        .put(
            &format!("/api/v1/equipment/standards/{id}"),
            json!({"version": 1, "name": "银行营业网点门卫室", "applies_to": "key_category_4",
                   "items": [{"item_type": "riot_fork", "quantity": 2}]}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["version"], 2);
    let (s, v) = city
        .put(
            &format!("/api/v1/equipment/standards/{id}"),
            json!({"version": 1, "name": "旧", "applies_to": "all", "items": [{"item_type": "baton", "quantity": 1}]}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (409, "version_conflict"), "{v}");
}

/// In headless Chromium at 390×844: the guard opens the unit's equipment page, records a check of
/// an item as 损坏 with a photo from the file field a phone's camera fills, and sees the post
/// flagged; the page never scrolls sideways. Skipped without chromedriver unless
/// NEIBAO_REQUIRE_BROWSER=1.
#[tokio::test]
async fn a_guard_checks_an_item_on_a_phone() {
    use crate::webdriver::{browser_installed, css, Browser};
    use reqwest::Method;
    if !browser_installed() {
        return;
    }
    let app = TestApp::demo().await;
    let manager = app.client_for("demo_unit").await;
    let unit = unit_of(&manager).await;
    let post = post_of(&manager, &unit, "西门岗亭", "other").await;
    let (s, it) = manager
        .post(&format!("/api/v1/equipment/posts/{post}/items"), item("flashlight", 2))
        .await;
    assert_eq!(s, 201, "{it}");
    let id = it["id"].as_str().unwrap().to_string();

    let b = Browser::start().await;
    b.call(Method::POST, "window/rect", json!({"width": 390, "height": 844}))
        .await
        .unwrap();
    b.login(&app, "demo_guard").await;
    b.goto(&app.url(&format!("/units/{unit}/equipment"))).await;
    b.assert_fits_phone().await;
    b.call(
        Method::POST,
        "execute/sync",
        json!({"script": format!("document.querySelector('#result-{id}').value = 'damaged';"), "args": []}),
    )
    .await
    .unwrap();
    let photo = concat!(env!("CARGO_TARGET_TMPDIR"), "/equipment-check.png");
    std::fs::write(
        photo,
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89",
    )
    .unwrap();
    b.send_keys(&css(&format!("#photo-file-{id}")), photo).await;
    b.click(&css(&format!("#check-{id}"))).await;
    b.wait_for("the check recorded with its photo", || async {
        b.try_text(&css(&format!("#photo-{id}")))
            .await
            .is_ok_and(|t| t.contains("查看照片"))
    })
    .await;
    assert!(
        b.try_text(&css(&format!("#flagged-{post}"))).await.is_ok(),
        "the post is flagged"
    );
    b.assert_fits_phone().await;
    b.goto(&app.url("/emergency/equipment")).await;
    b.assert_fits_phone().await;
    b.goto(&app.url("/equipment/standards")).await;
    b.assert_fits_phone().await;
    b.quit().await;

    let (_, it) = manager.get(&format!("/api/v1/equipment/items/{id}")).await;
    assert_eq!(it["last_check"]["result"], "damaged", "{it}");
    assert_eq!(it["last_check"]["checker_name"], "演示保安员", "{it}");
}
