//! Stored events as listed, recorded and replayed.

use chrono::{DateTime, Utc};

use super::event::{DecodedEvent, EventKind};
use crate::devices::DevicePlacement;

#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub unit_id: Option<String>,
    pub device_id: Option<String>,
    pub kind: Option<EventKind>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

/// Outcome of recording one decoded event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub event_id: String,
    /// False when the post updated an ongoing occurrence instead of starting one.
    pub new_occurrence: bool,
    /// True when a re-delivered bus message finds its rules already evaluated.
    pub evaluated: bool,
}

/// A stored event as a backtest replays it: placement, receive time and the decoded event (person
/// fields decrypted for matching only; never sent to a client).
#[derive(Debug, Clone)]
pub struct ReplayEvent {
    pub event_id: String,
    pub received_at: DateTime<Utc>,
    pub placement: DevicePlacement,
    pub event: DecodedEvent,
}
