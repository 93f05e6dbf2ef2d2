//! Free text fit for records and official documents, and the one check of text a person types
//! (names, addresses, descriptions, comments) that every capability uses: [`checked_text`].

use crate::error::{DomainError, ErrorCode};

/// Whether `c` is a bidirectional control (embeddings and overrides U+202A–U+202E, isolates
/// U+2066–U+2069, the marks U+200E/U+200F and U+061C) or an invisible format character
/// (U+200B–U+200D, U+2060–U+2064, U+FEFF): characters that make text display in another order
/// or with hidden parts (the "Trojan Source" trick, CVE-2021-42574), so that what a person reads
/// is not what was stored.
pub fn is_bidi_or_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{061C}')
}

/// Whether text is fit for a record or an official document: no control characters (line breaks
/// and tabs allowed), no bidirectional controls and no invisible format characters
/// ([`is_bidi_or_invisible`]), which would make printed text read differently from what was
/// stored.
pub fn text_is_clean(s: &str) -> bool {
    !s.chars()
        .any(|c| (c.is_control() && !matches!(c, '\n' | '\r' | '\t')) || is_bidi_or_invisible(c))
}

/// Checks text a person typed into one field and returns it trimmed.
///
/// `label` names the field in the zh-CN message (`单位名称`); `max` is in characters; `multiline`
/// allows line breaks and tabs (a description, a comment), else the text must be one line (a
/// name, an address).
///
/// Errors (`validation_failed`, 400, the message names the field): empty when `required`; longer
/// than `max`; a control character; a bidirectional control or invisible format character
/// (U+202A–U+202E, U+2066–U+2069, U+200B–U+200F, U+061C, U+2060–U+2064, U+FEFF).
pub fn checked_text(
    value: &str,
    label: &str,
    max: usize,
    required: bool,
    multiline: bool,
) -> Result<String, DomainError> {
    let invalid = |m: String| DomainError::with_message(ErrorCode::ValidationFailed, m);
    let v = value.trim();
    if required && v.is_empty() {
        return Err(invalid(format!("{label}不能为空")));
    }
    if v.chars().count() > max {
        return Err(invalid(format!("{label}不超过{max}字")));
    }
    if v.chars().any(is_bidi_or_invisible) {
        return Err(invalid(format!(
            "{label}含有双向控制字符或不可见字符（如 U+202E），这类字符会让显示的文字与保存的不一致，请删除后重新输入"
        )));
    }
    let allowed = |c: char| multiline && matches!(c, '\n' | '\r' | '\t');
    if v.chars().any(|c| c.is_control() && !allowed(c)) {
        return Err(invalid(if multiline {
            format!("{label}含有控制字符")
        } else {
            format!("{label}应为一行文字，不能含有换行或控制字符")
        }));
    }
    Ok(v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_and_bidi_characters_are_not_clean() {
        assert!(text_is_clean("张三\n第二行\t"));
        for bad in [
            "\u{202E}",
            "a\u{200B}b",
            "\u{2067}x",
            "\u{FEFF}",
            "\0",
            "\u{7}",
            "\u{200E}",
            "\u{061C}",
        ] {
            assert!(!text_is_clean(bad), "{bad:?}");
        }
    }

    #[test]
    fn typed_text_is_checked_in_one_place() {
        assert_eq!(
            checked_text("  某某公司 ", "单位名称", 10, true, false).unwrap(),
            "某某公司"
        );
        assert!(checked_text(" ", "单位名称", 10, true, false).is_err());
        assert_eq!(checked_text("", "地址", 10, false, false).unwrap(), "");
        assert!(checked_text("一二三", "地址", 2, false, false).is_err());
        assert!(checked_text("第一行\n第二行", "地址", 20, false, false).is_err());
        assert!(checked_text("第一行\n第二行", "说明", 20, false, true).is_ok());
        for c in [
            '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
            '\u{200E}', '\u{200F}', '\u{061C}',
        ] {
            let e = checked_text(&format!("某某{c}公司"), "单位名称", 50, true, true).unwrap_err();
            assert_eq!(e.code, ErrorCode::ValidationFailed);
            assert!(e.message.starts_with("单位名称含有双向控制字符"), "{}", e.message);
        }
    }
}
