//! Hikvision ISAPI `eventType` vocabulary → [`EventKind`] (docs/DEVICE-FORMATS.md §1 "Fields",
//! trigger IDs from CornerBit/HikSink#11 and mezz64/pyHik#81).
//!
//! Devices send these case-sensitively; a case-insensitive match is accepted too because OEM
//! firmware and client code drift (`regionExiting` vs `regionExit`). Anything not listed maps to
//! [`EventKind::Unknown`]; the caller keeps the vendor string verbatim (§0.7).

use neibao_domain::events::EventKind;

/// (vendor eventType, kind), as devices spell them.
const TABLE: &[(&str, EventKind)] = &[
    ("VMD", EventKind::Motion),
    ("motiondetection", EventKind::Motion),
    ("linedetection", EventKind::LineCrossing),
    ("fielddetection", EventKind::FieldIntrusion),
    ("regionEntrance", EventKind::RegionEntrance),
    ("regionExiting", EventKind::RegionExit),
    ("regionExit", EventKind::RegionExit),
    ("shelteralarm", EventKind::Tamper),
    ("tamperdetection", EventKind::Tamper),
    ("videoloss", EventKind::VideoLoss),
    ("scenechangedetection", EventKind::SceneChange),
    ("IO", EventKind::AlarmInput),
    ("PIR", EventKind::Pir),
    ("facedetection", EventKind::FaceCapture),
    ("faceCapture", EventKind::FaceCapture),
    ("faceSnap", EventKind::FaceCapture),
    ("ANPR", EventKind::Plate),
    ("unattendedBaggage", EventKind::ObjectLeft),
    ("attendedBaggage", EventKind::ObjectRemoved),
    ("diskfull", EventKind::DeviceFault),
    ("diskerror", EventKind::DeviceFault),
    ("nicbroken", EventKind::DeviceFault),
    ("ipconflict", EventKind::DeviceFault),
    ("illaccess", EventKind::DeviceFault),
    ("badvideo", EventKind::DeviceFault),
];

/// The kind for a Hikvision `eventType`; [`EventKind::Unknown`] when not in the vocabulary.
pub fn kind_for_event_type(event_type: &str) -> EventKind {
    let t = event_type.trim();
    TABLE
        .iter()
        .find(|(name, _)| *name == t)
        .or_else(|| TABLE.iter().find(|(name, _)| name.eq_ignore_ascii_case(t)))
        .map_or(EventKind::Unknown, |(_, kind)| *kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_and_case_insensitive() {
        assert_eq!(kind_for_event_type("VMD"), EventKind::Motion);
        assert_eq!(kind_for_event_type("vmd"), EventKind::Motion);
        assert_eq!(kind_for_event_type("regionexiting"), EventKind::RegionExit);
        assert_eq!(kind_for_event_type("LineDetection"), EventKind::LineCrossing);
        assert_eq!(kind_for_event_type("sigLose"), EventKind::Unknown);
        assert_eq!(kind_for_event_type(""), EventKind::Unknown);
    }
}
