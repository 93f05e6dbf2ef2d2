//! Shapes described in docs/DEVICE-FORMATS.md §1–§2 that have no fixture file, built here.

use neibao_domain::events::{EventKind, EventState};
use neibao_ingest::decode_hikvision;

use crate::{fixture, kinds, time_of};

/// Every default namespace listed in docs/DEVICE-FORMATS.md §1 "Fields".
const NAMESPACES: [&str; 5] = [
    "http://www.hikvision.com/ver20/XMLSchema",
    "http://www.hikvision.com/ver10/XMLSchema",
    "http://www.isapi.org/ver20/XMLSchema",
    "urn:psialliance-org",
    "http://www.std-cgi.com/ver20/XMLSchema",
];

fn vmd_alert(ns: &str, prefix: &str, decl: bool, eol: &str) -> String {
    let p = if prefix.is_empty() {
        String::new()
    } else {
        format!("{prefix}:")
    };
    let xmlns = if prefix.is_empty() {
        "xmlns".to_string()
    } else {
        format!("xmlns:{prefix}")
    };
    let lines = [
        format!("<{p}EventNotificationAlert version=\"1.0\" {xmlns}=\"{ns}\">"),
        format!("<{p}channelID>3</{p}channelID>"),
        format!("<{p}dateTime>2024-05-14T11:46:3100:00</{p}dateTime>"),
        format!("<{p}activePostCount>1</{p}activePostCount>"),
        format!("<{p}eventType>VMD</{p}eventType>"),
        format!("<{p}eventState>active</{p}eventState>"),
        format!("<{p}Extensions xmlns=\"urn:selfextension:psiaext-ver10-xsd\"><serialNumber>ABC\n </serialNumber><eventPush>x</eventPush></{p}Extensions>"),
        format!("</{p}EventNotificationAlert>"),
    ];
    let decl = if decl {
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>{eol}")
    } else {
        String::new()
    };
    format!("{decl}{}{eol}", lines.join(eol))
}

#[test]
fn every_namespace_prefix_declaration_and_line_end() {
    for ns in NAMESPACES {
        for prefix in ["", "hik"] {
            for decl in [true, false] {
                for eol in ["\r\n", "\n", ""] {
                    let xml = vmd_alert(ns, prefix, decl, eol);
                    let p = decode_hikvision(Some("application/xml"), xml.as_bytes())
                        .unwrap_or_else(|e| panic!("{e}: {xml}"));
                    let [ev] = p.events.as_slice() else {
                        panic!("one event: {xml}")
                    };
                    assert_eq!((ev.kind, ev.channel), (EventKind::Motion, Some(3)), "{xml}");
                    assert_eq!(time_of(ev).as_deref(), Some("2024-05-14T11:46:31+00:00"));
                }
            }
        }
    }
}

#[test]
fn whitespace_and_bom_before_the_declaration() {
    let xml = "\u{feff} \r\n<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<EventNotificationAlert version=\"2.0\" \n\
xmlns=\"urn:psialliance-org\"><eventType>PIR</eventType></EventNotificationAlert>\r\n";
    for ct in [Some("application/xml"), None] {
        assert_eq!(
            kinds(&decode_hikvision(ct, xml.as_bytes()).expect("decodes")),
            ["alarm.pir"]
        );
    }
}

#[test]
fn channel_preference_and_empty_elements() {
    let alert =
        |inner: &str| format!("<EventNotificationAlert><eventType>VMD</eventType>{inner}</EventNotificationAlert>");
    let ch = |inner: &str| decode_hikvision(None, alert(inner).as_bytes()).expect("decodes").events[0].channel;
    assert_eq!(ch("<channelID>2</channelID><dynChannelID>7</dynChannelID>"), Some(2));
    assert_eq!(ch("<channelID/><dynChannelID>7</dynChannelID>"), Some(7));
    assert_eq!(ch("<channelID></channelID><dynChannelID/>"), None);
    assert_eq!(ch("<channelID>34</channelID>"), Some(34), "NVR IP channel kept raw");
}

#[test]
fn event_type_vocabulary() {
    let cases = [
        ("linedetection", EventKind::LineCrossing),
        ("fielddetection", EventKind::FieldIntrusion),
        ("regionEntrance", EventKind::RegionEntrance),
        ("regionExiting", EventKind::RegionExit),
        ("regionExit", EventKind::RegionExit),
        ("tamperdetection", EventKind::Tamper),
        ("scenechangedetection", EventKind::SceneChange),
        ("PIR", EventKind::Pir),
        ("faceSnap", EventKind::FaceCapture),
        ("unattendedBaggage", EventKind::ObjectLeft),
        ("attendedBaggage", EventKind::ObjectRemoved),
        ("diskfull", EventKind::DeviceFault),
        ("nicbroken", EventKind::DeviceFault),
        ("Vmd", EventKind::Motion),
        ("sigLose", EventKind::Unknown),
    ];
    for (t, kind) in cases {
        let xml = format!("<EventNotificationAlert><eventType>{t}</eventType><eventState>inactive</eventState></EventNotificationAlert>");
        let p = decode_hikvision(Some("text/xml"), xml.as_bytes()).expect("decodes");
        let [ev] = p.events.as_slice() else {
            panic!("one event for {t}")
        };
        assert_eq!(
            (ev.kind, ev.vendor_type.as_str(), ev.state),
            (kind, t, EventState::Inactive)
        );
    }
}

#[test]
fn targettype_at_top_level() {
    let xml =
        "<EventNotificationAlert><eventType>VMD</eventType><targetType>human</targetType></EventNotificationAlert>";
    let p = decode_hikvision(None, xml.as_bytes()).expect("decodes");
    assert_eq!(p.events[0].target.as_deref(), Some("human"));
}

/// Replaces every CRLF with LF; the Content-Length values then no longer match.
fn lf_only(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    let mut it = body.iter().peekable();
    while let Some(&b) = it.next() {
        if b == b'\r' && it.peek() == Some(&&b'\n') {
            continue;
        }
        out.push(b);
    }
    out
}

/// Rewrites the header lines that start with `name` (byte-safe, the JPEG part stays intact).
fn rewrite_headers(body: &[u8], name: &str, with: Option<&str>) -> Vec<u8> {
    let mut out = Vec::new();
    for line in body.split_inclusive(|&b| b == b'\n') {
        if line.starts_with(name.as_bytes()) {
            if let Some(w) = with {
                out.extend_from_slice(format!("{name}: {w}\r\n").as_bytes());
            }
        } else {
            out.extend_from_slice(line);
        }
    }
    out
}

fn replace(body: &[u8], from: &str, to: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < body.len() {
        if body[i..].starts_with(from.as_bytes()) {
            out.extend_from_slice(to.as_bytes());
            i += from.len();
        } else {
            out.push(body[i]);
            i += 1;
        }
    }
    out
}

fn assert_linedetection_with_image(body: &[u8], ct: Option<&str>) {
    let p = decode_hikvision(ct, body).unwrap_or_else(|e| panic!("{e}"));
    let [ev] = p.events.as_slice() else {
        panic!("one event, got {:?}", kinds(&p))
    };
    assert_eq!(ev.kind, EventKind::LineCrossing);
    let [img] = ev.images.as_slice() else {
        panic!("one image")
    };
    assert_eq!(img.bytes.len(), 48);
}

const PUSH_CT: Option<&str> = Some("multipart/form-data; boundary=boundary");

#[test]
fn multipart_lf_only() {
    let push = lf_only(fixture!(
        "hikvision-isapi-alert",
        "httphost_push_linedetection_multipart.bin"
    ));
    assert_linedetection_with_image(&push, PUSH_CT);
    let stream = lf_only(fixture!(
        "hikvision-isapi-alert",
        "alertstream_nvr_heartbeat_then_vmd.txt"
    ));
    let p = decode_hikvision(Some("multipart/mixed; boundary=boundary"), &stream).expect("decodes");
    assert_eq!((kinds(&p).len(), p.heartbeats), (3, 2));
}

#[test]
fn multipart_missing_or_wrong_content_length() {
    let push = fixture!("hikvision-isapi-alert", "httphost_push_linedetection_multipart.bin");
    assert_linedetection_with_image(&rewrite_headers(push, "Content-Length", None), PUSH_CT);
    for wrong in ["1", "99", "4800", "999999999999", "nope"] {
        assert_linedetection_with_image(&rewrite_headers(push, "Content-Length", Some(wrong)), PUSH_CT);
    }
    let stream = fixture!("hikvision-isapi-alert", "alertstream_nvr_heartbeat_then_vmd.txt");
    let p = decode_hikvision(None, &rewrite_headers(stream, "Content-Length", Some("12"))).expect("decodes");
    assert_eq!((kinds(&p).len(), p.heartbeats), (3, 2));
}

#[test]
fn multipart_duplicated_boundary_lines_junk_and_no_final_boundary() {
    let push = fixture!("hikvision-isapi-alert", "httphost_push_linedetection_multipart.bin");
    let dup = replace(
        push,
        "--boundary\r\nContent-Disposition",
        "--boundary\r\n--boundary\r\n\r\n--boundary\r\nContent-Disposition",
    );
    assert_linedetection_with_image(&dup, PUSH_CT);
    let mut junk = b"HTTP/1.1 200 OK junk\r\n\r\n".to_vec();
    junk.extend_from_slice(push);
    assert_linedetection_with_image(&junk, PUSH_CT);
    assert_linedetection_with_image(&junk, None);
    let unterminated = replace(push, "\r\n--boundary--\r\n", "");
    assert_linedetection_with_image(&unterminated, PUSH_CT);
}

#[test]
fn multipart_boundary_absent_or_wrong_in_content_type() {
    let push = fixture!("hikvision-isapi-alert", "httphost_push_linedetection_multipart.bin");
    for ct in [
        "multipart/form-data",
        "multipart/form-data; boundary=MIME_boundary",
        "multipart/form-data; boundary=",
    ] {
        assert_linedetection_with_image(push, Some(ct));
    }
}

#[test]
fn image_before_the_event_part_is_attached_to_it() {
    let body = b"--b\r\nContent-Type: image/jpeg\r\n\r\n\xFF\xD8\xFF\xE0<not xml\r\n--b\r\nContent-Type: application/xml\r\n\r\n\
<EventNotificationAlert><eventType>PIR</eventType></EventNotificationAlert>\r\n--b--\r\n";
    let p = decode_hikvision(Some("multipart/form-data; boundary=b"), body).expect("decodes");
    assert_eq!(p.events[0].kind, EventKind::Pir);
    assert_eq!(p.events[0].images[0].bytes, b"\xFF\xD8\xFF\xE0<not xml");
}

const TAB_JSON_ACS: &str = "{\n\t\"ipAddress\":\t\"192.0.2.40\",\n\t\"dateTime\":\t\"2024-05-14T08:00:00+08:30\",\n\
\t\"eventType\":\t\"AccessControllerEvent\",\n\t\"eventState\":\t\"active\",\n\t\"AccessControllerEvent\":\t{\n\
\t\t\"majorEventType\":\t5,\n\t\t\"subEventType\":\t76,\n\t\t\"doorNo\":\t2,\n\t\t\"employeeNoString\":\t\"77\",\n\
\t\t\"serialNo\":\t\"9\"\n\t}\n}";

fn acs_multipart(part_name: &str, json: &str, with_length: bool) -> Vec<u8> {
    let len = if with_length {
        format!("Content-Length: {}\r\n", json.len())
    } else {
        String::new()
    };
    let mut body = format!(
        "--MIME_boundary\r\nContent-Disposition: form-data; name=\"{part_name}\"\r\nContent-Type: application/json\r\n{len}\r\n{json}\r\n\
--MIME_boundary\r\nContent-Disposition: form-data; name=\"Picture\"; filename=\"Picture.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&[0xFF, 0xD8, 0xFF, 0x00, 0x0D, 0x0A, 0xFF, 0xD9]);
    body.extend_from_slice(b"\r\n--MIME_boundary--\r\n");
    body
}

#[test]
fn acs_json_in_multipart_parts_named_event_log_or_accesscontrollerevent() {
    for name in ["event_log", "AccessControllerEvent"] {
        for with_length in [true, false] {
            let body = acs_multipart(name, TAB_JSON_ACS, with_length);
            for ct in [
                Some("multipart/form-data; boundary=MIME_boundary"),
                Some("multipart/form-data"),
                None,
            ] {
                let p = decode_hikvision(ct, &body).expect("decodes");
                let [ev] = p.events.as_slice() else { panic!("one event") };
                assert_eq!(ev.kind, EventKind::AccessDenied);
                assert_eq!(ev.vendor_type, "AccessControllerEvent/5/76");
                assert_eq!(ev.region.as_deref(), Some("door:2"));
                assert_eq!(ev.serial_no, Some(9));
                assert_eq!(ev.person.employee_no.as_deref(), Some("77"));
                assert_eq!(time_of(ev).as_deref(), Some("2024-05-14T08:00:00+08:30"));
                assert_eq!(ev.images.len(), 1);
                assert_eq!(ev.images[0].bytes.len(), 8);
                assert_eq!(ev.images[0].name.as_deref(), Some("Picture.jpg"));
            }
        }
    }
}

#[test]
fn acs_heartbeat_in_multipart_is_ok_with_a_heartbeat() {
    let hb = "{\n\t\"eventType\":\t\"heartBeat\",\n\t\"eventState\":\t\"active\"\n}";
    let body = acs_multipart("AccessControllerEvent", hb, true);
    let p = decode_hikvision(Some("multipart/form-data; boundary=MIME_boundary"), &body).expect("decodes");
    assert_eq!((p.events.len(), p.heartbeats), (0, 1));
}

#[test]
fn acs_flattened_person_fields() {
    let body = r#"{"eventType":"AccessControllerEvent","dateTime":"2024-05-14T13:43:48+08:30","eventState":"active",
        "majorEventType":5,"subEventType":"75","name":"Flat Person","employeeNoString":"12","cardNo":"",
        "currentVerifyMode":"face","doorNo":"1","serialNo":1001}"#;
    let p = decode_hikvision(Some("application/json"), body.as_bytes()).expect("decodes");
    let [ev] = p.events.as_slice() else { panic!("one event") };
    assert_eq!(ev.kind, EventKind::AccessGranted);
    assert_eq!(ev.vendor_type, "AccessControllerEvent/5/75");
    assert_eq!(ev.person.name.as_deref(), Some("Flat Person"));
    assert_eq!(ev.person.card_no, None, "empty string is no card");
    assert_eq!(ev.person.verify_mode.as_deref(), Some("face"));
    assert_eq!(ev.region.as_deref(), Some("door:1"));
    assert_eq!(ev.serial_no, Some(1001));
}

#[test]
fn acs_infolist_with_string_numbers_and_other_majors() {
    let body = r#"{"AcsEvent":{"InfoList":[
        {"major":"5","minor":"27","time":"2024-05-14T10:00:00+08:00","doorNo":1},
        {"major":5,"minor":28,"time":"2024-05-14T10:00:01+08:00"},
        {"major":1,"minor":1029},
        {"major":2,"minor":39},
        {"major":3,"minor":112},
        {"major":5,"minor":9,"cardNo":"999"},
        {"major":5,"minor":9999},
        "not an object"
    ]}}"#;
    let p = decode_hikvision(None, body.as_bytes()).expect("decodes");
    assert_eq!(
        kinds(&p),
        [
            "access.door_forced",
            "access.door_open_timeout",
            "access.alarm",
            "access.other",
            "access.other",
            "access.denied",
            "access.other"
        ]
    );
    assert_eq!(p.events[6].vendor_type, "AccessControllerEvent/5/9999");
}

#[test]
fn acs_events_list_and_envelope_wrappers() {
    let body = r#"{"Events":[
        {"EventNotificationAlert":{"eventType":"AccessControllerEvent","AccessControllerEvent":{"majorEventType":5,"subEventType":22}}},
        {"eventType":"heartBeat"},
        {"majorEventType":5,"subEventType":1}
    ]}"#;
    let p = decode_hikvision(Some("application/json"), body.as_bytes()).expect("decodes");
    assert_eq!(kinds(&p), ["access.door_locked", "access.granted"]);
    assert_eq!(p.heartbeats, 1);
}

const FACE_CAPTURE: &str = "{\n\t\"ipAddress\":\t\"192.0.2.50\",\n\t\"channelID\":\t8,\n\t\"dateTime\":\t\"2024-05-14T08:18:53-07:00\",\n\
\t\"activePostCount\":\t1,\n\t\"eventType\":\t\"faceCapture\",\n\t\"eventState\":\t\"active\",\n\t\"eventDescription\":\t\"faceCapture\",\n\
\t\"faceCapture\":\t[{\n\t\t\"targetAttrs\":\t{\"deviceChannel\":\t8, \"faceTime\":\t\"2024-05-14T08:18:54-07:00\"},\n\
\t\t\"faces\":\t[{\"faceId\":\t1, \"faceScore\":\t25}]\n\t}, {\n\t\t\"faces\":\t[]\n\t}]\n}";

#[test]
fn nvr_face_capture_json_in_the_alert_stream() {
    let vmd = "<EventNotificationAlert xmlns=\"http://www.isapi.org/ver20/XMLSchema\"><dynChannelID>8</dynChannelID>\
<eventType>VMD</eventType><eventState>active</eventState></EventNotificationAlert>";
    let mut body = format!(
        "--boundary\r\nContent-Type: application/xml; charset=\"UTF-8\"\r\nContent-Length: {}\r\n\r\n{vmd}\r\n\
--boundary\r\nContent-Type: application/json; charset=\"UTF-8\"\r\nContent-Length: {}\r\n\r\n{FACE_CAPTURE}\r\n\
--boundary\r\nContent-Type: image/jpeg\r\nContent-Length: 4\r\n\r\n",
        vmd.len(),
        FACE_CAPTURE.len()
    )
    .into_bytes();
    body.extend_from_slice(&[0xFF, 0xD8, 0xFF, 0xD9]);
    body.extend_from_slice(b"\r\n");
    let p = decode_hikvision(Some("multipart/mixed; boundary=boundary"), &body).expect("decodes");
    assert_eq!(kinds(&p), ["motion", "face.capture", "face.capture"]);
    assert!(p.events[0].images.is_empty(), "the image follows the face part");
    for ev in &p.events[1..] {
        assert_eq!(ev.vendor_type, "faceCapture");
        assert_eq!(ev.channel, Some(8));
        assert_eq!(ev.images.len(), 1);
    }
    assert_eq!(time_of(&p.events[1]).as_deref(), Some("2024-05-14T08:18:54-07:00"));
    assert_eq!(time_of(&p.events[2]).as_deref(), Some("2024-05-14T08:18:53-07:00"));
}

#[test]
fn mislabeled_and_unlabeled_bodies_are_sniffed() {
    let xml = fixture!("hikvision-isapi-alert", "alert_io_input_ver20.xml");
    let json = fixture!("hikvision-acs", "accesscontrollerevent_card_pass_plain_json.json");
    for ct in [
        Some("application/json"),
        Some("application/octet-stream"),
        Some(""),
        None,
    ] {
        assert_eq!(kinds(&decode_hikvision(ct, xml).expect("xml")), ["alarm.input"]);
    }
    for ct in [Some("application/xml"), Some("text/plain"), None] {
        assert_eq!(kinds(&decode_hikvision(ct, json).expect("json")), ["access.granted"]);
    }
    let mut bom = b"\xEF\xBB\xBF\r\n ".to_vec();
    bom.extend_from_slice(xml);
    assert_eq!(kinds(&decode_hikvision(None, &bom).expect("bom")), ["alarm.input"]);
    // Declared multipart, but a bare document.
    assert_eq!(
        kinds(&decode_hikvision(Some("multipart/form-data; boundary=b"), xml).expect("bare")),
        ["alarm.input"]
    );
}

#[test]
fn error_codes() {
    let code = |ct: Option<&str>, body: &[u8]| decode_hikvision(ct, body).map(|_| ()).unwrap_err().code();
    assert_eq!(code(None, b""), "empty_body");
    assert_eq!(code(Some("application/xml"), b" \r\n\t"), "empty_body");
    assert_eq!(code(Some("application/xml"), b"hello"), "not_xml");
    assert_eq!(code(Some("application/xml"), b"<a><b></a"), "not_xml");
    assert_eq!(code(Some("application/json"), b"{\"a\":"), "not_json");
    assert_eq!(code(Some("application/json"), b"nope"), "not_json");
    assert_eq!(code(None, b"hello"), "unknown_format");
    assert_eq!(
        code(None, b"<ResponseStatus><statusCode>4</statusCode></ResponseStatus>"),
        "unknown_shape"
    );
    assert_eq!(
        code(
            None,
            b"<EventNotificationAlert><eventState>active</eventState></EventNotificationAlert>"
        ),
        "missing_field"
    );
    assert_eq!(code(None, b"{\"foo\":1}"), "unknown_shape");
    let only_image = b"--b\r\nContent-Type: image/jpeg\r\n\r\n\xFF\xD8\xFF\xD9\r\n--b--\r\n";
    assert_eq!(
        code(Some("multipart/form-data; boundary=b"), only_image),
        "no_event_part"
    );
    let bad_parts = b"--b\r\n\r\n<ResponseStatus/>\r\n--b\r\n\r\n{\"x\":1}\r\n--b--";
    let err = decode_hikvision(None, bad_parts).unwrap_err();
    assert_eq!(err, neibao_ingest::DecodeError::NoEventPart { parts: 2 });
}

#[test]
fn errors_never_echo_payload_bytes() {
    let secret = "SECRET-PERSON-NAME";
    let bodies = [
        format!("<{secret}>"),
        format!("{{\"{secret}\":1}}"),
        format!("<EventNotificationAlert><x>{secret}</x></EventNotificationAlert>"),
        format!("--b\r\n\r\n{secret}\r\n--b--"),
        secret.to_string(),
    ];
    for body in &bodies {
        for ct in [
            None,
            Some("application/xml"),
            Some("application/json"),
            Some("multipart/mixed"),
        ] {
            if let Err(e) = decode_hikvision(ct, body.as_bytes()) {
                assert!(!e.to_string().contains(secret) && !e.message_zh().contains(secret));
            }
        }
        if let Err(e) = neibao_ingest::decode_generic_json(body.as_bytes()) {
            assert!(!e.to_string().contains(secret) && !e.message_zh().contains(secret));
        }
    }
}
