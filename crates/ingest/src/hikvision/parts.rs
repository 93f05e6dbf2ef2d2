//! Multipart Hikvision bodies (docs/DEVICE-FORMATS.md §1 "Transports", §2 "Quirks"): alarm-server
//! pushes (`multipart/form-data`, an XML part named after the event type plus JPEG parts),
//! access-terminal pushes (a JSON part named `AccessControllerEvent` or `event_log`, plus
//! `Picture`), and captured `alertStream` bodies (`multipart/mixed`, many XML/JSON/JPEG parts).

use neibao_domain::events::{Attachment, DecodedPayload};

use super::{acs_json, alert_xml};
use crate::multipart::{self, Part};
use crate::sniff::{self, Format};
use crate::DecodeError;

/// An image is attached to at most this many events of one part (bounds copies of its bytes).
const MAX_ATTACH_FANOUT: usize = 16;

enum PartKind {
    Text(Format),
    Binary(Attachment),
    Ignore,
}

/// Splits and decodes every part. Errors only when no part yields an event or heartbeat.
pub(crate) fn decode_parts(boundary: Option<&str>, body: &[u8]) -> Result<DecodedPayload, DecodeError> {
    let parts = multipart::split(body, boundary);
    let mut out = DecodedPayload::default();
    let mut pending: Vec<Attachment> = Vec::new();
    let mut last_events: Option<(usize, usize)> = None;
    for part in &parts {
        match classify(part) {
            PartKind::Text(format) => {
                let before = out.events.len();
                // A bad part is skipped; the other parts still count.
                let _ = match format {
                    Format::Xml => alert_xml::decode_alert_xml(part.body, &mut out),
                    Format::Json => acs_json::decode_json(part.body, &mut out),
                    Format::Multipart => Ok(()),
                };
                let after = out.events.len();
                if after > before {
                    for att in pending.drain(..) {
                        attach(&mut out, (before, after), &att);
                    }
                    last_events = Some((before, after));
                }
            }
            PartKind::Binary(att) => match last_events {
                Some(range) => attach(&mut out, range, &att),
                None => pending.push(att),
            },
            PartKind::Ignore => {}
        }
    }
    if out.events.is_empty() && out.heartbeats == 0 {
        return Err(DecodeError::NoEventPart { parts: parts.len() });
    }
    Ok(out)
}

fn attach(out: &mut DecodedPayload, (from, to): (usize, usize), att: &Attachment) {
    let n = (to - from).min(MAX_ATTACH_FANOUT);
    for ev in out.events.iter_mut().skip(from).take(n) {
        ev.images.push(att.clone());
    }
}

/// Text parts are decoded by what they look like; image and other binary types are attachments
/// whatever their bytes; untyped parts are sniffed (XML/JSON text, else binary if not UTF-8 text).
fn classify(part: &Part<'_>) -> PartKind {
    let media = part.content_type.as_deref().map(sniff::media_type);
    let texty = match media.as_deref() {
        None => true,
        Some(m) => m.starts_with("text/") || sniff::is_xml(m) || sniff::is_json(m),
    };
    if texty {
        match sniff::sniff(part.body) {
            Some(f @ (Format::Xml | Format::Json)) => return PartKind::Text(f),
            _ if media.is_some() => return PartKind::Ignore,
            _ => {}
        }
        if std::str::from_utf8(part.body).is_ok() && !part.body.starts_with(b"\xFF\xD8") {
            return PartKind::Ignore;
        }
    } else if media.as_deref().is_some_and(|m| m.starts_with("multipart/")) {
        return PartKind::Ignore;
    }
    let content_type = part
        .content_type
        .clone()
        .unwrap_or_else(|| sniff::guess_binary_type(part.body).to_string());
    PartKind::Binary(Attachment {
        content_type,
        name: part.filename.clone().or_else(|| part.name.clone()),
        bytes: part.body.to_vec(),
    })
}
