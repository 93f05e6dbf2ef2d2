//! `decode_hikvision` on any body under each content type a device may send, then `sanitize` on
//! every decoded event. First input byte selects the content type (see `CONTENT_TYPES`), the rest
//! is the body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use neibao_domain::events::MAX_DEVICE_TEXT;

/// Index = first input byte modulo the length. `scripts/fuzz.sh` seeds with these indexes.
const CONTENT_TYPES: [Option<&str>; 6] = [
    Some("application/xml"),
    Some("application/json"),
    Some("multipart/form-data; boundary=boundary"),
    Some("multipart/mixed; boundary=boundary"),
    Some("text/plain"),
    None,
];

fn bounded(s: &str) {
    assert!(
        s.chars().count() <= MAX_DEVICE_TEXT,
        "sanitized text longer than the cap"
    );
    assert!(
        !s.chars().any(char::is_control),
        "control character left after sanitize"
    );
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let content_type = CONTENT_TYPES[selector as usize % CONTENT_TYPES.len()];
    let Ok(payload) = neibao_ingest::decode_hikvision(content_type, body) else {
        return;
    };
    for mut event in payload.events {
        event.sanitize();
        bounded(&event.vendor_type);
        for f in [&event.region, &event.target, &event.description, &event.mac_address]
            .into_iter()
            .flatten()
        {
            bounded(f);
        }
        for img in &event.images {
            bounded(&img.content_type);
            if let Some(name) = &img.name {
                bounded(name);
            }
        }
    }
});
