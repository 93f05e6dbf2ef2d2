//! The lenient device time parser (`neibao_ingest::time::parse_device_time`) on any UTF-8 string.
//! Properties: whatever it accepts, formatted back as RFC 3339, parses to the same value with
//! `had_offset = true`; an accepted time read as wall-clock time in a zone
//! (`neibao_ingest::time::local_in_zone`, chrono-tz, zones with and without daylight saving,
//! including a half-hour one) keeps its wall clock, gaps and repeated hours included.
#![no_main]

use libfuzzer_sys::fuzz_target;
use neibao_ingest::time::{local_in_zone, parse_device_time, parse_time_zone};

const ZONES: &[&str] = &["Asia/Shanghai", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe"];

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
        for name in ZONES {
            let zone = parse_time_zone(name).expect("known zone");
            if let Some(local) = local_in_zone(zone, t.naive_utc()) {
                assert_eq!(local.naive_local(), t.naive_utc(), "{s:?} in {name}: wall clock changed");
            }
        }
    }
});
