//! Spreadsheet imports of the other kinds (issue 12, docs/IMPORTS.md): key areas of registered
//! units. A file with three bad rows is refused whole with exactly those row numbers; the fixed
//! file is imported; importing it again changes nothing; a unit outside the jurisdiction is
//! refused; the import is audited. Accounts, created in bulk the same way, with no password
//! shown or kept. Both backends.

use crate::common::*;
use crate::imports::{book, import_kind, rows_of, template_header, upload_kind};

/// A finished job's (status, created, unchanged).
fn counts(job: &serde_json::Value) -> (Option<&str>, Option<u64>, Option<u64>) {
    (
        job["status"].as_str(),
        job["created"].as_u64(),
        job["unchanged"].as_u64(),
    )
}

/// The codes of a job's bad rows, in row order.
fn codes(job: &serde_json::Value) -> Vec<&str> {
    job["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect()
}

fn area(uscc: &str, name: &str, description: &str) -> Vec<String> {
    vec![uscc.into(), name.into(), description.into()]
}

const KEY_AREA_HEADER: [&str; 3] = ["统一社会信用代码", "重要部位名称", "说明"];

#[tokio::test]
async fn key_areas_import_refuses_bad_rows_then_imports_once() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let county = app.client_for("demo_county").await;
    let ningbo = app.client_for("demo_county_other").await;
    let (_, me) = app.client_for("demo_unit").await.get("/api/v1/me").await;
    let demo_unit = me["unit_id"].as_str().unwrap().to_string();
    let (_, du) = county.get(&format!("/api/v1/units/{demo_unit}")).await;
    let division = du["division_code"].as_str().unwrap().to_string();
    let a = uscc("91330106MA2100411");
    let b = uscc("91330106MA2100412");
    let unit_a = create_unit(&county, "重要部位导入甲公司", &division, "91330106MA2100411").await;
    create_unit(&county, "重要部位导入乙公司", &division, "91330106MA2100412").await;
    let (_, nb) = ningbo.get("/api/v1/units?per_page=1").await;
    let nb_uscc = nb["items"][0]["uscc"].as_str().expect("a Ningbo unit").to_string();

    // The template: the header row of the kind.
    assert_eq!(template_header(&county, "key_areas").await, KEY_AREA_HEADER);

    // Three bad rows (a unit outside the jurisdiction, an unregistered USCC, a name twice) and
    // a missing name: refused whole, with exactly those rows.
    let unregistered = uscc("91330106MA2100499");
    let bad = vec![
        area(&a, "机房", "一楼东侧"),
        area(&nb_uscc, "仓库", ""),
        area(&b, "财务室", ""),
        area(&unregistered, "档案室", ""),
        area(&a, "机房", "一楼东侧"),
        area(&b, "", "无名"),
    ];
    let job = import_kind(&county, "key_areas", book(&KEY_AREA_HEADER, &bad), None).await;
    assert_eq!(job["status"], "refused", "{job}");
    assert_eq!(job["kind"], "key_areas", "{job}");
    assert_eq!(rows_of(&job), vec![3, 5, 6, 7], "{job}");
    assert_eq!(
        codes(&job),
        [
            "outside_jurisdiction",
            "unit_not_found",
            "duplicate_in_file",
            "required"
        ],
        "{job}"
    );
    assert_eq!(job["errors"][0]["column"], "统一社会信用代码");
    assert_eq!(job["errors"][3]["column"], "重要部位名称");
    let (_, areas) = county.get(&format!("/api/v1/units/{unit_a}/key_areas")).await;
    assert_eq!(areas.as_array().map(Vec::len), Some(0), "{areas}");

    // Fixed: written, each through the registry.
    let fixed = vec![
        area(&a, "机房", "一楼东侧"),
        area(&a, "周界", ""),
        area(&b, "财务室", ""),
    ];
    let job = import_kind(&county, "key_areas", book(&KEY_AREA_HEADER, &fixed), None).await;
    assert_eq!(
        (job["status"].as_str(), job["created"].as_u64()),
        (Some("done"), Some(3)),
        "{job}"
    );
    let (_, areas) = county.get(&format!("/api/v1/units/{unit_a}/key_areas")).await;
    let names: Vec<&str> = areas
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "{areas}");
    assert!(names.contains(&"机房") && names.contains(&"周界"));

    // Again: nothing changes.
    let again = import_kind(&county, "key_areas", book(&KEY_AREA_HEADER, &fixed), None).await;
    assert_eq!(counts(&again), (Some("done"), Some(0), Some(3)), "{again}");
    let (_, areas) = county.get(&format!("/api/v1/units/{unit_a}/key_areas")).await;
    assert_eq!(areas.as_array().map(Vec::len), Some(2), "{areas}");
    // The same name with another description is refused, not applied.
    let changed = vec![area(&a, "机房", "二楼")];
    let job = import_kind(
        &county,
        "key_areas",
        book(&KEY_AREA_HEADER, &changed),
        Some("good_rows_only"),
    )
    .await;
    assert_eq!(job["errors"][0]["code"], "key_area_registered_differently", "{job}");

    // Audited once per import, as a sentence.
    let (s, audit) = admin.get("/api/v1/audit?action=import.key_areas&per_page=10").await;
    assert_eq!(s, 200, "{audit}");
    let text = audit.to_string();
    assert!(
        text.contains("批量导入了重要部位") && text.contains("新增3个"),
        "{text}"
    );
    // Not allowed to import: 403.
    let manager = app.client_for("demo_unit").await;
    assert_eq!(
        upload_kind(&manager, "key_areas", book(&KEY_AREA_HEADER, &fixed), None)
            .await
            .0,
        403
    );
}

const ACCOUNT_HEADER: [&str; 5] = ["用户名", "姓名", "角色", "所属机构", "所在单位统一社会信用代码"];

fn account(username: &str, name: &str, role: &str, org: &str, unit: &str) -> Vec<String> {
    vec![username.into(), name.into(), role.into(), org.into(), unit.into()]
}

#[tokio::test]
async fn accounts_import_refuses_bad_rows_then_creates_once_without_showing_passwords() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let (s, orgs) = admin
        .get("/api/v1/organisations?kind=police_station&division=3301")
        .await;
    assert_eq!(s, 200, "{orgs}");
    let station = orgs[0]["id"].as_str().unwrap().to_string();
    let station_name = orgs[0]["name"].as_str().unwrap().to_string();
    let (_, me) = app.client_for("demo_unit").await.get("/api/v1/me").await;
    let demo_unit = me["unit_id"].as_str().unwrap().to_string();
    let (_, du) = admin.get(&format!("/api/v1/units/{demo_unit}")).await;
    let unit_uscc = du["uscc"].as_str().unwrap().to_string();

    // The template: the header row of the kind.
    assert_eq!(template_header(&admin, "accounts").await, ACCOUNT_HEADER);

    // Three bad rows: a user name that does not start with a letter, an unknown role, an
    // organisation that does not exist.
    let bad = vec![
        account("imp_officer1", "王小明", "派出所民警", &station_name, ""),
        account("1imp_officer2", "赵小刚", "派出所民警", &station_name, ""),
        account("imp_officer3", "钱小红", "巡警", &station_name, ""),
        account("imp_officer4", "孙小亮", "派出所民警", "不存在的派出所", ""),
        account("imp_guard1", "李保安", "保安员", "", &unit_uscc),
    ];
    let job = import_kind(&admin, "accounts", book(&ACCOUNT_HEADER, &bad), None).await;
    assert_eq!(job["status"], "refused", "{job}");
    assert_eq!(job["kind"], "accounts", "{job}");
    assert_eq!(rows_of(&job), vec![3, 4, 5], "{job}");
    assert_eq!(
        codes(&job),
        ["invalid_username", "invalid_role", "organisation_not_found"],
        "{job}"
    );
    let (_, users) = admin.get("/api/v1/users?q=imp_").await;
    assert_eq!(users["total"], 0, "{users}");

    // Fixed: created through account administration, no password anywhere in the answer.
    let fixed = vec![
        account("imp_officer1", "王小明", "派出所民警", &station_name, ""),
        account("imp_officer2", "赵小刚", "派出所民警", &station_name, ""),
        account("imp_officer3", "钱小红", "police_station", &station, ""),
        account("imp_officer4", "孙小亮", "派出所民警", &station, ""),
        account("imp_guard1", "李保安", "保安员", "", &unit_uscc),
    ];
    let job = import_kind(&admin, "accounts", book(&ACCOUNT_HEADER, &fixed), None).await;
    assert_eq!(
        (job["status"].as_str(), job["created"].as_u64()),
        (Some("done"), Some(5)),
        "{job}"
    );
    assert!(!job.to_string().contains("password"), "{job}");
    let (_, users) = admin.get("/api/v1/users?q=imp_").await;
    assert_eq!(users["total"], 5, "{users}");
    let guard = users["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "imp_guard1")
        .expect("the guard");
    assert_eq!(
        (guard["role"].as_str(), guard["unit_id"].as_str()),
        (Some("guard"), Some(demo_unit.as_str()))
    );

    // Again: nothing changes; a taken user name with other content is refused.
    let again = import_kind(&admin, "accounts", book(&ACCOUNT_HEADER, &fixed), None).await;
    assert_eq!(counts(&again), (Some("done"), Some(0), Some(5)), "{again}");
    let taken = vec![account("imp_officer1", "另一个人", "派出所民警", &station_name, "")];
    let job = import_kind(&admin, "accounts", book(&ACCOUNT_HEADER, &taken), None).await;
    assert_eq!(job["errors"][0]["code"], "username_taken", "{job}");

    // Audited once per import; only administrators import accounts.
    let (s, audit) = admin.get("/api/v1/audit?action=import.accounts&per_page=10").await;
    assert_eq!(s, 200, "{audit}");
    assert!(audit.to_string().contains("批量开设了账号"), "{audit}");
    let county = app.client_for("demo_county").await;
    assert_eq!(
        upload_kind(&county, "accounts", book(&ACCOUNT_HEADER, &fixed), None)
            .await
            .0,
        403
    );
}
