//! The vocabulary of protective equipment: item types, post kinds, check results and the unit
//! classes a minimum set applies to (docs/EQUIPMENT.md; R35). Codes are stable; labels are what a
//! person reads.

use serde::{Deserialize, Serialize};

/// A type of protective equipment (防护器械).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemType {
    /// 防暴叉
    RiotFork,
    /// 盾牌
    Shield,
    /// 钢叉
    SteelFork,
    /// 防刺服
    StabVest,
    /// 头盔
    Helmet,
    /// 警棍
    Baton,
    /// 灭火器
    Extinguisher,
    /// 强光手电
    Flashlight,
    /// 对讲机
    Radio,
    /// 防割手套
    CutGloves,
    /// 其他
    Other,
}

impl ItemType {
    pub const ALL: [ItemType; 11] = [
        ItemType::RiotFork,
        ItemType::Shield,
        ItemType::SteelFork,
        ItemType::StabVest,
        ItemType::Helmet,
        ItemType::Baton,
        ItemType::Extinguisher,
        ItemType::Flashlight,
        ItemType::Radio,
        ItemType::CutGloves,
        ItemType::Other,
    ];

    /// Stable code, as stored and in the API.
    pub fn code(self) -> &'static str {
        match self {
            ItemType::RiotFork => "riot_fork",
            ItemType::Shield => "shield",
            ItemType::SteelFork => "steel_fork",
            ItemType::StabVest => "stab_vest",
            ItemType::Helmet => "helmet",
            ItemType::Baton => "baton",
            ItemType::Extinguisher => "extinguisher",
            ItemType::Flashlight => "flashlight",
            ItemType::Radio => "radio",
            ItemType::CutGloves => "cut_gloves",
            ItemType::Other => "other",
        }
    }

    pub fn from_code(s: &str) -> Option<ItemType> {
        ItemType::ALL.into_iter().find(|t| t.code() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ItemType::RiotFork => "防暴叉",
            ItemType::Shield => "盾牌",
            ItemType::SteelFork => "钢叉",
            ItemType::StabVest => "防刺服",
            ItemType::Helmet => "头盔",
            ItemType::Baton => "警棍",
            ItemType::Extinguisher => "灭火器",
            ItemType::Flashlight => "强光手电",
            ItemType::Radio => "对讲机",
            ItemType::CutGloves => "防割手套",
            ItemType::Other => "其他",
        }
    }
}

/// What kind of post (岗位) a post is; a minimum set may apply to one kind only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PostKind {
    /// 门卫室（大门岗）
    Gate,
    /// 监控室
    ControlRoom,
    /// 巡逻岗
    Patrol,
    /// 其他岗位
    Other,
}

impl PostKind {
    pub const ALL: [PostKind; 4] = [PostKind::Gate, PostKind::ControlRoom, PostKind::Patrol, PostKind::Other];

    pub fn code(self) -> &'static str {
        match self {
            PostKind::Gate => "gate",
            PostKind::ControlRoom => "control_room",
            PostKind::Patrol => "patrol",
            PostKind::Other => "other",
        }
    }

    pub fn from_code(s: &str) -> Option<PostKind> {
        PostKind::ALL.into_iter().find(|k| k.code() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            PostKind::Gate => "门卫室（大门岗）",
            PostKind::ControlRoom => "监控室",
            PostKind::Patrol => "巡逻岗",
            PostKind::Other => "其他岗位",
        }
    }
}

/// The result of checking one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckResult {
    /// 完好
    Good,
    /// 损坏
    Damaged,
    /// 缺失
    Missing,
    /// 过期
    Expired,
}

impl CheckResult {
    pub const ALL: [CheckResult; 4] = [
        CheckResult::Good,
        CheckResult::Damaged,
        CheckResult::Missing,
        CheckResult::Expired,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CheckResult::Good => "good",
            CheckResult::Damaged => "damaged",
            CheckResult::Missing => "missing",
            CheckResult::Expired => "expired",
        }
    }

    pub fn from_code(s: &str) -> Option<CheckResult> {
        CheckResult::ALL.into_iter().find(|r| r.code() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            CheckResult::Good => "完好",
            CheckResult::Damaged => "损坏",
            CheckResult::Missing => "缺失",
            CheckResult::Expired => "过期",
        }
    }
}

/// What the minimum-set rules know of a unit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitFacts {
    pub is_key_unit: bool,
    pub key_unit_category: Option<u8>,
    pub is_university: bool,
    pub is_counter_terror_target: bool,
}

/// The units a minimum set applies to (适用单位), as a code: `all`, `key_unit`, `university`,
/// `counter_terror`, or `key_category_<1–11>` (Decree 421 Art 13 categories).
pub fn applies_to_codes() -> Vec<String> {
    let mut v: Vec<String> = ["all", "key_unit", "university", "counter_terror"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for (c, _) in crate::registry::KEY_UNIT_CATEGORIES {
        v.push(format!("key_category_{c}"));
    }
    v
}

/// What a person reads for an `applies_to` code; `None` for an unknown code.
pub fn applies_to_label(code: &str) -> Option<String> {
    match code {
        "all" => Some("所有单位".into()),
        "key_unit" => Some("治安保卫重点单位".into()),
        "university" => Some("高等院校".into()),
        "counter_terror" => Some("反恐怖防范重点目标".into()),
        _ => {
            let n: u8 = code.strip_prefix("key_category_")?.parse().ok()?;
            crate::registry::key_unit_category_label(n).map(|l| format!("重点单位第{n}类（{l}）"))
        }
    }
}

/// Whether a unit with `facts` is one the code names.
pub fn applies(code: &str, facts: &UnitFacts) -> bool {
    match code {
        "all" => true,
        "key_unit" => facts.is_key_unit,
        "university" => facts.is_university,
        "counter_terror" => facts.is_counter_terror_target,
        _ => code
            .strip_prefix("key_category_")
            .and_then(|n| n.parse::<u8>().ok())
            .is_some_and(|n| facts.is_key_unit && facts.key_unit_category == Some(n)),
    }
}
