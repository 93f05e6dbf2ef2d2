//! ONVIF events (docs/DEVICE-FORMATS.md §4): PullPoint `PullMessagesResponse` bodies and
//! WS-BaseNotification `Notify` pushes. Matched by local name, so any namespace prefix (or an
//! undeclared one) works; `tt:Message` is read generically (`SimpleItem` `Name`/`Value` pairs),
//! never bound to a schema.
//!
//! State: the `Data` item named like a state (`State`, `IsMotion`, `IsInside`, `IsTamper`,
//! `active`, `state`, `is_moving`, `triggered`, `motion`, `LogicalState` …) read as a boolean, or
//! else the first `Data` item whose value is `true`/`false`. Booleans are `true`/`false`, `1`/`0`
//! (Axis writes `active`, `state`, `is_moving` as `1`/`0`: captures in Kane610/axis
//! `tests/event_fixtures.py`, e.g. `tnsaxis:CameraApplicationPlatform/VMD/Camera1Profile1`
//! `active="0"`, `tns1:Device/tnsaxis:Sensor/PIR` `state="1"`), `active`/`inactive` (ONVIF relay
//! `LogicalState`) and `on`/`off`; `1`/`0` count only in a state-named item, so a count or an
//! id of 0 is never a state. Topics with no boolean item (`LineDetector/Crossed`) are pulses →
//! active.
//!
//! Axis topics (docs/DEVICE-FORMATS.md §4 "Axis"): VMD3 `tnsaxis:VMD3/…`, VMD4
//! `tnsaxis:CameraApplicationPlatform/VMD/…` and Motion Guard → motion; Fence Guard → line
//! crossing; AXIS Object Analytics `…/ObjectAnalytics/…` → motion (an object of a class was
//! detected in a scenario), with the object class as target. The class is read from a `Data` or
//! `Key` item named `classTypes`/`ClassTypes`/`ObjectType`/`ObjectClass`/`Class`
//! (`human`/`Human`/`person` → `human`, `vehicle`/`car`/`truck`/`bus`/`bike`/… → `vehicle`, other
//! classes lowercased), on any ONVIF topic.
//!
//! `PropertyOperation`:
//! - `Changed` (or absent): decoded as above;
//! - `Initialized` (the state dump after every (re)subscribe): only a `true` state produces an
//!   (active) event: the condition is ongoing, and the store folds repeated actives of one
//!   condition into one occurrence, so a resubscribe does not create a new alarm. `false` states
//!   and stateless topics from a dump are skipped (they say nothing happened);
//! - `Deleted`: the property is gone → inactive.
//!
//! `Monitoring/ProcessorUsage` and `Monitoring/OperatingTime/*` are telemetry, not events: skipped.

use neibao_domain::events::{DecodedEvent, DecodedPayload, EventKind, EventState};

use crate::time::parse_device_time;
use crate::xml_tree::{self, Element};
use crate::{sniff, DecodeError};

/// Most notification messages decoded from one body.
pub const MAX_MESSAGES: usize = 1000;

/// Decodes a `PullMessagesResponse`, a `Notify`, a SOAP envelope holding either, or a bare
/// `NotificationMessage`. A well-formed response with no messages (an empty poll) decodes to an
/// empty payload.
pub fn decode_onvif(body: &[u8]) -> Result<DecodedPayload, DecodeError> {
    let trimmed = sniff::trim_start(body);
    if trimmed.is_empty() {
        return Err(DecodeError::EmptyBody);
    }
    if trimmed.first() != Some(&b'<') {
        return Err(DecodeError::NotXml);
    }
    let root = xml_tree::parse(trimmed)?;
    let mut messages = Vec::new();
    collect(&root, &mut messages);
    let container = ["Envelope", "PullMessagesResponse", "Notify", "NotificationMessage"]
        .iter()
        .any(|n| root.name.eq_ignore_ascii_case(n));
    if messages.is_empty() && !container {
        return Err(DecodeError::UnknownShape { format: "xml" });
    }
    if messages.is_empty()
        && root.find("PullMessagesResponse").is_none()
        && root.find("Notify").is_none()
        && !root.name.eq_ignore_ascii_case("NotificationMessage")
    {
        // A SOAP envelope, but not an event one (a fault, another response).
        return Err(DecodeError::UnknownShape { format: "xml" });
    }
    let mut out = DecodedPayload::default();
    for m in messages {
        if let Some(ev) = decode_message(m) {
            out.events.push(ev);
        }
    }
    Ok(out)
}

fn collect<'a>(el: &'a Element, acc: &mut Vec<&'a Element>) {
    if acc.len() >= MAX_MESSAGES {
        return;
    }
    if el.name.eq_ignore_ascii_case("NotificationMessage") {
        acc.push(el);
        return;
    }
    for c in &el.children {
        collect(c, acc);
    }
}

/// Topic text trimmed of whitespace and the trailing `/` and `.` garbage some firmware adds.
pub fn normalize_topic(topic: &str) -> &str {
    topic
        .trim()
        .trim_end_matches(|c: char| c == '/' || c == '.' || c.is_whitespace())
}

/// The topic path without namespace prefixes on its segments, lowercased:
/// `tns1:Device/tnsaxis:Sensor/PIR` → `device/sensor/pir`.
fn topic_path(topic: &str) -> String {
    topic
        .split('/')
        .map(|seg| seg.rsplit_once(':').map_or(seg, |(_, local)| local).trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("/")
        .to_ascii_lowercase()
}

/// Topic → kind, and whether the topic is telemetry to skip (`None`).
pub fn kind_for_topic(topic: &str) -> Option<EventKind> {
    let p = topic_path(topic);
    let ends = |s: &str| p.ends_with(s);
    let has = |s: &str| p.contains(s);
    if p.starts_with("monitoring/processorusage") || p.starts_with("monitoring/operatingtime") {
        return None;
    }
    Some(
        if ends("cellmotiondetector/linecross") || has("linedetector") || has("fenceguard") {
            EventKind::LineCrossing
        } else if has("fielddetector") || has("intrusion") {
            EventKind::FieldIntrusion
        } else if has("motion")
            || ends("peopledetector/people")
            || has("tpsmartevent")
            || p.starts_with("vmd3/")
            || p.starts_with("cameraapplicationplatform/vmd/")
            || p.starts_with("ruleengine/vmd3/")
            || has("cameraapplicationplatform/objectanalytics")
        {
            EventKind::Motion
        } else if ends("videosource/globalscenechange") || has("scenechange") {
            EventKind::SceneChange
        } else if has("imagetoodark") || has("imagetoobright") || has("imagetooblurry") || has("tamper") {
            EventKind::Tamper
        } else if has("signalloss") || has("videoloss") {
            EventKind::VideoLoss
        } else if has("digitalinput") || has("alarminput") {
            EventKind::AlarmInput
        } else if ends("sensor/pir") || ends("/pir") {
            EventKind::Pir
        } else if has("hardwarefailure") || has("storagefailure") {
            EventKind::DeviceFault
        } else if has("facedetector") || has("facerecognition") {
            EventKind::FaceCapture
        } else if has("licenseplate") || has("platerecognition") {
            EventKind::Plate
        } else {
            EventKind::Unknown
        },
    )
}

fn simple_items<'a>(msg: &'a Element, group: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
    msg.children_named(group)
        .flat_map(|g| g.children_named("SimpleItem"))
        .filter_map(|i| Some((i.attr("Name")?, i.attr("Value").unwrap_or(""))))
}

fn decode_message(nm: &Element) -> Option<DecodedEvent> {
    let topic = normalize_topic(nm.child("Topic").map_or("", |t| t.text.as_str()));
    // wsnt:Message wraps tt:Message; accept either level.
    let outer = nm.child("Message")?;
    let msg = outer.child("Message").unwrap_or(outer);
    let kind = kind_for_topic(topic)?;
    let op = msg.attr("PropertyOperation").unwrap_or("Changed").to_ascii_lowercase();
    let flag = simple_items(msg, "Data")
        .find(|(n, _)| STATE_ITEMS.iter().any(|s| n.eq_ignore_ascii_case(s)))
        .and_then(|(_, v)| state_flag(v, true))
        .or_else(|| simple_items(msg, "Data").find_map(|(_, v)| state_flag(v, false)));
    let state = match (op.as_str(), flag) {
        ("deleted", _) => EventState::Inactive,
        ("initialized", Some(true)) => EventState::Active,
        ("initialized", _) => return None,
        (_, Some(false)) => EventState::Inactive,
        _ => EventState::Active,
    };
    let vendor_type = if topic.is_empty() { "onvif" } else { topic };
    let mut ev = DecodedEvent::new(kind, vendor_type, state);
    if let Some((t, had)) = msg.attr("UtcTime").and_then(parse_device_time) {
        ev.device_time = Some(t);
        ev.device_time_has_offset = had;
    }
    let source: Vec<(&str, &str)> = simple_items(msg, "Source").collect();
    let token = source
        .iter()
        .find(|(n, _)| {
            [
                "VideoSourceConfigurationToken",
                "VideoSourceToken",
                "VideoSource",
                "Source",
                "InputToken",
            ]
            .iter()
            .any(|k| n.eq_ignore_ascii_case(k))
        })
        .map(|(_, v)| *v);
    ev.channel = token.and_then(trailing_number).filter(|n| *n > 0);
    ev.region = source
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("Rule"))
        .map(|(_, v)| *v)
        .or(token)
        .filter(|v| !v.is_empty())
        .map(str::to_string);
    ev.description = simple_items(msg, "Key").map(|(n, v)| format!("{n}={v}")).next();
    ev.target = simple_items(msg, "Data")
        .chain(simple_items(msg, "Key"))
        .find(|(n, _)| CLASS_ITEMS.iter().any(|c| n.eq_ignore_ascii_case(c)))
        .and_then(|(_, v)| object_class(v));
    ev.sanitize();
    Some(ev)
}

/// `Data` item names that carry the state of the condition (ONVIF and Axis spellings).
const STATE_ITEMS: &[&str] = &[
    "State",
    "IsMotion",
    "IsInside",
    "IsTamper",
    "IsTooDark",
    "IsTooBright",
    "IsTooBlurry",
    "IsGlobalSceneChange",
    "active",
    "is_moving",
    "triggered",
    "motion",
    "LogicalState",
    "alarm",
];

/// `Data`/`Key` item names that carry the object class.
const CLASS_ITEMS: &[&str] = &[
    "classTypes",
    "ClassTypes",
    "ClassType",
    "ObjectType",
    "ObjectClass",
    "Class",
];

/// A boolean state value: `true`/`false` always; `1`/`0`, `active`/`inactive`, `on`/`off`
/// only when `state_named` (the item is named like a state).
fn state_flag(v: &str, state_named: bool) -> Option<bool> {
    let v = v.trim();
    let is = |s: &str| v.eq_ignore_ascii_case(s);
    if is("true") {
        Some(true)
    } else if is("false") {
        Some(false)
    } else if !state_named {
        None
    } else if is("1") || is("active") || is("on") {
        Some(true)
    } else if is("0") || is("inactive") || is("off") {
        Some(false)
    } else {
        None
    }
}

/// Object class text → target: `human`, `vehicle`, or the class lowercased; a list
/// (`Human Vehicle`, `human,car`) keeps each class once.
fn object_class(v: &str) -> Option<String> {
    let mut out: Vec<String> = Vec::new();
    for c in v
        .split(|ch: char| ch == ',' || ch == ';' || ch.is_whitespace())
        .filter(|c| !c.is_empty())
        .take(8)
    {
        let c = c.to_ascii_lowercase();
        let c = match c.as_str() {
            "human" | "person" | "people" | "pedestrian" => "human".to_string(),
            "vehicle" | "vehical" | "car" | "truck" | "bus" | "bike" | "bicycle" | "motorcycle" | "motorbike"
            | "motorcycle/bicycle" => "vehicle".to_string(),
            _ => c,
        };
        if !out.contains(&c) {
            out.push(c);
        }
    }
    Some(out.join(",")).filter(|s| !s.is_empty())
}

/// `VideoSource_1` → 1, `000` → 0; `None` without trailing digits.
fn trailing_number(s: &str) -> Option<u32> {
    let digits = s.len() - s.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 || digits > 9 {
        return None;
    }
    s[s.len() - digits..].parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        let p = format!(
            "{}/../../tests/fixtures/devices/onvif/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(p).expect("fixture")
    }

    #[test]
    fn initialized_dump_has_no_events() {
        let out = decode_onvif(&fixture("pullmessages_response_initialized_hikvision_style.xml")).unwrap();
        assert!(out.events.is_empty(), "{:?}", out.events);
    }

    #[test]
    fn initialized_true_is_active() {
        let body = br#"<Notify><NotificationMessage><Topic>tns1:VideoSource/MotionAlarm</Topic><Message><Message PropertyOperation="Initialized"><Data><SimpleItem Name="State" Value="true"/></Data></Message></Message></NotificationMessage></Notify>"#;
        let out = decode_onvif(body).unwrap();
        assert_eq!(out.events.len(), 1);
        assert_eq!(out.events[0].state, EventState::Active);
    }

    #[test]
    fn changed_motion_and_intrusion() {
        let out = decode_onvif(&fixture("pullmessages_response_motion_and_intrusion_changed.xml")).unwrap();
        let kinds: Vec<_> = out.events.iter().map(|e| (e.kind, e.state)).collect();
        assert_eq!(
            kinds,
            vec![
                (EventKind::Motion, EventState::Active),
                (EventKind::FieldIntrusion, EventState::Active),
                (EventKind::Motion, EventState::Active),
            ]
        );
        let i = &out.events[1];
        assert_eq!(i.vendor_type, "tns1:RuleEngine/FieldDetector/ObjectsInside");
        assert_eq!(i.region.as_deref(), Some("CrossRegionDetection-1"));
        assert_eq!(i.description.as_deref(), Some("ObjectId=4695"));
        assert!(i.device_time_has_offset);
    }

    #[test]
    fn notify_push() {
        let out = decode_onvif(&fixture("notify_basenotification_push_cellmotion.xml")).unwrap();
        assert_eq!(out.events.len(), 1);
        assert_eq!(out.events[0].kind, EventKind::Motion);
        assert_eq!(out.events[0].region.as_deref(), Some("MyMotionDetectorRule"));
    }

    #[test]
    fn topic_garbage_unknown_and_false() {
        let body = br#"<x:Notify><x:NotificationMessage><x:Topic>
          tns1:RuleEngine/CellMotionDetector/Motion//.
        </x:Topic><x:Message><y:Message UtcTime="2024-05-14T10:15:30"><y:Data><y:SimpleItem Name="IsMotion" Value="false"/></y:Data></y:Message></x:Message></x:NotificationMessage>
        <x:NotificationMessage><x:Topic>tns1:Device/tnsavg:Logs</x:Topic><x:Message><y:Message/></x:Message></x:NotificationMessage></x:Notify>"#;
        let out = decode_onvif(body).unwrap();
        assert_eq!(out.events[0].kind, EventKind::Motion);
        assert_eq!(out.events[0].state, EventState::Inactive);
        assert_eq!(out.events[0].vendor_type, "tns1:RuleEngine/CellMotionDetector/Motion");
        assert_eq!(out.events[1].kind, EventKind::Unknown);
        assert_eq!(out.events[1].vendor_type, "tns1:Device/tnsavg:Logs");
    }

    #[test]
    fn garbage_is_an_error() {
        assert_eq!(decode_onvif(b""), Err(DecodeError::EmptyBody));
        assert_eq!(decode_onvif(b"{\"a\":1}"), Err(DecodeError::NotXml));
        assert!(decode_onvif(b"<a><b/></a>").is_err());
        assert!(decode_onvif(b"<Envelope><Body><Fault/></Body></Envelope>").is_err());
    }

    proptest::proptest! {
        #[test]
        fn never_panics(body in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            let _ = decode_onvif(&body);
            let mut b = b"<Notify><NotificationMessage><Topic>".to_vec();
            b.extend_from_slice(&body);
            let _ = decode_onvif(&b);
        }
    }
}
