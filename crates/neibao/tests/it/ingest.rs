//! Device ingest over HTTP: every Hikvision fixture, the generic JSON shape, and bad input
//! (unknown token 401, oversize 413, undecodable 400, never 500 whatever the bytes).

use neibao_web::WebConfig;
use proptest::prelude::*;
use serde_json::json;

use crate::common::*;

/// Each Hikvision fixture with the content type its transport uses, and what it must yield.
const FIXTURES: [(&str, &str, usize, u32); 9] = [
    (
        "hikvision-isapi-alert/alert_fielddetection_vehicle_ver20_nodecl.xml",
        "application/xml",
        1,
        0,
    ),
    ("hikvision-isapi-alert/alert_io_input_ver20.xml", "text/xml", 1, 0),
    (
        "hikvision-isapi-alert/alert_shelteralarm_tamper_ver20.xml",
        "application/xml; charset=\"UTF-8\"",
        1,
        0,
    ),
    (
        "hikvision-isapi-alert/alertstream_nvr_heartbeat_then_vmd.txt",
        "multipart/mixed; boundary=boundary",
        0,
        0,
    ),
    (
        "hikvision-isapi-alert/httphost_push_linedetection_multipart.bin",
        "multipart/form-data; boundary=boundary",
        1,
        0,
    ),
    (
        "hikvision-acs/accesscontrollerevent_card_pass_plain_json.json",
        "application/json",
        1,
        0,
    ),
    (
        "hikvision-acs/accesscontrollerevent_door_no_person.json",
        "application/json",
        1,
        0,
    ),
    ("hikvision-acs/heartbeat.json", "application/json", 0, 1),
    (
        "hikvision-acs/acsevent_search_response_pull.json",
        "application/json",
        2,
        0,
    ),
];

#[tokio::test]
async fn every_hikvision_fixture_is_accepted() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let unit = create_unit(&admin, "接入测试单位", "330106", "91330106000000004").await;
    for (i, (file, ct, events, heartbeats)) in FIXTURES.iter().enumerate() {
        let (device, path) = create_device(&admin, &unit, None, "hikvision").await;
        let (s, v) = app.ingest(&path, ct, fixture(file)).await;
        assert_eq!(s, 200, "{file}: {v}");
        if file.contains("alertstream") {
            // Heartbeats then VMD repeated every second: one ongoing occurrence, several posts.
            assert!(v["heartbeats"].as_u64().unwrap() >= 1, "{file}: {v}");
            let (_, evs) = admin.get(&format!("/api/v1/events?device_id={device}")).await;
            assert_eq!(evs["total"], 1, "{file}: repeated VMD actives fold into one occurrence");
            assert_eq!(evs["items"][0]["kind"], "motion");
            assert_eq!(evs["items"][0]["channel"], 5);
            assert!(evs["items"][0]["post_count"].as_i64().unwrap() >= 2);
        } else {
            assert_eq!(v["accepted"].as_u64().unwrap() as usize, *events, "{file}: {v}");
            assert_eq!(v["heartbeats"].as_u64().unwrap() as u32, *heartbeats, "{file}: {v}");
        }
        // Liveness: every payload, heartbeat or not, marks the device online.
        let (_, d) = admin.get(&format!("/api/v1/devices/{device}")).await;
        assert_eq!(d["online"], true, "fixture {i} {file}");
    }
    // Person fields of the card event are kept; the door event has none.
    let (_, evs) = admin.get("/api/v1/events?kind=access.granted&per_page=10").await;
    // Person fields are returned masked (and stored encrypted).
    assert!(
        evs["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["person"]["card_no"] == "00******67" && e["person"]["name"] == "S*********"),
        "{evs}"
    );
    let (_, doors) = admin.get("/api/v1/events?kind=access.door_unlocked").await;
    assert_eq!(doors["total"], 1);
    // An empty or unknown kind is refused, not read as "every kind" (schemathesis ST201).
    for q in ["kind=", "kind=no.such_kind"] {
        let (st, body) = admin.get(&format!("/api/v1/events?{q}")).await;
        assert_eq!(st, 400, "{q}: {body}");
        assert_eq!(body["error"]["code"], "validation_failed", "{q}: {body}");
    }
    assert!(doors["items"][0]["person"].as_object().unwrap().is_empty());
    // Tamper raised the built-in alert even outside a key area.
    let (_, alerts) = admin.get("/api/v1/alerts").await;
    assert!(
        alerts["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["rule"] == "video_tamper"),
        "{alerts}"
    );
}

#[tokio::test]
async fn unknown_event_types_are_stored_not_rejected() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let unit = create_unit(&admin, "未知类型单位", "330106", "91330106000000005").await;
    let (device, path) = create_device(&admin, &unit, None, "hikvision").await;
    let xml = r#"<EventNotificationAlert version="2.0" xmlns="http://www.std-cgi.com/ver20/XMLSchema"><channelID>2</channelID><dateTime>2024-05-14T11:46:3100:00</dateTime><eventType>someFutureThing</eventType><eventState>active</eventState></EventNotificationAlert>"#;
    let (s, v) = app.ingest(&path, "application/xml", xml).await;
    assert_eq!(s, 200, "{v}");
    let (_, evs) = admin.get(&format!("/api/v1/events?device_id={device}")).await;
    assert_eq!(evs["items"][0]["kind"], "unknown");
    assert_eq!(evs["items"][0]["vendor_type"], "someFutureThing");
}

/// NUL and other control bytes in a part's headers or in event text are dropped before storing
/// (PostgreSQL refuses NUL in text): the payload is accepted, not answered 503.
#[tokio::test]
async fn control_bytes_in_part_headers_are_stored_cleanly() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let unit = create_unit(&admin, "控制字符单位", "330106", "91330106000000021").await;
    let (device, path) = create_device(&admin, &unit, None, "hikvision").await;
    let xml = "<EventNotificationAlert version=\"2.0\" xmlns=\"http://www.isapi.org/ver20/XMLSchema\"><channelID>1</channelID><dateTime>2024-05-14T09:12:49+08:00</dateTime><eventType>VMD\u{1}</eventType><eventState>active</eventState><eventDescription>a&#0;b</eventDescription></EventNotificationAlert>";
    let mut body = Vec::new();
    body.extend_from_slice(b"--boundary\r\nContent-Type: application/xml\r\n\r\n");
    body.extend_from_slice(xml.as_bytes());
    body.extend_from_slice(b"\r\n--boundary\r\nContent-Type: image/jpeg\x00x\r\nContent-Disposition: form-data; name=\"p\x00ic\"; filename=\"a\x00.jpg\"\r\n\r\n\xFF\xD8\xFF\x00\x01\r\n--boundary--\r\n");
    let (s, v) = app.ingest(&path, "multipart/form-data; boundary=boundary", body).await;
    assert_eq!(s, 200, "{v}");
    let (_, evs) = admin.get(&format!("/api/v1/events?device_id={device}")).await;
    assert_eq!(evs["items"][0]["vendor_type"], "VMD", "{evs}");
    assert_eq!(evs["items"][0]["image_count"], 1, "{evs}");
}

#[tokio::test]
async fn generic_json_endpoint() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let unit = create_unit(&admin, "通用接入单位", "330106", "91330106000000006").await;
    let (s, area) = admin
        .post(&format!("/api/v1/units/{unit}/key_areas"), json!({"name": "档案室"}))
        .await;
    assert_eq!(s, 201);
    let (device, path) = create_device(&admin, &unit, area["id"].as_str(), "generic_json").await;
    assert!(path.starts_with("/ingest/json/"));
    let body = json!({"events": [
        {"type": "intrusion.field", "time": "2026-11-29 21:00:00", "channel": 3, "region": "东侧围墙", "target": "human"},
        {"type": "someone.else", "vendor_type": "X-42"},
        {"heartbeat": true, "type": "heartbeat"}
    ]});
    let (s, v) = app.ingest(&path, "application/json", body.to_string()).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["accepted"], 2);
    assert_eq!(v["heartbeats"], 1);
    assert_eq!(v["alerts"], 1);
    let (_, evs) = admin
        .get(&format!("/api/v1/events?device_id={device}&kind=intrusion.field"))
        .await;
    assert_eq!(evs["items"][0]["region"], "东侧围墙");
    // A Hikvision body on the JSON endpoint and vice versa are 400, not stored.
    let (s, v) = app
        .ingest(&path, "application/json", json!({"no_type": 1}).to_string())
        .await;
    assert_eq!(s, 400, "{v}");
    assert_eq!(v["error"]["code"], "undecodable_payload");
}

#[tokio::test]
async fn bad_input_is_refused_with_codes_and_loses_nothing() {
    let app = TestApp::spawn_with(
        WebConfig {
            max_ingest_body: 4096,
            ..Default::default()
        },
        false,
    )
    .await;
    let admin = app.admin().await;
    let unit = create_unit(&admin, "坏输入单位", "330106", "91330106000000007").await;
    let (device, path) = create_device(&admin, &unit, None, "hikvision").await;
    let good = fixture("hikvision-isapi-alert/alert_io_input_ver20.xml");
    // An unknown format answers 404, and only ZKTeco's path takes a GET (its handshake).
    let token = path.rsplit('/').next().unwrap();
    let (s, v) = app
        .ingest(&format!("/ingest/nosuch/{token}"), "application/xml", good.clone())
        .await;
    assert_eq!((s, v["error"]["code"].as_str()), (404, Some("not_found")), "{v}");
    let r = reqwest::get(app.url(&path)).await.unwrap();
    assert_eq!(r.status(), 405);
    assert_eq!(app.ingest(&path, "application/xml", good.clone()).await.0, 200);

    let (s, v) = app
        .ingest("/ingest/hikvision/not-a-token", "application/xml", good.clone())
        .await;
    assert_eq!(s, 401);
    assert_eq!(v["error"]["code"], "unknown_ingest_token");

    let (s, v) = app.ingest(&path, "application/xml", vec![b'<'; 5000]).await;
    assert_eq!(s, 413, "{v}");
    assert_eq!(v["error"]["code"], "payload_too_large");

    for (ct, body) in [
        ("application/xml", b"<EventNotificationAlert><eventType>".to_vec()),
        ("application/json", b"{\"eventType\":".to_vec()),
        (
            "multipart/form-data; boundary=zz",
            b"--zz\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\xff\r\n--zz--".to_vec(),
        ),
        ("application/octet-stream", vec![0xff, 0xfe, 0x00, 0x01]),
        ("application/xml", Vec::new()),
    ] {
        let (s, v) = app.ingest(&path, ct, body.clone()).await;
        assert_eq!(s, 400, "{ct} {body:?} → {v}");
        assert_eq!(v["error"]["code"], "undecodable_payload");
        assert!(v["error"]["message"].as_str().unwrap().contains("无法解析"));
    }
    // The event accepted before is still there, and only it.
    let (_, evs) = admin.get(&format!("/api/v1/events?device_id={device}")).await;
    assert_eq!(evs["total"], 1);
    assert_eq!(evs["items"][0]["kind"], "alarm.input");
}

fn mutated_fixtures() -> impl Strategy<Value = (usize, Vec<u8>)> {
    let bodies: Vec<Vec<u8>> = FIXTURES.iter().map(|(f, _, _, _)| fixture(f)).collect();
    (
        0..FIXTURES.len(),
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
        prop::collection::vec(any::<u8>(), 0..64),
    )
        .prop_map(move |(i, cut, at, noise)| {
            let b = &bodies[i];
            let cut = cut.index(b.len() + 1);
            let mut out = b[..cut].to_vec();
            let at = at.index(out.len() + 1);
            out.splice(at..at, noise);
            (i, out)
        })
}

/// One server shared by all property cases (a runtime that outlives each case).
fn fuzz_target() -> &'static (tokio::runtime::Runtime, TestApp, String) {
    use std::sync::OnceLock;
    static TARGET: OnceLock<(tokio::runtime::Runtime, TestApp, String)> = OnceLock::new();
    TARGET.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let (app, path) = rt.block_on(async {
            let app = TestApp::spawn().await;
            let admin = app.admin().await;
            let unit = create_unit(&admin, "模糊测试单位", "330106", "91330106000000008").await;
            let (_, path) = create_device(&admin, &unit, None, "hikvision").await;
            (app, path)
        });
        (rt, app, path)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]
    /// Truncated, spliced and random bodies with every content type: never a 500.
    #[test]
    fn no_byte_sequence_gives_a_500((i, body) in mutated_fixtures(), random in prop::collection::vec(any::<u8>(), 0..512)) {
        let (rt, app, path) = fuzz_target();
        rt.block_on(async {
            for ct in [FIXTURES[i].1, "application/xml", "application/json", "multipart/form-data; boundary=boundary", "multipart/mixed", "text/plain"] {
                for b in [&body, &random] {
                    let (s, v) = app.ingest(path, ct, b.clone()).await;
                    assert!(s == 200 || s == 400, "{ct}: status {s} {v}");
                }
            }
        });
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_devices_are_all_accepted() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let unit = create_unit(&admin, "并发接入单位", "330106", "91330106000000013").await;
    let (_, p1) = create_device(&admin, &unit, None, "hikvision").await;
    let (d2, p2) = create_device(&admin, &unit, None, "generic_json").await;
    let mut tasks = Vec::new();
    for i in 0..60 {
        let (url1, url2) = (app.url(&p1), app.url(&p2));
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let r = if i % 2 == 0 {
                let xml = format!(
                    r#"<EventNotificationAlert version="2.0"><channelID>{}</channelID><eventType>VMD</eventType><eventState>active</eventState></EventNotificationAlert>"#,
                    i
                );
                http.post(url1).header("content-type", "application/xml").body(xml).send().await
            } else {
                http.post(url2).json(&json!({"type": "access.denied", "region": format!("door:{i}")})).send().await
            };
            r.unwrap().status().as_u16()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 200, "every concurrent post is stored");
    }
    let (_, evs) = admin.get(&format!("/api/v1/events?device_id={d2}")).await;
    assert_eq!(evs["total"], 30);
}

/// Back-pressure: with every ingest permit taken (here one, held by a device that is slow to
/// send its body), the next device is answered 429 with Retry-After at once instead of queueing
/// in memory; once the slow one finishes, ingest accepts again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saturated_node_answers_429_with_retry_after() {
    use tokio::io::AsyncWriteExt;
    let app = TestApp::spawn_with(
        WebConfig {
            max_ingest_in_flight: 1,
            ..Default::default()
        },
        false,
    )
    .await;
    let admin = app.admin().await;
    let unit = create_unit(&admin, "背压测试单位", "330106", "91330106000000018").await;
    let (_, path) = create_device(&admin, &unit, None, "generic_json").await;
    let body = json!({"type": "motion"}).to_string();
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    slow.write_all(head.as_bytes()).await.unwrap();
    slow.write_all(&body.as_bytes()[..3]).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let r = reqwest::Client::new()
        .post(app.url(&path))
        .header("content-type", "application/json")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    assert!(r.headers().get("retry-after").is_some());
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "busy");
    slow.write_all(&body.as_bytes()[3..]).await.unwrap();
    let mut buf = vec![0u8; 1024];
    let n = tokio::io::AsyncReadExt::read(&mut slow, &mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    let (s, _) = app.ingest(&path, "application/json", body).await;
    assert_eq!(s, 200);
}

/// Posts each fixture to a fresh device of `format` and returns, per fixture, the response and the
/// sorted distinct kinds stored for that device.
async fn post_fixtures(
    app: &TestApp,
    admin: &Client,
    unit: &str,
    format: &str,
    files: &[(&str, &str)],
) -> Vec<(u16, serde_json::Value, Vec<String>)> {
    let mut out = Vec::new();
    for (file, ct) in files {
        let (device, path) = create_device(admin, unit, None, format).await;
        assert!(path.starts_with(&format!("/ingest/{format}/")), "{path}");
        let (s, v) = app.ingest(&path, ct, fixture(file)).await;
        let (_, evs) = admin
            .get(&format!("/api/v1/events?device_id={device}&per_page=50"))
            .await;
        let mut kinds: Vec<String> = evs["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap().to_string())
            .collect();
        kinds.sort();
        kinds.dedup();
        out.push((s, v, kinds));
    }
    out
}

#[tokio::test]
async fn every_dahua_fixture_is_accepted() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let unit = create_unit(&admin, "大华接入单位", "330106", "91330106000000011").await;
    let ct = "multipart/x-mixed-replace; boundary=myboundary";
    let got = post_fixtures(
        &app,
        &admin,
        &unit,
        "dahua",
        &[
            ("dahua-eventmanager/attach_all_heartbeat5_videomotion.txt", ct),
            ("dahua-eventmanager/crosslinedetection_start_stop.txt", ct),
            ("dahua-eventmanager/accesscontrol_and_doorface_pulse.txt", "text/plain"),
            (
                "dahua-eventmanager/crossregiondetection_cross_direction_enter_leave.txt",
                ct,
            ),
            ("dahua-eventmanager/rpc2_notifyeventstream_vto.json", "application/json"),
        ],
    )
    .await;
    let want: [(u64, u64, &[&str]); 5] = [
        (2, 3, &["motion"]),
        (2, 1, &["intrusion.line_crossing"]),
        (2, 1, &["access.granted"]),
        (
            3,
            1,
            &["intrusion.field", "intrusion.region_entrance", "intrusion.region_exit"],
        ),
        (5, 0, &["access.denied", "access.granted", "access.other", "unknown"]),
    ];
    for ((s, v, kinds), (accepted, heartbeats, k)) in got.iter().zip(want) {
        assert_eq!(*s, 200, "{v}");
        assert_eq!(v["accepted"], accepted, "{v}");
        assert_eq!(v["heartbeats"], heartbeats, "{v}");
        assert_eq!(kinds, &k.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    }
}

#[tokio::test]
async fn every_onvif_fixture_is_accepted() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let unit = create_unit(&admin, "ONVIF接入单位", "330106", "91330106000000012").await;
    let ct = "application/soap+xml; charset=utf-8";
    let got = post_fixtures(
        &app,
        &admin,
        &unit,
        "onvif",
        &[
            ("onvif/pullmessages_response_initialized_hikvision_style.xml", ct),
            ("onvif/pullmessages_response_motion_and_intrusion_changed.xml", ct),
            ("onvif/notify_basenotification_push_cellmotion.xml", ct),
            ("onvif/axis_metadatastream_vmd4_pir_ptz_1_0.xml", "application/xml"),
            (
                "onvif/axis_objectanalytics_classtypes_PARTLY_VERIFIED.xml",
                "application/xml",
            ),
        ],
    )
    .await;
    let want: [(u64, &[&str]); 5] = [
        (0, &[]),
        (3, &["intrusion.field", "motion"]),
        (1, &["motion"]),
        (5, &["alarm.pir", "motion", "unknown"]),
        (2, &["motion"]),
    ];
    for ((s, v, kinds), (accepted, k)) in got.iter().zip(want) {
        assert_eq!(*s, 200, "{v}");
        assert_eq!(v["accepted"], accepted, "{v}");
        assert_eq!(kinds, &k.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    }
}

#[tokio::test]
async fn every_frigate_fixture_is_accepted() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let unit = create_unit(&admin, "Frigate接入单位", "330106", "91330106000000013").await;
    let ct = "application/json";
    let got = post_fixtures(
        &app,
        &admin,
        &unit,
        "frigate",
        &[
            ("frigate-mqtt/events_new_v0.14_snapshot_object.json", ct),
            ("frigate-mqtt/events_end_v0.12_snapshot_time.json", ct),
            ("frigate-mqtt/reviews_update_alert.json", ct),
            ("frigate-mqtt/tracked_object_update_face.json", ct),
        ],
    )
    .await;
    let want = ["motion", "motion", "motion", "face.capture"];
    for ((s, v, kinds), k) in got.iter().zip(want) {
        assert_eq!(*s, 200, "{v}");
        assert_eq!(v["accepted"], 1, "{v}");
        assert_eq!(kinds, &vec![k.to_string()]);
    }
    // `frigate/triggers` is not an event: refused with its reason, nothing stored, and the
    // trigger's name never lands in a person field.
    let got = post_fixtures(
        &app,
        &admin,
        &unit,
        "frigate",
        &[("frigate-mqtt/not_event_triggers_v0.17.json", ct)],
    )
    .await;
    let (s, v, kinds) = &got[0];
    assert_eq!(*s, 400, "{v}");
    assert_eq!(v["error"]["code"], "undecodable_payload");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("frigate/triggers 消息不是事件"),
        "{v}"
    );
    assert!(kinds.is_empty(), "{kinds:?}");
}

#[tokio::test]
async fn every_gb28181_fixture_is_accepted() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let unit = create_unit(&admin, "国标接入单位", "330106", "91330106000000014").await;
    let ct = "Application/MANSCDP+xml";
    let got = post_fixtures(
        &app,
        &admin,
        &unit,
        "gb28181",
        &[
            ("gb28181/alarm_notify_video_motion_gbk_standalone.xml", ct),
            ("gb28181/alarm_notify_device_alarm_2011_style.xml", ct),
            ("gb28181/response_alarm_result_ok.xml", ct),
        ],
    )
    .await;
    assert_eq!(got[0].0, 200, "{}", got[0].1);
    assert_eq!(got[0].2, vec!["motion".to_string()]);
    assert_eq!(got[1].0, 200, "{}", got[1].1);
    assert_eq!(got[1].2, vec!["alarm.input".to_string()]);
    // The platform's own answer is not a device event.
    assert_eq!(got[2].0, 400, "{}", got[2].1);
    assert_eq!(got[2].1["error"]["code"], "undecodable_payload");
    // `AlarmTime` has no zone: it is the device's wall clock in its zone (Asia/Shanghai, +08:00),
    // not UTC, and the event names the zone it was read in (`device_time_zone`).
    let (_, evs) = admin.get("/api/v1/events?kind=alarm.input").await;
    let times: Vec<&str> = evs["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["device_time"].as_str())
        .collect();
    assert_eq!(times, ["2024-05-14T16:23:32+08:00"], "{evs}");
    // The GBK description is stored as text.
    let (_, evs) = admin.get("/api/v1/events?kind=motion").await;
    assert!(
        evs["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["description"] == "视频动检"),
        "{evs}"
    );
}

/// Offset-less device times are read in the device's own IANA time zone when it has one (with its
/// daylight saving, through chrono-tz), else Asia/Shanghai; the event keeps that the device gave
/// no offset and which zone it was read in (API field and the events page); the zone is part of
/// the device API (registration and PATCH), and an unknown zone name is refused.
#[tokio::test]
async fn device_times_without_offset_are_read_in_the_device_zone() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let unit = create_unit(&admin, "时区接入单位", "330106", "91330106000000015").await;
    let body = fixture("gb28181/alarm_notify_device_alarm_2011_style.xml");
    let ct = "Application/MANSCDP+xml";
    let mut times = Vec::new();
    let mut last = String::new();
    for zone in [
        serde_json::Value::Null,
        serde_json::json!("America/New_York"),
        serde_json::json!("Asia/Kolkata"),
        serde_json::json!("Asia/Urumqi"),
    ] {
        let (s, v) = admin
            .post(
                "/api/v1/devices",
                serde_json::json!({"unit_id": unit, "format": "gb28181", "name": "时区测试", "time_zone": zone}),
            )
            .await;
        assert_eq!(s, 201, "{v}");
        assert_eq!(v["time_zone"], zone, "{v}");
        let (s, r) = app.ingest(v["ingest_path"].as_str().unwrap(), ct, body.clone()).await;
        assert_eq!(s, 200, "{r}");
        last = v["id"].as_str().unwrap().to_string();
        let (_, evs) = admin.get(&format!("/api/v1/events?device_id={last}")).await;
        times.push((
            evs["items"][0]["device_time"].as_str().unwrap_or_default().to_string(),
            evs["items"][0]["device_time_zone"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        ));
    }
    let want = [
        ("2024-05-14T16:23:32+08:00", "Asia/Shanghai"),
        // New York is on daylight saving time in May: −04:00, not its standard −05:00.
        ("2024-05-14T16:23:32-04:00", "America/New_York"),
        ("2024-05-14T16:23:32+05:30", "Asia/Kolkata"),
        ("2024-05-14T16:23:32+06:00", "Asia/Urumqi"),
    ];
    assert_eq!(times, want.map(|(t, z)| (t.to_string(), z.to_string())),);
    // The events page says the device gave no zone and how its time was read.
    let page = app
        .browser("admin", crate::common::ADMIN_PASSWORD)
        .await
        .get(app.url("/events"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("设备未给出时区，按 <code>Asia/Shanghai</code> 解读"),
        "{page}"
    );
    assert!(page.contains("设备未给出时区，按 <code>America/New_York</code> 解读"));
    // A time with an offset is the device's own: no zone is named.
    let (_, v) = admin
        .post(
            "/api/v1/devices",
            serde_json::json!({"unit_id": unit, "format": "hikvision", "name": "带时区摄像机"}),
        )
        .await;
    let xml = "<EventNotificationAlert><dateTime>2024-05-14T14:16:04-06:00</dateTime><eventType>VMD</eventType>\
               <eventState>active</eventState></EventNotificationAlert>";
    let (s, r) = app
        .ingest(v["ingest_path"].as_str().unwrap(), "application/xml", xml)
        .await;
    assert_eq!(s, 200, "{r}");
    let (_, evs) = admin
        .get(&format!("/api/v1/events?device_id={}", v["id"].as_str().unwrap()))
        .await;
    assert_eq!(evs["items"][0]["device_time"], "2024-05-14T14:16:04-06:00", "{evs}");
    assert_eq!(evs["items"][0]["device_time_zone"], serde_json::Value::Null);

    // The zone is changed with PATCH (absent: unchanged; empty: back to Asia/Shanghai).
    let (_, d) = admin.get(&format!("/api/v1/devices/{last}")).await;
    let (s, d) = admin
        .send(
            reqwest::Method::PATCH,
            &format!("/api/v1/devices/{last}"),
            Some(serde_json::json!({"version": d["version"], "name": "时区测试", "time_zone": "Europe/Berlin"})),
        )
        .await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["time_zone"], "Europe/Berlin");
    let (s, d) = admin
        .send(
            reqwest::Method::PATCH,
            &format!("/api/v1/devices/{last}"),
            Some(serde_json::json!({"version": d["version"], "name": "时区测试2"})),
        )
        .await;
    assert_eq!((s, &d["time_zone"]), (200, &serde_json::json!("Europe/Berlin")), "{d}");
    let (s, d) = admin
        .send(
            reqwest::Method::PATCH,
            &format!("/api/v1/devices/{last}"),
            Some(serde_json::json!({"version": d["version"], "name": "时区测试2", "time_zone": ""})),
        )
        .await;
    assert_eq!((s, &d["time_zone"]), (200, &serde_json::Value::Null), "{d}");
    let (s, v) = admin
        .send(
            reqwest::Method::PATCH,
            &format!("/api/v1/devices/{last}"),
            Some(serde_json::json!({"version": d["version"], "name": "时区测试2", "time_zone": "Mars/Olympus"})),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (400, Some("validation_failed")),
        "{v}"
    );

    for bad in ["Asia/Beijing", "+08:00", "UTC+8", "x".repeat(80).as_str()] {
        let (s, v) = admin
            .post(
                "/api/v1/devices",
                serde_json::json!({"unit_id": unit, "format": "gb28181", "name": "时区测试", "time_zone": bad}),
            )
            .await;
        assert_eq!(s, 400, "{bad}: {v}");
        assert_eq!(v["error"]["code"], "validation_failed");
    }
}

#[tokio::test]
async fn every_zkteco_fixture_is_accepted() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let unit = create_unit(&admin, "中控接入单位", "330106", "91330106000000015").await;
    let (device, path) = create_device(&admin, &unit, None, "zkteco").await;
    assert!(path.starts_with("/ingest/zkteco/"));
    // Handshake: the options text, and the device counts as online.
    let r = reqwest::get(app.url(&format!("{path}?SN=ZKFAKE00000001&options=all&pushver=2.4.1")))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    assert!(text.starts_with("GET OPTION FROM: ZKFAKE00000001\n"), "{text}");
    assert!(text.contains("Realtime=1"), "{text}");
    let (_, d) = admin.get(&format!("/api/v1/devices/{device}")).await;
    assert_eq!(d["online"], true);
    let ct = "text/plain";
    let attlog = format!("{path}?SN=ZKFAKE00000001&table=ATTLOG&Stamp=9999");
    let (s, v) = app
        .ingest(&attlog, ct, fixture("zkteco-adms/cdata_table-ATTLOG_body.txt"))
        .await;
    assert_eq!((s, v.as_str()), (200, Some("OK\n")));
    let (_, evs) = admin
        .get(&format!("/api/v1/events?device_id={device}&per_page=50"))
        .await;
    let items = evs["items"].as_array().unwrap();
    assert!(
        !items.is_empty() && items.iter().all(|e| e["kind"] == "access.granted"),
        "{evs}"
    );
    // Employee numbers are returned masked.
    assert!(items.iter().any(|e| e["person"]["employee_no"] == "E1**42"), "{evs}");
    let rtstate = format!("{path}?SN=ZKFAKE00000001&table=rtstate");
    let (s, _) = app
        .ingest(&rtstate, ct, fixture("zkteco-adms/cdata_table-rtstate_body.txt"))
        .await;
    assert_eq!(s, 200);
    let (_, doors) = admin
        .get(&format!("/api/v1/events?device_id={device}&kind=access.door_unlocked"))
        .await;
    assert_eq!(doors["total"], 1, "{doors}");
    // No table anywhere: 400 with a code.
    let (s, v) = app
        .ingest(&path, ct, fixture("zkteco-adms/cdata_table-ATTLOG_body.txt"))
        .await;
    assert_eq!(s, 400, "{v}");
    assert_eq!(v["error"]["code"], "undecodable_payload");
}

/// One fixture per non-Hikvision format, with the device format it is posted to.
const OTHER_FIXTURES: [(&str, &str); 9] = [
    ("dahua", "dahua-eventmanager/attach_all_heartbeat5_videomotion.txt"),
    ("dahua", "dahua-eventmanager/accesscontrol_and_doorface_pulse.txt"),
    ("onvif", "onvif/pullmessages_response_motion_and_intrusion_changed.xml"),
    ("onvif", "onvif/notify_basenotification_push_cellmotion.xml"),
    ("frigate", "frigate-mqtt/events_new_v0.14_snapshot_object.json"),
    ("frigate", "frigate-mqtt/reviews_update_alert.json"),
    ("gb28181", "gb28181/alarm_notify_video_motion_gbk_standalone.xml"),
    ("zkteco", "zkteco-adms/cdata_table-ATTLOG_body.txt"),
    ("zkteco", "zkteco-adms/cdata_table-rtstate_body.txt"),
];

/// A runtime, a server, and one (format, ingest path) per format in [`OTHER_FIXTURES`].
type OtherFormatsTarget = (tokio::runtime::Runtime, TestApp, Vec<(String, String)>);

/// One server with one device per format in [`OTHER_FIXTURES`].
fn other_formats_target() -> &'static OtherFormatsTarget {
    use std::sync::OnceLock;
    static TARGET: OnceLock<OtherFormatsTarget> = OnceLock::new();
    TARGET.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let (app, paths) = rt.block_on(async {
            let app = TestApp::spawn().await;
            let admin = app.admin().await;
            let unit = create_unit(&admin, "多格式模糊测试单位", "330106", "91330106000000016").await;
            let mut paths = Vec::new();
            for format in ["dahua", "onvif", "frigate", "gb28181", "zkteco"] {
                let (_, path) = create_device(&admin, &unit, None, format).await;
                paths.push((format.to_string(), path));
            }
            (app, paths)
        });
        (rt, app, paths)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, .. ProptestConfig::default() })]
    /// Truncated and spliced fixtures of the other formats, and random bytes: never a 500.
    #[test]
    fn no_byte_sequence_gives_a_500_on_other_formats(
        i in 0..OTHER_FIXTURES.len(),
        cut in any::<prop::sample::Index>(),
        at in any::<prop::sample::Index>(),
        noise in prop::collection::vec(any::<u8>(), 0..64),
        random in prop::collection::vec(any::<u8>(), 0..512),
    ) {
        let (format, file) = OTHER_FIXTURES[i];
        let b = fixture(file);
        let mut body = b[..cut.index(b.len() + 1)].to_vec();
        let at = at.index(body.len() + 1);
        body.splice(at..at, noise);
        let (rt, app, paths) = other_formats_target();
        let path = &paths.iter().find(|(f, _)| f == format).unwrap().1;
        rt.block_on(async {
            for p in [path.clone(), format!("{path}?table=ATTLOG"), format!("{path}?table=rtlog")] {
                for b in [&body, &random] {
                    let (s, v) = app.ingest(&p, "text/plain", b.clone()).await;
                    assert!(s == 200 || s == 400, "{p}: status {s} {v}");
                }
            }
        });
    }
}
