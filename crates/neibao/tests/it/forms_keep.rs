//! Issue 20: a refused form keeps what was typed (the page again, the refusal on top, the text in
//! its field), and nothing is changed by the refused attempt.

use crate::common::*;

#[tokio::test]
async fn a_refused_alert_action_shows_the_page_again_with_the_typed_text() {
    let app = TestApp::demo().await;
    let b = app.browser("demo_unit", DEMO_PASSWORD).await;
    let alerts = b.get(app.url("/alerts")).send().await.unwrap().text().await.unwrap();
    let i = alerts.find("href=\"/alerts/0").unwrap() + "href=\"".len();
    let link = alerts[i..].split('"').next().unwrap().to_string();
    let page = b.get(app.url(&link)).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_of(&page);
    let admin = app.admin().await;
    let (_, before) = admin.get(&format!("/api/v1{link}")).await;

    // Over the 1 000-character limit: 400, the page with the reason, the text still there.
    let long = format!("现场核实记录{}", "很长的说明".repeat(200));
    let r = b
        .post(app.url(&format!("{link}/resolve")))
        .form(&[("csrf_token", csrf.as_str()), ("comment", long.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"refused\""), "{html}");
    assert!(
        html.contains(&format!(">{long}</textarea>")),
        "the typed text is back in its field"
    );
    assert!(html.contains("解除告警"), "the alert page, not a bare error page");

    // A false positive without a reason keeps its comment too.
    let r = b
        .post(app.url(&format!("{link}/false_positive")))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("comment", "夜间灯光变化"),
            ("reason", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("请选择误报原因") && html.contains(">夜间灯光变化</textarea>"),
        "{html}"
    );

    // Nothing changed.
    let (_, after) = admin.get(&format!("/api/v1{link}")).await;
    assert_eq!(after["status"], before["status"]);
    assert_eq!(after["updated_at"], before["updated_at"]);
}
