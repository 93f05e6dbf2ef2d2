//! What the video capability stores and answers: the unit's video-system record, signage groups
//! and their checks, the footage retrieval log, and the summaries built from the camera register.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The least storage period of footage, in days (S7 Art 17, docs/REQUIREMENTS.md R54).
pub const MIN_STORAGE_DAYS: i64 = 30;

/// Days the retrieval count of [`VideoSummary`] looks back.
pub const SUMMARY_RETRIEVAL_DAYS: i64 = 90;

/// A camera of the register (a device of kind `camera`) as the video capability reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Camera {
    pub id: String,
    pub name: String,
    /// The ingest format's zh-CN label (海康威视 …), standing for the vendor.
    pub vendor: String,
    /// The location type's code; `None`: not yet recorded (cameras registered before R49 support).
    pub location_type: Option<String>,
    /// The location type's zh-CN label (未登记 when absent).
    pub location_label: String,
    /// Whether the location type is a prohibited spot (S7 Art 8).
    pub prohibited: bool,
    /// 视野说明 (R51: angle and field of view kept to what is necessary).
    pub view_note: Option<String>,
    /// 在用 / 停用 / 注销 (`active`, `inactive`, `closed`).
    pub state: String,
    /// The device's optimistic version.
    pub version: i64,
}

/// The unit's video-system record (R50: commissioning date and storage period).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VideoSystem {
    pub unit_id: String,
    /// 投入使用日期 (Beijing date); `None`: not recorded.
    pub commissioned_on: Option<NaiveDate>,
    /// 存储期限 in days (at least 30, R54); `None`: not recorded.
    pub storage_days: Option<i64>,
    /// Optimistic version: 0 while nothing is recorded, +1 with each change.
    pub version: i64,
    pub updated_by: Option<String>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// A count under a label (a location type, a vendor).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LabelCount {
    pub label: String,
    pub count: i64,
}

/// The video-system summary generated from the register: the payload of the R50 filing (S7 Art
/// 14: unit information, locations, device counts and types, storage period).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SystemSummary {
    pub unit_id: String,
    pub unit_name: String,
    pub uscc: String,
    pub address: String,
    pub division_code: String,
    pub system: VideoSystem,
    /// Cameras in use or stopped (closed ones are not counted).
    pub cameras: i64,
    /// Cameras by location type (未登记 for those without one).
    pub by_location: Vec<LabelCount>,
    /// Devices of the video system (cameras and NVRs) by type (摄像机, 硬盘录像机).
    pub by_kind: Vec<LabelCount>,
    /// Cameras by vendor (the ingest format).
    pub by_vendor: Vec<LabelCount>,
    /// Named camera locations (the signage groups).
    pub groups: Vec<String>,
    pub generated_at: DateTime<Utc>,
}

/// A named group of a unit's cameras (e.g. 东门) carrying one conspicuous sign (R51).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SignageGroup {
    pub id: String,
    pub unit_id: String,
    /// At most 50 characters, unique within the unit.
    pub name: String,
    /// Ids of the unit's cameras in the group.
    pub camera_ids: Vec<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    /// The checks of its sign, newest first.
    pub checks: Vec<SignageCheck>,
}

/// One check of a group's sign (显著提示标识): date, who checked, photo evidence (an attachment
/// of owner kind `video_signage`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SignageCheck {
    pub id: String,
    pub group_id: String,
    /// 检查日期 (Beijing date).
    pub checked_on: NaiveDate,
    /// 检查人 (name as typed, at most 50 characters).
    pub checked_by: String,
    /// Whether the sign is present and conspicuous.
    pub present: bool,
    /// At most 200 characters.
    pub note: String,
    /// The photo's attachment id, once uploaded.
    pub photo_id: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A footage retrieval (调阅登记, S7 Art 16, R53): never changed or deleted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Retrieval {
    pub id: String,
    pub unit_id: String,
    /// `view` (查看) or `export` (导出).
    pub action: String,
    /// 调阅事由.
    pub reason: String,
    /// The cameras retrieved (ids of the unit's cameras).
    pub camera_ids: Vec<String>,
    /// Start and end of the footage retrieved.
    pub footage_from: DateTime<Utc>,
    pub footage_to: DateTime<Utc>,
    /// 调阅人所在单位 and 调阅人姓名.
    pub requester_unit: String,
    pub requester_name: String,
    /// 批准人.
    pub approver: String,
    /// The account that recorded it.
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// A retrieval to store (validated by the service).
#[derive(Debug, Clone)]
pub struct NewRetrieval {
    pub unit_id: String,
    pub action: String,
    pub reason: String,
    pub camera_ids: Vec<String>,
    pub footage_from: DateTime<Utc>,
    pub footage_to: DateTime<Utc>,
    pub requester_unit: String,
    pub requester_name: String,
    pub approver: String,
    pub recorded_by: String,
}

/// The zh-CN label of a retrieval action code.
pub fn retrieval_action_label(code: &str) -> &'static str {
    match code {
        "view" => "查看",
        "export" => "导出",
        _ => "其他",
    }
}

/// The pure read shown next to inspection checklist items (R49, R51, R53).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VideoSummary {
    pub unit_id: String,
    pub unit_name: String,
    /// Cameras not closed.
    pub cameras: i64,
    /// Cameras without a location type.
    pub unrecorded_location: i64,
    /// Cameras recorded at a prohibited spot (S7 Art 8) — 0 passes the prohibited-spot check.
    pub prohibited: i64,
    /// Whether the prohibited-spot check passes (no camera at a prohibited spot).
    pub prohibited_check_passed: bool,
    pub signage_groups: i64,
    /// Groups with at least one check with a photo.
    pub signage_with_evidence: i64,
    pub signage_without_evidence: i64,
    /// Retrievals recorded in the last 90 days.
    pub retrievals_90_days: i64,
    pub system: VideoSystem,
}

/// What is stored about one unit's video system, read in one go (the store's answer; the
/// service builds the summaries from it).
#[derive(Debug, Clone)]
pub struct VideoRegister {
    pub unit_name: String,
    pub uscc: String,
    pub address: String,
    pub division_code: String,
    /// Cameras not closed, by name.
    pub cameras: Vec<Camera>,
    /// NVRs not closed (硬盘录像机, part of the video system).
    pub nvrs: i64,
    pub system: VideoSystem,
    /// Signage groups by name, each with its checks (newest first).
    pub groups: Vec<SignageGroup>,
    /// Retrievals recorded since the `since` the store was asked with.
    pub retrievals_since: i64,
}
