//! `neibao bench decode`: documents per second and MB per second of every device decoder over the
//! repository's device fixtures, on one thread, next to a "parse only" ceiling measured in the
//! same run over the same bytes.
//!
//! Fixtures: the payload files of `tests/fixtures/devices/` are compiled into the binary
//! (`include_bytes!`), so an installed binary measures the same documents as a checkout and needs
//! no folder. Left out: files that are not device payloads (the ZKTeco handshake transcript, the
//! Hikvision datetime table, the GB/T 28181 platform answer `response_alarm_result_ok.xml`) and the
//! third-party webhooks of `generic-webhooks/` (Verkada, Plate Recognizer, Envoy: no neibao format
//! takes them as they are; an integration maps them to the generic shape first). Payloads a decoder
//! refuses by design (Frigate `frigate/triggers`) are kept and counted as refused.
//!
//! Measurement: per format, one untimed warm-up round over its fixtures, then whole rounds until
//! the time is up (at least one round, elapsed time), all on the calling thread; `MB` is 10^6
//! bytes of payload. Rates are per second of the thread's CPU time (Linux
//! `/proc/thread-self/schedstat`), so that other work on the machine lowers the number of rounds
//! but not the rates; where that cannot be read, per elapsed second. The share of the elapsed
//! time the thread was on a CPU is reported with each row.
//! The `multipart` row is the shared splitter ([`neibao_ingest::multipart::split`]) alone over the
//! multipart fixtures of Hikvision and Dahua.
//!
//! Ceiling, per document, the syntax work without the decoder's mapping: XML → every
//! `quick-xml` token to the end (the tokenizer the XML decoders build on; GBK bytes are tokenized
//! as they are), JSON → `serde_json::Value` (what the JSON decoders parse into), multipart →
//! the splitter, then each part as XML/JSON/text, other text (Dahua `Code=…` lines, ZKTeco TSV) →
//! split into lines and TAB-separated fields. For the `multipart` row itself the ceiling is one
//! pass over the body counting line ends.

use std::hint::black_box;
use std::time::{Duration, Instant};

use neibao_domain::devices::DeviceFormat;
use neibao_domain::events::DecodedPayload;
use neibao_ingest::{multipart, DecodeError};
use serde::Serialize;

/// What is measured: one decoder (a device format), or the shared multipart splitter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BenchFormat {
    Device(DeviceFormat),
    Multipart,
}

impl BenchFormat {
    /// Every row of the table, in order: the seven device formats, then the splitter.
    pub fn all() -> Vec<BenchFormat> {
        let mut v: Vec<_> = DeviceFormat::ALL.into_iter().map(BenchFormat::Device).collect();
        v.push(BenchFormat::Multipart);
        v
    }

    /// The code given to `--format` and printed: the device format's code, or `multipart`.
    pub fn code(self) -> &'static str {
        match self {
            BenchFormat::Device(f) => f.code(),
            BenchFormat::Multipart => "multipart",
        }
    }

    /// Parses a `--format` value; `None` for an unknown code.
    pub fn from_code(s: &str) -> Option<BenchFormat> {
        BenchFormat::all().into_iter().find(|f| f.code() == s)
    }
}

/// One embedded payload with the transport details its decoder is given.
#[derive(Debug)]
pub struct Fixture {
    pub format: DeviceFormat,
    /// Path under `tests/fixtures/devices/`.
    pub name: &'static str,
    /// `Content-Type` the transport delivers it with (see the fixtures' README).
    pub content_type: Option<&'static str>,
    /// ZKTeco `table` query parameter.
    pub table: Option<&'static str>,
    pub body: &'static [u8],
}

macro_rules! fx {
    ($format:ident, $dir:literal, $file:literal, $ct:expr) => {
        fx!($format, $dir, $file, $ct, None)
    };
    ($format:ident, $dir:literal, $file:literal, $ct:expr, $table:expr) => {
        Fixture {
            format: DeviceFormat::$format,
            name: concat!($dir, "/", $file),
            content_type: $ct,
            table: $table,
            body: include_bytes!(concat!("../../../tests/fixtures/devices/", $dir, "/", $file)),
        }
    };
}

const XML: Option<&str> = Some("application/xml");
const JSON: Option<&str> = Some("application/json");
const DAHUA_STREAM: Option<&str> = Some("multipart/x-mixed-replace; boundary=myboundary");
const MANSCDP: Option<&str> = Some("Application/MANSCDP+xml");
const TEXT: Option<&str> = Some("text/plain");

/// Every payload fixture of the repository (a test checks that none is missing).
#[rustfmt::skip]
pub static FIXTURES: &[Fixture] = &[
    fx!(Hikvision, "hikvision-isapi-alert", "alert_fielddetection_vehicle_ver20_nodecl.xml", XML),
    fx!(Hikvision, "hikvision-isapi-alert", "alert_io_input_ver20.xml", XML),
    fx!(Hikvision, "hikvision-isapi-alert", "alert_shelteralarm_tamper_ver20.xml", XML),
    fx!(Hikvision, "hikvision-isapi-alert", "alert_anpr_plate_unknown_ver20.xml", XML),
    fx!(Hikvision, "hikvision-isapi-alert", "alertstream_nvr_heartbeat_then_vmd.txt", Some("multipart/mixed; boundary=boundary")),
    fx!(Hikvision, "hikvision-isapi-alert", "httphost_push_linedetection_multipart.bin", Some("multipart/form-data; boundary=boundary")),
    fx!(Hikvision, "hikvision-acs", "accesscontrollerevent_card_pass_plain_json.json", JSON),
    fx!(Hikvision, "hikvision-acs", "accesscontrollerevent_door_no_person.json", JSON),
    fx!(Hikvision, "hikvision-acs", "heartbeat.json", JSON),
    fx!(Hikvision, "hikvision-acs", "acsevent_search_response_pull.json", JSON),
    fx!(GenericJson, "generic-json", "events_docs_example.json", JSON),
    fx!(Dahua, "dahua-eventmanager", "attach_all_heartbeat5_videomotion.txt", DAHUA_STREAM),
    fx!(Dahua, "dahua-eventmanager", "crosslinedetection_start_stop.txt", DAHUA_STREAM),
    fx!(Dahua, "dahua-eventmanager", "accesscontrol_and_doorface_pulse.txt", DAHUA_STREAM),
    fx!(Dahua, "dahua-eventmanager", "crossregiondetection_cross_direction_enter_leave.txt", DAHUA_STREAM),
    fx!(Dahua, "dahua-eventmanager", "crossregiondetection_appear_inside_utc_and_localetime.txt", DAHUA_STREAM),
    fx!(Dahua, "dahua-eventmanager", "rpc2_notifyeventstream_vto.json", JSON),
    fx!(Onvif, "onvif", "pullmessages_response_initialized_hikvision_style.xml", XML),
    fx!(Onvif, "onvif", "pullmessages_response_motion_and_intrusion_changed.xml", XML),
    fx!(Onvif, "onvif", "notify_basenotification_push_cellmotion.xml", XML),
    fx!(Onvif, "onvif", "axis_metadatastream_vmd4_pir_ptz_1_0.xml", XML),
    fx!(Onvif, "onvif", "axis_objectanalytics_classtypes_PARTLY_VERIFIED.xml", XML),
    fx!(Frigate, "frigate-mqtt", "events_new_v0.14_snapshot_object.json", JSON),
    fx!(Frigate, "frigate-mqtt", "events_end_v0.12_snapshot_time.json", JSON),
    fx!(Frigate, "frigate-mqtt", "reviews_update_alert.json", JSON),
    fx!(Frigate, "frigate-mqtt", "tracked_object_update_face.json", JSON),
    fx!(Frigate, "frigate-mqtt", "not_event_triggers_v0.17.json", JSON),
    fx!(Gb28181, "gb28181", "alarm_notify_video_motion_gbk_standalone.xml", MANSCDP),
    fx!(Gb28181, "gb28181", "alarm_notify_device_alarm_2011_style.xml", MANSCDP),
    fx!(Zkteco, "zkteco-adms", "cdata_table-ATTLOG_body.txt", TEXT, Some("ATTLOG")),
    fx!(Zkteco, "zkteco-adms", "cdata_table-rtstate_body.txt", TEXT, Some("rtstate")),
];

/// Decodes one fixture the way the intake service does for its format.
pub fn decode(f: &Fixture) -> Result<DecodedPayload, DecodeError> {
    match f.format {
        DeviceFormat::Hikvision => neibao_ingest::decode_hikvision(f.content_type, f.body),
        DeviceFormat::GenericJson => neibao_ingest::decode_generic_json(f.body),
        DeviceFormat::Dahua => neibao_ingest::decode_dahua(f.content_type, f.body),
        DeviceFormat::Onvif => neibao_ingest::decode_onvif(f.body),
        DeviceFormat::Frigate => neibao_ingest::decode_frigate(f.body),
        DeviceFormat::Gb28181 => neibao_ingest::decode_gb28181(f.body),
        DeviceFormat::Zkteco => neibao_ingest::decode_zkteco(f.table, f.body),
    }
}

/// The fixtures of one row: a format's own, or for `multipart` every multipart body.
pub fn fixtures_of(format: BenchFormat) -> Vec<&'static Fixture> {
    FIXTURES
        .iter()
        .filter(|f| match format {
            BenchFormat::Device(d) => f.format == d,
            BenchFormat::Multipart => is_multipart(f),
        })
        .collect()
}

fn is_multipart(f: &Fixture) -> bool {
    f.content_type
        .is_some_and(|c| c.to_ascii_lowercase().starts_with("multipart/"))
}

/// One row of the result. Rates are per second of the measuring thread's CPU time (see `clock`).
#[derive(Debug, Clone, Serialize)]
pub struct DecodeRow {
    /// [`BenchFormat::code`].
    pub format: &'static str,
    /// Fixtures in one round.
    pub fixtures: usize,
    /// Payload bytes in one round.
    pub bytes_per_round: usize,
    /// Documents decoded in the timed rounds.
    pub documents: u64,
    /// Seconds of the decoder's timed rounds on `clock`; every rate is per such second.
    pub seconds: f64,
    /// `thread_cpu`: CPU time of the measuring thread (so other load on the machine does not
    /// lower the rates); `wall`: elapsed time, where thread CPU time cannot be read.
    pub clock: &'static str,
    /// Thread CPU time / elapsed time of the decoder's rounds (1 on `wall`): below 1 the thread
    /// shared its core with other work.
    pub cpu_share: f64,
    pub documents_per_second: f64,
    /// 10^6 payload bytes per second.
    pub mb_per_second: f64,
    pub ns_per_document: f64,
    /// Events per round (for `multipart`: parts per round).
    pub events_per_round: usize,
    /// Fixtures of one round the decoder refused (by design, e.g. Frigate triggers).
    pub refused_per_round: usize,
    pub ceiling_documents_per_second: f64,
    pub ceiling_mb_per_second: f64,
    /// `documents_per_second / ceiling_documents_per_second`.
    pub share_of_ceiling: f64,
}

/// Counts of a timed loop.
struct Timed {
    documents: u64,
    bytes: u64,
    /// Thread CPU seconds when readable, else wall seconds: what rates are per.
    seconds: f64,
    wall_seconds: f64,
    on_cpu: bool,
}

/// CPU time of the calling thread so far: Linux `/proc/thread-self/schedstat`, first field
/// (nanoseconds on the CPU, updated at each scheduler tick and switch); `None` elsewhere.
fn thread_cpu() -> Option<Duration> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok().map(Duration::from_nanos)
}

/// Runs `work` over `fixtures` in whole rounds until `time` has passed (at least one round).
fn timed(fixtures: &[&'static Fixture], time: Duration, mut work: impl FnMut(&Fixture) -> usize) -> Timed {
    for f in fixtures {
        black_box(work(black_box(f)));
    }
    let cpu_start = thread_cpu();
    let start = Instant::now();
    let (mut documents, mut bytes) = (0u64, 0u64);
    loop {
        for f in fixtures {
            black_box(work(black_box(f)));
            bytes += f.body.len() as u64;
        }
        documents += fixtures.len() as u64;
        if start.elapsed() >= time {
            break;
        }
    }
    let wall_seconds = start.elapsed().as_secs_f64();
    let cpu = cpu_start
        .zip(thread_cpu())
        .map(|(a, b)| b.saturating_sub(a).as_secs_f64())
        .filter(|c| *c > 0.0);
    Timed {
        documents,
        bytes,
        seconds: cpu.unwrap_or(wall_seconds),
        wall_seconds,
        on_cpu: cpu.is_some(),
    }
}

/// The decoder's work on one fixture: events (or parts) produced, so the result is used.
fn decoder_work(format: BenchFormat, f: &Fixture) -> usize {
    match format {
        BenchFormat::Device(_) => decode(f).map(|p| p.events.len() + p.heartbeats as usize).unwrap_or(0),
        BenchFormat::Multipart => multipart::split(f.body, boundary(f).as_deref()).len(),
    }
}

fn boundary(f: &Fixture) -> Option<String> {
    f.content_type.and_then(multipart::boundary_param)
}

/// The ceiling's work on one fixture (see the module docs): tokens, values or lines seen.
fn ceiling_work(format: BenchFormat, f: &Fixture) -> usize {
    match format {
        BenchFormat::Multipart => lines(f.body),
        BenchFormat::Device(_) if is_multipart(f) => multipart::split(f.body, boundary(f).as_deref())
            .iter()
            .map(|p| parse_only(p.body))
            .sum(),
        BenchFormat::Device(_) => parse_only(f.body),
    }
}

/// Syntax only: XML tokens, a JSON value, or lines.
pub fn parse_only(body: &[u8]) -> usize {
    let start = body.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(body.len());
    match body.get(start) {
        Some(b'<') => xml_tokens(body),
        Some(b'{' | b'[') => serde_json::from_slice::<serde_json::Value>(body).map_or(0, |_| 1),
        _ => body
            .split(|&b| b == b'\n')
            .map(|l| l.split(|&b| b == b'\t').count())
            .sum(),
    }
}

/// Tokens `quick-xml` reads before the end of the document (or its first error).
pub fn xml_tokens(body: &[u8]) -> usize {
    let mut reader = quick_xml::Reader::from_reader(body);
    let mut n = 0;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) | Err(_) => return n,
            Ok(e) => {
                black_box(e);
                n += 1;
            }
        }
    }
}

fn lines(body: &[u8]) -> usize {
    body.iter().filter(|&&b| b == b'\n').count()
}

/// Measures `formats` (all when empty), `seconds` for the decoder and as long again for the
/// ceiling per format.
pub fn run(formats: &[BenchFormat], seconds: f64) -> Vec<DecodeRow> {
    let formats = if formats.is_empty() {
        BenchFormat::all()
    } else {
        formats.to_vec()
    };
    let time = Duration::from_secs_f64(seconds);
    formats
        .into_iter()
        .map(|format| {
            let fixtures = fixtures_of(format);
            let d = timed(&fixtures, time, |f| decoder_work(format, f));
            let c = timed(&fixtures, time, |f| ceiling_work(format, f));
            let (dps, cps) = (d.documents as f64 / d.seconds, c.documents as f64 / c.seconds);
            let (events_per_round, refused_per_round) = match format {
                BenchFormat::Device(_) => fixtures.iter().fold((0, 0), |(e, r), f| match decode(f) {
                    Ok(p) => (e + p.events.len(), r),
                    Err(_) => (e, r + 1),
                }),
                BenchFormat::Multipart => (fixtures.iter().map(|f| decoder_work(format, f)).sum(), 0),
            };
            DecodeRow {
                format: format.code(),
                fixtures: fixtures.len(),
                bytes_per_round: fixtures.iter().map(|f| f.body.len()).sum(),
                documents: d.documents,
                seconds: d.seconds,
                clock: if d.on_cpu { "thread_cpu" } else { "wall" },
                cpu_share: d.seconds / d.wall_seconds,
                documents_per_second: dps,
                mb_per_second: d.bytes as f64 / d.seconds / 1e6,
                ns_per_document: d.seconds * 1e9 / d.documents as f64,
                events_per_round,
                refused_per_round,
                ceiling_documents_per_second: cps,
                ceiling_mb_per_second: c.bytes as f64 / c.seconds / 1e6,
                share_of_ceiling: dps / cps,
            }
        })
        .collect()
}

/// Arguments of `neibao bench decode`.
#[derive(Debug, clap::Args)]
pub struct DecodeArgs {
    /// Seconds per format for the decoder, and as long again for the parse-only ceiling.
    #[arg(long, default_value_t = 2.0)]
    pub seconds: f64,
    /// Only these formats (repeatable): hikvision, generic_json, dahua, onvif, frigate, gb28181,
    /// zkteco, multipart.
    #[arg(long)]
    pub format: Vec<String>,
    /// Print JSON (an array of rows) instead of the table.
    #[arg(long)]
    pub json: bool,
}

/// Checks the arguments, runs, and returns what to print (a Markdown table or JSON).
///
/// Errors (zh-CN): `--seconds` not in (0, 600], an unknown `--format`.
pub fn run_cli(args: &DecodeArgs) -> anyhow::Result<String> {
    if !(args.seconds > 0.0 && args.seconds <= 600.0) {
        anyhow::bail!("--seconds 须大于 0 且不超过 600（每种格式的计时秒数）");
    }
    let mut formats = Vec::new();
    for code in &args.format {
        let Some(f) = BenchFormat::from_code(code) else {
            let known: Vec<_> = BenchFormat::all().into_iter().map(BenchFormat::code).collect();
            anyhow::bail!("未知的格式 {code}：可选 {}", known.join("、"));
        };
        formats.push(f);
    }
    let rows = run(&formats, args.seconds);
    if args.json {
        return Ok(serde_json::to_string_pretty(&rows)?);
    }
    Ok(table(&rows))
}

/// The rows as a Markdown table with Chinese headers (pasted into docs/BENCHMARKS.md as is).
pub fn table(rows: &[DecodeRow]) -> String {
    let mut s = String::from(
        "| 格式 | 样本数 | 每轮字节 | 每轮事件 | 每轮拒收 | 文档/秒 | MB/秒 | 纳秒/文档 | 仅解析上限 文档/秒 | 上限 MB/秒 | 占上限 | 计时 | CPU 占有 |\n\
         |---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for r in rows {
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} | {:.0} | {:.1} | {:.0} | {:.0} | {:.1} | {:.0} % | {} | {:.0} % |\n",
            r.format,
            r.fixtures,
            r.bytes_per_round,
            r.events_per_round,
            r.refused_per_round,
            r.documents_per_second,
            r.mb_per_second,
            r.ns_per_document,
            r.ceiling_documents_per_second,
            r.ceiling_mb_per_second,
            r.share_of_ceiling * 100.0,
            if r.clock == "thread_cpu" {
                "线程 CPU"
            } else {
                "墙钟"
            },
            r.cpu_share * 100.0
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every payload file in the fixture folders is embedded, so a fixture added later is measured.
    #[test]
    fn every_payload_fixture_is_embedded() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/devices");
        let not_payloads = [
            "README.md",
            "generic-webhooks/verkada_lpr_webhook.json",
            "generic-webhooks/platerecognizer_people_detected_webhook.json",
            "generic-webhooks/envoy_legacy_webhook_sign_in_PARTLY_VERIFIED.json",
            "hikvision-isapi-alert/quirk_datetime_values_seen.txt",
            "zkteco-adms/handshake_transcript.txt",
            "gb28181/response_alarm_result_ok.xml",
        ];
        let mut on_disk = Vec::new();
        for dir in std::fs::read_dir(&root).expect("fixture folder") {
            let dir = dir.expect("entry").path();
            if !dir.is_dir() {
                continue;
            }
            for file in std::fs::read_dir(&dir).expect("vendor folder") {
                let path = file.expect("entry").path();
                let rel = path
                    .strip_prefix(&root)
                    .expect("under root")
                    .to_string_lossy()
                    .replace('\\', "/");
                if !not_payloads.contains(&rel.as_str()) {
                    on_disk.push(rel);
                }
            }
        }
        on_disk.sort();
        let mut embedded: Vec<_> = FIXTURES.iter().map(|f| f.name.to_string()).collect();
        embedded.sort();
        assert_eq!(embedded, on_disk);
    }

    /// Each format has fixtures, and every fixture decodes except the ones refused by design.
    #[test]
    fn every_fixture_decodes_as_expected() {
        for format in BenchFormat::all() {
            assert!(!fixtures_of(format).is_empty(), "{}", format.code());
        }
        for f in FIXTURES {
            match decode(f) {
                Ok(p) => assert!(
                    !p.events.is_empty() || p.heartbeats > 0 || f.name.contains("initialized"),
                    "{}",
                    f.name
                ),
                Err(e) => assert_eq!(
                    (f.name, e.code()),
                    ("frigate-mqtt/not_event_triggers_v0.17.json", "not_an_event")
                ),
            }
        }
    }

    /// The XML ceiling reads whole documents (GBK bytes included), not just up to an error.
    #[test]
    fn the_xml_ceiling_reads_to_the_end() {
        for f in FIXTURES
            .iter()
            .filter(|f| f.content_type == XML || f.format == DeviceFormat::Gb28181)
        {
            let mut reader = quick_xml::Reader::from_reader(f.body);
            loop {
                match reader.read_event() {
                    Ok(quick_xml::events::Event::Eof) => break,
                    Ok(_) => {}
                    Err(e) => panic!("{}: {e}", f.name),
                }
            }
            assert!(xml_tokens(f.body) > 10, "{}", f.name);
        }
    }
}
