//! Spreadsheet imports of the other kinds (issue 12, docs/IMPORTS.md): key areas of registered
//! units. A file with three bad rows is refused whole with exactly those row numbers; the fixed
//! file is imported; importing it again changes nothing; a unit outside the jurisdiction is
//! refused; the import is audited. Both backends.

use rust_xlsxwriter::Workbook;

use crate::common::*;
use crate::imports::{import_kind, rows_of, upload_kind};

/// A workbook with `header` and `rows`.
fn book(header: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    for (i, h) in header.iter().enumerate() {
        ws.write_string(0, i as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (i, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                ws.write_string(r as u32 + 1, i as u16, cell).unwrap();
            }
        }
    }
    book.save_to_buffer().unwrap()
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
    let r = county
        .http
        .get(format!("{}/api/v1/imports/key_areas/template", county.base))
        .bearer_auth(&county.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let sheet = neibao_engine::imports::sheet::read(&r.bytes().await.unwrap()).unwrap();
    assert_eq!(sheet.header, KEY_AREA_HEADER);

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
    let codes: Vec<&str> = job["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
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
    assert_eq!(
        (
            again["status"].as_str(),
            again["created"].as_u64(),
            again["unchanged"].as_u64()
        ),
        (Some("done"), Some(0), Some(3)),
        "{again}"
    );
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
