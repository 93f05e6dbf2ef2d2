//! The one type that carries sensitive personal information (citizen identity numbers, phone
//! numbers) in memory. Security-sensitive.
//!
//! `Sensitive` has no `Display`; its `Debug` and `Serialize` print the masked form only, so no
//! log line, error body or API response can contain the plaintext by accident. The plaintext is
//! reachable only through [`Sensitive::expose`], which the store calls to encrypt and which is
//! easy to grep for in review.

use serde::{Serialize, Serializer};

/// What kind of personal datum a [`Sensitive`] holds; decides how it is masked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SensitiveKind {
    /// Citizen identity number (GB 11643): shows the first 6 and last 4 characters.
    CitizenId,
    /// Phone number: shows the first 3 and last 4 digits.
    Phone,
}

/// Sensitive personal information. Masked in `Debug` and `Serialize`.
#[derive(Clone, PartialEq, Eq)]
pub struct Sensitive {
    kind: SensitiveKind,
    value: String,
}

impl Sensitive {
    /// Wraps an already validated value.
    pub fn new(kind: SensitiveKind, value: impl Into<String>) -> Self {
        Sensitive {
            kind,
            value: value.into(),
        }
    }

    pub fn kind(&self) -> SensitiveKind {
        self.kind
    }

    /// The plaintext. Call sites: encryption in the store, and purpose-logged reads only.
    pub fn expose(&self) -> &str {
        &self.value
    }

    /// Masked form: `330106********1234` for an ID number, `138****5678` for a phone.
    pub fn masked(&self) -> String {
        let (head, tail) = match self.kind {
            SensitiveKind::CitizenId => (6, 4),
            SensitiveKind::Phone => (3, 4),
        };
        mask(&self.value, head, tail)
    }
}

/// Keeps `head` leading and `tail` trailing characters and replaces the rest with `*`. Short
/// values are masked entirely.
pub fn mask(value: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= head + tail {
        return "*".repeat(chars.len().max(1));
    }
    let mut out = String::with_capacity(chars.len());
    out.extend(&chars[..head]);
    out.extend(std::iter::repeat_n('*', chars.len() - head - tail));
    out.extend(&chars[chars.len() - tail..]);
    out
}

/// Masks every run of 11 or more digits (an `X`/`x` may end it) in free text, so an ID or phone
/// number typed into a comment or purpose is not kept in plaintext: `联系13812345678` →
/// `联系138****5678`.
pub fn redact_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let mut j = i;
            while j < chars.len() && chars[j].is_ascii_digit() {
                j += 1;
            }
            if j < chars.len() && matches!(chars[j], 'X' | 'x') {
                j += 1;
            }
            let run: String = chars[i..j].iter().collect();
            if run.len() >= 11 {
                out.push_str(&mask(&run, 3, 4));
            } else {
                out.push_str(&run);
            }
            i = j;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

impl std::fmt::Debug for Sensitive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Sensitive({})", self.masked())
    }
}

impl Serialize for Sensitive {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_plaintext() {
        let id = Sensitive::new(SensitiveKind::CitizenId, "11010519491231002X");
        assert_eq!(id.masked(), "110105********002X");
        assert!(!format!("{id:?}").contains("19491231"));
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"110105********002X\"");
        let p = Sensitive::new(SensitiveKind::Phone, "13812345678");
        assert_eq!(p.masked(), "138****5678");
    }

    #[test]
    fn numbers_in_free_text_are_masked() {
        assert_eq!(redact_numbers("联系13812345678核查"), "联系138****5678核查");
        assert_eq!(redact_numbers("身份证11010519491231002x"), "身份证110***********002x");
        assert_eq!(redact_numbers("案号2026-123 第5次"), "案号2026-123 第5次");
    }
}
