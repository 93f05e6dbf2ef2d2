//! Watchlists (布控) and the PIA that gates them (docs/WATCHLISTS.md; R61, R62, R64, R65, R69,
//! R76) over HTTP on both backends: a face list refuses to switch on without an approved PIA; a
//! face event at or above the list's threshold raises one alert and a hit for a human check,
//! below it none and no hit; a plate hit raises an alert; a police list's hits go only to the
//! named organ (another county's officer, the city and the unit get 404); the on-premise
//! recognition service is asked about a face no device compared and its candidate is used.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{Duration, Utc};
use serde_json::{json, Value};

use crate::common::*;

fn expiry() -> String {
    (Utc::now() + Duration::days(90)).format("%Y-%m-%d").to_string()
}

async fn unit_of(c: &Client) -> String {
    let (_, me) = c.get("/api/v1/me").await;
    me["unit_id"].as_str().unwrap().to_string()
}

/// Alerts the client sees for `device`.
async fn alerts_of(c: &Client, device: &str) -> Vec<Value> {
    let (_, v) = c.get("/api/v1/alerts?per_page=200").await;
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["device_id"] == device)
        .cloned()
        .collect()
}

async fn hits_of(c: &Client) -> Vec<Value> {
    let (s, v) = c.get("/api/v1/watchlist-hits?per_page=200").await;
    assert_eq!(s, 200, "{v}");
    v["items"].as_array().unwrap().clone()
}

/// A second manager of `unit`, to approve what the first drafts.
async fn second_manager(app: &TestApp, unit: &str, name: &str) -> Client {
    let (s, v) = app
        .admin()
        .await
        .post(
            "/api/v1/users",
            json!({"username": name, "display_name": "第二保卫负责人", "role": "unit_manager", "unit_id": unit}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    app.client_for(name).await
}

/// A face list of the demo unit, switched on under an approved PIA, with one subject.
async fn face_list(app: &TestApp, manager: &Client, subject: &str, name: &str) -> String {
    let unit = unit_of(manager).await;
    let (s, l) = manager
        .post(
            "/api/v1/watchlists",
            json!({"kind": "face", "name": "重点人员", "legal_basis": "《企业事业单位内部治安保卫条例》第六条，防范滋事人员", "expires_on": expiry(), "threshold": 90}),
        )
        .await;
    assert_eq!(s, 201, "{l}");
    assert_eq!(l["active"], false);
    let id = l["id"].as_str().unwrap().to_string();
    // Without an approved PIA the list stays off.
    let act = format!("/api/v1/watchlists/{id}/activate");
    let (s, v) = manager.post(&act, json!({})).await;
    assert_eq!((s, error_code(&v)), (409, "pia_not_approved"), "{v}");
    assert!(error_message(&v).contains("影响评估"), "{v}");
    let (s, pia) = manager
        .post(
            "/api/v1/pias",
            json!({"purpose": "face_watchlist", "title": "人脸布控影响评估", "necessity": "防范滋事人员进入校园，必要且限于门口",
                   "risks": "误识别可能影响当事人", "safeguards": "本地存储、单独密钥加密、人工核验"}),
        )
        .await;
    assert_eq!(s, 201, "{pia}");
    let pia_id = pia["id"].as_str().unwrap().to_string();
    let (s, v) = manager.post(&act, json!({"pia_id": pia_id})).await;
    assert_eq!(
        (s, error_code(&v)),
        (409, "pia_not_approved"),
        "a draft is not enough: {v}"
    );
    let (s, v) = manager.post(&format!("/api/v1/pias/{pia_id}/approve"), json!({})).await;
    assert_eq!(s, 409, "the drafter cannot approve: {v}");
    let other = second_manager(app, &unit, name).await;
    let (s, v) = other.post(&format!("/api/v1/pias/{pia_id}/approve"), json!({})).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("approved")), "{v}");
    // A PIA is kept three years.
    let (s, v) = other.delete(&format!("/api/v1/pias/{pia_id}"), None).await;
    assert_eq!((s, error_code(&v)), (409, "invalid_transition"), "{v}");
    assert!(error_message(&v).contains("三年"), "{v}");
    // A JPEG-looking reference photo, encrypted with the biometric key.
    let photo = neibao_engine::watchlists::encode_base64(&[0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]);
    let (s, v) = manager
        .post(
            &format!("/api/v1/watchlists/{id}/entries"),
            json!({"entries": [{"subject_name": "张三", "external_subject_id": subject, "photo_base64": photo}]}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v[0]["has_photo"], true);
    let (s, v) = manager.post(&act, json!({"pia_id": pia_id})).await;
    assert_eq!((s, v["active"].as_bool()), (200, Some(true)), "{v}");
    id
}

#[tokio::test]
async fn a_face_above_the_threshold_raises_one_alert_and_below_it_none() {
    let app = TestApp::demo().await;
    let manager = app.client_for("demo_unit").await;
    let unit = unit_of(&manager).await;
    let admin = app.admin().await;
    let (device, path) = create_device(&admin, &unit, None, "generic_json").await;
    let list = face_list(&app, &manager, "S-1001", "wl_m2").await;
    let face = |sim: f64| {
        json!({"type": "face.capture", "region": "南门", "face": {"subject": "S-1001", "similarity": sim}}).to_string()
    };

    // Below the threshold (90): the face is unknown, no alert, no hit.
    let (s, v) = app.ingest(&path, "application/json", face(0.80)).await;
    assert!(s == 200 || s == 202, "{s} {v}");
    assert!(alerts_of(&manager, &device).await.is_empty());
    assert!(hits_of(&manager).await.is_empty());
    // At or above it: one alert, one hit for a human check with its candidates.
    app.ingest(&path, "application/json", face(93.0)).await;
    let alerts = alerts_of(&manager, &device).await;
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0]["rule"], "watchlist.face");
    assert!(
        !alerts[0]["title"].as_str().unwrap().contains("张三"),
        "no bare name in the alert"
    );
    let hits = hits_of(&manager).await;
    assert_eq!(hits.len(), 1, "{hits:?}");
    let hit = &hits[0];
    assert_eq!(hit["watchlist_id"], list.as_str());
    assert_eq!(hit["status"], "pending");
    assert_eq!(hit["alert_id"], alerts[0]["id"]);
    assert!((hit["similarity"].as_f64().unwrap() - 93.0).abs() < 0.01, "{hit}");
    assert_eq!(hit["candidates"][0]["label"], "张三");
    let hit_id = hit["id"].as_str().unwrap().to_string();

    // The review page: the reference photo shown for a purpose, the candidates, the two buttons.
    let page = app
        .browser("demo_unit", DEMO_PASSWORD)
        .await
        .get(app.url(&format!("/watchlist-hits/{hit_id}?purpose=核验布控比中")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("data:image/jpeg;base64,"), "the reference photo");
    assert!(
        page.contains("张三") && page.contains("93.0%") && page.contains("非本人"),
        "{page}"
    );

    // The human check: 非本人 needs a note; once checked, it stays.
    let review = format!("/api/v1/watchlist-hits/{hit_id}/review");
    let (s, v) = manager.post(&review, json!({"decision": "reject"})).await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    let (s, v) = manager
        .post(
            &review,
            json!({"decision": "reject", "note": "比对照片后确认不是同一人"}),
        )
        .await;
    assert_eq!((s, v["status"].as_str()), (200, Some("rejected")), "{v}");
    let (s, _) = manager.post(&review, json!({"decision": "confirm"})).await;
    assert_eq!(s, 409);

    // Guards keep no lists.
    let (s, _) = app.client_for("demo_guard").await.get("/api/v1/watchlists").await;
    assert_eq!(s, 403);
}

#[tokio::test]
async fn a_plate_hit_raises_an_alert() {
    let app = TestApp::demo().await;
    let manager = app.client_for("demo_unit").await;
    let unit = unit_of(&manager).await;
    let (device, path) = create_device(&app.admin().await, &unit, None, "generic_json").await;
    let (s, l) = manager
        .post(
            "/api/v1/watchlists",
            json!({"kind": "plate", "name": "被盗车辆", "legal_basis": "协助查找被盗车辆", "expires_on": expiry()}),
        )
        .await;
    assert_eq!(s, 201, "{l}");
    let id = l["id"].as_str().unwrap();
    let (s, v) = manager
        .post(
            &format!("/api/v1/watchlists/{id}/entries"),
            json!({"entries": [{"plate": "浙a·12345"}]}),
        )
        .await;
    assert_eq!((s, v[0]["plate"].as_str()), (201, Some("浙A12345")), "{v}");
    let (s, v) = manager
        .post(
            &format!("/api/v1/watchlists/{id}/entries"),
            json!({"entries": [{"plate": "浙A"}]}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    // A plate list needs no PIA.
    let (s, v) = manager
        .post(&format!("/api/v1/watchlists/{id}/activate"), json!({}))
        .await;
    assert_eq!(s, 200, "{v}");

    app.ingest(
        &path,
        "application/json",
        json!({"type": "vehicle.plate", "target": "浙B99999"}).to_string(),
    )
    .await;
    assert!(alerts_of(&manager, &device).await.is_empty());
    app.ingest(
        &path,
        "application/json",
        json!({"type": "vehicle.plate", "target": "浙A 12345"}).to_string(),
    )
    .await;
    let alerts = alerts_of(&manager, &device).await;
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0]["rule"], "watchlist.plate");
    let hits = hits_of(&manager).await;
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["candidates"][0]["subject"], "浙A12345");

    // Switched off, it matches nothing.
    let (s, _) = manager
        .post(&format!("/api/v1/watchlists/{id}/deactivate"), json!({}))
        .await;
    assert_eq!(s, 200);
    app.ingest(
        &path,
        "application/json",
        json!({"type": "vehicle.plate", "target": "浙A12345"}).to_string(),
    )
    .await;
    assert_eq!(hits_of(&manager).await.len(), 1);
}

#[tokio::test]
async fn a_police_lists_hits_go_only_to_the_named_organ() {
    let app = TestApp::demo().await;
    let county = app.client_for("demo_county").await;
    let manager = app.client_for("demo_unit").await;
    let unit = unit_of(&manager).await;
    let (device, path) = create_device(&app.admin().await, &unit, None, "generic_json").await;
    let (s, l) = county
        .post(
            "/api/v1/watchlists",
            json!({"kind": "plate", "name": "在逃人员车辆", "legal_basis": "《人民警察法》第六条", "expires_on": expiry()}),
        )
        .await;
    assert_eq!(s, 201, "{l}");
    assert_eq!(l["owner"]["type"], "organ");
    let id = l["id"].as_str().unwrap();
    county
        .post(
            &format!("/api/v1/watchlists/{id}/entries"),
            json!({"entries": [{"plate": "浙A7X001"}]}),
        )
        .await;
    let (s, v) = county
        .post(&format!("/api/v1/watchlists/{id}/activate"), json!({}))
        .await;
    assert_eq!(s, 200, "{v}");

    app.ingest(
        &path,
        "application/json",
        json!({"type": "vehicle.plate", "target": "浙A7X001"}).to_string(),
    )
    .await;
    let hits = hits_of(&county).await;
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert!(hits[0]["alert_id"].is_null(), "no alert in the unit for a police list");
    assert!(alerts_of(&manager, &device).await.is_empty(), "the unit is not told");
    let hit = hits[0]["id"].as_str().unwrap();
    for who in ["demo_county_other", "demo_city", "demo_unit"] {
        let c = app.client_for(who).await;
        let (s, _) = c.get(&format!("/api/v1/watchlist-hits/{hit}")).await;
        assert_eq!(s, 404, "{who}");
        let (s, _) = c.get(&format!("/api/v1/watchlists/{id}")).await;
        assert_eq!(s, 404, "{who}");
        let (s, _) = c
            .post(
                &format!("/api/v1/watchlist-hits/{hit}/review"),
                json!({"decision": "confirm"}),
            )
            .await;
        assert_eq!(s, 404, "{who}");
        assert!(hits_of(&c).await.is_empty(), "{who}");
    }
    let (s, v) = county
        .post(
            &format!("/api/v1/watchlist-hits/{hit}/review"),
            json!({"decision": "confirm", "note": "已核实"}),
        )
        .await;
    assert_eq!((s, v["status"].as_str()), (200, Some("confirmed")), "{v}");
}

/// A fake on-premise recognition service (CompreFace's answer shape) on 127.0.0.1:0: answers
/// every picture with `subject` at 96 % and a stranger at 50 %, and records the bodies.
async fn fake_recognizer(subject: &'static str) -> (String, Arc<AtomicUsize>, Arc<Mutex<Vec<Value>>>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let (c, b) = (calls.clone(), bodies.clone());
    let app = axum::Router::new().route(
        "/api/v1/recognition/recognize",
        axum::routing::post(move |axum::Json(body): axum::Json<Value>| {
            let (c, b) = (c.clone(), b.clone());
            async move {
                c.fetch_add(1, Ordering::SeqCst);
                b.lock().unwrap().push(body);
                axum::Json(json!({"result": [{"subjects": [
                    {"subject": "S-9", "similarity": 0.5},
                    {"subject": subject, "similarity": 0.96}
                ]}]}))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/api/v1/recognition/recognize"), calls, bodies)
}

#[tokio::test]
async fn the_recognition_service_is_asked_and_its_candidate_used() {
    let (url, calls, bodies) = fake_recognizer("S-2002").await;
    let app = TestApp::spawn_configured(move |c| c.engine.recognition_url = Some(url), true).await;
    let manager = app.client_for("demo_unit").await;
    let unit = unit_of(&manager).await;
    let admin = app.admin().await;
    let (device, path) = create_device(&admin, &unit, None, "hikvision").await;
    face_list(&app, &manager, "S-2002", "wl_m3").await;
    // A Hikvision face detection with its picture and no comparison result of its own.
    let body = fixture("hikvision-isapi-alert/httphost_push_linedetection_multipart.bin");
    let needle = b"<eventType>linedetection</eventType>";
    let at = body
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("event type");
    let mut face = body[..at].to_vec();
    face.extend_from_slice(b"<eventType>facedetection</eventType>");
    face.extend_from_slice(&body[at + needle.len()..]);
    let (s, v) = app.ingest(&path, "multipart/form-data; boundary=boundary", face).await;
    assert_eq!(s, 200, "{v}");
    let (_, evs) = admin.get(&format!("/api/v1/events?device_id={device}")).await;
    assert_eq!(evs["items"][0]["kind"], "face.capture", "{evs}");

    assert_eq!(calls.load(Ordering::SeqCst), 1, "the service was asked once");
    assert!(bodies.lock().unwrap()[0]["file"]
        .as_str()
        .is_some_and(|f| !f.is_empty()));
    let alerts = alerts_of(&manager, &device).await;
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    let hits = hits_of(&manager).await;
    assert_eq!(hits.len(), 1);
    // The service's best candidate first, the stranger after it: top-K, never a bare name.
    assert_eq!(hits[0]["candidates"][0]["subject"], "S-2002");
    assert_eq!(hits[0]["candidates"][0]["label"], "张三");
    assert_eq!(hits[0]["candidates"][1]["subject"], "S-9");
    assert!(hits[0]["candidates"][1]["label"].is_null());
}

/// The authorization matrix's objects of one role (tests/it/authz.rs): visibility is by owner,
/// so each role that keeps lists gets its own list `matrix-wl-<token>` (a plate list with one
/// entry `matrix-entry-<token>` with a photo), a hit `matrix-hit-<token>` and a draft PIA
/// `matrix-pia-<token>` drafted by someone else. Roles that own nothing get none.
pub(crate) async fn matrix_objects(app: &TestApp, c: &Client, token: &str) {
    use neibao_domain::watchlists::*;
    let (_, me) = c.get("/api/v1/me").await;
    let role = me["role"].as_str().unwrap_or("");
    let owner = if role.starts_with("police_") {
        Owner::Organ(me["org_id"].as_str().unwrap().to_string())
    } else if role == "unit_manager" {
        Owner::Unit(me["unit_id"].as_str().unwrap().to_string())
    } else {
        return;
    };
    let sys = neibao_domain::access::Principal::system("test");
    let now = Utc::now();
    let list = format!("matrix-wl-{token}");
    app.store
        .create_watchlist(
            &NewWatchlist {
                id: list.clone(),
                kind: ListKind::Plate,
                name: "矩阵布控".into(),
                owner: owner.clone(),
                owner_name: "矩阵".into(),
                area_prefix: "33".into(),
                legal_basis: "矩阵".into(),
                expires_on: (now + Duration::days(30)).date_naive(),
                threshold: 100,
                created_by: "矩阵".into(),
                at: now,
            },
            &sys.audit("watchlist.create", "watchlist", "", None),
        )
        .await
        .unwrap();
    app.store
        .add_watchlist_entries(
            &owner,
            &list,
            &[NewEntry {
                id: format!("matrix-entry-{token}"),
                watchlist_id: list.clone(),
                plate: Some("浙A00001".into()),
                subject_name: None,
                external_subject_id: None,
                template: None,
                photo: Some(vec![0xFF, 0xD8, 0xFF, 0xE0]),
                note: String::new(),
                at: now,
            }],
            &sys.audit("watchlist.entry_add", "watchlist", &list, None),
        )
        .await
        .unwrap();
    app.store
        .record_watchlist_hits(&[NewHit {
            id: format!("matrix-hit-{token}"),
            watchlist_id: list.clone(),
            entry_id: format!("matrix-entry-{token}"),
            event_id: "matrix-event".into(),
            alert_id: None,
            unit_id: "matrix-unit".into(),
            device_id: "matrix-device".into(),
            similarity: None,
            candidates: Vec::new(),
            at: now,
        }])
        .await
        .unwrap();
    app.store
        .create_pia(
            &NewPia {
                id: format!("matrix-pia-{token}"),
                owner,
                owner_name: "矩阵".into(),
                purpose: PiaPurpose::FaceWatchlist,
                title: "矩阵评估".into(),
                necessity: "矩阵".into(),
                risks: "矩阵".into(),
                safeguards: "矩阵".into(),
                drafted_by: "matrix-drafter".into(),
                drafted_by_name: "矩阵".into(),
                at: now,
            },
            &sys.audit("pia.create", "pia", "", None),
        )
        .await
        .unwrap();
}
