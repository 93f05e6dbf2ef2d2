//! The six classes of real payloads issue 19 found misread, each against a fixture written from
//! the vendor's documentation or a public capture (sources in `tests/fixtures/devices/README.md`
//! and docs/DEVICE-FORMATS.md §10).

use neibao_domain::events::{EventKind, EventState};
use neibao_ingest::time::{default_device_zone, read_local_times_in};
use neibao_ingest::{decode_dahua, decode_frigate, decode_gb28181, decode_hikvision, decode_onvif};

use crate::{fixture, kinds, time_of};

/// Class 1: Dahua `CrossRegionDetection` with `Action: Cross` and `Direction: Enter/Leave`.
#[test]
fn dahua_cross_region_direction_is_entrance_or_exit() {
    let p = decode_dahua(
        Some("multipart/x-mixed-replace; boundary=myboundary"),
        fixture!(
            "dahua-eventmanager",
            "crossregiondetection_cross_direction_enter_leave.txt"
        ),
    )
    .expect("decodes");
    assert_eq!(p.heartbeats, 1);
    assert_eq!(
        kinds(&p),
        ["intrusion.region_entrance", "intrusion.region_exit", "intrusion.field"]
    );
    let enter = &p.events[0];
    assert_eq!(enter.vendor_type, "CrossRegionDetection");
    assert_eq!(enter.channel, Some(2));
    assert_eq!(enter.region.as_deref(), Some("Test Courtyard"));
    assert_eq!(enter.target.as_deref(), Some("human"));
    // The older shape (`Action: Enter`) still maps, and `Cross` without a direction is intrusion.
    let old = decode_dahua(
        None,
        b"Code=CrossRegionDetection;action=Start;index=0;data={\"Action\":\"Leave\"}",
    )
    .expect("decodes");
    assert_eq!(old.events[0].kind, EventKind::RegionExit);
    let bare = decode_dahua(
        None,
        b"Code=CrossRegionDetection;action=Start;index=0;data={\"Action\":\"Cross\"}",
    )
    .expect("decodes");
    assert_eq!(bare.events[0].kind, EventKind::FieldIntrusion);
}

/// Class 1, more shapes from public captures (rroller/dahua#288 and #138, Home Assistant event
/// dumps rewritten as the eventManager text they arrive as): `Action` `Appear` and `Inside` with
/// no `Direction` are intrusion into the region, not an entrance; `UTC` epoch seconds beside
/// `LocaleTime` make the time absolute (the zone is not applied).
#[test]
fn dahua_cross_region_appear_and_inside_are_intrusion() {
    let mut p = decode_dahua(
        Some("multipart/x-mixed-replace; boundary=myboundary"),
        fixture!(
            "dahua-eventmanager",
            "crossregiondetection_appear_inside_utc_and_localetime.txt"
        ),
    )
    .expect("decodes");
    read_local_times_in(&mut p, default_device_zone());
    let got: Vec<_> = p
        .events
        .iter()
        .map(|e| {
            (
                e.kind.code(),
                e.channel,
                e.region.as_deref(),
                e.target.as_deref(),
                e.device_time.map(|t| t.timestamp()),
                e.device_time_zone.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "intrusion.field",
                Some(6),
                Some("Test Rule 2"),
                Some("human"),
                Some(1_687_814_520),
                None
            ),
            (
                "intrusion.field",
                Some(1),
                Some("Test Pool Entry"),
                Some("human"),
                Some(1_654_552_254),
                None
            ),
        ]
    );
}

/// Class 2: offset-less device times are the device's wall clock, read in its zone (+08:00 default),
/// and whether an offset was given is kept.
#[test]
fn offset_less_times_are_read_in_the_device_zone() {
    let zone = default_device_zone();
    // GB/T 28181 AlarmTime `2024-05-14T16:23:32` (no zone).
    let mut gb = decode_gb28181(fixture!("gb28181", "alarm_notify_device_alarm_2011_style.xml")).expect("decodes");
    let before = gb.events[0].device_time.expect("time");
    assert!(!gb.events[0].device_time_has_offset);
    read_local_times_in(&mut gb, zone);
    let after = gb.events[0].device_time.expect("time");
    assert_eq!(after.naive_local(), before.naive_utc(), "wall clock kept");
    assert_eq!(after.offset().local_minus_utc(), 8 * 3600);
    assert_eq!(
        before.timestamp() - after.timestamp(),
        8 * 3600,
        "eight hours earlier than read as UTC"
    );
    assert!(!gb.events[0].device_time_has_offset);

    // Dahua `LocaleTime` without `UTC` (VTO call event).
    let mut vto =
        decode_dahua(None, fixture!("dahua-eventmanager", "rpc2_notifyeventstream_vto.json")).expect("decodes");
    read_local_times_in(&mut vto, zone);
    let call = vto
        .events
        .iter()
        .find(|e| e.vendor_type == "CallNoAnswered")
        .expect("call");
    assert_eq!(time_of(call).as_deref(), Some("2024-05-14T20:11:13+08:00"));
    assert!(!call.device_time_has_offset);
    // With `UTC` epoch seconds the instant is absolute and untouched.
    let door = vto.events.iter().find(|e| e.vendor_type == "DoorStatus").expect("door");
    assert!(door.device_time_has_offset);
    assert_eq!(door.device_time.expect("time").timestamp(), 1_715_689_449);

    // Hikvision DVR dateTime without offset (node-red-contrib-hikvision-ultimate#83).
    let xml = "<EventNotificationAlert><dateTime>2024-05-14T14:16:04</dateTime><eventType>VMD</eventType>\
               <eventState>active</eventState></EventNotificationAlert>";
    let mut hik = decode_hikvision(Some("application/xml"), xml.as_bytes()).expect("decodes");
    read_local_times_in(&mut hik, zone);
    assert_eq!(time_of(&hik.events[0]).as_deref(), Some("2024-05-14T14:16:04+08:00"));
    assert!(!hik.events[0].device_time_has_offset);
    assert_eq!(hik.events[0].device_time_zone.as_deref(), Some("Asia/Shanghai"));
    // A time given with an offset is left as the device said.
    let xml = xml.replace("14:16:04", "14:16:04-06:00");
    let mut hik = decode_hikvision(Some("application/xml"), xml.as_bytes()).expect("decodes");
    read_local_times_in(&mut hik, zone);
    assert_eq!(time_of(&hik.events[0]).as_deref(), Some("2024-05-14T14:16:04-06:00"));
    assert!(hik.events[0].device_time_has_offset);
    assert_eq!(hik.events[0].device_time_zone, None);
    // A device in a zone with daylight saving: its summer wall clock is read at summer time.
    let xml = xml.replace("14:16:04-06:00", "14:16:04");
    let mut hik = decode_hikvision(Some("application/xml"), xml.as_bytes()).expect("decodes");
    let denver = neibao_ingest::time::parse_time_zone("America/Denver").expect("zone");
    read_local_times_in(&mut hik, denver);
    assert_eq!(time_of(&hik.events[0]).as_deref(), Some("2024-05-14T14:16:04-06:00"));
    assert_eq!(hik.events[0].device_time_zone.as_deref(), Some("America/Denver"));
}

/// Class 3: Axis `1`/`0` booleans; VMD4 is motion; PIR and PTZ states; object analytics class.
#[test]
fn axis_one_zero_booleans_vmd4_and_object_class() {
    let p = decode_onvif(fixture!("onvif", "axis_metadatastream_vmd4_pir_ptz_1_0.xml")).expect("decodes");
    let got: Vec<_> = p.events.iter().map(|e| (e.kind, e.state)).collect();
    assert_eq!(
        got,
        vec![
            // The Initialized `active="0"` dump says nothing happened: skipped.
            (EventKind::Motion, EventState::Active),
            (EventKind::Motion, EventState::Inactive),
            (EventKind::Pir, EventState::Active),
            (EventKind::Pir, EventState::Inactive),
            (EventKind::Unknown, EventState::Inactive),
        ]
    );
    assert_eq!(
        p.events[0].vendor_type,
        "tnsaxis:CameraApplicationPlatform/VMD/Camera1Profile1"
    );
    assert_eq!(p.events[4].vendor_type, "tns1:PTZController/tnsaxis:Move/Channel_1");

    let aoa = decode_onvif(fixture!("onvif", "axis_objectanalytics_classtypes_PARTLY_VERIFIED.xml")).expect("decodes");
    let got: Vec<_> = aoa
        .events
        .iter()
        .map(|e| (e.kind, e.state, e.target.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            (EventKind::Motion, EventState::Active, Some("human")),
            (EventKind::Motion, EventState::Inactive, Some("human")),
        ]
    );

    // `true`/`false` still work, and `0` in an item that is not a state is not read as one.
    let body = br#"<Notify><NotificationMessage><Topic>tns1:RuleEngine/CellMotionDetector/Motion</Topic><Message><Message><Data><SimpleItem Name="ObjectCount" Value="0"/><SimpleItem Name="IsMotion" Value="true"/></Data></Message></Message></NotificationMessage></Notify>"#;
    let p = decode_onvif(body).expect("decodes");
    assert_eq!(p.events[0].state, EventState::Active);
}

/// Class 4: Frigate messages that are not events are refused (stable code), never stored, and a
/// trigger name never becomes a person name.
#[test]
fn frigate_triggers_are_not_events() {
    let e = decode_frigate(fixture!("frigate-mqtt", "not_event_triggers_v0.17.json")).expect_err("not an event");
    assert_eq!(e.code(), "not_an_event");
    assert_eq!(e.message_zh(), "frigate/triggers 消息不是事件，未保存");
    let e = decode_frigate(br#"{"type":"genai","camera":"c","name":"Test Person A"}"#).expect_err("not an event");
    assert_eq!(e.code(), "not_an_event");
    // Among events in one array, the non-event is skipped and the events kept.
    let body = br#"[{"name":"test_red_car","camera":"c","event_id":"1.2-x","type":"thumbnail","score":0.9},
                    {"type":"new","after":{"id":"1.2-x","camera":"c","label":"car","false_positive":false}}]"#;
    let p = decode_frigate(body).expect("decodes");
    assert_eq!(kinds(&p), ["motion"]);
    assert_eq!(p.events[0].person.name, None);
    // A tracked-object update of another type keeps no name as a person's.
    let p =
        decode_frigate(br#"{"type":"description","id":"1.2-x","camera":"c","name":"test_red_car"}"#).expect("decodes");
    assert_eq!(p.events[0].person.name, None);
}

/// Class 5: Hikvision ANPR with an unread plate stores no plate.
#[test]
fn hikvision_anpr_unread_plate_is_not_a_plate() {
    let p = decode_hikvision(
        Some("application/xml"),
        fixture!("hikvision-isapi-alert", "alert_anpr_plate_unknown_ver20.xml"),
    )
    .expect("decodes");
    let ev = &p.events[0];
    assert_eq!(ev.kind, EventKind::Plate);
    assert_eq!(ev.target.as_deref(), Some("vehicle"));
    for placeholder in ["无车牌", "", "UNKNOWN", "车牌"] {
        let xml = format!(
            "<EventNotificationAlert><eventType>ANPR</eventType><ANPR><licensePlate>{placeholder}</licensePlate></ANPR></EventNotificationAlert>"
        );
        let p = decode_hikvision(None, xml.as_bytes()).expect("decodes");
        assert_eq!(p.events[0].target.as_deref(), Some("vehicle"), "{placeholder:?}");
    }
    let p = decode_hikvision(
        None,
        "<EventNotificationAlert><eventType>ANPR</eventType><ANPR><licensePlate>京A12345</licensePlate></ANPR></EventNotificationAlert>"
            .as_bytes(),
    )
    .expect("decodes");
    assert_eq!(p.events[0].target.as_deref(), Some("京A12345"));
}

/// Class 6: Dahua RPC2 `client.notifyEventStream` JSON is decoded: VTO access, door and call events.
#[test]
fn dahua_rpc2_notify_event_stream_is_decoded() {
    let body = fixture!("dahua-eventmanager", "rpc2_notifyeventstream_vto.json");
    for ct in [None, Some("application/json"), Some("text/plain")] {
        let p = decode_dahua(ct, body).expect("decodes");
        assert_eq!(
            kinds(&p),
            [
                "access.granted",
                "access.denied",
                "access.other",
                "access.other",
                "unknown"
            ]
        );
        let [granted, denied, door, call, light] = p.events.as_slice() else {
            panic!("five events")
        };
        assert_eq!(granted.person.employee_no.as_deref(), Some("9901"));
        assert_eq!(granted.person.verify_mode.as_deref(), Some("dahua:4"));
        assert_eq!(granted.serial_no, Some(691));
        assert_eq!(granted.region.as_deref(), Some("1"));
        assert_eq!(denied.person.card_no.as_deref(), Some("5B1C2D3E"));
        assert_eq!(
            (door.vendor_type.as_str(), door.state),
            ("DoorStatus", EventState::Active)
        );
        assert_eq!(door.region.as_deref(), Some("door:2"));
        assert_eq!(
            (call.vendor_type.as_str(), call.state),
            ("CallNoAnswered", EventState::Active)
        );
        assert_eq!(light.vendor_type, "BackKeyLight");
    }
    // A closed door is the end of the open-door condition; a bare event object decodes too.
    let p = decode_dahua(
        None,
        br#"{"Code":"DoorStatus","Action":"Pulse","Data":{"Status":"Close"},"Index":0}"#,
    )
    .expect("decodes");
    assert_eq!(
        (p.events[0].state, p.events[0].region.as_deref()),
        (EventState::Inactive, Some("door:1"))
    );
    // Other RPC2 messages are not event shapes, with a true reason.
    for other in [
        r#"{"id":8,"result":true,"params":{"timeout":60},"session":1234567}"#,
        r#"{"method":"client.notifyConfigChange","params":{"table":{}}}"#,
    ] {
        assert_eq!(
            decode_dahua(None, other.as_bytes()).unwrap_err().code(),
            "unknown_shape",
            "{other}"
        );
    }
    assert_eq!(
        decode_dahua(None, br#"{"method":"client.notifyEventStream","params":{}}"#)
            .unwrap_err()
            .code(),
        "missing_field"
    );
    assert_eq!(decode_dahua(None, b"{\"method\":").unwrap_err().code(), "not_json");
}
