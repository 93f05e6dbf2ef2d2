//! Jurisdiction: an officer of one county cannot read, list, count or change another county's
//! units, devices, events or alerts; a unit manager sees only their unit.

use serde_json::json;

use crate::common::*;

struct Fixture {
    app: TestApp,
    /// Unit in 西湖区 (330106) — the demo unit — and one in another county.
    own_unit: String,
    other_unit: String,
    other_device: String,
    other_alert: String,
    other_event: String,
    other_ingest: String,
}

async fn setup() -> Fixture {
    let app = TestApp::demo().await;
    let own = app.client_for("demo_unit").await;
    let (_, me) = own.get("/api/v1/me").await;
    let own_unit = me["unit_id"].as_str().unwrap().to_string();
    let other = app.client_for("demo_county_other").await;
    let (_, me_other) = other.get("/api/v1/me").await;
    let other_prefix = me_other["division_code"].as_str().unwrap().to_string();
    assert_ne!(&other_prefix[..6], "330106");
    // A unit in the other county, with a key-area camera that raises an alert.
    let (_, units) = other.get("/api/v1/units?per_page=1").await;
    let other_unit = units["items"][0]["id"].as_str().unwrap().to_string();
    let (s, area) = other
        .post(
            &format!("/api/v1/units/{other_unit}/key_areas"),
            json!({"name": "机房"}),
        )
        .await;
    assert_eq!(s, 201, "{area}");
    let (other_device, other_ingest) = create_device(&other, &other_unit, area["id"].as_str(), "hikvision").await;
    let (s, _) = app
        .ingest(
            &other_ingest,
            "application/xml",
            fixture("hikvision-isapi-alert/alert_fielddetection_vehicle_ver20_nodecl.xml"),
        )
        .await;
    assert_eq!(s, 200);
    let (_, alerts) = other.get(&format!("/api/v1/alerts?unit_id={other_unit}")).await;
    let other_alert = alerts["items"][0]["id"].as_str().unwrap().to_string();
    let (_, events) = other.get(&format!("/api/v1/events?device_id={other_device}")).await;
    let other_event = events["items"][0]["id"].as_str().unwrap().to_string();
    Fixture {
        app,
        own_unit,
        other_unit,
        other_device,
        other_alert,
        other_event,
        other_ingest,
    }
}

#[tokio::test]
async fn county_officer_cannot_see_or_touch_another_county() {
    let f = setup().await;
    let officer = f.app.client_for("demo_county").await;

    // Read: 404, indistinguishable from a missing id.
    for path in [
        format!("/api/v1/units/{}", f.other_unit),
        format!("/api/v1/devices/{}", f.other_device),
        format!("/api/v1/alerts/{}", f.other_alert),
        format!("/api/v1/events/{}", f.other_event),
        format!("/api/v1/events/{}/raw?purpose=越权读取测试", f.other_event),
        format!("/api/v1/units/{}/key_areas", f.other_unit),
        format!("/api/v1/units/{}/rules", f.other_unit),
    ] {
        let (s, v) = officer.get(&path).await;
        assert_eq!(s, 404, "{path}: {v}");
        if !v.is_null() {
            assert_eq!(v["error"]["code"], "not_found");
        }
    }

    // List and count: nothing of the other county, filters cannot widen the scope.
    for path in [
        "/api/v1/units?per_page=200".to_string(),
        "/api/v1/devices?per_page=200".into(),
        "/api/v1/alerts?per_page=200".into(),
        "/api/v1/events?per_page=200".into(),
        format!("/api/v1/alerts?unit_id={}", f.other_unit),
        format!("/api/v1/events?device_id={}", f.other_device),
        format!("/api/v1/devices?unit_id={}", f.other_unit),
    ] {
        let (s, v) = officer.get(&path).await;
        assert_eq!(s, 200, "{path}");
        for item in v["items"].as_array().unwrap() {
            let uid = item["unit_id"].as_str().or(item["id"].as_str()).unwrap();
            assert_ne!(uid, f.other_unit, "{path} leaked another county's object");
            if let Some(code) = item["division_code"].as_str() {
                assert!(code.starts_with("330106"), "{path}: unit in {code}");
            }
        }
    }
    let (_, other_units) = officer.get("/api/v1/units?division=33").await;
    let (_, own_units) = officer.get("/api/v1/units").await;
    assert_eq!(
        other_units["total"], own_units["total"],
        "a wider division filter does not widen the scope"
    );
    let (_, dash) = officer.get("/api/v1/dashboard").await;
    assert_eq!(
        dash["units"], own_units["total"],
        "dashboard counts only the jurisdiction"
    );
    // A county's police see it by township (street), every street of the county listed.
    assert_eq!(dash["area_level"], "township", "{dash}");
    let areas = dash["by_area"].as_array().unwrap();
    assert!(
        areas.iter().all(|a| a["code"].as_str().unwrap().starts_with("330106")),
        "{dash}"
    );
    assert_eq!(
        areas.iter().map(|a| a["units"].as_i64().unwrap()).sum::<i64>(),
        own_units["total"].as_i64().unwrap()
    );

    // Change: 404 as well, and nothing changed.
    let (s, _) = officer
        .post(
            &format!("/api/v1/alerts/{}/acknowledge", f.other_alert),
            json!({"comment": "x"}),
        )
        .await;
    assert_eq!(s, 404);
    let (s, _) = officer
        .post(&format!("/api/v1/alerts/{}/resolve", f.other_alert), json!({}))
        .await;
    assert_eq!(s, 404);
    let (s, _) = officer
        .post(
            &format!("/api/v1/units/{}/key_areas", f.other_unit),
            json!({"name": "x"}),
        )
        .await;
    assert_eq!(s, 404);
    let (s, _) = officer
        .post(
            "/api/v1/devices",
            json!({"unit_id": f.other_unit, "format": "hikvision", "name": "x"}),
        )
        .await;
    assert_eq!(s, 404);
    let (s, _) = officer
        .put(
            &format!("/api/v1/units/{}/rules/video_tamper", f.other_unit),
            json!({"enabled": false}),
        )
        .await;
    assert_eq!(s, 404);
    let (s, _) = officer
        .put(
            &format!("/api/v1/units/{}", f.other_unit),
            json!({"version": 1, "name": "改名", "kind": "enterprise", "uscc": uscc("91330106000000009"), "division_code": "330106"}),
        )
        .await;
    assert_eq!(s, 404);
    // Registering a unit outside the county is refused.
    let (s, v) = officer.post("/api/v1/units", json!({"name": "越权单位", "kind": "enterprise", "uscc": uscc("91330102000000001"), "division_code": "330102"})).await;
    assert_eq!(s, 403, "{v}");

    let owner = f.app.client_for("demo_county_other").await;
    let (_, a) = owner.get(&format!("/api/v1/alerts/{}", f.other_alert)).await;
    assert_eq!(a["status"], "open", "the other county's alert is untouched");
    let _ = f.other_ingest;

    // The officer does see their own county's demo alert and unit.
    let (s, _) = officer.get(&format!("/api/v1/units/{}", f.own_unit)).await;
    assert_eq!(s, 200);
    let (_, alerts) = officer.get("/api/v1/alerts").await;
    assert!(alerts["total"].as_i64().unwrap() >= 1);
}

#[tokio::test]
async fn unit_manager_sees_only_their_unit_and_wider_police_see_more() {
    let f = setup().await;
    let manager = f.app.client_for("demo_unit").await;
    let (_, units) = manager.get("/api/v1/units").await;
    assert_eq!(units["total"], 1);
    assert_eq!(units["items"][0]["id"], f.own_unit.as_str());
    let (_, devices) = manager.get("/api/v1/devices?per_page=200").await;
    assert!(devices["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["unit_id"] == f.own_unit.as_str()));
    let (_, alerts) = manager.get("/api/v1/alerts").await;
    assert!(alerts["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["unit_id"] == f.own_unit.as_str()));
    let (s, _) = manager.get(&format!("/api/v1/alerts/{}", f.other_alert)).await;
    assert_eq!(s, 404);
    // A manager may not register units.
    let (s, _) = manager
        .post(
            "/api/v1/units",
            json!({"name": "x", "kind": "enterprise", "uscc": uscc("91330106000000002"), "division_code": "330106"}),
        )
        .await;
    assert_eq!(s, 403);

    // City sees both counties (both demo units are in Hangzhou); province sees all demo units.
    let city = f.app.client_for("demo_city").await;
    assert_eq!(city.get(&format!("/api/v1/alerts/{}", f.other_alert)).await.0, 200);
    let (_, city_units) = city.get("/api/v1/units").await;
    let province = f.app.client_for("demo_province").await;
    let (_, prov_units) = province.get("/api/v1/units").await;
    assert!(prov_units["total"].as_i64() > city_units["total"].as_i64());
    assert!(city_units["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|u| u["division_code"].as_str().unwrap().starts_with("3301")));

    // A police station sees only the units it is assigned.
    let station = f.app.client_for("demo_station").await;
    let (_, st_units) = station.get("/api/v1/units?per_page=200").await;
    let (_, me) = station.get("/api/v1/me").await;
    assert!(st_units["total"].as_i64().unwrap() >= 1);
    assert!(st_units["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|u| u["police_station_id"] == me["org_id"]));

    // A competent department reads its sector but cannot handle alerts.
    let dept = f.app.client_for("demo_department").await;
    let (_, d_units) = dept.get("/api/v1/units?per_page=200").await;
    let (_, d_me) = dept.get("/api/v1/me").await;
    assert!(d_units["total"].as_i64().unwrap() >= 1);
    assert!(d_units["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|u| u["competent_department_id"] == d_me["org_id"]));
    let (_, d_alerts) = dept.get("/api/v1/alerts").await;
    if let Some(a) = d_alerts["items"].as_array().unwrap().first() {
        let (s, _) = dept
            .post(
                &format!("/api/v1/alerts/{}/acknowledge", a["id"].as_str().unwrap()),
                json!({}),
            )
            .await;
        assert_eq!(s, 403);
    }
}
