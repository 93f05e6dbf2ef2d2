//! Integration tests of `neibao-ingest` against the device fixtures in
//! `tests/fixtures/devices/` (one test binary, STYLE.md habit 8).

mod docs;
mod fixtures;
mod misreads;
mod no_panic;
mod variants;

use neibao_domain::events::{DecodedEvent, DecodedPayload};

/// Fixture bytes, by file name, relative to this file.
macro_rules! fixture {
    ($dir:literal, $file:literal) => {
        include_bytes!(concat!("../../../../tests/fixtures/devices/", $dir, "/", $file)).as_slice()
    };
}
pub(crate) use fixture;

/// `device_time` as RFC 3339 text, for short assertions.
pub fn time_of(ev: &DecodedEvent) -> Option<String> {
    ev.device_time.map(|t| t.to_rfc3339())
}

/// Kind codes of the events, in order.
pub fn kinds(p: &DecodedPayload) -> Vec<&'static str> {
    p.events.iter().map(|e| e.kind.code()).collect()
}
