//! Exports of the list pages to .xlsx (issue 12, docs/IMPORTS.md "Export"): devices, alerts,
//! hazards and inspections, each with the list's filters, only inside the caller's jurisdiction
//! (a Ningbo officer's file holds nothing of Hangzhou), personal fields masked (names: the first
//! character; ID and phone numbers in free text), a Chinese header row and file name, and the
//! export itself audited. The list pages link 导出 Excel with their filters. Both backends.

use serde_json::json;

use crate::common::*;

/// An export as `c` downloads it: status, the Content-Disposition header, the header row and
/// the data rows.
async fn export(c: &Client, path: &str) -> (u16, String, Vec<String>, Vec<Vec<String>>) {
    let r = c
        .http
        .get(format!("{}{path}", c.base))
        .bearer_auth(&c.token)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let disposition = r
        .headers()
        .get("content-disposition")
        .map(|h| h.to_str().unwrap().to_string())
        .unwrap_or_default();
    let bytes = r.bytes().await.unwrap().to_vec();
    if status != 200 {
        return (status, disposition, Vec::new(), Vec::new());
    }
    let sheet = neibao_engine::imports::sheet::read(&bytes).expect("an xlsx");
    let rows = sheet.rows.into_iter().map(|(_, cells)| cells).collect();
    (status, disposition, sheet.header, rows)
}

/// Whether any cell of `rows` contains `text`.
fn holds(rows: &[Vec<String>], text: &str) -> bool {
    rows.iter().flatten().any(|c| c.contains(text))
}

/// `name` percent-encoded as in `filename*=UTF-8''…`.
fn encoded(name: &str) -> String {
    name.bytes().map(|b| format!("%{b:02X}")).collect()
}

#[tokio::test]
async fn list_exports_keep_filters_scope_and_mask_personal_fields() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let county = app.client_for("demo_county").await;
    let manager = app.client_for("demo_unit").await;
    let ningbo = app.client_for("demo_county_other").await;
    let (_, me) = manager.get("/api/v1/me").await;
    let demo_unit = me["unit_id"].as_str().unwrap().to_string();
    let (_, unit) = county.get(&format!("/api/v1/units/{demo_unit}")).await;
    let unit_name = unit["name"].as_str().unwrap().to_string();
    let division = unit["division_code"].as_str().unwrap().to_string();

    // Devices: two of a new unit, one of a Ningbo unit.
    let mine = create_unit(&county, "导出测试公司", &division, "91330106MA2100311").await;
    let (s, v) = county
        .post(
            "/api/v1/devices",
            json!({"unit_id": mine, "format": "hikvision", "name": "导出测试东门", "serial": "DS-0001"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    create_device(&county, &mine, None, "dahua").await;
    let (_, nb) = ningbo.get("/api/v1/units?per_page=1").await;
    let nb_unit = nb["items"][0]["id"].as_str().expect("a Ningbo unit").to_string();
    let nb_unit_name = nb["items"][0]["name"].as_str().unwrap().to_string();
    let (s, v) = ningbo
        .post(
            "/api/v1/devices",
            json!({"unit_id": nb_unit, "format": "hikvision", "name": "宁波导出测试设备"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");

    let (s, disposition, header, rows) = export(&county, &format!("/api/v1/exports/devices?unit_id={mine}")).await;
    assert_eq!(s, 200);
    assert!(disposition.contains(&encoded("设备列表")), "{disposition}");
    assert_eq!(header[0], "设备名称");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows.iter().all(|r| r[1] == "导出测试公司"), "{rows:?}");
    assert!(holds(&rows, "导出测试东门") && holds(&rows, "DS-0001") && holds(&rows, "离线"));
    // The filter `online`: the new devices never reported.
    let (_, _, _, online) = export(&county, &format!("/api/v1/exports/devices?unit_id={mine}&online=true")).await;
    assert!(online.is_empty(), "{online:?}");
    // The whole jurisdiction: Hangzhou's devices, none of Ningbo's.
    let (_, _, _, all) = export(&county, "/api/v1/exports/devices").await;
    assert!(holds(&all, "导出测试东门") && !holds(&all, "宁波导出测试设备"));
    let (_, _, _, theirs) = export(&ningbo, "/api/v1/exports/devices").await;
    assert!(holds(&theirs, "宁波导出测试设备") && !holds(&theirs, "导出测试东门"));
    // An unknown order is refused as the list refuses it.
    assert_eq!(export(&county, "/api/v1/exports/devices?sort=nonsense").await.0, 400);

    // Alerts: the demo alert acknowledged with a phone number in the comment.
    let (_, open) = manager.get("/api/v1/alerts?status=open").await;
    let alert = open["items"][0]["id"].as_str().expect("a demo alert").to_string();
    let (s, v) = manager
        .post(
            &format!("/api/v1/alerts/{alert}/acknowledge"),
            json!({"comment": "已到场，联系13812345678"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let handler = v["acknowledged_by"].as_str().unwrap().to_string();
    let (s, disposition, header, rows) = export(
        &county,
        &format!("/api/v1/exports/alerts?status=acknowledged&unit_id={demo_unit}"),
    )
    .await;
    assert_eq!(s, 200);
    assert!(disposition.contains(&encoded("告警列表")), "{disposition}");
    assert_eq!(header[0], "告警");
    assert!(
        !rows.is_empty() && rows.iter().all(|r| r[1] == unit_name && r[4] == "已确认"),
        "{rows:?}"
    );
    assert!(holds(&rows, "138****5678") && !holds(&rows, "13812345678"), "{rows:?}");
    let who = &rows
        .iter()
        .find(|r| r[9].contains("已到场"))
        .expect("the acknowledged alert")[8];
    assert!(who.ends_with('*') && !holds(&rows, &handler), "{who} / {handler}");
    let (_, _, _, resolved) = export(
        &county,
        &format!("/api/v1/exports/alerts?status=resolved&unit_id={demo_unit}"),
    )
    .await;
    assert!(!holds(&resolved, "已到场"), "{resolved:?}");
    let (_, _, _, theirs) = export(&ningbo, "/api/v1/exports/alerts").await;
    assert!(!holds(&theirs, &unit_name), "{theirs:?}");

    // Hazards: one with a phone number in its description.
    let (s, h) = county
        .post(
            "/api/v1/hazards",
            json!({"unit_id": demo_unit, "title": "导出测试消防通道堵塞", "class": "general", "source": "report",
                   "description": "值班人电话13912345678"}),
        )
        .await;
    assert_eq!(s, 201, "{h}");
    let (s, disposition, header, rows) = export(&county, &format!("/api/v1/exports/hazards?unit_id={demo_unit}")).await;
    assert_eq!(s, 200);
    assert!(disposition.contains(&encoded("隐患列表")), "{disposition}");
    assert_eq!(header[0], "隐患");
    let row = rows
        .iter()
        .find(|r| r[0] == "导出测试消防通道堵塞")
        .expect("the hazard");
    assert_eq!(
        (row[1].as_str(), row[2].as_str()),
        (unit_name.as_str(), "一般隐患"),
        "{row:?}"
    );
    assert!(
        row[7].contains("139****5678") && !holds(&rows, "13912345678"),
        "{row:?}"
    );
    let (_, _, _, major) = export(
        &county,
        &format!("/api/v1/exports/hazards?unit_id={demo_unit}&class=major"),
    )
    .await;
    assert!(!holds(&major, "导出测试消防通道堵塞"), "{major:?}");
    let (_, _, _, theirs) = export(&ningbo, "/api/v1/exports/hazards").await;
    assert!(!holds(&theirs, "导出测试消防通道堵塞") && !holds(&theirs, &unit_name));

    // Inspections: the unit's self-inspection, its inspector by a masked name.
    let (s, i) = manager.post("/api/v1/inspections", json!({"unit_id": demo_unit})).await;
    assert_eq!(s, 201, "{i}");
    let inspector = i["assignee_name"].as_str().unwrap().to_string();
    let (s, disposition, header, rows) =
        export(&county, &format!("/api/v1/exports/inspections?unit_id={demo_unit}")).await;
    assert_eq!(s, 200);
    assert!(disposition.contains(&encoded("检查列表")), "{disposition}");
    assert_eq!(header[0], "单位");
    let own = rows.iter().find(|r| r[1] == "单位自查").expect("the self-inspection");
    assert!(own[3].ends_with('*') && own[3] != inspector, "{own:?}");
    assert!(!holds(&rows, &inspector) || inspector.chars().count() < 2);
    assert!(rows.iter().all(|r| r[0] == unit_name), "{rows:?}");
    let (_, _, _, submitted) = export(
        &county,
        &format!("/api/v1/exports/inspections?unit_id={demo_unit}&status=submitted"),
    )
    .await;
    assert!(submitted.iter().all(|r| r[2] == "已提交"), "{submitted:?}");
    let (_, _, _, theirs) = export(&ningbo, "/api/v1/exports/inspections").await;
    assert!(!holds(&theirs, &unit_name), "{theirs:?}");
    assert!(!holds(
        &export(&county, "/api/v1/exports/inspections").await.3,
        &nb_unit_name
    ));

    // Each export is audited, as a sentence in Chinese with its row count.
    for (action, sentence) in [
        ("export.devices", "导出了设备列表（共2行）"),
        ("export.alerts", "导出了告警列表（共"),
        ("export.hazards", "导出了隐患列表（共"),
        ("export.inspections", "导出了检查列表（共"),
    ] {
        let (s, audit) = admin.get(&format!("/api/v1/audit?action={action}&per_page=50")).await;
        assert_eq!(s, 200, "{audit}");
        assert!(audit.to_string().contains(sentence), "{action}: {audit}");
    }
}

#[tokio::test]
async fn list_pages_link_their_export_with_their_filters() {
    let app = TestApp::demo().await;
    let c = app.browser("demo_county", DEMO_PASSWORD).await;
    let page = |path: &str| {
        let c = c.clone();
        let url = app.url(path);
        async move { c.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let html = page("/devices?online=false&sort=-name").await;
    assert!(
        html.contains(r#"href="/api/v1/exports/devices?online=false&#38;sort=-name" id="export-devices""#),
        "{html}"
    );
    let html = page("/alerts?status=open").await;
    assert!(html.contains(r#"href="/api/v1/exports/alerts?status=open""#), "{html}");
    let html = page("/hazards?class=major&open=1").await;
    assert!(
        html.contains(r#"href="/api/v1/exports/hazards?class=major&#38;open=true""#),
        "{html}"
    );
    let html = page("/units?q=学校").await;
    assert!(html.contains("/api/v1/exports/units?q=%E5%AD%A6%E6%A0%A1"), "{html}");
    assert!(page("/supervision").await.contains(r#"id="export-inspections""#));
}
