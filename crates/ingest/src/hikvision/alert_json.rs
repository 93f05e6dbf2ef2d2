//! Hikvision `EventNotificationAlert` sent as JSON with an event type other than access control
//! (docs/DEVICE-FORMATS.md §1 "Not everything is XML"): the NVR `faceCapture` part of the alert stream
//! (tropicoo/hikvision-camera-bot#204) and JSON alerts of newer firmware, which reuse the XML field
//! names.

use neibao_domain::events::{DecodedEvent, DecodedPayload, EventKind, EventState};
use serde_json::{Map, Value};

use super::common::parse_channel;
use super::event_types::kind_for_event_type;
use crate::json_util::{self, get};
use crate::time::parse_device_time;

/// Most `faceCapture[]` entries turned into events.
const MAX_FACES: usize = 100;

/// Pushes the events of one JSON alert: one per `faceCapture[]` entry for face captures, else one.
pub(crate) fn push_alert_events(
    env: &Map<String, Value>,
    event_type: &str,
    state: EventState,
    out: &mut DecodedPayload,
) {
    let base = alert_event(env, event_type, state);
    let captures = get(env, "faceCapture")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    if base.kind != EventKind::FaceCapture || captures.is_empty() {
        out.events.push(base);
        return;
    }
    for capture in captures.iter().take(MAX_FACES) {
        let mut ev = base.clone();
        if let Some(Value::Object(attrs)) = capture.get("targetAttrs") {
            if let Some((t, had_offset)) = text(attrs, "faceTime").and_then(|s| parse_device_time(&s)) {
                ev.device_time = Some(t);
                ev.device_time_has_offset = had_offset;
            }
            if ev.channel.is_none() {
                ev.channel = text(attrs, "deviceChannel").as_deref().and_then(parse_channel);
            }
        }
        out.events.push(ev);
    }
}

fn alert_event(env: &Map<String, Value>, event_type: &str, state: EventState) -> DecodedEvent {
    let mut ev = DecodedEvent::new(kind_for_event_type(event_type), event_type, state);
    if let Some((t, had_offset)) = text(env, "dateTime").and_then(|s| parse_device_time(&s)) {
        ev.device_time = Some(t);
        ev.device_time_has_offset = had_offset;
    }
    ev.channel = ["channelID", "dynChannelID"]
        .iter()
        .find_map(|k| text(env, k).as_deref().and_then(parse_channel));
    ev.region = text(env, "inputIOPortID").map(|p| format!("io:{p}"));
    ev.target = text(env, "targetType");
    ev.description = text(env, "eventDescription");
    ev.mac_address = text(env, "macAddress");
    ev
}

fn text(map: &Map<String, Value>, key: &str) -> Option<String> {
    get(map, key).and_then(json_util::text)
}
