//! One Hikvision access-controller event → [`DecodedEvent`], whatever shape carried it
//! (docs/DEVICE-FORMATS.md §2): the push envelope with a nested `AccessControllerEvent`, the same
//! fields flattened to the top level, `AcsEvent.InfoList[]` pull entries (`major`/`minor`/`time`),
//! or the older XML firmware. The shape-specific code hands this module a [`FieldSource`] that
//! looks keys up in the right places, in order.
//!
//! Door and system events carry no person fields; none are required.

use neibao_domain::events::{DecodedEvent, PersonFields};
use serde_json::{Map, Value};

use super::acs_codes::kind_for_codes;
use crate::json_util;
use crate::time::parse_device_time;
use crate::xml_tree::Element;

/// Prefix of the vendor type of every access-controller event.
pub const ACS_VENDOR_TYPE: &str = "AccessControllerEvent";

/// Where the fields of one access event are looked up.
pub(crate) trait FieldSource {
    /// Trimmed, non-empty text of the first place that has `key`.
    fn text(&self, key: &str) -> Option<String>;
    /// Integer (number or numeric string) of the first place that has `key`.
    fn int(&self, key: &str) -> Option<i64>;
}

/// JSON objects searched in order (e.g. the nested event, then the envelope).
pub(crate) struct JsonFields<'a, 'b>(pub &'b [&'a Map<String, Value>]);

impl FieldSource for JsonFields<'_, '_> {
    fn text(&self, key: &str) -> Option<String> {
        self.0
            .iter()
            .find_map(|m| json_util::get(m, key).and_then(json_util::text))
    }
    fn int(&self, key: &str) -> Option<i64> {
        self.0
            .iter()
            .find_map(|m| json_util::get(m, key).and_then(json_util::int))
    }
}

/// XML elements searched in order (e.g. `AccessControllerEvent`, then `EventNotificationAlert`).
pub(crate) struct XmlFields<'a, 'b>(pub &'b [&'a Element]);

impl FieldSource for XmlFields<'_, '_> {
    fn text(&self, key: &str) -> Option<String> {
        self.0.iter().find_map(|e| e.child_text(key)).map(str::to_string)
    }
    fn int(&self, key: &str) -> Option<i64> {
        self.0
            .iter()
            .find_map(|e| e.child_text(key).and_then(json_util::parse_int))
    }
}

/// Builds the event. Vendor type is `AccessControllerEvent/{major}/{minor}` (or shorter when the
/// device sent no codes); the door number goes to `region` as `door:N`.
pub(crate) fn acs_event(f: &dyn FieldSource) -> DecodedEvent {
    let major = f.int("majorEventType").or_else(|| f.int("major"));
    let minor = f.int("subEventType").or_else(|| f.int("minor"));
    let vendor_type = match (major, minor) {
        (Some(a), Some(b)) => format!("{ACS_VENDOR_TYPE}/{a}/{b}"),
        (Some(a), None) => format!("{ACS_VENDOR_TYPE}/{a}"),
        _ => ACS_VENDOR_TYPE.to_string(),
    };
    let state = super::common::state_from(f.text("eventState").as_deref());
    let mut ev = DecodedEvent::new(kind_for_codes(major, minor), vendor_type, state);
    if let Some((t, had_offset)) = f
        .text("dateTime")
        .or_else(|| f.text("time"))
        .and_then(|s| parse_device_time(&s))
    {
        ev.device_time = Some(t);
        ev.device_time_has_offset = had_offset;
    }
    ev.channel = f.int("channelID").and_then(|c| u32::try_from(c).ok());
    ev.region = f.int("doorNo").map(|d| format!("door:{d}"));
    ev.person = PersonFields {
        name: f.text("name"),
        employee_no: f.text("employeeNoString").or_else(|| f.text("employeeNo")),
        card_no: f.text("cardNo"),
        user_type: f.text("userType"),
        verify_mode: f.text("currentVerifyMode"),
    };
    ev.serial_no = f.int("serialNo");
    ev.description = f.text("eventDescription").or_else(|| f.text("label"));
    ev.mac_address = f.text("macAddress");
    ev
}
