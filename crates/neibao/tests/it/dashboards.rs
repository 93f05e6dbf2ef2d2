//! Issue 20: every dashboard fits its user: broken down one administrative level below the
//! viewer's own jurisdiction, every area of it listed (with zeros), and a unit's own page
//! without a table of areas.

use crate::common::*;

async fn home(app: &TestApp, user: &str) -> String {
    let b = app.browser(user, DEMO_PASSWORD).await;
    b.get(app.url("/")).send().await.unwrap().text().await.unwrap()
}

#[tokio::test]
async fn each_role_sees_its_own_breakdown() {
    let app = TestApp::demo().await;
    // Zhejiang has 11 cities, Hangzhou 13 counties and districts; the demo county (西湖区) has
    // streets without demo units.
    for (user, heading, level, areas_at_least) in [
        ("demo_province", "按地市统计", "city", 11),
        ("demo_city", "按区县统计", "county", 13),
        ("demo_county", "按乡镇（街道）统计", "township", 2),
    ] {
        let html = home(&app, user).await;
        assert!(html.contains(heading), "{user}: {heading}");
        let (_, dash) = app.client_for(user).await.get("/api/v1/dashboard").await;
        assert_eq!(dash["area_level"], level, "{user}: {dash}");
        let areas = dash["by_area"].as_array().unwrap();
        // Every area of the level is listed, those without units too, and the sums agree.
        assert!(areas.len() >= areas_at_least, "{user}: {dash}");
        if level == "township" {
            assert!(
                areas.iter().any(|a| a["units"] == 0),
                "{user}: areas without units are listed: {dash}"
            );
        }
        let sum: i64 = areas.iter().map(|a| a["units"].as_i64().unwrap()).sum();
        assert_eq!(sum, dash["units"].as_i64().unwrap(), "{user}");
    }

    // A unit's manager and its guard: their unit, no table of areas, no "1 单位" cards.
    for user in ["demo_unit", "demo_guard"] {
        let html = home(&app, user).await;
        assert!(
            !html.contains("统计</h2>") && !html.contains("id=\"by-area\""),
            "{user}"
        );
        assert!(!html.contains("治安保卫重点单位</div>"), "{user}");
        assert!(html.contains("未解除告警") && html.contains("本单位"), "{user}");
        let (_, dash) = app.client_for(user).await.get("/api/v1/dashboard").await;
        assert!(
            dash["area_level"].is_null() && dash["by_area"].as_array().unwrap().is_empty(),
            "{dash}"
        );
    }
}

/// The signed-in line of the header names the user, the role and the place once each.
#[tokio::test]
async fn the_header_names_each_part_once() {
    let app = TestApp::demo().await;
    let b = app.browser("admin", ADMIN_PASSWORD).await;
    let html = b.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("<span class=\"who\">系统管理员</span>"), "{html}");
    let html = home(&app, "demo_county").await;
    let who = html
        .split("<span class=\"who\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap();
    assert_eq!(who.matches(" · ").count(), 2, "{who}");
}

/// A unit registered with its district's code only is counted in the by-street table under the
/// district, said to be not broken down further.
#[tokio::test]
async fn a_unit_without_a_street_is_counted_under_its_district_said_so() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    create_unit(&admin, "未细分街道单位", "330106", "91330106MA2K00004").await;
    let (_, dash) = app.client_for("demo_county").await.get("/api/v1/dashboard").await;
    let row = dash["by_area"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["code"] == "330106")
        .cloned()
        .unwrap_or_default();
    assert_eq!(row["name"], "西湖区（未细分到下一级）", "{dash}");
    assert_eq!(row["units"], 1, "{dash}");
}
