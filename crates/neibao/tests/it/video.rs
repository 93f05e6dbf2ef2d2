//! Public-security video systems (docs/VIDEO.md; 《公共安全视频图像信息系统管理条例》, R49–R54,
//! R85), over HTTP: a camera at a prohibited spot is refused citing Art 8 (API and form, the form
//! keeping what was typed), placement and the system record, signage with photo evidence, the
//! append-only retrieval log written in the audit chain, and who reads it.

use chrono::{Duration, Utc};
use serde_json::{json, Value};

use crate::common::*;

async fn demo_unit(c: &Client) -> String {
    let (_, me) = c.get("/api/v1/me").await;
    me["unit_id"].as_str().unwrap().to_string()
}

async fn camera(c: &Client, unit: &str, name: &str, location: &str) -> (u16, Value) {
    c.post(
        "/api/v1/devices",
        json!({"unit_id": unit, "format": "hikvision", "kind": "camera", "name": name, "location_type": location}),
    )
    .await
}

fn retrieval(camera: &str, reason: &str) -> Value {
    json!({
        "action": "export",
        "reason": reason,
        "camera_ids": [camera],
        "footage_from": Utc::now() - Duration::hours(3),
        "footage_to": Utc::now() - Duration::hours(2),
        "requester_unit": "某某派出所",
        "requester_name": "张警官",
        "approver": "李主任",
    })
}

#[tokio::test]
async fn a_dormitory_camera_is_refused_citing_article_8() {
    let app = TestApp::demo().await;
    let manager = app.client_for("demo_unit").await;
    let unit = demo_unit(&manager).await;
    let (_, before) = manager.get(&format!("/api/v1/devices?unit_id={unit}")).await;

    // API: a student dormitory room (R85) and a toilet are refused with the article cited.
    let (s, v) = camera(&manager, &unit, "宿舍摄像机", "student_dormitory").await;
    assert_eq!((s, error_code(&v)), (422, "prohibited_camera_location"), "{v}");
    assert!(
        error_message(&v).contains("《公共安全视频图像信息系统管理条例》第八条第一款第（二）项"),
        "{v}"
    );
    let (s, v) = camera(&manager, &unit, "卫生间摄像机", "toilet").await;
    assert_eq!((s, error_code(&v)), (422, "prohibited_camera_location"), "{v}");
    let (_, after) = manager.get(&format!("/api/v1/devices?unit_id={unit}")).await;
    assert_eq!(before["total"], after["total"], "nothing registered");
    // An unknown type is a 4xx, never a 500; a non-camera takes no location type.
    let (s, _) = camera(&manager, &unit, "未知摄像机", "roof").await;
    assert!((400..500).contains(&s), "{s}");
    let (s, v) = manager
        .post(
            "/api/v1/devices",
            json!({"unit_id": unit, "format": "hikvision", "kind": "alarm_panel", "name": "报警主机", "location_type": "entrance"}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    // A device without one still registers (existing clients keep working).
    let (s, v) = manager
        .post(
            "/api/v1/devices",
            json!({"unit_id": unit, "format": "hikvision", "name": "旧式摄像机"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    assert!(v["location_type"].is_null(), "{v}");

    // A permitted camera, then moved: to a changing room refused, to a corridor recorded.
    let (s, cam) = camera(&manager, &unit, "东门摄像机", "entrance").await;
    assert_eq!(s, 201, "{cam}");
    assert_eq!(cam["location_type"], "entrance");
    let id = cam["id"].as_str().unwrap();
    let (s, v) = manager
        .put(
            &format!("/api/v1/devices/{id}/placement"),
            json!({"version": cam["version"], "location_type": "changing_room"}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (422, "prohibited_camera_location"), "{v}");
    let (s, v) = manager
        .put(
            &format!("/api/v1/devices/{id}/placement"),
            json!({"version": cam["version"], "location_type": "corridor", "view_note": "仅覆盖走廊通道，不含房门内部"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["location_type"], "corridor");
    assert_eq!(v["view_note"], "仅覆盖走廊通道，不含房门内部");
    let (s, v) = manager
        .put(
            &format!("/api/v1/devices/{id}/placement"),
            json!({"version": cam["version"], "location_type": "parking"}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (409, "version_conflict"), "{v}");
    // The move is in the unit's change history (变更记录).
    let (s, h) = manager.get(&format!("/api/v1/units/{unit}/history")).await;
    assert_eq!(s, 200, "{h}");
    assert!(
        h.to_string()
            .contains("修改摄像机「东门摄像机」：安装位置类型由「出入口」改为「通道走廊」；更新了监控范围说明"),
        "{h}"
    );

    // The form: refused with the message, what was typed kept.
    let b = app.browser("demo_unit", DEMO_PASSWORD).await;
    let page = b
        .get(app.url(&format!("/units/{unit}/video")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("学生宿舍房间内部") && page.contains("id=\"camera-form\""),
        "{page}"
    );
    let r = b
        .post(app.url(&format!("/units/{unit}/video/cameras")))
        .form(&[
            ("csrf_token", csrf_of(&page).as_str()),
            ("name", "三号楼宿舍摄像机"),
            ("format", "dahua"),
            ("serial", "DH-4471"),
            ("location_type", "student_dormitory"),
            ("view_note", "朝向床铺"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("第八条第一款第（二）项"), "{page}");
    assert!(
        page.contains("value=\"三号楼宿舍摄像机\"")
            && page.contains("value=\"DH-4471\"")
            && page.contains("value=\"朝向床铺\"")
            && page.contains("value=\"student_dormitory\" selected")
            && page.contains("value=\"dahua\" selected"),
        "the form keeps what was typed: {page}"
    );
    // The unit page links to the video page.
    let page = b
        .get(app.url(&format!("/units/{unit}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(&format!("href=\"/units/{unit}/video\"")), "{page}");

    // The unit page's 登记设备 form: refused the same way, the unit page again with the reason
    // beside the form and every field as typed; nothing registered.
    let r = b
        .post(app.url("/devices"))
        .form(&[
            ("csrf_token", csrf_of(&page).as_str()),
            ("unit_id", unit.as_str()),
            ("name", "更衣室摄像机"),
            ("kind", "camera"),
            ("format", "dahua"),
            ("serial", "DH-9901"),
            ("location_type", "changing_room"),
            ("time_zone", "Asia/Urumqi"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("id=\"add-device-error\"") && page.contains("第八条"),
        "{page}"
    );
    assert!(
        page.contains("value=\"更衣室摄像机\"")
            && page.contains("value=\"DH-9901\"")
            && page.contains("value=\"changing_room\" selected")
            && page.contains("value=\"dahua\" selected")
            && page.contains("value=\"camera\" selected")
            && page.contains("value=\"Asia/Urumqi\" selected"),
        "the device form keeps what was typed: {page}"
    );
    let (_, list) = manager.get(&format!("/api/v1/devices?unit_id={unit}")).await;
    assert!(!list.to_string().contains("更衣室摄像机"), "{list}");
}

#[tokio::test]
async fn the_retrieval_log_is_append_only_audited_and_read_by_the_unit_and_its_police() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let manager = app.client_for("demo_unit").await;
    let guard = app.client_for("demo_guard").await;
    let station = app.client_for("demo_station").await;
    let unit = demo_unit(&manager).await;
    let (s, cam) = camera(&manager, &unit, "调阅测试摄像机", "public_area").await;
    assert_eq!(s, 201, "{cam}");
    let cam = cam["id"].as_str().unwrap().to_string();
    let base = format!("/api/v1/units/{unit}/video/retrievals");

    // The manager and a guard record; bad input is refused with a Chinese message.
    let (s, r1) = manager.post(&base, retrieval(&cam, "配合派出所调查盗窃案")).await;
    assert_eq!(s, 201, "{r1}");
    assert_eq!(r1["requester_name"], "张警官");
    let (s, r2) = guard.post(&base, retrieval(&cam, "核查夜间巡逻情况")).await;
    assert_eq!(s, 201, "{r2}");
    let mut bad = retrieval(&cam, "");
    let (s, v) = manager.post(&base, bad.clone()).await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    bad["reason"] = json!("事由");
    bad["camera_ids"] = json!(["not-a-camera"]);
    let (s, v) = manager.post(&base, bad.clone()).await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    bad["camera_ids"] = json!([cam]);
    bad["footage_to"] = json!(Utc::now() - Duration::days(2));
    let (s, v) = manager.post(&base, bad).await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    // Police do not record (the unit does); they read.
    let (s, v) = station.post(&base, retrieval(&cam, "民警登记")).await;
    assert_eq!((s, error_code(&v)), (403, "forbidden"), "{v}");

    // Append-only: no route changes or deletes an entry.
    let id = r1["id"].as_str().unwrap();
    for (m, path) in [
        (reqwest::Method::PUT, base.clone()),
        (reqwest::Method::DELETE, base.clone()),
        (reqwest::Method::PUT, format!("{base}/{id}")),
        (reqwest::Method::DELETE, format!("{base}/{id}")),
        (reqwest::Method::PATCH, format!("{base}/{id}")),
    ] {
        let (s, _) = manager.send(m.clone(), &path, Some(json!({"reason": "改"}))).await;
        assert!(s == 404 || s == 405, "{m} {path}: {s}");
    }
    let (s, list) = manager.get(&base).await;
    assert_eq!(s, 200, "{list}");
    assert_eq!(list["total"], 2, "{list}");
    assert_eq!(
        list["items"][1]["reason"], "配合派出所调查盗窃案",
        "unchanged, newest first"
    );

    // In the audit chain, with the entry's id.
    let (_, audit) = admin.get("/api/v1/audit?action=video.retrieval&per_page=100").await;
    let text = audit.to_string();
    assert!(
        text.contains(id) && text.contains(r2["id"].as_str().unwrap()),
        "{audit}"
    );

    // The guard records but does not read; the summary counts the last 90 days.
    let (s, _) = guard.get(&base).await;
    assert_eq!(s, 403);
    let (s, sum) = manager.get(&format!("/api/v1/units/{unit}/video/summary")).await;
    assert_eq!(s, 200, "{sum}");
    assert_eq!(sum["retrievals_90_days"], 2, "{sum}");
    assert_eq!(sum["prohibited_check_passed"], true, "{sum}");

    // The unit's police read it; police elsewhere and another unit's manager find nothing.
    let (s, l) = station.get(&base).await;
    assert_eq!((s, l["total"].as_i64()), (200, Some(2)), "{l}");
    let other = create_unit(&admin, "视频测试外单位", "330206", "91330206MA2QD0001").await;
    let (s, acc) = admin
        .post(
            "/api/v1/users",
            json!({"username": "vd_other_manager", "display_name": "外单位负责人", "role": "unit_manager", "unit_id": other}),
        )
        .await;
    assert_eq!(s, 201, "{acc}");
    let stranger = app.client_for("vd_other_manager").await;
    let (s, _) = stranger.get(&base).await;
    assert_eq!(s, 404);
    let (s, _) = stranger.post(&base, retrieval(&cam, "越权登记")).await;
    assert_eq!(s, 404);
    let (s, own) = stranger.get(&format!("/api/v1/units/{other}/video/retrievals")).await;
    assert_eq!((s, own["total"].as_i64()), (200, Some(0)), "{own}");
    let (_, ningbo) = admin.get("/api/v1/units?division=3302&per_page=1").await;
    let far = ningbo["items"][0]["id"].as_str().unwrap();
    let (s, _) = station.get(&format!("/api/v1/units/{far}/video/retrievals")).await;
    assert_eq!(s, 404, "outside the station's jurisdiction");
    let (s, _) = station.get(&format!("/api/v1/units/{other}/video/retrievals")).await;
    assert_eq!(s, 404, "a Ningbo unit is outside the station's jurisdiction");
    let (s, _) = admin.get(&format!("/api/v1/units/{far}/video/retrievals")).await;
    assert_eq!(s, 200);

    // The form: recorded from the page, a refused one keeps what was typed.
    let b = app.browser("demo_guard", DEMO_PASSWORD).await;
    let page = b
        .get(app.url(&format!("/units/{unit}/video")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"retrieval-form\""), "{page}");
    let r = b
        .post(app.url(&format!("/units/{unit}/video/retrievals")))
        .form(&[
            ("csrf_token", csrf_of(&page).as_str()),
            ("action", "view"),
            ("reason", "查看前门录像"),
            ("camera_id", cam.as_str()),
            ("footage_from", "2026-01-02T10:00"),
            ("footage_to", "2026-01-01T10:00"),
            ("requester_unit", "本单位保卫科"),
            ("requester_name", "王保安"),
            ("approver", "赵科长"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("结束时间不能早于开始时间")
            && page.contains("value=\"查看前门录像\"")
            && page.contains("value=\"王保安\""),
        "{page}"
    );
}

#[tokio::test]
async fn the_system_record_summary_and_signage_evidence() {
    let app = TestApp::demo().await;
    let manager = app.client_for("demo_unit").await;
    let station = app.client_for("demo_station").await;
    let unit = demo_unit(&manager).await;
    let (s, a) = camera(&manager, &unit, "东门一号", "entrance").await;
    assert_eq!(s, 201, "{a}");
    let (s, b) = camera(&manager, &unit, "东门二号", "entrance").await;
    assert_eq!(s, 201, "{b}");
    let sys = format!("/api/v1/units/{unit}/video-system");

    // Storage under 30 days is refused (S7 Art 17); a future date too; police do not record.
    let today = Utc::now().with_timezone(&chrono_tz::Asia::Shanghai).date_naive();
    let (s, v) = manager
        .put(
            &sys,
            json!({"version": 0, "commissioned_on": today, "storage_days": 20}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    assert!(error_message(&v).contains("30"), "{v}");
    let (s, v) = manager
        .put(
            &sys,
            json!({"version": 0, "commissioned_on": today + Duration::days(3), "storage_days": 30}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    let (s, v) = station.put(&sys, json!({"version": 0, "storage_days": 30})).await;
    assert_eq!((s, error_code(&v)), (403, "forbidden"), "{v}");
    let (s, v) = manager
        .put(
            &sys,
            json!({"version": 0, "commissioned_on": today, "storage_days": 30}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["version"], 1);
    let (s, v) = manager.put(&sys, json!({"version": 0, "storage_days": 60})).await;
    assert_eq!((s, error_code(&v)), (409, "version_conflict"), "{v}");

    // The summary generated from the register: police read it too.
    let (s, sum) = station.get(&sys).await;
    assert_eq!(s, 200, "{sum}");
    assert_eq!(sum["system"]["storage_days"], 30);
    assert_eq!(sum["system"]["commissioned_on"], today.to_string());
    let entrance = sum["by_location"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["label"] == "出入口")
        .unwrap_or_else(|| panic!("{sum}"));
    assert!(entrance["count"].as_i64().unwrap() >= 2, "{sum}");
    assert!(
        sum["by_vendor"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["count"].as_i64().unwrap() >= 2),
        "{sum}"
    );

    // Signage: a group of both cameras, a check, its photo.
    let (s, g) = manager
        .post(
            &format!("/api/v1/units/{unit}/video/signage-groups"),
            json!({"name": "东门", "camera_ids": [a["id"], b["id"]]}),
        )
        .await;
    assert_eq!(s, 201, "{g}");
    let (s, v) = manager
        .post(
            &format!("/api/v1/units/{unit}/video/signage-groups"),
            json!({"name": "东门"}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (409, "conflict"), "{v}");
    let gid = g["id"].as_str().unwrap();
    let (s, c) = manager
        .post(
            &format!("/api/v1/units/{unit}/video/signage-groups/{gid}/checks"),
            json!({"checked_on": today, "checked_by": "王保卫", "present": true}),
        )
        .await;
    assert_eq!(s, 201, "{c}");
    let (_, sum) = manager.get(&format!("/api/v1/units/{unit}/video/summary")).await;
    assert_eq!(
        (sum["signage_groups"].as_i64(), sum["signage_without_evidence"].as_i64()),
        (Some(1), Some(1)),
        "{sum}"
    );
    let cid = c["id"].as_str().unwrap();
    let photo = |bytes: Vec<u8>, mime: &str| {
        reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(bytes)
                .file_name("sign.png")
                .mime_str(mime)
                .unwrap(),
        )
    };
    let url = format!("{}/api/v1/units/{unit}/video/signage-checks/{cid}/photo", manager.base);
    let r = manager
        .http
        .post(&url)
        .bearer_auth(&manager.token)
        .multipart(photo(b"%PDF-1.4".to_vec(), "application/pdf"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "a photo is an image");
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89".to_vec();
    let r = manager
        .http
        .post(&url)
        .bearer_auth(&manager.token)
        .multipart(photo(png, "image/png"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let (_, sum) = manager.get(&format!("/api/v1/units/{unit}/video/summary")).await;
    assert_eq!(sum["signage_with_evidence"], 1, "{sum}");
    let (_, groups) = station.get(&format!("/api/v1/units/{unit}/video/signage-groups")).await;
    let pid = groups[0]["checks"][0]["photo_id"]
        .as_str()
        .unwrap_or_else(|| panic!("{groups}"));
    let (s, _) = station.get(&format!("/api/v1/attachments/{pid}")).await;
    assert_eq!(s, 200, "police see the evidence");

    // The page shows it all.
    let br = app.browser("demo_unit", DEMO_PASSWORD).await;
    let page = br
        .get(app.url(&format!("/units/{unit}/video")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("东门") && page.contains("30 日") && page.contains("出入口"),
        "{page}"
    );
}
