//! Hikvision JSON bodies: access-controller push and pull shapes (docs/DEVICE-FORMATS.md §2) and the
//! JSON `EventNotificationAlert` envelope that NVRs and terminals use (§1 faceCapture, §2).
//!
//! Accepted shapes, all with numbers as numbers or strings and any indentation (TABs included):
//! - push envelope `{eventType:"AccessControllerEvent", …, AccessControllerEvent:{…}}`;
//! - the same with the event fields flattened to the top level (DS-K1T323 firmware);
//! - `{AccessControllerEvent:{…}}` with no envelope; a bare event object (`majorEventType` …);
//! - `{EventNotificationAlert:{…}}`; `{Events:[…]}`; a top-level array of any of these;
//! - pull results `{AcsEvent:{InfoList:[{major, minor, time, …}]}}`: one event per entry;
//! - `eventType:"heartBeat"` keep-alives (counted as heartbeats, never events);
//! - other envelope event types (NVR `faceCapture`, JSON alerts) via [`super::alert_json`].

use neibao_domain::events::DecodedPayload;
use serde_json::{Map, Value};

use super::acs_event::{acs_event, JsonFields, ACS_VENDOR_TYPE};
use super::alert_json;
use super::common::{is_heartbeat, state_from};
use crate::json_util::{self, get};
use crate::{sniff, DecodeError};

/// Most list entries decoded from one body; the rest are ignored.
const MAX_ITEMS: usize = 1000;
/// How many wrapper levels (`Events` → array → `EventNotificationAlert` …) are followed.
const MAX_DEPTH: u8 = 4;

const SHAPE: DecodeError = DecodeError::UnknownShape { format: "json" };

/// Decodes one JSON body into `out`.
pub(crate) fn decode_json(body: &[u8], out: &mut DecodedPayload) -> Result<(), DecodeError> {
    let trimmed = sniff::trim_start(body);
    if trimmed.is_empty() {
        return Err(DecodeError::EmptyBody);
    }
    let value: Value = serde_json::from_slice(trimmed).map_err(|_| DecodeError::NotJson)?;
    decode_value(&value, out, 0)
}

fn decode_value(v: &Value, out: &mut DecodedPayload, depth: u8) -> Result<(), DecodeError> {
    if depth > MAX_DEPTH {
        return Err(SHAPE);
    }
    match v {
        Value::Object(map) => decode_object(map, out, depth),
        Value::Array(items) => {
            // Forgiving: one undecodable entry does not lose the others.
            let mut first_err = None;
            let mut any_ok = items.is_empty();
            for item in items.iter().take(MAX_ITEMS) {
                match decode_value(item, out, depth + 1) {
                    Ok(()) => any_ok = true,
                    Err(e) => {
                        first_err.get_or_insert(e);
                    }
                }
            }
            match (any_ok, first_err) {
                (true, _) | (false, None) => Ok(()),
                (false, Some(e)) => Err(e),
            }
        }
        _ => Err(SHAPE),
    }
}

fn decode_object(map: &Map<String, Value>, out: &mut DecodedPayload, depth: u8) -> Result<(), DecodeError> {
    if let Some(Value::Object(search)) = get(map, "AcsEvent") {
        // Pull result: `major`/`minor`/`time` per entry; an empty result is no event, not an error.
        let entries = get(search, "InfoList")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        for entry in entries.iter().take(MAX_ITEMS) {
            if let Value::Object(e) = entry {
                out.events.push(acs_event(&JsonFields(&[e])));
            }
        }
        return Ok(());
    }
    if let Some(events) = get(map, "Events") {
        return decode_value(events, out, depth + 1);
    }
    if let Some(Value::Object(inner)) = get(map, "EventNotificationAlert") {
        return decode_envelope(inner, out);
    }
    if get(map, "eventType").is_some() {
        return decode_envelope(map, out);
    }
    if let Some(Value::Object(inner)) = get(map, ACS_VENDOR_TYPE) {
        out.events.push(acs_event(&JsonFields(&[inner, map])));
        return Ok(());
    }
    if ["majorEventType", "subEventType", "major", "minor"]
        .iter()
        .any(|k| get(map, k).is_some())
    {
        out.events.push(acs_event(&JsonFields(&[map])));
        return Ok(());
    }
    Err(SHAPE)
}

/// An object with `eventType` (or a nested `AccessControllerEvent` and no type).
fn decode_envelope(env: &Map<String, Value>, out: &mut DecodedPayload) -> Result<(), DecodeError> {
    let nested = match get(env, ACS_VENDOR_TYPE) {
        Some(Value::Object(inner)) => Some(inner),
        _ => None,
    };
    let Some(event_type) = get(env, "eventType").and_then(json_util::text) else {
        return match nested {
            Some(inner) => {
                out.events.push(acs_event(&JsonFields(&[inner, env])));
                Ok(())
            }
            None => Err(DecodeError::MissingField { field: "eventType" }),
        };
    };
    let state = state_from(get(env, "eventState").and_then(json_util::text).as_deref());
    if is_heartbeat(&event_type, state) {
        out.heartbeats = out.heartbeats.saturating_add(1);
    } else if event_type.eq_ignore_ascii_case(ACS_VENDOR_TYPE) {
        let event = match nested {
            Some(inner) => acs_event(&JsonFields(&[inner, env])),
            None => acs_event(&JsonFields(&[env])),
        };
        out.events.push(event);
    } else {
        alert_json::push_alert_events(env, &event_type, state, out);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use neibao_domain::events::EventKind;

    fn decode(json: &str) -> Result<DecodedPayload, DecodeError> {
        let mut out = DecodedPayload::default();
        decode_json(json.as_bytes(), &mut out).map(|()| out)
    }

    #[test]
    fn every_wrapper_shape() {
        let inner = r#"{"majorEventType":"5","subEventType":"0x4b","doorNo":"3","name":"N"}"#;
        let shapes = [
            format!(r#"{{"eventType":"AccessControllerEvent","AccessControllerEvent":{inner}}}"#),
            format!(r#"{{"AccessControllerEvent":{inner}}}"#),
            format!(
                r#"{{"EventNotificationAlert":{{"eventType":"AccessControllerEvent","AccessControllerEvent":{inner}}}}}"#
            ),
            format!(r#"{{"Events":[{{"AccessControllerEvent":{inner}}}]}}"#),
            format!(r#"[{inner}]"#),
            inner.to_string(),
        ];
        for shape in &shapes {
            let p = decode(shape).unwrap_or_else(|e| panic!("{shape}: {e}"));
            assert_eq!(p.events.len(), 1, "{shape}");
            let ev = &p.events[0];
            assert_eq!(ev.kind, EventKind::AccessGranted, "{shape}");
            assert_eq!(ev.vendor_type, "AccessControllerEvent/5/75");
            assert_eq!(ev.region.as_deref(), Some("door:3"));
            assert_eq!(ev.person.name.as_deref(), Some("N"));
        }
    }

    #[test]
    fn unknown_shapes_and_bad_json() {
        assert_eq!(decode(r#"{"hello":1}"#).unwrap_err().code(), "unknown_shape");
        assert_eq!(decode("42").unwrap_err().code(), "unknown_shape");
        assert_eq!(decode("{").unwrap_err().code(), "not_json");
        assert_eq!(decode(" ").unwrap_err().code(), "empty_body");
        assert_eq!(
            decode(r#"{"EventNotificationAlert":{"x":1}}"#).unwrap_err().code(),
            "missing_field"
        );
        let empty = decode(r#"{"AcsEvent":{"numOfMatches":0}}"#).expect("empty pull result");
        assert!(empty.events.is_empty());
    }
}
