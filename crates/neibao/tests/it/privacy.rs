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
