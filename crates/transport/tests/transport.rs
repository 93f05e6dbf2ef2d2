//! Transport tests: the incremental multipart parser (fixtures and quirks, chunking-independence
//! property tests), the pull clients against a local fake device (Digest/Basic auth verified
//! server-side, multipart streams split at awkward byte offsets, reconnect and resubscribe, idle
//! timeout, authentication failure), and the MQTT subscriber against a real broker
//! (`NEIBAO_TEST_MQTT=mqtt://127.0.0.1:1883`; skipped when unset).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use neibao_domain::events::{DecodedPayload, EventKind, EventState};
use neibao_transport::mqtt::decode_message;
use neibao_transport::stream::StreamStats;
use neibao_transport::{
    decode_part, run_mqtt, run_pull_with_status, MqttConfig, MqttMessage, MqttRoute, PartStream, PullConfig, PullKind,
    Sink, SinkError, StatusHandle, StreamPart,
};
use proptest::prelude::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

// ---------------------------------------------------------------------------------------------
// Fixtures and helpers

/// (kind, vendor type, state, channel) of each decoded event, in order.
type Summary = Vec<(EventKind, String, EventState, Option<u32>)>;

fn fixture(rel: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/devices")
        .join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

const DAHUA_FILES: [&str; 3] = [
    "dahua-eventmanager/attach_all_heartbeat5_videomotion.txt",
    "dahua-eventmanager/crosslinedetection_start_stop.txt",
    "dahua-eventmanager/accesscontrol_and_doorface_pulse.txt",
];
const HIK_STREAM: &str = "hikvision-isapi-alert/alertstream_nvr_heartbeat_then_vmd.txt";

fn parse_all(boundary: Option<&str>, chunks: &[&[u8]]) -> (Vec<StreamPart>, StreamStats) {
    let mut p = PartStream::new(boundary);
    let mut out = Vec::new();
    for c in chunks {
        p.push(c);
        while let Some(part) = p.next_part() {
            out.push(part);
        }
    }
    (out, p.stats())
}

fn one_shot(boundary: Option<&str>, data: &[u8]) -> Vec<StreamPart> {
    parse_all(boundary, &[data]).0
}

fn split_at_points(data: &[u8], points: &[usize]) -> Vec<Vec<u8>> {
    let mut pts: Vec<usize> = points.iter().copied().filter(|&p| p > 0 && p < data.len()).collect();
    pts.sort_unstable();
    pts.dedup();
    let mut out = Vec::new();
    let mut last = 0;
    for p in pts {
        out.push(data[last..p].to_vec());
        last = p;
    }
    out.push(data[last..].to_vec());
    out
}

fn chunked(boundary: Option<&str>, data: &[u8], points: &[usize]) -> Vec<StreamPart> {
    let chunks = split_at_points(data, points);
    let refs: Vec<&[u8]> = chunks.iter().map(Vec::as_slice).collect();
    parse_all(boundary, &refs).0
}

fn find_all(hay: &[u8], needle: &[u8]) -> Vec<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return Vec::new();
    }
    (0..=hay.len() - needle.len())
        .filter(|&i| &hay[i..i + needle.len()] == needle)
        .collect()
}

/// Cut points inside every delimiter, inside header names, right after `Content-Length:`, inside
/// the digits, between the CR and LF of blank lines, in the middle of bodies, plus pseudo-random
/// ones.
fn awkward_points(data: &[u8], boundary: &str, seed: u64) -> Vec<usize> {
    let mut pts = Vec::new();
    for i in find_all(data, format!("--{boundary}").as_bytes()) {
        pts.extend([i + 1, i + 4]);
    }
    for i in find_all(data, b"Content-Length:") {
        pts.extend([i + 8, i + 15, i + 17]);
    }
    for i in find_all(data, b"Content-Type") {
        pts.push(i + 5);
    }
    for i in find_all(data, b"\r\n\r\n") {
        pts.extend([i + 1, i + 3, i + 40, i + 200]);
    }
    let mut x = seed | 1;
    for _ in 0..data.len() / 97 {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        pts.push((x >> 33) as usize % data.len().max(1));
    }
    pts
}

/// One multipart part in the device's framing. `cl`: `Some(n)` writes `Content-Length:n`.
fn mk_part(boundary: &str, ct: &str, body: &[u8], cl: Option<usize>, nl: &str) -> Vec<u8> {
    let mut v = format!("--{boundary}{nl}Content-Type: {ct}{nl}").into_bytes();
    if let Some(n) = cl {
        v.extend_from_slice(format!("Content-Length: {n}{nl}").as_bytes());
    }
    v.extend_from_slice(nl.as_bytes());
    v.extend_from_slice(body);
    v.extend_from_slice(nl.as_bytes());
    v
}

fn summary(p: &DecodedPayload) -> Summary {
    p.events
        .iter()
        .map(|e| (e.kind, e.vendor_type.clone(), e.state, e.channel))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// PartStream: fixtures and quirks

#[test]
fn dahua_fixtures_parse_to_exact_parts() {
    let data = fixture(DAHUA_FILES[0]);
    let parts = one_shot(Some("myboundary"), &data);
    let bodies: Vec<String> = parts
        .iter()
        .map(|p| String::from_utf8_lossy(&p.body).into_owned())
        .collect();
    assert_eq!(bodies.len(), 8, "{bodies:#?}");
    assert_eq!(bodies[0], "Heartbeat");
    assert_eq!(bodies[1], "Code=VideoMotionInfo;action=State;index=0");
    assert!(bodies[2].starts_with("Code=VideoMotion;action=Start;index=0;data={\n"));
    assert_eq!(parts[2].body.len(), 127);
    assert!(bodies[6].starts_with("Code=VideoMotion;action=Stop"));
    assert_eq!(bodies[7], "Heartbeat");
    assert!(parts.iter().all(|p| p.content_type.as_deref() == Some("text/plain")));
    // The boundary may be declared with its dashes, or not at all.
    assert_eq!(one_shot(Some("--myboundary"), &data), parts);
    assert_eq!(one_shot(None, &data), parts);
    assert_eq!(one_shot(Some("wrong"), &data), parts);
    for f in DAHUA_FILES {
        let d = fixture(f);
        let n = find_all(&d, b"--myboundary\r\n").len();
        assert_eq!(one_shot(Some("myboundary"), &d).len(), n, "{f}");
    }
}

#[test]
fn hikvision_stream_fixture_parses_with_exact_lengths() {
    let data = fixture(HIK_STREAM);
    let (parts, stats) = parse_all(Some("boundary"), &[&data]);
    let lengths: Vec<usize> = find_all(&data, b"Content-Length: ")
        .iter()
        .map(|&i| {
            let rest = &data[i + 16..];
            let end = rest.iter().position(|b| !b.is_ascii_digit()).unwrap();
            std::str::from_utf8(&rest[..end]).unwrap().parse().unwrap()
        })
        .collect();
    assert_eq!(parts.len(), lengths.len());
    assert_eq!(parts.iter().map(|p| p.body.len()).collect::<Vec<_>>(), lengths);
    assert_eq!(stats.bad_lengths, 0);
    assert!(parts
        .iter()
        .all(|p| p.content_type.as_deref() == Some("application/xml; charset=\"UTF-8\"")));
    for p in &parts {
        assert!(p.body.starts_with(b"<EventNotificationAlert") && p.body.ends_with(b"</EventNotificationAlert>"));
    }
}

#[test]
fn fixtures_split_at_every_offset_and_byte_by_byte_match_one_shot() {
    let mut cases: Vec<(&str, Vec<u8>)> = DAHUA_FILES.iter().map(|f| ("myboundary", fixture(f))).collect();
    cases.push(("boundary", fixture(HIK_STREAM)));
    cases.push((
        "boundary",
        fixture("hikvision-isapi-alert/httphost_push_linedetection_multipart.bin"),
    ));
    for (b, data) in &cases {
        let whole = one_shot(Some(b), data);
        assert!(!whole.is_empty());
        for i in 0..=data.len() {
            assert_eq!(chunked(Some(b), data, &[i]), whole, "split at {i}");
        }
        let every: Vec<usize> = (1..data.len()).collect();
        assert_eq!(chunked(Some(b), data, &every), whole, "byte by byte");
        assert_eq!(chunked(None, data, &every), whole, "byte by byte, sniffed boundary");
    }
}

#[test]
fn quirks_lf_only_missing_and_wrong_lengths() {
    let b = "myboundary";
    let mut s = Vec::new();
    // LF-only framing, no Content-Length, body followed by several blank lines.
    s.extend(mk_part(b, "text/plain", b"Code=A;action=Start;index=0", None, "\n"));
    s.extend_from_slice(b"\n\n");
    // Oversized Content-Length: cut at the next delimiter.
    s.extend(mk_part(
        b,
        "text/plain",
        b"Code=B;action=Start;index=1",
        Some(4000),
        "\r\n",
    ));
    // Too short Content-Length (not followed by a line break): cut at the next delimiter.
    s.extend(mk_part(
        b,
        "text/plain",
        b"Code=C;action=Stop;index=2",
        Some(10),
        "\r\n",
    ));
    // Unparsable Content-Length.
    s.extend(mk_part(b, "text/plain", b"Heartbeat", Some(9), "\r\n"));
    s.extend_from_slice(
        b"--myboundary\r\nContent-Type: text/plain\r\nContent-Length: nine\r\n\r\nHeartbeat\r\n\r\n\r\n",
    );
    // Duplicated delimiter line, 5 header lines, no space after the colon, any case.
    s.extend_from_slice(
        b"--myboundary\r\n--myboundary\r\ncontent-type:text/plain\r\nX-A: 1\r\nX-B: 2\r\nX-C: 3\r\nCONTENT-LENGTH:4\r\n\r\nDone\r\n",
    );
    // No blank line after the headers (body starts at the first non-header line).
    s.extend_from_slice(b"--myboundary\r\nContent-Type: text/plain\r\nHeartbeat\r\n");
    // A close delimiter in the middle, junk, then more parts.
    s.extend_from_slice(b"--myboundary--\r\njunk line\r\n");
    s.extend(mk_part(b, "text/plain", b"Last", Some(4), "\r\n"));
    s.extend_from_slice(b"--myboundary\r\n");
    let (parts, stats) = parse_all(Some(b), &[&s]);
    let bodies: Vec<&[u8]> = parts.iter().map(|p| p.body.as_slice()).collect();
    assert_eq!(
        bodies,
        [
            &b"Code=A;action=Start;index=0"[..],
            b"Code=B;action=Start;index=1",
            b"Code=C;action=Stop;index=2",
            b"Heartbeat",
            b"Heartbeat",
            b"Done",
            b"Heartbeat",
            b"Last",
        ]
    );
    assert_eq!(stats.bad_lengths, 3, "{stats:?}");
    assert_eq!(parts[5].content_type.as_deref(), Some("text/plain"));
    for i in 0..s.len() {
        assert_eq!(chunked(Some(b), &s, &[i]), parts, "split at {i}");
    }
}

#[test]
fn jpeg_parts_interleave_and_keep_their_bytes() {
    let xml = fixture("hikvision-isapi-alert/alert_io_input_ver20.xml");
    // Binary with CR, LF, dashes and a partial boundary inside.
    let mut jpeg = vec![
        0xFF, 0xD8, 0xFF, 0xE0, b'\r', b'\n', b'-', b'-', b'b', b'o', b'u', b'n', b'd', b'a', b'r',
    ];
    jpeg.extend((0u8..=255).cycle().take(3000));
    jpeg.extend_from_slice(&[b'\n', 0xFF, 0xD9]);
    let mut s = Vec::new();
    s.extend(mk_part("boundary", "application/xml", &xml, Some(xml.len()), "\r\n"));
    s.extend(mk_part("boundary", "image/jpeg", &jpeg, Some(jpeg.len()), "\r\n"));
    s.extend(mk_part("boundary", "image/jpeg", &jpeg, None, "\r\n"));
    s.extend(mk_part("boundary", "application/xml", &xml, Some(xml.len()), "\r\n"));
    let parts = one_shot(Some("boundary"), &s);
    assert_eq!(parts.len(), 4);
    assert_eq!(parts[1].body, jpeg);
    assert_eq!(
        parts[2].body, jpeg,
        "without Content-Length only the line break before the delimiter goes"
    );
    assert!(parts[1].is_image() && !parts[0].is_image());
    assert_eq!(
        decode_part(PullKind::HikvisionAlertStream, &parts[1]).unwrap(),
        DecodedPayload::default()
    );
    let every: Vec<usize> = (1..s.len()).step_by(7).collect();
    assert_eq!(chunked(Some("boundary"), &s, &every), parts);
}

#[test]
fn oversized_part_is_dropped_and_stream_resyncs() {
    let mut s = Vec::new();
    s.extend(mk_part("b", "text/plain", b"first", Some(5), "\r\n"));
    s.extend(mk_part(
        "b",
        "application/octet-stream",
        &vec![b'x'; 10_000],
        None,
        "\r\n",
    ));
    s.extend(mk_part(
        "b",
        "application/octet-stream",
        &vec![b'y'; 10_000],
        Some(10_000),
        "\r\n",
    ));
    s.extend(mk_part("b", "text/plain", &vec![b'z'; 3000], None, "\r\n"));
    s.extend(mk_part("b", "text/plain", b"after", None, "\r\n"));
    s.extend_from_slice(b"--b\r\n");
    let mut p = PartStream::with_max_part(Some("b"), 4096);
    let mut out = Vec::new();
    let mut peak = 0;
    for c in s.chunks(100) {
        p.push(c);
        peak = peak.max(p.buffered());
        while let Some(part) = p.next_part() {
            out.push(part.body);
        }
    }
    assert_eq!(out, [b"first".to_vec(), vec![b'z'; 3000], b"after".to_vec()]);
    assert_eq!(p.stats().oversized, 2);
    assert_eq!(
        p.stats().bad_lengths,
        1,
        "the 10 000-byte Content-Length is over the cap"
    );
    assert!(peak <= 4096 + 512, "buffer peaked at {peak}");
    // Junk without line breaks is not kept either.
    let mut p = PartStream::new(Some("b"));
    for _ in 0..1000 {
        p.push(&[b'j'; 1000]);
    }
    assert!(p.buffered() < 1000, "{}", p.buffered());
}

fn vocab_bytes() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        Just(b"--myboundary".to_vec()),
        Just(b"--myboundary--".to_vec()),
        Just(b"myboundary".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"Content-Length:".to_vec()),
        Just(b"Content-Length: 9".to_vec()),
        Just(b"Content-Type: text/plain".to_vec()),
        Just(b"Heartbeat".to_vec()),
        Just(b"-".to_vec()),
        Just(b" ".to_vec()),
        prop::collection::vec(any::<u8>(), 0..8),
        (0u32..40).prop_map(|n| n.to_string().into_bytes()),
    ];
    prop::collection::vec(token, 0..80).prop_map(|v| v.concat())
}

/// Streams of plausible parts with random framing: CRLF or LF, delimiter with 0-2 extra dashes or
/// a close delimiter, optional Content-Type, Content-Length exact / missing / too long / too short /
/// garbage, bodies with framing-like bytes, trailing blank lines and junk.
fn structured_stream() -> impl Strategy<Value = Vec<u8>> {
    let body = prop_oneof![vocab_bytes(), prop::collection::vec(any::<u8>(), 0..64)];
    let part = (
        any::<bool>(),
        0usize..4,
        any::<bool>(),
        0usize..5,
        body,
        0usize..4,
        0usize..12,
        prop::option::of(vocab_bytes()),
    );
    prop::collection::vec(part, 0..8).prop_map(|parts| {
        let mut out = Vec::new();
        for (crlf, dashes, with_ct, cl_mode, body, blanks, delta, junk) in parts {
            let nl: &[u8] = if crlf { b"\r\n" } else { b"\n" };
            match dashes {
                0 => out.extend_from_slice(b"--myboundary"),
                1 => out.extend_from_slice(b"myboundary"),
                2 => out.extend_from_slice(b"----myboundary"),
                _ => out.extend_from_slice(b"--myboundary--"),
            }
            out.extend_from_slice(nl);
            if with_ct {
                out.extend_from_slice(b"Content-Type: text/plain");
                out.extend_from_slice(nl);
            }
            let cl = match cl_mode {
                0 => Some(body.len().to_string()),
                1 => None,
                2 => Some((body.len() + delta).to_string()),
                3 => Some(body.len().saturating_sub(delta).to_string()),
                _ => Some("x9".to_string()),
            };
            if let Some(cl) = cl {
                out.extend_from_slice(b"Content-Length:");
                out.extend_from_slice(cl.as_bytes());
                out.extend_from_slice(nl);
            }
            out.extend_from_slice(nl);
            out.extend_from_slice(&body);
            for _ in 0..=blanks {
                out.extend_from_slice(nl);
            }
            if let Some(j) = junk {
                out.extend_from_slice(&j);
            }
        }
        out
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_split_anywhere_match_one_shot(
        data in prop_oneof![vocab_bytes(), prop::collection::vec(any::<u8>(), 0..600), structured_stream()],
        cuts in prop::collection::vec(0usize..700, 0..12),
        boundary in prop_oneof![Just(Some("myboundary")), Just(None), Just(Some("--myboundary")), Just(Some("x"))],
    ) {
        let whole = one_shot(boundary, &data);
        prop_assert_eq!(chunked(boundary, &data, &cuts), whole.clone());
        let every: Vec<usize> = (1..data.len()).collect();
        prop_assert_eq!(chunked(boundary, &data, &every), whole.clone());
        // A small part cap never panics either.
        let mut p = PartStream::with_max_part(boundary, 7);
        p.push(&data);
        while p.next_part().is_some() {}
        for part in &whole {
            prop_assert!(!part.body.is_empty());
        }
    }

    #[test]
    fn fixture_streams_split_randomly_match_one_shot(
        idx in 0usize..4,
        cuts in prop::collection::vec(0usize..3000, 0..40),
    ) {
        let (b, f) = if idx < 3 { ("myboundary", DAHUA_FILES[idx]) } else { ("boundary", HIK_STREAM) };
        let data = fixture(f);
        prop_assert_eq!(chunked(Some(b), &data, &cuts), one_shot(Some(b), &data));
    }
}

// ---------------------------------------------------------------------------------------------
// Test sink

#[derive(Default)]
struct TestSink {
    parts: Mutex<Vec<(String, PullKind, StreamPart)>>,
    states: Mutex<Vec<(String, bool, String)>>,
    mqtt: Mutex<Vec<(String, MqttMessage)>>,
}

#[async_trait::async_trait]
impl Sink for TestSink {
    async fn part(&self, source: &str, kind: PullKind, part: StreamPart) -> Result<(), SinkError> {
        self.parts.lock().unwrap().push((source.to_string(), kind, part));
        // Errors from the sink must not stop the loop.
        Err("sink error (test)".into())
    }
    async fn mqtt(&self, source: &str, msg: MqttMessage) -> Result<(), SinkError> {
        self.mqtt.lock().unwrap().push((source.to_string(), msg));
        Ok(())
    }
    async fn state(&self, source: &str, connected: bool, reason: &str) -> Result<(), SinkError> {
        self.states
            .lock()
            .unwrap()
            .push((source.to_string(), connected, reason.to_string()));
        Ok(())
    }
}

impl TestSink {
    fn decoded(&self) -> (Summary, u32, usize) {
        let parts = self.parts.lock().unwrap();
        let mut events = Vec::new();
        let mut heartbeats = 0;
        for (_, kind, p) in parts.iter() {
            if let Ok(d) = decode_part(*kind, p) {
                events.extend(summary(&d));
                heartbeats += d.heartbeats;
            }
        }
        (events, heartbeats, parts.len())
    }
    fn states(&self) -> Vec<(bool, String)> {
        self.states
            .lock()
            .unwrap()
            .iter()
            .map(|(_, c, r)| (*c, r.clone()))
            .collect()
    }
}

async fn wait_until(what: &str, timeout: Duration, mut cond: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + timeout;
    while !cond() {
        if tokio::time::Instant::now() > deadline {
            panic!("timed out waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

// ---------------------------------------------------------------------------------------------
// Fake device

#[derive(Clone, Copy, PartialEq)]
enum Scheme {
    Digest,
    Basic,
}

#[derive(Clone, Copy, PartialEq)]
enum After {
    /// Keep the connection open, sending a heartbeat part every 100 ms.
    Heartbeats,
    /// Keep the connection open and silent.
    Silent,
    /// Close the connection.
    Close,
}

struct DeviceSpec {
    scheme: Scheme,
    user: &'static str,
    pass: &'static str,
    content_type: &'static str,
    heartbeat: Vec<u8>,
    /// Chunks to send on the n-th authenticated connection (the last entry repeats), then `After`.
    streams: Vec<(Vec<Vec<u8>>, After)>,
}

#[derive(Default, Debug)]
struct DeviceLog {
    tcp_connections: usize,
    challenges: usize,
    streams_served: usize,
    /// Every Authorization header received: (verified, nonce, nc).
    auths: Vec<(bool, String, u32)>,
    issued_nonces: Vec<String>,
}

struct FakeDevice {
    base: String,
    log: Arc<Mutex<DeviceLog>>,
}

async fn start_device(spec: DeviceSpec) -> FakeDevice {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let log = Arc::new(Mutex::new(DeviceLog::default()));
    let spec = Arc::new(spec);
    let l2 = log.clone();
    tokio::spawn(async move {
        loop {
            let Ok((sock, _)) = listener.accept().await else { return };
            let (spec, log) = (spec.clone(), l2.clone());
            tokio::spawn(async move {
                let _ = serve(sock, &spec, &log).await;
            });
        }
    });
    FakeDevice {
        base: format!("http://{addr}"),
        log,
    }
}

async fn serve(mut sock: TcpStream, spec: &DeviceSpec, log: &Mutex<DeviceLog>) -> std::io::Result<()> {
    sock.set_nodelay(true)?;
    log.lock().unwrap().tcp_connections += 1;
    let mut req = Vec::new();
    let mut buf = [0u8; 1024];
    while find_all(&req, b"\r\n\r\n").is_empty() {
        let n = sock.read(&mut buf).await?;
        if n == 0 || req.len() > 16384 {
            return Ok(());
        }
        req.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&req).into_owned();
    let target = text.split_whitespace().nth(1).unwrap_or("").to_string();
    let authz = text
        .lines()
        .find_map(|l| {
            l.split_once(':')
                .filter(|(k, _)| k.eq_ignore_ascii_case("authorization"))
        })
        .map(|(_, v)| v.trim().to_string());
    let ok = match authz {
        None => false,
        Some(h) => {
            let (ok, nonce, nc) = verify(spec, log, &h, &target);
            log.lock().unwrap().auths.push((ok, nonce, nc));
            ok
        }
    };
    if !ok {
        let challenge = {
            let mut l = log.lock().unwrap();
            l.challenges += 1;
            let nonce = format!("nonce{}x{:08x}", l.challenges, rand::random::<u32>());
            l.issued_nonces.push(nonce.clone());
            match spec.scheme {
                Scheme::Digest => format!("Digest realm=\"neibao-test\", nonce=\"{nonce}\", qop=\"auth\""),
                Scheme::Basic => "Basic realm=\"neibao-test\"".to_string(),
            }
        };
        let resp = format!(
            "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: {challenge}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        sock.write_all(resp.as_bytes()).await?;
        sock.shutdown().await?;
        return Ok(());
    }
    let n = {
        let mut l = log.lock().unwrap();
        l.streams_served += 1;
        l.streams_served - 1
    };
    let (chunks, after) = &spec.streams[n.min(spec.streams.len() - 1)];
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {}\r\nConnection: close\r\n\r\n",
        spec.content_type
    );
    sock.write_all(head.as_bytes()).await?;
    for c in chunks {
        sock.write_all(c).await?;
        sock.flush().await?;
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    match after {
        After::Close => {
            sock.shutdown().await?;
        }
        After::Silent => tokio::time::sleep(Duration::from_secs(600)).await,
        After::Heartbeats => loop {
            tokio::time::sleep(Duration::from_millis(100)).await;
            sock.write_all(&spec.heartbeat).await?;
        },
    }
    Ok(())
}

/// Server-side check of an Authorization header: (valid, nonce, nc).
fn verify(spec: &DeviceSpec, log: &Mutex<DeviceLog>, header: &str, target: &str) -> (bool, String, u32) {
    match spec.scheme {
        Scheme::Basic => {
            let expected = format!(
                "Basic {}",
                base64_std(format!("{}:{}", spec.user, spec.pass).as_bytes())
            );
            (header == expected, String::new(), 0)
        }
        Scheme::Digest => {
            let Some(rest) = header.strip_prefix("Digest ") else {
                return (false, String::new(), 0);
            };
            let Ok(parsed) = digest_auth::AuthorizationHeader::parse(rest) else {
                return (false, String::new(), 0);
            };
            let issued = log.lock().unwrap().issued_nonces.contains(&parsed.nonce);
            let mut recomputed = parsed.clone();
            recomputed.digest(&digest_auth::AuthContext::new(spec.user, spec.pass, target));
            let ok = issued
                && parsed.username == spec.user
                && parsed.realm == "neibao-test"
                && parsed.uri == target
                && parsed.qop == Some(digest_auth::Qop::AUTH)
                && parsed.cnonce.as_deref().is_some_and(|c| !c.is_empty())
                && recomputed.response == parsed.response;
            (ok, parsed.nonce, parsed.nc)
        }
    }
}

fn base64_std(input: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in input.chunks(3) {
        let n =
            (u32::from(c[0]) << 16) | (u32::from(*c.get(1).unwrap_or(&0)) << 8) | u32::from(*c.get(2).unwrap_or(&0));
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= c.len() {
                out.push(A[((n >> shift) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Every (nonce, nc) pair is used once and nc counts up per nonce.
fn assert_nc_counts_up(log: &DeviceLog) {
    let mut last: HashMap<&str, u32> = HashMap::new();
    for (ok, nonce, nc) in &log.auths {
        if !ok {
            continue;
        }
        let prev = last.insert(nonce.as_str(), *nc);
        assert!(
            prev.is_none_or(|p| p < *nc),
            "nc did not count up for {nonce}: {prev:?} then {nc}"
        );
    }
}

fn test_config(device: &FakeDevice, path: &str, kind: PullKind, user: &str, pass: &str) -> PullConfig {
    let mut cfg = PullConfig::new("dev-1", format!("{}{}", device.base, path), user, pass, kind);
    cfg.backoff_min = Duration::from_millis(50);
    cfg.backoff_max = Duration::from_millis(200);
    cfg.idle_timeout = Duration::from_secs(5);
    cfg
}

fn dahua_heartbeat() -> Vec<u8> {
    b"--myboundary\r\nContent-Type: text/plain\r\nContent-Length:9\r\n\r\nHeartbeat\r\n".to_vec()
}

const DAHUA_PATH: &str = "/cgi-bin/eventManager.cgi?action=attach&codes=[All]&heartbeat=5";
const DAHUA_CT: &str = "multipart/x-mixed-replace; boundary=myboundary";
const HIK_PATH: &str = "/ISAPI/Event/notification/alertStream";

fn dahua_oracle(files: &[&str]) -> (Summary, u32) {
    let mut events = Vec::new();
    let mut hb = 0;
    for f in files {
        let d = neibao_ingest::decode_dahua(Some(DAHUA_CT), &fixture(f)).unwrap();
        events.extend(summary(&d));
        hb += d.heartbeats;
    }
    (events, hb)
}

// ---------------------------------------------------------------------------------------------
// Pull clients against the fake device

#[tokio::test]
async fn dahua_attach_digest_stream_split_at_awkward_offsets() {
    let stream: Vec<u8> = DAHUA_FILES.iter().flat_map(|f| fixture(f)).collect();
    let chunks = split_at_points(&stream, &awkward_points(&stream, "myboundary", 7));
    assert!(chunks.len() > 60, "{} chunks", chunks.len());
    let device = start_device(DeviceSpec {
        scheme: Scheme::Digest,
        user: "admin",
        pass: "s3cret!",
        content_type: DAHUA_CT,
        heartbeat: dahua_heartbeat(),
        streams: vec![(chunks, After::Heartbeats)],
    })
    .await;
    let sink = Arc::new(TestSink::default());
    let status = StatusHandle::new();
    let (tx, rx) = watch::channel(false);
    let cfg = test_config(&device, DAHUA_PATH, PullKind::DahuaAttach, "admin", "s3cret!");
    let task = tokio::spawn(run_pull_with_status(cfg, sink.clone(), rx, status.clone()));

    let (expected, expected_hb) = dahua_oracle(&DAHUA_FILES);
    wait_until("all Dahua events and a live heartbeat", Duration::from_secs(10), || {
        let (ev, hb, _) = sink.decoded();
        ev.len() >= expected.len() && hb > expected_hb
    })
    .await;
    let (events, _, _) = sink.decoded();
    assert_eq!(events, expected);
    let codes: Vec<(&str, EventState, Option<u32>)> = events.iter().map(|e| (e.1.as_str(), e.2, e.3)).collect();
    assert_eq!(
        codes,
        [
            ("VideoMotion", EventState::Active, Some(1)),
            ("VideoMotion", EventState::Inactive, Some(1)),
            ("CrossLineDetection", EventState::Active, Some(1)),
            ("CrossLineDetection", EventState::Inactive, Some(1)),
            ("AccessControl", EventState::Active, Some(1)),
            ("_DoorFace_", EventState::Active, Some(1)),
        ]
    );
    assert_eq!(events[0].0, EventKind::Motion);
    assert_eq!(events[2].0, EventKind::LineCrossing);
    {
        let parts = sink.parts.lock().unwrap();
        assert!(parts
            .iter()
            .all(|(s, k, _)| s == "dev-1" && *k == PullKind::DahuaAttach));
        let one_shot_parts = one_shot(Some("myboundary"), &stream);
        let got: Vec<&StreamPart> = parts.iter().map(|(_, _, p)| p).take(one_shot_parts.len()).collect();
        assert_eq!(
            got,
            one_shot_parts.iter().collect::<Vec<_>>(),
            "network chunking changed the parts"
        );
    }
    let st = status.snapshot();
    assert!(
        st.connected && st.last_part_at.is_some() && st.reconnects == 0,
        "{st:?}"
    );

    tx.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(sink.states(), [(true, "connected".into()), (false, "shutdown".into())]);
    let log = device.log.lock().unwrap();
    assert_eq!(log.challenges, 1, "{log:?}");
    assert_eq!(log.streams_served, 1);
    assert_eq!(log.auths.len(), 1);
    assert!(log.auths.iter().all(|a| a.0), "digest did not verify: {log:?}");
}

#[tokio::test]
async fn hikvision_alert_stream_with_images_and_bad_lengths() {
    let io = fixture("hikvision-isapi-alert/alert_io_input_ver20.xml");
    let tamper = fixture("hikvision-isapi-alert/alert_shelteralarm_tamper_ver20.xml");
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, b'\r', b'\n', b'-', b'-', b'b', b'o', b'u', b'n'];
    jpeg.extend((0u8..=255).cycle().take(2000));
    jpeg.extend_from_slice(&[0xFF, 0xD9]);
    let mut stream = fixture(HIK_STREAM);
    stream.extend(mk_part("boundary", "image/jpeg", &jpeg, Some(jpeg.len()), "\r\n"));
    stream.extend(mk_part(
        "boundary",
        "application/xml; charset=\"UTF-8\"",
        &io,
        None,
        "\r\n",
    ));
    stream.extend(mk_part(
        "boundary",
        "application/xml",
        &tamper,
        Some(tamper.len() + 700),
        "\r\n",
    ));
    let hb = fixture(HIK_STREAM);
    let first_hb_end = find_all(&hb, b"--boundary").get(1).copied().unwrap();
    let heartbeat = hb[..first_hb_end].to_vec();
    let chunks = split_at_points(&stream, &awkward_points(&stream, "boundary", 11));
    let device = start_device(DeviceSpec {
        scheme: Scheme::Digest,
        user: "admin",
        pass: "hik12345",
        content_type: "multipart/mixed; boundary=boundary",
        heartbeat,
        streams: vec![(chunks, After::Heartbeats)],
    })
    .await;
    let sink = Arc::new(TestSink::default());
    let (tx, rx) = watch::channel(false);
    let cfg = test_config(&device, HIK_PATH, PullKind::HikvisionAlertStream, "admin", "hik12345");
    let task = tokio::spawn(run_pull_with_status(cfg, sink.clone(), rx, StatusHandle::new()));

    let mut expected = summary(
        &neibao_ingest::decode_hikvision(Some("multipart/mixed; boundary=boundary"), &fixture(HIK_STREAM)).unwrap(),
    );
    expected.extend(summary(
        &neibao_ingest::decode_hikvision(Some("application/xml"), &io).unwrap(),
    ));
    expected.extend(summary(
        &neibao_ingest::decode_hikvision(Some("application/xml"), &tamper).unwrap(),
    ));
    wait_until(
        "all Hikvision events and a live heartbeat",
        Duration::from_secs(10),
        || {
            let (ev, hb, _) = sink.decoded();
            ev.len() >= expected.len() && hb >= 3
        },
    )
    .await;
    tx.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .unwrap()
        .unwrap();

    let (events, _, _) = sink.decoded();
    assert_eq!(events, expected);
    let vmd: Vec<_> = events.iter().filter(|e| e.1 == "VMD").collect();
    assert_eq!(vmd.len(), 3);
    assert!(vmd
        .iter()
        .all(|e| e.0 == EventKind::Motion && e.2 == EventState::Active && e.3 == Some(5)));
    assert_eq!(events[events.len() - 2].0, EventKind::AlarmInput);
    assert_eq!(events[events.len() - 1].0, EventKind::Tamper);
    let parts = sink.parts.lock().unwrap();
    let images: Vec<&StreamPart> = parts.iter().map(|(_, _, p)| p).filter(|p| p.is_image()).collect();
    assert_eq!(images.len(), 1);
    assert_eq!(images[0].body, jpeg);
    let log = device.log.lock().unwrap();
    assert!(log.auths.iter().all(|a| a.0), "{log:?}");
}

#[tokio::test]
async fn reconnects_and_resubscribes_after_a_drop_mid_part() {
    let first = fixture(DAHUA_FILES[0]);
    // Cut inside the body of the VideoMotion Start part (3rd part).
    let third = find_all(&first, b"--myboundary")[2];
    let cut = third + 120;
    let conn1 = split_at_points(&first[..cut], &awkward_points(&first[..cut], "myboundary", 3));
    let second = fixture(DAHUA_FILES[1]);
    let conn2 = split_at_points(&second, &awkward_points(&second, "myboundary", 5));
    let device = start_device(DeviceSpec {
        scheme: Scheme::Digest,
        user: "admin",
        pass: "pw",
        content_type: DAHUA_CT,
        heartbeat: dahua_heartbeat(),
        streams: vec![(conn1, After::Close), (conn2, After::Heartbeats)],
    })
    .await;
    let sink = Arc::new(TestSink::default());
    let status = StatusHandle::new();
    let (tx, rx) = watch::channel(false);
    let cfg = test_config(&device, DAHUA_PATH, PullKind::DahuaAttach, "admin", "pw");
    let task = tokio::spawn(run_pull_with_status(cfg, sink.clone(), rx, status.clone()));

    let (expected, _) = dahua_oracle(&[DAHUA_FILES[1]]);
    wait_until("the second connection's events", Duration::from_secs(10), || {
        sink.decoded().0.len() >= expected.len()
    })
    .await;
    let st = status.snapshot();
    tx.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .unwrap()
        .unwrap();

    // The truncated VideoMotion Start is lost; the second connection's events all arrive.
    assert_eq!(sink.decoded().0, expected);
    assert_eq!(
        sink.states(),
        [
            (true, "connected".into()),
            (false, "stream ended".into()),
            (true, "connected".into()),
            (false, "shutdown".into()),
        ]
    );
    assert!(st.connected && st.reconnects == 1, "{st:?}");
    let log = device.log.lock().unwrap();
    assert_eq!(log.streams_served, 2, "{log:?}");
    assert!(log.auths.len() >= 2 && log.auths.iter().all(|a| a.0), "{log:?}");
    assert_nc_counts_up(&log);
}

#[tokio::test]
async fn silent_stream_hits_idle_timeout_and_reconnects() {
    let device = start_device(DeviceSpec {
        scheme: Scheme::Digest,
        user: "admin",
        pass: "pw",
        content_type: DAHUA_CT,
        heartbeat: dahua_heartbeat(),
        streams: vec![
            (vec![dahua_heartbeat()], After::Silent),
            (vec![fixture(DAHUA_FILES[2])], After::Heartbeats),
        ],
    })
    .await;
    let sink = Arc::new(TestSink::default());
    let (tx, rx) = watch::channel(false);
    let mut cfg = test_config(&device, DAHUA_PATH, PullKind::DahuaAttach, "admin", "pw");
    cfg.idle_timeout = Duration::from_millis(300);
    let task = tokio::spawn(run_pull_with_status(cfg, sink.clone(), rx, StatusHandle::new()));
    wait_until("events after the idle reconnect", Duration::from_secs(10), || {
        sink.decoded().0.len() >= 2
    })
    .await;
    tx.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .unwrap()
        .unwrap();
    let states = sink.states();
    assert!(!states[1].0);
    assert!(states[1].1.starts_with("idle timeout"), "{states:?}");
    assert_eq!(device.log.lock().unwrap().streams_served, 2);
}

#[tokio::test]
async fn wrong_password_is_an_auth_failure_with_long_backoff() {
    let device = start_device(DeviceSpec {
        scheme: Scheme::Digest,
        user: "admin",
        pass: "right",
        content_type: DAHUA_CT,
        heartbeat: dahua_heartbeat(),
        streams: vec![(vec![], After::Heartbeats)],
    })
    .await;
    let sink = Arc::new(TestSink::default());
    let status = StatusHandle::new();
    let (tx, rx) = watch::channel(false);
    let mut cfg = test_config(&device, DAHUA_PATH, PullKind::DahuaAttach, "admin", "wrong");
    cfg.auth_failure_backoff = Duration::from_secs(30);
    let task = tokio::spawn(run_pull_with_status(cfg, sink.clone(), rx, status.clone()));
    wait_until("an authentication failure", Duration::from_secs(5), || {
        status.snapshot().last_error.is_some()
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    tx.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .unwrap()
        .unwrap();
    let st = status.snapshot();
    assert!(
        st.last_error
            .as_deref()
            .is_some_and(|e| e.contains("authentication failed")),
        "{st:?}"
    );
    assert!(
        !st.connected && st.reconnects == 0,
        "no second attempt within the auth backoff: {st:?}"
    );
    assert!(sink.states().is_empty(), "never connected, so no transition");
    let log = device.log.lock().unwrap();
    assert_eq!(log.auths.len(), 1, "one signed attempt, then the long backoff: {log:?}");
    assert!(!log.auths[0].0);
}

#[tokio::test]
async fn basic_auth_when_the_device_asks_for_it() {
    let device = start_device(DeviceSpec {
        scheme: Scheme::Basic,
        user: "admin",
        pass: "pä:ss",
        content_type: DAHUA_CT,
        heartbeat: dahua_heartbeat(),
        streams: vec![(vec![fixture(DAHUA_FILES[2])], After::Heartbeats)],
    })
    .await;
    let sink = Arc::new(TestSink::default());
    let (tx, rx) = watch::channel(false);
    let cfg = test_config(&device, DAHUA_PATH, PullKind::DahuaAttach, "admin", "pä:ss");
    let task = tokio::spawn(run_pull_with_status(cfg, sink.clone(), rx, StatusHandle::new()));
    wait_until("access events", Duration::from_secs(10), || sink.decoded().0.len() >= 2).await;
    tx.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .unwrap()
        .unwrap();
    let log = device.log.lock().unwrap();
    assert!(!log.auths.is_empty() && log.auths.iter().all(|a| a.0), "{log:?}");
}

// ---------------------------------------------------------------------------------------------
// MQTT against a real broker

#[tokio::test]
async fn mqtt_frigate_and_generic_topics_against_broker() {
    let Ok(url) = std::env::var("NEIBAO_TEST_MQTT") else {
        println!("skipped: NEIBAO_TEST_MQTT unset");
        return;
    };
    let tag = format!("nbtest-{:08x}", rand::random::<u32>());
    let frigate = format!("{tag}/frigate");
    let generic = format!("{tag}/events");
    let mut cfg = MqttConfig::new(url.clone(), format!("{tag}-sub"));
    cfg.frigate_prefixes = vec![frigate.clone()];
    cfg.generic_prefix = generic.clone();
    cfg.backoff_min = Duration::from_millis(100);
    let broker = cfg.broker().unwrap();

    let sink = Arc::new(TestSink::default());
    let (tx, rx) = watch::channel(false);
    let task = tokio::spawn(run_mqtt(cfg.clone(), sink.clone(), rx));
    wait_until("MQTT subscription", Duration::from_secs(20), || {
        sink.states().iter().any(|s| s.0)
    })
    .await;

    let mut opts = rumqttc::MqttOptions::new(format!("{tag}-pub"), broker.host.clone(), broker.port);
    if let Some((u, p)) = broker.credentials.clone() {
        opts.set_credentials(u, p);
    }
    let (publisher, mut el) = rumqttc::AsyncClient::new(opts, 32);
    let poller = tokio::spawn(async move { while el.poll().await.is_ok() {} });
    let generic_body = br#"{"type":"intrusion.line_crossing","vendor_type":"tripwire","time":"2024-05-14T09:12:40+08:00","channel":2}"#;
    let publications: Vec<(String, Vec<u8>)> = vec![
        (
            format!("{frigate}/events"),
            fixture("frigate-mqtt/events_new_v0.14_snapshot_object.json"),
        ),
        (
            format!("{frigate}/events"),
            fixture("frigate-mqtt/events_end_v0.12_snapshot_time.json"),
        ),
        (
            format!("{frigate}/reviews"),
            fixture("frigate-mqtt/reviews_update_alert.json"),
        ),
        (
            format!("{frigate}/front_door/tracked_object_update"),
            fixture("frigate-mqtt/tracked_object_update_face.json"),
        ),
        (format!("{frigate}/available"), b"online".to_vec()),
        (format!("{generic}/tok-abc123"), generic_body.to_vec()),
    ];
    for (topic, payload) in &publications {
        publisher
            .publish(topic.clone(), rumqttc::QoS::AtLeastOnce, false, payload.clone())
            .await
            .unwrap();
    }
    wait_until("5 routed messages", Duration::from_secs(20), || {
        sink.mqtt.lock().unwrap().len() >= 5
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(sink.mqtt.lock().unwrap().len(), 5, "frigate/available must be ignored");

    // Resubscribe: a client taking over the subscriber's client id makes the broker drop it; it
    // must reconnect, subscribe again, and receive what is published afterwards.
    let mut take = rumqttc::MqttOptions::new(cfg.client_id.clone(), broker.host.clone(), broker.port);
    if let Some((u, p)) = broker.credentials.clone() {
        take.set_credentials(u, p);
    }
    let (taker, mut tel) = rumqttc::AsyncClient::new(take, 4);
    tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            if let Ok(rumqttc::Event::Incoming(rumqttc::Packet::ConnAck(_))) = tel.poll().await {
                break;
            }
        }
    })
    .await
    .expect("takeover client connects");
    let _ = taker.try_disconnect();
    let _ = tokio::time::timeout(Duration::from_millis(300), async { while tel.poll().await.is_ok() {} }).await;
    drop(tel);
    wait_until("resubscription after takeover", Duration::from_secs(20), || {
        sink.states().iter().filter(|s| s.0).count() >= 2
    })
    .await;
    let after = format!("{generic}/tok-after");
    publisher
        .publish(after.clone(), rumqttc::QoS::AtLeastOnce, false, generic_body.to_vec())
        .await
        .unwrap();
    wait_until("a message after resubscribing", Duration::from_secs(20), || {
        sink.mqtt.lock().unwrap().iter().any(|(_, m)| m.topic == after)
    })
    .await;
    tx.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .unwrap()
        .unwrap();
    let _ = publisher.disconnect().await;
    poller.abort();

    let got = sink.mqtt.lock().unwrap();
    assert_eq!(got.len(), 6);
    assert_eq!(
        got[5].1.route,
        MqttRoute::Generic {
            token: "tok-after".into()
        }
    );
    let fr = MqttRoute::Frigate {
        prefix: frigate.clone(),
    };
    for (i, (source, msg)) in got.iter().take(5).enumerate() {
        assert_eq!(source, &cfg.source);
        let (topic, payload) = if i < 4 { &publications[i] } else { &publications[5] };
        assert_eq!(&msg.topic, topic);
        assert_eq!(&msg.payload, payload);
        assert!(!msg.retain);
        if i < 4 {
            assert_eq!(msg.route, fr);
        } else {
            assert_eq!(
                msg.route,
                MqttRoute::Generic {
                    token: "tok-abc123".into()
                }
            );
        }
        let decoded = decode_message(msg).unwrap_or_else(|e| panic!("{topic}: {e}"));
        assert!(!decoded.events.is_empty() || decoded.heartbeats > 0, "{topic}");
    }
    let generic_events = decode_message(&got[4].1).unwrap();
    assert_eq!(
        summary(&generic_events),
        [(EventKind::LineCrossing, "tripwire".into(), EventState::Active, Some(2))]
    );
    let states = sink.states();
    assert_eq!(states.first(), Some(&(true, "subscribed".into())));
    assert!(!states[1].0, "{states:?}");
    assert_eq!(states[2], (true, "subscribed".into()));
    assert_eq!(states.last(), Some(&(false, "shutdown".into())));
}

#[tokio::test]
async fn mqtt_unreachable_broker_retries_with_backoff_and_stops_on_shutdown() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut cfg = MqttConfig::new(format!("mqtt://127.0.0.1:{port}"), "nb-unreachable");
    cfg.backoff_min = Duration::from_millis(20);
    cfg.backoff_max = Duration::from_millis(80);
    let sink = Arc::new(TestSink::default());
    let status = StatusHandle::new();
    let (tx, rx) = watch::channel(false);
    let task = tokio::spawn(neibao_transport::run_mqtt_with_status(
        cfg,
        sink.clone(),
        rx,
        status.clone(),
    ));
    wait_until("several reconnect attempts", Duration::from_secs(10), || {
        status.snapshot().reconnects >= 3
    })
    .await;
    drop(tx);
    tokio::time::timeout(Duration::from_secs(2), task)
        .await
        .unwrap()
        .unwrap();
    let st = status.snapshot();
    assert!(
        !st.connected && st.last_error.as_deref().is_some_and(|e| e.starts_with("connection")),
        "{st:?}"
    );
    assert!(sink.states().is_empty());
}

proptest! {
    /// Device-controlled `WWW-Authenticate` values never panic the client.
    #[test]
    fn auth_challenges_never_panic(
        any_text in ".{0,200}",
        digestish in "[Dd]igest( [a-z]{1,9}=(\"[^\"]{0,20}\"|[a-zA-Z0-9-]{0,12}),?){0,7}",
    ) {
        let mut a = neibao_transport::auth::HttpAuth::new("admin", "pw");
        for v in [any_text.as_str(), digestish.as_str()] {
            if a.set_challenge([v]).is_ok() {
                let _ = a.authorization("/ISAPI/Event/notification/alertStream");
            }
        }
    }
}

#[test]
fn large_parts_in_small_chunks_stay_linear() {
    // A 4 MiB body without line breaks, with and without Content-Length, fed in 4 KiB chunks.
    let body: Vec<u8> = (0..4 * 1024 * 1024 - 16).map(|i| b'a' + (i % 26) as u8).collect();
    for cl in [Some(body.len()), None] {
        let mut s = mk_part("b", "image/jpeg", &body, cl, "\r\n");
        s.extend_from_slice(b"--b\r\n");
        let start = std::time::Instant::now();
        let (parts, _) = parse_all(Some("b"), &s.chunks(4096).collect::<Vec<_>>());
        assert_eq!(parts.len(), 1);
        assert_eq!(parts[0].body.len(), body.len());
        assert!(start.elapsed() < Duration::from_secs(10), "{:?}", start.elapsed());
    }
}
