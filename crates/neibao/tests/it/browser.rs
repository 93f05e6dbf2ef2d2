//! End to end in headless Chromium: log in, find the demo alert, acknowledge it; a hazard's
//! rectification by the unit and its re-inspection by the police, and the inspection form at
//! phone width.
//!
//! Drives Debian's chromedriver over the W3C WebDriver HTTP protocol. Without chromedriver the
//! test is skipped, unless NEIBAO_REQUIRE_BROWSER=1 (CI, after scripts/install-browser.sh).

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use neibao_domain::access::Scope;
use neibao_domain::alerts::AlertStatus;
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{TestApp, DEMO_PASSWORD};
use neibao_domain::supervision::ladder::Phase;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
const TIMEOUT: Duration = Duration::from_secs(10);
/// The W3C key of an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

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

/// Whether chromedriver is there; without it the test is skipped, unless
/// NEIBAO_REQUIRE_BROWSER=1 makes that a failure.
fn browser_installed() -> bool {
    if std::path::Path::new(CHROMEDRIVER).exists() {
        return true;
    }
    if std::env::var("NEIBAO_REQUIRE_BROWSER").as_deref() == Ok("1") {
        panic!("NEIBAO_REQUIRE_BROWSER=1 but {CHROMEDRIVER} is missing (scripts/install-browser.sh)");
    }
    println!("browser test skipped: chromedriver not installed (scripts/install-browser.sh)");
    false
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
    let report = "已更换门禁控制器并恢复联网，附现场照片";
    b.send_keys(&css("#rectify-reason"), report).await;
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

fn css(selector: &str) -> Value {
    json!({"using": "css selector", "value": selector})
}

fn xpath(selector: &str) -> Value {
    json!({"using": "xpath", "value": selector})
}

/// A chromedriver process with one Chromium session. Dropping it ends both, even on panic.
struct Browser {
    driver: Child,
    base: String,
    session: Option<String>,
    http: reqwest::Client,
    _profile: tempfile::TempDir,
}

impl Browser {
    async fn start() -> Browser {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let profile = tempfile::tempdir().unwrap();
        let mut b = Browser {
            driver,
            base: format!("http://127.0.0.1:{port}"),
            session: None,
            http: reqwest::Client::new(),
            _profile: profile,
        };
        b.wait_for("chromedriver /status", || async {
            let r = b.http.get(format!("{}/status", b.base)).send().await;
            match r {
                Ok(r) => r
                    .json::<Value>()
                    .await
                    .map(|v| v["value"]["ready"] == true)
                    .unwrap_or(false),
                Err(_) => false,
            }
        })
        .await;
        let args = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,900",
            "--lang=zh-CN",
        ];
        let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        args.push(format!("--user-data-dir={}", b._profile.path().display()));
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": CHROMIUM, "args": args},
        }}});
        let v = b.call(Method::POST, "/session", caps).await.expect("new session");
        b.session = Some(v["sessionId"].as_str().expect("sessionId").to_string());
        b
    }

    /// One WebDriver command; `path` starting with `/` is absolute, otherwise relative to the
    /// session. Returns the response's `value`, or the WebDriver error as text.
    async fn call(&self, method: Method, path: &str, body: Value) -> Result<Value, String> {
        let url = match (&self.session, path.starts_with('/')) {
            (Some(s), false) => format!("{}/session/{s}/{path}", self.base),
            _ => format!("{}{path}", self.base),
        };
        let mut req = self.http.request(method.clone(), url);
        if method != Method::GET && method != Method::DELETE {
            req = req.json(&body);
        }
        let r = req.send().await.map_err(|e| e.to_string())?;
        let ok = r.status().is_success();
        let v: Value = r.json().await.map_err(|e| e.to_string())?;
        if ok {
            Ok(v["value"].clone())
        } else {
            Err(format!("{path}: {}", v["value"]))
        }
    }

    /// Polls `cond` every 100 ms until it holds, for at most TIMEOUT.
    async fn wait_for<F, Fut>(&self, what: &str, mut cond: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let deadline = Instant::now() + TIMEOUT;
        while !cond().await {
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what} (url {:?})",
                self.call(Method::GET, "url", json!({})).await
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Runs an element command, retrying while the element is missing or stale (the alert list
    /// reloads itself when alerts change).
    async fn on_element(&self, locator: &Value, method: Method, cmd: &str, body: Value) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let res = match self.try_find(locator).await {
                Ok(el) => {
                    self.call(method.clone(), &format!("element/{el}/{cmd}"), body.clone())
                        .await
                }
                Err(e) => Err(e),
            };
            match res {
                Ok(v) => return v,
                Err(e) if Instant::now() > deadline => panic!("{locator} {cmd}: {e}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    async fn try_find(&self, locator: &Value) -> Result<String, String> {
        let v = self.call(Method::POST, "element", locator.clone()).await?;
        Ok(v[ELEMENT].as_str().ok_or("no element id")?.to_string())
    }

    async fn try_text(&self, locator: &Value) -> Result<String, String> {
        let el = self.try_find(locator).await?;
        Ok(self
            .call(Method::GET, &format!("element/{el}/text"), json!({}))
            .await?
            .as_str()
            .unwrap_or_default()
            .to_string())
    }

    async fn goto(&self, url: &str) {
        self.call(Method::POST, "url", json!({"url": url})).await.unwrap();
    }

    async fn url(&self) -> String {
        self.call(Method::GET, "url", json!({}))
            .await
            .unwrap()
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Logs in through the form and waits for the dashboard.
    async fn login(&self, app: &TestApp, username: &str) {
        self.goto(&app.url("/login")).await;
        self.send_keys(&css("#username"), username).await;
        self.send_keys(&css("#password"), DEMO_PASSWORD).await;
        self.click(&css("#login")).await;
        self.wait_for("the dashboard after login", || async {
            self.url().await == app.url("/")
        })
        .await;
    }

    /// Every element matching `locator` (their ids).
    async fn find_all(&self, locator: &Value) -> Vec<String> {
        let v = self.call(Method::POST, "elements", locator.clone()).await.unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|e| e[ELEMENT].as_str().unwrap().to_string())
            .collect()
    }

    async fn send_keys(&self, locator: &Value, text: &str) {
        self.on_element(locator, Method::POST, "value", json!({"text": text}))
            .await;
    }

    async fn click(&self, locator: &Value) {
        self.on_element(locator, Method::POST, "click", json!({})).await;
    }

    async fn text(&self, locator: &Value) -> String {
        self.on_element(locator, Method::GET, "text", json!({}))
            .await
            .as_str()
            .unwrap()
            .to_string()
    }

    async fn attribute(&self, locator: &Value, name: &str) -> String {
        let v = self
            .on_element(locator, Method::GET, &format!("attribute/{name}"), json!({}))
            .await;
        v.as_str()
            .unwrap_or_else(|| panic!("{locator} has no {name}"))
            .to_string()
    }

    /// A PNG of the viewport.
    async fn screenshot(&self) -> Vec<u8> {
        let v = self.call(Method::GET, "screenshot", json!({})).await.unwrap();
        base64_decode(v.as_str().unwrap())
    }

    /// Ends the session cleanly (Chromium exits); Drop then stops chromedriver.
    async fn quit(mut self) {
        if let Some(s) = self.session.take() {
            let _ = self.call(Method::DELETE, &format!("/session/{s}"), json!({})).await;
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // After a panic the session is still open: close it so Chromium does not outlive the
        // test. Drop cannot await, so use a throwaway runtime on its own thread.
        if let Some(s) = self.session.take() {
            let url = format!("{}/session/{s}", self.base);
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async {
                    reqwest::Client::new()
                        .delete(url)
                        .timeout(Duration::from_secs(5))
                        .send()
                        .await
                })
            })
            .join();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Standard base64 (WebDriver screenshots), without pulling in a crate for one call.
fn base64_decode(s: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("bad base64 byte {c}"),
    };
    let digits: Vec<u8> = s
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
        .map(value)
        .collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, d)| n | ((*d as u32) << (18 - 6 * i)));
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}
