//! A unit's own records beside the inspection checklist (docs/SUPERVISION.md, "单位台账"):
//! the API answers each capability's line with the checklist items it bears on, the inspection
//! form shows them under those items, and the read is scoped like the unit itself.

use chrono::Duration;
use serde_json::{json, Value};

use crate::common::*;

fn line<'a>(records: &'a Value, source: &str) -> &'a Value {
    records["lines"]
        .as_array()
        .and_then(|l| l.iter().find(|x| x["source"] == source))
        .unwrap_or_else(|| panic!("no {source} line in {records}"))
}

#[tokio::test]
async fn the_inspection_form_shows_the_units_records_beside_the_items() {
    let app = TestApp::demo().await;
    let manager = app.client_for("demo_unit").await;
    let (_, me) = manager.get("/api/v1/me").await;
    let unit = me["unit_id"].as_str().unwrap().to_string();

    // No rules yet: the line bears on Z6 and asks for attention.
    let (s, r) = manager.get(&format!("/api/v1/units/{unit}/records")).await;
    assert_eq!(s, 200, "{r}");
    let rules = line(&r, "治安保卫制度");
    assert_eq!(rules["items"], json!(["Z6"]), "{r}");
    assert_eq!(rules["attention"], true, "{r}");
    assert!(
        rules["text"]
            .as_str()
            .unwrap()
            .starts_with("九项制度已覆盖 0 项，尚未登记任何制度"),
        "{r}"
    );
    assert_eq!(rules["href"], format!("/units/{unit}/rulebook"));
    // The video system's lines: the demo unit's cameras have no location type recorded yet.
    let video = line(&r, "视频图像信息系统");
    assert_eq!(video["items"], json!(["T4", "U1"]), "{r}");
    assert!(video["text"].as_str().unwrap().contains("未登记安装位置类型"), "{r}");
    assert_eq!(video["attention"], true, "{r}");
    assert_eq!(line(&r, "视频存储期限")["items"], json!(["T2"]), "{r}");
    let body = line(&r, "保卫机构和保卫人员");
    assert_eq!(body["items"], json!(["Z1", "P1"]), "{r}");
    assert_eq!(body["text"], "尚未登记保卫机构；保卫人员 0 名。", "{r}");
    assert_eq!(body["attention"], true, "{r}");
    assert_eq!(line(&r, "备案")["text"], "尚无备案记录。", "{r}");
    let patrol = line(&r, "巡查记录");
    assert_eq!(patrol["items"], json!(["P6", "P5"]), "{r}");
    assert_eq!(patrol["text"], "尚未设置巡查路线，无电子巡查记录。", "{r}");

    // One subject published: the line says so.
    let today = (chrono::Utc::now() + Duration::hours(8)).date_naive();
    let (s, v) = manager
        .post(
            &format!("/api/v1/units/{unit}/rulebook/1/versions"),
            json!({"title": "门卫值班巡查制度", "body": "门卫二十四小时值守。", "approved_on": today, "published_on": today}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let (_, r) = manager.get(&format!("/api/v1/units/{unit}/records")).await;
    let text = line(&r, "治安保卫制度")["text"].as_str().unwrap().to_string();
    assert!(
        text.starts_with("九项制度已覆盖 1 项，缺第2、3、4、5、6、7、8、9项"),
        "{text}"
    );

    // The self-inspection form shows it under item Z6.
    let (s, i) = manager.post("/api/v1/inspections", json!({"unit_id": unit})).await;
    assert_eq!(s, 201, "{i}");
    let b = app.browser("demo_unit", DEMO_PASSWORD).await;
    let page = b
        .get(app.url(&format!("/inspections/{}", i["id"].as_str().unwrap())))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let z6 = page.split("id=\"item-Z6\"").nth(1).expect("item Z6 on the form");
    let z6 = z6.split("class=\"item\"").next().unwrap();
    assert!(z6.contains("单位台账") && z6.contains(&text), "{z6}");
    assert!(z6.contains(&format!("/units/{unit}/rulebook")), "{z6}");

    // Scoped like the unit: police of the jurisdiction read it, another unit's manager gets 404.
    let station = app.client_for("demo_station").await;
    let (s, r) = station.get(&format!("/api/v1/units/{unit}/records")).await;
    assert_eq!(s, 200, "{r}");
    line(&r, "保卫机构和保卫人员");
    // A guard may not read the roster: its lines are left out, the others are there.
    let guard = app.client_for("demo_guard").await;
    let (s, r) = guard.get(&format!("/api/v1/units/{unit}/records")).await;
    assert_eq!(s, 200, "{r}");
    assert!(!r.to_string().contains("保卫机构和保卫人员"), "{r}");
    line(&r, "治安保卫制度");
    let admin = app.admin().await;
    let other = create_unit(&admin, "记录外单位", "330106", "91330106MA2R00071").await;
    let (s, v) = manager.get(&format!("/api/v1/units/{other}/records")).await;
    assert_eq!(s, 404, "{v}");
    assert_eq!(error_code(&v), "not_found");
    let (s, v) = manager.get("/api/v1/units/nope/records").await;
    assert_eq!(s, 404, "{v}");
}

/// The capabilities feed the filings: an own-hired guard opens its 30-day filing from the start
/// of service and, when stopped, its deregistration; a guard from a security company opens none;
/// the video system's commissioning date opens its filing, filled in from the register. The
/// checklist lines then show them under P3 and Z11.
#[tokio::test]
async fn guards_and_the_video_system_open_their_filings() {
    let app = TestApp::demo().await;
    let manager = app.client_for("demo_unit").await;
    let (_, me) = manager.get("/api/v1/me").await;
    let unit = me["unit_id"].as_str().unwrap().to_string();
    let today = (chrono::Utc::now() + Duration::hours(8)).date_naive();
    let started = today - Duration::days(10);
    let id = |birth: &str, seq: &str| {
        let body = format!("330106{birth}{seq}");
        let c = neibao_domain::validate::citizen_id_check_char(&body).unwrap();
        format!("{body}{c}")
    };
    let (s, g) = manager
        .post(
            &format!("/api/v1/units/{unit}/security/guards"),
            json!({"name": "自招保安甲", "post": "门卫", "full_time": true, "on_duty": true, "employment": "own_hired", "citizen_id": id("19900101", "123"),
                   "started_on": started, "vetting": "passed"}),
        )
        .await;
    assert_eq!(s, 201, "{g}");
    let (s, c) = manager
        .post(
            &format!("/api/v1/units/{unit}/security/guards"),
            json!({"name": "派驻保安乙", "post": "门卫", "full_time": true, "on_duty": true, "employment": "company", "company_name": "演示保安服务公司（虚构）",
                   "company_licence_no": "浙公保服2026001", "citizen_id": id("19910202", "234"),
                   "started_on": started, "vetting": "passed"}),
        )
        .await;
    assert_eq!(s, 201, "{c}");
    let (s, l) = manager.get(&format!("/api/v1/units/{unit}/filings")).await;
    assert_eq!(s, 200, "{l}");
    let items = l["items"].as_array().unwrap();
    let starts: Vec<&Value> = items.iter().filter(|f| f["kind"] == "guard_start").collect();
    assert_eq!(starts.len(), 1, "{l}");
    assert_eq!(starts[0]["trigger_on"], started.to_string());
    assert_eq!(starts[0]["due_on"], (started + Duration::days(30)).to_string());
    assert_eq!(starts[0]["source_ref"], format!("guard:{}", g["id"].as_str().unwrap()));

    // Stopped: the deregistration filing, once however often the guard is saved.
    let gid = g["id"].as_str().unwrap();
    let mut body = json!({"name": "自招保安甲", "post": "门卫", "full_time": true, "on_duty": true, "employment": "own_hired", "citizen_id": "",
                          "started_on": started, "stopped_on": today, "vetting": "passed"});
    body["version"] = g["version"].clone();
    let (s, v) = manager
        .put(&format!("/api/v1/units/{unit}/security/guards/{gid}"), body.clone())
        .await;
    assert_eq!(s, 200, "{v}");
    body["version"] = v["version"].clone();
    let (s, v) = manager
        .put(&format!("/api/v1/units/{unit}/security/guards/{gid}"), body)
        .await;
    assert_eq!(s, 200, "{v}");
    let (_, l) = manager.get(&format!("/api/v1/units/{unit}/filings")).await;
    let kinds: Vec<&str> = l["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.iter().filter(|k| **k == "guard_start").count(), 1, "{l}");
    assert_eq!(kinds.iter().filter(|k| **k == "guard_stop").count(), 1, "{l}");

    // The video system: commissioning date recorded → its filing, drafted from the register.
    let (s, v) = manager
        .put(
            &format!("/api/v1/units/{unit}/video-system"),
            json!({"version": 0, "commissioned_on": today - Duration::days(3), "storage_days": 30}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (_, l) = manager.get(&format!("/api/v1/units/{unit}/filings")).await;
    let video = l["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "video_system")
        .unwrap_or_else(|| panic!("a video-system filing in {l}"))
        .clone();
    assert_eq!(video["due_on"], (today + Duration::days(27)).to_string());
    assert_eq!(video["content"]["storage_days"], "30", "{video}");
    assert_eq!(video["content"]["in_use_on"], (today - Duration::days(3)).to_string());
    assert!(
        video["content"]["camera_count"]
            .as_str()
            .unwrap()
            .parse::<i64>()
            .unwrap()
            >= 1,
        "{video}"
    );

    // Beside the checklist.
    let (_, r) = manager.get(&format!("/api/v1/units/{unit}/records")).await;
    let filings: Vec<&Value> = r["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["source"] == "备案")
        .collect();
    assert!(
        filings
            .iter()
            .any(|l| l["items"] == json!(["P3"]) && l["text"].as_str().unwrap().starts_with("自行招用保安员备案 1 件")),
        "{r}"
    );
    assert!(filings.iter().any(|l| l["items"] == json!(["Z11"])), "{r}");
}
