//! The rules an uploaded evidence file goes through: its size, a safe name, and the content
//! types kept as sent (images and PDF, shown inline); anything else is stored as
//! `application/octet-stream` and offered for download only.

use crate::error::{DomainError, ErrorCode};

/// A file as received: its name and content type as the client sent them (made safe by
/// [`clean_file_name`] and [`stored_content_type`] before it is stored).
#[derive(Debug, Clone)]
pub struct Upload {
    pub name: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

/// Largest evidence file (bytes).
pub const MAX_EVIDENCE_BYTES: usize = 10 * 1024 * 1024;

/// Content types kept as sent and shown inline.
pub const INLINE_TYPES: &[&str] = &["image/jpeg", "image/png", "image/webp", "image/gif", "application/pdf"];

/// Whether a stored content type is shown inline (images and PDF).
pub fn is_inline(content_type: &str) -> bool {
    INLINE_TYPES.contains(&content_type)
}

/// The content type to store for what the client sent: one of [`INLINE_TYPES`], else
/// `application/octet-stream`.
pub fn stored_content_type(sent: &str) -> String {
    let ct = sent.trim().to_ascii_lowercase();
    if is_inline(&ct) {
        ct
    } else {
        "application/octet-stream".into()
    }
}

/// A file name safe to store and to send back: the last path segment, without control,
/// invisible or reserved characters, at most 100 characters; `证据文件` when nothing is left.
pub fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| {
            crate::text::text_is_clean(c.encode_utf8(&mut [0; 4]))
                && !c.is_control()
                && !matches!(c, '"' | '<' | '>' | '|' | '*' | '?' | ':')
        })
        .take(100)
        .collect();
    let cleaned = cleaned.trim().to_string();
    if cleaned.is_empty() {
        "证据文件".into()
    } else {
        cleaned
    }
}

/// Refuses an empty file (400) or one over [`MAX_EVIDENCE_BYTES`] (413).
pub fn check_size(len: usize) -> Result<(), DomainError> {
    if len == 0 {
        return Err(DomainError::with_message(ErrorCode::ValidationFailed, "文件为空"));
    }
    if len > MAX_EVIDENCE_BYTES {
        return Err(too_large());
    }
    Ok(())
}

/// The refusal of a file over [`MAX_EVIDENCE_BYTES`] (413).
pub fn too_large() -> DomainError {
    DomainError::with_message(ErrorCode::PayloadTooLarge, "文件不超过10MB")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_types_are_made_safe() {
        assert_eq!(clean_file_name("C:\\photos\\整改<后>.png"), "整改后.png");
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("\u{202e}"), "证据文件");
        assert_eq!(stored_content_type("IMAGE/PNG"), "image/png");
        assert_eq!(stored_content_type("text/html"), "application/octet-stream");
        assert!(check_size(0).is_err());
        assert_eq!(
            check_size(MAX_EVIDENCE_BYTES + 1).unwrap_err().code,
            ErrorCode::PayloadTooLarge
        );
        assert!(check_size(1).is_ok());
    }
}

/// The image type of `data` by its signature, whatever the client declared: PNG
/// (`89 50 4E 47 0D 0A 1A 0A`), JPEG (`FF D8 FF`), GIF (`GIF87a`/`GIF89a`), WebP (`RIFF….WEBP`);
/// `None` for anything else. Phones and upload tools often send photos as
/// `application/octet-stream`; the bytes say what they are.
pub fn sniff_image(data: &[u8]) -> Option<&'static str> {
    if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if data.starts_with(b"\xff\xd8\xff") {
        Some("image/jpeg")
    } else if data.starts_with(b"GIF87a") || data.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if data.len() >= 12 && &data[..4] == b"RIFF" && &data[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

#[cfg(test)]
mod sniff_tests {
    #[test]
    fn images_are_known_by_their_signature() {
        assert_eq!(super::sniff_image(b"\x89PNG\r\n\x1a\nrest"), Some("image/png"));
        assert_eq!(super::sniff_image(b"\xff\xd8\xff\xe0"), Some("image/jpeg"));
        assert_eq!(super::sniff_image(b"GIF89a.."), Some("image/gif"));
        assert_eq!(super::sniff_image(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(super::sniff_image(b"%PDF-1.7"), None);
        assert_eq!(super::sniff_image(b""), None);
    }
}
