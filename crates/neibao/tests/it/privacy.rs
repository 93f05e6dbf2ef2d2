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
