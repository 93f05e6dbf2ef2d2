//! Every Hikvision fixture decodes, with the fields a reader of the file would expect.

use neibao_domain::events::{EventKind, EventState};
use neibao_ingest::{decode_hikvision, time::parse_device_time};

use crate::{fixture, kinds, time_of};

const XML_TYPES: [Option<&str>; 4] = [
    Some("application/xml"),
    Some("application/xml; charset=\"UTF-8\""),
    Some("text/xml"),
    None,
];
const JSON_TYPES: [Option<&str>; 3] = [Some("application/json"), Some("Application/JSON; charset=utf-8"), None];

#[test]
fn fielddetection_vehicle_without_declaration() {
    for ct in XML_TYPES {
        let p = decode_hikvision(
            ct,
            fixture!("hikvision-isapi-alert", "alert_fielddetection_vehicle_ver20_nodecl.xml"),
        )
        .expect("decodes");
        assert_eq!(p.heartbeats, 0);
        let [ev] = p.events.as_slice() else {
            panic!("one event, got {:?}", kinds(&p))
        };
        assert_eq!(ev.kind, EventKind::FieldIntrusion);
        assert_eq!(ev.vendor_type, "fielddetection");
        assert_eq!(ev.state, EventState::Active);
        assert_eq!(ev.channel, Some(1));
        assert_eq!(ev.region.as_deref(), Some("2"));
        assert_eq!(ev.target.as_deref(), Some("vehicle"));
        assert_eq!(time_of(ev).as_deref(), Some("2024-05-14T07:51:17+01:00"));
        assert!(ev.device_time_has_offset);
        assert_eq!(ev.mac_address.as_deref(), Some("00:00:5e:00:53:15"));
        assert_eq!(ev.description.as_deref(), Some("fielddetection alarm"));
        assert!(ev.person.is_empty() && ev.images.is_empty() && ev.serial_no.is_none());
    }
}

#[test]
fn io_input() {
    for ct in XML_TYPES {
        let p = decode_hikvision(ct, fixture!("hikvision-isapi-alert", "alert_io_input_ver20.xml")).expect("decodes");
        let [ev] = p.events.as_slice() else { panic!("one event") };
        assert_eq!(ev.kind, EventKind::AlarmInput);
        assert_eq!(ev.vendor_type, "IO");
        assert_eq!(ev.channel, Some(1));
        assert_eq!(ev.region.as_deref(), Some("io:1"));
        assert_eq!(ev.target, None);
        assert_eq!(time_of(ev).as_deref(), Some("2024-05-14T16:53:28+01:00"));
        assert_eq!(ev.description.as_deref(), Some("IO alarm"));
    }
}

#[test]
fn shelteralarm_is_tamper() {
    for ct in XML_TYPES {
        let p = decode_hikvision(
            ct,
            fixture!("hikvision-isapi-alert", "alert_shelteralarm_tamper_ver20.xml"),
        )
        .expect("decodes");
        let [ev] = p.events.as_slice() else { panic!("one event") };
        assert_eq!(
            (ev.kind, ev.state, ev.channel),
            (EventKind::Tamper, EventState::Active, Some(1))
        );
        assert_eq!(ev.vendor_type, "shelteralarm");
        assert_eq!(time_of(ev).as_deref(), Some("2024-05-14T02:14:55+02:00"));
        assert_eq!(ev.region, None);
    }
}

#[test]
fn alertstream_heartbeats_then_vmd() {
    let body = fixture!("hikvision-isapi-alert", "alertstream_nvr_heartbeat_then_vmd.txt");
    for ct in [
        Some("multipart/mixed; boundary=boundary"),
        Some("multipart/mixed"),
        None,
    ] {
        let p = decode_hikvision(ct, body).expect("decodes");
        assert_eq!(p.heartbeats, 2, "ct={ct:?}");
        assert_eq!(kinds(&p), ["motion"; 3]);
        let times: Vec<_> = p.events.iter().filter_map(time_of).collect();
        assert_eq!(
            times,
            [
                "2024-05-14T09:12:49+09:30",
                "2024-05-14T09:12:50+09:30",
                "2024-05-14T09:12:51+09:30"
            ]
        );
        for ev in &p.events {
            assert_eq!(ev.vendor_type, "VMD");
            assert_eq!(ev.state, EventState::Active);
            assert_eq!(ev.channel, Some(5), "from dynChannelID");
            assert_eq!(ev.description.as_deref(), Some("Motion alarm"));
            assert_eq!(ev.mac_address.as_deref(), Some("00:00:5e:00:53:0a"));
        }
    }
}

#[test]
fn httphost_push_with_binary_jpeg() {
    let body = fixture!("hikvision-isapi-alert", "httphost_push_linedetection_multipart.bin");
    for ct in [
        Some("multipart/form-data; boundary=boundary"),
        Some("MULTIPART/FORM-DATA; boundary=\"boundary\""),
        None,
    ] {
        let p = decode_hikvision(ct, body).expect("decodes");
        let [ev] = p.events.as_slice() else { panic!("one event") };
        assert_eq!(ev.kind, EventKind::LineCrossing);
        assert_eq!(ev.vendor_type, "linedetection");
        assert_eq!(ev.channel, Some(1));
        assert_eq!(ev.region.as_deref(), Some("1"));
        assert_eq!(ev.target.as_deref(), Some("vehicle"));
        assert_eq!(time_of(ev).as_deref(), Some("2024-05-14T15:51:35+03:00"));
        let [img] = ev.images.as_slice() else {
            panic!("one image")
        };
        assert_eq!(img.bytes.len(), 48);
        assert!(img.bytes.starts_with(&[0xFF, 0xD8]) && img.bytes.ends_with(&[0xFF, 0xD9]));
        assert_eq!(img.content_type, "image/jpeg");
        assert_eq!(img.name.as_deref(), Some("linedetectionImage.jpg"));
    }
}

#[test]
fn acs_card_pass() {
    for ct in JSON_TYPES {
        let p = decode_hikvision(
            ct,
            fixture!("hikvision-acs", "accesscontrollerevent_card_pass_plain_json.json"),
        )
        .expect("decodes");
        let [ev] = p.events.as_slice() else { panic!("one event") };
        assert_eq!(ev.kind, EventKind::AccessGranted);
        assert_eq!(ev.vendor_type, "AccessControllerEvent/5/1");
        assert_eq!(ev.state, EventState::Active);
        assert_eq!(ev.channel, Some(1));
        assert_eq!(ev.region.as_deref(), Some("door:1"));
        assert_eq!(ev.serial_no, Some(139));
        assert_eq!(time_of(ev).as_deref(), Some("2024-05-14T13:43:48+08:00"));
        assert_eq!(ev.person.name.as_deref(), Some("Sam Sample"));
        assert_eq!(ev.person.employee_no.as_deref(), Some("001"));
        assert_eq!(ev.person.card_no.as_deref(), Some("0001234567"));
        assert_eq!(ev.person.user_type.as_deref(), Some("normal"));
        assert_eq!(ev.person.verify_mode.as_deref(), Some("cardOrFaceOrFp"));
        assert_eq!(ev.mac_address.as_deref(), Some("00:00:5e:00:53:20"));
        assert_eq!(ev.description.as_deref(), Some("Access Controller Event"));
    }
}

#[test]
fn acs_door_event_without_person() {
    for ct in JSON_TYPES {
        let p = decode_hikvision(
            ct,
            fixture!("hikvision-acs", "accesscontrollerevent_door_no_person.json"),
        )
        .expect("decodes");
        let [ev] = p.events.as_slice() else { panic!("one event") };
        assert_eq!(ev.kind, EventKind::DoorUnlocked);
        assert_eq!(ev.vendor_type, "AccessControllerEvent/5/21");
        assert_eq!(ev.region.as_deref(), Some("door:1"));
        assert_eq!(ev.serial_no, Some(257));
        assert_eq!(ev.channel, None);
        assert!(ev.person.is_empty());
        assert_eq!(time_of(ev).as_deref(), Some("2024-05-14T12:32:28+01:00"));
    }
}

#[test]
fn acs_heartbeat_is_not_an_event() {
    for ct in JSON_TYPES {
        let p = decode_hikvision(ct, fixture!("hikvision-acs", "heartbeat.json")).expect("decodes");
        assert_eq!((p.events.len(), p.heartbeats), (0, 1));
    }
}

#[test]
fn acs_pull_search_response() {
    for ct in JSON_TYPES {
        let p = decode_hikvision(ct, fixture!("hikvision-acs", "acsevent_search_response_pull.json")).expect("decodes");
        let [a, b] = p.events.as_slice() else {
            panic!("two events")
        };
        assert_eq!(
            (a.kind, a.vendor_type.as_str()),
            (EventKind::AccessGranted, "AccessControllerEvent/5/1")
        );
        assert_eq!(a.serial_no, Some(42970));
        assert_eq!(a.person.employee_no.as_deref(), Some("100054"));
        assert_eq!(a.person.card_no.as_deref(), Some("0001234567"));
        assert_eq!(time_of(a).as_deref(), Some("2024-05-14T19:05:47+07:00"));
        assert_eq!(a.region.as_deref(), Some("door:1"));

        assert_eq!(
            (b.kind, b.vendor_type.as_str()),
            (EventKind::AccessGranted, "AccessControllerEvent/5/38")
        );
        assert_eq!(b.serial_no, Some(187));
        assert_eq!(b.person.name.as_deref(), Some("Alex Example"));
        assert_eq!(b.person.employee_no.as_deref(), Some("2"));
        assert_eq!(b.person.card_no, None);
        assert_eq!(b.description.as_deref(), Some("Check Out"));
        assert_eq!(time_of(b).as_deref(), Some("2024-05-14T21:57:44-03:00"));
        assert_eq!(b.state, EventState::Active);
    }
}

/// Catches fixtures added later: every file of the two folders decodes to something with its
/// content type sniffed, except the datetime table.
#[test]
fn every_file_in_the_hikvision_folders_decodes() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/devices");
    let mut seen = 0;
    for dir in ["hikvision-isapi-alert", "hikvision-acs"] {
        for entry in std::fs::read_dir(root.join(dir)).expect("fixture folder") {
            let path = entry.expect("entry").path();
            if path
                .file_name()
                .is_some_and(|n| n == "quirk_datetime_values_seen.txt" || n == "README.md")
            {
                continue;
            }
            let body = std::fs::read(&path).expect("readable");
            let p = decode_hikvision(None, &body).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(!p.events.is_empty() || p.heartbeats > 0, "{}", path.display());
            seen += 1;
        }
    }
    assert!(seen >= 9, "fixtures went missing: {seen}");
}

#[test]
fn every_datetime_value_seen_parses() {
    let table = include_str!("../../../../tests/fixtures/devices/hikvision-isapi-alert/quirk_datetime_values_seen.txt");
    let values: Vec<&str> = table
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    assert_eq!(values.len(), 6);
    let expected = [
        ("2024-05-14T09:12:40+09:30", true),
        ("2024-05-14T07:51:17+01:00", true),
        ("2024-05-14T09:01:18-06:00", true),
        ("2024-05-14T11:46:31+00:00", true),
        ("2024-05-14T14:16:04+00:00", false),
        ("2024-05-14T09:12:40+00:00", true),
    ];
    for (value, (want, had_offset)) in values.iter().zip(expected) {
        let (t, off) = parse_device_time(value).unwrap_or_else(|| panic!("{value:?} did not parse"));
        assert_eq!((t.to_rfc3339().as_str(), off), (want, had_offset), "{value:?}");
    }
}

/// Catches fixtures added later to the other vendors' folders: every payload file decodes with its
/// format's decoder (the transcript and the platform's GB/T 28181 answer are not payloads).
#[test]
fn every_file_in_the_other_vendor_folders_decodes() {
    use neibao_ingest::{decode_dahua, decode_frigate, decode_gb28181, decode_onvif, decode_zkteco};
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/devices");
    let mut seen = 0;
    for dir in ["dahua-eventmanager", "onvif", "frigate-mqtt", "gb28181", "zkteco-adms"] {
        for entry in std::fs::read_dir(root.join(dir)).expect("fixture folder") {
            let path = entry.expect("entry").path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("").to_string();
            if name == "handshake_transcript.txt" || name == "README.md" || name.starts_with("response_") {
                continue;
            }
            let body = std::fs::read(&path).expect("readable");
            if name.starts_with("not_event_") {
                // Well-formed messages of the format that are not events: refused, never stored.
                let e = decode_frigate(&body).expect_err("not an event");
                assert_eq!(e.code(), "not_an_event", "{}", path.display());
                seen += 1;
                continue;
            }
            let p = match dir {
                "dahua-eventmanager" => decode_dahua(None, &body),
                "onvif" => decode_onvif(&body),
                "frigate-mqtt" => decode_frigate(&body),
                "gb28181" => decode_gb28181(&body),
                _ => {
                    // `cdata_table-<TABLE>_body.txt`: the table the URL would carry.
                    let table = name.strip_prefix("cdata_table-").and_then(|n| n.split('_').next());
                    decode_zkteco(table, &body)
                }
            }
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            // The ONVIF Initialized dump is all `false`: no events by design.
            let dump = name.contains("initialized");
            assert!(dump || !p.events.is_empty() || p.heartbeats > 0, "{}", path.display());
            seen += 1;
        }
    }
    assert!(seen >= 14, "fixtures went missing: {seen}");
}
