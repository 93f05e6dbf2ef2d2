//! Forgiving splitter for complete multipart bodies (docs/DEVICE-FORMATS.md §0.2, §1 "Transports" and
//! "Quirks", §2 "Quirks").
//!
//! Device firmware gets MIME framing wrong in every way the standard allows and some it does not.
//! This splitter works on bytes (never assumes UTF-8: parts may be JPEG) and tolerates:
//! - CRLF or LF-only line ends;
//! - a part `Content-Length` that is absent, wrong, or absurd (used only when the bytes after it are
//!   a delimiter line or the end of the body; otherwise the splitter scans to the next delimiter);
//! - duplicated delimiter lines, a missing closing `--boundary--`, junk before the first delimiter;
//! - header names in any case, a part with no blank line after its headers;
//! - a boundary that is absent from, or wrong in, the `Content-Type` (sniffed from the first `--…`
//!   line of the body instead).
//!
//! Work is linear in the body size and capped at [`MAX_PARTS`] parts. It is not an incremental
//! stream parser: the transport hands it a complete body (or a captured chunk of a stream).

/// Parts beyond this count are ignored.
pub const MAX_PARTS: usize = 1000;

/// Longest boundary accepted (RFC 2046 allows 70 characters).
const MAX_BOUNDARY: usize = 200;

/// Header lines read per part; further lines are treated as the start of the body.
const MAX_HEADERS: usize = 64;

/// One part of a multipart body. Header values are as sent (lossily decoded, trimmed); the body is
/// the raw bytes, without the line break that precedes the next delimiter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part<'a> {
    /// `Content-Type` header value, if the part has one.
    pub content_type: Option<String>,
    /// `name` parameter of `Content-Disposition` (the form field name).
    pub name: Option<String>,
    /// `filename` parameter of `Content-Disposition`.
    pub filename: Option<String>,
    /// Raw part body.
    pub body: &'a [u8],
}

/// The `boundary` parameter of a `multipart/*` content type, quoted or not; `None` when absent
/// or empty.
pub fn boundary_param(content_type: &str) -> Option<String> {
    param(content_type, "boundary").filter(|b| !b.is_empty() && b.len() <= MAX_BOUNDARY)
}

/// The boundary used by the first delimiter-looking line (`--xyz`) of the body, skipping any junk
/// lines before it.
pub fn sniff_boundary(body: &[u8]) -> Option<&[u8]> {
    line_starts(body, 0).find_map(|start| {
        let line = trim_end(line_at(body, start).0);
        let token = line.strip_prefix(b"--")?;
        let ok = !token.is_empty()
            && token.len() <= MAX_BOUNDARY
            && !token.iter().any(|b| b.is_ascii_whitespace() || b.is_ascii_control());
        ok.then_some(token)
    })
}

/// Splits a multipart body. `boundary` is the content-type parameter if known; when it is absent
/// or never occurs as a delimiter line in the body, the boundary is sniffed from the body.
/// Returns no parts when no delimiter line is found. Empty parts are dropped.
pub fn split<'a>(body: &'a [u8], boundary: Option<&str>) -> Vec<Part<'a>> {
    let declared = boundary
        .filter(|b| !b.is_empty() && b.len() <= MAX_BOUNDARY)
        .map(|b| delimiter(b.as_bytes()));
    let delim = match declared {
        Some(d) if next_delim(body, 0, &d).is_some() => d,
        _ => match sniff_boundary(body) {
            Some(b) => delimiter(b),
            None => return Vec::new(),
        },
    };
    Splitter { body, delim: &delim }.run()
}

fn delimiter(boundary: &[u8]) -> Vec<u8> {
    let mut d = Vec::with_capacity(boundary.len() + 2);
    d.extend_from_slice(b"--");
    d.extend_from_slice(boundary);
    d
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Delim {
    Open,
    Close,
}

struct Splitter<'a, 'd> {
    body: &'a [u8],
    delim: &'d [u8],
}

impl<'a> Splitter<'a, '_> {
    fn run(&self) -> Vec<Part<'a>> {
        let body = self.body;
        let mut parts = Vec::new();
        let Some(mut pos) = next_delim(body, 0, self.delim) else {
            return parts;
        };
        // Every iteration moves `pos` strictly forward, so this terminates; the cap bounds work on
        // bodies made of nothing but delimiter lines.
        let mut iterations = 0;
        while parts.len() < MAX_PARTS && iterations < MAX_PARTS * 4 {
            iterations += 1;
            let Some((kind, after_line)) = delim_at(body, pos, self.delim) else {
                break;
            };
            if kind == Delim::Close {
                // Tolerate a stray close delimiter: continue if another part follows.
                match next_delim(body, after_line, self.delim) {
                    Some(p) => {
                        pos = p;
                        continue;
                    }
                    None => break,
                }
            }
            let headers = match self.headers(after_line) {
                Headers::Restart(p) => {
                    pos = p;
                    continue;
                }
                Headers::Done(h) => h,
            };
            let (end, next) = self.part_end(&headers);
            if let Some(part_body) = body.get(headers.body_start..end) {
                if !part_body.is_empty() {
                    parts.push(Part {
                        content_type: headers.content_type,
                        name: headers.name,
                        filename: headers.filename,
                        body: part_body,
                    });
                }
            }
            match next {
                Some(p) if p > pos => pos = p,
                _ => break,
            }
        }
        parts
    }

    /// Reads the header block that starts at `start`.
    fn headers(&self, start: usize) -> Headers {
        let body = self.body;
        let mut h = PartHeaders {
            body_start: start,
            ..PartHeaders::default()
        };
        let mut cur = start;
        let mut count = 0;
        while cur < body.len() {
            let (raw, next) = line_at(body, cur);
            let line = trim_end(raw);
            if line.is_empty() {
                cur = next;
                break;
            }
            if delim_at(body, cur, self.delim).is_some() {
                // Duplicated delimiter line (or an empty part): start over from here.
                return Headers::Restart(cur);
            }
            if count >= MAX_HEADERS {
                break;
            }
            let Some((name, value)) = header_line(line) else {
                // Not a header: this part has no blank line and its body starts here.
                break;
            };
            h.apply(name, &value);
            count += 1;
            cur = next;
        }
        h.body_start = cur.min(body.len());
        Headers::Done(h)
    }

    /// End of the part body and position of the next delimiter line (`None` at end of body).
    fn part_end(&self, h: &PartHeaders) -> (usize, Option<usize>) {
        let body = self.body;
        let start = h.body_start;
        if let Some(end) = h.content_length.and_then(|n| start.checked_add(n)) {
            if end <= body.len() {
                let after = skip_whitespace(body, end);
                if after >= body.len() {
                    return (end, None);
                }
                if delim_at(body, after, self.delim).is_some() {
                    return (end, Some(after));
                }
            }
        }
        match next_delim(body, start, self.delim) {
            Some(p) => {
                let mut end = p;
                if end > start && body.get(end - 1) == Some(&b'\n') {
                    end -= 1;
                    if end > start && body.get(end - 1) == Some(&b'\r') {
                        end -= 1;
                    }
                }
                (end, Some(p))
            }
            None => (body.len(), None),
        }
    }
}

enum Headers {
    Done(PartHeaders),
    Restart(usize),
}

#[derive(Default)]
struct PartHeaders {
    content_type: Option<String>,
    content_length: Option<usize>,
    name: Option<String>,
    filename: Option<String>,
    body_start: usize,
}

impl PartHeaders {
    fn apply(&mut self, name: &[u8], value: &str) {
        if name.eq_ignore_ascii_case(b"content-type") {
            self.content_type = Some(value.to_string()).filter(|v| !v.is_empty());
        } else if name.eq_ignore_ascii_case(b"content-length") {
            self.content_length = value.parse().ok();
        } else if name.eq_ignore_ascii_case(b"content-disposition") {
            self.name = param(value, "name");
            self.filename = param(value, "filename");
        }
    }
}

/// `Name: value` with a token name; `None` for anything else.
fn header_line(line: &[u8]) -> Option<(&[u8], String)> {
    let colon = line.iter().position(|&b| b == b':')?;
    let name = line.get(..colon)?;
    let is_token = !name.is_empty()
        && name
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if !is_token {
        return None;
    }
    let value = String::from_utf8_lossy(line.get(colon + 1..)?).trim().to_string();
    Some((name, value))
}

/// Parameter `key` of a header value such as `form-data; name="x"; filename=y.jpg`.
fn param(header_value: &str, key: &str) -> Option<String> {
    header_value.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        if !k.trim().eq_ignore_ascii_case(key) {
            return None;
        }
        let v = v.trim();
        let v = match v.strip_prefix('"') {
            Some(rest) => rest.split('"').next().unwrap_or_default(),
            None => v,
        };
        Some(v.to_string())
    })
}

/// If a delimiter line starts at `pos`, its kind and the index just after its line break.
fn delim_at(body: &[u8], pos: usize, delim: &[u8]) -> Option<(Delim, usize)> {
    let rest = body.get(pos..)?;
    let after = rest.strip_prefix(delim)?;
    let (line, next) = line_at(body, pos + delim.len());
    if after.starts_with(b"--") {
        return Some((Delim::Close, next));
    }
    line.iter()
        .all(|b| matches!(b, b' ' | b'\t' | b'\r'))
        .then_some((Delim::Open, next))
}

/// First delimiter line starting at or after `from` (at a line start, or at `from` itself).
fn next_delim(body: &[u8], from: usize, delim: &[u8]) -> Option<usize> {
    line_starts(body, from).find(|&p| delim_at(body, p, delim).is_some())
}

/// Line starts at or after `from`: `from` itself if it is at a line start, then every index after
/// a `\n`. Checking each candidate against a delimiter stops at the first mismatching byte, and a
/// mismatch happens at the latest on the next `\n`, so a full scan is linear.
fn line_starts(body: &[u8], from: usize) -> impl Iterator<Item = usize> + '_ {
    let first = (from < body.len() && (from == 0 || body.get(from - 1) == Some(&b'\n'))).then_some(from);
    let rest = body
        .iter()
        .enumerate()
        .skip(from)
        .filter(|(_, &b)| b == b'\n')
        .map(|(i, _)| i + 1)
        .filter(move |&i| i < body.len() && i != from);
    first.into_iter().chain(rest)
}

/// The line starting at `start` (without its `\n`) and the index after the `\n`.
fn line_at(body: &[u8], start: usize) -> (&[u8], usize) {
    let rest = body.get(start..).unwrap_or_default();
    match rest.iter().position(|&b| b == b'\n') {
        Some(n) => (rest.get(..n).unwrap_or_default(), start + n + 1),
        None => (rest, body.len()),
    }
}

fn trim_end(line: &[u8]) -> &[u8] {
    let n = line.iter().rposition(|b| !b.is_ascii_whitespace()).map_or(0, |i| i + 1);
    line.get(..n).unwrap_or_default()
}

fn skip_whitespace(body: &[u8], from: usize) -> usize {
    let rest = body.get(from..).unwrap_or_default();
    from + rest.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(rest.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bodies(parts: &[Part<'_>]) -> Vec<String> {
        parts
            .iter()
            .map(|p| String::from_utf8_lossy(p.body).into_owned())
            .collect()
    }

    #[test]
    fn boundary_param_quoted_or_not() {
        assert_eq!(
            boundary_param("multipart/form-data; boundary=boundary").as_deref(),
            Some("boundary")
        );
        assert_eq!(
            boundary_param("multipart/form-data; charset=UTF-8; Boundary=\"MIME_boundary\"").as_deref(),
            Some("MIME_boundary")
        );
        assert_eq!(boundary_param("multipart/mixed"), None);
        assert_eq!(boundary_param("multipart/mixed; boundary="), None);
    }

    #[test]
    fn crlf_with_lengths() {
        let body = b"--b\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nabc\r\n--b\r\n\r\nxyz\r\n--b--\r\n";
        let parts = split(body, Some("b"));
        assert_eq!(bodies(&parts), ["abc", "xyz"]);
        assert_eq!(parts[0].content_type.as_deref(), Some("text/plain"));
    }

    #[test]
    fn lf_only_duplicated_delims_junk_and_no_close() {
        let body = b"junk line\n--b\n--b\ncontent-type: a/b\n\none\n--b\n\ntwo\n";
        let parts = split(body, None);
        assert_eq!(bodies(&parts), ["one", "two\n"]);
        assert_eq!(parts[0].content_type.as_deref(), Some("a/b"));
    }

    #[test]
    fn wrong_and_absurd_content_length_fall_back_to_scanning() {
        for cl in ["1", "9999", "18446744073709551615", "-4", "x"] {
            let body = format!("--b\r\nContent-Length: {cl}\r\n\r\nhello\r\n--b\r\n\r\nworld\r\n--b--");
            assert_eq!(
                bodies(&split(body.as_bytes(), Some("b"))),
                ["hello", "world"],
                "cl={cl}"
            );
        }
    }

    #[test]
    fn content_length_wins_over_a_delimiter_inside_binary_data() {
        let body = b"--b\r\nContent-Length: 9\r\n\r\nab\n--b\nyz\r\n--b--\r\n";
        assert_eq!(bodies(&split(body, Some("b"))), ["ab\n--b\nyz"]);
    }

    #[test]
    fn boundary_missing_or_wrong_in_content_type_is_sniffed() {
        let body = b"--MIME_boundary\r\n\r\n{}\r\n--MIME_boundary--\r\n";
        assert_eq!(bodies(&split(body, Some("boundary"))), ["{}"]);
        assert_eq!(bodies(&split(body, None)), ["{}"]);
        assert!(split(b"no delimiters here", Some("b")).is_empty());
    }

    #[test]
    fn disposition_name_and_filename() {
        let body =
            b"--b\r\nCONTENT-DISPOSITION: form-data; name=\"Picture\"; filename=pic.jpg\r\n\r\n\xff\xd8\r\n--b--";
        let parts = split(body, Some("b"));
        assert_eq!(parts[0].name.as_deref(), Some("Picture"));
        assert_eq!(parts[0].filename.as_deref(), Some("pic.jpg"));
        assert_eq!(parts[0].body, b"\xff\xd8");
    }
}
