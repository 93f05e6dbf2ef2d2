//! The forgiving multipart splitter (`neibao_ingest::multipart`). Input layout: first byte `n`;
//! `n == 0` means no declared boundary, otherwise the next `n % 128` bytes (lossily decoded) are
//! the declared boundary; the rest is the body. Also runs `boundary_param` on a content type made
//! from that boundary and `sniff_boundary` on the body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use neibao_ingest::multipart::{boundary_param, sniff_boundary, split, MAX_PARTS};

fuzz_target!(|data: &[u8]| {
    let Some((&n, rest)) = data.split_first() else {
        return;
    };
    let len = (n as usize % 128).min(rest.len());
    let (boundary, body) = if n == 0 {
        (None, rest)
    } else {
        (Some(String::from_utf8_lossy(&rest[..len]).into_owned()), &rest[len..])
    };

    if let Some(b) = &boundary {
        let _ = boundary_param(&format!("multipart/form-data; boundary={b}"));
        let _ = boundary_param(&format!("multipart/mixed; boundary=\"{b}\""));
    }
    if let Some(sniffed) = sniff_boundary(body) {
        assert!(in_bounds(body, sniffed), "sniffed boundary not inside the body");
    }

    let parts = split(body, boundary.as_deref());
    assert!(parts.len() <= MAX_PARTS, "more parts than MAX_PARTS");
    for part in &parts {
        assert!(!part.body.is_empty(), "empty part returned");
        assert!(in_bounds(body, part.body), "part body not inside the input");
    }
});

/// `inner` is a sub-slice of `outer`.
fn in_bounds(outer: &[u8], inner: &[u8]) -> bool {
    let o = outer.as_ptr_range();
    let i = inner.as_ptr_range();
    o.start <= i.start && i.end <= o.end
}
