//! First-run setup (docs/SETUP.md): a new installation without `--demo` is given its division,
//! its top police organisation and its first administrator's own account, through the API and in
//! a real browser; everything is checked before anything is written, it happens once, and the
//! bootstrap account is retired.

use serde_json::json;

use crate::common::*;
use crate::webdriver::{browser_installed, css, Browser};

pub(crate) const NEW_PASSWORD: &str = "Qiantang-2026-safe";

#[tokio::test]
async fn a_new_installation_is_set_up_once_through_the_api() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (s, v) = admin.get("/api/v1/setup").await;
    assert_eq!((s, v["needed"].as_bool()), (200, Some(true)), "{v}");

    let body = |division: &str, username: &str, password: &str| {
        json!({"division_code": division, "org_name": "杭州市公安局", "username": username,
               "display_name": "王局长", "password": password})
    };
    // Refusals: a township, an unknown code, a weak password, a taken user name. Nothing written.
    for (b, code) in [
        (body("330106001", "hzadmin", NEW_PASSWORD), "invalid_division_code"),
        (body("339999", "hzadmin", NEW_PASSWORD), "invalid_division_code"),
        (body("330100", "hzadmin", "short"), "weak_password"),
        (body("330100", "admin", NEW_PASSWORD), "conflict"),
        (
            json!({"division_code": "330100", "org_name": "", "username": "hzadmin", "display_name": "王局长", "password": NEW_PASSWORD}),
            "validation_failed",
        ),
    ] {
        let (s, v) = admin.post("/api/v1/setup", b.clone()).await;
        assert_eq!(v["error"]["code"].as_str(), Some(code), "{b}: {s} {v}");
        assert!((400..500).contains(&s));
    }
    let (_, orgs) = admin.get("/api/v1/organisations").await;
    assert_eq!(orgs, json!([]), "nothing written by a refusal");

    let (s, done) = admin
        .post("/api/v1/setup", body("330100", "hzadmin", NEW_PASSWORD))
        .await;
    assert_eq!(s, 201, "{done}");
    assert_eq!(done["organisation"]["kind"], "police_city");
    assert_eq!(done["organisation"]["division_code"], "330100");
    assert_eq!(done["bootstrap_disabled"], true);

    // The bootstrap account is retired: its token no longer works.
    let (s, _) = admin.get("/api/v1/me").await;
    assert_eq!(s, 401);
    // The new administrator signs in, sees the organisation and a setup that is done.
    let (http, s, me) = app.session("hzadmin", NEW_PASSWORD, None).await;
    assert_eq!(s, 200, "{me}");
    let csrf = me["csrf_token"].as_str().unwrap_or_default().to_string();
    let get = |path: &str| {
        let http = http.clone();
        let url = app.url(path);
        async move {
            http.get(url)
                .send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    };
    assert_eq!(get("/api/v1/me").await["role"], "admin");
    let orgs = get("/api/v1/organisations").await;
    assert_eq!(orgs[0]["name"], "杭州市公安局", "{orgs}");
    let status = get("/api/v1/setup").await;
    assert_eq!(status["needed"], false);
    assert_eq!(status["division_code"], "330100");
    let audit = get("/api/v1/audit?action=setup.complete").await;
    assert!(audit.to_string().contains("完成了初始设置"), "{audit}");

    // The installation serves Hangzhou: its administrator's dashboard is Hangzhou's, by district
    // (every district listed), and the account form offers no role above the city.
    let dash = get("/api/v1/dashboard").await;
    assert_eq!(dash["area_level"], "county", "{dash}");
    assert!(dash["by_area"].as_array().unwrap().len() >= 13, "{dash}");
    let page = |path: &str| {
        let http = http.clone();
        let url = app.url(path);
        async move { http.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let home = page("/").await;
    assert!(
        home.contains("杭州市 全辖区概览") && home.contains("按区县统计"),
        "{home}"
    );
    // Its division pickers lead to Hangzhou only.
    let provinces = get("/api/v1/divisions").await;
    assert_eq!(provinces.as_array().map(|a| a.len()), Some(1), "{provinces}");
    assert_eq!(provinces[0]["code"], "330000");
    let cities = get("/api/v1/divisions?parent=330000").await;
    assert_eq!(cities.as_array().map(|a| a.len()), Some(1), "{cities}");
    assert_eq!(cities[0]["code"], "330100");
    assert!(get("/api/v1/divisions?parent=330100").await.as_array().unwrap().len() >= 13);
    // Nothing outside Hangzhou, and no second top organisation: no 省厅 to hang a 省厅 role on.
    let post = |path: &str, body: serde_json::Value| {
        let (http, csrf, url) = (http.clone(), csrf.clone(), app.url(path));
        async move {
            let r = http
                .post(url)
                .header("x-csrf-token", csrf)
                .json(&body)
                .send()
                .await
                .unwrap();
            (
                r.status().as_u16(),
                r.json::<serde_json::Value>().await.unwrap_or_default(),
            )
        }
    };
    let (s, v) = post(
        "/api/v1/organisations",
        json!({"name": "浙江省公安厅", "kind": "police_province", "division_code": "330000"}),
    )
    .await;
    assert_eq!(s, 400, "{v}");
    assert!(v.to_string().contains("本系统服务于杭州市"), "{v}");
    let city = orgs[0]["id"].as_str().unwrap();
    let (s, v) = post(
        "/api/v1/organisations",
        json!({"name": "西湖区分局", "kind": "police_county", "division_code": "330106", "parent_id": city}),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    let users = page("/users").await;
    assert!(
        users.contains("市局内保民警") && !users.contains("省厅内保民警"),
        "{users}"
    );

    // Once only.
    let r = http
        .post(app.url("/api/v1/setup"))
        .header("x-csrf-token", csrf)
        .json(&body("330000", "other", NEW_PASSWORD))
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        (status, v["error"]["code"].as_str()),
        (409, Some("invalid_transition")),
        "{v}"
    );
}

#[tokio::test]
async fn a_demo_installation_needs_no_setup_and_others_may_not_run_it() {
    let app = TestApp::demo().await;
    let (s, v) = app.admin().await.get("/api/v1/setup").await;
    assert_eq!((s, v["needed"].as_bool()), (200, Some(false)));
    let county = app.client_for("demo_county").await;
    let (s, v) = county
        .post("/api/v1/setup", json!({"division_code": "330100", "org_name": "某局", "username": "x1x", "display_name": "某", "password": NEW_PASSWORD}))
        .await;
    assert_eq!((s, v["error"]["code"].as_str()), (403, Some("forbidden")), "{v}");
}

/// On the setup page: 浙江省 › 杭州市 with the picker (which stops at the county), 杭州市公安局, and
/// the administrator hzadmin (王局长); the passwords are left to the caller.
pub(crate) async fn fill_setup_form(b: &Browser) {
    b.wait_for("the setup form", || async {
        b.try_find(&css("#setup-form")).await.is_ok()
    })
    .await;
    for (level, code) in [("选择省", "330000"), ("选择市", "330100")] {
        let option = css(&format!("select[aria-label='{level}'] option[value='{code}']"));
        b.wait_for(level, || async { b.try_find(&option).await.is_ok() }).await;
        b.click(&option).await;
    }
    b.wait_for("the county level", || async {
        b.try_find(&css("select[aria-label='选择区县']")).await.is_ok()
    })
    .await;
    assert!(b.try_find(&css("select[aria-label='选择乡镇（街道）']")).await.is_err());
    assert_eq!(b.property(&css("#setup-division"), "value").await, "330100");
    b.send_keys(&css("#setup-org"), "杭州市公安局").await;
    b.send_keys(&css("#setup-username"), "hzadmin").await;
    b.send_keys(&css("#setup-name"), "王局长").await;
}

#[tokio::test]
async fn first_run_setup_in_the_browser() {
    if !browser_installed() {
        return;
    }
    let app = TestApp::spawn().await;
    let b = Browser::start().await;
    b.login_with(&app, "admin", ADMIN_PASSWORD).await;
    b.click(&css("#setup-link")).await;
    b.wait_for("the setup form", || async {
        b.try_find(&css("#setup-form")).await.is_ok()
    })
    .await;
    fill_setup_form(&b).await;
    // A mistyped second password: refused, what was typed kept (but not the passwords).
    b.send_keys(&css("#setup-password"), NEW_PASSWORD).await;
    b.send_keys(&css("#setup-password-again"), "Qiantang-2026-sofe").await;
    b.click(&css("#setup-submit")).await;
    b.wait_for("the refusal", || async { b.try_find(&css("#error")).await.is_ok() })
        .await;
    assert!(b.text(&css("#error")).await.contains("两次输入的密码不一致"));
    assert_eq!(b.property(&css("#setup-org"), "value").await, "杭州市公安局");
    assert_eq!(b.property(&css("#setup-division"), "value").await, "330100");
    b.send_keys(&css("#setup-password"), NEW_PASSWORD).await;
    b.send_keys(&css("#setup-password-again"), NEW_PASSWORD).await;
    b.click(&css("#setup-submit")).await;
    b.wait_for("the login page", || async {
        let url = b.url().await;
        if let Ok(e) = b.try_text(&css("#error")).await {
            panic!("refused: {e}");
        }
        url.contains("/login?setup=1")
    })
    .await;
    assert!(b.text(&css("body")).await.contains("初始设置已完成"));
    // The new account signs in; the banner is gone.
    b.login_with(&app, "hzadmin", NEW_PASSWORD).await;
    assert!(b.try_find(&css("#setup-needed")).await.is_err());
    b.goto(&app.url("/setup")).await;
    b.wait_for("the done notice", || async {
        b.try_find(&css("#setup-done")).await.is_ok()
    })
    .await;
    b.quit().await;
    // The old bootstrap password no longer signs in.
    let (_, s, _) = app.session("admin", ADMIN_PASSWORD, None).await;
    assert_eq!(s, 401);
}
