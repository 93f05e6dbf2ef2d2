//! Hikvision ISAPI `EventNotificationAlert` XML (docs/DEVICE-FORMATS.md §1), as pushed to an HTTP host
//! or carried in an `alertStream` part.
//!
//! Elements are matched by local name, so every namespace seen in the wild works (`ver10`, `ver20`,
//! `isapi.org`, `urn:psialliance-org`, OEM `std-cgi.com`, prefixed or default), with or without an
//! XML declaration, with CRLF inside, and with empty elements such as `<channelID/>`.
//!
//! ANPR: `ANPR/licensePlate` is the target, except the placeholders a camera sends when it saw a
//! vehicle but read no plate (`unknown`, `无车牌` …, [`crate::plate`]): then the target is
//! `vehicle` and no plate is stored.
//!
//! `videoloss` + `inactive` is the in-band heartbeat (§1 quirk "heartbeat flood"): counted, not
//! turned into an event. Access-controller events sent as XML by older firmware (§2 quirk
//! "XML versus JSON") go through the same mapping as the JSON ones.

use neibao_domain::events::{DecodedEvent, DecodedPayload, EventKind, EventState};

use super::acs_event::{acs_event, XmlFields, ACS_VENDOR_TYPE};
use super::common::{is_heartbeat, parse_channel, state_from};
use super::event_types::kind_for_event_type;
use crate::plate::read_plate;
use crate::time::parse_device_time;
use crate::xml_tree::{self, Element};
use crate::DecodeError;

/// Root element of every alert.
const ROOT: &str = "EventNotificationAlert";

/// Decodes one alert document into `out` (one event, or one heartbeat).
pub(crate) fn decode_alert_xml(body: &[u8], out: &mut DecodedPayload) -> Result<(), DecodeError> {
    let root = xml_tree::parse(body)?;
    let alert = root
        .find(ROOT)
        .or_else(|| root.child("eventType").map(|_| &root))
        .ok_or(DecodeError::UnknownShape { format: "xml" })?;
    let event_type = alert
        .child_text("eventType")
        .ok_or(DecodeError::MissingField { field: "eventType" })?;
    let state = state_from(alert.child_text("eventState"));
    if is_heartbeat(event_type, state) {
        out.heartbeats = out.heartbeats.saturating_add(1);
        return Ok(());
    }
    let event = if event_type.eq_ignore_ascii_case(ACS_VENDOR_TYPE) {
        let mut places = Vec::with_capacity(2);
        if let Some(inner) = alert.child(ACS_VENDOR_TYPE) {
            places.push(inner);
        }
        places.push(alert);
        acs_event(&XmlFields(&places))
    } else {
        alert_event(alert, event_type, state)
    };
    out.events.push(event);
    Ok(())
}

fn alert_event(alert: &Element, event_type: &str, state: EventState) -> DecodedEvent {
    let kind = if event_type.eq_ignore_ascii_case("duration") {
        // `duration` wraps another event type (mezz64/pyHik#62).
        alert
            .path_text(&["DurationList", "Duration", "relationEvent"])
            .map_or(EventKind::Unknown, kind_for_event_type)
    } else {
        kind_for_event_type(event_type)
    };
    let mut ev = DecodedEvent::new(kind, event_type, state);
    if let Some((t, had_offset)) = alert.child_text("dateTime").and_then(parse_device_time) {
        ev.device_time = Some(t);
        ev.device_time_has_offset = had_offset;
    }
    ev.channel = ["channelID", "dynChannelID", "videoInputChannelID"]
        .iter()
        .find_map(|name| alert.child_text(name).and_then(parse_channel));
    ev.description = alert.child_text("eventDescription").map(str::to_string);
    ev.mac_address = alert.child_text("macAddress").map(str::to_string);

    let entry = alert.child("DetectionRegionList").and_then(|list| {
        list.children_named("DetectionRegionEntry")
            .find(|e| e.child_text("regionID").is_some())
    });
    let io_port = alert
        .child_text("inputIOPortID")
        .or_else(|| alert.child_text("dynInputIOPortID"));
    ev.region = match (io_port, entry.and_then(|e| e.child_text("regionID"))) {
        (Some(port), _) => Some(format!("io:{port}")),
        (None, Some(region)) => Some(region.to_string()),
        (None, None) => None,
    };
    // An unread plate is `unknown` (or `无车牌` …): no plate, the vehicle is the target.
    let plate = alert.path_text(&["ANPR", "licensePlate"]).and_then(read_plate);
    let unread_plate = plate.is_none() && alert.child("ANPR").is_some();
    ev.target = plate.or_else(|| {
        entry
            .and_then(|e| e.child_text("detectionTarget"))
            .or_else(|| alert.child_text("targetType"))
            .map(str::to_string)
            .or_else(|| unread_plate.then(|| "vehicle".to_string()))
    });
    ev
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(xml: &str) -> Result<DecodedPayload, DecodeError> {
        let mut out = DecodedPayload::default();
        decode_alert_xml(xml.as_bytes(), &mut out).map(|()| out)
    }

    #[test]
    fn duration_takes_the_kind_of_its_relation_event() {
        let p = decode(
            "<EventNotificationAlert><eventType>duration</eventType><eventState>active</eventState>\
             <DurationList><Duration><relationEvent>linedetection</relationEvent></Duration></DurationList>\
             </EventNotificationAlert>",
        )
        .expect("decodes");
        assert_eq!(p.events[0].kind, EventKind::LineCrossing);
        assert_eq!(p.events[0].vendor_type, "duration");
    }

    #[test]
    fn anpr_plate_is_the_target() {
        let p = decode(
            "<EventNotificationAlert><channelID>2</channelID><eventType>ANPR</eventType>\
             <ANPR><licensePlate>TEST123</licensePlate></ANPR></EventNotificationAlert>",
        )
        .expect("decodes");
        let ev = &p.events[0];
        assert_eq!(
            (ev.kind, ev.target.as_deref(), ev.channel),
            (EventKind::Plate, Some("TEST123"), Some(2))
        );
        assert_eq!(ev.state, EventState::Active);
    }

    #[test]
    fn videoloss_active_is_an_event_inactive_a_heartbeat() {
        let active = decode("<EventNotificationAlert><eventType>videoloss</eventType><eventState>active</eventState></EventNotificationAlert>")
            .expect("decodes");
        assert_eq!((active.events[0].kind, active.heartbeats), (EventKind::VideoLoss, 0));
        let hb = decode("<EventNotificationAlert><eventType>videoloss</eventType><eventState>inactive</eventState><activePostCount>3</activePostCount></EventNotificationAlert>")
            .expect("decodes");
        assert_eq!((hb.events.len(), hb.heartbeats), (0, 1));
    }

    #[test]
    fn acs_event_as_xml() {
        let p = decode(
            "<EventNotificationAlert version=\"2.0\" xmlns=\"http://www.isapi.org/ver20/XMLSchema\">\
             <dateTime>2024-05-14T13:43:48+08:00</dateTime><eventType>AccessControllerEvent</eventType>\
             <AccessControllerEvent><majorEventType>5</majorEventType><subEventType>76</subEventType>\
             <doorNo>2</doorNo><employeeNoString>7</employeeNoString></AccessControllerEvent></EventNotificationAlert>",
        )
        .expect("decodes");
        let ev = &p.events[0];
        assert_eq!(ev.kind, EventKind::AccessDenied);
        assert_eq!(ev.vendor_type, "AccessControllerEvent/5/76");
        assert_eq!(ev.region.as_deref(), Some("door:2"));
        assert_eq!(ev.person.employee_no.as_deref(), Some("7"));
        assert!(ev.device_time.is_some());
    }

    #[test]
    fn not_an_alert() {
        assert_eq!(
            decode("<ResponseStatus><statusCode>1</statusCode></ResponseStatus>")
                .unwrap_err()
                .code(),
            "unknown_shape"
        );
        assert_eq!(
            decode("<EventNotificationAlert><eventType/></EventNotificationAlert>")
                .unwrap_err()
                .code(),
            "missing_field"
        );
        assert_eq!(decode("{}").unwrap_err().code(), "not_xml");
    }
}
