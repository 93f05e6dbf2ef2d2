//! Free text fit for records and official documents.

/// Whether text is fit for a record or an official document: no control characters (line breaks
/// and tabs allowed), no bidirectional overrides or isolates (U+202A–U+202E, U+2066–U+2069) and
/// no zero-width or other invisible format characters (U+200B–U+200F, U+2060–U+2064, U+FEFF),
/// which would make printed text read differently from what was stored.
pub fn text_is_clean(s: &str) -> bool {
    !s.chars().any(|c| {
        (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
            || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{061C}')
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn invisible_and_bidi_characters_are_not_clean() {
        assert!(super::text_is_clean("张三\n第二行\t"));
        for bad in ["\u{202E}", "a\u{200B}b", "\u{2067}x", "\u{FEFF}", "\0", "\u{7}"] {
            assert!(!super::text_is_clean(bad), "{bad:?}");
        }
    }
}
