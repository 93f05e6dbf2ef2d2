//! GB/T 28181 MANSCDP alarm notifications (docs/DEVICE-FORMATS.md §6): the `Application/MANSCDP+xml`
//! body of a SIP `MESSAGE`/`NOTIFY`, forwarded as an HTTP POST body (a whole SIP message is also
//! accepted: decoding starts at its XML).
//!
//! Bytes, not text: the body is transcoded first, by the XML declaration's `encoding` (GB2312 and
//! GBK are decoded as GB18030, their superset); with no declaration, or a declared UTF-8 that is
//! not valid UTF-8, valid UTF-8 is UTF-8 and anything else GB18030.
//!
//! `<Notify><CmdType>Alarm</CmdType>` → one active event (GB alarms are pulses), vendor type
//! `Alarm/<AlarmMethod>[/<AlarmType>]`; `Keepalive` → a heartbeat; other `Notify` command types are
//! kept as [`EventKind::Unknown`] (`Notify/<CmdType>`). `DeviceID` (the 20-digit channel or
//! alarm-input code) → region; `AlarmDescription` → description; `SN` → serial number;
//! `AlarmTime` (local time, normally no zone) → device time.

use neibao_domain::events::{DecodedEvent, DecodedPayload, EventKind, EventState};

use crate::time::parse_device_time;
use crate::xml_tree::{self, Element};
use crate::{sniff, DecodeError};

/// Decodes one MANSCDP body.
pub fn decode_gb28181(body: &[u8]) -> Result<DecodedPayload, DecodeError> {
    let trimmed = sniff::trim_start(body);
    if trimmed.is_empty() {
        return Err(DecodeError::EmptyBody);
    }
    let xml = start_of_xml(trimmed).ok_or(DecodeError::NotXml)?;
    let text = transcode(xml);
    let root = xml_tree::parse(text.as_bytes())?;
    if !root.name.eq_ignore_ascii_case("Notify") {
        return Err(DecodeError::UnknownShape { format: "xml" });
    }
    let cmd = root
        .child_text("CmdType")
        .ok_or(DecodeError::MissingField { field: "CmdType" })?;
    let mut out = DecodedPayload::default();
    if cmd.eq_ignore_ascii_case("Keepalive") {
        out.heartbeats = 1;
        return Ok(out);
    }
    let mut ev = if cmd.eq_ignore_ascii_case("Alarm") {
        alarm(&root)
    } else {
        DecodedEvent::new(EventKind::Unknown, format!("Notify/{cmd}"), EventState::Active)
    };
    ev.region = root.child_text("DeviceID").map(str::to_string);
    ev.serial_no = root.child_text("SN").and_then(|s| s.parse().ok());
    ev.sanitize();
    out.events.push(ev);
    Ok(out)
}

/// The body from its first `<`, so a whole SIP message (start line and headers) also works.
fn start_of_xml(body: &[u8]) -> Option<&[u8]> {
    if body.first() == Some(&b'<') {
        return Some(body);
    }
    let at = find(body, b"<?xml").or_else(|| find(body, b"<Notify"))?;
    Some(&body[at..])
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle))
}

/// The declared `encoding` of an XML declaration at the start of `xml`.
fn declared_encoding(xml: &[u8]) -> Option<String> {
    let head = &xml[..xml.len().min(200)];
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let end = find(head, b"?>")?;
    let decl = String::from_utf8_lossy(&head[..end]);
    let at = decl.find("encoding")?;
    let rest = decl[at + "encoding".len()..]
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = rest[1..].split(quote).next()?;
    Some(value.trim().to_string())
}

/// Bytes → text by the declared encoding, defaulting to UTF-8 when valid and GB18030 otherwise.
pub fn transcode(xml: &[u8]) -> String {
    let declared = declared_encoding(xml).and_then(|l| encoding_rs::Encoding::for_label(l.as_bytes()));
    let enc = match declared {
        Some(e) if e == encoding_rs::UTF_8 || e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE => {
            // A declaration cannot be trusted (§6): bytes that are not UTF-8 are GB18030.
            if std::str::from_utf8(xml).is_ok() {
                encoding_rs::UTF_8
            } else {
                encoding_rs::GB18030
            }
        }
        Some(e) if e == encoding_rs::GBK => encoding_rs::GB18030,
        Some(e) => e,
        None if std::str::from_utf8(xml).is_ok() => encoding_rs::UTF_8,
        None => encoding_rs::GB18030,
    };
    let (text, _, _) = enc.decode(xml);
    text.into_owned()
}

fn alarm(root: &Element) -> DecodedEvent {
    let method = root.child_text("AlarmMethod").unwrap_or("");
    let ty = root
        .path_text(&["Info", "AlarmType"])
        .or_else(|| root.child_text("AlarmType"));
    let event_type = root
        .path_text(&["Info", "AlarmTypeParam", "EventType"])
        .or_else(|| root.path_text(&["AlarmTypeParam", "EventType"]));
    let m: u32 = method.chars().next().and_then(|c| c.to_digit(10)).unwrap_or(0);
    let t: Option<u32> = ty.and_then(|t| t.parse().ok());
    let kind = kind_for(m, t, event_type.and_then(|e| e.parse().ok()));
    let vendor_type = match ty {
        Some(t) => format!("Alarm/{method}/{t}"),
        None => format!("Alarm/{method}"),
    };
    let mut ev = DecodedEvent::new(kind, vendor_type, EventState::Active);
    if let Some((time, had)) = root.child_text("AlarmTime").and_then(parse_device_time) {
        ev.device_time = Some(time);
        ev.device_time_has_offset = had;
    }
    ev.description = root.child_text("AlarmDescription").map(str::to_string);
    ev
}

/// AlarmMethod / AlarmType / EventType → kind (code tables in docs/DEVICE-FORMATS.md §6).
pub fn kind_for(method: u32, alarm_type: Option<u32>, event_type: Option<u32>) -> EventKind {
    match (method, alarm_type) {
        // Device alarm: 1 video loss, 2 tamper, 3 disk full, 4/5 temperature; none = alarm input.
        (2, None) => EventKind::AlarmInput,
        (2, Some(1)) => EventKind::VideoLoss,
        (2, Some(2)) => EventKind::Tamper,
        (2, Some(3..=5)) => EventKind::DeviceFault,
        // Video alarm.
        (5, Some(1)) => EventKind::AlarmInput,
        (5, Some(2)) => EventKind::Motion,
        (5, Some(3)) => EventKind::ObjectLeft,
        (5, Some(4)) => EventKind::ObjectRemoved,
        (5, Some(5)) => EventKind::LineCrossing,
        (5, Some(6)) => match event_type {
            Some(1) => EventKind::RegionEntrance,
            Some(2) => EventKind::RegionExit,
            _ => EventKind::FieldIntrusion,
        },
        (5, Some(13)) => EventKind::Tamper,
        // Device fault: 1 disk, 2 fan.
        (6, _) => EventKind::DeviceFault,
        _ => EventKind::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        let p = format!(
            "{}/../../tests/fixtures/devices/gb28181/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(p).expect("fixture")
    }

    #[test]
    fn gbk_video_motion() {
        let body = fixture("alarm_notify_video_motion_gbk_standalone.xml");
        assert!(std::str::from_utf8(&body).is_err(), "fixture is GBK on purpose");
        let out = decode_gb28181(&body).unwrap();
        let e = &out.events[0];
        assert_eq!((e.kind, e.state), (EventKind::Motion, EventState::Active));
        assert_eq!(e.vendor_type, "Alarm/5/2");
        assert_eq!(e.description.as_deref(), Some("视频动检"));
        assert_eq!(e.region.as_deref(), Some("34020000001310000001"));
        assert_eq!(e.serial_no, Some(9));
        assert!(!e.device_time_has_offset);
        assert!(e.device_time.is_some());
    }

    #[test]
    fn device_alarm_2011_style() {
        let out = decode_gb28181(&fixture("alarm_notify_device_alarm_2011_style.xml")).unwrap();
        let e = &out.events[0];
        assert_eq!(e.kind, EventKind::AlarmInput);
        assert_eq!(e.vendor_type, "Alarm/2");
        assert_eq!(e.description.as_deref(), Some("Test alarm input 1"));
    }

    #[test]
    fn platform_response_is_not_an_event() {
        let r = decode_gb28181(&fixture("response_alarm_result_ok.xml"));
        assert_eq!(r, Err(DecodeError::UnknownShape { format: "xml" }));
    }

    #[test]
    fn encodings_keepalive_and_sip_wrapper() {
        // Undeclared GBK.
        let (gbk, _, _) = encoding_rs::GBK.encode("<Notify><CmdType>Alarm</CmdType><AlarmMethod>5</AlarmMethod><AlarmDescription>越界</AlarmDescription><Info><AlarmType>5</AlarmType></Info></Notify>");
        let out = decode_gb28181(&gbk).unwrap();
        assert_eq!(out.events[0].kind, EventKind::LineCrossing);
        assert_eq!(out.events[0].description.as_deref(), Some("越界"));
        // Declared UTF-8, sent as UTF-8.
        let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Notify><CmdType>Alarm</CmdType><AlarmMethod>6</AlarmMethod><AlarmDescription>硬盘故障</AlarmDescription></Notify>";
        let out = decode_gb28181(body.as_bytes()).unwrap();
        assert_eq!(out.events[0].kind, EventKind::DeviceFault);
        assert_eq!(out.events[0].description.as_deref(), Some("硬盘故障"));
        let sip = b"MESSAGE sip:x SIP/2.0\r\nContent-Type: Application/MANSCDP+xml\r\n\r\n<?xml version=\"1.0\"?>\r\n<Notify><CmdType>Keepalive</CmdType><Status>OK</Status></Notify>";
        let out = decode_gb28181(sip).unwrap();
        assert_eq!(out.heartbeats, 1);
        let out = decode_gb28181(b"<Notify><CmdType>MediaStatus</CmdType></Notify>").unwrap();
        assert_eq!(out.events[0].kind, EventKind::Unknown);
        assert_eq!(out.events[0].vendor_type, "Notify/MediaStatus");
    }

    #[test]
    fn garbage_is_an_error() {
        assert_eq!(decode_gb28181(b""), Err(DecodeError::EmptyBody));
        assert_eq!(decode_gb28181(b"hello"), Err(DecodeError::NotXml));
        assert!(decode_gb28181(b"<Notify></Notify>").is_err());
    }

    proptest::proptest! {
        #[test]
        fn never_panics(body in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            let _ = decode_gb28181(&body);
            let mut b = b"<?xml version=\"1.0\" encoding=\"".to_vec();
            b.extend_from_slice(&body);
            let _ = decode_gb28181(&b);
        }
    }
}
