//! ZKTeco ADMS / "iclock" push bodies (docs/DEVICE-FORMATS.md §7): `POST …/cdata?SN=…&table=<T>`.
//!
//! The table comes from the URL query (`table=`), which the transport passes in; when absent it
//! is read from a form-encoded body (`table=ATTLOG&Stamp=…&data=<lines>`) or a leading `ATTLOG`
//! line. Text is UTF-8, or GB18030 when not valid UTF-8. Rows are LF or CRLF separated.
//!
//! - `ATTLOG`: positional TAB-separated rows of 4, 5, 7 or 12 fields
//!   (`PIN, time, status, verify, workcode, reserved1, reserved2, maskflag, temperature,
//!   convtemperature, timeoffset, extend`); an optional leading `ATTLOG` token per row is
//!   dropped. Each row → [`EventKind::AccessGranted`] (a successful punch), the PIN as
//!   employee number, verify code as `zkteco:<code>` (codes differ per model family), status
//!   (签到/签退 …) and temperature in the description; time is local with no offset unless the
//!   v3 `TimeOffset` column (seconds, `+28800`) gives one.
//! - `rtlog` (access terminals): `key=value` TAB rows; `event` 0 → granted, 8 remote open →
//!   unlocked, 22/23/27 … → denied, 102 → forced; `pin=0`/empty means no person; `event=255`
//!   (the empty status row sent several times a second) is counted as a heartbeat.
//! - `rtstate`: `time, sensor, relay, alarm, door` in hex; each relay byte is one door:
//!   non-zero → [`EventKind::DoorUnlocked`] active, zero → inactive (region `门N`); a non-zero
//!   `alarm` → [`EventKind::AccessAlarm`].
//! - Other tables (`OPERLOG`, `tabledata` …) carry no events: an empty payload.
//!
//! Rows that do not parse are skipped; a body where no row parses is an error.

use chrono::{FixedOffset, TimeZone};
use neibao_domain::events::{DecodedEvent, DecodedPayload, EventKind, EventState, PersonFields};

use crate::time::parse_device_time;
use crate::{sniff, DecodeError};

/// Most rows one body may carry; a larger body is refused with `too_many_records` (nothing of it
/// is kept), never cut.
pub const MAX_ROWS: usize = 5000;

/// Decodes one `cdata` body. `table` is the `table=` query parameter, if the URL had one.
pub fn decode_zkteco(table: Option<&str>, body: &[u8]) -> Result<DecodedPayload, DecodeError> {
    if sniff::trim_start(body).is_empty() {
        return Err(DecodeError::EmptyBody);
    }
    let text = crate::gb28181::transcode(body);
    let mut text = text.as_str();
    let form_data;
    let mut table = table.map(str::trim).filter(|t| !t.is_empty()).map(str::to_string);
    // Form-encoded body: `table=ATTLOG&Stamp=9999&data=<lines>`.
    if text.trim_start().starts_with("table=") && text.contains("data=") {
        let mut data = None;
        for kv in text.trim().split('&') {
            match kv.split_once('=') {
                Some(("table", v)) if table.is_none() => table = Some(percent_decode(v)),
                Some(("data", v)) => data = Some(percent_decode(v)),
                _ => {}
            }
        }
        form_data = data.unwrap_or_default();
        text = &form_data;
    }
    // A leading `ATTLOG` / `rtlog` … line names the table.
    let first = text.trim_start().lines().next().unwrap_or("").trim();
    if !first.is_empty() && !first.contains(['\t', '=', ' ']) {
        table.get_or_insert_with(|| first.to_string());
        if table.as_deref().is_some_and(|t| t.eq_ignore_ascii_case(first)) {
            text = text.trim_start()[first.len()..].trim_start_matches(['\r', '\n']);
        }
    }
    let table = table.ok_or(DecodeError::MissingField { field: "table" })?;
    let rows = text
        .lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.trim().is_empty());
    // Refused whole rather than cut: the device is told `OK` only for what was kept.
    if rows.clone().nth(MAX_ROWS).is_some() {
        return Err(DecodeError::TooManyRecords { max: MAX_ROWS });
    }
    let mut out = DecodedPayload::default();
    let (decode_row, field): (RowDecoder, &'static str) = match table.to_ascii_lowercase().as_str() {
        "attlog" => (attlog_row, "ATTLOG"),
        "rtlog" => (rtlog_row, "rtlog"),
        "rtstate" => (rtstate_row, "rtstate"),
        _ => return Ok(out),
    };
    let mut seen = 0usize;
    let mut good = 0usize;
    for row in rows {
        seen += 1;
        if decode_row(row, &mut out) {
            good += 1;
        }
    }
    if seen > 0 && good == 0 {
        return Err(DecodeError::InvalidField { field });
    }
    for ev in &mut out.events {
        ev.sanitize();
    }
    Ok(out)
}

/// Decodes one row into events; false when the row does not parse.
type RowDecoder = fn(&str, &mut DecodedPayload) -> bool;

/// ATTLOG status column, zh-CN.
fn status_zh(s: &str) -> Option<&'static str> {
    Some(match s {
        "0" => "签到",
        "1" => "签退",
        "2" => "外出",
        "3" => "外出返回",
        "4" => "加班签到",
        "5" => "加班签退",
        _ => return None,
    })
}

fn attlog_row(row: &str, out: &mut DecodedPayload) -> bool {
    let row = row.trim_start();
    let row = match row.get(..6) {
        Some(p) if p.eq_ignore_ascii_case("ATTLOG") && row[6..].starts_with([' ', '\t']) => row[6..].trim_start(),
        _ => row,
    };
    let f: Vec<&str> = row.split('\t').map(str::trim).collect();
    let (Some(pin), Some(time)) = (f.first().filter(|p| !p.is_empty()), f.get(1)) else {
        return false;
    };
    let Some((mut t, mut had)) = parse_device_time(time) else {
        return false;
    };
    // v3 `TimeOffset` column: seconds east of UTC.
    if let Some(off) = f.get(10).and_then(|o| o.trim_start_matches('+').parse::<i32>().ok()) {
        if let Some(zone) = FixedOffset::east_opt(off) {
            if let Some(local) = zone.from_local_datetime(&t.naive_local()).single() {
                t = local;
                had = true;
            }
        }
    }
    let status = f.get(2).copied().unwrap_or("");
    let mut ev = DecodedEvent::new(EventKind::AccessGranted, format!("ATTLOG/{status}"), EventState::Active);
    ev.device_time = Some(t);
    ev.device_time_has_offset = had;
    ev.person = PersonFields {
        employee_no: Some(pin.to_string()),
        verify_mode: f.get(3).filter(|v| !v.is_empty()).map(|v| format!("zkteco:{v}")),
        ..PersonFields::default()
    };
    let mut desc: Vec<String> = status_zh(status).map(str::to_string).into_iter().collect();
    if let Some(temp) = f.get(8).filter(|v| !v.is_empty() && **v != "0") {
        desc.push(format!("体温 {temp}"));
    }
    ev.description = Some(desc.join(" ")).filter(|d| !d.is_empty());
    out.events.push(ev);
    true
}

/// `key=value` pairs of a TAB-separated row.
fn pairs(row: &str) -> Vec<(String, &str)> {
    row.split('\t')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim()))
        .collect()
}

fn val<'a>(p: &'a [(String, &'a str)], key: &str) -> Option<&'a str> {
    p.iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| *v)
        .filter(|v| !v.is_empty())
}

fn rtlog_row(row: &str, out: &mut DecodedPayload) -> bool {
    let p = pairs(row);
    let Some(code) = val(&p, "event") else {
        return false;
    };
    let kind = match code.parse::<u32>().unwrap_or(u32::MAX) {
        0 | 1 | 2 | 3 | 4 | 14 | 15 | 16 | 17 | 18 | 19 => EventKind::AccessGranted,
        8 | 9 => EventKind::DoorUnlocked,
        20..=27 | 29..=35 | 41 | 42 | 101 | 103 => EventKind::AccessDenied,
        102 => EventKind::DoorForced,
        28 | 104 => EventKind::DoorOpenTimeout,
        // 255: the frequent empty status row, a keep-alive.
        255 => {
            out.heartbeats = out.heartbeats.saturating_add(1);
            return true;
        }
        _ => EventKind::Unknown,
    };
    let mut ev = DecodedEvent::new(kind, format!("rtlog/{code}"), EventState::Active);
    if let Some((t, had)) = val(&p, "time").and_then(parse_device_time) {
        ev.device_time = Some(t);
        ev.device_time_has_offset = had;
    }
    let pin = val(&p, "pin").filter(|v| *v != "0");
    ev.person = PersonFields {
        employee_no: pin.map(str::to_string),
        card_no: val(&p, "cardno").filter(|v| *v != "0").map(str::to_string),
        verify_mode: val(&p, "verifytype").map(|v| format!("zkteco:{v}")),
        ..PersonFields::default()
    };
    ev.region = val(&p, "eventaddr").map(|d| format!("门{d}"));
    ev.serial_no = val(&p, "index").and_then(|i| i.parse().ok());
    out.events.push(ev);
    true
}

fn rtstate_row(row: &str, out: &mut DecodedPayload) -> bool {
    let p = pairs(row);
    let time = val(&p, "time").and_then(parse_device_time);
    let raw = ["sensor", "relay", "alarm", "door"]
        .iter()
        .filter_map(|k| val(&p, k).map(|v| format!("{k}={v}")))
        .collect::<Vec<_>>()
        .join(" ");
    let Some(relay) = val(&p, "relay") else {
        return false;
    };
    let bytes: Vec<u8> = relay
        .as_bytes()
        .chunks(2)
        .take(16)
        .filter_map(|c| u8::from_str_radix(std::str::from_utf8(c).ok()?, 16).ok())
        .collect();
    if bytes.is_empty() {
        return false;
    }
    let stamp = |ev: &mut DecodedEvent| {
        if let Some((t, had)) = time {
            ev.device_time = Some(t);
            ev.device_time_has_offset = had;
        }
        ev.description = Some(raw.clone());
    };
    for (i, b) in bytes.iter().enumerate() {
        let state = if *b != 0 {
            EventState::Active
        } else {
            EventState::Inactive
        };
        let mut ev = DecodedEvent::new(EventKind::DoorUnlocked, "rtstate/relay", state);
        ev.region = Some(format!("门{}", i + 1));
        stamp(&mut ev);
        out.events.push(ev);
    }
    if val(&p, "alarm").is_some_and(|a| a.chars().any(|c| c.is_ascii_hexdigit() && c != '0')) {
        let mut ev = DecodedEvent::new(EventKind::AccessAlarm, "rtstate/alarm", EventState::Active);
        stamp(&mut ev);
        out.events.push(ev);
    }
    true
}

/// `%XX` and `+` decoding for form-encoded bodies; invalid escapes are kept as they are.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                match std::str::from_utf8(&b[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    Some(v) => {
                        out.push(v);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The text answered to the `GET …/cdata?SN=…&options=all` handshake (attendance-terminal form):
/// `GET OPTION FROM: <SN>` and the options that make the device push everything in real time.
/// `sn` is echoed only when it is short and alphanumeric.
pub fn handshake_options(sn: Option<&str>) -> String {
    let sn = sn
        .filter(|s| {
            !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .unwrap_or("");
    format!(
        "GET OPTION FROM: {sn}\nATTLOGStamp=None\nOPERLOGStamp=9999\nATTPHOTOStamp=None\nErrorDelay=30\nDelay=10\n\
         TransTimes=00:00;14:05\nTransInterval=1\nTransFlag=TransData AttLog OpLog\nTimeZone=8\nRealtime=1\nEncrypt=None\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        let p = format!(
            "{}/../../tests/fixtures/devices/zkteco-adms/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(p).expect("fixture")
    }

    #[test]
    fn a_body_over_the_row_cap_is_refused_whole_not_cut() {
        let row = "E1\t2024-05-14 08:00:00\t0\t1\n";
        let at_cap = row.repeat(MAX_ROWS);
        assert_eq!(
            decode_zkteco(Some("ATTLOG"), at_cap.as_bytes()).unwrap().events.len(),
            MAX_ROWS
        );
        let over = row.repeat(MAX_ROWS + 1);
        assert_eq!(
            decode_zkteco(Some("ATTLOG"), over.as_bytes()).unwrap_err(),
            DecodeError::TooManyRecords { max: MAX_ROWS }
        );
    }

    #[test]
    fn attlog_rows_of_4_7_12_fields() {
        let out = decode_zkteco(Some("ATTLOG"), &fixture("cdata_table-ATTLOG_body.txt")).unwrap();
        assert_eq!(out.events.len(), 4);
        assert!(out.events.iter().all(|e| e.kind == EventKind::AccessGranted));
        let e = &out.events[0];
        assert_eq!(e.person.employee_no.as_deref(), Some("E10042"));
        assert_eq!(e.person.verify_mode.as_deref(), Some("zkteco:1"));
        assert_eq!(e.description.as_deref(), Some("签到"));
        assert!(!e.device_time_has_offset);
        let v3 = &out.events[1];
        assert!(v3.device_time_has_offset);
        assert_eq!(v3.device_time.unwrap().to_rfc3339(), "2024-05-14T08:31:02+08:00");
        assert_eq!(v3.description.as_deref(), Some("签到 体温 36.4"));
        assert_eq!(out.events[2].person.employee_no.as_deref(), Some("9999"));
        assert_eq!(out.events[3].description.as_deref(), Some("签退"));
    }

    #[test]
    fn rtstate_door_relay() {
        let out = decode_zkteco(Some("rtstate"), &fixture("cdata_table-rtstate_body.txt")).unwrap();
        assert_eq!(out.events.len(), 1);
        let e = &out.events[0];
        assert_eq!((e.kind, e.state), (EventKind::DoorUnlocked, EventState::Active));
        assert_eq!(e.region.as_deref(), Some("门1"));
    }

    #[test]
    fn table_in_body_form_and_prefix() {
        let out = decode_zkteco(None, b"ATTLOG\n1\t2024-05-14 08:30:15\t0\t1\n").unwrap();
        assert_eq!(out.events.len(), 1);
        let out = decode_zkteco(None, b"ATTLOG 7\t2024-05-14 08:30:15\t0\t1\n").unwrap_err();
        assert_eq!(out, DecodeError::MissingField { field: "table" });
        let out = decode_zkteco(Some("ATTLOG"), b"ATTLOG 7\t2024-05-14 08:30:15\t0\t1\n").unwrap();
        assert_eq!(out.events[0].person.employee_no.as_deref(), Some("7"));
        let out = decode_zkteco(
            None,
            b"table=ATTLOG&Stamp=9999&data=8%092024-05-14+08%3A30%3A15%090%091%0A",
        )
        .unwrap();
        assert_eq!(out.events[0].person.employee_no.as_deref(), Some("8"));
        let out = decode_zkteco(Some("OPERLOG"), b"OPLOG 4\t0\t2024-05-14 08:30:15\t0").unwrap();
        assert!(out.events.is_empty());
    }

    #[test]
    fn rtlog_rows() {
        let body = b"time=2024-05-14 14:15:03\tpin=0\tcardno=0\teventaddr=1\tevent=102\tinoutstatus=0\tverifytype=200\tindex=12\r\n\
time=2024-05-14 14:16:03\tpin=10043\tcardno=0\teventaddr=1\tevent=0\tinoutstatus=0\tverifytype=15\tindex=13\r\n\
time=2024-05-14 14:16:04\tpin=0\tcardno=0\teventaddr=0\tevent=255\tinoutstatus=0\tverifytype=0\tindex=14\r\n";
        let out = decode_zkteco(Some("rtlog"), body).unwrap();
        assert_eq!(out.events.len(), 2);
        assert_eq!(out.heartbeats, 1);
        assert_eq!(out.events[0].kind, EventKind::DoorForced);
        assert!(out.events[0].person.is_empty() || out.events[0].person.employee_no.is_none());
        assert_eq!(out.events[1].kind, EventKind::AccessGranted);
        assert_eq!(out.events[1].person.employee_no.as_deref(), Some("10043"));
    }

    #[test]
    fn garbage_is_an_error() {
        assert_eq!(decode_zkteco(Some("ATTLOG"), b"\n "), Err(DecodeError::EmptyBody));
        assert_eq!(
            decode_zkteco(Some("ATTLOG"), b"\xff\xfe\x00garbage"),
            Err(DecodeError::InvalidField { field: "ATTLOG" })
        );
        assert!(decode_zkteco(Some("rtstate"), b"nothing here").is_err());
        assert!(handshake_options(Some("ZK1")).starts_with("GET OPTION FROM: ZK1\n"));
        assert!(handshake_options(Some("a\nb")).starts_with("GET OPTION FROM: \n"));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(body in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            for t in [None, Some("ATTLOG"), Some("rtlog"), Some("rtstate")] {
                let _ = decode_zkteco(t, &body);
            }
            let mut b = b"table=ATTLOG&data=".to_vec();
            b.extend_from_slice(&body);
            let _ = decode_zkteco(None, &b);
        }
    }
}
