//! The early-warning forms in headless Chromium (issue 20): a rule made through the form (the
//! chosen kind's parameters shown, the others hidden by app.js; weekday rows), and the
//! suppression form's device list filled for the chosen unit from the devices API.
//!
//! The WebDriver harness is in webdriver.rs.

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{TestApp, ADMIN_PASSWORD, DEMO_PASSWORD};
use crate::webdriver::{browser_installed, css, Browser};

/// Whether the element is shown (WebDriver's `displayed`).
async fn shown(b: &Browser, selector: &str) -> bool {
    b.on_element(&css(selector), Method::GET, "displayed", json!({}))
        .await
        .as_bool()
        .unwrap_or(false)
}

/// Sets an input's value as a person picking it would (`type=time` takes the locale's own
/// keystrokes, so the value is set and an input event sent).
async fn set_value(b: &Browser, selector: &str, value: &str) {
    let script = "const e = document.querySelector(arguments[0]); e.value = arguments[1]; \
                  e.dispatchEvent(new Event('input', {bubbles: true})); return e.value;";
    let v = b
        .call(
            Method::POST,
            "execute/sync",
            json!({"script": script, "args": [selector, value]}),
        )
        .await
        .unwrap();
    assert_eq!(v, value, "{selector}");
}

#[tokio::test]
async fn a_rule_is_made_through_the_form_in_the_browser() {
    if !browser_installed() {
        return;
    }
    let app = TestApp::demo().await;
    let b = Browser::start().await;
    b.login_with(&app, "admin", ADMIN_PASSWORD).await;
    b.goto(&app.url("/warning/rules")).await;

    // A new rule starts as 单事件匹配: no kind's parameters shown.
    assert!(!shown(&b, "#kind-threshold").await && !shown(&b, "#kind-absence").await);
    b.click(&css("#rule-kind option[value='threshold']")).await;
    b.wait_for("the threshold parameters", || async {
        shown(&b, "#kind-threshold").await
    })
    .await;
    assert!(!shown(&b, "#kind-sequence").await && !shown(&b, "#kind-correlation").await);

    b.send_keys(&css("#rule-code"), "browser_threshold").await;
    b.send_keys(&css("#rule-title"), "浏览器新建的阈值规则").await;
    b.click(&css("#rule-severity option[value='high']")).await;
    b.on_element(&css("#th-count"), Method::POST, "clear", json!({})).await;
    b.send_keys(&css("#th-count"), "3").await;
    b.on_element(&css("#th-window"), Method::POST, "clear", json!({})).await;
    b.send_keys(&css("#th-window"), "300").await;
    b.send_keys(&css("#th-key"), "device_id").await;
    b.send_keys(&css("#rule-condition"), "kind == \"access.denied\"").await;
    // Monday and Friday nights.
    b.click(&css("input[name='w0_day'][value='1']")).await;
    b.click(&css("input[name='w0_day'][value='5']")).await;
    set_value(&b, "input[name='w0_start']", "20:00").await;
    set_value(&b, "input[name='w0_end']", "07:00").await;
    b.click(&css("#save-rule")).await;
    b.wait_for("the new rule's page", || async {
        b.url().await == app.url("/warning/rules/browser_threshold?saved=1")
    })
    .await;
    assert!(b.text(&css("#notice")).await.contains("已保存为新版本"));
    // The rule page shows it in the form, with only its kind's parameters.
    assert!(shown(&b, "#kind-threshold").await && !shown(&b, "#kind-sequence").await);
    assert_eq!(b.property(&css("#th-count"), "value").await, "3");

    let (s, list) = app.admin().await.get("/api/v1/alert_rules").await;
    assert_eq!(s, 200);
    let spec: &Value = &list["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "browser_threshold")
        .expect("saved")["spec"];
    assert_eq!(
        spec["kind"],
        json!({"type": "threshold", "count": 3, "window_seconds": 300, "key": ["device_id"]})
    );
    assert_eq!(spec["severity"], "high");
    assert_eq!(
        spec["schedule"]["weekly"],
        json!([{"weekdays": [1, 5], "start": "20:00", "end": "07:00"}])
    );
    b.quit().await;
}

#[tokio::test]
async fn the_suppression_form_lists_the_chosen_units_devices_in_the_browser() {
    if !browser_installed() {
        return;
    }
    let app = TestApp::demo().await;
    let api = app.client_for("demo_unit").await;
    let (_, me) = api.get("/api/v1/me").await;
    let unit = me["unit_id"].as_str().unwrap().to_string();
    let (_, devices) = api.get(&format!("/api/v1/devices?unit_id={unit}")).await;
    let device = devices["items"][0].clone();
    let (id, name) = (device["id"].as_str().unwrap(), device["name"].as_str().unwrap());

    let b = Browser::start().await;
    b.login_with(&app, "demo_unit", DEMO_PASSWORD).await;
    b.goto(&app.url("/warning/suppressions")).await;
    // No unit yet: only 全部设备, and the hint.
    assert_eq!(b.find_all(&css("#sup-device option")).await.len(), 1);
    assert!(shown(&b, "#sup-device-hint").await);
    b.click(&css(&format!("#sup-unit option[value='{unit}']"))).await;
    let option = css(&format!("#sup-device option[value='{id}']"));
    b.wait_for("the unit's devices in the select", || async {
        b.try_find(&option).await.is_ok()
    })
    .await;
    assert_eq!(b.text(&option).await, name);
    assert!(!shown(&b, "#sup-device-hint").await);
    assert_eq!(
        b.find_all(&css("#sup-device option")).await.len(),
        devices["items"].as_array().unwrap().len() + 1
    );
    // Saved with that device.
    b.click(&option).await;
    b.send_keys(&css("#suppression-form input[name='note']"), "浏览器选择设备")
        .await;
    b.click(&css("#add-suppression")).await;
    b.wait_for("the window added", || async {
        b.try_text(&css("#notice"))
            .await
            .is_ok_and(|t| t.contains("已添加屏蔽时段"))
    })
    .await;
    let (_, windows) = api.get("/api/v1/suppressions").await;
    let found = windows
        .as_array()
        .or_else(|| windows["items"].as_array())
        .unwrap()
        .iter()
        .any(|w| w["device_id"] == id && w["unit_id"] == unit.as_str());
    assert!(found, "{windows}");
    b.quit().await;
}
