//! The dashboard in headless Chromium (docs/DASHBOARDS.md; issue 14): a county officer opens the
//! home page, clicks their area on the map of Zhejiang and lands on the list behind it — the
//! units of their own jurisdiction. The map is drawn on a canvas, so the click is a real pointer
//! action at the pixel ECharts gives for a point inside the officer's area (the map's own
//! `convertToPixel`), not a call into the page's script.

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::*;
use crate::webdriver::{browser_installed, css, Browser};

#[tokio::test]
async fn county_officer_clicks_the_map_and_lands_on_the_list() {
    if !browser_installed() {
        return;
    }
    let app = TestApp::demo().await;
    let county = app.client_for("demo_county").await;
    let (s, charts) = county.get("/api/v1/dashboard/charts").await;
    assert_eq!(s, 200, "{charts}");
    // The one area of the map that is the officer's (the others are "not in your jurisdiction").
    let own: Vec<&Value> = charts["map"]["areas"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["link"].as_str().is_some_and(|l| !l.is_empty()))
        .collect();
    assert!(
        !own.is_empty(),
        "the county officer's map has their area: {}",
        charts["map"]
    );
    let link = own[0]["link"].as_str().unwrap().to_string();
    assert!(link.starts_with("/units?division=330106"), "{link}");

    let b = Browser::start().await;
    b.login(&app, "demo_county").await;
    b.goto(&app.url("/")).await;
    // Wait for the map file and its series, then ask ECharts for the pixel of a point in the
    // officer's area (Xihu district, in Hangzhou), relative to the chart's box.
    let script = r#"
        var el = document.getElementById('chart-map');
        var c = el && window.echarts && window.echarts.getInstanceByDom(el);
        if (!c || !c.getOption() || !c.getOption().series || !c.getOption().series.length) return null;
        var p = c.convertToPixel({seriesId: 'areas'}, [120.13, 30.26]);
        if (!p || isNaN(p[0])) return null;
        return [p[0] - el.clientWidth / 2, p[1] - el.clientHeight / 2];
    "#;
    let mut offset = Value::Null;
    for _ in 0..100 {
        offset = b
            .call(Method::POST, "execute/sync", json!({"script": script, "args": []}))
            .await
            .unwrap();
        if offset.is_array() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(offset.is_array(), "the map was drawn: {offset}");
    let (x, y) = (
        offset[0].as_f64().unwrap().round() as i64,
        offset[1].as_f64().unwrap().round() as i64,
    );
    let map = b.call(Method::POST, "element", css("#chart-map")).await.unwrap();
    let element = map[crate::webdriver::ELEMENT].clone();
    // A real pointer: move to the pixel (offsets from the element's centre, W3C), press, release.
    b.call(
        Method::POST,
        "actions",
        json!({"actions": [{"type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"},
        "actions": [
            {"type": "pointerMove", "duration": 0,
             "origin": {crate::webdriver::ELEMENT: element}, "x": x, "y": y},
            {"type": "pause", "duration": 100},
            {"type": "pointerDown", "button": 0},
            {"type": "pointerUp", "button": 0}
        ]}]}),
    )
    .await
    .unwrap();
    b.wait_for("the county's unit list after clicking the map", || async {
        b.url().await == app.url(&link)
    })
    .await;
    // The list is the county's: every unit on it is in Xihu district (330106).
    let rows = b.text(&css("main")).await;
    assert!(rows.contains("单位"), "{rows}");
    let (_, units) = county.get("/api/v1/units?division=330106&per_page=5").await;
    let first = units["items"][0]["name"].as_str().unwrap().to_string();
    assert!(rows.contains(&first), "the page lists the county's units: {rows}");
    b.quit().await;
}
