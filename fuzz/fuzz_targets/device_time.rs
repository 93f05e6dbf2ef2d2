//! The lenient device time parser (`neibao_ingest::time::parse_device_time`) on any UTF-8 string.
//! Property: whatever it accepts, formatted back as RFC 3339, parses to the same value with
//! `had_offset = true`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use neibao_ingest::time::parse_device_time;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Some((t, _had_offset)) = parse_device_time(s) {
        let text = t.to_rfc3339();
        assert_eq!(
            parse_device_time(&text),
            Some((t, true)),
            "{s:?} -> {text:?} does not re-parse"
        );
    }
});
