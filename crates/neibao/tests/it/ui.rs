//! The web UI over HTTP: login, pages render in Chinese, forms need the CSRF token.

use crate::common::*;

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::limited(5))
        .build()
        .unwrap()
}

fn csrf_of(html: &str) -> String {
    let i = html.find("name=\"csrf_token\" value=\"").expect("csrf field") + "name=\"csrf_token\" value=\"".len();
    html[i..].split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn login_pages_and_acknowledge_through_forms() {
    let app = TestApp::demo().await;
    let b = browser();
    // Anonymous → login page.
    let r = b.get(app.url("/alerts")).send().await.unwrap();
    assert!(r.url().path().ends_with("/login"));
    let html = r.text().await.unwrap();
    assert!(html.contains("智慧内保平台") && html.contains("登录"));
    // Wrong password: a Chinese error on the page.
    let r = b
        .post(app.url("/login"))
        .form(&[("username", "demo_unit"), ("password", "wrong")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.text().await.unwrap().contains("用户名或密码错误"));
    let r = b
        .post(app.url("/login"))
        .form(&[("username", "demo_unit"), ("password", DEMO_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let home = r.text().await.unwrap();
    assert!(home.contains("未解除告警"), "dashboard");
    let csp = reqwest::get(app.url("/login"))
        .await
        .unwrap()
        .headers()
        .get("content-security-policy")
        .cloned()
        .unwrap();
    assert!(csp.to_str().unwrap().contains("script-src 'self'"));

    for path in ["/units", "/devices", "/events", "/alerts"] {
        let r = b.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let html = r.text().await.unwrap();
        assert!(html.contains("<html lang=\"zh-CN\">"), "{path}");
        assert!(
            !html.contains("http://") && !html.contains("https://"),
            "{path} references an external asset"
        );
    }
    let alerts = b.get(app.url("/alerts")).send().await.unwrap().text().await.unwrap();
    assert!(alerts.contains("重要部位入侵"), "the demo alert is listed");
    let i = alerts.find("href=\"/alerts/").unwrap() + "href=\"".len();
    let link = alerts[i..].split('"').next().unwrap().to_string();
    let page = b.get(app.url(&link)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("待处置"));
    let csrf = csrf_of(&page);

    // Without the CSRF token the form post is refused and nothing changes.
    let r = b
        .post(app.url(&format!("{link}/acknowledge")))
        .form(&[("csrf_token", "forged"), ("comment", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = b
        .post(app.url(&format!("{link}/acknowledge")))
        .form(&[("csrf_token", csrf.as_str()), ("comment", "保安已到场核查")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("已确认") && page.contains("保安已到场核查"),
        "acknowledged with the comment"
    );

    // Unit page shows responsible persons masked.
    let units = b.get(app.url("/units")).send().await.unwrap().text().await.unwrap();
    let i = units
        .find("href=\"/units/0")
        .or_else(|| units.find("href=\"/units/"))
        .unwrap()
        + "href=\"".len();
    let unit_link = units[i..].split('"').next().unwrap().to_string();
    let unit_page = b.get(app.url(&unit_link)).send().await.unwrap().text().await.unwrap();
    assert!(unit_page.contains("********"), "ID numbers masked");
    assert!(unit_page.contains("****"), "phones masked");

    // Logout ends the session.
    let r = b
        .post(app.url("/logout"))
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert!(r.url().path().ends_with("/login"));
    let r = b.get(app.url("/alerts")).send().await.unwrap();
    assert!(r.url().path().ends_with("/login"));
}

#[tokio::test]
async fn session_cookie_api_calls_need_the_csrf_header() {
    let app = TestApp::demo().await;
    let b = browser();
    let r = b
        .post(app.url("/api/v1/session"))
        .json(&serde_json::json!({"username": "demo_unit", "password": DEMO_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let set_cookie = r.headers().get("set-cookie").unwrap().to_str().unwrap().to_string();
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"));
    let v: serde_json::Value = r.json().await.unwrap();
    let csrf = v["csrf_token"].as_str().unwrap().to_string();
    let (_, alerts) = {
        let r = b.get(app.url("/api/v1/alerts")).send().await.unwrap();
        (r.status(), r.json::<serde_json::Value>().await.unwrap())
    };
    let id = alerts["items"][0]["id"].as_str().unwrap().to_string();
    let r = b
        .post(app.url(&format!("/api/v1/alerts/{id}/acknowledge")))
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = b
        .post(app.url(&format!("/api/v1/alerts/{id}/acknowledge")))
        .header("x-csrf-token", csrf)
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn unit_manager_configures_schedule_and_rules_in_the_ui() {
    let app = TestApp::demo().await;
    let b = browser();
    b.post(app.url("/login"))
        .form(&[("username", "demo_unit"), ("password", DEMO_PASSWORD)])
        .send()
        .await
        .unwrap();
    let (_, me) = app.client_for("demo_unit").await.get("/api/v1/me").await;
    let unit = me["unit_id"].as_str().unwrap().to_string();
    let page = b
        .get(app.url(&format!("/units/{unit}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("预警规则与布防时段") && page.contains("1,2,3,4,5 20:00-07:00"));
    let csrf = csrf_of(&page);

    let r = b
        .post(app.url(&format!("/units/{unit}/schedule")))
        .form(&[("csrf_token", csrf.as_str()), ("schedule", "1-7 22:00-06:00")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("周一、二、三、四、五、六、日 22:00–06:00"));
    // A bad schedule is refused with a Chinese message and the old one stays.
    let r = b
        .post(app.url(&format!("/units/{unit}/schedule")))
        .form(&[("csrf_token", csrf.as_str()), ("schedule", "周一 晚上")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("无法识别的布防时段"));

    // Switch the failed-verification rule to threshold 3 / critical; disable tamper alerts.
    let r = b
        .post(app.url(&format!("/units/{unit}/rules/access_failed_verification")))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("enabled", "true"),
            ("severity", "critical"),
            ("threshold", "3"),
            ("window_seconds", "60"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = b
        .post(app.url(&format!("/units/{unit}/rules/video_tamper")))
        .form(&[("csrf_token", csrf.as_str()), ("severity", "medium")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (_, rules) = app
        .client_for("demo_unit")
        .await
        .get(&format!("/api/v1/units/{unit}/rules"))
        .await;
    let find = |code: &str| {
        rules
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["rule"] == code)
            .unwrap()
            .clone()
    };
    assert_eq!(find("access_failed_verification")["params"]["threshold"], 3);
    assert_eq!(find("access_failed_verification")["severity"], "critical");
    assert_eq!(find("video_tamper")["enabled"], false);
    let (_, u) = app
        .client_for("demo_unit")
        .await
        .get(&format!("/api/v1/units/{unit}"))
        .await;
    assert_eq!(u["armed_schedule"]["periods"][0]["start"], "22:00");

    // A guard sees the rules but cannot change them.
    let g = browser();
    g.post(app.url("/login"))
        .form(&[("username", "demo_guard"), ("password", DEMO_PASSWORD)])
        .send()
        .await
        .unwrap();
    let page = g
        .get(app.url(&format!("/units/{unit}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("保存布防时段"));
    let r = g
        .post(app.url(&format!("/units/{unit}/rules/video_tamper")))
        .form(&[
            ("csrf_token", csrf_of(&page).as_str()),
            ("enabled", "true"),
            ("severity", "low"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn repeated_failed_logins_lock_the_user_name_for_a_while() {
    let app = TestApp::demo().await;
    let http = reqwest::Client::new();
    let login = |user: &'static str, pass: &'static str| {
        let (http, url) = (http.clone(), app.url("/api/v1/session"));
        async move {
            http.post(url)
                .json(&serde_json::json!({"username": user, "password": pass}))
                .send()
                .await
                .unwrap()
        }
    };
    for _ in 0..10 {
        assert_eq!(login("demo_unit", "wrong-password").await.status(), 401);
    }
    let r = login("demo_unit", DEMO_PASSWORD).await;
    assert_eq!(r.status(), 429, "locked even with the right password");
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "busy");
    assert!(v["error"]["message"].as_str().unwrap().contains("登录失败次数过多"));
    // Another user is not affected; a success clears that user's failures.
    assert_eq!(login("demo_guard", "wrong").await.status(), 401);
    assert_eq!(login("demo_guard", DEMO_PASSWORD).await.status(), 200);
    let b = browser();
    let r = b
        .post(app.url("/login"))
        .form(&[("username", "demo_unit"), ("password", DEMO_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    assert!(r.text().await.unwrap().contains("登录失败次数过多"));
}
