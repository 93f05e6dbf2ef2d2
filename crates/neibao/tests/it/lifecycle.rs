//! The registry's lifecycle (issue 12, "The registry's whole lifecycle"; docs/REGISTRY.md): units,
//! key areas and devices are edited with optimistic versions (the second of two editors is told,
//! nothing is overwritten), a unit is moved to another police station, units, key areas and
//! devices are deactivated, reactivated and closed, and every change is in the unit's history.
//! Runs on SQLite and, with NEIBAO_TEST_BACKEND=postgres, on PostgreSQL.

use serde_json::{json, Value};

use crate::common::*;
use crate::common::{error_code as code, error_message as message};

async fn patch(c: &Client, path: &str, body: Value) -> (u16, Value) {
    c.send(reqwest::Method::PATCH, path, Some(body)).await
}

/// The sentences of a unit's history, newest first.
async fn history(c: &Client, unit: &str) -> Vec<String> {
    let (s, v) = c.get(&format!("/api/v1/units/{unit}/history")).await;
    assert_eq!(s, 200, "{v}");
    v.as_array()
        .unwrap()
        .iter()
        .map(|h| h["sentence"].as_str().unwrap().to_string())
        .collect()
}

/// The stations of Xihu (330106) in the demo: two different ones.
async fn two_stations(admin: &Client) -> (String, String, String, String) {
    let (_, v) = admin
        .get("/api/v1/organisations?kind=police_station&division=330106")
        .await;
    let list = v.as_array().unwrap();
    assert!(list.len() >= 2, "two stations in Xihu: {v}");
    let f = |i: usize| {
        (
            list[i]["id"].as_str().unwrap().to_string(),
            list[i]["name"].as_str().unwrap().to_string(),
        )
    };
    let ((a, an), (b, bn)) = (f(0), f(1));
    (a, an, b, bn)
}

/// Registers a unit in Xihu under `station` and returns it.
async fn unit_under(admin: &Client, name: &str, uscc_body: &str, station: &str) -> Value {
    let (s, v) = admin
        .post(
            "/api/v1/units",
            json!({"name": name, "kind": "enterprise", "uscc": uscc(uscc_body), "division_code": "330106",
                   "address": "测试路8号", "police_station_id": station,
                   "responsible_persons": [{"role": "security_head", "name": "王保卫", "phone": "13800138000"}]}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    assert_eq!((v["version"].as_i64(), v["state"].as_str()), (Some(1), Some("active")));
    v
}

/// The unit's entry as a PUT body at `version`, renamed.
fn entry(u: &Value, version: i64, name: &str) -> Value {
    json!({"version": version, "name": name, "kind": u["kind"], "uscc": u["uscc"], "division_code": u["division_code"],
           "address": u["address"], "police_station_id": u["police_station_id"],
           "responsible_persons": [{"role": "security_head", "name": "李保卫", "phone": "13800138001"}]})
}

#[tokio::test]
async fn two_editors_of_the_same_unit_the_second_is_told_and_nothing_is_overwritten() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let county = app.client_for("demo_county").await;
    let (a, _, _, _) = two_stations(&admin).await;
    let u = unit_under(&admin, "版本测试单位", "91330106MA2K00001", &a).await;
    let id = u["id"].as_str().unwrap();
    // Both read version 1; the first saves, the second is refused with 409, nothing written.
    let (_, seen_by_county) = county.get(&format!("/api/v1/units/{id}")).await;
    assert_eq!(seen_by_county["version"], 1);
    let (s, v) = admin
        .put(&format!("/api/v1/units/{id}"), entry(&u, 1, "版本测试单位（管理员改）"))
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["version"], 2);
    let (s, v) = county
        .put(
            &format!("/api/v1/units/{id}"),
            entry(&seen_by_county, 1, "版本测试单位（分局改）"),
        )
        .await;
    assert_eq!((s, code(&v)), (409, "version_conflict"), "{v}");
    assert!(message(&v).contains("已被他人修改"), "{v}");
    let (_, now) = admin.get(&format!("/api/v1/units/{id}")).await;
    assert_eq!(now["name"], "版本测试单位（管理员改）");
    assert_eq!(now["version"], 2);
    // With the version read again, the second editor's change goes through.
    let (s, v) = county
        .put(&format!("/api/v1/units/{id}"), entry(&now, 2, "版本测试单位（分局改）"))
        .await;
    assert_eq!(s, 200, "{v}");
    // The history (newest first) says who changed what, persons included.
    let h = history(&admin, id).await;
    assert_eq!(h.len(), 3, "{h:?}");
    assert!(
        h[0].contains("demo_county")
            && h[0].contains("名称由「版本测试单位（管理员改）」改为「版本测试单位（分局改）」"),
        "{h:?}"
    );
    assert!(
        h[1].contains("admin") && h[1].contains("责任人由「保卫负责人 王保卫」改为「保卫负责人 李保卫」"),
        "{h:?}"
    );
    assert!(h[2].contains("登记单位「版本测试单位」"), "{h:?}");
    // A missing version is refused before anything is looked at.
    let mut body = entry(&now, 2, "无版本");
    body.as_object_mut().unwrap().remove("version");
    let (s, _) = admin.put(&format!("/api/v1/units/{id}"), body).await;
    assert!(s == 400 || s == 422, "{s}");
    // The audit has the update.
    let (_, log) = admin.get("/api/v1/audit?action=unit.update&per_page=50").await;
    assert!(log.to_string().contains(id), "{log}");

    // The page: a stale move form is refused with 409, the reason, and the choice kept.
    let (_, _, b_station, _) = two_stations(&admin).await;
    let b = app.browser("admin", ADMIN_PASSWORD).await;
    let html = b
        .get(app.url(&format!("/units/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("变更记录") && html.contains("移交管辖"), "the page");
    let r = b
        .post(app.url(&format!("/units/{id}/move")))
        .form(&[
            ("csrf_token", csrf_of(&html).as_str()),
            ("version", "1"),
            ("police_station_id", b_station.as_str()),
            ("competent_department_id", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("已被他人修改") && html.contains("您填写的内容仍在表单中"),
        "{html}"
    );
    assert!(
        html.contains(&format!("value=\"{b_station}\" selected")),
        "the station chosen stays chosen"
    );
    let (_, still) = admin.get(&format!("/api/v1/units/{id}")).await;
    assert_eq!(still["police_station_id"], a.as_str(), "nothing moved");
}

#[tokio::test]
async fn a_moved_unit_leaves_the_old_station_and_reaches_the_new_one() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let (_, me) = app.client_for("demo_station").await.get("/api/v1/me").await;
    let old_station = me["org_id"].as_str().expect("the demo station").to_string();
    let (_, v) = admin
        .get("/api/v1/organisations?kind=police_station&division=330106")
        .await;
    let new_station = v
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_string())
        .find(|o| *o != old_station)
        .expect("another station in Xihu");
    let u = unit_under(&admin, "移交测试单位", "91330106MA2K00002", &old_station).await;
    let id = u["id"].as_str().unwrap();
    let old_officer = app.client_for("demo_station").await;
    assert_eq!(old_officer.get(&format!("/api/v1/units/{id}")).await.0, 200);
    // A station does not hand a unit over itself.
    let (s, v) = old_officer
        .post(
            &format!("/api/v1/units/{id}/move"),
            json!({"version": 1, "police_station_id": new_station}),
        )
        .await;
    assert_eq!((s, code(&v)), (403, "forbidden"), "{v}");
    // The county bureau moves it.
    let county = app.client_for("demo_county").await;
    let (s, v) = county
        .post(
            &format!("/api/v1/units/{id}/move"),
            json!({"version": 1, "police_station_id": new_station}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        (v["police_station_id"].as_str(), v["version"].as_i64()),
        (Some(new_station.as_str()), Some(2))
    );
    // Unchanged, or stale: refused.
    let (s, v) = county
        .post(
            &format!("/api/v1/units/{id}/move"),
            json!({"version": 2, "police_station_id": new_station}),
        )
        .await;
    assert_eq!((s, code(&v)), (400, "validation_failed"), "{v}");
    let (s, v) = county
        .post(
            &format!("/api/v1/units/{id}/move"),
            json!({"version": 1, "police_station_id": old_station}),
        )
        .await;
    assert_eq!((s, code(&v)), (409, "version_conflict"), "{v}");
    // The old station's officer no longer sees it; an officer of the new station does.
    assert_eq!(old_officer.get(&format!("/api/v1/units/{id}")).await.0, 404);
    let (_, list) = old_officer.get("/api/v1/units?q=移交测试单位").await;
    assert_eq!(list["total"], 0, "{list}");
    let (s, acc) = admin
        .post(
            "/api/v1/users",
            json!({"username": "move.officer", "display_name": "新所民警", "role": "police_station", "org_id": new_station}),
        )
        .await;
    assert_eq!(s, 201, "{acc}");
    let new_officer = app.client_for("move.officer").await;
    assert_eq!(new_officer.get(&format!("/api/v1/units/{id}")).await.0, 200);
    let h = history(&admin, id).await;
    assert!(
        h[0].contains("demo_county 将单位「移交测试单位」的管辖派出所由「"),
        "{h:?}"
    );
    let (_, log) = admin.get("/api/v1/audit?action=unit.move&per_page=20").await;
    assert!(log.to_string().contains(id), "{log}");
}

#[tokio::test]
async fn a_closed_unit_stays_readable_but_takes_nothing_new_and_open_hazards_block_closing() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let county = app.client_for("demo_county").await;
    let (a, _, _, _) = two_stations(&admin).await;
    let u = unit_under(&admin, "注销测试单位", "91330106MA2K00003", &a).await;
    let id = u["id"].as_str().unwrap();
    let (s, area) = admin
        .post(&format!("/api/v1/units/{id}/key_areas"), json!({"name": "财务室"}))
        .await;
    assert_eq!(s, 201, "{area}");
    let (_device, path) = create_device(&admin, id, area["id"].as_str(), "hikvision").await;

    // An open hazard blocks closing, named in the refusal.
    let (s, h) = county
        .post(
            "/api/v1/hazards",
            json!({"unit_id": id, "title": "消防通道堵塞", "class": "general", "source": "report"}),
        )
        .await;
    assert_eq!(s, 201, "{h}");
    let (s, v) = admin
        .post(&format!("/api/v1/units/{id}/close"), json!({"version": 1}))
        .await;
    assert_eq!((s, code(&v)), (409, "invalid_transition"), "{v}");
    assert!(message(&v).contains("未办结的隐患（含整改指令） 1 条"), "{v}");
    let (_, still) = admin.get(&format!("/api/v1/units/{id}")).await;
    assert_eq!(
        (still["state"].as_str(), still["version"].as_i64()),
        (Some("active"), Some(1))
    );
    // The hazard dismissed, the unit is deactivated, then closed.
    let (s, v) = county
        .post(
            &format!("/api/v1/hazards/{}/actions", h["id"].as_str().unwrap()),
            json!({"action": "dismiss", "reason": "经核实不构成隐患"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = admin
        .post(&format!("/api/v1/units/{id}/deactivate"), json!({"version": 1}))
        .await;
    assert_eq!((s, v["state"].as_str()), (200, Some("deactivated")), "{v}");
    let (s, v) = admin
        .post(&format!("/api/v1/units/{id}/deactivate"), json!({"version": 2}))
        .await;
    assert_eq!((s, code(&v)), (409, "invalid_transition"), "{v}");
    let (s, v) = admin
        .post(&format!("/api/v1/units/{id}/close"), json!({"version": 2}))
        .await;
    assert_eq!((s, v["state"].as_str()), (200, Some("closed")), "{v}");
    assert!(v["closed_at"].is_string(), "{v}");

    // Readable: by id, in the closed list; not in the default (live) list.
    assert_eq!(admin.get(&format!("/api/v1/units/{id}")).await.0, 200);
    let (_, live) = admin.get("/api/v1/units?q=注销测试单位").await;
    assert_eq!(live["total"], 0, "{live}");
    let (_, closed) = admin.get("/api/v1/units?q=注销测试单位&state=closed").await;
    assert_eq!(closed["total"], 1, "{closed}");
    let (_, all) = admin.get("/api/v1/units?q=注销测试单位&state=all").await;
    assert_eq!(all["total"], 1, "{all}");
    let (s, v) = admin.get("/api/v1/units?state=gone").await;
    assert_eq!((s, code(&v)), (400, "validation_failed"), "{v}");
    assert_eq!(admin.get(&format!("/api/v1/units/{id}/key_areas")).await.0, 200);
    // Nothing new, no changes.
    let (s, v) = admin
        .post(&format!("/api/v1/units/{id}/key_areas"), json!({"name": "新部位"}))
        .await;
    assert_eq!((s, code(&v)), (409, "invalid_transition"), "{v}");
    assert!(message(&v).contains("已注销"), "{v}");
    let (s, v) = admin
        .post(
            "/api/v1/devices",
            json!({"unit_id": id, "format": "hikvision", "name": "注销后摄像机"}),
        )
        .await;
    assert_eq!((s, code(&v)), (409, "invalid_transition"), "{v}");
    let (s, v) = county.post("/api/v1/inspections", json!({"unit_id": id})).await;
    assert_eq!((s, code(&v)), (409, "invalid_transition"), "{v}");
    let (s, v) = admin
        .put(&format!("/api/v1/units/{id}"), entry(&u, 3, "注销后改名"))
        .await;
    assert_eq!((s, code(&v)), (409, "invalid_transition"), "{v}");
    let (s, v) = admin
        .post(&format!("/api/v1/units/{id}/reactivate"), json!({"version": 3}))
        .await;
    assert_eq!((s, code(&v)), (409, "invalid_transition"), "{v}");
    // Its devices' events are refused.
    let (s, v) = app
        .ingest(
            &path,
            "multipart/form-data; boundary=boundary",
            fixture("hikvision-isapi-alert/httphost_push_linedetection_multipart.bin"),
        )
        .await;
    assert_eq!((s, code(&v)), (401, "unknown_ingest_token"), "{v}");
    // The page says so and offers no forms to add.
    let b = app.browser("admin", ADMIN_PASSWORD).await;
    let html = b
        .get(app.url(&format!("/units/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("id=\"closed-notice\"") && html.contains("本单位已注销"),
        "{html}"
    );
    assert!(
        !html.contains("<h2>登记设备</h2>") && !html.contains(&format!("action=\"/units/{id}/key_areas\"")),
        "{html}"
    );
    let h = history(&admin, id).await;
    assert!(h[0].contains("admin 注销单位「注销测试单位」"), "{h:?}");
    assert!(h[1].contains("admin 停用单位「注销测试单位」"), "{h:?}");
}

#[tokio::test]
async fn a_deactivated_device_raises_nothing_until_reactivated() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let (a, _, _, _) = two_stations(&admin).await;
    let u = unit_under(&admin, "设备停用测试单位", "91330106MA2K00004", &a).await;
    let id = u["id"].as_str().unwrap();
    let (s, area) = admin
        .post(&format!("/api/v1/units/{id}/key_areas"), json!({"name": "机房"}))
        .await;
    assert_eq!(s, 201, "{area}");
    let area_id = area["id"].as_str().unwrap();
    let (device, path) = create_device(&admin, id, Some(area_id), "hikvision").await;
    let push = || {
        app.ingest(
            &path,
            "multipart/form-data; boundary=boundary",
            fixture("hikvision-isapi-alert/httphost_push_linedetection_multipart.bin"),
        )
    };
    let (s, v) = push().await;
    assert_eq!(s, 200, "{v}");
    let (_, before) = admin.get(&format!("/api/v1/alerts?device_id={device}")).await;
    let alerts_before = before["total"].as_i64().unwrap();
    assert!(alerts_before >= 1, "{before}");

    let (s, d) = admin
        .post(&format!("/api/v1/devices/{device}/deactivate"), json!({"version": 1}))
        .await;
    assert_eq!(
        (s, d["state"].as_str(), d["version"].as_i64()),
        (200, Some("deactivated"), Some(2)),
        "{d}"
    );
    let (s, v) = push().await;
    assert_eq!((s, code(&v)), (401, "unknown_ingest_token"), "{v}");
    let (_, after) = admin.get(&format!("/api/v1/alerts?device_id={device}")).await;
    assert_eq!(after["total"].as_i64().unwrap(), alerts_before, "no new alert");
    // Stale: refused. Back in use: taken again.
    let (s, v) = admin
        .post(&format!("/api/v1/devices/{device}/reactivate"), json!({"version": 1}))
        .await;
    assert_eq!((s, code(&v)), (409, "version_conflict"), "{v}");
    let (s, d) = admin
        .post(&format!("/api/v1/devices/{device}/reactivate"), json!({"version": 2}))
        .await;
    assert_eq!((s, d["state"].as_str()), (200, Some("active")), "{d}");
    let (s, v) = push().await;
    assert_eq!(s, 200, "{v}");

    // Edits: rename and leave the key area; a stale one refused.
    let (s, d) = patch(
        &admin,
        &format!("/api/v1/devices/{device}"),
        json!({"version": 3, "name": "北门摄像机", "key_area_id": ""}),
    )
    .await;
    assert_eq!(
        (s, d["name"].as_str(), d["key_area_id"].is_null()),
        (200, Some("北门摄像机"), true),
        "{d}"
    );
    let (s, v) = patch(
        &admin,
        &format!("/api/v1/devices/{device}"),
        json!({"version": 3, "name": "南门摄像机"}),
    )
    .await;
    assert_eq!((s, code(&v)), (409, "version_conflict"), "{v}");

    // Key areas: edited with versions; closed only once no device in use sits in it.
    let (s, v) = patch(
        &admin,
        &format!("/api/v1/key_areas/{area_id}"),
        json!({"version": 1, "name": "中心机房", "description": "二楼"}),
    )
    .await;
    assert_eq!((s, v["version"].as_i64()), (200, Some(2)), "{v}");
    let (s, v) = patch(
        &admin,
        &format!("/api/v1/key_areas/{area_id}"),
        json!({"version": 1, "name": "旧机房"}),
    )
    .await;
    assert_eq!((s, code(&v)), (409, "version_conflict"), "{v}");
    let (second, _) = create_device(&admin, id, Some(area_id), "hikvision").await;
    let (s, v) = admin
        .post(&format!("/api/v1/key_areas/{area_id}/close"), json!({"version": 2}))
        .await;
    assert_eq!((s, code(&v)), (409, "invalid_transition"), "{v}");
    assert!(message(&v).contains("未注销的设备 1 台"), "{v}");
    let (s, v) = admin
        .post(&format!("/api/v1/devices/{second}/close"), json!({"version": 1}))
        .await;
    assert_eq!((s, v["state"].as_str()), (200, Some("closed")), "{v}");
    let (s, v) = admin
        .post(&format!("/api/v1/key_areas/{area_id}/close"), json!({"version": 2}))
        .await;
    assert_eq!((s, v["state"].as_str()), (200, Some("closed")), "{v}");
    // A closed device and key area take no changes; a device cannot go into a closed area.
    let (s, v) = admin
        .post(&format!("/api/v1/devices/{second}/reactivate"), json!({"version": 2}))
        .await;
    assert_eq!((s, code(&v)), (409, "invalid_transition"), "{v}");
    let (s, v) = patch(
        &admin,
        &format!("/api/v1/devices/{device}"),
        json!({"version": 4, "name": "北门摄像机", "key_area_id": area_id}),
    )
    .await;
    assert_eq!((s, code(&v)), (400, "validation_failed"), "{v}");

    // Everything is in the unit's history, newest first.
    let h = history(&admin, id).await;
    let want = [
        "admin 注销重要部位「中心机房」",
        "admin 注销设备「测试摄像机」",
        "admin 登记设备「测试摄像机」",
        "admin 修改重要部位「机房」：名称由「机房」改为「中心机房」；修改了说明",
        "admin 修改设备「测试摄像机」：名称由「测试摄像机」改为「北门摄像机」；所在重要部位由「机房」改为「无」",
        "admin 恢复在用设备「测试摄像机」",
        "admin 停用设备「测试摄像机」",
        "admin 登记设备「测试摄像机」",
        "admin 新增重要部位「机房」",
        "admin 登记单位「设备停用测试单位」",
    ];
    assert_eq!(h, want, "{h:?}");
    // The unit page lists them under 变更记录.
    let b = app.browser("admin", ADMIN_PASSWORD).await;
    let html = b
        .get(app.url(&format!("/units/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("变更记录") && html.contains("admin 停用设备「测试摄像机」"),
        "{html}"
    );
}

/// The unit's whole entry edited on its own page: saved at the version shown, the persons, the
/// station and the armed schedule kept; a stale form is told, with what was typed. A PUT
/// without `responsible_persons` keeps them too.
#[tokio::test]
async fn the_unit_entry_is_edited_on_its_page_keeping_persons_and_jurisdiction() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let (a, _, _, _) = two_stations(&admin).await;
    let u = unit_under(&admin, "整页修改单位", "91330106MA2K00003", &a).await;
    let id = u["id"].as_str().unwrap();
    let (_, before) = admin.get(&format!("/api/v1/units/{id}/persons")).await;
    assert_eq!(before.as_array().unwrap().len(), 1, "{before}");

    let b = app.browser("demo_county", DEMO_PASSWORD).await;
    let unit_page = b
        .get(app.url(&format!("/units/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        unit_page.contains(&format!("href=\"/units/{id}/edit\"")),
        "the page links the form"
    );
    let form = b.get(app.url(&format!("/units/{id}/edit"))).send().await.unwrap();
    assert_eq!(form.status(), 200);
    let form = form.text().await.unwrap();
    assert!(
        form.contains("value=\"整页修改单位\"") && form.contains("name=\"version\" value=\"1\""),
        "{form}"
    );
    let csrf = csrf_of(&form);
    let fields = |name: &str, version: &str| {
        vec![
            ("csrf_token", csrf.clone()),
            ("version", version.to_string()),
            ("name", name.to_string()),
            ("kind", "public_institution".to_string()),
            ("uscc", u["uscc"].as_str().unwrap().to_string()),
            ("address", u["address"].as_str().unwrap().to_string()),
            ("division_code", "330106".to_string()),
            ("is_key_unit", "true".to_string()),
            ("key_unit_category", "7".to_string()),
        ]
    };
    let r = b
        .post(app.url(&format!("/units/{id}/edit")))
        .form(&fields("整页修改单位（改名）", "1"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "followed to the unit page");
    let (_, now) = admin.get(&format!("/api/v1/units/{id}")).await;
    assert_eq!(
        (
            &now["name"],
            &now["kind"],
            &now["is_key_unit"],
            &now["key_unit_category"],
            &now["version"]
        ),
        (
            &json!("整页修改单位（改名）"),
            &json!("public_institution"),
            &json!(true),
            &json!(7),
            &json!(2)
        ),
        "{now}"
    );
    assert_eq!(now["police_station_id"], a.as_str(), "the station is kept");
    assert_eq!(now["address"], u["address"], "the address sent back as shown is kept");
    let (_, after) = admin.get(&format!("/api/v1/units/{id}/persons")).await;
    assert_eq!(
        after[0]["id"], before[0]["id"],
        "the persons are kept, ids and all: {after}"
    );
    let h = history(&admin, id).await;
    assert!(
        h[0].contains("名称由「整页修改单位」改为「整页修改单位（改名）」") && !h[0].contains("责任人"),
        "{h:?}"
    );

    // The same form again (version 1): refused, the reason, what was typed kept.
    let r = b
        .post(app.url(&format!("/units/{id}/edit")))
        .form(&fields("过时的改名", "1"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("已被他人修改") && html.contains("value=\"过时的改名\""),
        "{html}"
    );
    assert!(
        html.contains("name=\"version\" value=\"2\""),
        "the form now at the current version"
    );
    assert!(
        html.contains("id=\"current-entry\"") && html.contains("<dd>整页修改单位（改名）</dd>"),
        "the entry as the other person saved it, to compare"
    );
    // Bad input: 400, typed text kept, nothing written.
    let r = b
        .post(app.url(&format!("/units/{id}/edit")))
        .form(&fields("", "2"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let (_, same) = admin.get(&format!("/api/v1/units/{id}")).await;
    assert_eq!(same["version"], 2);

    // The API: a PUT without responsible_persons keeps them.
    let mut body = entry(&same, 2, "整页修改单位（接口改名）");
    body.as_object_mut().unwrap().remove("responsible_persons");
    let (s, v) = admin.put(&format!("/api/v1/units/{id}"), body).await;
    assert_eq!(s, 200, "{v}");
    let (_, kept) = admin.get(&format!("/api/v1/units/{id}/persons")).await;
    assert_eq!(kept[0]["id"], before[0]["id"], "{kept}");

    // A guard may not open the form.
    let g = app.browser("demo_guard", DEMO_PASSWORD).await;
    let r = g.get(app.url(&format!("/units/{id}/edit"))).send().await.unwrap();
    assert!(r.status() == 403 || r.status() == 404, "{}", r.status());
}
