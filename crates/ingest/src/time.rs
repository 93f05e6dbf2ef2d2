//! Lenient parser for the datetime strings devices send (docs/DEVICE-FORMATS.md §0.4 and the §1
//! quirk list; table in `tests/fixtures/devices/hikvision-isapi-alert/quirk_datetime_values_seen.txt`).
//!
//! Device clocks are not trusted: the caller always keeps the receive time next to the value
//! returned here. This module only promises not to reject a shape that real devices emit.

use chrono::{DateTime, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone};
use chrono_tz::Tz;

/// Longest input looked at; anything longer is not a timestamp.
const MAX_LEN: usize = 64;

/// Parses a device datetime. Returns the time with the offset the device gave, and whether it
/// gave one.
///
/// Accepted shapes:
/// - RFC 3339 / ISO 8601: `2024-05-14T09:12:40+09:30`, `…Z`, fractions with `.` or `,`;
/// - single-digit hour offsets: `…-6:00`; compact offsets `+0800`, `+08`;
/// - an offset glued to the seconds with no sign (`…T11:46:3100:00`, OEM std-cgi firmware):
///   the glued `HH:MM` is read as a positive offset, so `3100:00` is second 31 at `+00:00`;
/// - no offset at all (`2024-05-14T14:16:04`, DVR local time): returned at `+00:00` with
///   `had_offset = false`, for the caller to reinterpret in the device's configured zone;
/// - a space instead of `T` (`2024-05-14 14:16:04`), `DD-MM-YYYY HH:MM:SS`, `/` or `.` as date
///   separators, a date alone (midnight), `UTC`/`GMT` suffixes;
/// - epoch seconds (all digits, 9 to 11 of them): an absolute instant, `had_offset = true`.
///
/// Returns `None` for anything else (including out-of-range fields); never panics.
pub fn parse_device_time(s: &str) -> Option<(DateTime<FixedOffset>, bool)> {
    let s = s.trim();
    if s.is_empty() || s.len() > MAX_LEN {
        return None;
    }
    let b = s.as_bytes();
    if b.iter().all(u8::is_ascii_digit) {
        if !(9..=11).contains(&b.len()) {
            return None;
        }
        let secs: i64 = s.parse().ok()?;
        let utc = DateTime::from_timestamp(secs, 0)?;
        return Some((utc.fixed_offset(), true));
    }

    let mut c = Cursor { b, i: 0 };
    let date = parse_date(&mut c)?;
    let time = if c.eof() {
        NaiveTime::MIN
    } else {
        match c.peek() {
            Some(b'T' | b't') => c.i += 1,
            Some(b' ') => c.skip_spaces(),
            _ => return None,
        }
        parse_clock(&mut c)?
    };
    let offset = parse_offset(&mut c)?;
    if !c.eof() {
        return None;
    }
    let naive = NaiveDateTime::new(date, time);
    let (tz, had_offset) = match offset {
        Some(secs) => (FixedOffset::east_opt(secs)?, true),
        None => (FixedOffset::east_opt(0)?, false),
    };
    let dt = tz.from_local_datetime(&naive).single()?;
    Some((dt, had_offset))
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn eof(&self) -> bool {
        self.i >= self.b.len()
    }
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn skip_spaces(&mut self) {
        while self.peek() == Some(b' ') {
            self.i += 1;
        }
    }
    /// Reads between `min` and `max` ASCII digits; returns (value, digit count).
    fn digits(&mut self, min: usize, max: usize) -> Option<(u32, usize)> {
        let start = self.i;
        let mut v: u32 = 0;
        while self.i - start < max {
            match self.peek() {
                Some(d @ b'0'..=b'9') => {
                    v = v * 10 + u32::from(d - b'0');
                    self.i += 1;
                }
                _ => break,
            }
        }
        let n = self.i - start;
        (n >= min).then_some((v, n))
    }
}

/// `YYYY-MM-DD` or `DD-MM-YYYY`, with `-`, `/` or `.` as separator.
fn parse_date(c: &mut Cursor<'_>) -> Option<NaiveDate> {
    let (a, a_len) = c.digits(1, 4)?;
    let sep = c.peek().filter(|s| matches!(s, b'-' | b'/' | b'.'))?;
    c.i += 1;
    let (m, _) = c.digits(1, 2)?;
    if !c.eat(sep) {
        return None;
    }
    let (z, z_len) = c.digits(1, 4)?;
    let (y, d) = match (a_len, z_len) {
        (4, 1..=2) => (a, z),
        (1..=2, 4) => (z, a),
        _ => return None,
    };
    NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)
}

/// `HH:MM[:SS[.fraction]]`; a second of 60 is kept as a leap second.
fn parse_clock(c: &mut Cursor<'_>) -> Option<NaiveTime> {
    let (h, _) = c.digits(1, 2)?;
    if !c.eat(b':') {
        return None;
    }
    let (m, _) = c.digits(2, 2)?;
    let mut sec = 0;
    let mut nanos = 0;
    if c.eat(b':') {
        sec = c.digits(2, 2)?.0;
        if matches!(c.peek(), Some(b'.' | b',')) {
            c.i += 1;
            let (frac, n) = c.digits(1, 9)?;
            nanos = frac * 10u32.pow(u32::try_from(9 - n).ok()?);
            // Digits beyond nanoseconds are dropped.
            while matches!(c.peek(), Some(b'0'..=b'9')) {
                c.i += 1;
            }
        }
    }
    if sec == 60 {
        return NaiveTime::from_hms_nano_opt(h, m, 59, 1_000_000_000 + nanos);
    }
    NaiveTime::from_hms_nano_opt(h, m, sec, nanos)
}

/// The offset after the clock: `Some(Some(seconds))`, `Some(None)` when there is none, `None`
/// when what follows is not an offset.
fn parse_offset(c: &mut Cursor<'_>) -> Option<Option<i32>> {
    let glued = matches!(c.peek(), Some(b'0'..=b'9'));
    c.skip_spaces();
    if c.eof() {
        return Some(None);
    }
    let rest = c.b.get(c.i..)?;
    if rest.eq_ignore_ascii_case(b"z") {
        c.i = c.b.len();
        return Some(Some(0));
    }
    let zone_name = rest.get(..3).unwrap_or_default();
    if zone_name.eq_ignore_ascii_case(b"utc") || zone_name.eq_ignore_ascii_case(b"gmt") {
        c.i += 3;
        if c.eof() {
            return Some(Some(0));
        }
    }
    let sign: i32 = match c.peek()? {
        b'+' => {
            c.i += 1;
            1
        }
        b'-' => {
            c.i += 1;
            -1
        }
        // `…:3100:00`: offset glued to the seconds without a sign.
        b'0'..=b'9' if glued => 1,
        _ => return None,
    };
    let (h, h_len) = c.digits(1, 2)?;
    // Minutes follow a colon (`+6:00`), or directly two hour digits (`+0800`); `+08` has none.
    let m = if c.eat(b':') || (h_len == 2 && !c.eof()) {
        c.digits(2, 2)?.0
    } else {
        0
    };
    if h > 23 || m > 59 {
        return None;
    }
    Some(Some(sign * i32::try_from(h * 3600 + m * 60).ok()?))
}

/// Name of the time zone devices are installed in unless told otherwise: the installation's,
/// Asia/Shanghai (IANA tz database, read through chrono-tz; UTC+08:00 all year since 1991).
pub const DEFAULT_DEVICE_TIME_ZONE: &str = "Asia/Shanghai";

/// The default device zone, [`DEFAULT_DEVICE_TIME_ZONE`].
pub fn default_device_zone() -> Tz {
    chrono_tz::Asia::Shanghai
}

/// The IANA time zone named `name` (exact spelling, e.g. `Asia/Urumqi`, `Europe/Berlin`, `UTC`),
/// or `None` for a name the tz database does not know. Never panics.
pub fn parse_time_zone(name: &str) -> Option<Tz> {
    let name = name.trim();
    if name.is_empty() || name.len() > 64 {
        return None;
    }
    name.parse::<Tz>().ok()
}

/// The instant of wall-clock time `local` in `zone`. A time that occurs twice (the hour a
/// daylight-saving zone turns back) is read as the first; a time that does not occur (the hour
/// it skips) is read with the offset before the change, as the device's clock would still run.
pub fn local_in_zone(zone: Tz, local: NaiveDateTime) -> Option<DateTime<FixedOffset>> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(t) => Some(t.fixed_offset()),
        LocalResult::Ambiguous(first, _) => Some(first.fixed_offset()),
        LocalResult::None => {
            // In a gap: the offset of a few hours earlier (before the change) applies.
            let before = zone
                .from_local_datetime(&(local - chrono::Duration::hours(3)))
                .earliest()?
                .offset()
                .fix();
            before.from_local_datetime(&local).single()
        }
    }
}

/// Reads every offset-less device time of `payload` as wall-clock time in `zone`
/// (docs/DEVICE-FORMATS.md §0.4: GB/T 28181 `AlarmTime`, Dahua `LocaleTime`, Hikvision DVR
/// `dateTime` and ZKTeco rows carry local time with no offset).
///
/// The decoders return such a time at `+00:00` with `device_time_has_offset = false`; this keeps
/// the wall-clock reading and attaches `zone`'s offset at that moment (daylight saving included,
/// see [`local_in_zone`]), so `2024-05-14T07:38:35` from a device in Asia/Shanghai becomes
/// `2024-05-14T07:38:35+08:00` (23:38:35 UTC the day before), not 07:38:35 UTC.
/// `device_time_has_offset` stays `false` and `device_time_zone` names `zone`: that the device
/// gave no offset, and how its time was read, are kept (shown with the event). Times the device
/// gave with an offset (or as epoch seconds) are left alone. Call it once, after decoding.
pub fn read_local_times_in(payload: &mut neibao_domain::events::DecodedPayload, zone: Tz) {
    for ev in &mut payload.events {
        if ev.device_time_has_offset {
            continue;
        }
        if let Some(t) = ev.device_time {
            // `t` is at +00:00, so its naive UTC reading is the wall clock the device sent.
            ev.device_time = local_in_zone(zone, t.naive_utc()).or(Some(t));
            ev.device_time_zone = Some(zone.name().to_string());
        }
    }
}

/// An epoch-seconds instant (integer or fractional, as Dahua `UTC` and Frigate timestamps are) at
/// `+00:00`. `None` for non-finite, negative or out-of-range values; never panics.
pub fn from_epoch_secs(secs: f64) -> Option<DateTime<FixedOffset>> {
    if !secs.is_finite() || !(0.0..1.0e11).contains(&secs) {
        return None;
    }
    let whole = secs.trunc();
    let nanos = ((secs - whole) * 1e9).round().clamp(0.0, 999_999_999.0) as u32;
    DateTime::from_timestamp(whole as i64, nanos).map(|t| t.fixed_offset())
}

#[cfg(test)]
mod tests {
    use super::{default_device_zone, parse_device_time, parse_time_zone, read_local_times_in};
    use neibao_domain::events::{DecodedEvent, DecodedPayload, EventKind, EventState};

    #[test]
    fn offset_less_times_are_read_in_the_device_zone() {
        let mut payload = DecodedPayload::default();
        for s in ["2023-08-09T07:38:35", "2024-05-14T09:12:40-06:00", "1715678000"] {
            let (t, had) = parse_device_time(s).expect("parses");
            let mut ev = DecodedEvent::new(EventKind::Motion, "x", EventState::Active);
            ev.device_time = Some(t);
            ev.device_time_has_offset = had;
            payload.events.push(ev);
        }
        read_local_times_in(&mut payload, default_device_zone());
        let got: Vec<_> = payload
            .events
            .iter()
            .map(|e| (e.device_time.unwrap().to_rfc3339(), e.device_time_has_offset))
            .collect();
        assert_eq!(
            got,
            vec![
                // GB/T 28181 AlarmTime of a Dahua IPC in China: 07:38 Beijing time, 23:38 UTC.
                ("2023-08-09T07:38:35+08:00".to_string(), false),
                ("2024-05-14T09:12:40-06:00".to_string(), true),
                ("2024-05-14T09:13:20+00:00".to_string(), true),
            ]
        );
        assert_eq!(payload.events[0].device_time.unwrap().timestamp(), 1_691_537_915);
        let zones: Vec<_> = payload.events.iter().map(|e| e.device_time_zone.as_deref()).collect();
        assert_eq!(zones, vec![Some("Asia/Shanghai"), None, None]);
    }

    #[test]
    fn zones_come_from_the_tz_database_with_daylight_saving() {
        assert_eq!(parse_time_zone(" Asia/Urumqi ").map(|z| z.name()), Some("Asia/Urumqi"));
        assert_eq!(parse_time_zone("UTC").map(|z| z.name()), Some("UTC"));
        for bad in ["", "Asia/Beijing", "+08:00", "asia/shanghai/x", "GMT+8 北京"] {
            assert!(parse_time_zone(bad).is_none(), "{bad:?}");
        }
        let berlin = parse_time_zone("Europe/Berlin").expect("zone");
        let at = |s: &str| {
            let (t, _) = parse_device_time(s).expect("parses");
            super::local_in_zone(berlin, t.naive_utc()).expect("reads").to_rfc3339()
        };
        // Summer and winter time; the hour skipped in spring and the hour repeated in autumn.
        assert_eq!(at("2024-07-01 12:00:00"), "2024-07-01T12:00:00+02:00");
        assert_eq!(at("2024-01-15 12:00:00"), "2024-01-15T12:00:00+01:00");
        assert_eq!(at("2024-03-31 02:30:00"), "2024-03-31T02:30:00+01:00");
        assert_eq!(at("2024-10-27 02:30:00"), "2024-10-27T02:30:00+02:00");
    }

    fn rfc(s: &str) -> (String, bool) {
        let (dt, off) = parse_device_time(s).unwrap_or_else(|| panic!("did not parse {s:?}"));
        (dt.to_rfc3339(), off)
    }

    #[test]
    fn shapes_seen_on_devices() {
        let cases = [
            ("2024-05-14T09:12:40+09:30", "2024-05-14T09:12:40+09:30", true),
            ("2024-05-14T09:01:18-6:00", "2024-05-14T09:01:18-06:00", true),
            ("2024-05-14T11:46:3100:00", "2024-05-14T11:46:31+00:00", true),
            ("2024-05-14T14:16:04", "2024-05-14T14:16:04+00:00", false),
            ("2024-05-14T09:12:40Z", "2024-05-14T09:12:40+00:00", true),
            ("2024-05-14 14:16:04", "2024-05-14T14:16:04+00:00", false),
            ("14-05-2024 14:16:04", "2024-05-14T14:16:04+00:00", false),
            ("2024-05-14T09:12:40.123+0800", "2024-05-14T09:12:40.123+08:00", true),
            ("2024-05-14T09:12:40 +08", "2024-05-14T09:12:40+08:00", true),
            ("2024/05/14 09:12:40", "2024-05-14T09:12:40+00:00", false),
            ("2024-05-14", "2024-05-14T00:00:00+00:00", false),
            ("1715678000", "2024-05-14T09:13:20+00:00", true),
            ("  2024-05-14T09:12:40+09:30\r\n", "2024-05-14T09:12:40+09:30", true),
        ];
        for (input, want, off) in cases {
            assert_eq!(rfc(input), (want.to_string(), off), "input {input:?}");
        }
    }

    #[test]
    fn rejects_garbage() {
        for s in [
            "",
            "yesterday",
            "2024-13-01T00:00:00",
            "2024-05-14T25:00:00",
            "2024-05-14T09:12:40+99:00",
            "12345678",
            "123456789012",
            "2024-05-14T09:12:40+08:00junk",
            "--",
            "2024-05",
            "0x10",
        ] {
            assert!(parse_device_time(s).is_none(), "{s:?} should not parse");
        }
    }
}
