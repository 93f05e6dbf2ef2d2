//! Property tests: no input makes a decoder panic (docs/DESIGN.md §5: never a 500 or a panic on any
//! byte sequence). Inputs are arbitrary bytes and truncations/splices of every fixture, under
//! every content type the transport may pass.

use neibao_ingest::{
    decode_dahua, decode_frigate, decode_gb28181, decode_generic_json, decode_hikvision, decode_onvif, decode_zkteco,
    multipart, time::parse_device_time,
};
use proptest::prelude::*;
use proptest::sample::Index;

use crate::fixture;

const FIXTURES: [&[u8]; 26] = [
    fixture!("hikvision-isapi-alert", "alert_fielddetection_vehicle_ver20_nodecl.xml"),
    fixture!("hikvision-isapi-alert", "alert_io_input_ver20.xml"),
    fixture!("hikvision-isapi-alert", "alert_shelteralarm_tamper_ver20.xml"),
    fixture!("hikvision-isapi-alert", "alertstream_nvr_heartbeat_then_vmd.txt"),
    fixture!("hikvision-isapi-alert", "httphost_push_linedetection_multipart.bin"),
    fixture!("hikvision-isapi-alert", "quirk_datetime_values_seen.txt"),
    fixture!("hikvision-acs", "accesscontrollerevent_card_pass_plain_json.json"),
    fixture!("hikvision-acs", "accesscontrollerevent_door_no_person.json"),
    fixture!("hikvision-acs", "acsevent_search_response_pull.json"),
    fixture!("hikvision-acs", "heartbeat.json"),
    fixture!("dahua-eventmanager", "attach_all_heartbeat5_videomotion.txt"),
    fixture!("dahua-eventmanager", "crosslinedetection_start_stop.txt"),
    fixture!("dahua-eventmanager", "accesscontrol_and_doorface_pulse.txt"),
    fixture!("onvif", "pullmessages_response_initialized_hikvision_style.xml"),
    fixture!("onvif", "pullmessages_response_motion_and_intrusion_changed.xml"),
    fixture!("onvif", "notify_basenotification_push_cellmotion.xml"),
    fixture!("frigate-mqtt", "events_new_v0.14_snapshot_object.json"),
    fixture!("frigate-mqtt", "events_end_v0.12_snapshot_time.json"),
    fixture!("frigate-mqtt", "reviews_update_alert.json"),
    fixture!("frigate-mqtt", "tracked_object_update_face.json"),
    fixture!("gb28181", "alarm_notify_video_motion_gbk_standalone.xml"),
    fixture!("gb28181", "alarm_notify_device_alarm_2011_style.xml"),
    fixture!("gb28181", "response_alarm_result_ok.xml"),
    fixture!("zkteco-adms", "cdata_table-ATTLOG_body.txt"),
    fixture!("zkteco-adms", "cdata_table-rtstate_body.txt"),
    fixture!("zkteco-adms", "handshake_transcript.txt"),
];

const CONTENT_TYPES: [Option<&str>; 9] = [
    None,
    Some("application/xml"),
    Some("text/xml; charset=\"UTF-8\""),
    Some("application/json"),
    Some("multipart/form-data; boundary=boundary"),
    Some("multipart/mixed; boundary=MIME_boundary"),
    Some("multipart/mixed"),
    Some("image/jpeg"),
    Some(""),
];

fn all_decoders(ct: Option<&str>, body: &[u8]) {
    let _ = decode_hikvision(ct, body);
    let _ = decode_generic_json(body);
    let _ = decode_dahua(ct, body);
    let _ = decode_onvif(body);
    let _ = decode_frigate(body);
    let _ = decode_gb28181(body);
    for table in [None, Some("ATTLOG"), Some("rtlog"), Some("rtstate")] {
        let _ = decode_zkteco(table, body);
    }
    let _ = multipart::split(body, ct.and_then(multipart::boundary_param).as_deref());
}

/// A fixture with a byte range removed and arbitrary bytes put in its place, then truncated.
fn mutate(f: &[u8], cut_at: Index, cut_len: Index, insert: &[u8], keep: Index) -> Vec<u8> {
    let at = cut_at.index(f.len() + 1);
    let end = (at + cut_len.index(64)).min(f.len());
    let mut out = Vec::with_capacity(f.len() + insert.len());
    out.extend_from_slice(&f[..at]);
    out.extend_from_slice(insert);
    out.extend_from_slice(&f[end..]);
    let keep = keep.index(out.len() + 1);
    out.truncate(keep);
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(body in proptest::collection::vec(any::<u8>(), 0..512), ct in 0..CONTENT_TYPES.len()) {
        all_decoders(CONTENT_TYPES[ct], &body);
    }

    #[test]
    fn truncated_fixtures(which in 0..FIXTURES.len(), keep in any::<Index>(), ct in 0..CONTENT_TYPES.len()) {
        let f = FIXTURES[which];
        all_decoders(CONTENT_TYPES[ct], &f[..keep.index(f.len() + 1)]);
    }

    #[test]
    fn spliced_fixtures(
        which in 0..FIXTURES.len(),
        cut_at in any::<Index>(),
        cut_len in any::<Index>(),
        insert in proptest::collection::vec(any::<u8>(), 0..24),
        keep in any::<Index>(),
        ct in 0..CONTENT_TYPES.len(),
    ) {
        let body = mutate(FIXTURES[which], cut_at, cut_len, &insert, keep);
        all_decoders(CONTENT_TYPES[ct], &body);
    }

    #[test]
    fn two_fixtures_glued(a in 0..FIXTURES.len(), b in 0..FIXTURES.len(), at in any::<Index>(), ct in 0..CONTENT_TYPES.len()) {
        let fa = FIXTURES[a];
        let mut body = fa[..at.index(fa.len() + 1)].to_vec();
        body.extend_from_slice(FIXTURES[b]);
        all_decoders(CONTENT_TYPES[ct], &body);
    }

    #[test]
    fn structured_noise(body in "[-<>{}\\[\\]\"':,/a-zA-Z0-9 \r\n\t=;]{0,300}", ct in 0..CONTENT_TYPES.len()) {
        all_decoders(CONTENT_TYPES[ct], body.as_bytes());
    }

    #[test]
    fn datetime_strings(s in "[0-9TZ:+\\- .,/a-z]{0,40}") {
        let _ = parse_device_time(&s);
    }
}

/// Work stays bounded on inputs built to be slow: many tiny parts, deep nesting, long lists.
#[test]
fn hostile_shapes_finish() {
    let many_parts = "--b\r\n\r\n<a/>\r\n".repeat(5000);
    let p = decode_hikvision(Some("multipart/mixed; boundary=b"), many_parts.as_bytes());
    assert!(p.is_err());
    assert_eq!(
        multipart::split(many_parts.as_bytes(), Some("b")).len(),
        multipart::MAX_PARTS
    );
    let deep_xml = "<a>".repeat(100_000);
    assert!(decode_hikvision(None, deep_xml.as_bytes()).is_err());
    let deep_json = "[".repeat(100_000);
    assert!(decode_hikvision(None, deep_json.as_bytes()).is_err());
    assert!(decode_generic_json(deep_json.as_bytes()).is_err());
    assert!(decode_frigate(deep_json.as_bytes()).is_err());
    assert!(decode_onvif(deep_xml.as_bytes()).is_err());
    assert!(decode_gb28181(deep_xml.as_bytes()).is_err());
    let dahua_parts = "--myboundary\r\n\r\nHeartbeat\r\n".repeat(5000);
    assert_eq!(
        decode_dahua(None, dahua_parts.as_bytes()).map(|p| p.heartbeats),
        Ok(multipart::MAX_PARTS as u32)
    );
    let rows = "1\t2024-05-14 08:30:15\t0\t1\n".repeat(10_000);
    assert_eq!(
        decode_zkteco(Some("ATTLOG"), rows.as_bytes()).map(|p| p.events.len()),
        Err(neibao_ingest::DecodeError::TooManyRecords {
            max: neibao_ingest::zkteco::MAX_ROWS
        })
    );
    let dashes = "-".repeat(200_000);
    assert!(decode_hikvision(None, dashes.as_bytes()).is_err());
    let lines = "--\n".repeat(100_000);
    assert!(decode_hikvision(Some("multipart/mixed"), lines.as_bytes()).is_err());
}
