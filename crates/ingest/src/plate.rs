//! Licence-plate text as devices send it, with the "no plate read" placeholders taken out
//! (docs/DEVICE-FORMATS.md §1 quirk "unread plates").
//!
//! A Hikvision ANPR camera that sees a vehicle but cannot read its plate still posts the ANPR
//! alert, with `<licensePlate>unknown</licensePlate>` (and `originalLicensePlate`, `plateType`,
//! `plateColor` all `unknown`): captured in the public repository maciej-or/hikvision_next (its
//! fixture `ipc1_anpr_plate_unknown.xml`), kept here as
//! `tests/fixtures/devices/hikvision-isapi-alert/alert_anpr_plate_unknown_ver20.xml`. Chinese-market
//! firmware and platforms write `无车牌` (no plate) or `车牌` for the same case, and Frigate LPR
//! and integrations use empty strings, `none`, `null` or dashes. Storing the placeholder as the
//! plate would make every unread vehicle "the same car" for watch lists and searches.

/// Placeholders meaning "no plate was read", compared case-insensitively after trimming.
const PLACEHOLDERS: &[&str] = &[
    "unknown",
    "unknow",
    "none",
    "null",
    "nil",
    "n/a",
    "na",
    "noplate",
    "no plate",
    "no_plate",
    "-",
    "--",
    "---",
    "?",
    "0",
    "无车牌",
    "无牌",
    "无牌车",
    "车牌",
    "未识别",
    "未知",
    "无",
    "未检测到车牌",
];

/// The plate text, or `None` when the device sent a placeholder for "not read" (or nothing).
pub fn read_plate(raw: &str) -> Option<String> {
    let t = raw.trim();
    if t.is_empty() || t.chars().all(|c| c == '*' || c == '#' || c == '-' || c == '_') {
        return None;
    }
    let lower = t.to_lowercase();
    if PLACEHOLDERS.iter().any(|p| *p == lower) {
        return None;
    }
    Some(t.to_string())
}

#[cfg(test)]
mod tests {
    use super::read_plate;

    #[test]
    fn placeholders_are_not_plates() {
        for p in [
            "unknown",
            " Unknown ",
            "UNKNOWN",
            "",
            "  ",
            "无车牌",
            "车牌",
            "未识别",
            "none",
            "N/A",
            "-",
            "****",
        ] {
            assert_eq!(read_plate(p), None, "{p:?}");
        }
        assert_eq!(read_plate(" 京A12345 ").as_deref(), Some("京A12345"));
        assert_eq!(read_plate("TEST123").as_deref(), Some("TEST123"));
    }
}
