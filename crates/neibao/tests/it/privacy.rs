//! Sensitive personal information: encrypted at rest, masked in every response.

use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn citizen_ids_and_phones_are_encrypted_at_rest_and_masked_in_responses() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (s, unit) = admin
        .post(
            "/api/v1/units",
            json!({
                "name": "隐私测试单位", "kind": "enterprise", "uscc": uscc("91330106000000003"), "division_code": "330106",
                "responsible_persons": [
                    {"role": "principal", "name": "张三", "citizen_id": "11010519491231002X", "phone": "13812345678"},
                    {"role": "security_head", "name": "李四", "citizen_id": "440308199901101512", "phone": "0571-87654321"}
                ]
            }),
        )
        .await;
    assert_eq!(s, 201, "{unit}");
    let text = unit.to_string();
    for plain in ["11010519491231002X", "13812345678", "440308199901101512", "87654321"] {
        assert!(!text.contains(plain), "plaintext {plain} in create response");
    }
    let (_, got) = admin
        .get(&format!("/api/v1/units/{}", unit["id"].as_str().unwrap()))
        .await;
    let p = &got["responsible_persons"][0];
    assert_eq!(p["role"], "principal");
    assert_eq!(p["citizen_id"], "110105********002X");
    assert_eq!(p["phone"], "138****5678");
    assert!(!got.to_string().contains("13812345678"));

    // On disk (database and WAL), only ciphertext with a key id.
    drop(admin);
    let hay = app.stored_bytes();
    for plain in ["11010519491231002X", "13812345678", "440308199901101512"] {
        assert!(!hay.contains(plain), "plaintext {plain} found in the data folder");
    }
    assert!(hay.contains("k1:"), "ciphertexts carry their key id");
}

#[tokio::test]
async fn person_data_from_devices_is_encrypted_at_rest_and_masked() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let unit = create_unit(&admin, "门禁隐私单位", "330106", "91330106000000017").await;
    let (device, path) = create_device(&admin, &unit, None, "generic_json").await;
    let body = json!({"type": "access.denied", "region": "door:1",
        "person": {"name": "王小明", "employee_no": "11010519491231002X", "card_no": "13812345678"}});
    let (s, _) = app.ingest(&path, "application/json", body.to_string()).await;
    assert_eq!(s, 200);
    let (_, evs) = admin.get(&format!("/api/v1/events?device_id={device}")).await;
    let p = &evs["items"][0]["person"];
    assert_eq!(p["name"], "王**");
    assert_eq!(p["employee_no"], "11**************2X");
    assert_eq!(p["card_no"], "13*******78");
    let stored = app.stored_bytes();
    for plain in ["11010519491231002X", "13812345678", "王小明"] {
        assert!(!evs.to_string().contains(plain), "{plain} returned");
        assert!(!stored.contains(plain), "{plain} stored in clear");
    }
    // The raw payload is kept (encrypted) and handed back byte for byte inside the scope.
    let id = evs["items"][0]["id"].as_str().unwrap();
    let raw = admin
        .http
        .get(app.url(&format!("/api/v1/events/{id}/raw?purpose=核查人员身份")))
        .bearer_auth(&admin.token)
        .send()
        .await
        .unwrap();
    assert_eq!(raw.text().await.unwrap(), body.to_string());
}

/// The pictures a device sent with an event are viewed one by one from the event (the alert
/// page's event table links them), for a purpose, each view audited first; a guard may not, a
/// unit outside the caller's jurisdiction reads as 404, the picture is the one the device sent.
#[tokio::test]
async fn event_pictures_are_viewed_for_a_purpose_and_audited() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let unit = create_unit(&admin, "图片查看单位", "330106", "91330106000000056").await;
    let (s, area) = admin
        .post(&format!("/api/v1/units/{unit}/key_areas"), json!({"name": "财务室"}))
        .await;
    assert_eq!(s, 201, "{area}");
    // A line crossing in a key area: an event with its picture, and an alert.
    let (device, path) = create_device(&admin, &unit, area["id"].as_str(), "hikvision").await;
    let body = fixture("hikvision-isapi-alert/httphost_push_linedetection_multipart.bin");
    let (s, v) = app
        .ingest(&path, "multipart/form-data; boundary=boundary", body.clone())
        .await;
    assert_eq!(s, 200, "{v}");
    let (_, evs) = admin.get(&format!("/api/v1/events?device_id={device}")).await;
    let event = evs["items"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(evs["items"][0]["image_count"], 1);

    let get = |c: &Client, q: &str| {
        let url = format!("{}/api/v1/events/{event}/images/{q}", c.base);
        let req = c.http.get(url).bearer_auth(&c.token);
        async move { req.send().await.unwrap() }
    };
    let police = app.client_for("demo_province").await;
    let r = get(&police, "1").await;
    assert_eq!(r.status(), 400, "no purpose");
    let r = get(&police, "1?purpose=核查入侵人员").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert!(r.headers()["content-disposition"].to_str().unwrap().contains("inline"));
    let ct = r.headers()["content-type"].to_str().unwrap().to_string();
    assert!(ct.starts_with("image/"), "{ct}");
    let picture = r.bytes().await.unwrap();
    assert!(picture.starts_with(&[0xFF, 0xD8]), "a JPEG");
    assert!(
        body.windows(picture.len()).any(|w| w == picture.as_ref()),
        "the picture the device sent, byte for byte"
    );
    for (who, q, status) in [
        ("demo_province", "2?purpose=核查入侵人员", 404),
        ("demo_province", "0?purpose=核查入侵人员", 404),
        ("demo_guard", "1?purpose=核查入侵人员", 403),
        // The demo unit's manager: the picture's unit is not theirs.
        ("demo_unit", "1?purpose=核查入侵人员", 404),
    ] {
        let c = app.client_for(who).await;
        assert_eq!(get(&c, q).await.status(), status, "{who} {q}");
    }
    // One audit row, with the purpose, naming the event and its unit, read as a sentence.
    let (_, audit) = admin.get("/api/v1/audit?action=event.image").await;
    let rows: Vec<_> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["object_id"] == event.as_str())
        .collect();
    assert_eq!(rows.len(), 1, "{audit}");
    assert_eq!(rows[0]["purpose"], "核查入侵人员");
    assert_eq!(rows[0]["unit_id"], unit.as_str());
    assert!(
        rows[0]["sentence"].as_str().unwrap().contains("查看了事件图片"),
        "{}",
        rows[0]
    );

    // The alert page's event table offers the picture with a purpose field.
    let alert = alert_of_device(&admin, &device).await;
    let b = app.browser("demo_province", DEMO_PASSWORD).await;
    let html = b
        .get(app.url(&format!("/alerts/{alert}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(&format!("/api/v1/events/{event}/images/1")),
        "picture link on the alert page"
    );
}
