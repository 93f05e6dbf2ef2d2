//! Devices in bulk (issue 12, docs/IMPORTS.md "Devices", docs/DEVICES.md): reissuing a device's
//! ingest token (重新生成接入令牌) — the new token ingests, the old one is refused as an unknown
//! token at once, a repeat with the same `Idempotency-Key` does not rotate again, an officer
//! whose jurisdiction does not hold the device is refused, the UI shows the new URL once with
//! the public address — and the device import: a file with bad rows refused whole with their
//! row numbers, the fixed file imported, imported again unchanged, an imported device brought
//! to life by a reissued token. Runs on SQLite and, with NEIBAO_TEST_BACKEND=postgres, on
//! PostgreSQL.

use serde_json::{json, Value};

use crate::common::*;
use crate::imports::{book, import_kind, rows_of, template_header, upload_kind};

/// A Hikvision line-crossing push to `path`: (status, body).
async fn push(app: &TestApp, path: &str) -> (u16, Value) {
    app.ingest(
        path,
        "multipart/form-data; boundary=boundary",
        fixture("hikvision-isapi-alert/httphost_push_linedetection_multipart.bin"),
    )
    .await
}

/// `POST /api/v1/devices/{id}/token` as `c`, with an `Idempotency-Key` when given.
async fn reissue(c: &Client, device: &str, key: Option<&str>) -> (u16, Value) {
    let mut req = c
        .http
        .post(format!("{}/api/v1/devices/{device}/token", c.base))
        .bearer_auth(&c.token);
    if let Some(k) = key {
        req = req.header("idempotency-key", k);
    }
    let r = req.send().await.unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

/// The demo unit's id and division code.
async fn demo_unit(app: &TestApp, county: &Client) -> (String, String) {
    let (_, me) = app.client_for("demo_unit").await.get("/api/v1/me").await;
    let id = me["unit_id"].as_str().unwrap().to_string();
    let (_, u) = county.get(&format!("/api/v1/units/{id}")).await;
    (id, u["division_code"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn a_reissued_token_replaces_the_old_one_once_within_the_jurisdiction() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let county = app.client_for("demo_county").await;
    let station = app.client_for("demo_station").await;
    let (demo, division) = demo_unit(&app, &county).await;
    // A unit of the county that the demo police station does not hold.
    let unit = create_unit(&county, "令牌重发测试公司", &division, "91330106MA2100601").await;
    let (device, old_path) = create_device(&county, &unit, None, "hikvision").await;
    assert_eq!(push(&app, &old_path).await.0, 200);

    // Reissued: a new token and path, answered once.
    let (s, v) = reissue(&county, &device, Some("reissue-once-1")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["device_id"], device.as_str());
    let new_path = v["ingest_path"].as_str().unwrap().to_string();
    let token = v["ingest_token"].as_str().unwrap().to_string();
    assert!(new_path.starts_with("/ingest/hikvision/"), "{new_path}");
    assert!(new_path.ends_with(&token) && token.len() >= 40, "{v}");
    assert_ne!(new_path, old_path);
    // The old token is refused at once, as an unknown one; the new one ingests.
    let (s, body) = push(&app, &old_path).await;
    assert_eq!((s, error_code(&body)), (401, "unknown_ingest_token"), "{body}");
    let (s, body) = push(&app, &new_path).await;
    assert_eq!(s, 200, "{body}");

    // A repeat with the same key makes no second token: refused, and the new one still works.
    let (s, v) = reissue(&county, &device, Some("reissue-once-1")).await;
    assert_eq!((s, error_code(&v)), (409, "idempotency_secret_shown"), "{v}");
    assert!(!v.to_string().contains(&token), "{v}");
    assert_eq!(push(&app, &new_path).await.0, 200);

    // Who may edit the device: not an officer whose station does not hold the unit, not another
    // county's, not a guard; nothing rotated by their attempts.
    assert_eq!(reissue(&station, &device, None).await.0, 404);
    let ningbo = app.client_for("demo_county_other").await;
    assert_eq!(reissue(&ningbo, &device, None).await.0, 404);
    assert_eq!(push(&app, &new_path).await.0, 200);
    let (demo_device, _) = create_device(&county, &demo, None, "hikvision").await;
    let guard = app.client_for("demo_guard").await;
    assert_eq!(reissue(&guard, &demo_device, None).await.0, 403);
    // The station officer holding the demo unit may.
    let (s, v) = reissue(&station, &demo_device, None).await;
    assert_eq!(s, 200, "{v}");

    // A closed device gets no new token.
    let (_, d) = county.get(&format!("/api/v1/devices/{device}")).await;
    let (s, v) = county
        .post(
            &format!("/api/v1/devices/{device}/close"),
            json!({"version": d["version"]}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = reissue(&county, &device, None).await;
    assert_eq!((s, error_code(&v)), (409, "invalid_transition"), "{v}");

    // Audited as a sentence, the token never; written in the unit's change history.
    let (s, audit) = admin.get("/api/v1/audit?action=device.token_reissue&per_page=10").await;
    assert_eq!(s, 200, "{audit}");
    let text = audit.to_string();
    assert!(text.contains("重新生成了设备"), "{text}");
    assert!(!text.contains(&token), "the token is never audited");
    let (_, history) = county.get(&format!("/api/v1/units/{unit}/history")).await;
    assert!(
        history.to_string().contains("重新生成了设备「测试摄像机」的接入令牌"),
        "{history}"
    );
}

#[tokio::test]
async fn the_unit_page_reissues_with_a_confirmation_and_shows_the_public_url_once() {
    let app = TestApp::spawn_configured(
        |c| c.engine.public_url = Some("https://neibao.example.gov.cn/".into()),
        false,
    )
    .await;
    let admin = app.admin().await;
    let unit = create_unit(&admin, "令牌重发页面公司", "330106", "91330106MA2100602").await;
    let (device, old_path) = create_device(&admin, &unit, None, "hikvision").await;
    let b = app.browser("admin", ADMIN_PASSWORD).await;
    let page = |b: reqwest::Client| {
        let url = app.url(&format!("/units/{unit}"));
        async move { b.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let html = page(b.clone()).await;
    assert!(
        html.contains(&format!("action=\"/devices/{device}/token\"")),
        "the button"
    );
    assert!(html.contains("重新生成接入令牌"));
    let csrf = csrf_of(&html);

    // Without the confirmation: refused, nothing rotated.
    let r = b
        .post(app.url(&format!("/devices/{device}/token")))
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert!(r.text().await.unwrap().contains("勾选确认框"));
    assert_eq!(push(&app, &old_path).await.0, 200);

    // Confirmed: the unit page with the new full URL in its body, once, not kept by caches.
    let r = b
        .post(app.url(&format!("/devices/{device}/token")))
        .form(&[("csrf_token", csrf.as_str()), ("confirm", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.headers().get("location").is_none());
    assert_eq!(r.headers()["cache-control"], "no-store");
    let html = r.text().await.unwrap();
    assert!(html.contains("重新生成接入令牌，原接入地址已立即失效"), "the notice");
    let i = html.find("<code id=\"ingest-url\">").expect("the new URL") + "<code id=\"ingest-url\">".len();
    let url = html[i..].split('<').next().unwrap().to_string();
    assert!(
        url.starts_with("https://neibao.example.gov.cn/ingest/hikvision/"),
        "{url}"
    );
    let token = url.rsplit('/').next().unwrap();
    assert_eq!(html.matches(token).count(), 1, "shown once");
    assert_eq!(push(&app, &format!("/ingest/hikvision/{token}")).await.0, 200);
    let (s, v) = push(&app, &old_path).await;
    assert_eq!((s, error_code(&v)), (401, "unknown_ingest_token"), "{v}");
    // Shown this once: the page read again does not show it.
    assert!(!page(b).await.contains(token));
}

const DEVICE_HEADER: [&str; 7] = [
    "单位统一社会信用代码",
    "重要部位名称",
    "设备名称",
    "设备类型",
    "接入格式",
    "序列号",
    "时区偏移",
];

fn device(uscc: &str, area: &str, name: &str, kind: &str, format: &str, serial: &str, offset: &str) -> Vec<String> {
    [uscc, area, name, kind, format, serial, offset]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

/// The codes of a job's bad rows, in row order.
fn codes(job: &Value) -> Vec<&str> {
    job["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect()
}

/// A unit's devices by name: (name, kind, format, key area name, serial, offset).
async fn devices_of(c: &Client, unit: &str) -> Vec<(String, String, String, String, String, Value)> {
    let (s, v) = c.get(&format!("/api/v1/devices?unit_id={unit}&per_page=200")).await;
    assert_eq!(s, 200, "{v}");
    let mut out: Vec<_> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["name"].as_str().unwrap().to_string(),
                d["kind"].as_str().unwrap().to_string(),
                d["format"].as_str().unwrap().to_string(),
                d["key_area_name"].as_str().unwrap_or("").to_string(),
                d["serial"].as_str().unwrap().to_string(),
                d["time_zone"].clone(),
            )
        })
        .collect();
    out.sort_by(|x, y| x.0.cmp(&y.0));
    out
}

#[tokio::test]
async fn devices_import_refuses_bad_rows_then_imports_once() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let county = app.client_for("demo_county").await;
    let ningbo = app.client_for("demo_county_other").await;
    let (_, division) = demo_unit(&app, &county).await;
    let a = uscc("91330106MA2100611");
    let b = uscc("91330106MA2100612");
    let unit_a = create_unit(&county, "设备导入甲公司", &division, "91330106MA2100611").await;
    let unit_b = create_unit(&county, "设备导入乙公司", &division, "91330106MA2100612").await;
    let (s, v) = county
        .post(&format!("/api/v1/units/{unit_a}/key_areas"), json!({"name": "机房"}))
        .await;
    assert_eq!(s, 201, "{v}");
    let (_, nb) = ningbo.get("/api/v1/units?per_page=1").await;
    let nb_uscc = nb["items"][0]["uscc"].as_str().expect("a Ningbo unit").to_string();

    // The template: the header row of the kind (安装位置类型 is optional: the uploads below leave
    // it out, docs/VIDEO.md).
    let mut header = DEVICE_HEADER.to_vec();
    header.push("安装位置类型");
    assert_eq!(template_header(&county, "devices").await, header);

    // Bad rows: a unit outside the jurisdiction, a key area the unit does not have, an unknown
    // format, a serial number twice for one unit, an offset that is not one.
    let bad = vec![
        device(&a, "机房", "机房摄像机", "摄像机", "海康威视 ISAPI", "SN-001", ""),
        device(&nb_uscc, "", "外地摄像机", "摄像机", "大华", "SN-900", ""),
        device(&a, "金库", "金库摄像机", "摄像机", "海康威视 ISAPI", "SN-002", ""),
        device(&b, "", "前台门禁", "门禁终端", "宇视", "SN-003", ""),
        device(&a, "", "重复摄像机", "摄像机", "海康威视 ISAPI", "SN-001", ""),
        device(&b, "", "仓库报警主机", "报警主机", "通用 JSON", "", "东八区"),
    ];
    let job = import_kind(&county, "devices", book(&DEVICE_HEADER, &bad), None).await;
    assert_eq!(job["status"], "refused", "{job}");
    assert_eq!(job["kind"], "devices", "{job}");
    assert_eq!(rows_of(&job), vec![3, 4, 5, 6, 7], "{job}");
    assert_eq!(
        codes(&job),
        [
            "outside_jurisdiction",
            "key_area_not_found",
            "invalid_device_format",
            "duplicate_in_file",
            "invalid_utc_offset"
        ],
        "{job}"
    );
    let columns: Vec<&str> = job["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["column"].as_str().unwrap())
        .collect();
    assert_eq!(
        columns,
        ["单位统一社会信用代码", "重要部位名称", "接入格式", "序列号", "时区偏移"],
        "{job}"
    );
    assert!(job["errors"][3]["message"].as_str().unwrap().contains("第2行"), "{job}");
    assert!(devices_of(&county, &unit_a).await.is_empty(), "nothing written");

    // Fixed: written through device registration, each with a token nobody sees.
    let fixed = vec![
        device(&a, "机房", "机房摄像机", "摄像机", "海康威视 ISAPI", "SN-001", ""),
        device(&a, "", "大门门禁", "门禁终端", "中控 ZKTeco", "SN-002", "UTC+8"),
        device(&b, "", "仓库报警主机", "报警主机", "通用 JSON", "", "Europe/Berlin"),
        device(&b, "", "监控主机", "硬盘录像机", "大华", "SN-003", "UTC+6"),
    ];
    let job = import_kind(&county, "devices", book(&DEVICE_HEADER, &fixed), None).await;
    assert_eq!(
        (job["status"].as_str(), job["created"].as_u64()),
        (Some("done"), Some(4)),
        "{job}"
    );
    assert!(job["notice"].as_str().unwrap().contains("重新生成接入令牌"), "{job}");
    assert!(!job.to_string().contains("/ingest/"), "no token in the result: {job}");
    let a_devices = devices_of(&county, &unit_a).await;
    assert_eq!(
        a_devices,
        vec![
            (
                "大门门禁".into(),
                "access_terminal".into(),
                "zkteco".into(),
                String::new(),
                "SN-002".into(),
                // UTC+8 is the installation's zone, Asia/Shanghai: stored as the default.
                Value::Null
            ),
            (
                "机房摄像机".into(),
                "camera".into(),
                "hikvision".into(),
                "机房".into(),
                "SN-001".into(),
                Value::Null
            ),
        ]
    );
    let b_devices = devices_of(&county, &unit_b).await;
    assert_eq!(b_devices.len(), 2, "{b_devices:?}");
    // An IANA name is taken as it is.
    assert!(b_devices
        .iter()
        .any(|d| d.0 == "仓库报警主机" && d.5 == json!("Europe/Berlin")));
    assert!(b_devices
        .iter()
        .any(|d| d.0 == "监控主机" && d.5 == json!("Asia/Urumqi")));

    // Again: nothing changes (by serial number; the row without one by its name).
    let again = import_kind(&county, "devices", book(&DEVICE_HEADER, &fixed), None).await;
    assert_eq!(
        (
            again["status"].as_str(),
            again["created"].as_u64(),
            again["unchanged"].as_u64()
        ),
        (Some("done"), Some(0), Some(4)),
        "{again}"
    );
    assert_eq!(devices_of(&county, &unit_a).await, a_devices);
    assert_eq!(devices_of(&county, &unit_b).await, b_devices);
    // The same serial number with another name is refused, not applied.
    let changed = vec![device(&a, "机房", "机房球机", "摄像机", "海康威视 ISAPI", "SN-001", "")];
    let job = import_kind(
        &county,
        "devices",
        book(&DEVICE_HEADER, &changed),
        Some("good_rows_only"),
    )
    .await;
    assert_eq!(codes(&job), ["device_registered_differently"], "{job}");
    assert_eq!(devices_of(&county, &unit_a).await, a_devices);

    // An imported device takes events once its token is reissued.
    let (_, list) = county.get(&format!("/api/v1/devices?unit_id={unit_a}")).await;
    let camera = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["serial"] == "SN-001")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (s, v) = reissue(&county, &camera, None).await;
    assert_eq!(s, 200, "{v}");
    let (s, body) = push(&app, v["ingest_path"].as_str().unwrap()).await;
    assert_eq!(s, 200, "{body}");

    // Audited once per import, as a sentence.
    let (s, audit) = admin.get("/api/v1/audit?action=import.devices&per_page=10").await;
    assert_eq!(s, 200, "{audit}");
    let text = audit.to_string();
    assert!(text.contains("批量导入了设备") && text.contains("新增4个"), "{text}");
    // The optional 安装位置类型 column (docs/VIDEO.md, R49): a prohibited place and an unknown
    // type are refused with the column named; a permitted one is stored on the camera.
    let mut with_location = DEVICE_HEADER.to_vec();
    with_location.push("安装位置类型");
    let placed = |name: &str, serial: &str, location: &str| {
        let mut row = device(&b, "", name, "摄像机", "海康威视 ISAPI", serial, "");
        row.push(location.to_string());
        row
    };
    let bad = vec![
        placed("宿舍摄像机", "SN-LOC-1", "学生宿舍房间内部"),
        placed("走廊摄像机", "SN-LOC-2", "天花板"),
    ];
    let job = import_kind(&county, "devices", book(&with_location, &bad), None).await;
    assert_eq!(
        codes(&job),
        ["prohibited_camera_location", "invalid_location_type"],
        "{job}"
    );
    assert!(job.to_string().contains("安装位置类型"), "{job}");
    let good = vec![placed("东门摄像机", "SN-LOC-3", "出入口")];
    let job = import_kind(&county, "devices", book(&with_location, &good), None).await;
    assert_eq!(job["created"].as_u64(), Some(1), "{job}");
    let (_, list) = county
        .get(&format!("/api/v1/devices?unit_id={unit_b}&per_page=200"))
        .await;
    let cam = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["serial"] == "SN-LOC-3")
        .cloned()
        .unwrap_or_else(|| panic!("{list}"));
    assert_eq!(cam["location_type"], "entrance", "{cam}");

    // Not allowed to import: 403.
    let manager = app.client_for("demo_unit").await;
    assert_eq!(
        upload_kind(&manager, "devices", book(&DEVICE_HEADER, &fixed), None)
            .await
            .0,
        403
    );
}
