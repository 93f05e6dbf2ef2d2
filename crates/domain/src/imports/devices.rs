//! The device import (设备批量导入, issue 12, docs/IMPORTS.md "Devices"): the columns of a
//! bureau's device ledger (台账) as a template, and the readers of its cells: the device kind and
//! the ingest format by their Chinese labels (or codes), the clock's offset from UTC. What a
//! device has is in docs/DEVICES.md; the formats' wire shapes in docs/DEVICE-FORMATS.md.

use crate::devices::{DeviceFormat, DEVICE_KINDS};

/// Index of each column in [`crate::imports::DEVICE_IMPORT_COLUMNS`].
pub mod dv {
    pub const UNIT_USCC: usize = 0;
    pub const KEY_AREA: usize = 1;
    pub const NAME: usize = 2;
    pub const KIND: usize = 3;
    pub const FORMAT: usize = 4;
    pub const SERIAL: usize = 5;
    pub const UTC_OFFSET: usize = 6;
    /// 安装位置类型 (optional; cameras only, docs/VIDEO.md).
    pub const LOCATION_TYPE: usize = 7;
}

/// A 设备类型 cell: the Chinese label (摄像机 …) or the code (`camera` …), as in
/// [`DEVICE_KINDS`]. `None`: anything else.
pub fn parse_device_kind(cell: &str) -> Option<&'static str> {
    let cell = cell.trim();
    DEVICE_KINDS
        .iter()
        .find(|(code, label)| *label == cell || code.eq_ignore_ascii_case(cell))
        .map(|(code, _)| *code)
}

/// A 接入格式 cell: the Chinese label ([`DeviceFormat::label_zh`], e.g. 海康威视 ISAPI), the
/// code (`hikvision`), or the vendor's name alone (海康威视, 海康, 中控, ZKTeco, GB28181).
/// `None`: anything else.
pub fn parse_device_format(cell: &str) -> Option<DeviceFormat> {
    let cell = cell.trim();
    let squeezed: String = cell.chars().filter(|c| !c.is_whitespace() && *c != '/').collect();
    let lower = squeezed.to_lowercase();
    if let Some(f) = DeviceFormat::ALL.into_iter().find(|f| {
        f.label_zh() == cell || f.code() == lower || f.label_zh().replace([' ', '/'], "").to_lowercase() == lower
    }) {
        return Some(f);
    }
    match lower.as_str() {
        "海康威视" | "海康" | "hikvision" | "isapi" => Some(DeviceFormat::Hikvision),
        "json" => Some(DeviceFormat::GenericJson),
        "大华" | "dahua" => Some(DeviceFormat::Dahua),
        "gbt28181" | "国标" => Some(DeviceFormat::Gb28181),
        "中控" | "zkteco" => Some(DeviceFormat::Zkteco),
        _ => None,
    }
}

/// A 时区偏移 cell: minutes east of UTC. Empty: `Some(None)` (the installation's zone,
/// Asia/Shanghai). Taken: `UTC+8`, `GMT-5`, `+05:30`, `UTC+08:00`, `8` (whole hours when at most
/// 14 in size), `480` or `-300` (minutes otherwise), 北京时间. The result lies in −720…+840 and is
/// a multiple of 15, as registration requires. `None`: anything else.
pub fn parse_utc_offset(cell: &str) -> Option<Option<i32>> {
    let cell = cell.trim();
    if cell.is_empty() {
        return Some(None);
    }
    if cell == "北京时间" {
        return Some(Some(480));
    }
    let upper = cell.to_ascii_uppercase();
    let rest = upper
        .strip_prefix("UTC")
        .or_else(|| upper.strip_prefix("GMT"))
        .unwrap_or(&upper)
        .trim();
    let (sign, digits) = match rest.as_bytes().first() {
        Some(b'+') => (1, &rest[1..]),
        Some(b'-') => (-1, &rest[1..]),
        _ => (1, rest),
    };
    let minutes = if let Some((h, m)) = digits.split_once(':') {
        let h: i32 = h.parse().ok()?;
        let m: i32 = m.parse().ok()?;
        if !(0..60).contains(&m) || !(0..=14).contains(&h) {
            return None;
        }
        h * 60 + m
    } else {
        let n: i32 = digits.parse().ok()?;
        if n < 0 {
            return None;
        }
        if n <= 14 {
            n * 60
        } else {
            n
        }
    };
    let minutes = sign * minutes;
    ((-720..=840).contains(&minutes) && minutes % 15 == 0).then_some(Some(minutes))
}

/// The IANA time zone (tz database name) that has the fixed UTC offset `minutes` all year, for an
/// offset given where a device's time zone is asked for (imports; devices registered before the
/// zone replaced the offset, migration 0048 maps them the same way): +480 Asia/Shanghai, 0 UTC,
/// +360 Asia/Urumqi, other whole hours from −12 to +14 the `Etc/GMT` zone (whose sign is
/// inverted: `Etc/GMT-9` is UTC+9), the half and three-quarter hours in use a zone without
/// daylight saving. `None` for an offset no such zone has.
pub fn zone_for_offset(minutes: i32) -> Option<String> {
    let named = match minutes {
        480 => "Asia/Shanghai",
        0 => "UTC",
        360 => "Asia/Urumqi",
        330 => "Asia/Kolkata",
        345 => "Asia/Kathmandu",
        390 => "Asia/Yangon",
        270 => "Asia/Kabul",
        210 => "Asia/Tehran",
        570 => "Australia/Darwin",
        525 => "Australia/Eucla",
        -570 => "Pacific/Marquesas",
        m if m % 60 == 0 && (-720..=840).contains(&m) => {
            let sign = if m > 0 { '-' } else { '+' };
            return Some(format!("Etc/GMT{sign}{}", m.abs() / 60));
        }
        _ => return None,
    };
    Some(named.to_string())
}

/// How an offset reads in the job's messages and the template: `UTC+8`, `UTC-5:30`.
pub fn offset_label(minutes: i32) -> String {
    let sign = if minutes < 0 { '-' } else { '+' };
    let m = minutes.abs();
    if m % 60 == 0 {
        format!("UTC{sign}{}", m / 60)
    } else {
        format!("UTC{sign}{}:{:02}", m / 60, m % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_formats_are_read_by_label_or_code() {
        assert_eq!(parse_device_kind("门禁终端"), Some("access_terminal"));
        assert_eq!(parse_device_kind(" camera "), Some("camera"));
        assert_eq!(parse_device_kind("摄像头"), None);
        for f in DeviceFormat::ALL {
            assert_eq!(parse_device_format(f.label_zh()), Some(f));
            assert_eq!(parse_device_format(f.code()), Some(f));
        }
        assert_eq!(parse_device_format("海康威视"), Some(DeviceFormat::Hikvision));
        assert_eq!(parse_device_format("GB28181"), Some(DeviceFormat::Gb28181));
        assert_eq!(parse_device_format("宇视"), None);
    }

    #[test]
    fn offsets_name_zones_with_that_offset_all_year() {
        assert_eq!(zone_for_offset(480).as_deref(), Some("Asia/Shanghai"));
        assert_eq!(zone_for_offset(360).as_deref(), Some("Asia/Urumqi"));
        assert_eq!(zone_for_offset(540).as_deref(), Some("Etc/GMT-9"));
        assert_eq!(zone_for_offset(-300).as_deref(), Some("Etc/GMT+5"));
        assert_eq!(zone_for_offset(330).as_deref(), Some("Asia/Kolkata"));
        assert_eq!(zone_for_offset(15), None);
    }

    #[test]
    fn offsets_are_hours_or_minutes_within_the_registration_range() {
        assert_eq!(parse_utc_offset(""), Some(None));
        assert_eq!(parse_utc_offset("UTC+8"), Some(Some(480)));
        assert_eq!(parse_utc_offset("utc-5"), Some(Some(-300)));
        assert_eq!(parse_utc_offset("+05:30"), Some(Some(330)));
        assert_eq!(parse_utc_offset("GMT+08:00"), Some(Some(480)));
        assert_eq!(parse_utc_offset("360"), Some(Some(360)));
        assert_eq!(parse_utc_offset("-300"), Some(Some(-300)));
        assert_eq!(parse_utc_offset("北京时间"), Some(Some(480)));
        assert_eq!(parse_utc_offset("UTC+8:07"), None);
        assert_eq!(parse_utc_offset("1000"), None);
        assert_eq!(parse_utc_offset("东八区"), None);
        assert_eq!(offset_label(-330), "UTC-5:30");
        assert_eq!(offset_label(480), "UTC+8");
    }
}
