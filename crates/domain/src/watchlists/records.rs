//! What the watchlist capability stores and answers: lists, entries, hits and PIAs.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// What a list watches for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = WatchlistKind)]
pub enum ListKind {
    /// 人员（人脸）布控: face subjects.
    Face,
    /// 车辆布控: plate numbers.
    Plate,
}

impl ListKind {
    pub const ALL: [ListKind; 2] = [ListKind::Face, ListKind::Plate];
    pub fn code(self) -> &'static str {
        match self {
            ListKind::Face => "face",
            ListKind::Plate => "plate",
        }
    }
    pub fn from_code(s: &str) -> Option<ListKind> {
        ListKind::ALL.into_iter().find(|k| k.code() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            ListKind::Face => "人员（人脸）布控",
            ListKind::Plate => "车辆（车牌）布控",
        }
    }
}

/// Who owns a list or a PIA: a police organ (its hits go only to that organ) or a unit (it sees
/// only its own lists).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case", tag = "type", content = "id")]
#[schema(as = WatchlistOwner)]
pub enum Owner {
    /// 公安机关 (organisation id).
    Organ(String),
    /// 单位 (unit id).
    Unit(String),
}

impl Owner {
    pub fn org_id(&self) -> Option<&str> {
        match self {
            Owner::Organ(id) => Some(id),
            Owner::Unit(_) => None,
        }
    }
    pub fn unit_id(&self) -> Option<&str> {
        match self {
            Owner::Unit(id) => Some(id),
            Owner::Organ(_) => None,
        }
    }
}

/// A watchlist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Watchlist {
    pub id: String,
    pub kind: ListKind,
    /// 名称 (1–50 characters).
    pub name: String,
    pub owner: Owner,
    /// The organ's or unit's name.
    pub owner_name: String,
    /// Police lists: the division-code prefix whose devices' events are matched (the organ's
    /// jurisdiction); unit lists match only the unit's own devices.
    pub area_prefix: String,
    /// 法律依据或目的 (required, R61).
    pub legal_basis: String,
    /// 有效期至 (inclusive, Beijing date): past it nothing matches.
    pub expires_on: NaiveDate,
    /// 比中阈值: a face candidate at or above this similarity (percent) is a hit. Plates match
    /// exactly.
    pub threshold: u8,
    /// 已启用: only active lists match.
    pub active: bool,
    /// The approved PIA a face list was switched on under.
    pub pia_id: Option<String>,
    pub entry_count: i64,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A list to store (validated by the service).
#[derive(Debug, Clone)]
pub struct NewWatchlist {
    pub id: String,
    pub kind: ListKind,
    pub name: String,
    pub owner: Owner,
    pub owner_name: String,
    pub area_prefix: String,
    pub legal_basis: String,
    pub expires_on: NaiveDate,
    pub threshold: u8,
    pub created_by: String,
    pub at: DateTime<Utc>,
}

/// One entry of a list: a plate, or a face subject.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = WatchlistEntry)]
pub struct Entry {
    pub id: String,
    pub watchlist_id: String,
    /// Plate lists: the plate, normalised ([`normalize_plate`](super::normalize_plate)).
    pub plate: Option<String>,
    /// Face lists: the subject's name.
    pub subject_name: Option<String>,
    /// Face lists: the subject's id known to the devices or the recognition service.
    pub external_subject_id: Option<String>,
    /// Whether a face template is stored (encrypted with the biometric key; never returned).
    pub has_template: bool,
    /// Whether a reference photo is stored (encrypted with the biometric key).
    pub has_photo: bool,
    /// 备注 (at most 200 characters).
    pub note: String,
    pub created_at: DateTime<Utc>,
}

/// An entry to store.
#[derive(Debug, Clone)]
pub struct NewEntry {
    pub id: String,
    pub watchlist_id: String,
    pub plate: Option<String>,
    pub subject_name: Option<String>,
    pub external_subject_id: Option<String>,
    /// The template as received (the store encrypts it with the biometric key).
    pub template: Option<Vec<u8>>,
    /// The reference photo as received (encrypted likewise).
    pub photo: Option<Vec<u8>>,
    pub note: String,
    pub at: DateTime<Utc>,
}

/// A candidate shown with a hit: who, on which list, how similar. Never a bare name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = WatchlistCandidate)]
pub struct Candidate {
    /// The subject key the device or recognition service gave (external id or name), or the plate.
    pub subject: String,
    /// Similarity in percent; `None` for plates (exact match).
    pub similarity: Option<f32>,
    /// The list entry it matched, if any.
    pub entry_id: Option<String>,
    /// The entry's name (face) or plate, if it matched one.
    pub label: Option<String>,
}

/// What a reviewer decided about a hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = WatchlistHitStatus)]
pub enum HitStatus {
    /// 待核验.
    Pending,
    /// 确认本人.
    Confirmed,
    /// 非本人.
    Rejected,
}

impl HitStatus {
    pub const ALL: [HitStatus; 3] = [HitStatus::Pending, HitStatus::Confirmed, HitStatus::Rejected];
    pub fn code(self) -> &'static str {
        match self {
            HitStatus::Pending => "pending",
            HitStatus::Confirmed => "confirmed",
            HitStatus::Rejected => "rejected",
        }
    }
    pub fn from_code(s: &str) -> Option<HitStatus> {
        HitStatus::ALL.into_iter().find(|k| k.code() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            HitStatus::Pending => "待人工核验",
            HitStatus::Confirmed => "已确认本人",
            HitStatus::Rejected => "非本人",
        }
    }
}

/// A hit: an event that matched a list entry at or above the list's threshold, for a human check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = WatchlistHit)]
pub struct Hit {
    pub id: String,
    pub watchlist_id: String,
    pub watchlist_name: String,
    pub kind: ListKind,
    pub entry_id: String,
    pub event_id: String,
    /// The alert raised in the unit (unit lists); police lists' hits raise none there.
    pub alert_id: Option<String>,
    pub unit_id: String,
    pub unit_name: String,
    pub device_id: String,
    /// The best candidate's similarity (percent); `None` for plates.
    pub similarity: Option<f32>,
    /// The top candidates, best first.
    pub candidates: Vec<Candidate>,
    pub status: HitStatus,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub review_note: String,
    pub created_at: DateTime<Utc>,
}

/// A hit to store.
#[derive(Debug, Clone)]
pub struct NewHit {
    pub id: String,
    pub watchlist_id: String,
    pub entry_id: String,
    pub event_id: String,
    pub alert_id: Option<String>,
    pub unit_id: String,
    pub device_id: String,
    pub similarity: Option<f32>,
    pub candidates: Vec<Candidate>,
    pub at: DateTime<Utc>,
}

/// What a PIA covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PiaPurpose {
    /// 人脸布控.
    FaceWatchlist,
    /// 车牌布控.
    PlateWatchlist,
    /// 访客人脸核验.
    VisitorFace,
    /// 其他处理活动.
    Other,
}

impl PiaPurpose {
    pub const ALL: [PiaPurpose; 4] = [
        PiaPurpose::FaceWatchlist,
        PiaPurpose::PlateWatchlist,
        PiaPurpose::VisitorFace,
        PiaPurpose::Other,
    ];
    pub fn code(self) -> &'static str {
        match self {
            PiaPurpose::FaceWatchlist => "face_watchlist",
            PiaPurpose::PlateWatchlist => "plate_watchlist",
            PiaPurpose::VisitorFace => "visitor_face",
            PiaPurpose::Other => "other",
        }
    }
    pub fn from_code(s: &str) -> Option<PiaPurpose> {
        PiaPurpose::ALL.into_iter().find(|k| k.code() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            PiaPurpose::FaceWatchlist => "人脸布控",
            PiaPurpose::PlateWatchlist => "车牌布控",
            PiaPurpose::VisitorFace => "访客人脸核验",
            PiaPurpose::Other => "其他处理活动",
        }
    }
}

/// A PIA's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PiaStatus {
    /// 草稿.
    Draft,
    /// 已批准.
    Approved,
}

impl PiaStatus {
    pub fn code(self) -> &'static str {
        match self {
            PiaStatus::Draft => "draft",
            PiaStatus::Approved => "approved",
        }
    }
    pub fn from_code(s: &str) -> Option<PiaStatus> {
        match s {
            "draft" => Some(PiaStatus::Draft),
            "approved" => Some(PiaStatus::Approved),
            _ => None,
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            PiaStatus::Draft => "草稿",
            PiaStatus::Approved => "已批准",
        }
    }
}

/// A personal-information protection impact assessment (个人信息保护影响评估; PIPL Arts 55–56).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Pia {
    pub id: String,
    pub owner: Owner,
    pub owner_name: String,
    pub purpose: PiaPurpose,
    /// 标题.
    pub title: String,
    /// 处理目的、方式的合法性、正当性、必要性.
    pub necessity: String,
    /// 对个人权益的影响及安全风险.
    pub risks: String,
    /// 保护措施是否合法、有效并与风险程度相适应.
    pub safeguards: String,
    pub status: PiaStatus,
    pub drafted_by: String,
    pub drafted_by_name: String,
    pub approved_by_name: Option<String>,
    pub approved_at: Option<DateTime<Utc>>,
    /// Kept at least until this time (3 years after its last change; PIPL Art 56 ¶2).
    pub keep_until: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

/// A PIA to store.
#[derive(Debug, Clone)]
pub struct NewPia {
    pub id: String,
    pub owner: Owner,
    pub owner_name: String,
    pub purpose: PiaPurpose,
    pub title: String,
    pub necessity: String,
    pub risks: String,
    pub safeguards: String,
    pub drafted_by: String,
    pub drafted_by_name: String,
    pub at: DateTime<Utc>,
}
