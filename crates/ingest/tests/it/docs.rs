//! `docs/EVENTS.md` documents every event kind (code and zh label) and every decode error code.

use neibao_domain::events::EventKind;
use neibao_ingest::DecodeError;

const EVENTS_MD: &str = include_str!("../../../../docs/EVENTS.md");

#[test]
fn every_kind_is_documented_with_its_label() {
    for kind in EventKind::ALL {
        let row = format!("| `{}` | {} |", kind.code(), kind.label_zh());
        assert!(EVENTS_MD.contains(&row), "docs/EVENTS.md lacks the row start {row}");
    }
}

#[test]
fn every_decode_error_code_is_documented() {
    for code in DecodeError::ALL_CODES {
        assert!(
            EVENTS_MD.contains(&format!("| `{code}` |")),
            "docs/EVENTS.md lacks {code}"
        );
    }
}
