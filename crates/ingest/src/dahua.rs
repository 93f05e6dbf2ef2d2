//! Dahua (and OEM: Amcrest, Lorex, Intelbras) `eventManager.cgi?action=attach` bodies
//! (docs/DEVICE-FORMATS.md §3): captured `multipart/x-mixed-replace; boundary=myboundary` stream chunks
//! and single-part HTTP pushes.
//!
//! Each part body is `Heartbeat` or `Code=<Code>;action=<Start|Stop|Pulse|State>;index=<n>[;data=<JSON>]`.
//! The head is split on `;`/`=` only up to `data=`; everything after it is JSON (pretty-printed
//! over several lines, may contain `;` and `=`). Truncated or non-JSON data keeps the event without
//! its details. `action=State` parts (`VideoMotionInfo` noise) are recognised and dropped.
//!
//! Mapping (documented in docs/EVENTS.md): `Start`/`Pulse` → active, `Stop` → inactive; `index`
//! (zero-based) → channel `index + 1`; `data.UTC` (epoch seconds) → device time with offset,
//! else `data.LocaleTime` as local time without offset (`device_time_has_offset = false`: the
//! intake reads it in the device's zone, [`crate::time::read_local_times_in`]).
//!
//! `CrossRegionDetection` (IVS intrusion): `data.Action` `Enter`/`Leave` (older firmware) or
//! `data.Action` = `Cross` with `data.Direction` = `Enter`/`Leave` (the shape of the Dahua IVS
//! data objects quoted in docs/DEVICE-FORMATS.md §3, from scrypted's Dahua plugin and a Dahua
//! test capture) → region entrance / exit; `Appear`/`Inside`/`Disappear` or no
//! direction → field intrusion.
//!
//! JSON bodies: the RPC2 event push `{"method":"client.notifyEventStream","params":{"eventList":
//! [{"Code","Action","Index","Data"}…]}}` that VTO door stations and newer firmware send over the
//! `/RPC2` (DHIP) channel after `eventManager.attach` (generic structure documented in
//! elad-bar/DahuaVTO2MQTT `MQTTEvents.MD`), an array of such messages, or one bare
//! `{"Code","Action","Index","Data"}` event. Each list entry is mapped like a `Code=…` part; a
//! JSON message with another `method` (keep-alive answers, `client.notifyConfigChange`) is not
//! an event shape ([`DecodeError::UnknownShape`]).
//!
//! VTO (door station) codes: `AccessControl` → access granted, or denied when `Data.Status` is 0
//! or `Data.ErrorCode` non-zero (exit button `Method` 5 → door unlocked); `DoorStatus`
//! (`Data.Status` `Open` → active, `Close` → inactive, door `Index + 1`) → access other;
//! the call codes `Invite`, `CallNoAnswered`, `IgnoreInvite`, `PassiveHungup`, `HungupPhone`,
//! `CallSnap` → access other (a visitor at the door station), the code kept as vendor type.

use neibao_domain::events::{DecodedEvent, DecodedPayload, EventKind, EventState, PersonFields};
use serde_json::{Map, Value};

use crate::json_util::{get, int, text};
use crate::plate::read_plate;
use crate::time::{from_epoch_secs, parse_device_time};
use crate::{multipart, sniff, DecodeError};

/// Decodes one Dahua stream chunk or push body. Unknown codes are kept as [`EventKind::Unknown`]
/// with the code as vendor type. Errors only when no part is a Dahua event, state or heartbeat.
pub fn decode_dahua(content_type: Option<&str>, body: &[u8]) -> Result<DecodedPayload, DecodeError> {
    let trimmed = sniff::trim_start(body);
    if trimmed.is_empty() {
        return Err(DecodeError::EmptyBody);
    }
    let declared = content_type.map(sniff::media_type).and_then(|m| sniff::declared(&m));
    if declared != Some(sniff::Format::Multipart) && sniff::sniff(trimmed) == Some(sniff::Format::Json) {
        return decode_json(trimmed);
    }
    let boundary = content_type.and_then(multipart::boundary_param);
    let parts = multipart::split(body, boundary.as_deref());
    let bodies: Vec<&[u8]> = if parts.is_empty() {
        vec![trimmed]
    } else {
        parts.iter().map(|p| p.body).collect()
    };
    let mut out = DecodedPayload::default();
    let mut recognised = 0usize;
    for b in &bodies {
        match decode_part(b) {
            Part::Heartbeat => {
                recognised += 1;
                out.heartbeats = out.heartbeats.saturating_add(1);
            }
            Part::Event(ev) => {
                recognised += 1;
                out.events.push(*ev);
            }
            Part::Noise => recognised += 1,
            Part::Other => {}
        }
    }
    if recognised == 0 {
        return Err(if parts.is_empty() {
            DecodeError::UnknownFormat
        } else {
            DecodeError::NoEventPart { parts: parts.len() }
        });
    }
    Ok(out)
}

/// Most events taken from one JSON body (messages × list entries).
pub const MAX_JSON_EVENTS: usize = 1000;

/// The RPC2 `client.notifyEventStream` method name.
const NOTIFY_EVENT_STREAM: &str = "client.notifyEventStream";

/// A JSON body: RPC2 `client.notifyEventStream` message(s) or bare `{"Code",…}` events.
fn decode_json(body: &[u8]) -> Result<DecodedPayload, DecodeError> {
    let value: Value = serde_json::from_slice(body).map_err(|_| DecodeError::NotJson)?;
    let messages: &[Value] = match &value {
        Value::Array(a) => a,
        v => std::slice::from_ref(v),
    };
    let mut out = DecodedPayload::default();
    for m in messages {
        let Value::Object(msg) = m else {
            return Err(DecodeError::UnknownShape { format: "json" });
        };
        let entries: Vec<&Map<String, Value>> = if let Some(method) = get(msg, "method").and_then(text) {
            if !method.eq_ignore_ascii_case(NOTIFY_EVENT_STREAM) {
                return Err(DecodeError::UnknownShape { format: "json" });
            }
            let params = match get(msg, "params") {
                Some(Value::Object(p)) => p,
                _ => return Err(DecodeError::MissingField { field: "params" }),
            };
            match get(params, "eventList") {
                Some(Value::Array(list)) => list.iter().filter_map(Value::as_object).collect(),
                _ => return Err(DecodeError::MissingField { field: "eventList" }),
            }
        } else if get(msg, "Code").is_some() {
            vec![msg]
        } else {
            return Err(DecodeError::UnknownShape { format: "json" });
        };
        for entry in entries {
            if out.events.len() >= MAX_JSON_EVENTS {
                return Err(DecodeError::TooManyRecords { max: MAX_JSON_EVENTS });
            }
            if let Some(ev) = json_event(entry) {
                out.events.push(ev);
            }
        }
    }
    Ok(out)
}

/// One `eventList` entry; `None` without a `Code` or for `Action: State` noise.
fn json_event(entry: &Map<String, Value>) -> Option<DecodedEvent> {
    let code = get(entry, "Code").and_then(text)?;
    let action = get(entry, "Action").and_then(text).unwrap_or_default();
    let state = match action.to_ascii_lowercase().as_str() {
        "stop" => EventState::Inactive,
        "state" => return None,
        _ => EventState::Active,
    };
    let index = get(entry, "Index").and_then(int).and_then(|i| u32::try_from(i).ok());
    let empty = Map::new();
    let data = match get(entry, "Data") {
        Some(Value::Object(d)) => d,
        _ => &empty,
    };
    Some(build_event(&code, state, index, data))
}

enum Part {
    Heartbeat,
    Event(Box<DecodedEvent>),
    /// A well-formed `action=State` part: recognised, not an event.
    Noise,
    Other,
}

fn decode_part(bytes: &[u8]) -> Part {
    let text_body = String::from_utf8_lossy(bytes);
    let s = text_body.trim();
    if s.eq_ignore_ascii_case("heartbeat") {
        return Part::Heartbeat;
    }
    let (head, data) = split_head(s);
    let mut code = None;
    let mut action = None;
    let mut index = None;
    for kv in head.split(';') {
        let Some((k, v)) = kv.split_once('=') else { continue };
        match k.trim().to_ascii_lowercase().as_str() {
            "code" => code = Some(v.trim()),
            "action" => action = Some(v.trim()),
            "index" => index = v.trim().parse::<u32>().ok(),
            _ => {}
        }
    }
    let Some(code) = code.filter(|c| !c.is_empty()) else {
        return Part::Other;
    };
    let state = match action.map(str::to_ascii_lowercase).as_deref() {
        Some("stop") => EventState::Inactive,
        Some("state") => return Part::Noise,
        _ => EventState::Active,
    };
    let data: Map<String, Value> = match data.map(|d| serde_json::from_str::<Value>(d.trim())) {
        Some(Ok(Value::Object(m))) => m,
        _ => Map::new(),
    };
    Part::Event(Box::new(build_event(code, state, index, &data)))
}

/// The key/value head and the raw `data=` value (always the last key, runs to the end).
fn split_head(s: &str) -> (&str, Option<&str>) {
    let mut from = 0;
    while let Some(pos) = s[from..].find("data=") {
        let at = from + pos;
        if at == 0 || s[..at].ends_with(';') {
            return (&s[..at], Some(&s[at + 5..]));
        }
        from = at + 5;
    }
    (s, None)
}

fn build_event(code: &str, state: EventState, index: Option<u32>, data: &Map<String, Value>) -> DecodedEvent {
    let kind = kind_for(code, data);
    let door_status = code.eq_ignore_ascii_case("DoorStatus");
    let state = if door_status {
        // `Pulse` with `Status` `Open`/`Close` (rroller/dahua#488): the door's state is the event's.
        match get(data, "Status")
            .and_then(text)
            .map(|s| s.to_ascii_lowercase())
            .as_deref()
        {
            Some("close" | "closed") => EventState::Inactive,
            _ => EventState::Active,
        }
    } else {
        state
    };
    let mut ev = DecodedEvent::new(kind, code, state);
    ev.channel = index.map(|i| i.saturating_add(1));
    let utc = get(data, "UTC").and_then(|v| match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    });
    if let Some(t) = utc.and_then(from_epoch_secs) {
        ev.device_time = Some(t);
        ev.device_time_has_offset = true;
    } else if let Some((t, had)) = get(data, "LocaleTime")
        .and_then(text)
        .and_then(|t| parse_device_time(&t))
    {
        ev.device_time = Some(t);
        ev.device_time_has_offset = had;
    }
    ev.region = get(data, "Name")
        .and_then(text)
        .filter(|n| !is_access(code) || !n.eq_ignore_ascii_case("OpenDoor"))
        .or_else(|| match get(data, "RegionName") {
            Some(Value::Array(a)) => a.first().and_then(text),
            Some(v) => text(v),
            None => None,
        })
        .or_else(|| get(data, "RuleID").and_then(text))
        .or_else(|| get(data, "ReaderID").and_then(text))
        .or_else(|| get(data, "Door").and_then(text));
    if door_status && ev.region.is_none() {
        // The VTO puts the door number (zero-based) in `Index` (rroller/dahua#488).
        ev.region = index.map(|i| format!("door:{}", i.saturating_add(1)));
        ev.channel = None;
    }
    let object = match get(data, "Object") {
        Some(Value::Object(o)) => Some(o),
        _ => None,
    };
    ev.target = object
        .and_then(|o| get(o, "ObjectType"))
        .and_then(text)
        .map(|t| t.to_ascii_lowercase());
    if kind == EventKind::Plate {
        // ITC traffic events: the plate is `Object.Text` or `TrafficCar.PlateNumber`; an unread
        // plate is a placeholder (`无车牌`, `unknown`), kept out like on Hikvision ANPR.
        let car = match get(data, "TrafficCar") {
            Some(Value::Object(c)) => get(c, "PlateNumber").and_then(text),
            _ => None,
        };
        let plate = object.and_then(|o| get(o, "Text")).and_then(text).or(car);
        ev.target = plate.as_deref().and_then(read_plate).or(Some("vehicle".to_string()));
    }
    if is_access(code) {
        ev.person = PersonFields {
            name: None,
            employee_no: get(data, "UserID").and_then(text),
            card_no: get(data, "CardNo").and_then(text),
            user_type: None,
            verify_mode: get(data, "Method")
                .or_else(|| get(data, "OpenDoorMethod"))
                .and_then(text)
                .map(|m| format!("dahua:{m}")),
        };
        ev.serial_no = get(data, "RecNo").and_then(int);
    }
    ev.sanitize();
    ev
}

fn is_access(code: &str) -> bool {
    code.eq_ignore_ascii_case("AccessControl") || code.eq_ignore_ascii_case("_DoorFace_")
}

/// Dahua event code → kind. `data` refines access-control results and region enter/leave.
pub fn kind_for(code: &str, data: &Map<String, Value>) -> EventKind {
    let action = get(data, "Action")
        .and_then(text)
        .unwrap_or_default()
        .to_ascii_lowercase();
    match code.to_ascii_lowercase().as_str() {
        "videomotion" | "smartmotionhuman" | "smartmotionvehicle" => EventKind::Motion,
        "crosslinedetection" => EventKind::LineCrossing,
        "crossregiondetection" => {
            let direction = get(data, "Direction")
                .and_then(text)
                .unwrap_or_default()
                .to_ascii_lowercase();
            // Older firmware: `Action` Enter/Leave; IVS captures: `Action` Cross + `Direction`.
            let way = if matches!(action.as_str(), "enter" | "leave") {
                action.as_str()
            } else {
                direction.as_str()
            };
            match way {
                "enter" => EventKind::RegionEntrance,
                "leave" => EventKind::RegionExit,
                _ => EventKind::FieldIntrusion,
            }
        }
        "videoblind" => EventKind::Tamper,
        "videoloss" => EventKind::VideoLoss,
        "videoabnormaldetection" | "scenechange" => EventKind::SceneChange,
        "alarmlocal" | "alarmextended" => EventKind::AlarmInput,
        "leftdetection" => EventKind::ObjectLeft,
        "takenawaydetection" => EventKind::ObjectRemoved,
        "facedetection" | "facerecognition" => EventKind::FaceCapture,
        "trafficjunction" | "trafficparking" | "trafficplate" => EventKind::Plate,
        "storagenotexist" | "storagefailure" | "storagelowspace" | "storageabnormal" | "netabort" | "ipconflict" => {
            EventKind::DeviceFault
        }
        "accesscontrol" => {
            let method = get(data, "Method").and_then(int);
            let ok = get(data, "Status").and_then(int).map(|s| s == 1).unwrap_or(true)
                && get(data, "ErrorCode").and_then(int).unwrap_or(0) == 0;
            match (ok, method) {
                // Method 5: the exit button (rroller/dahua#318), no person involved.
                (true, Some(5)) => EventKind::DoorUnlocked,
                (true, _) => EventKind::AccessGranted,
                (false, _) => EventKind::AccessDenied,
            }
        }
        // Vendor-private face-terminal pulse, sent when a face match opens the door.
        "_doorface_" => EventKind::AccessGranted,
        "chassisintruded" => EventKind::AccessAlarm,
        // VTO door station (elad-bar/DahuaVTO2MQTT MQTTEvents.MD): door contact and calls.
        "doorstatus" | "invite" | "callnoanswered" | "ignoreinvite" | "passivehungup" | "hungupphone" | "callsnap" => {
            EventKind::AccessOther
        }
        _ => EventKind::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        let p = format!(
            "{}/../../tests/fixtures/devices/dahua-eventmanager/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(p).expect("fixture")
    }

    const CT: Option<&str> = Some("multipart/x-mixed-replace; boundary=myboundary");

    #[test]
    fn heartbeats_and_videomotion() {
        let out = decode_dahua(CT, &fixture("attach_all_heartbeat5_videomotion.txt")).unwrap();
        assert_eq!(out.heartbeats, 3);
        let kinds: Vec<_> = out.events.iter().map(|e| (e.kind, e.state)).collect();
        assert_eq!(
            kinds,
            vec![
                (EventKind::Motion, EventState::Active),
                (EventKind::Motion, EventState::Inactive)
            ]
        );
        assert_eq!(out.events[0].channel, Some(1));
        assert_eq!(out.events[0].region.as_deref(), Some("Region1"));
        assert_eq!(out.events[0].vendor_type, "VideoMotion");
    }

    #[test]
    fn crossline_start_stop_with_utc() {
        let out = decode_dahua(None, &fixture("crosslinedetection_start_stop.txt")).unwrap();
        assert_eq!(out.heartbeats, 1);
        assert_eq!(out.events.len(), 2);
        let e = &out.events[0];
        assert_eq!(e.kind, EventKind::LineCrossing);
        assert_eq!(e.state, EventState::Active);
        assert_eq!(out.events[1].state, EventState::Inactive);
        assert_eq!(e.target.as_deref(), Some("human"));
        assert_eq!(e.region.as_deref(), Some("Test Gate"));
        assert!(e.device_time_has_offset);
        assert_eq!(e.device_time.unwrap().timestamp(), 1_715_674_250);
    }

    #[test]
    fn access_control_and_door_face() {
        let out = decode_dahua(CT, &fixture("accesscontrol_and_doorface_pulse.txt")).unwrap();
        assert_eq!(out.heartbeats, 1);
        assert_eq!(out.events.len(), 2);
        let a = &out.events[0];
        assert_eq!(a.kind, EventKind::AccessGranted);
        assert_eq!(a.person.card_no.as_deref(), Some("7A087D0F"));
        assert_eq!(a.person.employee_no.as_deref(), Some("01"));
        assert_eq!(a.serial_no, Some(31));
        assert_eq!(a.region.as_deref(), Some("1"));
        let f = &out.events[1];
        assert_eq!(f.kind, EventKind::AccessGranted);
        assert_eq!(f.vendor_type, "_DoorFace_");
        assert_eq!(f.person.employee_no.as_deref(), Some("1"));
    }

    #[test]
    fn single_body_push_lf_only_and_semicolons_in_data() {
        let body =
            b"Code=CrossRegionDetection;action=Start;index=2;data={\"Action\":\"Enter\",\"Name\":\"Drive; Gate=1\"}";
        let out = decode_dahua(Some("text/plain"), body).unwrap();
        assert_eq!(out.events[0].kind, EventKind::RegionEntrance);
        assert_eq!(out.events[0].channel, Some(3));
        assert_eq!(out.events[0].region.as_deref(), Some("Drive; Gate=1"));
        let out = decode_dahua(
            None,
            b"--myboundary\nContent-Length:30\n\nCode=SomethingNew;action=Pulse;index=0\n",
        )
        .unwrap();
        assert_eq!(out.events[0].kind, EventKind::Unknown);
        assert_eq!(out.events[0].vendor_type, "SomethingNew");
        // Truncated JSON keeps the event.
        let out = decode_dahua(None, b"Code=VideoLoss;action=Start;index=0;data={\"UTC\":17").unwrap();
        assert_eq!(out.events[0].kind, EventKind::VideoLoss);
    }

    #[test]
    fn garbage_is_an_error() {
        assert_eq!(decode_dahua(None, b"  \r\n"), Err(DecodeError::EmptyBody));
        assert_eq!(decode_dahua(None, b"\xff\xfe hello"), Err(DecodeError::UnknownFormat));
        assert!(matches!(
            decode_dahua(CT, b"--myboundary\r\n\r\nnope\r\n"),
            Err(DecodeError::NoEventPart { .. })
        ));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(body in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            let _ = decode_dahua(CT, &body);
            let _ = decode_dahua(None, &body);
        }
    }
}
