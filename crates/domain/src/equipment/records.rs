//! What the equipment capability stores and answers: posts, items, checks, minimum sets, the
//! flags of a post and the summary the assessment's 物防 data reads (docs/EQUIPMENT.md; R35).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::vocab::*;

/// A post (岗位、警卫室) of a unit where protective equipment is kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Post {
    pub id: String,
    pub unit_id: String,
    /// 岗位名称 (1–50 characters), e.g. 南大门门卫室.
    pub name: String,
    /// 位置 (at most 100 characters).
    pub location: String,
    pub kind: PostKind,
    /// The key area (重要部位) the post guards, if any.
    pub key_area_id: Option<String>,
    pub key_area_name: Option<String>,
    /// Changes with every update (stale → 409).
    pub version: i64,
    pub created_at: DateTime<Utc>,
}

/// A post to store (validated by the service).
#[derive(Debug, Clone)]
pub struct NewPost {
    pub id: String,
    pub unit_id: String,
    pub name: String,
    pub location: String,
    pub kind: PostKind,
    pub key_area_id: Option<String>,
    pub at: DateTime<Utc>,
}

/// The last check of an item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Check {
    pub id: String,
    pub item_id: String,
    pub unit_id: String,
    /// 检查日期 (Beijing).
    pub checked_on: NaiveDate,
    pub checked_at: DateTime<Utc>,
    /// Who checked (the account's display name).
    pub checker_name: String,
    pub result: CheckResult,
    pub note: String,
    /// The photo taken (attachment id), if any.
    pub photo_id: Option<String>,
}

/// A check to store.
#[derive(Debug, Clone)]
pub struct NewCheck {
    pub id: String,
    pub item_id: String,
    pub checked_on: NaiveDate,
    pub checker_name: String,
    pub result: CheckResult,
    pub note: String,
    pub at: DateTime<Utc>,
}

/// One line of a post's inventory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Item {
    pub id: String,
    pub post_id: String,
    pub unit_id: String,
    pub item_type: ItemType,
    /// 数量 (0–999).
    pub quantity: i64,
    /// 购置日期.
    pub purchased_on: NaiveDate,
    /// 有效期至 (the last day it may be used), if it has one.
    pub expires_on: Option<NaiveDate>,
    /// 备注 (at most 200 characters; for 其他, what it is).
    pub note: String,
    /// Changes with every update (stale → 409).
    pub version: i64,
    pub updated_at: DateTime<Utc>,
    /// The last check, if any.
    pub last_check: Option<Check>,
}

impl Item {
    /// Whether the item is past its expiry date on `today` (Beijing).
    pub fn expired(&self, today: NaiveDate) -> bool {
        self.expires_on.is_some_and(|e| e < today)
    }

    /// Whether its last check found it damaged, missing or expired.
    pub fn checked_bad(&self) -> bool {
        self.last_check.as_ref().is_some_and(|c| c.result != CheckResult::Good)
    }

    /// Whether it counts towards the minimum set on `today`.
    pub fn usable(&self, today: NaiveDate) -> bool {
        !self.expired(today) && !self.checked_bad()
    }
}

/// An item's fields as stored (new or changed).
#[derive(Debug, Clone)]
pub struct ItemFields {
    pub item_type: ItemType,
    pub quantity: i64,
    pub purchased_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
    pub note: String,
}

/// One change of an item, as kept in its history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ItemHistory {
    pub at: DateTime<Utc>,
    /// Who changed it.
    pub actor_name: String,
    /// `add`, `update` or `check`.
    pub action: String,
    /// What a person reads, e.g. 数量 1 → 2.
    pub detail: String,
}

/// One line of a minimum set: a type and how many.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StandardItem {
    pub item_type: ItemType,
    /// 最低数量 (1–99).
    pub quantity: i64,
}

/// A minimum set (最低配备标准): the items every post of a kind at units of a class must have.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Standard {
    pub id: String,
    /// 名称 (1–50 characters), e.g. 学校门卫室.
    pub name: String,
    /// The units it applies to (see `applies_to_codes`).
    pub applies_to: String,
    /// The posts it applies to; `None`: every post of those units.
    pub post_kind: Option<PostKind>,
    pub items: Vec<StandardItem>,
    /// 依据 (at most 300 characters): where it comes from.
    pub source: String,
    /// Changes with every update (stale → 409).
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

/// A reason a post is flagged to its unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Flag {
    /// Stable per post and cause: `short:<type>`, `expired:<item>`, `check:<item>`.
    pub code: String,
    /// `short`, `expired` or `check`.
    pub kind: String,
    /// What a person reads, zh-CN.
    pub detail: String,
}

/// A flag recorded for the first time (it was not open before): its notice key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFlag {
    pub id: String,
    pub flag: Flag,
}

/// A post with its inventory, what it must have and what is wrong.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PostView {
    pub post: Post,
    pub items: Vec<Item>,
    /// The minimum set of the post (per type the largest quantity of the sets that apply).
    pub required: Vec<StandardItem>,
    /// The names of the minimum sets that apply.
    pub standards: Vec<String>,
    pub flags: Vec<Flag>,
}

impl PostView {
    /// Whether some type is below its minimum.
    pub fn below_minimum(&self) -> bool {
        self.flags.iter().any(|f| f.kind == "short")
    }
}

/// A unit's posts and inventory as stored, before the rules are applied.
#[derive(Debug, Clone)]
pub struct UnitEquipmentData {
    pub unit_id: String,
    pub unit_name: String,
    pub division_code: String,
    pub facts: UnitFacts,
    pub posts: Vec<Post>,
    pub items: Vec<Item>,
}

/// The unit's protective equipment for the assessment's 物防 data and the inspection checklist
/// (W4 各岗位配备防护器械).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EquipmentSummary {
    pub unit_id: String,
    pub posts: i64,
    pub posts_below_minimum: i64,
    /// Items past their expiry date.
    pub expired_items: i64,
    /// Items whose last check found them damaged or missing (or expired).
    pub damaged_or_missing: i64,
    /// The last check of any item.
    pub last_check_on: Option<NaiveDate>,
}

impl EquipmentSummary {
    /// Whether anything is wrong.
    pub fn flagged(&self) -> bool {
        self.posts_below_minimum > 0 || self.expired_items > 0 || self.damaged_or_missing > 0
    }
}

/// A unit's equipment as answered: posts with their views and the summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UnitEquipment {
    pub unit_id: String,
    pub unit_name: String,
    pub posts: Vec<PostView>,
    pub summary: EquipmentSummary,
}

/// A unit in the police overview (units with a post below minimum or an expired or bad item).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UnitShortfall {
    pub unit_id: String,
    pub unit_name: String,
    pub division_code: String,
    pub summary: EquipmentSummary,
}
