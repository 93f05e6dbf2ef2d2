//! A bureau installs neibao without `--demo` (issue 12, "What shows it is done"): the first-run
//! setup in a real browser, a county bureau and a police station under the city bureau, an officer
//! of the county, a units spreadsheet with three bad rows refused naming exactly those rows, the
//! fixed file imported, and the officer, signed in with their own password, sees exactly the units
//! of their county.

use serde_json::json;

use crate::common::*;
use crate::imports::{import, row, rows_of, xlsx};
use crate::setup::{fill_setup_form, NEW_PASSWORD};
use crate::webdriver::{browser_installed, css, Browser};

#[tokio::test]
async fn a_bureau_sets_itself_up_without_the_demo() {
    if !browser_installed() {
        return;
    }
    let app = TestApp::spawn().await;

    // 1. The first-run setup, in the browser, as the bootstrap administrator.
    let b = Browser::start().await;
    b.login_with(&app, "admin", ADMIN_PASSWORD).await;
    b.click(&css("#setup-link")).await;
    fill_setup_form(&b).await;
    b.send_keys(&css("#setup-password"), NEW_PASSWORD).await;
    b.send_keys(&css("#setup-password-again"), NEW_PASSWORD).await;
    b.click(&css("#setup-submit")).await;
    b.wait_for("the login page", || async { b.url().await.contains("/login?setup=1") })
        .await;
    b.login_with(&app, "hzadmin", NEW_PASSWORD).await;
    b.quit().await;
    let admin = app.client_for("hzadmin").await;
    let (_, status) = admin.get("/api/v1/setup").await;
    let city = status["org_id"].as_str().unwrap().to_string();

    // 2. The county bureau and a station under it, through the organisation administration.
    let (s, county) = admin
        .post(
            "/api/v1/organisations",
            json!({"name": "杭州市公安局西湖区分局", "kind": "police_county", "division_code": "330106", "parent_id": city}),
        )
        .await;
    assert_eq!(s, 201, "{county}");
    let county_id = county["id"].as_str().unwrap().to_string();
    let (s, station) = admin
        .post(
            "/api/v1/organisations",
            json!({"name": "西溪派出所", "kind": "police_station", "division_code": "330106004", "parent_id": county_id}),
        )
        .await;
    assert_eq!(s, 201, "{station}");

    // 3. An officer of the county; they sign in with the first password and set their own.
    let (s, officer) = admin
        .post(
            "/api/v1/users",
            json!({"username": "xh_officer", "display_name": "西湖民警", "role": "police_county", "org_id": county_id}),
        )
        .await;
    assert_eq!(s, 201, "{officer}");
    let first_password = officer["initial_password"].as_str().unwrap().to_string();

    // 4. The unit list: three in 西湖区 (one at the new station), one in 上城区. Three bad rows:
    //    row 3 a wrong check character, row 4 a division that does not exist, row 6 a repeated USCC.
    let codes: Vec<String> = (0..4).map(|i| uscc(&format!("91330106MA2KNP{i:03}"))).collect();
    let mut bad_uscc = codes[1].clone();
    bad_uscc.pop();
    bad_uscc.push(if codes[1].ends_with('0') { '1' } else { '0' });
    let good = vec![
        row("安装测试单位甲", &codes[0], "330106004", "西溪派出所", "13800138000"),
        row("安装测试单位乙", &codes[1], "330106", "", "13800138000"),
        row("安装测试单位丙", &codes[2], "330106005", "", "13800138000"),
        row("安装测试单位丁", &codes[3], "330102", "", "13800138000"),
    ];
    let mut bad = good.clone();
    bad[1][1] = bad_uscc;
    bad[2][3] = "330106999".into();
    bad.push(row("安装测试单位甲（重复）", &codes[0], "330106", "", "13800138000"));
    let job = import(&admin, xlsx(&bad), None).await;
    assert_eq!(job["status"], "refused", "{job}");
    assert_eq!(rows_of(&job), vec![3, 4, 6], "{job}");
    let (_, units) = admin.get("/api/v1/units").await;
    assert_eq!(units["total"], 0, "nothing written");
    let job = import(&admin, xlsx(&good), None).await;
    assert_eq!(
        (job["status"].as_str(), job["created"].as_u64()),
        (Some("done"), Some(4)),
        "{job}"
    );

    // 5. The officer signs in and sees exactly the three units of 西湖区.
    let (_, s, _) = app.session("xh_officer", &first_password, None).await;
    assert_eq!(s, 200, "the first password signs in");
    app.replace_first_password("xh_officer", &first_password).await;
    let officer = app.client_for("xh_officer").await;
    let (s, seen) = officer.get("/api/v1/units?per_page=100").await;
    assert_eq!(s, 200, "{seen}");
    let mut seen_codes: Vec<String> = seen["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["uscc"].as_str().unwrap().to_string())
        .collect();
    seen_codes.sort();
    let mut expected = codes[..3].to_vec();
    expected.sort();
    assert_eq!(seen_codes, expected, "{seen}");
    let at_station = seen["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["uscc"] == codes[0].as_str())
        .unwrap()
        .clone();
    assert_eq!(at_station["police_station_name"], "西溪派出所", "{at_station}");
}
