//! Spreadsheet import of units (issue 12, docs/IMPORTS.md): a file with bad rows is refused
//! whole with exactly those rows named; the fixed file is imported; importing it again changes
//! nothing; `good_rows_only` writes the good rows; garbage, formulas, merged cells, hidden
//! sheets, zip bombs and too many rows are refused with their codes; imported units are seen
//! only inside the jurisdiction; a job left running by a stopped server fails with a reason.
//! Runs on SQLite and, with NEIBAO_TEST_BACKEND=postgres, on PostgreSQL. The spreadsheets are
//! built here with rust_xlsxwriter.

use std::io::Write;

use rust_xlsxwriter::Workbook;
use serde_json::Value;

use crate::common::*;

/// The template's header row.
const HEADER: [&str; 16] = [
    "单位名称",
    "统一社会信用代码",
    "单位类别",
    "行政区划代码",
    "地址",
    "所属派出所",
    "行业主管部门",
    "是否重点单位",
    "重点单位类别",
    "是否反恐重点目标",
    "是否高校",
    "是否民营企业",
    "主要负责人姓名",
    "主要负责人电话",
    "保卫负责人姓名",
    "保卫负责人电话",
];

/// A workbook with the template's header and `rows` (cells in header order).
pub(crate) fn xlsx(rows: &[Vec<String>]) -> Vec<u8> {
    book(&HEADER, rows)
}

/// A workbook with `header` and `rows` (cells in header order).
pub(crate) fn book(header: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
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

/// The header row of `GET /api/v1/imports/{kind}/template` as `c` downloads it.
pub(crate) async fn template_header(c: &Client, kind: &str) -> Vec<String> {
    let r = c
        .http
        .get(format!("{}/api/v1/imports/{kind}/template", c.base))
        .bearer_auth(&c.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    neibao_engine::imports::sheet::read(&r.bytes().await.unwrap())
        .unwrap()
        .header
}

/// A row: name, USCC, division, police station (name), principal's phone.
pub(crate) fn row(name: &str, uscc: &str, division: &str, station: &str, phone: &str) -> Vec<String> {
    let mut r = vec![String::new(); 16];
    r[0] = name.into();
    r[1] = uscc.into();
    r[2] = "企业".into();
    r[3] = division.into();
    r[4] = "测试路8号".into();
    r[5] = station.into();
    r[7] = "否".into();
    r[12] = "张三".into();
    r[13] = phone.into();
    r
}

/// Uploads `file` to `POST /api/v1/imports/units`: (status, answer).
pub(crate) async fn upload(c: &Client, file: Vec<u8>, mode: Option<&str>) -> (u16, Value) {
    upload_kind(c, "units", file, mode).await
}

/// Uploads `file` to `POST /api/v1/imports/{kind}`: (status, answer).
pub(crate) async fn upload_kind(c: &Client, kind: &str, file: Vec<u8>, mode: Option<&str>) -> (u16, Value) {
    let mut form = reqwest::multipart::Form::new();
    if let Some(m) = mode {
        form = form.text("mode", m.to_string());
    }
    form = form.part(
        "file",
        reqwest::multipart::Part::bytes(file)
            .file_name("单位.xlsx")
            .mime_str("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            .unwrap(),
    );
    let r = c
        .http
        .post(format!("{}/api/v1/imports/{kind}", c.base))
        .bearer_auth(&c.token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

/// Uploads and waits for the job to end: the finished job.
pub(crate) async fn import(c: &Client, file: Vec<u8>, mode: Option<&str>) -> Value {
    import_kind(c, "units", file, mode).await
}

/// Uploads a file of `kind` and waits for the job to end: the finished job.
pub(crate) async fn import_kind(c: &Client, kind: &str, file: Vec<u8>, mode: Option<&str>) -> Value {
    let (s, v) = upload_kind(c, kind, file, mode).await;
    assert_eq!(s, 202, "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    let mut job = v;
    for _ in 0..600 {
        if job["status"] != "running" {
            return job;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let (s, j) = c.get(&format!("/api/v1/imports/{id}")).await;
        assert_eq!(s, 200, "{j}");
        job = j;
    }
    panic!("import still running: {job}");
}

/// An import job of `c`'s (a file with one bad row, nothing written): its id.
pub(crate) async fn job_of(c: &Client) -> String {
    let (s, v) = upload(c, xlsx(&[row("矩阵导入单位", "不是代码", "330106", "", "")]), None).await;
    assert_eq!(s, 202, "{v}");
    v["id"].as_str().unwrap().to_string()
}

pub(crate) fn rows_of(job: &Value) -> Vec<u64> {
    let mut rows: Vec<u64> = job["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["row"].as_u64().unwrap())
        .collect();
    rows.dedup();
    rows
}

/// How many units with this USCC `c` sees.
async fn seen(c: &Client, uscc: &str) -> i64 {
    let (s, v) = c.get(&format!("/api/v1/units?q={uscc}")).await;
    assert_eq!(s, 200, "{v}");
    v["total"].as_i64().unwrap()
}

#[tokio::test]
async fn bad_rows_refuse_the_file_then_the_fixed_file_imports_once() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let county = app.client_for("demo_county").await;
    let (_, me) = county.get("/api/v1/me").await;
    let division = me["division_code"].as_str().unwrap()[..6].to_string();
    let (_, stations) = admin
        .get(&format!(
            "/api/v1/organisations?kind=police_station&division={division}"
        ))
        .await;
    let station = stations[0]["name"].as_str().unwrap().to_string();
    let codes: Vec<String> = (0..6).map(|i| uscc(&format!("91330106MA2KMP{i:03}"))).collect();
    let good = |i: usize| {
        row(
            &format!("导入测试单位{i}"),
            &codes[i],
            &division,
            &station,
            "13800138000",
        )
    };
    // Row 3: a wrong check character; row 5: outside the jurisdiction (Ningbo); row 7: the
    // USCC of row 2 again.
    let mut bad_uscc = codes[1].clone();
    bad_uscc.pop();
    bad_uscc.push(if codes[1].ends_with('0') { '1' } else { '0' });
    let bad = vec![
        good(0),
        row("导入测试单位1", &bad_uscc, &division, &station, "13800138000"),
        good(2),
        row("导入测试单位3", &codes[3], "330203", "", "13800138000"),
        good(4),
        row("导入测试单位5", &codes[0], &division, &station, "13800138000"),
    ];
    let job = import(&county, xlsx(&bad), None).await;
    assert_eq!(job["status"], "refused", "{job}");
    assert_eq!(rows_of(&job), vec![3, 5, 7], "{job}");
    assert_eq!(job["created"], 0);
    assert_eq!(job["refused"], 3);
    assert_eq!(job["rows_total"], 6);
    let e3 = &job["errors"][0];
    assert_eq!(e3["column"], "统一社会信用代码");
    assert_eq!(e3["code"], "invalid_uscc");
    assert_eq!(job["errors"][2]["code"], "duplicate_in_file");
    assert!(job["errors"][2]["message"].as_str().unwrap().contains("第2行"));
    for c in &codes {
        assert_eq!(seen(&admin, c).await, 0, "nothing written");
    }

    // Fixed: all six written, through the registry (audited one by one).
    let fixed: Vec<Vec<String>> = (0..6).map(good).collect();
    let job = import(&county, xlsx(&fixed), None).await;
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!((job["created"].as_u64(), job["unchanged"].as_u64()), (Some(6), Some(0)));
    assert_eq!(job["rows_written"], 6);
    for c in &codes {
        assert_eq!(seen(&county, c).await, 1);
    }
    let (_, unit) = county.get(&format!("/api/v1/units?q={}", codes[0])).await;
    assert_eq!(unit["items"][0]["police_station_name"], station.as_str());

    // Again: nothing changes.
    let again = import(&county, xlsx(&fixed), None).await;
    assert_eq!(again["status"], "done", "{again}");
    assert_eq!(
        (again["created"].as_u64(), again["unchanged"].as_u64()),
        (Some(0), Some(6))
    );
    let (_, all) = admin.get("/api/v1/units?q=导入测试单位&per_page=100").await;
    assert_eq!(all["total"], 6);

    // The export of the jurisdiction's units imports again without a change.
    let r = county
        .http
        .get(format!("{}/api/v1/exports/units?q=导入测试单位", county.base))
        .bearer_auth(&county.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let exported = r.bytes().await.unwrap().to_vec();
    let sheet = neibao_engine::imports::sheet::read(&exported).unwrap();
    assert_eq!(sheet.rows.len(), 6);
    let round = import(&county, exported, None).await;
    assert_eq!(
        (round["status"].as_str(), round["unchanged"].as_u64()),
        (Some("done"), Some(6)),
        "{round}"
    );
    assert_eq!(
        app.client_for("demo_unit").await.get("/api/v1/exports/units").await.0,
        403
    );

    // A changed row of a registered USCC is refused, not applied.
    let mut changed = fixed.clone();
    changed[0][4] = "另一个地址".into();
    let job = import(&county, xlsx(&changed), Some("good_rows_only")).await;
    assert_eq!(job["errors"][0]["code"], "uscc_registered_differently", "{job}");
    assert_eq!(job["unchanged"], 5);

    // The import itself is audited, and each unit.
    let (s, audit) = admin.get("/api/v1/audit?action=import.units&per_page=10").await;
    assert_eq!(s, 200, "{audit}");
    let text = audit.to_string();
    assert!(text.contains("import.units") && text.contains("新增6个"), "{text}");

    // Someone else's job is not found; outside the jurisdiction the units are not seen.
    let id = again["id"].as_str().unwrap();
    let other = app.client_for("demo_city").await;
    assert_eq!(other.get(&format!("/api/v1/imports/{id}")).await.0, 404);
    let ningbo = app.client_for("demo_county_other").await;
    for c in &codes {
        assert_eq!(seen(&ningbo, c).await, 0);
    }
    // Not allowed to import: 403.
    let unit_manager = app.client_for("demo_unit").await;
    assert_eq!(upload(&unit_manager, xlsx(&fixed), None).await.0, 403);
    assert_eq!(unit_manager.get("/api/v1/imports/units/template").await.0, 403);
}

#[tokio::test]
async fn good_rows_only_writes_the_good_rows() {
    let app = TestApp::demo().await;
    let county = app.client_for("demo_county").await;
    let (_, me) = county.get("/api/v1/me").await;
    let division = me["division_code"].as_str().unwrap()[..6].to_string();
    let a = uscc("91330106MA2GHHD01");
    let b = uscc("91330106MA2GHHD02");
    let rows = vec![
        row("良好行一", &a, &division, "", ""),
        row("电话错误行", &uscc("91330106MA2GHHD03"), &division, "", "12345"),
        row("良好行二", &b, &division, "", ""),
        row("", &uscc("91330106MA2GHHD04"), &division, "", ""),
    ];
    let job = import(&county, xlsx(&rows), Some("good_rows_only")).await;
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(job["created"], 2);
    assert_eq!(job["refused"], 2);
    assert_eq!(rows_of(&job), vec![3, 5]);
    assert_eq!(job["errors"][0]["column"], "主要负责人电话");
    assert_eq!(job["errors"][0]["code"], "invalid_phone");
    assert_eq!(job["errors"][1]["column"], "单位名称");
    assert_eq!(job["errors"][1]["code"], "required");
    assert_eq!(seen(&county, &a).await, 1);
    assert_eq!(seen(&county, &b).await, 1);
    assert_eq!(seen(&county, &uscc("91330106MA2GHHD03")).await, 0);
    let (s, v) = upload(&county, xlsx(&rows), Some("everything")).await;
    assert_eq!((s, v["error"]["code"].as_str()), (400, Some("validation_failed")));
}

/// A zip whose one big entry inflates past the import's limit.
fn zip_bomb() -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    w.start_file("xl/workbook.xml", opts).unwrap();
    w.write_all(b"<workbook/>").unwrap();
    w.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
    let zeros = vec![b' '; 1024 * 1024];
    for _ in 0..120 {
        w.write_all(&zeros).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[tokio::test]
async fn files_that_are_not_plain_value_sheets_are_refused_with_their_codes() {
    let app = TestApp::demo().await;
    let county = app.client_for("demo_county").await;
    let one = [row("公式单位", &uscc("91330106MA2FXRM01"), "330106", "", "")];
    let code = |v: &Value| v["error"]["code"].as_str().unwrap_or("").to_string();

    let (s, v) = upload(&county, b"this is not a spreadsheet".to_vec(), None).await;
    assert_eq!((s, code(&v).as_str()), (422, "not_xlsx"), "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("工作簿"));

    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    for (i, h) in HEADER.iter().enumerate() {
        ws.write_string(0, i as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "公式单位").unwrap();
    ws.write_formula(1, 1, "=\"9133\"&\"0106\"").unwrap();
    let (s, v) = upload(&county, book.save_to_buffer().unwrap(), None).await;
    assert_eq!((s, code(&v).as_str()), (422, "xlsx_formula"), "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("B2"), "{v}");

    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    for (i, h) in HEADER.iter().enumerate() {
        ws.write_string(0, i as u16, *h).unwrap();
    }
    ws.merge_range(1, 0, 2, 0, "合并单位", &rust_xlsxwriter::Format::new())
        .unwrap();
    let (s, v) = upload(&county, book.save_to_buffer().unwrap(), None).await;
    assert_eq!((s, code(&v).as_str()), (422, "xlsx_merged_cells"), "{v}");

    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    for (i, h) in HEADER.iter().enumerate() {
        ws.write_string(0, i as u16, *h).unwrap();
    }
    book.add_worksheet().set_hidden(true);
    let (s, v) = upload(&county, book.save_to_buffer().unwrap(), None).await;
    assert_eq!((s, code(&v).as_str()), (422, "xlsx_hidden_sheet"), "{v}");

    // A value in the last row Excel has (1 048 576): refused without reading a million rows.
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    for (i, h) in HEADER.iter().enumerate() {
        ws.write_string(0, i as u16, *h).unwrap();
    }
    ws.write_string(1_048_575, 0, "最后一行").unwrap();
    let (s, v) = upload(&county, book.save_to_buffer().unwrap(), None).await;
    assert_eq!((s, code(&v).as_str()), (422, "xlsx_too_many_rows"), "{v}");

    let (s, v) = upload(&county, zip_bomb(), None).await;
    assert_eq!((s, code(&v).as_str()), (422, "xlsx_too_large_uncompressed"), "{v}");

    let mut book = Workbook::new();
    book.add_worksheet().write_string(0, 0, "名称").unwrap();
    let (s, v) = upload(&county, book.save_to_buffer().unwrap(), None).await;
    assert_eq!((s, code(&v).as_str()), (422, "xlsx_bad_header"), "{v}");

    let (s, v) = upload(&county, vec![b'P'; 11 * 1024 * 1024], None).await;
    assert_eq!(s, 413, "{v}");

    // Nothing of these was written.
    assert_eq!(seen(&county, &one[0][1]).await, 0);
}

#[tokio::test]
async fn the_template_is_a_chinese_xlsx_and_pages_drive_an_import() {
    let app = TestApp::demo().await;
    let county = app.client_for("demo_county").await;
    let r = county
        .http
        .get(format!("{}/api/v1/imports/units/template", county.base))
        .bearer_auth(&county.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let disposition = r.headers()["content-disposition"].to_str().unwrap().to_string();
    assert!(
        disposition.contains("filename*=UTF-8''%E5%8D%95%E4%BD%8D%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"),
        "{disposition}"
    );
    let bytes = r.bytes().await.unwrap().to_vec();
    let sheet = neibao_engine::imports::sheet::read(&bytes).unwrap();
    assert_eq!(sheet.header, HEADER.to_vec());

    // The pages: the units list links to the upload page; the upload goes to the job's page.
    let browser = app.browser("demo_county", DEMO_PASSWORD).await;
    let units = browser
        .get(app.url("/units"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(units.contains("href=\"/imports/units\""), "link from the units list");
    let page = browser
        .get(app.url("/imports/units"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("下载导入模板") && page.contains("name=\"_once\""));
    let csrf = csrf_of(&page);
    let (_, me) = county.get("/api/v1/me").await;
    let division = me["division_code"].as_str().unwrap()[..6].to_string();
    let file = xlsx(&[
        row("页面导入单位", &uscc("91330106MA2PAGE01"), &division, "", ""),
        row("页面错误行", "123", &division, "", ""),
    ]);
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf)
        .text("_once", "page-once-1")
        .text("mode", "all_or_nothing")
        .part("file", reqwest::multipart::Part::bytes(file).file_name("单位.xlsx"));
    let r = browser
        .post(app.url("/imports/units"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200, "redirected to the job page");
    let url = r.url().clone();
    assert!(url.path().starts_with("/imports/"), "{url}");
    let mut html = r.text().await.unwrap();
    for _ in 0..100 {
        if !html.contains("每2秒自动刷新") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        html = browser.get(url.clone()).send().await.unwrap().text().await.unwrap();
    }
    assert!(html.contains("bad-rows") && html.contains("<td>3</td>"), "{html}");
    assert!(html.contains("统一社会信用代码"));
    assert_eq!(seen(&county, &uscc("91330106MA2PAGE01")).await, 0);
}

#[tokio::test]
async fn a_job_left_running_by_a_stopped_server_fails_with_a_reason() {
    let app = TestApp::demo().await;
    let county = app.client_for("demo_county").await;
    let id = job_of(&county).await;
    // As if the server had stopped in the middle: running, its last beat long ago.
    app.exec_sql(&format!(
        "UPDATE import_jobs SET status = 'running', finished_at = NULL, beat_at = 0 WHERE id = '{id}'"
    ))
    .await;
    let restarted = app.rebuilt().await;
    assert_eq!(restarted.services.imports.fail_stale().await.unwrap(), 1);
    let (s, job) = county.get(&format!("/api/v1/imports/{id}")).await;
    assert_eq!(s, 200);
    assert_eq!(job["status"], "failed");
    assert!(job["reason"].as_str().unwrap().contains("服务重启"), "{job}");
}
