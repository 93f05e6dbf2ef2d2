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

/// A picture a device sent with an event, decrypted, for a purpose-logged view.
#[derive(Clone)]
pub struct EventPicture {
    /// As the device declared it (`image/jpeg` …).
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for EventPicture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EventPicture({}, {} bytes)", self.content_type, self.bytes.len())
    }
}

impl EventPicture {
    /// The content type to answer with: the declared one when it is an image type a browser
    /// shows safely (JPEG, PNG, WebP, GIF, BMP), else `application/octet-stream`.
    pub fn safe_content_type(&self) -> &str {
        let ct = self.content_type.split(';').next().unwrap_or("").trim();
        match ct.to_ascii_lowercase().as_str() {
            "image/jpeg" | "image/jpg" | "image/png" | "image/webp" | "image/gif" | "image/bmp" => ct,
            _ => "application/octet-stream",
        }
    }

    /// A file-name extension for the download name (`jpg` …; `bin` for anything else).
    pub fn extension(&self) -> &'static str {
        match self.safe_content_type().to_ascii_lowercase().as_str() {
            "image/jpeg" | "image/jpg" => "jpg",
            "image/png" => "png",
            "image/webp" => "webp",
            "image/gif" => "gif",
            "image/bmp" => "bmp",
            _ => "bin",
        }
    }
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
