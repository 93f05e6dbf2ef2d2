//! The normalized device event (`SecurityEvent`) that every decoder produces, and the event
//! vocabulary (`EventKind`).
//!
//! Vendor wire formats stay in `neibao-ingest`; this module only fixes the shape they all map
//! into. The vocabulary is documented in `docs/EVENTS.md`; the raw vendor type is always kept
//! next to the normalized kind, so an unknown vendor type is stored as [`EventKind::Unknown`]
//! and never rejected (docs/DEVICE-FORMATS.md §0.7).

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};

/// Normalized event type. Serialized as the dotted snake-case code given by [`EventKind::code`]
/// (e.g. `"intrusion.line_crossing"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// Video motion detection (Hikvision `VMD`).
    #[serde(rename = "motion")]
    Motion,
    /// Virtual tripwire crossed (Hikvision `linedetection`).
    #[serde(rename = "intrusion.line_crossing")]
    LineCrossing,
    /// Intrusion into a defined field (Hikvision `fielddetection`).
    #[serde(rename = "intrusion.field")]
    FieldIntrusion,
    /// Target entered a region (Hikvision `regionEntrance`).
    #[serde(rename = "intrusion.region_entrance")]
    RegionEntrance,
    /// Target left a region (Hikvision `regionExiting`).
    #[serde(rename = "intrusion.region_exit")]
    RegionExit,
    /// Video tampering / lens covered (Hikvision `shelteralarm`, `tamperdetection`).
    #[serde(rename = "video.tamper")]
    Tamper,
    /// Video signal lost (Hikvision `videoloss` with state `active`).
    #[serde(rename = "video.loss")]
    VideoLoss,
    /// Scene change / camera moved.
    #[serde(rename = "video.scene_change")]
    SceneChange,
    /// Alarm input contact (Hikvision `IO`).
    #[serde(rename = "alarm.input")]
    AlarmInput,
    /// Passive infrared sensor (Hikvision `PIR`).
    #[serde(rename = "alarm.pir")]
    Pir,
    /// Face detected or captured (Hikvision `facedetection`, `faceCapture`, `faceSnap`).
    #[serde(rename = "face.capture")]
    FaceCapture,
    /// Licence plate read (Hikvision `ANPR`).
    #[serde(rename = "vehicle.plate")]
    Plate,
    /// Object left behind (`unattendedBaggage`).
    #[serde(rename = "object.left")]
    ObjectLeft,
    /// Object removed (`attendedBaggage`).
    #[serde(rename = "object.removed")]
    ObjectRemoved,
    /// Access granted (card, face, fingerprint, password).
    #[serde(rename = "access.granted")]
    AccessGranted,
    /// Verification failed (unknown card, no right, face mismatch …).
    #[serde(rename = "access.denied")]
    AccessDenied,
    /// Door opened without a valid unlock (forced door, 门被外力开启).
    #[serde(rename = "access.door_forced")]
    DoorForced,
    /// Door held open too long.
    #[serde(rename = "access.door_open_timeout")]
    DoorOpenTimeout,
    /// Lock released.
    #[serde(rename = "access.door_unlocked")]
    DoorUnlocked,
    /// Lock closed.
    #[serde(rename = "access.door_locked")]
    DoorLocked,
    /// Alarm class event from an access controller (tamper of the reader, duress, …).
    #[serde(rename = "access.alarm")]
    AccessAlarm,
    /// Other access-controller event (operation or exception class).
    #[serde(rename = "access.other")]
    AccessOther,
    /// Device fault (disk full or error, network broken, IP conflict, illegal access).
    #[serde(rename = "device.fault")]
    DeviceFault,
    /// Anything the decoder does not map; the vendor type is kept in `vendor_type`.
    #[serde(rename = "unknown")]
    Unknown,
    /// A checkpoint not visited in a finished patrol round (docs/PATROL.md; R12(3)).
    #[serde(rename = "patrol.checkpoint_missed")]
    PatrolCheckpointMissed,
    /// A scheduled patrol round not started by the end of its window (docs/PATROL.md; R12(3)).
    #[serde(rename = "patrol.round_late")]
    PatrolRoundLate,
    /// A one-press alarm (一键报警): a guard's button on the phone page or a device's emergency
    /// button (docs/ALARMS.md; R12(4), R34).
    #[serde(rename = "alarm.emergency")]
    AlarmEmergency,
}

impl EventKind {
    /// Every kind, in documentation order.
    pub const ALL: [EventKind; 27] = [
        EventKind::Motion,
        EventKind::LineCrossing,
        EventKind::FieldIntrusion,
        EventKind::RegionEntrance,
        EventKind::RegionExit,
        EventKind::Tamper,
        EventKind::VideoLoss,
        EventKind::SceneChange,
        EventKind::AlarmInput,
        EventKind::Pir,
        EventKind::FaceCapture,
        EventKind::Plate,
        EventKind::ObjectLeft,
        EventKind::ObjectRemoved,
        EventKind::AccessGranted,
        EventKind::AccessDenied,
        EventKind::DoorForced,
        EventKind::DoorOpenTimeout,
        EventKind::DoorUnlocked,
        EventKind::DoorLocked,
        EventKind::AccessAlarm,
        EventKind::AccessOther,
        EventKind::DeviceFault,
        EventKind::Unknown,
        EventKind::PatrolCheckpointMissed,
        EventKind::PatrolRoundLate,
        EventKind::AlarmEmergency,
    ];

    /// The stable code stored in the database and used in the API.
    pub fn code(self) -> &'static str {
        match self {
            EventKind::Motion => "motion",
            EventKind::LineCrossing => "intrusion.line_crossing",
            EventKind::FieldIntrusion => "intrusion.field",
            EventKind::RegionEntrance => "intrusion.region_entrance",
            EventKind::RegionExit => "intrusion.region_exit",
            EventKind::Tamper => "video.tamper",
            EventKind::VideoLoss => "video.loss",
            EventKind::SceneChange => "video.scene_change",
            EventKind::AlarmInput => "alarm.input",
            EventKind::Pir => "alarm.pir",
            EventKind::FaceCapture => "face.capture",
            EventKind::Plate => "vehicle.plate",
            EventKind::ObjectLeft => "object.left",
            EventKind::ObjectRemoved => "object.removed",
            EventKind::AccessGranted => "access.granted",
            EventKind::AccessDenied => "access.denied",
            EventKind::DoorForced => "access.door_forced",
            EventKind::DoorOpenTimeout => "access.door_open_timeout",
            EventKind::DoorUnlocked => "access.door_unlocked",
            EventKind::DoorLocked => "access.door_locked",
            EventKind::AccessAlarm => "access.alarm",
            EventKind::AccessOther => "access.other",
            EventKind::DeviceFault => "device.fault",
            EventKind::Unknown => "unknown",
            EventKind::PatrolCheckpointMissed => "patrol.checkpoint_missed",
            EventKind::PatrolRoundLate => "patrol.round_late",
            EventKind::AlarmEmergency => "alarm.emergency",
        }
    }

    /// Parses a code produced by [`EventKind::code`]; `None` for anything else.
    pub fn from_code(code: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The zh-CN label shown in the UI.
    pub fn label_zh(self) -> &'static str {
        match self {
            EventKind::Motion => "移动侦测",
            EventKind::LineCrossing => "越界侦测",
            EventKind::FieldIntrusion => "区域入侵",
            EventKind::RegionEntrance => "进入区域",
            EventKind::RegionExit => "离开区域",
            EventKind::Tamper => "视频遮挡",
            EventKind::VideoLoss => "视频丢失",
            EventKind::SceneChange => "场景变更",
            EventKind::AlarmInput => "报警输入",
            EventKind::Pir => "红外报警",
            EventKind::FaceCapture => "人脸抓拍",
            EventKind::Plate => "车牌识别",
            EventKind::ObjectLeft => "物品遗留",
            EventKind::ObjectRemoved => "物品拿取",
            EventKind::AccessGranted => "门禁通行",
            EventKind::AccessDenied => "验证失败",
            EventKind::DoorForced => "门被强行打开",
            EventKind::DoorOpenTimeout => "开门超时",
            EventKind::DoorUnlocked => "门锁打开",
            EventKind::DoorLocked => "门锁关闭",
            EventKind::AccessAlarm => "门禁报警",
            EventKind::AccessOther => "门禁其他事件",
            EventKind::DeviceFault => "设备故障",
            EventKind::Unknown => "未知事件",
            EventKind::PatrolCheckpointMissed => "巡查点漏检",
            EventKind::PatrolRoundLate => "巡查未按时开始",
            EventKind::AlarmEmergency => "一键报警",
        }
    }

    /// Intrusion family: line crossing, field intrusion, region entrance / exit.
    pub fn is_intrusion(self) -> bool {
        matches!(
            self,
            EventKind::LineCrossing | EventKind::FieldIntrusion | EventKind::RegionEntrance | EventKind::RegionExit
        )
    }
}

/// Whether the condition a device reports is starting/ongoing or has ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventState {
    Active,
    Inactive,
}

impl EventState {
    pub fn code(self) -> &'static str {
        match self {
            EventState::Active => "active",
            EventState::Inactive => "inactive",
        }
    }
    pub fn from_code(s: &str) -> Option<EventState> {
        match s {
            "active" => Some(EventState::Active),
            "inactive" => Some(EventState::Inactive),
            _ => None,
        }
    }
}

/// Person fields carried by access-control and face events. All optional: door and system events
/// carry none (docs/DEVICE-FORMATS.md §2, quirk "door events carry no person fields").
///
/// `name`, `employee_no` and `card_no` identify people; they are personal information and
/// are only stored inside the event row of the unit that owns the device.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PersonFields {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employee_no: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card_no: Option<String>,
    /// `normal` / `visitor` / `blackList` as the device says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_type: Option<String>,
    /// Verification mode, e.g. `cardOrFaceOrFp`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verify_mode: Option<String>,
}

impl PersonFields {
    pub fn is_empty(&self) -> bool {
        self == &PersonFields::default()
    }

    /// The form shown and returned: name keeps its first character, employee and card numbers
    /// their first and last two (short ones are starred entirely). Device operators often use
    /// identity numbers as employee numbers, so these never leave the store in clear.
    pub fn masked(&self) -> PersonFields {
        let name = |s: &String| {
            let mut c = s.chars();
            match c.next() {
                Some(first) => std::iter::once(first).chain(c.map(|_| '*')).collect(),
                None => String::new(),
            }
        };
        PersonFields {
            name: self.name.as_ref().map(name),
            employee_no: self.employee_no.as_deref().map(|s| crate::sensitive::mask(s, 2, 2)),
            card_no: self.card_no.as_deref().map(|s| crate::sensitive::mask(s, 2, 2)),
            user_type: self.user_type.clone(),
            verify_mode: self.verify_mode.clone(),
        }
    }
}

/// One event decoded from a device payload, before it is bound to a device record.
///
/// Produced by every decoder in `neibao-ingest`. Times: `device_time` is what the device said,
/// parsed leniently (it may be wrong or missing; docs/DEVICE-FORMATS.md §0.4); the receive time is
/// added by the transport when the event is persisted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecodedEvent {
    pub kind: EventKind,
    /// The vendor's own type string, verbatim (e.g. `"linedetection"`, `"AccessControllerEvent/5/21"`).
    pub vendor_type: String,
    pub state: EventState,
    /// Device clock time with the offset the device gave. When it gave none, a decoder returns
    /// the wall-clock time at `+00:00` with `device_time_has_offset = false`, and the intake
    /// re-reads it in the device's zone (`neibao_ingest::time::read_local_times_in`: the device's
    /// `time_zone`, else Asia/Shanghai) before the event is stored.
    pub device_time: Option<DateTime<FixedOffset>>,
    /// False when the device sent a local time with no offset (kept after the zone is applied).
    pub device_time_has_offset: bool,
    /// The IANA zone an offset-less `device_time` was read in (e.g. `Asia/Shanghai`), set by
    /// `neibao_ingest::time::read_local_times_in`; `None` when the device gave an offset or no time.
    pub device_time_zone: Option<String>,
    /// Video channel (NVR IP channels already mapped: Hikvision channel > 32 → channel − 32 is
    /// NOT applied here; the raw number is kept, see docs/DEVICE-FORMATS.md §1).
    pub channel: Option<u32>,
    /// Detection region / rule id, IO port, or door number, as text.
    pub region: Option<String>,
    /// Detection target (`human`, `vehicle`, `others`) or plate text.
    pub target: Option<String>,
    pub person: PersonFields,
    /// Vendor sequence number (access controllers' `serialNo`), for gap detection.
    pub serial_no: Option<i64>,
    /// Free-text description from the device (never keyed on).
    pub description: Option<String>,
    /// MAC address the device reports, if any.
    pub mac_address: Option<String>,
    /// Images attached to the payload (bytes as received, never parsed).
    pub images: Vec<Attachment>,
    /// Face events: the device's own comparison result (the subjects it matched, with their
    /// similarity), for watchlist matching (docs/WATCHLISTS.md). Never stored with the event.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub face_candidates: Vec<FaceCandidate>,
}

/// A subject a device or the recognition service compared a face with (docs/WATCHLISTS.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaceCandidate {
    /// The subject's id known to the device or service, or its name (Frigate's sub-label).
    pub subject: String,
    /// Similarity in percent (0–100).
    pub similarity: f32,
}

impl DecodedEvent {
    /// A new event with only the required fields set.
    pub fn new(kind: EventKind, vendor_type: impl Into<String>, state: EventState) -> Self {
        DecodedEvent {
            kind,
            vendor_type: vendor_type.into(),
            state,
            device_time: None,
            device_time_has_offset: false,
            device_time_zone: None,
            channel: None,
            region: None,
            target: None,
            person: PersonFields::default(),
            serial_no: None,
            description: None,
            mac_address: None,
            images: Vec::new(),
            face_candidates: Vec::new(),
        }
    }
}

/// Most face candidates kept from a device's comparison result (the watchlist matcher reads the
/// best five).
pub const MAX_FACE_CANDIDATES: usize = 20;

/// Longest text kept from a device field (characters); longer values are cut.
pub const MAX_DEVICE_TEXT: usize = 256;

/// Cuts `s` to `max` characters and drops control characters and bidirectional controls (device
/// text is shown in pages).
pub fn clean_device_text(s: &str, max: usize) -> String {
    s.chars()
        .filter(|c| !c.is_control() && !crate::text::is_bidi_or_invisible(*c))
        .take(max)
        .collect()
}

impl DecodedEvent {
    /// Bounds every device-supplied text field (the attachments' content type and name included)
    /// to [`MAX_DEVICE_TEXT`] characters without control characters, so a hostile device cannot
    /// store megabytes of `eventType`, break the pages that show it, or send a NUL that
    /// PostgreSQL refuses in text.
    pub fn sanitize(&mut self) {
        let clean = |s: &mut String| *s = clean_device_text(s, MAX_DEVICE_TEXT);
        clean(&mut self.vendor_type);
        for f in [
            &mut self.region,
            &mut self.target,
            &mut self.description,
            &mut self.mac_address,
            &mut self.person.name,
            &mut self.person.employee_no,
            &mut self.person.card_no,
            &mut self.person.user_type,
            &mut self.person.verify_mode,
        ]
        .into_iter()
        .flatten()
        {
            clean(f);
        }
        self.face_candidates.truncate(MAX_FACE_CANDIDATES);
        for c in &mut self.face_candidates {
            clean(&mut c.subject);
        }
        for img in &mut self.images {
            clean(&mut img.content_type);
            if let Some(name) = &mut img.name {
                clean(name);
            }
        }
    }
}

/// A binary attachment (image) carried with an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attachment {
    pub content_type: String,
    pub name: Option<String>,
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

/// Everything one device payload decoded into.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DecodedPayload {
    pub events: Vec<DecodedEvent>,
    /// Number of heartbeats seen in the payload (they update liveness, they are not events).
    pub heartbeats: u32,
}

/// A persisted event occurrence, as stored and returned by the API.
///
/// Repeated `active` posts of one condition (same device, channel, kind, region) update one
/// ongoing occurrence: `post_count` grows and `last_seen_at` moves (docs/DEVICE-FORMATS.md §0.5).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SecurityEvent {
    pub id: String,
    pub unit_id: String,
    pub device_id: String,
    pub kind: EventKind,
    pub vendor_type: String,
    pub state: EventState,
    pub device_time: Option<DateTime<FixedOffset>>,
    /// The IANA zone `device_time` was read in because the device sent it without a UTC offset
    /// (e.g. `Asia/Shanghai`; docs/DEVICE-FORMATS.md §0.4); `None` when the device gave an offset
    /// (or epoch seconds), or no time.
    #[serde(default)]
    pub device_time_zone: Option<String>,
    pub received_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub post_count: i64,
    pub channel: Option<u32>,
    pub region: Option<String>,
    pub target: Option<String>,
    pub person: PersonFields,
    pub description: Option<String>,
    pub image_count: i64,
    pub unit_name: String,
    pub device_name: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_text_is_bounded_and_clean() {
        let mut e = DecodedEvent::new(EventKind::Unknown, "x".repeat(10_000), EventState::Active);
        e.description = Some("移动\u{0}侦测\n".into());
        e.sanitize();
        assert_eq!(e.vendor_type.chars().count(), MAX_DEVICE_TEXT);
        assert_eq!(e.description.as_deref(), Some("移动侦测"));
    }

    #[test]
    fn bidi_controls_are_dropped_from_device_text() {
        assert_eq!(clean_device_text("\u{202E}evil\u{2066}名\u{200F}\u{0}", 256), "evil名");
        assert_eq!(clean_device_text("正常文本 abc", 256), "正常文本 abc");
    }
}
