//! Incremental multipart stream parser for endless device event streams (docs/DEVICE-FORMATS.md §0.2,
//! §1 "Transports"/"Quirks", §3 "Structure"/"Quirks").
//!
//! Hikvision `alertStream` (`multipart/mixed; boundary=boundary`) and Dahua `attach`
//! (`multipart/x-mixed-replace; boundary=myboundary`) answer one GET with a body that never ends.
//! [`PartStream`] is fed the body in arbitrary chunks, exactly as they come off the socket, and
//! yields each part as soon as it is complete. It works on bytes (parts may be JPEG) and tolerates:
//! - a boundary given with or without its leading `--`, delimiter lines with or without the `--`,
//!   a boundary that is absent from (or wrong in) the `Content-Type` — then it is taken from the
//!   first `--token` line of the stream;
//! - a delimiter line, a header line or a `Content-Length` value split across reads;
//! - CRLF or LF-only framing, header blocks of any number of lines (or none), header names in any
//!   case, `Content-Length:9` without a space, a part with no blank line after its headers;
//! - a missing `Content-Length` (the body ends at the next delimiter line);
//! - a wrong `Content-Length`: the length is trusted only when the body bytes contain no delimiter
//!   line and the bytes right after it are a line break or a delimiter line; otherwise the parser
//!   falls back to the next delimiter line;
//! - bodies followed by any number of blank lines, duplicated delimiter lines, close delimiters
//!   (`--boundary--`) in the middle of the stream, junk between parts;
//! - several parts in one chunk, one part over many chunks.
//!
//! A correct `Content-Length` lets a part be delivered as soon as its body and the line break
//! after it have arrived, without waiting for the next part (latency of an alarm is the time it
//! takes to arrive, not the device's heartbeat interval).
//!
//! Memory is capped: a part body larger than the maximum (default [`DEFAULT_MAX_PART`], 4 MiB) is
//! discarded as it arrives and the parser resynchronises at the next delimiter line; header blocks
//! are capped at [`MAX_HEADER_BYTES`] bytes and [`MAX_HEADER_LINES`] lines; junk lines are dropped as
//! they come. The buffer therefore never holds much more than one part plus one chunk.
//!
//! Determinism: every decision is taken only once the bytes that decide it have arrived, so the
//! parts yielded do not depend on how the stream was split into chunks (property-tested against
//! one-shot feeding). Never panics on any input.

use std::collections::VecDeque;

/// Default cap on one part body, in bytes (4 MiB).
pub const DEFAULT_MAX_PART: usize = 4 * 1024 * 1024;

/// Cap on one part's header block, in bytes; a larger block drops the part.
pub const MAX_HEADER_BYTES: usize = 16 * 1024;

/// Cap on one part's header lines; more lines drop the part.
pub const MAX_HEADER_LINES: usize = 64;

/// Longest boundary token accepted (RFC 2046 allows 70 characters).
pub const MAX_BOUNDARY: usize = 200;

/// Longest line (without its `\n`) that can be a delimiter line (boundary plus dashes and padding).
const MAX_DELIM_LINE: usize = 256;

/// Longest `Content-Type` value kept, in characters.
const MAX_CONTENT_TYPE: usize = 256;

/// One part of a multipart stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamPart {
    /// The part's `Content-Type` header value (trimmed, lossily decoded, at most 256 characters,
    /// control characters removed), if it had one; e.g. `text/plain` (Dahua),
    /// `application/xml; charset="UTF-8"`, `application/json` or `image/jpeg` (Hikvision).
    pub content_type: Option<String>,
    /// The raw body bytes. With a trusted `Content-Length` exactly that many bytes; otherwise the
    /// bytes up to the next delimiter line without the line break before it (for text parts,
    /// without any trailing CR/LF). Never empty.
    pub body: Vec<u8>,
}

impl StreamPart {
    /// Whether the part is declared as an image (`image/*`, e.g. the JPEG parts NVRs interleave in
    /// the Hikvision alert stream).
    pub fn is_image(&self) -> bool {
        self.content_type.as_deref().is_some_and(|c| {
            c.trim_start()
                .get(..6)
                .is_some_and(|p| p.eq_ignore_ascii_case("image/"))
        })
    }
}

/// Counters of what a [`PartStream`] has seen, for logs and status pages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StreamStats {
    /// Parts yielded.
    pub parts: u64,
    /// Parts discarded because the body or the header block was over the cap.
    pub oversized: u64,
    /// `Content-Length` values that were not used: unparsable, over the cap, or inconsistent with
    /// the bytes (the part was then cut at the next delimiter line).
    pub bad_lengths: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Delim {
    Open,
    Close,
}

#[derive(Debug)]
enum State {
    /// Looking for a delimiter line; `pos` is at a line start unless `mid_line`.
    Seek,
    /// Reading a header block; `pos` is at a line start.
    Headers {
        content_type: Option<String>,
        content_length: Option<usize>,
        bytes: usize,
        lines: usize,
    },
    /// Reading a body that starts at `start`; `pos` is the next line start to examine for a
    /// delimiter line.
    Body {
        start: usize,
        content_type: Option<String>,
        content_length: Option<usize>,
    },
}

/// Incremental multipart parser: [`push`](PartStream::push) chunks, then take parts with
/// [`next_part`](PartStream::next_part) until it returns `None`.
#[derive(Debug)]
pub struct PartStream {
    buf: Vec<u8>,
    pos: usize,
    state: State,
    /// Seek only: the bytes up to the next `\n` belong to a line too long to be a delimiter.
    mid_line: bool,
    /// `(pos, end)`: while `pos` is unchanged there is no `\n` in `buf[pos..end]`, so a long
    /// incomplete body line is not rescanned on every push.
    nl_hint: (usize, usize),
    /// Boundary token without leading dashes.
    token: Option<Vec<u8>>,
    /// Whether a delimiter line has been recognised yet (until then an unknown `--token` line may
    /// replace a declared boundary the stream does not use).
    seen_delim: bool,
    max_part: usize,
    out: VecDeque<StreamPart>,
    stats: StreamStats,
}

impl PartStream {
    /// A parser for a stream with the given boundary (the `boundary` parameter of the response
    /// `Content-Type`, with or without leading `--`; see [`boundary_from_content_type`]). `None`,
    /// an empty or an over-long boundary: taken from the first `--token` line of the stream.
    /// Parts are capped at [`DEFAULT_MAX_PART`] bytes.
    pub fn new(boundary: Option<&str>) -> Self {
        Self::with_max_part(boundary, DEFAULT_MAX_PART)
    }

    /// As [`PartStream::new`] with a cap of `max_part` bytes per part body (at least 1).
    pub fn with_max_part(boundary: Option<&str>, max_part: usize) -> Self {
        PartStream {
            buf: Vec::new(),
            pos: 0,
            state: State::Seek,
            mid_line: false,
            nl_hint: (usize::MAX, 0),
            token: boundary.and_then(|b| valid_token(b.trim().as_bytes())),
            seen_delim: false,
            max_part: max_part.max(1),
            out: VecDeque::new(),
            stats: StreamStats::default(),
        }
    }

    /// Feeds the next bytes of the stream (any length, including empty). Complete parts are queued
    /// for [`next_part`](PartStream::next_part); call it until `None` after each push.
    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
        while self.step() {}
        self.compact();
    }

    /// The next complete part, in stream order; `None` until more bytes are pushed.
    pub fn next_part(&mut self) -> Option<StreamPart> {
        self.out.pop_front()
    }

    /// The boundary token in use (without leading dashes), once known.
    pub fn boundary(&self) -> Option<&[u8]> {
        self.token.as_deref()
    }

    /// Counters of parts yielded and dropped.
    pub fn stats(&self) -> StreamStats {
        self.stats
    }

    /// Bytes currently buffered (an incomplete part, at most about the part cap plus one chunk).
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    fn compact(&mut self) {
        let keep_from = match &self.state {
            State::Seek | State::Headers { .. } => self.pos,
            State::Body { start, .. } => *start,
        };
        if keep_from == 0 {
            return;
        }
        self.buf.drain(..keep_from.min(self.buf.len()));
        self.pos = self.pos.saturating_sub(keep_from);
        self.nl_hint = match self.nl_hint {
            (p, e) if p >= keep_from => (p - keep_from, e.saturating_sub(keep_from)),
            _ => (usize::MAX, 0),
        };
        if let State::Body { start, .. } = &mut self.state {
            *start = start.saturating_sub(keep_from);
        }
    }

    /// One state-machine step; false when more bytes are needed.
    fn step(&mut self) -> bool {
        match self.state {
            State::Seek => self.step_seek(),
            State::Headers { .. } => self.step_headers(),
            State::Body { .. } => self.step_body(),
        }
    }

    fn step_seek(&mut self) -> bool {
        let len = self.buf.len();
        if self.mid_line {
            match find_nl(&self.buf, self.pos) {
                Some(nl) => {
                    self.pos = nl + 1;
                    self.mid_line = false;
                }
                None => {
                    self.pos = len;
                    return false;
                }
            }
        }
        let Some(nl) = find_nl(&self.buf, self.pos) else {
            if len - self.pos > MAX_DELIM_LINE {
                self.pos = len;
                self.mid_line = true;
            }
            return false;
        };
        let line_start = self.pos;
        self.pos = nl + 1;
        let line = &self.buf[line_start..nl];
        match self.classify(line) {
            Some(Delim::Open) => self.start_headers(),
            Some(Delim::Close) => self.seen_delim = true,
            None => {
                if !self.seen_delim {
                    if let Some(t) = sniff_token(line) {
                        self.token = Some(t);
                        self.start_headers();
                    }
                }
            }
        }
        true
    }

    fn start_headers(&mut self) {
        self.seen_delim = true;
        self.state = State::Headers {
            content_type: None,
            content_length: None,
            bytes: 0,
            lines: 0,
        };
    }

    fn step_headers(&mut self) -> bool {
        let len = self.buf.len();
        let State::Headers { bytes, .. } = &self.state else {
            return false;
        };
        let bytes = *bytes;
        let Some(nl) = find_nl(&self.buf, self.pos) else {
            if bytes + (len - self.pos) > MAX_HEADER_BYTES {
                // The line in progress takes the block over the cap: drop the part, skip the line.
                self.stats.oversized += 1;
                self.state = State::Seek;
                self.mid_line = true;
                return true;
            }
            return false;
        };
        let line_start = self.pos;
        let line_len = nl + 1 - line_start;
        self.pos = nl + 1;
        let State::Headers {
            content_type,
            content_length,
            bytes,
            lines,
        } = &mut self.state
        else {
            return false;
        };
        *bytes += line_len;
        *lines += 1;
        if *bytes > MAX_HEADER_BYTES || *lines > MAX_HEADER_LINES {
            self.stats.oversized += 1;
            self.state = State::Seek;
            return true;
        }
        let line = &self.buf[line_start..nl];
        let trimmed = trim_end_ws(line);
        if trimmed.is_empty() {
            let (ct, cl) = (content_type.take(), content_length.take());
            self.state = State::Body {
                start: nl + 1,
                content_type: ct,
                content_length: cl,
            };
            return true;
        }
        let (ct, cl) = (content_type.take(), content_length.take());
        match classify_line(self.token.as_deref(), line) {
            Some(Delim::Open) => {
                // A duplicated delimiter line: the part so far had no body.
                self.start_headers();
                return true;
            }
            Some(Delim::Close) => {
                self.state = State::Seek;
                return true;
            }
            None => {}
        }
        match parse_header(trimmed) {
            Some((name, value)) => {
                let (mut ct, mut cl) = (ct, cl);
                if name.eq_ignore_ascii_case(b"content-type") {
                    ct = Some(clean_text(value));
                } else if name.eq_ignore_ascii_case(b"content-length") {
                    cl = parse_length(value);
                    if cl.is_none_or(|n| n > self.max_part) {
                        self.stats.bad_lengths += 1;
                        cl = None;
                    }
                }
                if let State::Headers {
                    content_type,
                    content_length,
                    ..
                } = &mut self.state
                {
                    *content_type = ct;
                    *content_length = cl;
                }
            }
            None => {
                // Not a header: the part has no blank line after its headers; the body starts here.
                self.state = State::Body {
                    start: line_start,
                    content_type: ct,
                    content_length: cl,
                };
                self.pos = line_start;
            }
        }
        true
    }

    fn step_body(&mut self) -> bool {
        let State::Body {
            start, content_length, ..
        } = &self.state
        else {
            return false;
        };
        let (start, cl) = (*start, *content_length);
        let len = self.buf.len();
        let limit = cl.map(|n| start + n);
        // Scan complete lines that start inside the body for a delimiter line.
        loop {
            if limit.is_some_and(|lim| self.pos >= lim) || self.pos >= len {
                break;
            }
            let from = if self.nl_hint.0 == self.pos {
                self.nl_hint.1.max(self.pos)
            } else {
                self.pos
            };
            let Some(nl) = find_nl(&self.buf, from) else {
                self.nl_hint = (self.pos, len);
                break;
            };
            let line_start = self.pos;
            if let Some(kind) = classify_line(self.token.as_deref(), &self.buf[line_start..nl]) {
                if cl.is_some() {
                    // The declared length runs over the next delimiter: it is wrong.
                    self.stats.bad_lengths += 1;
                }
                self.finish_scanned(start, line_start, nl + 1, kind);
                return true;
            }
            self.pos = nl + 1;
        }
        match limit {
            Some(lim) => self.check_length(start, lim),
            None => {
                // Any delimiter line starts at or after `pos`; an incomplete line longer than a
                // delimiter line cannot be one, so the next delimiter starts after `len`.
                let incomplete = len - self.pos;
                let over = self.pos - start > self.max_part
                    || (incomplete > MAX_DELIM_LINE && len - start > self.max_part + MAX_DELIM_LINE + 2);
                if over {
                    self.stats.oversized += 1;
                    self.state = State::Seek;
                    self.mid_line = incomplete > MAX_DELIM_LINE;
                    if self.mid_line {
                        self.pos = len;
                    }
                    return true;
                }
                false
            }
        }
    }

    /// Content-Length mode, no delimiter line among the complete lines before `lim`.
    fn check_length(&mut self, start: usize, lim: usize) -> bool {
        let len = self.buf.len();
        if self.pos < lim {
            // An incomplete line starts before `lim`.
            if len < lim || is_delim_prefix(self.token.as_deref(), &self.buf[self.pos..]) {
                return false;
            }
        }
        if len <= lim {
            return false;
        }
        let ok = match self.buf[lim] {
            b'\n' => Some(true),
            b'\r' => match self.buf.get(lim + 1) {
                None => None,
                Some(b'\n') => Some(true),
                Some(_) => Some(false),
            },
            _ if lim == start || self.buf[lim - 1] == b'\n' => match find_nl(&self.buf, lim) {
                Some(nl) => Some(classify_line(self.token.as_deref(), &self.buf[lim..nl]).is_some()),
                None if is_delim_prefix(self.token.as_deref(), &self.buf[lim..]) => None,
                None => Some(false),
            },
            _ => Some(false),
        };
        match ok {
            None => false,
            Some(true) => {
                let body = self.buf[start..lim].to_vec();
                self.emit(body);
                self.state = State::Seek;
                self.mid_line = false;
                self.pos = lim;
                true
            }
            Some(false) => {
                self.stats.bad_lengths += 1;
                if let State::Body { content_length, .. } = &mut self.state {
                    *content_length = None;
                }
                true
            }
        }
    }

    /// A body cut at the delimiter line `[delim_start, after)`.
    fn finish_scanned(&mut self, start: usize, delim_start: usize, after: usize, kind: Delim) {
        if delim_start - start > self.max_part {
            self.stats.oversized += 1;
        } else {
            let texty = match &self.state {
                State::Body { content_type, .. } => is_texty(content_type.as_deref()),
                _ => true,
            };
            let mut end = delim_start;
            if texty {
                while end > start && matches!(self.buf[end - 1], b'\r' | b'\n') {
                    end -= 1;
                }
            } else if end > start && self.buf[end - 1] == b'\n' {
                end -= 1;
                if end > start && self.buf[end - 1] == b'\r' {
                    end -= 1;
                }
            }
            let body = self.buf[start..end].to_vec();
            self.emit(body);
        }
        self.pos = after;
        self.mid_line = false;
        match kind {
            Delim::Open => self.start_headers(),
            Delim::Close => self.state = State::Seek,
        }
    }

    fn emit(&mut self, body: Vec<u8>) {
        let content_type = match &mut self.state {
            State::Body { content_type, .. } => content_type.take(),
            _ => None,
        };
        if body.is_empty() {
            return;
        }
        self.stats.parts += 1;
        self.out.push_back(StreamPart { content_type, body });
    }

    fn classify(&self, line: &[u8]) -> Option<Delim> {
        classify_line(self.token.as_deref(), line)
    }
}

/// The `boundary` parameter of a response `Content-Type` such as
/// `multipart/x-mixed-replace; boundary=myboundary` (quoted or not, any case); `None` when absent.
pub fn boundary_from_content_type(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        if !k.trim().eq_ignore_ascii_case("boundary") {
            return None;
        }
        let v = v.trim().trim_matches('"').trim();
        (!v.is_empty() && v.len() <= MAX_BOUNDARY + 2).then(|| v.to_string())
    })
}

fn find_nl(buf: &[u8], from: usize) -> Option<usize> {
    buf.get(from..)?.iter().position(|&b| b == b'\n').map(|p| from + p)
}

fn trim_end_ws(mut s: &[u8]) -> &[u8] {
    while let [rest @ .., last] = s {
        if matches!(last, b'\r' | b' ' | b'\t') {
            s = rest;
        } else {
            break;
        }
    }
    s
}

fn strip_dashes(mut s: &[u8]) -> &[u8] {
    while let [b'-', rest @ ..] = s {
        s = rest;
    }
    s
}

/// A boundary token without leading dashes, if usable.
fn valid_token(b: &[u8]) -> Option<Vec<u8>> {
    let t = strip_dashes(b);
    let ok =
        !t.is_empty() && t.len() <= MAX_BOUNDARY && !t.iter().any(|c| c.is_ascii_whitespace() || c.is_ascii_control());
    ok.then(|| t.to_vec())
}

/// The token of a `--token` line, for streams whose boundary is unknown or wrong.
fn sniff_token(line: &[u8]) -> Option<Vec<u8>> {
    if line.len() > MAX_DELIM_LINE || !line.starts_with(b"--") {
        return None;
    }
    valid_token(trim_end_ws(line))
}

/// Whether a complete line (without its `\n`) is a delimiter line: any number of dashes, the
/// token, optionally `--` (close), then optional spaces, tabs and CR.
fn classify_line(token: Option<&[u8]>, line: &[u8]) -> Option<Delim> {
    let token = token?;
    if line.len() > MAX_DELIM_LINE {
        return None;
    }
    let s = strip_dashes(trim_end_ws(line));
    if s == token {
        return Some(Delim::Open);
    }
    match s.strip_suffix(b"--") {
        Some(t) if t == token => Some(Delim::Close),
        _ => None,
    }
}

/// Whether an incomplete line (no `\n` yet) could still become a delimiter line.
fn is_delim_prefix(token: Option<&[u8]>, partial: &[u8]) -> bool {
    let Some(token) = token else { return false };
    if partial.len() > MAX_DELIM_LINE {
        return false;
    }
    let r = strip_dashes(partial);
    if r.len() <= token.len() {
        return token.starts_with(r);
    }
    let Some(rest) = r.strip_prefix(token) else {
        return false;
    };
    let dashes = rest.iter().take_while(|&&b| b == b'-').count();
    let tail = &rest[dashes..];
    dashes <= 2 && (dashes != 1 || tail.is_empty()) && tail.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r'))
}

/// `Name: value` with an RFC 7230 token name and optional spaces around the value.
fn parse_header(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let colon = line.iter().position(|&b| b == b':')?;
    let name = &line[..colon];
    let tchar = |b: &u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(b);
    if name.is_empty() || !name.iter().all(tchar) {
        return None;
    }
    Some((name, &line[colon + 1..]))
}

fn parse_length(v: &[u8]) -> Option<usize> {
    let s = std::str::from_utf8(v).ok()?.trim();
    if s.is_empty() || s.len() > 12 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn clean_text(v: &[u8]) -> String {
    String::from_utf8_lossy(v)
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_CONTENT_TYPE)
        .collect()
}

/// Text-like parts (no type, `text/*`, XML, JSON) lose all trailing CR/LF when cut at a
/// delimiter; other parts lose exactly the one line break before the delimiter.
fn is_texty(content_type: Option<&str>) -> bool {
    let Some(ct) = content_type else { return true };
    let media = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    media.starts_with("text/") || media.ends_with("xml") || media.ends_with("json")
}
