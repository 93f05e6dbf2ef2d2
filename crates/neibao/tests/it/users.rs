//! Account administration (issue 12, "Accounts"): an administrator opens accounts with a role
//! on an organisation or unit, moves, disables, enables and resets them, every change audited;
//! a delegated (city) administrator reaches only accounts inside the city. Runs on SQLite and,
//! with NEIBAO_TEST_BACKEND=postgres, on PostgreSQL.

use serde_json::{json, Value};

use crate::common::*;
use crate::common::{error_code as code, error_message as message, first_org as org};

/// Opens an account through the API (201 expected): the answer.
async fn open(by: &Client, body: Value) -> Value {
    let (s, v) = by.post("/api/v1/users", body).await;
    assert_eq!(s, 201, "{v}");
    v
}

/// Logs in with a password through the API: the status.
async fn login(app: &TestApp, username: &str, password: &str) -> u16 {
    app.session(username, password, None).await.1
}

#[tokio::test]
async fn an_administrator_opens_moves_disables_and_resets_accounts() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let xihu = org(&admin, "police_county", "330106").await;
    let binjiang = org(&admin, "police_county", "330108").await;

    // Opened on a county bureau: the first password is shown once and works.
    let created = open(
        &admin,
        json!({"username": "wang.wu", "display_name": "王五", "role": "police_county", "org_id": xihu}),
    )
    .await;
    let id = created["id"].as_str().unwrap().to_string();
    let password = created["initial_password"].as_str().unwrap().to_string();
    assert!(password.len() >= 20);
    assert_eq!(created["role"], "police_county");
    assert_eq!(created["disabled"], false);
    assert!(created.get("password_hash").is_none());
    let (_, got) = admin.get(&format!("/api/v1/users/{id}")).await;
    assert!(got.get("initial_password").is_none(), "not shown again: {got}");
    // The initial password signs in, but only to replace it: everything else is refused (and a
    // page goes to the account page) until the owner sets their own.
    let (b, s, v) = app.session("wang.wu", &password, None).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["user"]["password_temporary"], true, "{v}");
    let r = b.get(app.url("/api/v1/units")).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let refusal: Value = r.json().await.unwrap();
    assert_eq!(refusal["error"]["code"], "password_change_required", "{refusal}");
    let page_b = app.browser("wang.wu", &password).await;
    let r = page_b.get(app.url("/units")).send().await.unwrap();
    assert_eq!(r.url().path(), "/account", "a page leads to the account page");
    let page = r.text().await.unwrap();
    assert!(
        page.contains("请先设置自己的新密码") && !page.contains("接口令牌"),
        "{page}"
    );
    let password = app.replace_first_password("wang.wu", &password).await;
    let (b, s, v) = app.session("wang.wu", &password, None).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["user"]["password_temporary"], false, "{v}");
    let units = |b: reqwest::Client| {
        let url = app.url("/api/v1/units?per_page=200");
        async move { b.get(url).send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let seen = units(b.clone()).await;
    assert!(seen["total"].as_i64().unwrap() > 0);
    assert!(seen["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|u| u["division_code"].as_str().unwrap().starts_with("330106")));

    // Refused, in Chinese, nothing made.
    for (body, want, words) in [
        (
            json!({"username": "wang.wu", "display_name": "重名", "role": "guard", "unit_id": ""}),
            400,
            "单位",
        ),
        (
            json!({"username": "wang.wu", "display_name": "重名", "role": "police_county", "org_id": xihu}),
            409,
            "用户名已被使用",
        ),
        (
            json!({"username": "li.si", "display_name": "李四", "role": "police_city", "org_id": xihu}),
            400,
            "市级公安局",
        ),
        (
            json!({"username": "li.si", "display_name": "李四", "role": "police_county", "org_id": "no-such-org"}),
            400,
            "所选机构不存在",
        ),
        (
            json!({"username": "Li Si", "display_name": "李四", "role": "police_county", "org_id": xihu}),
            400,
            "用户名",
        ),
        (
            json!({"username": "li.si", "display_name": "  ", "role": "police_county", "org_id": xihu}),
            400,
            "姓名",
        ),
    ] {
        let (s, v) = admin.post("/api/v1/users", body.clone()).await;
        assert_eq!(s, want, "{body}: {v}");
        assert!(message(&v).contains(words), "{body}: {v}");
    }
    let (_, list) = admin.get("/api/v1/users?q=li.si").await;
    assert_eq!(list["total"], 0, "{list}");

    // Moved to another county: the old session ends; a new one sees the other county.
    let (s, v) = admin
        .put(
            &format!("/api/v1/users/{id}"),
            json!({"display_name": "王五", "role": "police_county", "org_id": binjiang}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["org_id"], binjiang.as_str());
    let r = b.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(r.status(), 401, "the moved account's session ended");
    let (b, s, _) = app.session("wang.wu", &password, None).await;
    assert_eq!(s, 200);
    let seen = units(b.clone()).await;
    assert!(seen["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|u| u["division_code"].as_str().unwrap().starts_with("330108")));

    // Disabled: no sign-in, the session is gone; enabled again: it signs in.
    let (s, v) = admin.post(&format!("/api/v1/users/{id}/disable"), json!({})).await;
    assert_eq!((s, v["disabled"].as_bool()), (200, Some(true)), "{v}");
    assert_eq!(b.get(app.url("/api/v1/me")).send().await.unwrap().status(), 401);
    assert_eq!(login(&app, "wang.wu", &password).await, 401);
    let (_, disabled) = admin.get("/api/v1/users?disabled=true").await;
    assert!(disabled["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["id"] == id.as_str()));
    let (s, _) = admin.post(&format!("/api/v1/users/{id}/enable"), json!({})).await;
    assert_eq!(s, 200);
    assert_eq!(login(&app, "wang.wu", &password).await, 200);

    // Reset: the old password stops working, the new one (shown once) works.
    let (s, v) = admin
        .post(&format!("/api/v1/users/{id}/password-reset"), json!({}))
        .await;
    assert_eq!(s, 200, "{v}");
    let new = v["password"].as_str().unwrap().to_string();
    assert_ne!(new, password);
    assert_eq!(login(&app, "wang.wu", &password).await, 401);
    assert_eq!(login(&app, "wang.wu", &new).await, 200);
    // A reset password is the system's too: it must be replaced before anything else.
    let (b, _, v) = app.session("wang.wu", &new, None).await;
    assert_eq!(v["user"]["password_temporary"], true, "{v}");
    assert_eq!(b.get(app.url("/api/v1/units")).send().await.unwrap().status(), 403);

    // One's own account: not disabled, not reset, role kept.
    let (_, me) = admin.get("/api/v1/me").await;
    let me = me["id"].as_str().unwrap();
    for path in ["disable", "password-reset"] {
        let (s, v) = admin.post(&format!("/api/v1/users/{me}/{path}"), json!({})).await;
        assert_eq!((s, code(&v)), (400, "validation_failed"), "{path}: {v}");
    }
    let (s, v) = admin
        .put(
            &format!("/api/v1/users/{me}"),
            json!({"display_name": "管理员", "role": "police_county", "org_id": xihu}),
        )
        .await;
    assert_eq!(s, 400, "{v}");

    // Every change is in the audit log, as sentences.
    let (_, log) = admin.get("/api/v1/audit?per_page=200").await;
    let sentences: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["sentence"].as_str())
        .collect();
    for verb in ["开设了账号", "修改了账号", "停用了账号", "启用了账号", "恢复了账号"] {
        assert!(sentences.iter().any(|s| s.contains(verb)), "{verb}: {sentences:?}");
    }

    // Police, units and guards manage no accounts.
    for who in ["demo_province", "demo_unit", "demo_guard"] {
        let (s, _) = app.client_for(who).await.get("/api/v1/users").await;
        assert_eq!(s, 403, "{who}");
    }
}

#[tokio::test]
async fn a_city_administrator_manages_only_accounts_inside_the_city() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let hangzhou = org(&admin, "police_city", "3301").await;
    let xihu = org(&admin, "police_county", "330106").await;
    let ningbo_county = org(&admin, "police_county", "3302").await;
    let v = open(
        &admin,
        json!({"username": "hz.admin", "display_name": "杭州市局管理员", "role": "admin", "org_id": hangzhou}),
    )
    .await;
    assert_eq!(
        login(&app, "hz.admin", v["initial_password"].as_str().unwrap()).await,
        200
    );
    // A bearer token for the delegated administrator, as `neibao token create` makes.
    let city = app.client_for("hz.admin").await;
    // Inside the city: opened. Ningbo, or an administrator of no organisation: refused.
    open(
        &city,
        json!({"username": "xh.officer", "display_name": "西湖民警", "role": "police_county", "org_id": xihu}),
    )
    .await;
    for body in [
        json!({"username": "nb.officer", "display_name": "宁波民警", "role": "police_county", "org_id": ningbo_county}),
        json!({"username": "root2", "display_name": "全局管理员", "role": "admin"}),
    ] {
        let (s, v) = city.post("/api/v1/users", body.clone()).await;
        assert_eq!(s, 400, "{body}: {v}");
    }
    // The list holds the city's accounts only; a Ningbo account is not found, nor changed.
    let (_, list) = city.get("/api/v1/users?per_page=200").await;
    let items = list["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(
        items
            .iter()
            .all(|a| a["division_code"].as_str().is_some_and(|d| d.starts_with("3301"))),
        "{list}"
    );
    let nb = open(
        &admin,
        json!({"username": "nb.officer", "display_name": "宁波民警", "role": "police_county", "org_id": ningbo_county}),
    )
    .await;
    let nb = nb["id"].as_str().unwrap();
    assert_eq!(city.get(&format!("/api/v1/users/{nb}")).await.0, 404);
    for path in ["disable", "password-reset"] {
        assert_eq!(city.post(&format!("/api/v1/users/{nb}/{path}"), json!({})).await.0, 404);
    }
    let (s, _) = city
        .put(
            &format!("/api/v1/users/{nb}"),
            json!({"display_name": "改", "role": "police_county", "org_id": xihu}),
        )
        .await;
    assert_eq!(s, 404);
    let (_, still) = admin.get(&format!("/api/v1/users/{nb}")).await;
    assert_eq!(still["display_name"], "宁波民警");
    // The installation's administrator is not in a city's reach either.
    let (_, root) = admin.get("/api/v1/me").await;
    assert_eq!(
        city.get(&format!("/api/v1/users/{}", root["id"].as_str().unwrap()))
            .await
            .0,
        404
    );
    // And the city administrator's own view of units is the city.
    let (_, units) = city.get("/api/v1/units?division=3302").await;
    assert_eq!(units["total"], 0, "{units}");
}

#[tokio::test]
async fn the_account_pages_open_an_account_and_show_its_password_once() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let xihu = org(&admin, "police_county", "330106").await;
    let b = app.browser("admin", ADMIN_PASSWORD).await;
    let html = b.get(app.url("/users")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("账号管理") && html.contains("开设账号"), "{html}");
    assert!(html.contains("demo_county"));
    let once = {
        let m = "name=\"_once\" value=\"";
        let i = html.find(m).unwrap() + m.len();
        html[i..].split('"').next().unwrap().to_string()
    };
    let form = |username: &str, role: &str| {
        vec![
            ("csrf_token".to_string(), csrf_of(&html)),
            ("_once".to_string(), once.clone()),
            ("username".to_string(), username.to_string()),
            ("display_name".to_string(), "赵六".to_string()),
            ("role".to_string(), role.to_string()),
            ("org_id".to_string(), xihu.clone()),
            ("unit_id".to_string(), String::new()),
        ]
    };
    // Refused: the reason, and what was typed.
    let r = b
        .post(app.url("/users"))
        .form(&form("zhao.liu", "police_station"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let page = r.text().await.unwrap();
    assert!(page.contains("派出所民警须选择派出所"), "{page}");
    assert!(page.contains("value=\"zhao.liu\"") && page.contains("value=\"赵六\""));
    // Corrected: opened, the password in the page once.
    let r = b
        .post(app.url("/users"))
        .form(&form("zhao.liu", "police_county"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let page = r.text().await.unwrap();
    let m = "<code id=\"initial-password\">";
    let i = page.find(m).expect("the password shown") + m.len();
    let password = page[i..].split('<').next().unwrap().to_string();
    assert_eq!(login(&app, "zhao.liu", &password).await, 200);
    // The same form again (a double tap): no second account, no password again.
    let r = b
        .post(app.url("/users"))
        .form(&form("zhao.liu", "police_county"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    assert!(!r.text().await.unwrap().contains(&password));
    let (_, list) = admin.get("/api/v1/users?q=zhao.liu").await;
    assert_eq!(list["total"], 1);
    let id = list["items"][0]["id"].as_str().unwrap().to_string();

    // The account page: disable, then reset shows a new password once.
    let page = b
        .get(app.url(&format!("/users/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("停用账号") && page.contains("重置密码"), "{page}");
    let r = b
        .post(app.url(&format!("/users/{id}/disable")))
        .form(&[("csrf_token", csrf_of(&page))])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains("账号已停用") && page.contains("启用账号"), "{page}");
    assert_eq!(login(&app, "zhao.liu", &password).await, 401);
    // Not for other roles.
    let county = app.browser("demo_county", DEMO_PASSWORD).await;
    assert_eq!(county.get(app.url("/users")).send().await.unwrap().status(), 403);
    let home = county.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(!home.contains("账号管理"));
}

/// An account carries an optional external subject (统一身份认证), unique across accounts, changed
/// and cleared with the account (issue 12: the account model does not prevent an external
/// directory).
#[tokio::test]
async fn an_account_keeps_a_unique_external_subject() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let xihu = org(&admin, "police_county", "330106").await;
    let a = open(
        &admin,
        json!({"username": "ext_a", "display_name": "外部甲", "role": "police_county", "org_id": xihu,
               "external_subject": "  uid=ext_a,ou=people,dc=gaj,dc=zj  "}),
    )
    .await;
    assert_eq!(
        a["external_subject"], "uid=ext_a,ou=people,dc=gaj,dc=zj",
        "trimmed: {a}"
    );
    let (s, v) = admin
        .post(
            "/api/v1/users",
            json!({"username": "ext_b", "display_name": "外部乙", "role": "police_county", "org_id": xihu,
                   "external_subject": "uid=ext_a,ou=people,dc=gaj,dc=zj"}),
        )
        .await;
    assert_eq!((s, v["error"]["code"].as_str()), (409, Some("conflict")), "{v}");
    let (s, v) = admin
        .post(
            "/api/v1/users",
            json!({"username": "ext_c", "display_name": "外部丙", "role": "police_county", "org_id": xihu,
                   "external_subject": "a\u{7}b"}),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (400, Some("validation_failed")),
        "{v}"
    );
    let id = a["id"].as_str().unwrap();
    let (s, v) = admin
        .put(
            &format!("/api/v1/users/{id}"),
            json!({"display_name": "外部甲", "role": "police_county", "org_id": xihu}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["external_subject"], Value::Null, "cleared");
    // Free again for another account.
    open(
        &admin,
        json!({"username": "ext_b", "display_name": "外部乙", "role": "police_county", "org_id": xihu,
               "external_subject": "uid=ext_a,ou=people,dc=gaj,dc=zj"}),
    )
    .await;
}
