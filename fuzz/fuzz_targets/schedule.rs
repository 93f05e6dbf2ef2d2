//! The armed-schedule text parser (`neibao_domain::warning::schedule::parse_text`), the only rule
//! expression parser today. Property: `parse_text(to_text(x)) == x` for every accepted `x`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use neibao_domain::warning::schedule::{is_armed, parse_text, to_text};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(schedule) = parse_text(s) else {
        return;
    };
    let text = to_text(&schedule);
    assert_eq!(
        parse_text(&text).as_ref(),
        Ok(&schedule),
        "{s:?} -> {text:?} does not round-trip"
    );
    let _ = is_armed(&schedule, chrono::DateTime::UNIX_EPOCH);
});
