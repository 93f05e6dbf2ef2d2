//! Content-type parsing and body sniffing shared by the decoders (docs/DEVICE-FORMATS.md §0.1:
//! choose by Content-Type, but devices mislabel bodies, so look at the first byte too).

/// What a body or part looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Xml,
    Json,
    Multipart,
}

/// The media type of a `Content-Type` value: lowercased, parameters dropped.
pub(crate) fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// The format a media type declares, if it declares one this crate decodes.
pub(crate) fn declared(media: &str) -> Option<Format> {
    if media.starts_with("multipart/") {
        Some(Format::Multipart)
    } else if is_xml(media) {
        Some(Format::Xml)
    } else if is_json(media) {
        Some(Format::Json)
    } else {
        None
    }
}

pub(crate) fn is_xml(media: &str) -> bool {
    matches!(media, "application/xml" | "text/xml") || media.ends_with("+xml")
}

pub(crate) fn is_json(media: &str) -> bool {
    matches!(media, "application/json" | "text/json") || media.ends_with("+json")
}

/// The body without a UTF-8 byte-order mark and leading whitespace.
pub(crate) fn trim_start(body: &[u8]) -> &[u8] {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let n = body.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(body.len());
    body.get(n..).unwrap_or_default()
}

/// Format by first significant byte: `<` XML, `{`/`[` JSON, `--` multipart.
pub(crate) fn sniff(body: &[u8]) -> Option<Format> {
    let t = trim_start(body);
    match t.first()? {
        b'<' => Some(Format::Xml),
        b'{' | b'[' => Some(Format::Json),
        b'-' if t.starts_with(b"--") => Some(Format::Multipart),
        _ => None,
    }
}

/// A content type for an untyped binary part: JPEG and PNG by magic number, else octet-stream.
pub(crate) fn guess_binary_type(body: &[u8]) -> &'static str {
    if body.starts_with(b"\xFF\xD8\xFF") {
        "image/jpeg"
    } else if body.starts_with(b"\x89PNG") {
        "image/png"
    } else {
        "application/octet-stream"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types() {
        assert_eq!(media_type("Application/XML; charset=\"UTF-8\""), "application/xml");
        assert_eq!(declared("text/xml"), Some(Format::Xml));
        assert_eq!(declared("application/json"), Some(Format::Json));
        assert_eq!(declared("multipart/x-mixed-replace"), Some(Format::Multipart));
        assert_eq!(declared("image/jpeg"), None);
    }

    #[test]
    fn sniffing() {
        assert_eq!(sniff(b"\xEF\xBB\xBF\r\n <?xml"), Some(Format::Xml));
        assert_eq!(sniff(b"\t{"), Some(Format::Json));
        assert_eq!(sniff(b"--boundary"), Some(Format::Multipart));
        assert_eq!(sniff(b"-1"), None);
        assert_eq!(sniff(b""), None);
    }
}
