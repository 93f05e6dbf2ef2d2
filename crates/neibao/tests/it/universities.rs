//! Universities (docs/UNIVERSITIES.md; R39, R84–R88) over HTTP on both backends: the county
//! registers a university, its security manager keeps its organisation, colleges, campuses
//! (key areas, police station), dormitory buildings and duty roster; a camera inside a dormitory
//! room is refused (R85) and one on a dormitory building must say where it is; city police set
//! a semester and schedule it: two inspection campaigns over the city's universities (R86) and
//! the safety-week reminder, and scheduling again launches nothing; the semester shows the
//! university's drills; another county's university is 404, a unit's manager sees only their
//! own; a replayed create makes one record; bad input is a 400 in Chinese.

use chrono::{Duration, Utc};
use serde_json::{json, Value};

use crate::common::*;

async fn keyed(c: &Client, path: &str, key: &str, body: &Value) -> (u16, Value) {
    let r = c
        .http
        .post(format!("{}{}", c.base, path))
        .bearer_auth(&c.token)
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

/// A university registered by the county in the demo unit's division and police station, and a
/// security manager account of it. Returns (unit id, manager client).
async fn university(app: &TestApp) -> (String, Client) {
    let admin = app.admin().await;
    let county = app.client_for("demo_county").await;
    let (_, me) = app.client_for("demo_unit").await.get("/api/v1/me").await;
    let (_, demo) = admin
        .get(&format!("/api/v1/units/{}", me["unit_id"].as_str().unwrap()))
        .await;
    let (s, u) = county
        .post(
            "/api/v1/units",
            json!({"name": "测试理工大学", "kind": "public_institution", "is_university": true,
                   "uscc": uscc("12330100MB0000701"), "division_code": demo["division_code"],
                   "address": "学院路1号", "police_station_id": demo["police_station_id"]}),
        )
        .await;
    assert_eq!(s, 201, "{u}");
    let id = u["id"].as_str().unwrap().to_string();
    let (s, acc) = admin
        .post(
            "/api/v1/users",
            json!({"username": "uni_manager", "display_name": "高校保卫处长", "role": "unit_manager", "unit_id": id}),
        )
        .await;
    assert_eq!(s, 201, "{acc}");
    (id, app.client_for("uni_manager").await)
}

#[tokio::test]
async fn a_university_keeps_its_organisation_and_refuses_dormitory_room_cameras() {
    let app = TestApp::demo().await;
    let (unit, manager) = university(&app).await;
    let path = format!("/api/v1/units/{unit}/university");

    // Before the first save: the registry unit, version 0, nothing yet.
    let (s, p) = manager.get(&path).await;
    assert_eq!(s, 200, "{p}");
    assert_eq!(
        (p["is_university"].as_bool(), p["version"].as_i64()),
        (Some(true), Some(0))
    );
    let (s, v) = manager
        .put(
            &path,
            json!({"version": 0, "party_secretary": "王书记", "president": "李校长", "security_office": " "}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    assert!(error_message(&v).contains("保卫处"), "{v}");
    let (s, p) = manager
        .put(
            &path,
            json!({"version": 0, "party_secretary": "王书记", "president": "李校长", "security_office": "保卫处", "security_office_head": "赵处长"}),
        )
        .await;
    assert_eq!(s, 200, "{p}");
    assert_eq!(
        (p["version"].as_i64(), p["president"].as_str()),
        (Some(1), Some("李校长"))
    );
    // A stale version is refused.
    let (s, v) = manager
        .put(&path, json!({"version": 0, "security_office": "保卫部"}))
        .await;
    assert_eq!((s, error_code(&v)), (409, "version_conflict"), "{v}");

    // A college: bad input in Chinese; a replay with one key makes one; a second name clash 409.
    let (s, v) = manager
        .post(&format!("{path}/colleges"), json!({"name": "", "head": "张院长"}))
        .await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    assert!(error_message(&v).contains("院系名称不能为空"), "{v}");
    let body = json!({"name": "化学学院", "head": "张院长", "safety_officer": "陈老师"});
    let (s1, c1) = keyed(&manager, &format!("{path}/colleges"), "uni-college-1", &body).await;
    let (s2, c2) = keyed(&manager, &format!("{path}/colleges"), "uni-college-1", &body).await;
    assert_eq!((s1, s2), (201, 201), "{c1} {c2}");
    assert_eq!(c1["id"], c2["id"]);
    let (s, v) = manager.post(&format!("{path}/colleges"), body.clone()).await;
    assert_eq!((s, error_code(&v)), (409, "conflict"), "{v}");

    // A campus with its police station and key areas (registry key areas of the unit).
    let (_, u) = manager.get(&format!("/api/v1/units/{unit}")).await;
    let (s, v) = manager
        .post(
            &format!("{path}/campuses"),
            json!({"name": "紫金港校区", "police_station_id": "no-such-station"}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    let (s, campus) = manager
        .post(
            &format!("{path}/campuses"),
            json!({"name": "紫金港校区", "address": "余杭塘路1号", "police_station_id": u["police_station_id"],
                   "key_areas": ["危化品实验室", "档案馆", "危化品实验室"]}),
        )
        .await;
    assert_eq!(s, 201, "{campus}");
    assert_eq!(campus["key_areas"].as_array().unwrap().len(), 2, "{campus}");
    assert!(campus["police_station_name"].is_string(), "{campus}");
    let campus_id = campus["id"].as_str().unwrap();
    let (_, areas) = manager.get(&format!("/api/v1/units/{unit}/key_areas")).await;
    assert!(areas.to_string().contains("紫金港校区·档案馆"), "{areas}");

    // A dormitory building: its key area takes no camera inside a room (R85).
    let (s, v) = manager
        .post(
            &format!("{path}/dormitories"),
            json!({"campus_id": "nope", "name": "1号楼"}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    let (s, dorm) = manager
        .post(
            &format!("{path}/dormitories"),
            json!({"campus_id": campus_id, "name": "1号楼", "rooms": 200}),
        )
        .await;
    assert_eq!(s, 201, "{dorm}");
    let area = dorm["key_area_id"].as_str().unwrap();
    let camera = |loc: Option<&str>| {
        json!({"unit_id": unit, "key_area_id": area, "format": "hikvision", "kind": "camera",
               "name": "宿舍楼摄像机", "location_type": loc})
    };
    let (s, v) = manager.post("/api/v1/devices", camera(Some("student_dormitory"))).await;
    assert_eq!((s, error_code(&v)), (422, "prohibited_camera_location"), "{v}");
    let (s, v) = manager.post("/api/v1/devices", camera(None)).await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    assert!(error_message(&v).contains("宿舍"), "{v}");
    let (s, v) = manager.post("/api/v1/devices", camera(Some("entrance"))).await;
    assert_eq!(s, 201, "a camera at the building's entrance is fine: {v}");

    // The duty roster.
    let (s, v) = manager
        .post(
            &format!("{path}/duty"),
            json!({"holiday": "国庆节", "person": "刘老师"}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    assert!(error_message(&v).contains("值班日期"), "{v}");
    let (s, d) = manager
        .post(
            &format!("{path}/duty"),
            json!({"date": "2026-10-01", "holiday": "国庆节", "person": "刘老师", "post": "值班领导"}),
        )
        .await;
    assert_eq!(s, 201, "{d}");
    let (_, p) = manager.get(&path).await;
    assert_eq!(p["colleges"].as_array().unwrap().len(), 1, "{p}");
    assert_eq!(p["campuses"].as_array().unwrap().len(), 1, "{p}");
    assert_eq!(p["dormitories"].as_array().unwrap().len(), 1, "{p}");
    assert_eq!(p["duty"][0]["person"], "刘老师", "{p}");

    // Scope: another county's police and another unit's manager do not find it; a guard of
    // another unit neither; the unit's station and county do, and police may write, the
    // department may not.
    for who in ["demo_county_other", "demo_unit", "demo_guard"] {
        let c = app.client_for(who).await;
        let (s, v) = c.get(&path).await;
        assert_eq!(s, 404, "{who}: {v}");
        let (s, v) = c
            .post(&format!("{path}/colleges"), json!({"name": "外人", "head": "外人"}))
            .await;
        assert!(s == 403 || s == 404, "{who}: {s} {v}");
    }
    let (s, _) = app.client_for("demo_station").await.get(&path).await;
    assert_eq!(s, 200);
    let (s, v) = app
        .client_for("demo_department")
        .await
        .post(&format!("{path}/colleges"), json!({"name": "部门", "head": "部门"}))
        .await;
    assert_eq!(s, 403, "{v}");
    // A unit that is not a university: writing its profile is refused (409).
    let (_, me) = app.client_for("demo_unit").await.get("/api/v1/me").await;
    let (s, v) = app
        .client_for("demo_unit")
        .await
        .put(
            &format!("/api/v1/units/{}/university", me["unit_id"].as_str().unwrap()),
            json!({"version": 0, "security_office": "保卫科"}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (409, "invalid_transition"), "{v}");
}

#[tokio::test]
async fn a_semester_schedules_two_inspections_once_and_reminds_the_safety_week() {
    let app = TestApp::demo().await;
    let (unit, manager) = university(&app).await;
    let city = app.client_for("demo_city").await;
    let today = (Utc::now() + Duration::hours(8)).date_naive();
    let starts = today + Duration::days(1);
    let ends = today + Duration::days(200);
    let body = json!({"city_code": "330100", "name": "测试学期", "starts_on": starts, "ends_on": ends,
                      "holidays": [{"name": "清明节", "from": starts + Duration::days(10), "to": starts + Duration::days(12)}]});

    // Who and what: county police may not; a county code or a reversed semester is a 400 in
    // Chinese; a city outside the city's jurisdiction is refused.
    let (s, v) = app
        .client_for("demo_county")
        .await
        .post("/api/v1/semesters", body.clone())
        .await;
    assert_eq!(s, 403, "{v}");
    let (s, v) = city
        .post(
            "/api/v1/semesters",
            json!({"city_code": "330106", "name": "学期", "starts_on": starts, "ends_on": ends}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    assert!(error_message(&v).contains("设区市"), "{v}");
    let (s, v) = city
        .post(
            "/api/v1/semesters",
            json!({"city_code": "330100", "name": "学期", "starts_on": ends, "ends_on": starts}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    assert!(error_message(&v).contains("结束日期"), "{v}");
    let (s, v) = city
        .post(
            "/api/v1/semesters",
            json!({"city_code": "330200", "name": "学期", "starts_on": starts, "ends_on": ends}),
        )
        .await;
    assert_eq!(s, 403, "{v}");

    // A replayed create makes one semester.
    let (s1, sem) = keyed(&city, "/api/v1/semesters", "uni-semester-1", &body).await;
    let (s2, again) = keyed(&city, "/api/v1/semesters", "uni-semester-1", &body).await;
    assert_eq!((s1, s2), (201, 201), "{sem} {again}");
    assert_eq!(sem["id"], again["id"]);
    let (_, list) = city.get("/api/v1/semesters").await;
    assert_eq!(list["total"], 1, "{list}");
    let id = sem["id"].as_str().unwrap();
    assert!(
        sem["safety_week_from"].is_string(),
        "a semester over March holds the safety week: {sem}"
    );

    // The university plans a drill in the semester: the semester counts it.
    let (s, v) = manager
        .post(
            &format!("/api/v1/units/{unit}/drills"),
            json!({"scenario": "fire", "title": "宿舍楼消防疏散演练", "planned_at": Utc::now() + Duration::days(5), "participants_count": 300}),
        )
        .await;
    assert_eq!(s, 201, "{v}");

    // Scheduling launches two campaigns (middle and end of the semester) over the city's
    // universities; a second run launches none and keeps the same campaigns.
    let (s, r) = app
        .client_for("demo_county")
        .await
        .post(&format!("/api/v1/semesters/{id}/schedule"), json!({}))
        .await;
    assert_eq!(s, 403, "{r}");
    let (s, r) = city.post(&format!("/api/v1/semesters/{id}/schedule"), json!({})).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["launched"], 2, "{r}");
    assert!(r["reminders"].as_i64().unwrap() >= 1, "{r}");
    let rounds = r["rounds"].as_array().unwrap().clone();
    assert_eq!(rounds.len(), 2, "{r}");
    assert_eq!(rounds[1]["due_on"], json!(ends), "{r}");
    let (s, r2) = city.post(&format!("/api/v1/semesters/{id}/schedule"), json!({})).await;
    assert_eq!(s, 200, "{r2}");
    assert_eq!(r2["launched"], 0, "{r2}");
    assert_eq!(r2["rounds"], json!(rounds), "{r2}");
    let (_, campaigns) = city.get("/api/v1/campaigns?per_page=200").await;
    let ours: Vec<&Value> = campaigns["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["title"].as_str().unwrap_or("").starts_with("测试学期"))
        .collect();
    assert_eq!(ours.len(), 2, "{campaigns}");
    // Each campaign holds an inspection of the university with the university checklist.
    let campaign = rounds[0]["campaign_id"].as_str().unwrap();
    let (_, inspections) = city
        .get(&format!("/api/v1/inspections?campaign_id={campaign}&per_page=200"))
        .await;
    let mine = inspections["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["unit_id"] == unit.as_str())
        .unwrap_or_else(|| panic!("no inspection of the university: {inspections}"))
        .clone();
    let (_, checklist) = city
        .get(&format!(
            "/api/v1/checklists/{}",
            mine["checklist_id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(checklist["variant"], "universities", "{checklist}");
    for code in ["U6", "U7", "U8", "U9", "U10", "U11", "U12"] {
        assert!(
            checklist.to_string().contains(&format!("\"{code}\"")),
            "{code}: {checklist}"
        );
    }

    // The safety-week reminder reached the university's inbox, once.
    let (_, inbox) = manager.get("/api/v1/inbox").await;
    let reminders = inbox.to_string().matches("学校安全教育周").count();
    assert_eq!(reminders, 1, "{inbox}");

    // The semester shows the university with its drill; the manager sees the semester of their
    // city, another county's police see the university not, another city's semester is 404.
    let (s, d) = manager.get(&format!("/api/v1/semesters/{id}")).await;
    assert_eq!(s, 200, "{d}");
    let row = d["universities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit_id"] == unit.as_str())
        .unwrap_or_else(|| panic!("{d}"))
        .clone();
    assert_eq!(row["drills_planned"], 1, "{d}");
    assert_eq!(
        d["universities"].as_array().unwrap().len(),
        1,
        "a manager sees their own: {d}"
    );
    let (_, other) = app
        .client_for("demo_county_other")
        .await
        .get(&format!("/api/v1/semesters/{id}"))
        .await;
    assert!(
        !other.to_string().contains(&unit),
        "another county's police do not see the university: {other}"
    );
    let (s, ningbo) = app
        .client_for("demo_province")
        .await
        .post(
            "/api/v1/semesters",
            json!({"city_code": "330200", "name": "宁波学期", "starts_on": starts, "ends_on": ends}),
        )
        .await;
    assert_eq!(s, 201, "{ningbo}");
    let (s, v) = city
        .get(&format!("/api/v1/semesters/{}", ningbo["id"].as_str().unwrap()))
        .await;
    assert_eq!(s, 404, "{v}");
    let (s, v) = manager
        .post(
            &format!("/api/v1/semesters/{}/schedule", ningbo["id"].as_str().unwrap()),
            json!({}),
        )
        .await;
    assert_eq!(s, 403, "{v}");
}

/// The semester `matrix_objects` made for the unit's city (tests/it/authz.rs).
pub(crate) fn matrix_semester(o: &crate::authz::Objects) -> String {
    format!("matrix-sem-{}", o.unit["id"].as_str().unwrap())
}

/// A semester of the unit's city that ended long ago (scheduling it is 409), made in the
/// database.
pub(crate) async fn matrix_objects(app: &TestApp, unit: &str) {
    app.exec_sql(&format!(
        "INSERT INTO university_semesters (id, city_code, name, starts_on, ends_on, safety_week_from, holidays, created_by, created_at) \
         SELECT 'matrix-sem-{unit}', substr(division_code, 1, 4) || '00', '矩阵学期{unit}', '2000-02-20', '2000-07-10', NULL, '[]', '矩阵', 0 \
         FROM units WHERE id = '{unit}' ON CONFLICT (id) DO NOTHING;"
    ))
    .await;
}
