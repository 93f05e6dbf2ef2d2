//! Hikvision access-controller event codes (HCNetSDK `major`/`minor`) → [`EventKind`]
//! (docs/DEVICE-FORMATS.md §2 "Structure" and "Sources").
//!
//! Major classes: 1 alarm, 2 exception, 3 operation, 5 event. Minor codes of major 5 follow the
//! `MINOR_*` table in Hikvision's HEOP demo (`DeveloperLinus/HEOP_DEMO_V3.1.0_personSource`,
//! `proto/.../param/EventType.kt`), cross-checked with the codes seen in captures: 5/1 valid
//! card, 5/21 door unlocked, 5/22 door locked, 5/38 fingerprint pass, 5/75 face pass, 5/76 face
//! fail. Mapping pitfall (§2): not every major-5 event is an alarm; attendance punches are 5/38.
//!
//! Choices beyond the plain pass/fail/door table, so they can be revisited in one place:
//! - verification *timeouts* and "over times" (e.g. 0x04, 0x2a) count as denied: the person did
//!   not get through;
//! - blacklist (0x71) is denied, the door stayed shut;
//! - door-lock abnormal open (0x5c) and gate force access (0x87) are forced doors, lock open
//!   timeout (0x5d) is a door-open timeout;
//! - tailgating (0x85), reverse entry (0x86), climbing the gate (0x88), intrusion (0x8a) and the
//!   input short/broken-circuit alarms (0x53–0x5b) are access *alarms* although they are major 5,
//!   because the vendor describes them as 报警/闯入 and a guard must look at them;
//! - remote door open (0x400) is granted;
//! - any other or unknown minor of major 5 → [`EventKind::AccessOther`], with the vendor type kept.

use neibao_domain::events::EventKind;

/// Major class "alarm".
pub const MAJOR_ALARM: i64 = 1;
/// Major class "event" (verifications, door state).
pub const MAJOR_EVENT: i64 = 5;

/// Minor codes of major 5 that mean the person was let through.
const GRANTED: &[i64] = &[
    0x01, 0x02, 0x10, 0x22, 0x26, 0x28, 0x2b, 0x2e, 0x36, 0x39, 0x3c, 0x3f, 0x42, 0x45, 0x48, 0x4b, 0x4d, 0x65, 0x69,
    0x99, 0x9c, 0x9e, 0x9f, 0xb5, 0x400,
];

/// Minor codes of major 5 that mean a verification failed, timed out or was refused.
const DENIED: &[i64] = &[
    0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0c, 0x0d, 0x0e, 0x0f, 0x24, 0x27, 0x29, 0x2a, 0x2c, 0x2d, 0x2f,
    0x30, 0x31, 0x37, 0x38, 0x3a, 0x3b, 0x3d, 0x3e, 0x40, 0x41, 0x43, 0x44, 0x46, 0x47, 0x49, 0x4a, 0x4c, 0x4e, 0x4f,
    0x50, 0x5e, 0x66, 0x67, 0x68, 0x70, 0x71, 0x75, 0x77, 0x78, 0x82, 0x84, 0x94, 0x96, 0x97, 0x98, 0x9a, 0x9b, 0x9d,
    0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xc3,
];

/// Minor codes of major 5 that are alarms for a guard.
const ALARMS: &[i64] = &[
    0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x5b, 0x85, 0x86, 0x88, 0x8a,
];

/// The kind for an access-controller event; `None` codes are treated as unknown.
pub fn kind_for_codes(major: Option<i64>, minor: Option<i64>) -> EventKind {
    match major {
        Some(MAJOR_ALARM) => EventKind::AccessAlarm,
        Some(MAJOR_EVENT) => match minor {
            Some(0x15) => EventKind::DoorUnlocked,
            Some(0x16) => EventKind::DoorLocked,
            Some(0x1b | 0x5c | 0x87) => EventKind::DoorForced,
            Some(0x1c | 0x5d) => EventKind::DoorOpenTimeout,
            Some(m) if GRANTED.contains(&m) => EventKind::AccessGranted,
            Some(m) if DENIED.contains(&m) => EventKind::AccessDenied,
            Some(m) if ALARMS.contains(&m) => EventKind::AccessAlarm,
            _ => EventKind::AccessOther,
        },
        _ => EventKind::AccessOther,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_seen_in_captures() {
        let k = |major, minor| kind_for_codes(Some(major), Some(minor));
        assert_eq!(k(5, 1), EventKind::AccessGranted);
        assert_eq!(k(5, 21), EventKind::DoorUnlocked);
        assert_eq!(k(5, 22), EventKind::DoorLocked);
        assert_eq!(k(5, 38), EventKind::AccessGranted);
        assert_eq!(k(5, 75), EventKind::AccessGranted);
        assert_eq!(k(5, 76), EventKind::AccessDenied);
        assert_eq!(k(5, 27), EventKind::DoorForced);
        assert_eq!(k(5, 28), EventKind::DoorOpenTimeout);
        assert_eq!(k(5, 9), EventKind::AccessDenied);
        assert_eq!(k(5, 0x25), EventKind::AccessOther);
        assert_eq!(k(5, 9999), EventKind::AccessOther);
        assert_eq!(k(1, 1), EventKind::AccessAlarm);
        assert_eq!(k(2, 39), EventKind::AccessOther);
        assert_eq!(k(3, 80), EventKind::AccessOther);
        assert_eq!(kind_for_codes(None, None), EventKind::AccessOther);
    }

    #[test]
    fn tables_do_not_overlap() {
        for m in GRANTED {
            assert!(!DENIED.contains(m) && !ALARMS.contains(m), "{m:#x}");
        }
        for m in DENIED {
            assert!(!ALARMS.contains(m), "{m:#x}");
        }
    }
}
