//! Liaison points (警企联系点, docs/LIAISON.md; R33) over HTTP: the station names its officer as
//! the liaison of the demo unit and of a park's units; the unit sees its officer (phone masked)
//! and the officer sees their units; a reassignment keeps the history with who and when; police
//! of another county and another unit's manager do not find the point or the unit's liaison; bad
//! input is refused in Chinese.

use serde_json::json;

use crate::common::*;

async fn me(c: &Client) -> serde_json::Value {
    c.get("/api/v1/me").await.1
}

#[tokio::test]
async fn a_unit_sees_its_liaison_officer_and_the_officer_sees_their_units_with_history() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let station = app.client_for("demo_station").await;
    let manager = app.client_for("demo_unit").await;
    let officer = me(&station).await;
    let officer_id = officer["id"].as_str().unwrap().to_string();
    let unit = me(&manager).await["unit_id"].as_str().unwrap().to_string();
    // A second unit of the station (a park's other enterprise).
    let (_, u) = admin.get(&format!("/api/v1/units/{unit}")).await;
    let station_org = u["police_station_id"].as_str().unwrap().to_string();
    let second = create_unit(&admin, "联系点测试园区企业", "330106", "91330106MA2LA0001").await;
    app.exec_sql(&format!(
        "UPDATE units SET police_station_id = '{station_org}' WHERE id = '{second}'"
    ))
    .await;

    // Bad input, refused in Chinese.
    let (s, v) = station
        .post(
            "/api/v1/liaison/points",
            json!({"officer_id": officer_id, "contact_hours": "工作日 9:00-17:00", "phone": "12345", "unit_ids": [unit]}),
        )
        .await;
    assert_eq!(s, 400, "{v}");
    assert!(error_message(&v).contains("联系电话"), "{v}");
    let (s, v) = station
        .post(
            "/api/v1/liaison/points",
            json!({"contact_hours": "工作日", "phone": "13812345678", "unit_ids": [unit]}),
        )
        .await;
    assert_eq!(s, 400, "{v}");
    assert!(error_message(&v).contains("联系民警或填写联络组"), "{v}");
    let (s, v) = station
        .post(
            "/api/v1/liaison/points",
            json!({"officer_id": officer_id, "contact_hours": "工作日", "phone": "13812345678", "unit_ids": []}),
        )
        .await;
    assert_eq!(s, 400, "{v}");
    assert!(error_message(&v).contains("至少选择一个联系单位"), "{v}");
    // A unit's manager may not set one up.
    let (s, _) = manager
        .post(
            "/api/v1/liaison/points",
            json!({"team_name": "某组", "contact_hours": "工作日", "phone": "13812345678", "unit_ids": [unit]}),
        )
        .await;
    assert_eq!(s, 403);

    let (s, p) = station
        .post(
            "/api/v1/liaison/points",
            json!({"officer_id": officer_id, "park_name": "西溪科技园", "contact_hours": "工作日 9:00-17:00",
                   "phone": "13812345678", "unit_ids": [unit, second]}),
        )
        .await;
    assert_eq!(s, 201, "{p}");
    let point = p["id"].as_str().unwrap().to_string();
    assert_eq!(p["phone"], "138****5678", "masked: {p}");
    assert_eq!(p["unit_count"], 2);
    assert_eq!(p["park_name"], "西溪科技园");
    assert!(
        !app.stored_bytes().contains("13812345678"),
        "the phone is encrypted at rest"
    );

    // The unit sees its officer.
    let (s, l) = manager.get(&format!("/api/v1/units/{unit}/liaison")).await;
    assert_eq!(s, 200, "{l}");
    assert_eq!(l["points"][0]["officer_id"], officer_id.as_str(), "{l}");
    assert_eq!(l["points"][0]["phone"], "138****5678");
    assert_eq!(l["points"][0]["contact_hours"], "工作日 9:00-17:00");
    // The officer sees their units.
    let (s, mine) = station.get("/api/v1/liaison/mine").await;
    assert_eq!(s, 200, "{mine}");
    let names: Vec<&str> = mine
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["unit_id"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&unit.as_str()) && names.contains(&second.as_str()),
        "{mine}"
    );
    // …and on the pages.
    let br = app.browser("demo_unit", DEMO_PASSWORD).await;
    let html = br
        .get(app.url(&format!("/units/{unit}/liaison")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("138****5678") && !html.contains("13812345678"), "{html}");
    let br = app.browser("demo_station", DEMO_PASSWORD).await;
    let html = br.get(app.url("/liaison")).send().await.unwrap().text().await.unwrap();
    assert!(
        html.contains("我联系的单位") && html.contains("联系点测试园区企业"),
        "{html}"
    );

    // Reassignment: the second unit leaves the point; the history keeps both rows.
    let (s, d) = station
        .put(
            &format!("/api/v1/liaison/points/{point}/units"),
            json!({"unit_ids": [unit]}),
        )
        .await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["units"].as_array().unwrap().len(), 1);
    let hist = d["history"].as_array().unwrap();
    assert_eq!(hist.len(), 2, "{d}");
    let ended = hist.iter().find(|h| h["unit_id"] == second.as_str()).unwrap();
    assert!(ended["unassigned_at"].is_string(), "{ended}");
    assert!(ended["unassigned_by"].as_str().unwrap().contains("演示"), "{ended}");
    // A team takes the second unit over.
    let (s, t) = station
        .post(
            "/api/v1/liaison/points",
            json!({"team_name": "西溪派出所警企联络组", "contact_hours": "每日 8:00-20:00",
                   "phone": "0571-87654321", "unit_ids": [second]}),
        )
        .await;
    assert_eq!(s, 201, "{t}");
    let (_, h) = admin.get(&format!("/api/v1/units/{second}/liaison")).await;
    assert_eq!(h["points"].as_array().unwrap().len(), 1, "{h}");
    assert_eq!(h["points"][0]["name"], "西溪派出所警企联络组");
    assert_eq!(h["history"].as_array().unwrap().len(), 2, "{h}");
    let (_, mine) = station.get("/api/v1/liaison/mine").await;
    assert_eq!(mine.as_array().unwrap().len(), 1, "{mine}");
    // Audited.
    let (_, audit) = admin.get("/api/v1/audit?action=liaison.unassign").await;
    assert!(audit.to_string().contains(&point), "{audit}");

    // Out of jurisdiction: another county's police, another unit's manager.
    let other_county = app.client_for("demo_county_other").await;
    let (s, _) = other_county.get(&format!("/api/v1/liaison/points/{point}")).await;
    assert_eq!(s, 404);
    let (s, _) = other_county.get(&format!("/api/v1/units/{unit}/liaison")).await;
    assert_eq!(s, 404);
    let (s, _) = other_county
        .put(
            &format!("/api/v1/liaison/points/{point}/units"),
            json!({"unit_ids": []}),
        )
        .await;
    assert_eq!(s, 404);
    let (s, acc) = admin
        .post(
            "/api/v1/users",
            json!({"username": "ls_other_mgr", "display_name": "外单位负责人", "role": "unit_manager", "unit_id": second}),
        )
        .await;
    assert_eq!(s, 201, "{acc}");
    let stranger = app.client_for("ls_other_mgr").await;
    let (s, _) = stranger.get(&format!("/api/v1/units/{unit}/liaison")).await;
    assert_eq!(s, 404);
    let (s, _) = stranger.get(&format!("/api/v1/liaison/points/{point}")).await;
    assert_eq!(s, 404);
}
