//! Frigate NVR MQTT payloads (docs/DEVICE-FORMATS.md §5), forwarded as HTTP POST bodies: one message
//! or a JSON array of messages. The MQTT topic is not needed: the shape says which it is.
//!
//! - `frigate/events` (`{type: new|update|end, before, after}`; 0.12 `snapshot_time`/string
//!   `sub_label` and 0.13+ `snapshot`/`[name, score]` shapes): one event from `after` (or `before`).
//!   Kind [`EventKind::Motion`] (object detection) with target `human` (label `person`),
//!   `vehicle` (car, truck, bus, motorcycle, bicycle, boat) or the label; label `face` →
//!   [`EventKind::FaceCapture`], `license_plate` → [`EventKind::Plate`]. A recognised plate becomes
//!   the target. `end` → inactive, else active; `false_positive: true` on new/update is skipped.
//!   Region is the camera (stable across new/update/end so the store pairs them); the object id
//!   and zones go into the description. Time: `end_time` on end, else `frame_time`/`start_time`.
//! - `frigate/reviews` (0.14+, `severity` in `after`): kind [`EventKind::Motion`], vendor type
//!   `review/<severity>`, target the detected objects, `end` → inactive.
//! - `frigate/tracked_object_update` (`type` and the tracked object's `id`): `type: face` →
//!   [`EventKind::FaceCapture`] with the name; `type: lpr` → [`EventKind::Plate`]; other types
//!   (`description` …) are kept as [`EventKind::Unknown`].
//! - Not events: `frigate/triggers` (semantic-search triggers, Frigate 0.17: `{name, camera,
//!   event_id, type: thumbnail|description, score}`, docs.frigate.video/integrations/mqtt) and
//!   any other message with a `type` but neither `before`/`after` nor a tracked-object `id`.
//!   They are skipped in an array; a body holding nothing else is refused with
//!   [`DecodeError::NotAnEvent`] (the intake drops it silently on MQTT). A trigger's `name` is
//!   the name of a configured trigger, never a person's: it is not read at all.
//!
//! `sub_label` (string, `[name, score]`, `[name, null]`) and face names are person names. Plates
//! (`recognized_license_plate`, lpr `plate`) go through [`crate::plate::read_plate`], so an
//! unread placeholder is not stored as a plate.

use neibao_domain::events::{DecodedEvent, DecodedPayload, EventKind, EventState, FaceCandidate};
use neibao_domain::watchlists::similarity_percent;
use serde_json::{Map, Value};

use crate::json_util::{get, text};
use crate::plate::read_plate;
use crate::time::from_epoch_secs;
use crate::{sniff, DecodeError};

/// Most messages accepted in one array body.
pub const MAX_MESSAGES: usize = 1000;

/// Decodes one Frigate MQTT message body (or an array of them).
pub fn decode_frigate(body: &[u8]) -> Result<DecodedPayload, DecodeError> {
    let trimmed = sniff::trim_start(body);
    if trimmed.is_empty() {
        return Err(DecodeError::EmptyBody);
    }
    let value: Value = serde_json::from_slice(trimmed).map_err(|_| DecodeError::NotJson)?;
    let items: &[Value] = match &value {
        Value::Array(a) if a.len() <= MAX_MESSAGES => a,
        Value::Array(_) => return Err(DecodeError::InvalidField { field: "events" }),
        Value::Object(_) => std::slice::from_ref(&value),
        _ => return Err(DecodeError::UnknownShape { format: "json" }),
    };
    let mut out = DecodedPayload::default();
    let mut not_events = 0usize;
    for item in items {
        let Value::Object(msg) = item else {
            return Err(DecodeError::UnknownShape { format: "json" });
        };
        match decode_message(msg) {
            Ok(Some(ev)) => out.events.push(ev),
            Ok(None) => {}
            Err(DecodeError::NotAnEvent { .. }) => not_events += 1,
            Err(e) => return Err(e),
        }
    }
    if not_events > 0 && not_events == items.len() {
        return Err(DecodeError::NotAnEvent {
            what: not_event_name(items),
        });
    }
    Ok(out)
}

/// What a body of non-event messages is, for the refusal: triggers when they look like
/// `frigate/triggers` (`event_id` and `name`), else a generic Frigate message.
fn not_event_name(items: &[Value]) -> &'static str {
    let trigger = |v: &Value| v.get("event_id").is_some() && v.get("name").is_some();
    if items.iter().all(trigger) {
        "frigate/triggers"
    } else {
        "Frigate"
    }
}

fn decode_message(msg: &Map<String, Value>) -> Result<Option<DecodedEvent>, DecodeError> {
    let ty = get(msg, "type").and_then(text).unwrap_or_default().to_ascii_lowercase();
    let side = |k: &str| match get(msg, k) {
        Some(Value::Object(o)) => Some(o),
        _ => None,
    };
    let Some(obj) = side("after").or_else(|| side("before")) else {
        return match ty.as_str() {
            "" => Err(DecodeError::UnknownShape { format: "json" }),
            // `tracked_object_update` names its tracked object by `id`; `frigate/triggers`
            // carries `event_id` and a trigger `name`, and is not an event.
            _ if get(msg, "id").and_then(text).is_some() => Ok(Some(tracked_object_update(&ty, msg))),
            _ => Err(DecodeError::NotAnEvent { what: "Frigate" }),
        };
    };
    let state = if ty == "end" {
        EventState::Inactive
    } else {
        EventState::Active
    };
    let is_review = get(obj, "severity").is_some() || matches!(get(obj, "data"), Some(Value::Object(_)));
    let mut ev = if is_review {
        review(obj, state)
    } else {
        if state == EventState::Active && get(obj, "false_positive") == Some(&Value::Bool(true)) {
            return Ok(None);
        }
        tracked_object(obj, state, ty == "end")
    };
    ev.region = get(obj, "camera").and_then(text);
    ev.sanitize();
    Ok(Some(ev))
}

fn tracked_object(obj: &Map<String, Value>, state: EventState, end: bool) -> DecodedEvent {
    let label = get(obj, "label").and_then(text).unwrap_or_else(|| "object".into());
    let (kind, target) = match label.to_ascii_lowercase().as_str() {
        "person" => (EventKind::Motion, Some("human".to_string())),
        "car" | "truck" | "bus" | "motorcycle" | "bicycle" | "boat" => (EventKind::Motion, Some("vehicle".into())),
        "face" => (EventKind::FaceCapture, None),
        "license_plate" => (EventKind::Plate, None),
        _ => (EventKind::Motion, Some(label.to_ascii_lowercase())),
    };
    let mut ev = DecodedEvent::new(kind, label, state);
    let plate = match get(obj, "recognized_license_plate") {
        Some(Value::Array(a)) => a.first().and_then(text),
        Some(v) => text(v),
        None => None,
    }
    .as_deref()
    .and_then(read_plate);
    ev.target = plate.or(target);
    ev.person.name = sub_label(get(obj, "sub_label"));
    if kind == EventKind::FaceCapture {
        ev.face_candidates = face_candidate(get(obj, "sub_label")).into_iter().collect();
    }
    let time_key = if end { "end_time" } else { "frame_time" };
    ev.device_time = epoch(obj, time_key).or_else(|| epoch(obj, "start_time"));
    ev.device_time_has_offset = ev.device_time.is_some();
    let mut desc = Vec::new();
    if let Some(id) = get(obj, "id").and_then(text) {
        desc.push(format!("id={id}"));
    }
    let zones = strings(get(obj, "entered_zones"));
    if !zones.is_empty() {
        desc.push(format!("zones={}", zones.join(",")));
    }
    ev.description = Some(desc.join(" ")).filter(|d| !d.is_empty());
    ev
}

fn review(obj: &Map<String, Value>, state: EventState) -> DecodedEvent {
    let severity = get(obj, "severity")
        .and_then(text)
        .unwrap_or_else(|| "detection".into());
    let mut ev = DecodedEvent::new(EventKind::Motion, format!("review/{severity}"), state);
    let data = match get(obj, "data") {
        Some(Value::Object(d)) => Some(d),
        _ => None,
    };
    let objects = strings(data.and_then(|d| get(d, "objects")));
    ev.target = Some(objects.join(",")).filter(|t| !t.is_empty());
    ev.person.name = strings(data.and_then(|d| get(d, "sub_labels"))).into_iter().next();
    let key = if state == EventState::Inactive {
        "end_time"
    } else {
        "start_time"
    };
    ev.device_time = epoch(obj, key).or_else(|| epoch(obj, "start_time"));
    ev.device_time_has_offset = ev.device_time.is_some();
    let mut desc = Vec::new();
    if let Some(id) = get(obj, "id").and_then(text) {
        desc.push(format!("id={id}"));
    }
    let zones = strings(data.and_then(|d| get(d, "zones")));
    if !zones.is_empty() {
        desc.push(format!("zones={}", zones.join(",")));
    }
    ev.description = Some(desc.join(" ")).filter(|d| !d.is_empty());
    ev
}

fn tracked_object_update(ty: &str, msg: &Map<String, Value>) -> DecodedEvent {
    let kind = match ty {
        "face" => EventKind::FaceCapture,
        "lpr" => EventKind::Plate,
        _ => EventKind::Unknown,
    };
    let mut ev = DecodedEvent::new(kind, format!("tracked_object_update/{ty}"), EventState::Active);
    let name = get(msg, "name")
        .and_then(text)
        .filter(|n| !n.eq_ignore_ascii_case("unknown"));
    match kind {
        EventKind::Plate => {
            ev.target = get(msg, "plate")
                .and_then(text)
                .or(name)
                .as_deref()
                .and_then(read_plate)
        }
        EventKind::FaceCapture => {
            // Frigate's face recognition: the library name and its score (0–1).
            if let (Some(n), Some(score)) = (&name, get(msg, "score").and_then(Value::as_f64)) {
                ev.face_candidates = similarity_percent(score)
                    .map(|similarity| FaceCandidate {
                        subject: n.clone(),
                        similarity,
                    })
                    .into_iter()
                    .collect();
            }
            ev.person.name = name
        }
        // Other update types (`description` …) carry no person: their `name`, if any, is not one.
        _ => {}
    }
    ev.region = get(msg, "camera").and_then(text);
    ev.device_time = epoch(msg, "timestamp");
    ev.device_time_has_offset = ev.device_time.is_some();
    ev.description = get(msg, "id").and_then(text).map(|id| format!("id={id}"));
    ev.sanitize();
    ev
}

/// The face a `sub_label` `["name", score]` names, with its score as a similarity (a bare name
/// carries no similarity and matches no watchlist).
fn face_candidate(v: Option<&Value>) -> Option<FaceCandidate> {
    let Value::Array(a) = v? else { return None };
    let subject = a.first().and_then(text)?;
    let similarity = a.get(1).and_then(Value::as_f64).and_then(similarity_percent)?;
    Some(FaceCandidate { subject, similarity })
}

/// `sub_label`: null, `"name"`, `["name", score]` or `["name", null]`.
fn sub_label(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::Array(a) => a.first().and_then(text),
        v => text(v),
    }
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a.iter().take(32).filter_map(text).collect(),
        _ => Vec::new(),
    }
}

fn epoch(obj: &Map<String, Value>, key: &str) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    get(obj, key).and_then(Value::as_f64).and_then(from_epoch_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        let p = format!(
            "{}/../../tests/fixtures/devices/frigate-mqtt/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(p).expect("fixture")
    }

    #[test]
    fn events_new_014() {
        let out = decode_frigate(&fixture("events_new_v0.14_snapshot_object.json")).unwrap();
        let e = &out.events[0];
        assert_eq!((e.kind, e.state), (EventKind::Motion, EventState::Active));
        assert_eq!(e.target.as_deref(), Some("human"));
        assert_eq!(e.region.as_deref(), Some("test_front_door"));
        assert_eq!(e.vendor_type, "person");
        assert!(e.device_time_has_offset);
        assert_eq!(e.device_time.unwrap().timestamp(), 1_715_674_256);
        assert_eq!(
            e.description.as_deref(),
            Some("id=1715674255.475377-a1b2c3 zones=test_porch")
        );
    }

    #[test]
    fn events_end_012() {
        let out = decode_frigate(&fixture("events_end_v0.12_snapshot_time.json")).unwrap();
        let e = &out.events[0];
        assert_eq!((e.kind, e.state), (EventKind::Motion, EventState::Inactive));
        assert_eq!(e.person.name.as_deref(), Some("Test Person A"));
        assert_eq!(e.device_time.unwrap().timestamp(), 1_715_674_271);
    }

    #[test]
    fn review_and_face() {
        let out = decode_frigate(&fixture("reviews_update_alert.json")).unwrap();
        let e = &out.events[0];
        assert_eq!((e.kind, e.state), (EventKind::Motion, EventState::Active));
        assert_eq!(e.vendor_type, "review/alert");
        assert_eq!(e.target.as_deref(), Some("person,car"));
        let out = decode_frigate(&fixture("tracked_object_update_face.json")).unwrap();
        let e = &out.events[0];
        assert_eq!(e.kind, EventKind::FaceCapture);
        assert_eq!(e.person.name.as_deref(), Some("Test Person A"));
        // The recognition's score is the similarity a watchlist compares with its threshold.
        assert_eq!(e.face_candidates.len(), 1);
        assert_eq!(e.face_candidates[0].subject, "Test Person A");
        assert!((e.face_candidates[0].similarity - 95.0).abs() < 0.01);
    }

    #[test]
    fn sub_label_array_with_null_and_unknown_type() {
        let body = br#"[{"type":"update","after":{"camera":"c","label":"dog","sub_label":["Rex",null],"false_positive":false}},{"type":"description","id":"x"}]"#;
        let out = decode_frigate(body).unwrap();
        assert_eq!(out.events[0].person.name.as_deref(), Some("Rex"));
        assert_eq!(out.events[0].target.as_deref(), Some("dog"));
        assert_eq!(out.events[1].kind, EventKind::Unknown);
        assert_eq!(out.events[1].vendor_type, "tracked_object_update/description");
    }

    #[test]
    fn garbage_is_an_error() {
        assert_eq!(decode_frigate(b" "), Err(DecodeError::EmptyBody));
        assert_eq!(decode_frigate(b"<x/>"), Err(DecodeError::NotJson));
        assert!(decode_frigate(b"{}").is_err());
        assert!(decode_frigate(b"42").is_err());
    }

    proptest::proptest! {
        #[test]
        fn never_panics(body in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            let _ = decode_frigate(&body);
        }
    }
}
