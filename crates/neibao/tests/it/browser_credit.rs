//! The credit pages end to end in headless Chromium (docs/CREDIT.md; R30): a county officer
//! records a published and an unpublished credit entry on the unit's credit page, the unit's
//! manager files an objection from the same page, and the public 诚信公示 page (no login, a
//! second browser) shows only the published entry — and no personal information. Also the
//! public list through the API, on both backends (not only when a browser is installed).

use reqwest::Method;
use serde_json::json;

use crate::common::*;
use crate::webdriver::{browser_installed, css, xpath, Browser};

async fn record_in_browser(b: &Browser, app: &TestApp, unit: &str, basis: &str, published: bool) {
    b.goto(&app.url(&format!("/units/{unit}/credit"))).await;
    b.click(&css("#kind option[value=other_violation]")).await;
    b.send_keys(&css("#points"), "10").await;
    b.send_keys(&css("#basis"), basis).await;
    b.send_keys(&css("#reason"), "值班记录缺失，经责令改正仍未改正。").await;
    let expires = (chrono::Utc::now() + chrono::Duration::days(300))
        .date_naive()
        .to_string();
    b.call(
        Method::POST,
        "execute/sync",
        json!({"script": "document.querySelector('#expires-on').value = arguments[0];", "args": [expires]}),
    )
    .await
    .unwrap();
    if published {
        b.click(&css("input[name=published]")).await;
    }
    b.click(&css("#record")).await;
    let entry = xpath(&format!("//ul[@id='entries']//li[contains(., '{basis}')]"));
    b.wait_for("the new entry on the credit page", || async {
        b.try_find(&entry).await.is_ok()
    })
    .await;
}

#[tokio::test]
async fn credit_entries_objection_and_public_list_in_browser() {
    let app = TestApp::demo().await;
    let manager = app.client_for("demo_unit").await;
    let (_, me) = manager.get("/api/v1/me").await;
    let unit = me["unit_id"].as_str().unwrap().to_string();

    // The public list needs no account; on both backends, whether or not a browser is here.
    let anon = reqwest::Client::new();
    let r = anon.get(app.url("/api/v1/public/credit-entries")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let before: serde_json::Value = r.json().await.unwrap();
    let (s, v) = app
        .client_for("demo_county")
        .await
        .post(
            &format!("/api/v1/units/{unit}/credit-entries"),
            json!({"kind": "other_violation", "points": 5, "basis": "公示测试依据（联系电话13812345678）",
                   "reason": "张三未履行巡查职责", "expires_on": (chrono::Utc::now() + chrono::Duration::days(100)).date_naive().to_string(),
                   "published": true}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let (s, v) = app
        .client_for("demo_county")
        .await
        .post(
            &format!("/api/v1/units/{unit}/credit-entries"),
            json!({"kind": "other_violation", "points": 5, "basis": "不公示测试依据", "reason": "内部记录",
                   "expires_on": (chrono::Utc::now() + chrono::Duration::days(100)).date_naive().to_string()}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let after: serde_json::Value = anon
        .get(app.url("/api/v1/public/credit-entries?per_page=200"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        after["total"].as_i64().unwrap(),
        before["total"].as_i64().unwrap() + 1,
        "{after}"
    );
    let text = after.to_string();
    assert!(
        text.contains("公示测试依据") && !text.contains("不公示测试依据"),
        "{text}"
    );
    assert!(
        !text.contains("13812345678") && !text.contains("张三"),
        "no personal information: {text}"
    );
    let r = anon
        .get(app.url("/api/v1/public/credit-entries?page=0"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);

    if !browser_installed() {
        return;
    }
    let b = Browser::start().await;
    b.login(&app, "demo_county").await;
    record_in_browser(&b, &app, &unit, "浏览器公示依据", true).await;
    record_in_browser(&b, &app, &unit, "浏览器内部依据", false).await;
    b.quit().await;

    // The unit's manager objects to the published entry from the credit page.
    let b = Browser::start().await;
    b.login(&app, "demo_unit").await;
    b.goto(&app.url(&format!("/units/{unit}/credit"))).await;
    let item = "//ul[@id='entries']//li[contains(., '浏览器公示依据')]";
    b.click(&xpath(&format!("{item}//summary"))).await;
    b.send_keys(
        &xpath(&format!("{item}//textarea[@name='text']")),
        "值班记录已补齐，请复核。",
    )
    .await;
    b.click(&xpath(&format!("{item}//button[@type='submit']"))).await;
    b.wait_for("the objection page", || async {
        b.url().await.contains("/credit/objections/")
    })
    .await;
    b.quit().await;

    // The public page, without logging in: only the published entries.
    let b = Browser::start().await;
    b.goto(&app.url("/credit/public")).await;
    let table = b.text(&css("#public-credit")).await;
    assert!(table.contains("浏览器公示依据"), "{table}");
    assert!(table.contains("公示测试依据"), "{table}");
    assert!(
        !table.contains("浏览器内部依据") && !table.contains("不公示测试依据"),
        "{table}"
    );
    assert!(!table.contains("13812345678"), "{table}");
    assert_eq!(b.text(&css("h1")).await, "诚信公示");
    b.quit().await;
}
