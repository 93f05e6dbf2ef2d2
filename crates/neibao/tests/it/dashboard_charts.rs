//! Issue 14, dashboards people read at a glance: the chart figures (`GET /api/v1/dashboard/charts`)
//! come from counters the database keeps on write, equal the alerts and hazards behind them, stay
//! inside the viewer's jurisdiction, and every element links to the filtered list behind it; the
//! home page embeds the same figures and serves ECharts and the map from the binary.

use serde_json::{json, Value};

use crate::common::*;

async fn charts(c: &Client) -> Value {
    let (s, v) = c.get("/api/v1/dashboard/charts?days=366").await;
    assert_eq!(s, 200, "{v}");
    v
}

fn total(v: &Value, key: &str) -> i64 {
    v["totals"][key].as_i64().unwrap_or_else(|| panic!("{key} in {v}"))
}

async fn list_total(c: &Client, path: &str) -> i64 {
    let (s, v) = c.get(path).await;
    assert_eq!(s, 200, "{path}: {v}");
    v["total"].as_i64().unwrap_or_else(|| panic!("{path}: {v}"))
}

/// Every figure equals the list it summarises, the parts add up to the whole, and the links name
/// those lists.
async fn assert_consistent(c: &Client, who: &str) -> Value {
    let v = charts(c).await;
    assert_eq!(
        total(&v, "alerts_raised"),
        list_total(c, "/api/v1/alerts?per_page=1").await,
        "{who}"
    );
    assert_eq!(
        total(&v, "hazards_opened"),
        list_total(c, "/api/v1/hazards?per_page=1").await,
        "{who}"
    );
    assert_eq!(
        total(&v, "hazards_open"),
        list_total(c, "/api/v1/hazards?open=true&per_page=1").await,
        "{who}"
    );
    assert_eq!(
        total(&v, "hazards_overdue"),
        list_total(c, "/api/v1/hazards?phase=overdue&per_page=1").await,
        "{who}"
    );
    assert_eq!(
        total(&v, "hazards_closed"),
        list_total(c, "/api/v1/hazards?phase=closed&per_page=1").await,
        "{who}"
    );
    // The trend lines add up to the totals of the period.
    for line in v["trends"].as_array().unwrap() {
        let sum: i64 = line["values"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_i64().unwrap())
            .sum();
        assert_eq!(sum, total(&v, line["key"].as_str().unwrap()), "{who}: {line}");
        assert_eq!(
            line["values"].as_array().unwrap().len(),
            v["days"].as_array().unwrap().len()
        );
    }
    // The breakdown adds up to the totals, every area links to its units.
    if let Some(areas) = v["by_area"].as_array().filter(|a| !a.is_empty()) {
        for f in v["figures"].as_array().unwrap() {
            let key = f["key"].as_str().unwrap();
            let sum: i64 = areas.iter().map(|a| a["values"][key].as_i64().unwrap()).sum();
            assert_eq!(sum, total(&v, key), "{who}: {key}");
        }
        for a in areas {
            assert_eq!(
                a["link"],
                format!("/units?division={}", a["code"].as_str().unwrap()),
                "{a}"
            );
        }
    }
    // The top-N lists: each entry's count is the count of its list.
    for t in v["top_overdue_units"].as_array().unwrap() {
        let id = t["id"].as_str().unwrap();
        assert_eq!(t["link"], format!("/hazards?unit_id={id}&phase=overdue"));
        assert_eq!(
            t["value"].as_i64().unwrap(),
            list_total(c, &format!("/api/v1/hazards?unit_id={id}&phase=overdue&per_page=1")).await
        );
    }
    v
}

#[tokio::test]
async fn chart_figures_equal_the_data_and_stay_inside_the_jurisdiction() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let county = app.client_for("demo_county").await;
    let city = app.client_for("demo_city").await;
    let province = app.client_for("demo_province").await;
    let unit = app.client_for("demo_unit").await;

    let county0 = assert_consistent(&county, "demo_county").await;
    let city0 = assert_consistent(&city, "demo_city").await;
    assert_consistent(&province, "demo_province").await;
    assert_eq!(county0["area_level"], "township");
    assert_eq!(city0["area_level"], "county");

    // A hazard in the county's demo unit, and one in another county of the same city (滨江区).
    let (_, units) = unit.get("/api/v1/units?per_page=1").await;
    let own_unit = units["items"][0]["id"].as_str().unwrap().to_string();
    let other_unit = create_unit(&admin, "滨江测试单位", "330108", "91330108MA2K00009").await;
    let mut hazards = Vec::new();
    for u in [&own_unit, &other_unit] {
        let (s, h) = city
            .post(
                "/api/v1/hazards",
                json!({"unit_id": u, "title": "消防通道堵塞", "class": "general", "source": "report"}),
            )
            .await;
        assert_eq!(s, 201, "{h}");
        hazards.push(h["id"].as_str().unwrap().to_string());
    }
    // The own one goes overdue (as the overdue job does), the other is closed.
    let now = chrono::Utc::now().timestamp_millis();
    app.exec_sql(&format!(
        "UPDATE hazards SET phase = 'overdue', updated_at = {now} WHERE id = '{}';
         UPDATE hazards SET phase = 'closed', updated_at = {now} WHERE id = '{}';",
        hazards[0], hazards[1]
    ))
    .await;
    // The unit marks one of its alerts a false positive.
    let (_, alerts) = unit.get("/api/v1/alerts?status=open&per_page=1").await;
    let alert = alerts["items"][0].clone();
    let (s, v) = unit
        .post(
            &format!("/api/v1/alerts/{}/false_positive", alert["id"].as_str().unwrap()),
            json!({"reason": "animal_or_object", "comment": "野猫"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");

    let county1 = assert_consistent(&county, "demo_county").await;
    let city1 = assert_consistent(&city, "demo_city").await;
    assert_consistent(&province, "demo_province").await;
    assert_consistent(&unit, "demo_unit").await;
    // The county counts its own hazard only; the city both.
    assert_eq!(total(&county1, "hazards_opened"), total(&county0, "hazards_opened") + 1);
    assert_eq!(
        total(&county1, "hazards_overdue"),
        total(&county0, "hazards_overdue") + 1
    );
    assert_eq!(total(&county1, "hazards_closed"), total(&county0, "hazards_closed"));
    assert_eq!(total(&city1, "hazards_opened"), total(&city0, "hazards_opened") + 2);
    assert_eq!(total(&city1, "hazards_closed"), total(&city0, "hazards_closed") + 1);
    assert_eq!(
        total(&county1, "false_positives"),
        total(&county0, "false_positives") + 1
    );
    let top = county1["top_overdue_units"].as_array().unwrap();
    assert!(top.iter().any(|t| t["id"] == own_unit.as_str()), "{county1}");
    assert!(
        !top.iter().any(|t| t["id"] == other_unit.as_str()),
        "another county's unit: {county1}"
    );
    let rules = county1["top_false_positive_rules"].as_array().unwrap();
    let fp = rules.iter().find(|r| r["id"] == alert["rule"]).expect("the rule");
    assert!(fp["value"].as_i64().unwrap() >= 1 && fp["link"].as_str().unwrap().starts_with("/alerts/stats"));
    assert!(
        fp["name"]
            .as_str()
            .unwrap()
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{fp}"
    );
    // The county's breakdown is its streets; 滨江区 is not in it.
    for a in county1["by_area"].as_array().unwrap() {
        assert!(a["code"].as_str().unwrap().starts_with("330106"), "{a}");
    }
    // The map: the county sees its city holding its own figures and list; the province every city.
    let areas = county1["map"]["areas"].as_array().unwrap();
    assert_eq!(areas.len(), 1, "{county1}");
    assert_eq!(areas[0]["code"], "330100");
    assert_eq!(areas[0]["name"], "杭州市");
    assert_eq!(areas[0]["link"], "/units?division=330106");
    assert_eq!(areas[0]["values"], county1["totals"]);
    let pv = charts(&province).await;
    assert_eq!(pv["map"]["geo"], "330000");
    assert_eq!(pv["map"]["areas"].as_array().unwrap().len(), 11, "{pv}");
    let hz = pv["map"]["areas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["code"] == "330100")
        .unwrap();
    assert_eq!(hz["link"], "/units?division=330100");
    assert_eq!(hz["values"]["hazards_opened"], city1["totals"]["hazards_opened"]);

    // The period is checked.
    for bad in ["3", "400"] {
        let (s, v) = county.get(&format!("/api/v1/dashboard/charts?days={bad}")).await;
        assert_eq!(s, 400, "{v}");
        assert_eq!(error_code(&v), "validation_failed");
    }
    let (s, v) = county.get("/api/v1/dashboard/charts?days=7").await;
    assert_eq!(s, 200);
    assert_eq!(v["days"].as_array().unwrap().len(), 7);
}

/// The home page draws its charts from the same figures, embedded; ECharts and the map are served
/// by the binary (no CDN), and the page's Content-Security-Policy allows them.
#[tokio::test]
async fn the_home_page_embeds_the_figures_and_serves_echarts_itself() {
    let app = TestApp::demo().await;
    let b = app.browser("demo_county", DEMO_PASSWORD).await;
    let r = b.get(app.url("/?days=90")).send().await.unwrap();
    let csp = r.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    let html = r.text().await.unwrap();
    for id in [
        "chart-trend",
        "chart-map",
        "chart-areas",
        "top-overdue-units",
        "top-false-positive-rules",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
    }
    assert!(html.contains("<script src=\"/static/vendor/echarts.min.js\""));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "nothing from elsewhere"
    );
    let embedded = html
        .split("<script type=\"application/json\" id=\"dashboard-data\">")
        .nth(1)
        .unwrap()
        .split("</script>")
        .next()
        .unwrap();
    let embedded: Value = serde_json::from_str(embedded).unwrap();
    let (_, api) = app
        .client_for("demo_county")
        .await
        .get("/api/v1/dashboard/charts?days=90")
        .await;
    assert_eq!(embedded, api);

    let js = b.get(app.url("/static/vendor/echarts.min.js")).send().await.unwrap();
    assert_eq!(js.status(), 200);
    assert!(js.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    assert!(js.text().await.unwrap().len() > 500_000);
    let geo: Value = b
        .get(app.url("/static/geo/330000.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = geo["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 11);
    assert!(names.contains(&"杭州市") && names.contains(&"丽水市"), "{names:?}");
    let script = b.get(app.url("/static/dashboard.js")).send().await.unwrap();
    assert_eq!(script.status(), 200);

    // A unit's manager: trends and lists, no map of areas.
    let html = b.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("chart-map"));
    let m = app.browser("demo_unit", DEMO_PASSWORD).await;
    let html = m.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("id=\"chart-trend\"") && !html.contains("id=\"chart-map\""));
}

/// Issue 14's browser check: a county officer opens the dashboard, clicks their city on the map
/// (which holds the county's own figures) and lands on the county's unit list. The screenshot of
/// the dashboard is saved beside the test output, and into docs/img/dashboard.png when
/// `NEIBAO_DOCS_SCREENSHOT=1`.
#[tokio::test]
async fn a_county_officer_clicks_the_map_through_to_the_county_list() {
    use crate::webdriver::{browser_installed, css, Browser, ELEMENT};
    use reqwest::Method;
    if !browser_installed() {
        return;
    }
    let app = TestApp::demo().await;
    let b = Browser::start().await;
    b.login(&app, "demo_county").await;
    // Tall enough for the whole dashboard in one screenshot.
    b.call(Method::POST, "window/rect", json!({"width": 1280, "height": 1500}))
        .await
        .unwrap();
    b.goto(&app.url("/")).await;
    b.wait_for("the map drawn", || async {
        b.try_find(&css("#chart-map[data-ready='1']")).await.is_ok()
    })
    .await;
    // Let the charts' entry animation finish before the screenshot.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let shot = b.screenshot().await;
    assert!(shot.len() > 20_000, "a drawn page: {} bytes", shot.len());
    let path = concat!(env!("CARGO_TARGET_TMPDIR"), "/dashboard.png");
    std::fs::write(path, &shot).unwrap();
    println!("screenshot: {path}");
    if std::env::var("NEIBAO_DOCS_SCREENSHOT").as_deref() == Ok("1") {
        let docs = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/img/dashboard.png");
        std::fs::create_dir_all(std::path::Path::new(docs).parent().unwrap()).unwrap();
        std::fs::write(docs, &shot).unwrap();
    }

    // Where Hangzhou (its centre, 120.15E 30.29N) is drawn, relative to the map's centre.
    let v = b
        .call(
            Method::POST,
            "execute/sync",
            json!({"script": "var el = document.getElementById('chart-map'); el.scrollIntoView({block: 'center'});
                   var p = echarts.getInstanceByDom(el).convertToPixel({seriesIndex: 0}, [120.153576, 30.287459]);
                   var r = el.getBoundingClientRect(); return [p[0] - r.width / 2, p[1] - r.height / 2];", "args": []}),
        )
        .await
        .unwrap();
    let (x, y) = (
        v[0].as_f64().unwrap().round() as i64,
        v[1].as_f64().unwrap().round() as i64,
    );
    let map = b.try_find(&css("#chart-map")).await.unwrap();
    b.call(
        Method::POST,
        "actions",
        json!({"actions": [{"type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"}, "actions": [
            {"type": "pointerMove", "origin": {ELEMENT: map}, "x": x, "y": y, "duration": 100},
            {"type": "pointerDown", "button": 0},
            {"type": "pointerUp", "button": 0}
        ]}]}),
    )
    .await
    .unwrap();
    b.wait_for("the county's unit list", || async {
        b.url().await.ends_with("/units?division=330106")
    })
    .await;
    let rows = b.text(&css("table")).await;
    assert!(rows.contains("西湖区"), "{rows}");
    assert!(
        !rows.contains("拱墅区") && !rows.contains("滨江区"),
        "only the county: {rows}"
    );
    b.quit().await;
}
