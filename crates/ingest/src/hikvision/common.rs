//! Small field helpers shared by the Hikvision XML and JSON decoders: event state, heartbeat
//! recognition and channel numbers.

use neibao_domain::events::EventState;

/// `eventState`: `inactive` (any case) is inactive; anything else, or nothing, is active.
pub(crate) fn state_from(s: Option<&str>) -> EventState {
    match s {
        Some(v) if v.trim().eq_ignore_ascii_case("inactive") => EventState::Inactive,
        _ => EventState::Active,
    }
}

/// In-band keep-alives (§0.6): `videoloss` + `inactive` on cameras/NVRs, `heartBeat` on terminals.
pub(crate) fn is_heartbeat(event_type: &str, state: EventState) -> bool {
    event_type.eq_ignore_ascii_case("heartBeat")
        || (event_type.eq_ignore_ascii_case("videoloss") && state == EventState::Inactive)
}

/// A channel number; empty or non-numeric text is no channel. NVR IP channels (> 32) are kept raw.
pub(crate) fn parse_channel(s: &str) -> Option<u32> {
    s.trim().parse().ok()
}
