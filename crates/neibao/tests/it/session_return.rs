//! Issue 20: an expired session offers to sign in again without losing the page, and returns to
//! it (crates/web/src/ui/accounts/resume.rs).

use crate::common::*;

/// A browser that keeps cookies and shows redirects instead of following them.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

async fn sign_in(app: &TestApp, b: &reqwest::Client, extra: &[(&str, &str)]) -> reqwest::Response {
    let mut form = vec![("username", "demo_unit"), ("password", DEMO_PASSWORD)];
    form.extend_from_slice(extra);
    b.post(app.url("/login"))
        .header("origin", &app.base)
        .form(&form)
        .send()
        .await
        .unwrap()
}

/// The first open alert's page path (`/alerts/<id>`) as the demo unit sees it.
async fn alert_page(app: &TestApp, b: &reqwest::Client) -> String {
    let alerts = b.get(app.url("/alerts")).send().await.unwrap().text().await.unwrap();
    let i = alerts.find("href=\"/alerts/0").expect("an alert link") + "href=\"".len();
    alerts[i..].split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn an_ended_session_signs_in_again_and_returns_with_what_was_typed() {
    let app = TestApp::demo().await;
    let b = browser();
    assert_eq!(sign_in(&app, &b, &[]).await.status(), 303);
    let link = alert_page(&app, &b).await;
    let page = b.get(app.url(&link)).send().await.unwrap().text().await.unwrap();
    let old_csrf = csrf_of(&page);

    // The session ends (idle timeout, password change elsewhere, a restart that lost it …).
    app.exec_sql("DELETE FROM sessions").await;

    // Opening the page goes to the login page, which says why, and back to the page after.
    let r = b.get(app.url(&format!("{link}?tab=1"))).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let to = location(&r);
    assert!(
        to.starts_with("/login?next=%2Falerts%2F") && to.ends_with("&expired=1"),
        "{to}"
    );
    let login = b.get(app.url(&to)).send().await.unwrap().text().await.unwrap();
    assert!(login.contains("登录已过期"), "{login}");
    assert!(
        login.contains(&format!("name=\"next\" value=\"{link}?tab=1\"")),
        "{login}"
    );
    let r = sign_in(&app, &b, &[("next", &format!("{link}?tab=1"))]).await;
    assert_eq!((r.status().as_u16(), location(&r)), (303, format!("{link}?tab=1")));

    // A form posted after the session ended: the login page carries what was typed.
    app.exec_sql("DELETE FROM sessions").await;
    let comment = "夜班保安已到场核实，系树枝遮挡 <b>\"误报\"</b>";
    let r = b
        .post(app.url(&format!("{link}/acknowledge")))
        .header("origin", &app.base)
        .header("referer", app.url(&link))
        .form(&[("csrf_token", old_csrf.as_str()), ("comment", comment)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let login = r.text().await.unwrap();
    assert!(login.contains("刚才填写的内容已保留"), "{login}");
    assert!(
        login.contains(&format!("name=\"resume_action\" value=\"{link}/acknowledge\"")),
        "{login}"
    );
    assert!(!login.contains(&old_csrf), "the ended session's token is not carried");
    assert!(!login.contains("<b>"), "carried text is escaped: {login}");
    // Nothing happened yet.
    let (_, alert) = app.admin().await.get(&format!("/api/v1{link}")).await;
    assert_eq!(alert["status"], "open", "{alert}");

    // A wrong password keeps the carried form and the typed name.
    let carried = [
        ("resume_action", format!("{link}/acknowledge")),
        ("resume.comment", comment.to_string()),
        ("next", link.clone()),
    ];
    let wrong: Vec<(&str, &str)> = [("username", "demo_unit"), ("password", "wrong-password")]
        .into_iter()
        .chain(carried.iter().map(|(k, v)| (*k, v.as_str())))
        .collect();
    let r = b
        .post(app.url("/login"))
        .header("origin", &app.base)
        .form(&wrong)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let again = r.text().await.unwrap();
    assert!(
        again.contains("value=\"demo_unit\"") && again.contains("name=\"resume.comment\""),
        "{again}"
    );

    // Signing in offers the form again with the new session's token; one click submits it.
    let extra: Vec<(&str, &str)> = carried.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = sign_in(&app, &b, &extra).await;
    assert_eq!(r.status(), 200);
    let resume = r.text().await.unwrap();
    assert!(resume.contains("继续提交") && resume.contains(&format!("action=\"{link}/acknowledge\"")));
    let new_csrf = csrf_of(&resume);
    assert_ne!(new_csrf, old_csrf);
    let (_, alert) = app.admin().await.get(&format!("/api/v1{link}")).await;
    assert_eq!(alert["status"], "open", "nothing is submitted before the click");
    let r = b
        .post(app.url(&format!("{link}/acknowledge")))
        .form(&[("csrf_token", new_csrf.as_str()), ("comment", comment)])
        .send()
        .await
        .unwrap();
    assert!(matches!(r.status().as_u16(), 200 | 303), "{}", r.status());
    let (_, alert) = app.admin().await.get(&format!("/api/v1{link}")).await;
    assert_eq!(alert["status"], "acknowledged", "{alert}");
}

#[tokio::test]
async fn only_this_sites_forms_are_carried_and_only_to_local_pages() {
    let app = TestApp::demo().await;
    let b = browser();
    assert_eq!(sign_in(&app, &b, &[]).await.status(), 303);
    let link = alert_page(&app, &b).await;
    app.exec_sql("DELETE FROM sessions").await;

    // A form another site made up is not carried: plain redirect to the login page.
    for (name, value) in [("origin", "https://evil.example"), ("sec-fetch-site", "cross-site")] {
        let r = b
            .post(app.url(&format!("{link}/acknowledge")))
            .header(name, value)
            .form(&[("comment", "伪造的确认")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{name}");
        assert!(location(&r).starts_with("/login"), "{name}");
        assert!(!r.text().await.unwrap().contains("伪造的确认"));
    }
    // Nor are carried fields honoured from a login posted by another site.
    let r = b
        .post(app.url("/login"))
        .header("origin", "https://evil.example")
        .form(&[
            ("username", "demo_unit"),
            ("password", DEMO_PASSWORD),
            ("resume_action", &format!("{link}/acknowledge")),
            ("resume.comment", "伪造的确认"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!((r.status().as_u16(), location(&r)), (303, "/".to_string()));

    // Password and second-factor forms are never carried (their secrets would be echoed).
    app.exec_sql("DELETE FROM sessions").await;
    let r = b
        .post(app.url("/account/password"))
        .header("origin", &app.base)
        .form(&[("current", DEMO_PASSWORD), ("new_password", "Secret-Secret-9")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(!r.text().await.unwrap().contains("Secret-Secret-9"));

    // Only local paths are targets after signing in.
    for next in [
        "//evil.example/x",
        "https://evil.example/",
        "/\\evil.example",
        "/logout",
        "/api/v1/me",
    ] {
        let r = sign_in(&app, &b, &[("next", next)]).await;
        assert_eq!((r.status().as_u16(), location(&r)), (303, "/".to_string()), "{next}");
    }
    let r = b.get(app.url("/login?next=//evil.example/x")).send().await.unwrap();
    assert!(!r.text().await.unwrap().contains("evil.example"));
}
