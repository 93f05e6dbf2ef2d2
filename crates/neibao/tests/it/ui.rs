//! The web UI over HTTP: login, pages render in Chinese, forms need the CSRF token.

use crate::common::*;

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::limited(5))
        .build()
        .unwrap()
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
    let r = post_form(&b, &app, "/login", &[("username", "demo_unit"), ("password", "wrong")]).await;
    assert_eq!(r.status(), 401);
    assert!(r.text().await.unwrap().contains("用户名或密码错误"));
    let r = post_form(
        &b,
        &app,
        "/login",
        &[("username", "demo_unit"), ("password", DEMO_PASSWORD)],
    )
    .await;
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
    // Alert ids are time-ordered UUIDs starting with 0 (the page also links /alerts/stats).
    let i = alerts.find("href=\"/alerts/0").unwrap() + "href=\"".len();
    let link = alerts[i..].split('"').next().unwrap().to_string();
    let page = b.get(app.url(&link)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("待处置"));
    let csrf = csrf_of(&page);

    // Without the CSRF token the form post is refused and nothing changes.
    let r = post_form(
        &b,
        &app,
        &format!("{link}/acknowledge"),
        &[("csrf_token", "forged"), ("comment", "x")],
    )
    .await;
    assert_eq!(r.status(), 403);
    let r = post_form(
        &b,
        &app,
        &format!("{link}/acknowledge"),
        &[("csrf_token", csrf.as_str()), ("comment", "保安已到场核查")],
    )
    .await;
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
    let r = post_form(&b, &app, "/logout", &[("csrf_token", csrf.as_str())]).await;
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
    post_form(
        &b,
        &app,
        "/login",
        &[("username", "demo_unit"), ("password", DEMO_PASSWORD)],
    )
    .await;
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
    // The demo unit's schedule (weekdays 20:00–07:00) as a row of weekday boxes and times,
    // then empty rows.
    assert!(page.contains("预警规则与布防时段") && page.contains("id=\"weekly-rows\""));
    assert!(page.contains("name=\"w0_day\" value=\"5\" checked") && page.contains("name=\"w0_start\" value=\"20:00\""));
    assert!(page.contains("name=\"w0_day\" value=\"6\">") && page.contains("name=\"w2_start\" value=\"\""));
    let csrf = csrf_of(&page);

    let mut rows: Vec<(&str, &str)> = vec![("csrf_token", csrf.as_str())];
    for d in ["1", "2", "3", "4", "5", "6", "7"] {
        rows.push(("w0_day", d));
    }
    rows.extend([
        ("w0_start", "22:00"),
        ("w0_end", "06:00"),
        ("w1_start", ""),
        ("w1_end", ""),
        ("w2_day", "6"),
        ("w2_start", "09:00"),
        ("w2_end", "11:30"),
    ]);
    let r = post_form(&b, &app, &format!("/units/{unit}/schedule"), &rows).await;
    assert_eq!(r.status(), 200);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("周一、二、三、四、五、六、日 22:00–06:00；周六 09:00–11:30"));
    // A bad time is refused with a Chinese message naming the row and the field, the rows as
    // typed, and the old schedule stays.
    let r = post_form(
        &b,
        &app,
        &format!("/units/{unit}/schedule"),
        &[
            ("csrf_token", csrf.as_str()),
            ("w0_day", "2"),
            ("w0_start", "25:00"),
            ("w0_end", "07:00"),
        ],
    )
    .await;
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("布防时段第1行：「开始」应为 时:分"), "{html}");
    assert!(html.contains("name=\"w0_day\" value=\"2\" checked") && html.contains("name=\"w0_start\" value=\"25:00\""));
    // A row with times but no weekday.
    let r = post_form(
        &b,
        &app,
        &format!("/units/{unit}/schedule"),
        &[
            ("csrf_token", csrf.as_str()),
            ("w0_start", "08:00"),
            ("w0_end", "09:00"),
        ],
    )
    .await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("布防时段第1行：请勾选「星期」"));

    // Switch the failed-verification rule to threshold 3 / critical; disable tamper alerts.
    let r = post_form(
        &b,
        &app,
        &format!("/units/{unit}/rules/access_failed_verification"),
        &[
            ("csrf_token", csrf.as_str()),
            ("enabled", "true"),
            ("severity", "critical"),
            ("threshold", "3"),
            ("window_seconds", "60"),
        ],
    )
    .await;
    assert_eq!(r.status(), 200);
    let r = post_form(
        &b,
        &app,
        &format!("/units/{unit}/rules/video_tamper"),
        &[("csrf_token", csrf.as_str()), ("severity", "medium")],
    )
    .await;
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
    assert_eq!(
        u["armed_schedule"]["periods"],
        serde_json::json!([{"weekdays": [1, 2, 3, 4, 5, 6, 7], "start": "22:00", "end": "06:00"},
                           {"weekdays": [6], "start": "09:00", "end": "11:30"}])
    );

    // A guard sees the rules but cannot change them.
    let g = browser();
    post_form(
        &g,
        &app,
        "/login",
        &[("username", "demo_guard"), ("password", DEMO_PASSWORD)],
    )
    .await;
    let page = g
        .get(app.url(&format!("/units/{unit}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("保存布防时段"));
    let r = post_form(
        &g,
        &app,
        &format!("/units/{unit}/rules/video_tamper"),
        &[
            ("csrf_token", csrf_of(&page).as_str()),
            ("enabled", "true"),
            ("severity", "low"),
        ],
    )
    .await;
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
    let r = post_form(
        &b,
        &app,
        "/login",
        &[("username", "demo_unit"), ("password", DEMO_PASSWORD)],
    )
    .await;
    assert_eq!(r.status(), 429);
    assert!(r.text().await.unwrap().contains("登录失败次数过多"));
}

async fn login_as(app: &TestApp, username: &str, password: &str) -> (reqwest::Client, reqwest::Response) {
    let b = browser();
    let r = post_form(&b, app, "/login", &[("username", username), ("password", password)]).await;
    (b, r)
}

async fn page(b: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let r = b.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// The text after `marker` up to the next `until`.
fn after<'a>(html: &'a str, marker: &str, until: char) -> &'a str {
    let i = html.find(marker).unwrap_or_else(|| panic!("{marker} not on the page")) + marker.len();
    html[i..].split(until).next().unwrap()
}

async fn demo_unit_id(app: &TestApp) -> String {
    let (_, me) = app.client_for("demo_unit").await.get("/api/v1/me").await;
    me["unit_id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn police_see_audit_and_retention_and_reveal_with_a_purpose() {
    let app = TestApp::demo().await;
    let (b, _) = login_as(&app, "demo_county", DEMO_PASSWORD).await;
    for (path, title) in [
        ("/account", "账户安全"),
        ("/audit", "审计日志"),
        ("/retention", "数据保存与法律保全"),
    ] {
        let (s, html) = page(&b, &app, path).await;
        assert_eq!(s, 200, "{path}");
        assert!(html.contains("<html lang=\"zh-CN\">") && html.contains(title), "{path}");
        assert!(
            html.contains("href=\"/audit\"") && html.contains("href=\"/account\""),
            "nav"
        );
        assert!(
            !html.contains("http://") && !html.contains("https://"),
            "{path} references an external asset"
        );
    }
    let (_, audit) = page(&b, &app, "/audit").await;
    assert!(audit.contains("neibao audit verify") && audit.contains("链头哈希"));

    // The unit page offers the purpose-logged read; without a purpose it is refused.
    let unit = demo_unit_id(&app).await;
    let (_, html) = page(&b, &app, &format!("/units/{unit}")).await;
    assert!(html.contains("查看完整信息"));
    let csrf = csrf_of(&html);
    let person = after(&html, &format!("action=\"/units/{unit}/persons/"), '/').to_string();
    let plain = app
        .store
        .reveal_person(&neibao_domain::access::Scope::All, &person)
        .await
        .unwrap();
    let (id_no, phone) = (plain.citizen_id.unwrap(), plain.phone.unwrap());
    assert!(!html.contains(&id_no) && !html.contains(&phone), "masked by default");
    let reveal = app.url(&format!("/units/{unit}/persons/{person}/reveal"));
    let r = b
        .post(&reveal)
        .form(&[("csrf_token", csrf.as_str()), ("purpose", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("须填写查询事由") && !html.contains(&id_no));
    let r = b
        .post(&reveal)
        .form(&[("csrf_token", "forged"), ("purpose", "核查案件线索需联系负责人")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "CSRF checked");
    let r = b
        .post(&reveal)
        .form(&[("csrf_token", csrf.as_str()), ("purpose", "核查案件线索需联系负责人")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let html = r.text().await.unwrap();
    assert!(html.contains(&id_no) && html.contains(&phone), "plaintext shown");
    assert!(html.contains("本次查看已记入审计日志"));

    let (_, audit) = page(&b, &app, "/audit?action=person.").await;
    assert!(audit.contains("person.reveal") && audit.contains("核查案件线索需联系负责人"));
    assert!(audit.contains("demo_county") && !audit.contains(&id_no));
    assert!(!audit.contains("<code>POST "), "filtered by action prefix");

    // Look-up by ID number from the units page: audited, masked results.
    let (_, units) = page(&b, &app, "/units").await;
    assert!(units.contains("按身份证号查找"));
    let r = post_form(
        &b,
        &app,
        "/units/lookup",
        &[
            ("csrf_token", csrf.as_str()),
            ("citizen_id", id_no.as_str()),
            ("purpose", ""),
        ],
    )
    .await;
    assert_eq!(r.status(), 400);
    let r = post_form(
        &b,
        &app,
        "/units/lookup",
        &[
            ("csrf_token", csrf.as_str()),
            ("citizen_id", id_no.as_str()),
            ("purpose", "核查重点人员身份"),
        ],
    )
    .await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains(&format!("/units/{unit}")) && html.contains("********") && !html.contains(&id_no));
    // (A look-up's row names no unit: administrators see it, below.)

    // A legal hold on the unit by its USCC, then released.
    let (_, u) = app
        .client_for("demo_county")
        .await
        .get(&format!("/api/v1/units/{unit}"))
        .await;
    let uscc = u["uscc"].as_str().unwrap().to_string();
    let unit_name = u["name"].as_str().unwrap().to_string();
    let r = post_form(
        &b,
        &app,
        "/retention/holds",
        &[
            ("csrf_token", csrf.as_str()),
            ("case_no", "杭公刑案〔2026〕0001"),
            ("unit", "913301069999999999"),
            ("data_class", "images"),
            ("reason", "案件调查需要保存监控资料"),
        ],
    )
    .await;
    assert_eq!(r.status(), 404, "unknown USCC");
    assert!(r.text().await.unwrap().contains("辖区内没有找到该单位"));
    let r = post_form(
        &b,
        &app,
        "/retention/holds",
        &[
            ("csrf_token", csrf.as_str()),
            ("case_no", "杭公刑案〔2026〕0001"),
            ("unit", uscc.as_str()),
            ("data_class", "images"),
            ("reason", "案件调查需要保存监控资料"),
        ],
    )
    .await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("已设置法律保全") && html.contains("杭公刑案〔2026〕0001") && html.contains(&unit_name));
    let release = after(&html, "action=\"/retention/holds/", '"').to_string();
    let r = post_form(
        &b,
        &app,
        &format!("/retention/holds/{release}"),
        &[("csrf_token", csrf.as_str())],
    )
    .await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("已解除："));
    // Police may not change retention policies.
    let r = post_form(
        &b,
        &app,
        "/retention/images",
        &[("csrf_token", csrf.as_str()), ("max_days", "60")],
    )
    .await;
    assert_eq!(r.status(), 403);

    // An administrator may, within the legal minimum.
    let (a, _) = login_as(&app, "admin", ADMIN_PASSWORD).await;
    let (_, audit) = page(&a, &app, "/audit?action=person.lookup").await;
    assert!(audit.contains("核查重点人员身份") && audit.contains("demo_county") && !audit.contains(&id_no));
    let (_, html) = page(&a, &app, "/retention").await;
    let acsrf = csrf_of(&html);
    let r = post_form(
        &a,
        &app,
        "/retention/images",
        &[("csrf_token", acsrf.as_str()), ("max_days", "7")],
    )
    .await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("法定最低"));
    let r = post_form(
        &a,
        &app,
        "/retention/images",
        &[("csrf_token", acsrf.as_str()), ("max_days", "60")],
    )
    .await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("value=\"60\""));
}

#[tokio::test]
async fn unit_users_cannot_open_audit_or_retention() {
    let app = TestApp::demo().await;
    let (b, _) = login_as(&app, "demo_unit", DEMO_PASSWORD).await;
    let (_, home) = page(&b, &app, "/").await;
    assert!(home.contains("href=\"/account\"") && !home.contains("href=\"/audit\""));
    for path in ["/audit", "/retention", "/units/lookup"] {
        let (s, html) = page(&b, &app, path).await;
        assert_eq!(s, 403, "{path}");
        assert!(html.contains("出错了"), "{path}");
    }
    // The unit's own manager may read its persons with a purpose; a guard may not.
    let unit = demo_unit_id(&app).await;
    let (_, html) = page(&b, &app, &format!("/units/{unit}")).await;
    let person = after(&html, &format!("action=\"/units/{unit}/persons/"), '/').to_string();
    let reveal = app.url(&format!("/units/{unit}/persons/{person}/reveal"));
    let r = b
        .post(&reveal)
        .form(&[
            ("csrf_token", csrf_of(&html).as_str()),
            ("purpose", "更新本单位备案信息"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("本次查看已记入审计日志"));
    let (g, _) = login_as(&app, "demo_guard", DEMO_PASSWORD).await;
    let (_, html) = page(&g, &app, &format!("/units/{unit}")).await;
    assert!(!html.contains("查看完整信息"));
    let r = g
        .post(&reveal)
        .form(&[
            ("csrf_token", csrf_of(&html).as_str()),
            ("purpose", "更新本单位备案信息"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

fn totp_secret_of(html: &str) -> String {
    after(html, "id=\"totp-secret\" class=\"secret\">", '<').replace(' ', "")
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test]
async fn totp_enrolment_through_the_forms() {
    let app = TestApp::demo().await;
    // A police account the bureau requires a second factor of lands on the enrolment page and
    // can reach nothing else until it is confirmed.
    app.store.set_meta("security.require_totp_police", "1").await.unwrap();
    let (b, r) = login_as(&app, "demo_station", DEMO_PASSWORD).await;
    assert_eq!(r.url().path(), "/account/totp");
    let html = r.text().await.unwrap();
    assert!(html.contains("本级公安机关要求警务账号启用动态验证码") && html.contains("未启用"));
    let r = b.get(app.url("/alerts")).send().await.unwrap();
    assert_eq!(r.url().path(), "/account/totp", "pending session sent back");
    let csrf = csrf_of(&html);
    let r = post_form(
        &b,
        &app,
        "/account/totp",
        &[("csrf_token", csrf.as_str()), ("action", "begin")],
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let html = r.text().await.unwrap();
    let secret = totp_secret_of(&html);
    assert_eq!(secret.len(), 32, "{secret}");
    assert!(html.contains("otpauth://totp/"));
    let r = post_form(
        &b,
        &app,
        "/account/totp",
        &[("csrf_token", csrf.as_str()), ("action", "confirm"), ("code", "000000")],
    )
    .await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("动态验证码错误或已使用"));
    let code = neibao_engine::accounts::totp::code_at(&secret, now_secs());
    let r = post_form(
        &b,
        &app,
        "/account/totp",
        &[
            ("csrf_token", csrf.as_str()),
            ("action", "confirm"),
            ("code", code.as_str()),
        ],
    )
    .await;
    assert_eq!(r.url().path(), "/account");
    let html = r.text().await.unwrap();
    assert!(html.contains("动态验证码已启用") && html.contains("已启用"));
    assert!(!html.contains("解除动态验证码"), "required: cannot be removed");
    let (s, _) = page(&b, &app, "/alerts").await;
    assert_eq!(s, 200, "the session may go on");

    // An account without the requirement enrols from the account page and may remove it.
    let (b, _) = login_as(&app, "demo_unit", DEMO_PASSWORD).await;
    let (s, html) = page(&b, &app, "/account").await;
    assert_eq!(s, 200);
    assert!(html.contains("绑定动态验证码") && html.contains("未启用"));
    let csrf = csrf_of(&html);
    let r = post_form(
        &b,
        &app,
        "/account/totp",
        &[("csrf_token", csrf.as_str()), ("action", "begin")],
    )
    .await;
    let secret = totp_secret_of(&r.text().await.unwrap());
    let now = now_secs();
    let code = neibao_engine::accounts::totp::code_at(&secret, now);
    let r = post_form(
        &b,
        &app,
        "/account/totp",
        &[
            ("csrf_token", csrf.as_str()),
            ("action", "confirm"),
            ("code", code.as_str()),
        ],
    )
    .await;
    let html = r.text().await.unwrap();
    assert!(html.contains("动态验证码已启用") && html.contains("解除动态验证码"));
    // The same code does not work twice; the next step's does.
    let r = post_form(
        &b,
        &app,
        "/account/totp",
        &[
            ("csrf_token", csrf.as_str()),
            ("action", "remove"),
            ("code", code.as_str()),
        ],
    )
    .await;
    assert_eq!(r.status(), 400);
    let next = neibao_engine::accounts::totp::code_at(&secret, now + 30);
    let r = post_form(
        &b,
        &app,
        "/account/totp",
        &[
            ("csrf_token", csrf.as_str()),
            ("action", "remove"),
            ("code", next.as_str()),
        ],
    )
    .await;
    assert_eq!(r.url().path(), "/account");
    let html = r.text().await.unwrap();
    assert!(html.contains("已解除动态验证码") && html.contains("未启用"));
}

#[tokio::test]
async fn api_tokens_and_password_through_the_forms() {
    let app = TestApp::demo().await;
    let (b, _) = login_as(&app, "demo_unit", DEMO_PASSWORD).await;
    let (_, html) = page(&b, &app, "/account").await;
    assert!(html.contains("接口令牌") && html.contains("尚未创建接口令牌"));
    let csrf = csrf_of(&html);
    let r = post_form(
        &b,
        &app,
        "/account/tokens",
        &[
            ("csrf_token", csrf.as_str()),
            ("name", "值班大屏"),
            ("scope", "read"),
            ("days", "0"),
        ],
    )
    .await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("有效期须为 1–365 天"));
    let r = post_form(
        &b,
        &app,
        "/account/tokens",
        &[
            ("csrf_token", csrf.as_str()),
            ("name", "值班大屏"),
            ("scope", "read"),
            ("days", "30"),
        ],
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let html = r.text().await.unwrap();
    let token = after(&html, "id=\"new-token\" class=\"secret\">", '<').to_string();
    assert_eq!(token.len(), 43, "{token}");
    assert!(html.contains("值班大屏") && html.contains("只读"));
    let (_, again) = page(&b, &app, "/account").await;
    assert!(!again.contains(&token), "shown once");
    let http = reqwest::Client::new();
    let me = |t: String| {
        let (http, url) = (http.clone(), app.url("/api/v1/me"));
        async move { http.get(url).bearer_auth(t).send().await.unwrap().status().as_u16() }
    };
    assert_eq!(me(token.clone()).await, 200);
    let revoke = after(&again, "action=\"/account/tokens/", '"').to_string();
    assert!(revoke.ends_with("/revoke"));
    let r = post_form(
        &b,
        &app,
        &format!("/account/tokens/{revoke}"),
        &[("csrf_token", csrf.as_str())],
    )
    .await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("令牌已撤销") && html.contains("已撤销"));
    assert_eq!(me(token).await, 401, "revoked");

    // Password: repeated wrongly, weak, then changed (the session ends).
    let change = |cur: &'static str, new: &'static str, rep: &'static str| {
        let (b, url, csrf) = (b.clone(), app.url("/account/password"), csrf.clone());
        async move {
            b.post(url)
                .form(&[
                    ("csrf_token", csrf.as_str()),
                    ("current_password", cur),
                    ("new_password", new),
                    ("repeat_password", rep),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    let r = change(DEMO_PASSWORD, "Xk7#mq-Lw9-pz", "Xk7#mq-Lw9-pZ").await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("两次输入的新密码不一致"));
    let r = change("wrong-password", "Xk7#mq-Lw9-pz", "Xk7#mq-Lw9-pz").await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("当前密码错误"));
    let r = change(DEMO_PASSWORD, "short", "short").await;
    assert!(r.text().await.unwrap().contains("密码不符合安全策略"));
    let r = change(DEMO_PASSWORD, "Xk7#mq-Lw9-pz", "Xk7#mq-Lw9-pz").await;
    assert_eq!(r.url().path(), "/login");
    assert!(r.text().await.unwrap().contains("密码已修改"));
    let r = b.get(app.url("/account")).send().await.unwrap();
    assert_eq!(r.url().path(), "/login", "the session ended");
    let (_, r) = login_as(&app, "demo_unit", "Xk7#mq-Lw9-pz").await;
    assert_eq!(r.status(), 200);
}

/// Every form route of the UI (read from the router source, so a new one is covered) refuses a
/// POST from a signed-in browser without the session's CSRF token, and changes nothing.
#[tokio::test]
async fn every_ui_form_needs_the_csrf_token() {
    let app = TestApp::demo().await;
    let (b, r) = login_as(&app, "admin", ADMIN_PASSWORD).await;
    assert_eq!(r.status(), 200);
    let unit = demo_unit_id(&app).await;
    let audit_before = app.store.audit_head().await.unwrap().last_seq;
    let source = crate::authz::web_sources("ui");
    let mut checked = 0;
    for line in source
        .lines()
        .filter(|l| l.contains(".route(\"") && l.contains("post("))
    {
        let path = line.split('"').nth(1).unwrap();
        if path == "/login" {
            continue; // no session yet: nothing to forge
        }
        let path = path
            .replace("{id}", &unit)
            .replace("{pid}", "p")
            .replace("{rule}", "intrusion_key_area")
            .replace("{class}", "events");
        for form in [vec![("name", "x")], vec![("csrf_token", "wrong"), ("name", "x")]] {
            let r = b.post(app.url(&path)).form(&form).send().await.unwrap();
            // 403 from the CSRF check, or 400/422 when the form does not even parse (the
            // handler never runs).
            assert!(
                matches!(r.status().as_u16(), 403 | 400 | 422),
                "POST {path} with {form:?}: {}",
                r.status()
            );
            checked += 1;
        }
    }
    assert!(checked >= 30, "{checked}");
    let (s, _) = page(&b, &app, "/units").await;
    assert_eq!(s, 200, "still signed in (logout refused too)");
    // Refused requests are audited as attempts, never as changes that happened.
    let (_, log) = app.admin().await.get("/api/v1/audit?per_page=200").await;
    for row in log["items"].as_array().unwrap() {
        if row["seq"].as_i64().unwrap() > audit_before && row["action"].as_str().unwrap().starts_with("POST ") {
            let detail = row["detail"].as_str().unwrap();
            assert!(
                ["\"status\":403", "\"status\":400", "\"status\":422"]
                    .iter()
                    .any(|s| detail.contains(s)),
                "{row}"
            );
        }
    }
}

/// POSTs a form as the browser `b`.
async fn post_form(b: &reqwest::Client, app: &TestApp, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    b.post(app.url(path)).form(form).send().await.unwrap()
}

/// The administrator requires a second factor for police from the account page; an officer
/// without one then lands on the enrolment page.
#[tokio::test]
async fn admin_requires_a_second_factor_for_police_from_the_ui() {
    let app = TestApp::demo().await;
    let (b, r) = login_as(&app, "admin", ADMIN_PASSWORD).await;
    assert_eq!(r.status(), 200);
    let (_, html) = page(&b, &app, "/account").await;
    assert!(html.contains("警务账号必须启用动态验证码"));
    let csrf = csrf_of(&html);
    let r = post_form(
        &b,
        &app,
        "/account/settings",
        &[("csrf_token", &csrf), ("require_totp_police", "1")],
    )
    .await;
    assert!(r.text().await.unwrap().contains("安全设置已保存"));
    let (_, r) = login_as(&app, "demo_station", DEMO_PASSWORD).await;
    assert_eq!(r.url().path(), "/account/totp");
    let (unit_b, _) = login_as(&app, "demo_unit", DEMO_PASSWORD).await;
    let (s, html) = page(&unit_b, &app, "/account").await;
    assert_eq!(s, 200);
    assert!(
        !html.contains("警务账号必须启用动态验证码"),
        "only administrators see the setting"
    );
    let r = post_form(&unit_b, &app, "/account/settings", &[("csrf_token", &csrf_of(&html))]).await;
    assert_eq!(r.status(), 403);
    assert_eq!(
        app.store
            .get_meta("security.require_totp_police")
            .await
            .unwrap()
            .as_deref(),
        Some("1")
    );
}

#[tokio::test]
async fn an_alert_becomes_a_hazard_from_its_page() {
    let app = TestApp::demo().await;
    let (b, r) = login_as(&app, "demo_county", DEMO_PASSWORD).await;
    assert_eq!(r.status(), 200);
    let police = app.client_for("demo_county").await;
    let (_, alerts) = police.get("/api/v1/alerts?per_page=1").await;
    let alert = alerts["items"][0]["id"].as_str().expect("the demo alert").to_string();
    let (s, html) = page(&b, &app, &format!("/alerts/{alert}")).await;
    assert_eq!(s, 200);
    assert!(html.contains("转为隐患"), "{html}");
    let (s, html) = page(&b, &app, &format!("/hazards/new?alert_id={alert}")).await;
    assert_eq!(s, 200);
    assert!(
        html.contains(&format!("name=\"source_id\" value=\"{alert}\"")),
        "{html}"
    );
    let csrf = csrf_of(&html);
    let title = after(&html, "name=\"title\" required maxlength=\"200\" value=\"", '"').to_string();
    let unit = after(&html, "name=\"unit_id\" value=\"", '"').to_string();
    let r = post_form(
        &b,
        &app,
        "/hazards",
        &[
            ("csrf_token", &csrf),
            ("unit_id", &unit),
            ("source_id", &alert),
            ("title", &title),
            ("class", "general"),
            ("source", "alert"),
            ("description", "告警复核后确认为隐患"),
        ],
    )
    .await;
    assert_eq!(r.status(), 200);
    let hazard = r.url().path().trim_start_matches("/hazards/").to_string();
    let (_, h) = police.get(&format!("/api/v1/hazards/{hazard}")).await;
    assert_eq!(h["source"], "alert", "{h}");
    assert_eq!(h["source_id"], alert.as_str());
    assert!(h["title"].as_str().unwrap().starts_with("告警："));
    // An alert outside the officer's county cannot be used.
    let other = app.client_for("demo_county_other").await;
    let (s, v) = other
        .post(
            "/api/v1/hazards",
            serde_json::json!({"unit_id": unit, "title": "x", "class": "general", "source": "alert", "source_id": alert}),
        )
        .await;
    assert_eq!(s, 404, "{v}");
}

/// The settings form's fields for `s` (the API's settings JSON), with `doc_prefix` and the
/// reminder days as typed.
fn settings_form(s: &serde_json::Value, csrf: &str) -> Vec<(String, String)> {
    let mut f: Vec<(String, String)> = vec![
        ("csrf_token".into(), csrf.into()),
        ("doc_prefix".into(), s["doc_prefix"].as_str().unwrap().into()),
        ("doc_department".into(), s["doc_department"].as_str().unwrap().into()),
        ("general_days".into(), s["deadlines"]["general_days"].to_string()),
        ("major_days".into(), s["deadlines"]["major_days"].to_string()),
        ("max_days".into(), s["deadlines"]["max_days"].to_string()),
    ];
    let days: Vec<String> = s["reminder_days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.to_string())
        .collect();
    f.push(("reminder_days".into(), days.join(",")));
    for (i, r) in s["ladder"].as_array().unwrap().iter().enumerate() {
        let r = r.as_str().unwrap();
        f.push((format!("rung_{r}"), "1".into()));
        f.push((format!("pos_{r}"), (i + 1).to_string()));
    }
    for e in s["credit"]["entries"].as_array().unwrap() {
        let k = e["kind"].as_str().unwrap();
        f.push((format!("points_{k}"), e["points"].to_string()));
        f.push((format!("valid_{k}"), e["valid_days"].to_string()));
    }
    for (i, n) in ["threshold_a", "threshold_b", "threshold_c"].iter().enumerate() {
        f.push((n.to_string(), s["credit"]["thresholds"][i].to_string()));
    }
    for (i, n) in ["interval_a", "interval_b", "interval_c", "interval_d"]
        .iter()
        .enumerate()
    {
        f.push((n.to_string(), s["credit"]["interval_days"][i].to_string()));
    }
    f
}

fn set(f: &mut [(String, String)], name: &str, value: &str) {
    f.iter_mut()
        .find(|(k, _)| k == name)
        .unwrap_or_else(|| panic!("{name}"))
        .1 = value.to_string();
}

async fn post_fields(b: &reqwest::Client, app: &TestApp, path: &str, f: &[(String, String)]) -> reqwest::Response {
    b.post(app.url(path)).form(f).send().await.unwrap()
}

/// County police set their bureau's supervision settings through the form; bad values are
/// refused on the page with the typed values kept; unit users cannot change them.
#[tokio::test]
async fn county_police_set_the_bureau_settings_through_the_form() {
    let app = TestApp::demo().await;
    let (b, r) = login_as(&app, "demo_county", DEMO_PASSWORD).await;
    assert_eq!(r.status(), 200);
    let (_, hub) = page(&b, &app, "/supervision").await;
    assert!(hub.contains("href=\"/supervision/settings\"") && hub.contains("href=\"/checklists\""));
    let (s, html) = page(&b, &app, "/supervision/settings").await;
    assert_eq!(s, 200);
    assert!(
        html.contains("本局监督设置") && html.contains("id=\"save-settings\""),
        "{html}"
    );
    let police = app.client_for("demo_county").await;
    let (_, stored) = police.get("/api/v1/supervision/settings").await;
    let csrf = csrf_of(&html);

    let mut form = settings_form(&stored, &csrf);
    set(&mut form, "doc_prefix", "测公");
    set(&mut form, "reminder_days", "5，2");
    let r = post_fields(&b, &app, "/supervision/settings", &form).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.url().path(), "/supervision/settings");
    let html = r.text().await.unwrap();
    assert!(html.contains("已保存"), "{html}");
    assert!(html.contains("value=\"测公\"") && html.contains("value=\"5,2\""));
    let (_, saved) = police.get("/api/v1/supervision/settings").await;
    assert_eq!(saved["doc_prefix"], "测公", "{saved}");
    assert_eq!(saved["reminder_days"], serde_json::json!([5, 2]));
    assert_eq!(saved["ladder"], stored["ladder"]);
    assert_eq!(saved["credit"], stored["credit"]);

    // Refusals: general days 0, an empty ladder, a word for a number. Nothing changes.
    let mut bad = settings_form(&saved, &csrf);
    set(&mut bad, "general_days", "0");
    set(&mut bad, "doc_prefix", "错公");
    let r = post_fields(&b, &app, "/supervision/settings", &bad).await;
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("整改期限须在1日至最长期限之间"), "{html}");
    assert!(html.contains("value=\"错公\""), "typed values kept");
    let no_ladder: Vec<(String, String)> = settings_form(&saved, &csrf)
        .into_iter()
        .filter(|(k, _)| !k.starts_with("rung_"))
        .collect();
    let r = post_fields(&b, &app, "/supervision/settings", &no_ladder).await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("督办顺序不能为空"));
    let mut word = settings_form(&saved, &csrf);
    set(&mut word, "max_days", "九十");
    let r = post_fields(&b, &app, "/supervision/settings", &word).await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("「最长整改期限」须填写整数"));
    assert_eq!(police.get("/api/v1/supervision/settings").await.1, saved);

    // The ladder follows the typed positions; a rung left out is not in it.
    let mut order = settings_form(&saved, &csrf);
    set(&mut order, "pos_referral", "0");
    order.retain(|(k, _)| k != "rung_circular");
    let r = post_fields(&b, &app, "/supervision/settings", &order).await;
    assert_eq!(r.status(), 200);
    let (_, s) = police.get("/api/v1/supervision/settings").await;
    assert_eq!(
        s["ladder"],
        serde_json::json!(["referral", "interview", "listed_supervision"])
    );

    // A unit user neither sees nor changes the bureau's settings.
    let (ub, _) = login_as(&app, "demo_unit", DEMO_PASSWORD).await;
    let (_, html) = page(&ub, &app, "/supervision").await;
    let (s, _) = page(&ub, &app, "/supervision/settings").await;
    assert_eq!(s, 403);
    let r = post_fields(
        &ub,
        &app,
        "/supervision/settings",
        &settings_form(&saved, &csrf_of(&html)),
    )
    .await;
    assert_eq!(r.status(), 403);
    // The administrator (no bureau) sees the defaults read-only.
    let (ab, _) = login_as(&app, "admin", ADMIN_PASSWORD).await;
    let (s, html) = page(&ab, &app, "/supervision/settings").await;
    assert_eq!(s, 200);
    assert!(
        html.contains("id=\"readonly-note\"") && !html.contains("id=\"save-settings\""),
        "{html}"
    );
    assert_eq!(police.get("/api/v1/supervision/settings").await.1["doc_prefix"], "测公");
}

/// The administrator publishes a new checklist version from the form (one weight changed, one
/// item deleted); a duplicate code is refused; county police may not publish.
#[tokio::test]
async fn admin_publishes_a_checklist_version_through_the_form() {
    let app = TestApp::demo().await;
    let (b, r) = login_as(&app, "admin", ADMIN_PASSWORD).await;
    assert_eq!(r.status(), 200);
    let (s, html) = page(&b, &app, "/checklists").await;
    assert_eq!(s, 200);
    assert!(html.contains("一般单位检查表") && html.contains("第1版"), "{html}");
    let admin = app.admin().await;
    let (_, list) = admin.get("/api/v1/checklists").await;
    let v1 = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["variant"] == "all_units")
        .unwrap()
        .clone();
    assert_eq!(v1["version"], 1);
    let id = v1["id"].as_str().unwrap();
    let items = v1["items"].as_array().unwrap();
    assert!(items.len() >= 3);
    let (s, html) = page(&b, &app, &format!("/checklists/{id}")).await;
    assert_eq!(s, 200);
    assert!(html.contains("action=\"/checklists/all_units/versions\""), "{html}");
    assert!(html.contains(&format!(
        "name=\"code_0\" maxlength=\"20\" value=\"{}\"",
        items[0]["code"].as_str().unwrap()
    )));
    assert!(html.contains("检查保留开展时所用的版本"));
    let csrf = csrf_of(&html);

    let new_weight = if items[0]["weight"].as_f64().unwrap() == 7.0 {
        "8"
    } else {
        "7"
    };
    let mut form: Vec<(String, String)> = vec![
        ("csrf_token".into(), csrf.clone()),
        ("base_id".into(), id.into()),
        ("title".into(), "一般单位检查表（修订）".into()),
    ];
    for (i, it) in items.iter().enumerate() {
        let s = |k: &str| it[k].as_str().unwrap().to_string();
        form.push((format!("code_{i}"), s("code")));
        form.push((format!("defence_{i}"), s("defence")));
        form.push((format!("title_{i}"), s("title")));
        form.push((format!("basis_{i}"), s("basis")));
        form.push((format!("evidence_{i}"), s("evidence")));
        let w = if i == 0 {
            new_weight.to_string()
        } else {
            it["weight"].to_string()
        };
        form.push((format!("weight_{i}"), w));
        if it["critical"] == true {
            form.push((format!("critical_{i}"), "1".into()));
        }
        if it["auto"] == true {
            form.push((format!("auto_{i}"), "1".into()));
        }
    }
    form.push(("delete_1".into(), "1".into()));
    for i in items.len()..items.len() + 3 {
        for k in ["code", "title", "basis", "evidence", "weight"] {
            form.push((format!("{k}_{i}"), String::new()));
        }
        form.push((format!("defence_{i}"), "institutional".into()));
    }

    // A duplicate code is refused with the typed values kept; nothing is stored.
    let mut dup = form.clone();
    set(&mut dup, "code_2", items[0]["code"].as_str().unwrap());
    let r = post_fields(&b, &app, "/checklists/all_units/versions", &dup).await;
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("检查项编号重复"), "{html}");
    assert!(html.contains("value=\"一般单位检查表（修订）\""));
    assert_eq!(admin.get("/api/v1/checklists").await.1, list);
    // An unknown variant is refused.
    let r = post_fields(&b, &app, "/checklists/nope/versions", &form).await;
    assert_eq!(r.status(), 400);

    let r = post_fields(&b, &app, "/checklists/all_units/versions", &form).await;
    assert_eq!(r.status(), 200);
    let new_id = r.url().path().trim_start_matches("/checklists/").to_string();
    assert_ne!(new_id, id);
    let html = r.text().await.unwrap();
    assert!(html.contains("第2版") && html.contains("现行版本"), "{html}");
    let (_, list) = admin.get("/api/v1/checklists").await;
    let v2 = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["variant"] == "all_units" && c["version"] == 2)
        .expect("version 2");
    assert_eq!(v2["id"], new_id.as_str());
    let new_items = v2["items"].as_array().unwrap();
    assert_eq!(new_items.len(), items.len() - 1);
    assert_eq!(
        new_items[0]["weight"].as_f64().unwrap(),
        new_weight.parse::<f64>().unwrap()
    );
    assert!(new_items.iter().all(|i| i["code"] != items[1]["code"]));
    assert_eq!(new_items[1], items[2]);
    // The old version stays readable, without the form, pointing at the current one.
    let (_, html) = page(&b, &app, &format!("/checklists/{id}")).await;
    assert!(!html.contains("id=\"checklist-form\"") && html.contains(&format!("/checklists/{new_id}")));
    // A form based on the old version is refused now.
    let r = post_fields(&b, &app, "/checklists/all_units/versions", &form).await;
    assert_eq!(r.status(), 400);

    // County police read the checklists but may not publish.
    let (cb, _) = login_as(&app, "demo_county", DEMO_PASSWORD).await;
    let (s, html) = page(&cb, &app, &format!("/checklists/{new_id}")).await;
    assert_eq!(s, 200);
    assert!(!html.contains("id=\"checklist-form\""));
    set(&mut form, "csrf_token", &csrf_of(&html));
    set(&mut form, "base_id", &new_id);
    let r = post_fields(&cb, &app, "/checklists/all_units/versions", &form).await;
    assert_eq!(r.status(), 403);
    let (_, after_list) = admin.get("/api/v1/checklists").await;
    assert_eq!(after_list, list);
}

/// Registering a device from the unit page: the device's clock zone (for times it sends without
/// an offset) is chosen there; empty is the installation's zone.
#[tokio::test]
async fn device_form_sets_the_device_clock_zone() {
    let app = TestApp::demo().await;
    let b = browser();
    let r = post_form(
        &b,
        &app,
        "/login",
        &[("username", "demo_unit"), ("password", DEMO_PASSWORD)],
    )
    .await;
    assert_eq!(r.status(), 200);
    let units = b.get(app.url("/units")).send().await.unwrap().text().await.unwrap();
    let i = units
        .find("href=\"/units/0")
        .or_else(|| units.find("href=\"/units/"))
        .unwrap()
        + "href=\"".len();
    let unit_link = units[i..].split('"').next().unwrap().to_string();
    let page = b.get(app.url(&unit_link)).send().await.unwrap().text().await.unwrap();
    assert!(
        page.contains("设备时钟时区") && page.contains("新疆时间 UTC+6"),
        "zone field on the form"
    );
    let csrf = csrf_of(&page);
    let unit_id = unit_link.trim_start_matches("/units/").to_string();
    for (name, zone, want) in [
        ("新疆时钟摄像机", "Asia/Urumqi", serde_json::json!("Asia/Urumqi")),
        ("默认时钟摄像机", "", serde_json::Value::Null),
    ] {
        let r = post_form(
            &b,
            &app,
            "/devices",
            &[
                ("csrf_token", csrf.as_str()),
                ("unit_id", unit_id.as_str()),
                ("name", name),
                ("kind", "camera"),
                ("format", "gb28181"),
                ("time_zone", zone),
            ],
        )
        .await;
        assert_eq!(r.status(), 200, "{name}");
        let list: serde_json::Value = b
            .get(app.url(&format!("/api/v1/devices?unit_id={unit_id}&per_page=200")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let dev = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["name"] == name)
            .unwrap_or_else(|| panic!("{name} registered: {list}"));
        assert_eq!(dev["time_zone"], want, "{name}");
    }
    let r = post_form(
        &b,
        &app,
        "/devices",
        &[
            ("csrf_token", csrf.as_str()),
            ("unit_id", unit_id.as_str()),
            ("name", "错误时区摄像机"),
            ("kind", "camera"),
            ("format", "gb28181"),
            ("time_zone", "Asia/Beijing"),
        ],
    )
    .await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("设备时区应为 IANA 时区名称"));

    // The edit form changes the zone; the unit page shows it and offers it selected.
    let list: serde_json::Value = b
        .get(app.url(&format!("/api/v1/devices?unit_id={unit_id}&per_page=200")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let dev = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "默认时钟摄像机")
        .unwrap()
        .clone();
    let id = dev["id"].as_str().unwrap();
    let version = dev["version"].to_string();
    let r = post_form(
        &b,
        &app,
        &format!("/devices/{id}/edit"),
        &[
            ("csrf_token", csrf.as_str()),
            ("version", version.as_str()),
            ("name", "默认时钟摄像机"),
            ("key_area_id", ""),
            ("time_zone", "UTC"),
        ],
    )
    .await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains("时区 <code>UTC</code>"), "{page}");
    assert!(page.contains("<option value=\"UTC\" selected>世界时 UTC</option>"));
    let (_, d) = {
        let r = b.get(app.url(&format!("/api/v1/devices/{id}"))).send().await.unwrap();
        (r.status(), r.json::<serde_json::Value>().await.unwrap())
    };
    assert_eq!(d["time_zone"], "UTC", "{d}");
}
