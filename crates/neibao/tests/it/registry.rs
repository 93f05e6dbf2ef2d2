//! Registry, devices and events through their services: every change is audited in its own
//! transaction (a failed audit write fails the change), and the raw payload of an event is not
//! handed out when its read cannot be audited.

use serde_json::{json, Value};

use crate::common::*;

/// The newest audit rows with `action`.
async fn audited(admin: &Client, action: &str) -> Vec<Value> {
    let (s, log) = admin.get(&format!("/api/v1/audit?action={action}&per_page=200")).await;
    assert_eq!(s, 200, "{log}");
    log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["action"] == action)
        .cloned()
        .collect()
}

#[tokio::test]
async fn registry_changes_are_audited_with_their_objects() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let unit = create_unit(&admin, "审计登记单位", "330106", "91330106000000041").await;
    let (s, area) = admin
        .post(&format!("/api/v1/units/{unit}/key_areas"), json!({"name": "机房"}))
        .await;
    assert_eq!(s, 201, "{area}");
    let (device, _) = create_device(&admin, &unit, area["id"].as_str(), "hikvision").await;
    let (s, _) = admin
        .put(
            &format!("/api/v1/units/{unit}/rules/video_tamper"),
            json!({"enabled": false}),
        )
        .await;
    assert_eq!(s, 204);
    let (s, _) = admin
        .put(&format!("/api/v1/units/{unit}/armed_schedule"), json!({"periods": []}))
        .await;
    assert_eq!(s, 204);
    let (_, current) = admin.get(&format!("/api/v1/units/{unit}")).await;
    let (s, v) = admin
        .put(
            &format!("/api/v1/units/{unit}"),
            json!({"version": current["version"], "name": "审计登记单位（更名）", "kind": "enterprise", "uscc": uscc("91330106000000041"), "division_code": "330106"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");

    for (action, object_id) in [
        ("unit.create", unit.as_str()),
        ("unit.update", unit.as_str()),
        ("key_area.create", area["id"].as_str().unwrap()),
        ("device.create", device.as_str()),
        ("rule_setting.update", "video_tamper"),
        ("armed_schedule.update", unit.as_str()),
    ] {
        let rows = audited(&admin, action).await;
        assert_eq!(rows.len(), 1, "{action}: {rows:?}");
        assert_eq!(rows[0]["object_id"], object_id, "{action}");
        assert_eq!(rows[0]["unit_id"], unit.as_str(), "{action}");
        assert_eq!(rows[0]["actor_name"], "admin", "{action}");
        assert!(!rows[0]["detail"].as_str().unwrap().is_empty(), "{action}");
    }
    assert!(neibao::audit_verify(&app.services, &[])
        .await
        .unwrap()
        .problems
        .is_empty());
}

#[tokio::test]
async fn a_failed_audit_write_fails_the_change_and_withholds_raw_payloads() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let unit = create_unit(&admin, "审计失败单位", "330106", "91330106000000042").await;
    let (device, path) = create_device(&admin, &unit, None, "generic_json").await;
    let (s, v) = app
        .ingest(&path, "application/json", json!({"type": "motion"}).to_string())
        .await;
    assert_eq!(s, 200, "{v}");
    let (_, events) = admin.get(&format!("/api/v1/events?device_id={device}")).await;
    let event = events["items"][0]["id"].as_str().unwrap().to_string();

    // The audit log cannot be written: every change refuses, and changes nothing.
    app.exec_sql("ALTER TABLE audit_log RENAME TO audit_log_away").await;
    let (s, v) = admin
        .post(
            "/api/v1/units",
            json!({"name": "未审计单位", "kind": "enterprise", "uscc": uscc("91330106000000043"), "division_code": "330106"}),
        )
        .await;
    assert_eq!(s, 500, "{v}");
    let (s, v) = admin
        .post(
            &format!("/api/v1/units/{unit}/key_areas"),
            json!({"name": "未审计部位"}),
        )
        .await;
    assert_eq!(s, 500, "{v}");
    let (s, v) = admin
        .post(
            "/api/v1/devices",
            json!({"unit_id": unit, "format": "hikvision", "name": "未审计设备"}),
        )
        .await;
    assert_eq!(s, 500, "{v}");
    let (s, v) = admin
        .put(
            &format!("/api/v1/units/{unit}/rules/video_tamper"),
            json!({"enabled": false}),
        )
        .await;
    assert_eq!(s, 500, "{v}");
    let (s, v) = admin
        .put(&format!("/api/v1/units/{unit}/armed_schedule"), json!({"periods": []}))
        .await;
    assert_eq!(s, 500, "{v}");
    let (_, current) = admin.get(&format!("/api/v1/units/{unit}")).await;
    let (s, v) = admin
        .put(
            &format!("/api/v1/units/{unit}"),
            json!({"version": current["version"], "name": "未审计更名", "kind": "enterprise", "uscc": uscc("91330106000000042"), "division_code": "330106"}),
        )
        .await;
    assert_eq!(s, 500, "{v}");
    // A sensitive read that cannot be audited hands out nothing.
    let r = admin
        .http
        .get(format!(
            "{}/api/v1/events/{event}/raw?purpose=核查审计失败时的读取",
            admin.base
        ))
        .bearer_auth(&admin.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 500);
    assert!(
        !r.text().await.unwrap().contains("motion"),
        "no raw bytes without the audit row"
    );
    app.exec_sql("ALTER TABLE audit_log_away RENAME TO audit_log").await;

    let (_, units) = admin.get("/api/v1/units?q=未审计").await;
    assert_eq!(units["total"], 0, "{units}");
    let (_, u) = admin.get(&format!("/api/v1/units/{unit}")).await;
    assert_eq!(u["name"], "审计失败单位");
    assert!(u["armed_schedule"].is_null(), "{u}");
    let (_, areas) = admin.get(&format!("/api/v1/units/{unit}/key_areas")).await;
    assert_eq!(areas.as_array().unwrap().len(), 0);
    let (_, devices) = admin.get(&format!("/api/v1/devices?unit_id={unit}")).await;
    assert_eq!(devices["total"], 1);
    let (_, rules) = admin.get(&format!("/api/v1/units/{unit}/rules")).await;
    assert!(rules.as_array().unwrap().iter().all(|r| r["enabled"] == true));
    assert!(neibao::audit_verify(&app.services, &[])
        .await
        .unwrap()
        .problems
        .is_empty());
}

/// A device carries its unit's armed schedule into the intake path through the token cache
/// (`neibao_engine::intake::tokens`): changing the schedule empties it (`forget_devices`), so the
/// device's next post, within the cache's 5 s, is evaluated with the new schedule.
#[tokio::test]
async fn a_schedule_change_reaches_the_next_post_at_once() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let unit = create_unit(&admin, "布防变更单位", "330106", "91330106000000033").await;
    let (_, path) = create_device(&admin, &unit, None, "generic_json").await;
    let motion = |region: &str| json!({"type": "motion", "region": region}).to_string();
    let (s, v) = app.ingest(&path, "application/json", motion("北门")).await;
    assert_eq!((s, v["alerts"].as_u64()), (200, Some(0)), "not armed: {v}");
    let whole_week = json!({"periods": [{"weekdays": [1, 2, 3, 4, 5, 6, 7], "start": "00:00", "end": "00:00"}]});
    let (s, v) = admin
        .put(&format!("/api/v1/units/{unit}/armed_schedule"), whole_week)
        .await;
    assert!(s == 200 || s == 204, "{s} {v}");
    let (s, v) = app.ingest(&path, "application/json", motion("南门")).await;
    assert_eq!((s, v["alerts"].as_u64()), (200, Some(1)), "armed now: {v}");
}

/// A browser session of `username` through the login form.
async fn ui_login(app: &TestApp, username: &str, password: &str) -> reqwest::Client {
    let b = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = b
        .post(app.url("/login"))
        .form(&[("username", username), ("password", password)])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection(), "login {username}: {}", r.status());
    b
}

/// The CSRF token of a page's forms.
fn csrf_of(html: &str) -> String {
    let i = html.find("name=\"csrf_token\" value=\"").expect("csrf field") + "name=\"csrf_token\" value=\"".len();
    html[i..].split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn a_unit_at_a_division_that_does_not_exist_is_refused() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    // The shipped division table is there without the demo data.
    let (s, streets) = admin.get("/api/v1/divisions?parent=330106").await;
    assert_eq!(s, 200, "{streets}");
    assert!(streets.to_string().contains("330106002"), "{streets}");
    let body = |division: &str| json!({"version": 1, "name": "区划测试单位", "kind": "enterprise", "uscc": uscc("91330106000000051"), "division_code": division});
    // 330106999 has the shape of a street of 西湖区, but there is no such street.
    for bad in ["330106999", "330199", "339999"] {
        let (s, v) = admin.post("/api/v1/units", body(bad)).await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (400, Some("invalid_division_code")),
            "{bad}: {v}"
        );
        let message = v["error"]["message"].as_str().unwrap();
        assert!(message.contains("行政区划代码") && message.contains(bad), "{message}");
    }
    let (s, v) = admin.post("/api/v1/units", body("330106002")).await;
    assert_eq!(s, 201, "a real street: {v}");
    let unit = v["id"].as_str().unwrap().to_string();
    // Update: refused the same way, the unit unchanged.
    let (s, v) = admin.put(&format!("/api/v1/units/{unit}"), body("330106999")).await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (400, Some("invalid_division_code")),
        "{v}"
    );
    let (_, u) = admin.get(&format!("/api/v1/units/{unit}")).await;
    assert_eq!(u["division_code"], "330106002");
    // The full place name, not only the street (issue 20).
    assert_eq!(u["division_name"], "浙江省杭州市西湖区北山街道");
    let (s, v) = admin.put(&format!("/api/v1/units/{unit}"), body("330106004")).await;
    assert_eq!(s, 200, "{v}");

    // The registration form: 400, the field named, what was typed kept.
    let b = ui_login(&app, "admin", ADMIN_PASSWORD).await;
    let html = b.get(app.url("/units/new")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_of(&html);
    let r = b
        .post(app.url("/units"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("name", "界面区划测试单位"),
            ("kind", "enterprise"),
            ("uscc", uscc("91330106000000052").as_str()),
            ("division_code", "330106999"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("行政区划代码「330106999」不存在"), "the field is named");
    assert!(html.contains("value=\"界面区划测试单位\"") && html.contains("value=\"330106999\""));
    let (_, units) = admin.get("/api/v1/units?per_page=100").await;
    assert!(!units.to_string().contains("界面区划测试单位"), "nothing registered");
}

/// Registers a device through the unit page's form; the answer with everything it sent back.
async fn register_device_in_ui(
    app: &TestApp,
    b: &reqwest::Client,
    unit: &str,
) -> (u16, reqwest::header::HeaderMap, String) {
    let html = b
        .get(app.url(&format!("/units/{unit}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let r = b
        .post(app.url("/devices"))
        .form(&[
            ("csrf_token", csrf_of(&html).as_str()),
            ("unit_id", unit),
            ("format", "hikvision"),
            ("kind", "camera"),
            ("name", "大门摄像机"),
        ])
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    (status, headers, r.text().await.unwrap())
}

/// The ingest URL shown on a page, and how many times the page holds its token.
fn shown_ingest_url(html: &str) -> (String, usize) {
    let i = html
        .find("<code id=\"ingest-url\">")
        .expect("the ingest URL on the page")
        + "<code id=\"ingest-url\">".len();
    let url = html[i..].split('<').next().unwrap().to_string();
    let token = url.rsplit('/').next().unwrap();
    assert!(token.len() >= 20, "a secret token: {url}");
    (url.clone(), html.matches(token).count())
}

#[tokio::test]
async fn a_device_secret_is_shown_once_in_the_page_body_never_in_a_url() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let unit = create_unit(&admin, "接入地址单位", "330106", "91330106000000053").await;
    let b = ui_login(&app, "admin", ADMIN_PASSWORD).await;
    let (status, headers, html) = register_device_in_ui(&app, &b, &unit).await;
    // The answer itself shows it: no redirect, so no Location header and nothing for the
    // address bar or the history; not kept by caches.
    assert_eq!(status, 200);
    assert!(headers.get("location").is_none(), "{headers:?}");
    assert_eq!(headers["cache-control"], "no-store");
    let (url, times) = shown_ingest_url(&html);
    assert_eq!(times, 1, "the secret appears once in the body");
    // The full URL to paste into the device: this server as the request reached it.
    let host = app.base.trim_start_matches("http://");
    assert!(url.starts_with(&format!("http://{host}/ingest/hikvision/")), "{url}");
    let token = url.rsplit('/').next().unwrap().to_string();
    // It works: the device posts to it.
    let (s, v) = app
        .ingest(
            url.trim_start_matches(&app.base),
            "application/xml",
            fixture("hikvision-isapi-alert/alert_fielddetection_vehicle_ver20_nodecl.xml"),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    // Never again: not on the unit page, not in any URL the session visits.
    let r = b.get(app.url(&format!("/units/{unit}"))).send().await.unwrap();
    assert!(!r.url().as_str().contains(&token));
    assert!(!r.text().await.unwrap().contains(&token), "shown once only");
    // A unit page URL made up with the old query parameter shows nothing either.
    let old = b
        .get(app.url(&format!("/units/{unit}?ingest=/ingest/hikvision/{token}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!old.contains("id=\"ingest-url\""));
}

#[tokio::test]
async fn the_ingest_url_uses_the_configured_public_address() {
    let app = TestApp::spawn_configured(
        |c| c.engine.public_url = Some("https://neibao.example.gov.cn/".into()),
        false,
    )
    .await;
    let admin = app.admin().await;
    let unit = create_unit(&admin, "公网地址单位", "330106", "91330106000000054").await;
    let b = ui_login(&app, "admin", ADMIN_PASSWORD).await;
    let (status, headers, html) = register_device_in_ui(&app, &b, &unit).await;
    assert_eq!(status, 200);
    assert!(headers.get("location").is_none());
    let (url, times) = shown_ingest_url(&html);
    assert_eq!(times, 1);
    assert!(
        url.starts_with("https://neibao.example.gov.cn/ingest/hikvision/"),
        "{url}"
    );
}
