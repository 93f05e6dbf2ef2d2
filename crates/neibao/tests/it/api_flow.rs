//! Ingest → event → alert → acknowledge → resolve, through HTTP.

use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn hikvision_line_crossing_in_key_area_raises_one_alert_that_can_be_handled() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let unit = create_unit(&admin, "测试甲公司", "330106", "91330106000000001").await;
    let (s, area) = admin
        .post(&format!("/api/v1/units/{unit}/key_areas"), json!({"name": "财务室"}))
        .await;
    assert_eq!(s, 201, "{area}");
    let (device, path) = create_device(&admin, &unit, area["id"].as_str(), "hikvision").await;
    assert!(path.starts_with("/ingest/hikvision/"));

    let body = fixture("hikvision-isapi-alert/httphost_push_linedetection_multipart.bin");
    let (s, v) = app
        .ingest(&path, "multipart/form-data; boundary=boundary", body.clone())
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["accepted"], 1);
    assert_eq!(v["alerts"], 1);

    // The event is stored with its raw payload and image.
    let (_, events) = admin.get(&format!("/api/v1/events?device_id={device}")).await;
    assert_eq!(events["total"], 1);
    let ev = &events["items"][0];
    assert_eq!(ev["kind"], "intrusion.line_crossing");
    assert_eq!(ev["vendor_type"], "linedetection");
    assert_eq!(ev["state"], "active");
    assert_eq!(ev["channel"], 1);
    assert_eq!(ev["image_count"], 1);
    assert_eq!(ev["device_time"], "2024-05-14T15:51:35+03:00");
    let raw = admin
        .http
        .get(admin.base.clone() + &format!("/api/v1/events/{}/raw?purpose=核对原始报文", ev["id"].as_str().unwrap()))
        .bearer_auth(&admin.token)
        .send()
        .await
        .unwrap();
    let disposition = raw.headers()["content-disposition"].to_str().unwrap().to_string();
    assert!(
        disposition.starts_with("attachment;") && disposition.contains("%E5%8E%9F%E5%A7%8B%E6%8A%A5%E6%96%87-"),
        "saved as 原始报文-<id>.bin: {disposition}"
    );
    assert_eq!(
        raw.bytes().await.unwrap().to_vec(),
        body,
        "raw payload kept byte for byte"
    );

    // The alert carries what the issue asks for.
    let (s, alerts) = admin.get("/api/v1/alerts").await;
    assert_eq!(s, 200);
    let items = alerts["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{alerts}");
    let a = &items[0];
    for key in [
        "id",
        "unit_id",
        "device_id",
        "type",
        "severity",
        "status",
        "first_seen",
        "last_seen",
        "event_count",
    ] {
        assert!(!a[key].is_null(), "alert lacks {key}: {a}");
    }
    assert_eq!(a["rule"], "intrusion_key_area");
    assert_eq!(a["type"], "intrusion.line_crossing");
    assert_eq!(a["severity"], "high");
    assert_eq!(a["status"], "open");
    assert_eq!(a["unit_id"], unit.as_str());
    assert_eq!(a["device_id"], device.as_str());
    assert_eq!(a["event_count"], 1);
    let id = a["id"].as_str().unwrap().to_string();

    // A repeated active post of the same condition updates the occurrence: no new alert event.
    let (s, _) = app
        .ingest(&path, "multipart/form-data; boundary=boundary", body.clone())
        .await;
    assert_eq!(s, 200);
    let (_, events) = admin.get(&format!("/api/v1/events?device_id={device}")).await;
    assert_eq!(events["total"], 1);
    assert_eq!(events["items"][0]["post_count"], 2);

    // The condition ends, then starts again: a new occurrence folds into the same open alert.
    let xml = String::from_utf8_lossy(&body).to_string();
    let start = xml.find("<EventNotificationAlert").unwrap();
    let end = xml.find("</EventNotificationAlert>").unwrap() + "</EventNotificationAlert>".len();
    let inactive = xml[start..end].replace("<eventState>active</eventState>", "<eventState>inactive</eventState>");
    let (s, _) = app.ingest(&path, "application/xml", inactive.clone()).await;
    assert_eq!(s, 200);
    let (s, v) = app.ingest(&path, "text/xml", xml[start..end].to_string()).await;
    assert_eq!(s, 200, "{v}");
    let (_, alerts) = admin.get("/api/v1/alerts").await;
    assert_eq!(
        alerts["items"].as_array().unwrap().len(),
        1,
        "deduplicated by fingerprint"
    );
    assert_eq!(alerts["items"][0]["event_count"], 2);

    // Detail lists both occurrences.
    let (s, detail) = admin.get(&format!("/api/v1/alerts/{id}")).await;
    assert_eq!(s, 200);
    assert_eq!(detail["events"].as_array().unwrap().len(), 2);

    // Acknowledge, then resolve; who, when and comment are recorded; illegal moves are 409.
    let (s, v) = admin
        .post(
            &format!("/api/v1/alerts/{id}/acknowledge"),
            json!({"comment": "已派员到场"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "acknowledged");
    assert_eq!(v["acknowledged_by"], "系统管理员");
    assert_eq!(v["acknowledge_comment"], "已派员到场");
    assert!(v["acknowledged_at"].is_string());
    let (s, v) = admin.post(&format!("/api/v1/alerts/{id}/acknowledge"), json!({})).await;
    assert_eq!(s, 409);
    assert_eq!(v["error"]["code"], "invalid_transition");
    let (s, v) = admin
        .post(
            &format!("/api/v1/alerts/{id}/resolve"),
            json!({"comment": "误入人员已劝离"}),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(v["status"], "resolved");
    let (_, open) = admin.get("/api/v1/alerts?status=open").await;
    assert_eq!(open["total"], 0);

    // After resolution the same condition opens a new alert.
    let (s, _) = app.ingest(&path, "application/xml", inactive).await;
    assert_eq!(s, 200);
    let (s, _) = app.ingest(&path, "application/xml", xml[start..end].to_string()).await;
    assert_eq!(s, 200);
    let (_, all) = admin.get("/api/v1/alerts").await;
    assert_eq!(all["total"], 2);
    let (_, open) = admin.get("/api/v1/alerts?status=open").await;
    assert_eq!(open["total"], 1);
}

#[tokio::test]
async fn validation_errors_are_coded_and_chinese() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let cases = [
        (
            json!({"name": "甲", "kind": "enterprise", "uscc": "91110000802100433C", "division_code": "330106"}),
            "invalid_uscc",
        ),
        (
            json!({"name": "甲", "kind": "enterprise", "uscc": "91110000802100433B", "division_code": "3301"}),
            "invalid_division_code",
        ),
        (
            json!({"name": "甲", "kind": "enterprise", "uscc": "91110000802100433B", "division_code": "330106",
                   "responsible_persons": [{"role": "principal", "name": "张三", "citizen_id": "110105194912310021"}]}),
            "invalid_citizen_id",
        ),
        (
            json!({"name": "甲", "kind": "enterprise", "uscc": "91110000802100433B", "division_code": "330106",
                   "responsible_persons": [{"role": "principal", "name": "张三", "phone": "12345"}]}),
            "invalid_phone",
        ),
        (
            json!({"name": "甲", "kind": "enterprise", "uscc": "91110000802100433B", "division_code": "330106", "is_key_unit": true}),
            "validation_failed",
        ),
        (
            json!({"name": "  ", "kind": "enterprise", "uscc": "91110000802100433B", "division_code": "330106"}),
            "validation_failed",
        ),
    ];
    for (body, code) in cases {
        let (s, v) = admin.post("/api/v1/units", body.clone()).await;
        assert_eq!(s, 400, "{body} → {v}");
        assert_eq!(v["error"]["code"], code, "{body} → {v}");
        let msg = v["error"]["message"].as_str().unwrap();
        assert!(
            msg.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "message not Chinese: {msg}"
        );
    }
    // Nothing was stored by the failed attempts; the same USCC registers once, then conflicts.
    let (_, list) = admin.get("/api/v1/units").await;
    assert_eq!(list["total"], 0);
    let ok = json!({"name": "甲", "kind": "enterprise", "uscc": "91110000802100433B", "division_code": "330106"});
    assert_eq!(admin.post("/api/v1/units", ok.clone()).await.0, 201);
    let (s, v) = admin.post("/api/v1/units", ok).await;
    assert_eq!(s, 409);
    assert_eq!(v["error"]["code"], "conflict");
    // A malformed JSON body is a 4xx, never a 500.
    let r = admin
        .http
        .post(app.url("/api/v1/units"))
        .bearer_auth(&admin.token)
        .header("content-type", "application/json")
        .body("{nope")
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error());
    // Unknown ids are 404 with the coded body.
    let (s, v) = admin.get("/api/v1/alerts/does-not-exist").await;
    assert_eq!(s, 404);
    assert_eq!(v["error"]["code"], "not_found");
}

#[tokio::test]
async fn openapi_document_describes_the_api() {
    let app = TestApp::spawn().await;
    let r = reqwest::get(app.url("/api/v1/openapi.json")).await.unwrap();
    assert_eq!(r.status(), 200);
    let doc: serde_json::Value = r.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/units",
        "/api/v1/devices",
        "/api/v1/alerts",
        "/api/v1/alerts/{id}/acknowledge",
        "/api/v1/alerts/{id}/resolve",
        "/api/v1/events",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing from OpenAPI");
    }
    assert!(doc["components"]["schemas"]["Alert"].is_object());
}

#[tokio::test]
async fn unauthenticated_api_calls_are_401() {
    let app = TestApp::spawn().await;
    for path in ["/api/v1/units", "/api/v1/alerts", "/api/v1/me"] {
        let r = reqwest::get(app.url(path)).await.unwrap();
        assert_eq!(r.status(), 401, "{path}");
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["error"]["code"], "unauthenticated");
    }
    let r = reqwest::Client::new()
        .get(app.url("/api/v1/units"))
        .bearer_auth("made-up")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn framework_rejections_use_the_coded_chinese_body() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    for path in [
        "/api/v1/units?page=99999999999",
        "/api/v1/units?key_unit=maybe",
        "/api/v1/alerts?status=nope",
    ] {
        let (s, v) = admin.get(path).await;
        assert_eq!(s, 400, "{path}");
        assert_eq!(v["error"]["code"], "validation_failed", "{path}: {v}");
    }
    let (s, v) = admin.get("/api/v1/no-such-thing").await;
    assert_eq!((s, v["error"]["code"].as_str()), (404, Some("not_found")));
    let r = admin
        .http
        .post(app.url("/api/v1/units"))
        .bearer_auth(&admin.token)
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["error"]["code"],
        "unsupported_media_type"
    );
    let (s, v) = admin.post("/api/v1/units", json!({"name": "缺字段"})).await;
    assert_eq!((s, v["error"]["code"].as_str()), (400, Some("validation_failed")));
    let r = reqwest::get(app.url("/ingest/hikvision/x")).await.unwrap();
    assert_eq!(r.status(), 405);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["error"]["code"],
        "validation_failed"
    );
    let page = reqwest::get(app.url("/no/such/page")).await.unwrap();
    assert_eq!(page.status(), 404);
    assert!(page.text().await.unwrap().contains("页面或接口不存在"));
    // Over-long free text is refused, not stored.
    let (s, v) = admin
        .post("/api/v1/units", json!({"name": "甲", "kind": "enterprise", "uscc": uscc("91330106000000014"), "division_code": "330106", "address": "路".repeat(300)}))
        .await;
    assert_eq!((s, v["error"]["code"].as_str()), (400, Some("validation_failed")));
}

#[tokio::test]
async fn units_are_placed_only_with_organisations_of_their_territory() {
    let app = TestApp::demo().await;
    let county = app.client_for("demo_county").await;
    let orgs = |kind: &'static str, division: &'static str| {
        let c = &county;
        async move {
            c.get(&format!("/api/v1/organisations?kind={kind}&division={division}"))
                .await
                .1
        }
    };
    let ningbo_station = orgs("police_station", "330203").await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let xihu_station = orgs("police_station", "330106").await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let wenzhou_dept = orgs("department", "330300").await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let body = |station: &str, dept: Option<&str>, body17: &str| {
        json!({"name": "属地测试单位", "kind": "enterprise", "uscc": uscc(body17), "division_code": "330106",
               "police_station_id": station, "competent_department_id": dept})
    };
    let (s, v) = county
        .post("/api/v1/units", body(&ningbo_station, None, "91330106000000015"))
        .await;
    assert_eq!(s, 400, "a Ningbo station cannot supervise a Xihu unit: {v}");
    let (s, v) = county
        .post(
            "/api/v1/units",
            body(&xihu_station, Some(&wenzhou_dept), "91330106000000015"),
        )
        .await;
    assert_eq!(s, 400, "a Wenzhou department cannot cover a Xihu unit: {v}");
    let (s, v) = county
        .post("/api/v1/units", body(&xihu_station, None, "91330106000000015"))
        .await;
    assert_eq!(s, 201, "{v}");
    // A station officer registers units of the station's county only.
    let station = app.client_for("demo_station").await;
    let (s, _) = station
        .post("/api/v1/units", json!({"name": "外县单位", "kind": "enterprise", "uscc": uscc("91330302000000016"), "division_code": "330302"}))
        .await;
    assert_eq!(s, 403);
}

#[tokio::test]
async fn health_readiness_and_metrics() {
    let app = TestApp::spawn().await;
    let r = reqwest::get(app.url("/healthz")).await.unwrap();
    assert_eq!(r.status(), 200);
    let r = reqwest::get(app.url("/readyz")).await.unwrap();
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!((v["database"].as_bool(), v["bus"].as_bool()), (Some(true), Some(true)));
    let (s, _) = app.ingest("/ingest/hikvision/nope", "application/xml", "<x/>").await;
    assert_eq!(s, 401);
    let text = reqwest::get(app.url("/metrics")).await.unwrap().text().await.unwrap();
    for name in [
        "neibao_ingest_requests_total{result=\"unknown_token\"}",
        "neibao_rule_evaluation_seconds",
        "neibao_bus_queue_depth",
        "neibao_scheduler_lag_seconds",
    ] {
        assert!(text.contains(name), "{name} missing from /metrics");
    }
}
