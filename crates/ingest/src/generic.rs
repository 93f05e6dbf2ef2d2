//! The documented generic JSON event shape for integrations (`POST /ingest/json/{token}`),
//! specified in `docs/EVENTS.md`.
//!
//! Unlike the vendor decoders this one is strict about field types, because its senders are
//! programs we documented the shape for: a wrong type is an [`DecodeError::InvalidField`] naming
//! the field, so the integrator learns what to fix. Unknown `type` codes are still stored as
//! [`EventKind::Unknown`] with the code kept as vendor type (docs/DEVICE-FORMATS.md §0.7).

use neibao_domain::events::{DecodedEvent, DecodedPayload, EventKind, EventState, FaceCandidate, PersonFields};
use neibao_domain::watchlists::similarity_percent;
use serde_json::{Map, Value};

use crate::time::parse_device_time;
use crate::{sniff, DecodeError};

/// Most events accepted in one body.
pub const MAX_EVENTS: usize = 1000;

/// Decodes one object, `{"events":[…]}`, or an array of objects.
///
/// Each object: `type` (required, an [`EventKind`] code; unknown codes are kept as
/// [`EventKind::Unknown`]), `vendor_type`, `state` (`active`/`inactive`, default active), `time`
/// (any shape [`crate::time::parse_device_time`] accepts), `channel` (non-negative integer),
/// `region`, `target`, `description`, `person` {`name`, `employee_no`, `card_no`, `user_type`,
/// `verify_mode`}, `face` {`subject`, `similarity`} or {`candidates`: [{`subject`, `similarity`}]}
/// (a face device's own comparison result), `heartbeat` (`true` → counted as a heartbeat, no event, no `type` needed).
/// `null` counts as absent; unknown keys are ignored; numbers are accepted where text is expected.
pub fn decode_generic_json(body: &[u8]) -> Result<DecodedPayload, DecodeError> {
    let trimmed = sniff::trim_start(body);
    if trimmed.is_empty() {
        return Err(DecodeError::EmptyBody);
    }
    let value: Value = serde_json::from_slice(trimmed).map_err(|_| DecodeError::NotJson)?;
    let items: &[Value] = match &value {
        Value::Array(items) => items,
        Value::Object(map) => match field(map, "events") {
            Some(Value::Array(items)) if field(map, "type").is_none() => items,
            Some(_) if field(map, "type").is_none() => return Err(DecodeError::InvalidField { field: "events" }),
            _ => std::slice::from_ref(&value),
        },
        _ => return Err(DecodeError::UnknownShape { format: "json" }),
    };
    if items.len() > MAX_EVENTS {
        return Err(DecodeError::InvalidField { field: "events" });
    }
    let mut out = DecodedPayload::default();
    for item in items {
        let Value::Object(obj) = item else {
            return Err(DecodeError::InvalidField { field: "events" });
        };
        match decode_object(obj)? {
            Some(ev) => out.events.push(ev),
            None => out.heartbeats = out.heartbeats.saturating_add(1),
        }
    }
    Ok(out)
}

/// `Ok(None)` for a heartbeat.
fn decode_object(obj: &Map<String, Value>) -> Result<Option<DecodedEvent>, DecodeError> {
    match field(obj, "heartbeat") {
        None | Some(Value::Bool(false)) => {}
        Some(Value::Bool(true)) => return Ok(None),
        Some(_) => return Err(DecodeError::InvalidField { field: "heartbeat" }),
    }
    let code = text(obj, "type")?.ok_or(DecodeError::MissingField { field: "type" })?;
    let kind = EventKind::from_code(&code).unwrap_or(EventKind::Unknown);
    let vendor_type = text(obj, "vendor_type")?.unwrap_or_else(|| code.clone());
    let state = match text(obj, "state")? {
        None => EventState::Active,
        Some(s) => {
            EventState::from_code(&s.to_ascii_lowercase()).ok_or(DecodeError::InvalidField { field: "state" })?
        }
    };
    let mut ev = DecodedEvent::new(kind, vendor_type, state);
    if let Some(t) = text(obj, "time")? {
        let (time, had_offset) = parse_device_time(&t).ok_or(DecodeError::InvalidField { field: "time" })?;
        ev.device_time = Some(time);
        ev.device_time_has_offset = had_offset;
    }
    ev.channel = match text(obj, "channel")? {
        None => None,
        Some(c) => Some(c.parse().map_err(|_| DecodeError::InvalidField { field: "channel" })?),
    };
    ev.region = text(obj, "region")?;
    ev.target = text(obj, "target")?;
    ev.description = text(obj, "description")?;
    ev.person = match field(obj, "person") {
        None => PersonFields::default(),
        Some(Value::Object(p)) => PersonFields {
            name: text_in(p, "name", "person")?,
            employee_no: text_in(p, "employee_no", "person")?,
            card_no: text_in(p, "card_no", "person")?,
            user_type: text_in(p, "user_type", "person")?,
            verify_mode: text_in(p, "verify_mode", "person")?,
        },
        Some(_) => return Err(DecodeError::InvalidField { field: "person" }),
    };
    ev.face_candidates = match field(obj, "face") {
        None => Vec::new(),
        Some(Value::Object(f)) => face_candidates(f)?,
        Some(_) => return Err(DecodeError::InvalidField { field: "face" }),
    };
    Ok(Some(ev))
}

/// `face`: the device's comparison result, `{"subject", "similarity"}` or
/// `{"candidates": [{"subject", "similarity"}, …]}`; similarity in percent or as a fraction
/// (docs/WATCHLISTS.md).
fn face_candidates(f: &Map<String, Value>) -> Result<Vec<FaceCandidate>, DecodeError> {
    let one = |c: &Map<String, Value>| -> Result<Option<FaceCandidate>, DecodeError> {
        let subject = text_in(c, "subject", "face")?;
        let similarity = match field(c, "similarity") {
            None => None,
            Some(Value::Number(n)) => Some(
                n.as_f64()
                    .and_then(similarity_percent)
                    .ok_or(DecodeError::InvalidField { field: "face" })?,
            ),
            Some(_) => return Err(DecodeError::InvalidField { field: "face" }),
        };
        Ok(subject
            .zip(similarity)
            .map(|(subject, similarity)| FaceCandidate { subject, similarity }))
    };
    match field(f, "candidates") {
        None => Ok(one(f)?.into_iter().collect()),
        Some(Value::Array(items)) => {
            let mut out = Vec::new();
            for item in items.iter().take(20) {
                let Value::Object(c) = item else {
                    return Err(DecodeError::InvalidField { field: "face" });
                };
                out.extend(one(c)?);
            }
            Ok(out)
        }
        Some(_) => Err(DecodeError::InvalidField { field: "face" }),
    }
}

/// A present, non-null value.
fn field<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    obj.get(key).filter(|v| !v.is_null())
}

/// Optional text: strings (trimmed; empty is absent) or numbers; other types are invalid.
fn text(obj: &Map<String, Value>, key: &'static str) -> Result<Option<String>, DecodeError> {
    text_in(obj, key, key)
}

fn text_in(obj: &Map<String, Value>, key: &str, report: &'static str) -> Result<Option<String>, DecodeError> {
    match field(obj, key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim().to_string()).filter(|s| !s.is_empty())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(_) => Err(DecodeError::InvalidField { field: report }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(s: &str) -> Result<DecodedPayload, DecodeError> {
        decode_generic_json(s.as_bytes())
    }

    #[test]
    fn full_object() {
        let p = decode(
            r#"{"type":"intrusion.line_crossing","vendor_type":"tripwire","state":"inactive",
                "time":"2024-05-14 09:12:40","channel":3,"region":"gate","target":"human",
                "description":"d","person":{"name":"N","employee_no":42,"card_no":"c","user_type":"normal","verify_mode":"face"}}"#,
        )
        .expect("decodes");
        let ev = &p.events[0];
        assert_eq!(ev.kind, EventKind::LineCrossing);
        assert_eq!(ev.vendor_type, "tripwire");
        assert_eq!(ev.state, EventState::Inactive);
        assert_eq!(
            ev.device_time.map(|t| t.to_rfc3339()).as_deref(),
            Some("2024-05-14T09:12:40+00:00")
        );
        assert!(!ev.device_time_has_offset);
        assert_eq!(
            (ev.channel, ev.region.as_deref(), ev.target.as_deref()),
            (Some(3), Some("gate"), Some("human"))
        );
        assert_eq!(ev.person.employee_no.as_deref(), Some("42"));
        assert_eq!(ev.person.verify_mode.as_deref(), Some("face"));
    }

    #[test]
    fn lists_heartbeats_and_unknown_types() {
        let p =
            decode(r#"{"events":[{"type":"motion"},{"heartbeat":true},{"type":"vendor.custom"}]}"#).expect("decodes");
        assert_eq!(p.heartbeats, 1);
        assert_eq!(p.events.len(), 2);
        assert_eq!(p.events[1].kind, EventKind::Unknown);
        assert_eq!(p.events[1].vendor_type, "vendor.custom");
        let arr = decode(r#"[{"type":"motion","channel":"2"}]"#).expect("decodes");
        assert_eq!(arr.events[0].channel, Some(2));
        assert!(decode("[]").expect("decodes").events.is_empty());
    }

    #[test]
    fn errors_name_the_field() {
        let code = |s: &str| decode(s).map(|_| ()).unwrap_err();
        assert_eq!(
            code(r#"{"state":"active"}"#),
            DecodeError::MissingField { field: "type" }
        );
        assert_eq!(code(r#"{"type":"  "}"#), DecodeError::MissingField { field: "type" });
        assert_eq!(code(r#"{"type":1.5e400}"#), DecodeError::NotJson);
        assert_eq!(code(r#"{"type":["x"]}"#), DecodeError::InvalidField { field: "type" });
        assert_eq!(
            code(r#"{"type":"motion","state":"on"}"#),
            DecodeError::InvalidField { field: "state" }
        );
        assert_eq!(
            code(r#"{"type":"motion","time":"soon"}"#),
            DecodeError::InvalidField { field: "time" }
        );
        assert_eq!(
            code(r#"{"type":"motion","channel":-1}"#),
            DecodeError::InvalidField { field: "channel" }
        );
        assert_eq!(
            code(r#"{"type":"motion","person":"x"}"#),
            DecodeError::InvalidField { field: "person" }
        );
        assert_eq!(
            code(r#"{"type":"motion","heartbeat":"yes"}"#),
            DecodeError::InvalidField { field: "heartbeat" }
        );
        assert_eq!(code(r#"{"events":{}}"#), DecodeError::InvalidField { field: "events" });
        assert_eq!(code(r#"[1]"#), DecodeError::InvalidField { field: "events" });
        assert_eq!(code("<xml/>"), DecodeError::NotJson);
        assert_eq!(code("\"str\""), DecodeError::UnknownShape { format: "json" });
        assert_eq!(code(""), DecodeError::EmptyBody);
    }
}
