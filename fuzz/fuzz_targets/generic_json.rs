//! `decode_generic_json` on any body (`POST /ingest/json/{token}`), then `sanitize` on every event.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(payload) = neibao_ingest::decode_generic_json(data) {
        assert!(payload.events.len() <= neibao_ingest::generic::MAX_EVENTS);
        for mut event in payload.events {
            event.sanitize();
        }
    }
});
