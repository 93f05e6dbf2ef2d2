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

/// The inspection form: a refused submission keeps what was typed as the draft (a reload finds
/// it), and the page's autosave stores the draft without a page (204).
#[tokio::test]
async fn a_refused_inspection_submit_and_the_autosave_keep_the_draft() {
    let app = TestApp::demo().await;
    let b = app.browser("demo_unit", DEMO_PASSWORD).await;
    let home = b.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_of(&home);
    let r = b
        .post(app.url("/inspections"))
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let path = r.url().path().to_string();
    assert!(path.starts_with("/inspections/"), "{path}");
    let page = r.text().await.unwrap();
    assert!(page.contains("data-autosave") && page.contains("id=\"autosave-status\""));

    // Submitted without results or signature: refused, and what was typed is the draft now.
    let r = b
        .post(app.url(&path))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("place", "一号楼监控室"),
            ("notes", "夜间巡查记录完整"),
            ("submit", "submit"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("已填写的内容已保存为草稿"), "{html}");
    let reload = b.get(app.url(&path)).send().await.unwrap().text().await.unwrap();
    assert!(reload.contains("value=\"一号楼监控室\"") && reload.contains("夜间巡查记录完整</textarea>"));

    // The autosave: 204, no page, and the next reload shows it.
    let r = b
        .post(app.url(&path))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("place", "二号楼门卫室"),
            ("submit", "draft"),
            ("autosave", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let reload = b.get(app.url(&path)).send().await.unwrap().text().await.unwrap();
    assert!(reload.contains("value=\"二号楼门卫室\""), "autosaved draft");
}

/// The hazard page: a rectification report refused for missing evidence comes back with the
/// typed report in its own form (every ladder form of the page keeps its fields the same way,
/// through `ui::form::Sent`).
#[tokio::test]
async fn refused_ladder_forms_keep_what_was_typed() {
    let app = TestApp::demo().await;
    let police = app.client_for("demo_county").await;
    let (_, me) = app.client_for("demo_unit").await.get("/api/v1/me").await;
    let (s, v) = police
        .post(
            "/api/v1/hazards",
            serde_json::json!({"unit_id": me["unit_id"], "title": "消防通道堆放杂物", "class": "general", "source": "report"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let hazard = v["id"].as_str().unwrap().to_string();
    let deadline = chrono::Utc::now() + chrono::Duration::days(10);
    let (s, v) = police
        .post(
            &format!("/api/v1/hazards/{hazard}/actions"),
            serde_json::json!({"action": "issue_order", "deadline": deadline, "reason": "限期整改"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");

    let unit = app.browser("demo_unit", DEMO_PASSWORD).await;
    let page = unit
        .get(app.url(&format!("/hazards/{hazard}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&page);
    let version = page
        .split("name=\"version\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_string();
    let typed = "已清理杂物并安排每日巡查，张贴禁止堆放标识";
    let r = unit
        .post(app.url(&format!("/hazards/{hazard}/act")))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("version", version.as_str()),
            ("action", "submit_rectification"),
            ("reason", typed),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(
        html.contains(&format!("placeholder=\"已采取的整改措施\">{typed}</textarea>")),
        "{html}"
    );

    // Any other form of the page stays empty: the typed text goes back only where it came from.
    assert_eq!(html.matches(typed).count(), 1, "{html}");
}

/// The unit registration form: a refused one comes back with every choice made, not only the
/// typed text (kind, flags, station, key-unit category, the security head's numbers).
#[tokio::test]
async fn a_refused_unit_registration_keeps_every_choice() {
    let app = TestApp::demo().await;
    let b = app.browser("demo_county", DEMO_PASSWORD).await;
    let page = b.get(app.url("/units/new")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_of(&page);
    let i = page.find("<optgroup").unwrap();
    let j = page[i..].find("<option value=\"").unwrap() + i + "<option value=\"".len();
    let station = page[j..].split('"').next().unwrap().to_string();
    let r = b
        .post(app.url("/units"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("name", "保留选择测试协会"),
            ("kind", "association"),
            ("is_private_enterprise", "true"),
            ("uscc", "不是信用代码"),
            ("division_code", "330106"),
            ("police_station_id", station.as_str()),
            ("is_key_unit", "true"),
            ("key_unit_category", "4"),
            ("is_counter_terror_target", "true"),
            ("head_name", "保卫负责人甲"),
            ("head_citizen_id", "11010519491231002X"),
            ("head_phone", "13800001111"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    for kept in [
        "<option value=\"association\" selected>".to_string(),
        "name=\"is_private_enterprise\" value=\"true\" checked".to_string(),
        "name=\"is_key_unit\" value=\"true\" checked".to_string(),
        "name=\"is_counter_terror_target\" value=\"true\" checked".to_string(),
        "<option value=\"4\" selected>".to_string(),
        format!("<option value=\"{station}\" selected>"),
        "value=\"保留选择测试协会\"".to_string(),
        "value=\"保卫负责人甲\"".to_string(),
        "value=\"11010519491231002X\"".to_string(),
        "value=\"13800001111\"".to_string(),
    ] {
        assert!(html.contains(&kept), "{kept} in {html}");
    }
    assert!(!html.contains("name=\"is_university\" value=\"true\" checked"));
}
