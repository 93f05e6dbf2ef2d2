//! End to end in headless Chromium: log in, find the demo alert, acknowledge it; a hazard's
//! rectification by the unit and its re-inspection by the police, and the inspection form at
//! phone width.
//!
//! The WebDriver harness is in webdriver.rs.

use std::time::Instant;

use neibao_domain::access::Scope;
use neibao_domain::alerts::AlertStatus;
use reqwest::Method;
use serde_json::json;

use crate::common::{TestApp, DEMO_PASSWORD};
use crate::webdriver::{browser_installed, css, xpath, Browser, CHROMEDRIVER, ELEMENT};
use neibao_domain::supervision::ladder::Phase;

#[tokio::test]
async fn acknowledge_demo_alert_in_browser() {
    if !std::path::Path::new(CHROMEDRIVER).exists() {
        if std::env::var("NEIBAO_REQUIRE_BROWSER").as_deref() == Ok("1") {
            panic!("NEIBAO_REQUIRE_BROWSER=1 but {CHROMEDRIVER} is missing (scripts/install-browser.sh)");
        }
        println!("browser test skipped: chromedriver not installed (scripts/install-browser.sh)");
        return;
    }
    let started = Instant::now();
    let app = TestApp::demo().await;
    let b = Browser::start().await;

    // Log in through the form; the server redirects to the dashboard.
    b.goto(&app.url("/login")).await;
    b.send_keys(&css("#username"), "demo_unit").await;
    b.send_keys(&css("#password"), DEMO_PASSWORD).await;
    b.click(&css("#login")).await;
    b.wait_for("the dashboard after login", || async { b.url().await == app.url("/") })
        .await;

    // The demo alert is listed; its link leads to the detail page.
    b.goto(&app.url("/alerts")).await;
    let link = xpath(
        "//table[@id='alerts']//tr[contains(@class,'alert-row')]\
         //a[starts-with(@href,'/alerts/') and contains(., '越界侦测')]",
    );
    let href = b.attribute(&link, "href").await;
    let id = href.trim_start_matches("/alerts/").to_string();
    b.click(&link).await;
    b.wait_for("the alert detail page", || async { b.url().await == app.url(&href) })
        .await;
    assert_eq!(b.text(&css("#alert-status")).await, "待处置");
    let before = app.store.get_alert(&Scope::All, &id).await.unwrap();
    assert_eq!(before.status, AlertStatus::Open);

    // Acknowledge with a comment; the form posts and redirects back to the detail page.
    let comment = "浏览器测试：已到场核实";
    b.send_keys(&css("form[action$='/acknowledge'] textarea[name=comment]"), comment)
        .await;
    b.click(&css("#acknowledge")).await;
    b.wait_for("status 已确认", || async {
        b.try_text(&css("#alert-status")).await.as_deref() == Ok("已确认")
    })
    .await;
    assert!(
        b.try_find(&css("#acknowledge")).await.is_err(),
        "acknowledge button still shown"
    );
    let png = b.screenshot().await;
    let shot = concat!(env!("CARGO_TARGET_TMPDIR"), "/alert-acknowledged.png");
    std::fs::write(shot, png).unwrap();
    println!("screenshot: {shot}");

    // The change is stored and visible through the API.
    let after = app.store.get_alert(&Scope::All, &id).await.unwrap();
    assert_eq!(after.status, AlertStatus::Acknowledged);
    assert_eq!(after.acknowledge_comment.as_deref(), Some(comment));
    assert_eq!(after.acknowledged_by.as_deref(), Some("演示保卫负责人"));
    let (s, v) = app
        .client_for("demo_unit")
        .await
        .get(&format!("/api/v1/alerts/{id}"))
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "acknowledged", "{v}");

    // Live update: with the alert list open, a device posts a tamper alarm (as `curl` would);
    // the new alert appears on the open page without any navigation.
    b.goto(&app.url("/alerts")).await;
    let tamper = xpath("//table[@id='alerts']//tr[contains(@class,'alert-row')]//a[contains(., '视频遮挡')]");
    assert!(b.try_find(&tamper).await.is_err(), "no tamper alert yet");
    // Let the page's watcher take its first sample before the event arrives.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let posted = Instant::now();
    let (s, v) = app
        .ingest(
            "/ingest/hikvision/demo-gate-camera",
            "application/xml",
            crate::common::fixture("hikvision-isapi-alert/alert_shelteralarm_tamper_ver20.xml"),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    b.wait_for("the new alert on the open alert list", || async {
        b.try_find(&tamper).await.is_ok()
    })
    .await;
    let shown_after = posted.elapsed();
    println!("new alert shown {shown_after:.1?} after the device posted");

    b.quit().await;
    println!("browser test passed in {:.1?}", started.elapsed());
}

/// Issue 20: the session ends while a guard types an acknowledgement; nothing typed is lost,
/// and an ended session returns to the page it was on after signing in again.
#[tokio::test]
async fn a_session_ending_mid_form_loses_nothing_in_browser() {
    if !browser_installed() {
        return;
    }
    let app = TestApp::demo().await;
    let b = Browser::start().await;
    b.login(&app, "demo_unit").await;
    b.goto(&app.url("/alerts")).await;
    let link = xpath(
        "//table[@id='alerts']//tr[contains(@class,'alert-row')]\
         //a[starts-with(@href,'/alerts/') and contains(., '越界侦测')]",
    );
    let href = b.attribute(&link, "href").await;
    let id = href.trim_start_matches("/alerts/").to_string();

    // A reload after the session ended: sign in, and back on the same page.
    app.exec_sql("DELETE FROM sessions").await;
    b.goto(&app.url(&href)).await;
    assert!(b.text(&css(".notice")).await.contains("登录已过期"));
    b.send_keys(&css("#username"), "demo_unit").await;
    b.send_keys(&css("#password"), DEMO_PASSWORD).await;
    b.click(&css("#login")).await;
    b.wait_for("back on the alert page", || async { b.url().await == app.url(&href) })
        .await;

    // The session ends while the comment is typed; the submit shows the login page instead.
    let comment = "会话过期后仍然保留的处置说明";
    b.send_keys(&css("form[action$='/acknowledge'] textarea[name=comment]"), comment)
        .await;
    app.exec_sql("DELETE FROM sessions").await;
    b.click(&css("#acknowledge")).await;
    b.wait_for("the login page keeping the form", || async {
        b.try_text(&css(".notice"))
            .await
            .is_ok_and(|t| t.contains("刚才填写的内容已保留"))
    })
    .await;
    assert_eq!(
        app.store.get_alert(&Scope::All, &id).await.unwrap().status,
        AlertStatus::Open
    );
    b.send_keys(&css("#username"), "demo_unit").await;
    b.send_keys(&css("#password"), DEMO_PASSWORD).await;
    b.click(&css("#login")).await;
    b.wait_for("the confirmation page", || async {
        b.try_find(&css("#resume-submit")).await.is_ok()
    })
    .await;
    b.click(&css("#resume-submit")).await;
    b.wait_for("status 已确认", || async {
        b.try_text(&css("#alert-status")).await.as_deref() == Ok("已确认")
    })
    .await;
    let after = app.store.get_alert(&Scope::All, &id).await.unwrap();
    assert_eq!(after.acknowledge_comment.as_deref(), Some(comment));
    b.quit().await;
}

/// Issue 20: an inspection survives a reload and a session that ends mid-way: the form saves
/// its draft a few seconds after typing stops.
#[tokio::test]
async fn an_inspection_draft_survives_a_reload_and_an_ended_session_in_browser() {
    if !browser_installed() {
        return;
    }
    let app = TestApp::demo().await;
    let b = Browser::start().await;
    b.login(&app, "demo_unit").await;
    b.goto(&app.url("/supervision")).await;
    b.click(&css("#start-self-inspection")).await;
    b.wait_for("the inspection form", || async {
        b.try_find(&css("#inspection-form")).await.is_ok()
    })
    .await;
    let page = b.url().await;

    b.send_keys(&css("input[name=place]"), "三号楼消防控制室").await;
    b.wait_for("the autosave", || async {
        b.try_text(&css("#autosave-status"))
            .await
            .is_ok_and(|t| t.contains("草稿已自动保存"))
    })
    .await;
    b.goto(&page).await;
    assert_eq!(
        b.attribute(&css("input[name=place]"), "value").await,
        "三号楼消防控制室"
    );

    // The session ends mid-way: typing goes on, the autosave says so, nothing typed is lost.
    app.exec_sql("DELETE FROM sessions").await;
    b.send_keys(&css("textarea[name=notes]"), "消防通道畅通").await;
    b.wait_for("the autosave noticing the ended session", || async {
        b.try_text(&css("#autosave-status"))
            .await
            .is_ok_and(|t| t.contains("登录已过期"))
    })
    .await;
    b.click(&css("#save-draft")).await;
    b.wait_for("the login page keeping the form", || async {
        b.try_find(&css("#username")).await.is_ok()
    })
    .await;
    b.send_keys(&css("#username"), "demo_unit").await;
    b.send_keys(&css("#password"), DEMO_PASSWORD).await;
    b.click(&css("#login")).await;
    b.wait_for("the confirmation page", || async {
        b.try_find(&css("#resume-submit")).await.is_ok()
    })
    .await;
    b.click(&css("#resume-submit")).await;
    b.wait_for("the saved draft", || async {
        b.url().await.starts_with(&page) && b.url().await.contains("saved=1")
    })
    .await;
    assert_eq!(
        b.attribute(&css("input[name=place]"), "value").await,
        "三号楼消防控制室"
    );
    assert_eq!(b.text(&css("textarea[name=notes]")).await, "消防通道畅通");
    b.quit().await;
}

/// A 1×1 PNG (the unit's rectification photo).
const PNG_1X1: [u8; 67] = [
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0D, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00,
    0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

/// A hazard ordered by the police is rectified by the unit in the browser (photo upload,
/// report) and passed at re-inspection by the officer; the timeline shows each step. At phone
/// width (390×844) the inspection form does not overflow and is filled in and submitted.
#[tokio::test]
async fn hazard_rectified_and_rechecked_in_browser() {
    if !browser_installed() {
        return;
    }
    let started = Instant::now();
    let app = TestApp::demo().await;
    let police = app.client_for("demo_county").await;
    let (_, me) = app.client_for("demo_unit").await.get("/api/v1/me").await;
    let unit_id = me["unit_id"].as_str().unwrap().to_string();
    let (s, v) = police
        .post(
            "/api/v1/hazards",
            json!({"unit_id": unit_id, "title": "浏览器测试：监控室门禁失效", "class": "general", "source": "report"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let hazard = v["id"].as_str().unwrap().to_string();
    let deadline = chrono::Utc::now() + chrono::Duration::days(10);
    let (s, v) = police
        .post(
            &format!("/api/v1/hazards/{hazard}/actions"),
            json!({"action": "issue_order", "deadline": deadline, "reason": "限期整改"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");

    let b = Browser::start().await;
    let page = app.url(&format!("/hazards/{hazard}"));

    // The unit's manager uploads a photo and reports the rectification.
    b.login(&app, "demo_unit").await;
    b.goto(&page).await;
    assert_eq!(b.text(&css("#hazard-phase")).await, "整改中");
    assert!(
        b.try_find(&css("#recheck-pass")).await.is_err(),
        "no police action for the unit"
    );
    // The report is typed first: uploading the photo (another form, the page reloads) keeps it.
    let report = "已更换门禁控制器并恢复联网，附现场照片";
    b.send_keys(&css("#rectify-reason"), report).await;
    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("整改照片.png");
    std::fs::write(&photo, PNG_1X1).unwrap();
    b.send_keys(&css("#evidence-file"), photo.to_str().unwrap()).await;
    b.click(&css("#upload-evidence")).await;
    let uploaded = css("#rectify-form input[name=evidence]");
    b.wait_for("the uploaded photo on the hazard page", || async {
        b.try_find(&uploaded).await.is_ok()
    })
    .await;
    assert!(b.text(&css("ul.evidence-list")).await.contains("整改照片.png"));
    assert_eq!(
        b.property(&css("#rectify-reason"), "value").await,
        report,
        "kept across the upload"
    );
    b.click(&css("#submit-rectification")).await;
    b.wait_for("phase 待复查", || async {
        b.try_text(&css("#hazard-phase")).await.as_deref() == Ok("待复查")
    })
    .await;
    assert!(b.try_find(&css("#rectify-form")).await.is_err(), "report form gone");
    b.click(&css("header form button")).await;
    b.wait_for("the login page after logout", || async {
        b.url().await.starts_with(&app.url("/login"))
    })
    .await;

    // The officer re-inspects and passes it.
    b.login(&app, "demo_county").await;
    b.goto(&page).await;
    assert_eq!(b.text(&css("#hazard-phase")).await, "待复查");
    b.send_keys(&css("#recheck-form textarea[name=reason]"), "现场复查，门禁运行正常")
        .await;
    b.click(&css("#recheck-pass")).await;
    b.wait_for("phase 已销号", || async {
        b.try_text(&css("#hazard-phase")).await.as_deref() == Ok("已销号")
    })
    .await;
    let timeline = b.text(&css("#timeline")).await;
    for step in [
        "责令限期整改并警告",
        "提交整改报告",
        report,
        "整改照片.png",
        "复查合格",
        "演示保卫负责人",
    ] {
        assert!(timeline.contains(step), "{step} not in the timeline: {timeline}");
    }
    assert!(timeline.find("提交整改报告") < timeline.find("复查合格"), "{timeline}");
    assert!(
        b.text(&css("ul.docs")).await.contains("〔"),
        "the order's document number"
    );
    let shot = concat!(env!("CARGO_TARGET_TMPDIR"), "/hazard-closed.png");
    std::fs::write(shot, b.screenshot().await).unwrap();
    let stored = app.store.get_hazard(&Scope::All, &hazard).await.unwrap();
    assert_eq!(stored.phase, Phase::Closed);

    // Phone width: the officer starts an inspection of the unit from its page; the form fits
    // 390 px without horizontal scrolling, and is filled in and submitted there.
    b.call(Method::POST, "window/rect", json!({"width": 390, "height": 844}))
        .await
        .unwrap();
    b.goto(&app.url(&format!("/units/{unit_id}"))).await;
    b.click(&css("#start-inspection")).await;
    b.wait_for("the inspection form", || async {
        b.try_find(&css("#inspection-form")).await.is_ok()
    })
    .await;
    let widths = b
        .call(
            Method::POST,
            "execute/sync",
            json!({"script": "return [document.documentElement.scrollWidth, window.innerWidth];", "args": []}),
        )
        .await
        .unwrap();
    let (scroll, inner) = (widths[0].as_i64().unwrap(), widths[1].as_i64().unwrap());
    println!("inspection form at phone width: scrollWidth {scroll}, innerWidth {inner}");
    assert!(inner <= 390, "window not narrowed: {inner}");
    assert!(scroll <= inner, "horizontal overflow: scrollWidth {scroll} > {inner}");
    let shot = concat!(env!("CARGO_TARGET_TMPDIR"), "/inspection-phone.png");
    std::fs::write(shot, b.screenshot().await).unwrap();
    println!("screenshot: {shot}");
    b.send_keys(&css("input[name=place]"), "监控室").await;
    let passes = b.find_all(&css("input[type=radio][value=pass]")).await;
    assert!(passes.len() >= 20, "{} items", passes.len());
    for el in &passes {
        b.call(Method::POST, &format!("element/{el}/click"), json!({}))
            .await
            .unwrap();
    }
    // One failed item becomes a hazard.
    b.click(&css("#item-W2 input[value=fail]")).await;
    b.send_keys(&css("input[name='n:W2']"), "库房门锁损坏").await;
    b.call(
        Method::POST,
        "execute/sync",
        json!({"script": "document.getElementById('item-W2').scrollIntoView();", "args": []}),
    )
    .await
    .unwrap();
    let shot = concat!(env!("CARGO_TARGET_TMPDIR"), "/inspection-phone-items.png");
    std::fs::write(shot, b.screenshot().await).unwrap();
    // A 检查笔录 with a blank witness (and no reason for one) is refused, naming the field; the
    // form comes back with what was typed.
    b.send_keys(&css("input[name=officers]"), "演示分局民警，李四").await;
    b.send_keys(&css("input[name=accompanying_person]"), "王五").await;
    b.click(&css("#submit-inspection")).await;
    b.wait_for("the refusal naming the witness", || async {
        b.try_text(&css("#error")).await.is_ok_and(|t| t.contains("见证人"))
    })
    .await;
    assert!(b.text(&css("#error")).await.contains("检查笔录缺少必备事项：见证人"));
    assert_eq!(b.attribute(&css("input[name=place]"), "value").await, "监控室");
    assert_eq!(
        b.attribute(&css("input[name=accompanying_person]"), "value").await,
        "王五"
    );
    assert_eq!(b.attribute(&css("input[name='n:W2']"), "value").await, "库房门锁损坏");
    b.send_keys(&css("input[name=witness]"), "赵六").await;
    b.click(&css("#submit-inspection")).await;
    b.wait_for("the submitted inspection", || async {
        b.try_text(&css("#inspection-status")).await.as_deref() == Ok("已提交")
    })
    .await;
    let score: f64 = b.text(&css("#score")).await.parse().unwrap();
    assert!(score > 80.0 && score < 100.0, "{score}");
    let found = b.text(&css("table.hazards")).await;
    assert!(found.contains("W2") && found.contains("待处置"), "{found}");
    assert!(b.text(&css("ul.docs")).await.contains("〔"), "the 检查笔录 number");
    let shot = concat!(env!("CARGO_TARGET_TMPDIR"), "/inspection-submitted-phone.png");
    std::fs::write(shot, b.screenshot().await).unwrap();

    b.quit().await;
    println!("hazard browser test passed in {:.1?}", started.elapsed());
}

/// A double click on a creating form's button (a double tap on a slow network) makes one record
/// (issue 20 item 1): the page's script drops the second submit, and the form's one-time token
/// would make the server answer it with the first result anyway.
#[tokio::test]
async fn a_double_clicked_submit_creates_one_record() {
    if !browser_installed() {
        return;
    }
    let app = TestApp::demo().await;
    let police = app.client_for("demo_county").await;
    let (_, me) = app.client_for("demo_unit").await.get("/api/v1/me").await;
    let unit_id = me["unit_id"].as_str().unwrap().to_string();
    let b = Browser::start().await;
    b.login(&app, "demo_county").await;
    b.goto(&app.url(&format!("/hazards/new?unit_id={unit_id}"))).await;
    let title = "浏览器测试：双击登记";
    b.send_keys(&css("input[name=title]"), title).await;
    let button = b.try_find(&css("#create-hazard")).await.unwrap();
    let press = [
        json!({"type": "pointerDown", "button": 0}),
        json!({"type": "pointerUp", "button": 0}),
    ];
    let mut steps = vec![json!({"type": "pointerMove", "origin": {ELEMENT: button}, "x": 0, "y": 0})];
    steps.extend(press.iter().cloned());
    steps.extend(press.iter().cloned());
    b.call(
        Method::POST,
        "actions",
        json!({"actions": [{"type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"}, "actions": steps}]}),
    )
    .await
    .unwrap();
    b.wait_for("the new hazard's page", || async {
        let url = b.url().await;
        url.contains("/hazards/") && !url.contains("/hazards/new")
    })
    .await;
    let (_, list) = police.get("/api/v1/hazards?per_page=100").await;
    let made = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["title"] == title)
        .count();
    assert_eq!(made, 1, "{list}");
    b.quit().await;
}

/// Issue 20: finding units by area with the division picker (province → city → county → street)
/// instead of typing a code; the list shows each unit's full place name.
#[tokio::test]
async fn units_are_found_by_area_with_the_division_picker() {
    if !browser_installed() {
        return;
    }
    let app = TestApp::demo().await;
    let b = Browser::start().await;
    b.login(&app, "demo_province").await;
    b.goto(&app.url("/units")).await;
    for (level, code) in [("选择省", "330000"), ("选择市", "330100"), ("选择区县", "330106")] {
        let option = css(&format!("select[aria-label='{level}'] option[value='{code}']"));
        b.wait_for(level, || async { b.try_find(&option).await.is_ok() }).await;
        b.click(&option).await;
    }
    b.wait_for("the street level", || async {
        b.try_find(&css("select[aria-label='选择乡镇（街道）']")).await.is_ok()
    })
    .await;
    assert_eq!(b.property(&css("input[name=division]"), "value").await, "330106");
    b.click(&css("form.filters button[type=submit]")).await;
    b.wait_for("the filtered list", || async {
        b.url().await.contains("division=330106")
    })
    .await;
    let rows = b.text(&css("table")).await;
    assert!(rows.contains("浙江省杭州市西湖区"), "full place names: {rows}");
    assert!(!rows.contains("拱墅区"), "only the chosen county: {rows}");
    // The picker shows the chosen code again on the filtered page.
    let county = css("select[aria-label='选择区县']");
    b.wait_for("the picker restored", || async { b.try_find(&county).await.is_ok() })
        .await;
    b.quit().await;
}
