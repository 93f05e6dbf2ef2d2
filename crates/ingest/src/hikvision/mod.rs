//! Hikvision ISAPI decoders: camera/NVR `EventNotificationAlert` (docs/DEVICE-FORMATS.md §1) and
//! access-controller events (§2), in every transport body they arrive in: bare XML, bare JSON,
//! `multipart/form-data` pushes with pictures, and captured `multipart/mixed` alert streams.
//!
//! Entry point: [`decode_hikvision`]. Security-sensitive only in that it parses untrusted device
//! bytes: it never panics, caps its work, and never copies payload bytes into errors.

mod acs_codes;
mod acs_event;
mod acs_json;
mod alert_json;
mod alert_xml;
mod common;
mod event_types;
mod parts;

use neibao_domain::events::DecodedPayload;

use crate::sniff::{self, Format};
use crate::DecodeError;

pub use acs_codes::kind_for_codes;
pub use event_types::kind_for_event_type;

/// Decodes one Hikvision request or stream body.
///
/// Dispatch is on the media type of `content_type` (case-insensitive, parameters ignored):
/// `application/xml`/`text/xml` → alert XML; `application/json` → JSON shapes; `multipart/*` →
/// parts. A body whose first significant byte contradicts the declared type (`{` under an XML
/// type, `--` under JSON …) is decoded as what it is; a missing or unknown type is sniffed
/// (`<` XML, `{`/`[` JSON, `--` multipart, or a delimiter line after junk).
///
/// Multipart: XML and JSON parts are decoded (by part type, or by sniffing untyped parts); image
/// and other binary parts become [`neibao_domain::events::Attachment`]s of the events decoded from
/// the nearest event part before them (or after them, if they come first), never parsed as text.
/// Undecodable parts are skipped; if no part yields an event or a heartbeat the result is
/// [`DecodeError::NoEventPart`].
pub fn decode_hikvision(content_type: Option<&str>, body: &[u8]) -> Result<DecodedPayload, DecodeError> {
    if sniff::trim_start(body).is_empty() {
        return Err(DecodeError::EmptyBody);
    }
    let declared = content_type.map(sniff::media_type).and_then(|m| sniff::declared(&m));
    let sniffed = sniff::sniff(body);
    let format = match (declared, sniffed) {
        (Some(Format::Multipart), _) => Format::Multipart,
        (_, Some(s)) => s,
        (Some(d), None) => d,
        (None, None) => Format::Multipart,
    };
    let mut out = DecodedPayload::default();
    match format {
        Format::Xml => alert_xml::decode_alert_xml(body, &mut out)?,
        Format::Json => acs_json::decode_json(body, &mut out)?,
        Format::Multipart => {
            let boundary = content_type.and_then(crate::multipart::boundary_param);
            match parts::decode_parts(boundary.as_deref(), body) {
                Ok(p) => out = p,
                // Declared multipart but the body is bare XML/JSON: decode what it is.
                Err(DecodeError::NoEventPart { .. }) if matches!(sniffed, Some(Format::Xml | Format::Json)) => {
                    return decode_hikvision(None, body);
                }
                Err(DecodeError::NoEventPart { parts: 0 }) if declared.is_none() => {
                    return Err(DecodeError::UnknownFormat);
                }
                Err(e) => return Err(e),
            }
        }
    }
    Ok(out)
}
