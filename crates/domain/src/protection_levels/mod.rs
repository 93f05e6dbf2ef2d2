//! Protection levels (防范等级, docs/PROTECTION-LEVELS.md; docs/REQUIREMENTS.md R46 ¶4: Zhejiang's
//! anti-terrorism measures, Art 23 — in sensitive periods, major events or emergencies the
//! counter-terror targets raise their protection level and tighten entrance control; the Opinions
//! Part 4, emergency linkage): an order of the police that raises the level of the units of a
//! jurisdiction (optionally narrowed to a unit set) for a period, with the measures required at
//! that level; the units acknowledge it and record the measures taken.
//!
//! The levels are 常态 (normal, 0) → 加强 (raised, 1) → 最高 (highest, 2). An order is issued at
//! 加强 or 最高 (常态 is the absence of an order); while active it may be raised, lowered (最高 →
//! 加强), extended and ended; it ends by itself at its planned end. A unit's effective level is
//! the highest level of the active orders covering it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A protection level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// 常态 (0): no order in force.
    Normal,
    /// 加强 (1).
    Raised,
    /// 最高 (2).
    Highest,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Normal, Level::Raised, Level::Highest];

    /// Stable code (`normal`, `raised`, `highest`), as in the API.
    pub fn code(self) -> &'static str {
        match self {
            Level::Normal => "normal",
            Level::Raised => "raised",
            Level::Highest => "highest",
        }
    }
    /// Parses [`Level::code`]; `None` for anything else.
    pub fn from_code(s: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.code() == s.trim())
    }
    /// The number stored and offered to early-warning rules (`protection_level`): 0, 1, 2.
    pub fn number(self) -> i64 {
        match self {
            Level::Normal => 0,
            Level::Raised => 1,
            Level::Highest => 2,
        }
    }
    /// The level of [`Level::number`]; out of range reads as the nearest level.
    pub fn from_number(n: i64) -> Level {
        match n {
            i64::MIN..=0 => Level::Normal,
            1 => Level::Raised,
            _ => Level::Highest,
        }
    }
    /// What a person reads: 常态 / 加强 / 最高.
    pub fn label_zh(self) -> &'static str {
        match self {
            Level::Normal => "常态",
            Level::Raised => "加强",
            Level::Highest => "最高",
        }
    }
    /// The measures required by default at this level (R46 ¶4: tighter entrance control,
    /// explosion protection and screening where needed).
    pub fn default_measures(self) -> Vec<String> {
        let m: &[&str] = match self {
            Level::Normal => &[],
            Level::Raised => &[
                "加强出入口管控，严格人员、车辆登记查验",
                "增加重点部位巡查频次，保卫人员在岗在位",
                "检查技防设施、防护器械，确保完好有效",
                "落实值班值守，保持通讯畅通，发现异常立即报警",
            ],
            Level::Highest => &[
                "主要出入口实行封闭式管理，逐一查验人员证件和随身物品",
                "对进入车辆、物品实施安全检查，必要时开展防爆检查",
                "重点部位专人值守，巡查不间断",
                "领导带班，应急力量集结待命，保持通讯畅通",
                "发现可疑人员、物品立即处置并报告公安机关",
            ],
        };
        m.iter().map(|s| s.to_string()).collect()
    }
}

/// An order's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    /// 生效中.
    Active,
    /// 已结束.
    Ended,
}

impl OrderState {
    pub fn code(self) -> &'static str {
        match self {
            OrderState::Active => "active",
            OrderState::Ended => "ended",
        }
    }
    pub fn from_code(s: &str) -> OrderState {
        if s == "active" {
            OrderState::Active
        } else {
            OrderState::Ended
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            OrderState::Active => "生效中",
            OrderState::Ended => "已结束",
        }
    }
}

/// Which units of the jurisdiction an order covers (the registry's shared target set).
pub use crate::registry::UnitSet;

/// One row of an order's history (activation, each change, the end).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = ProtectionLevelHistoryEntry)]
pub struct HistoryEntry {
    pub seq: i64,
    /// `activate`, `raise`, `lower`, `extend`, `end`.
    pub action: String,
    pub from_level: Level,
    pub to_level: Level,
    pub reason: String,
    pub by_name: String,
    pub at: DateTime<Utc>,
    /// The planned end after this step.
    pub ends_at: DateTime<Utc>,
}

/// What a person reads for a history action.
pub fn action_label_zh(action: &str) -> &'static str {
    match action {
        "activate" => "启动",
        "raise" => "提升",
        "lower" => "降低",
        "extend" => "调整结束时间",
        "end" => "结束",
        _ => "变更",
    }
}

/// A protection-level order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Order {
    pub id: String,
    /// 标题 (1–100 characters), e.g. 国庆期间防范等级.
    pub title: String,
    /// The jurisdiction: a division-code prefix (2–12 digits).
    pub division_prefix: String,
    pub unit_set: UnitSet,
    pub level: Level,
    pub state: OrderState,
    /// 事由 (sensitive date, major event), 1–500 characters.
    pub reason: String,
    /// The measures required at the current level.
    pub measures: Vec<String>,
    pub starts_at: DateTime<Utc>,
    /// The planned end (the order ends by itself then).
    pub ends_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub created_by_name: String,
    /// The issuing organisation's name, if any.
    pub org_name: Option<String>,
    pub created_at: DateTime<Utc>,
    /// +1 with each change.
    pub version: i64,
}

/// One measure as recorded by a unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MeasureRecord {
    /// The required measure's text.
    pub measure: String,
    /// 已落实.
    pub done: bool,
    /// 说明 (at most 200 characters).
    #[serde(default)]
    pub note: String,
}

/// A unit covered by an order: notified, acknowledged, measures recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OrderUnit {
    pub order_id: String,
    pub unit_id: String,
    pub unit_name: String,
    pub division_code: String,
    /// When the unit was last notified (activation or a change of level).
    pub notified_at: DateTime<Utc>,
    /// The level the unit acknowledged last, and when, by whom.
    pub acknowledged_level: Option<Level>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<String>,
    /// The measures recorded (at the level recorded).
    pub measures: Vec<MeasureRecord>,
    pub measures_level: Option<Level>,
    pub measures_at: Option<DateTime<Utc>>,
}

impl OrderUnit {
    /// Whether the unit acknowledged the order at `level` (a change of level asks again).
    pub fn acknowledged(&self, level: Level) -> bool {
        self.acknowledged_level == Some(level)
    }
    /// Whether the unit recorded its measures at `level`.
    pub fn measures_recorded(&self, level: Level) -> bool {
        self.measures_level == Some(level)
    }
}

/// An order with what the caller may see of it: the units of their scope it covers, the counts,
/// the history.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrderDetail {
    #[serde(flatten)]
    pub order: Order,
    /// The covered units in the caller's scope (by division, name).
    pub units: Vec<OrderUnit>,
    pub stats: OrderStats,
    pub history: Vec<HistoryEntry>,
    /// Whether every unit the order covers is in the caller's scope (they may change it).
    pub in_full_scope: bool,
}

/// Counts over the covered units in the caller's scope, at the order's current level.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OrderStats {
    pub notified: i64,
    pub acknowledged: i64,
    pub measures_recorded: i64,
    /// The units that have not acknowledged the current level (names).
    pub not_acknowledged: Vec<String>,
}

impl OrderStats {
    pub fn of(units: &[OrderUnit], level: Level) -> OrderStats {
        OrderStats {
            notified: units.len() as i64,
            acknowledged: units.iter().filter(|u| u.acknowledged(level)).count() as i64,
            measures_recorded: units.iter().filter(|u| u.measures_recorded(level)).count() as i64,
            not_acknowledged: units
                .iter()
                .filter(|u| !u.acknowledged(level))
                .map(|u| u.unit_name.clone())
                .collect(),
        }
    }
}

/// An order to store, validated by the service.
#[derive(Debug, Clone)]
pub struct NewOrder {
    pub id: String,
    pub title: String,
    pub division_prefix: String,
    pub unit_set: UnitSet,
    pub level: Level,
    pub reason: String,
    pub measures: Vec<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub created_by: String,
    pub created_by_name: String,
    pub org_id: Option<String>,
    pub org_name: Option<String>,
}

/// A change of an active order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Transition {
    /// 提升 (加强 → 最高).
    Raise,
    /// 降低 (最高 → 加强).
    Lower,
    /// 调整结束时间.
    Extend,
    /// 结束.
    End,
}

impl Transition {
    pub fn code(self) -> &'static str {
        match self {
            Transition::Raise => "raise",
            Transition::Lower => "lower",
            Transition::Extend => "extend",
            Transition::End => "end",
        }
    }
    pub fn from_code(s: &str) -> Option<Transition> {
        [
            Transition::Raise,
            Transition::Lower,
            Transition::Extend,
            Transition::End,
        ]
        .into_iter()
        .find(|t| t.code() == s.trim())
    }
    /// The level after this transition from `level`, or the zh-CN reason it is not allowed.
    pub fn next(self, state: OrderState, level: Level) -> Result<Level, &'static str> {
        if state == OrderState::Ended {
            return Err("该防范等级指令已结束，不能再变更");
        }
        match (self, level) {
            (Transition::Raise, Level::Raised) => Ok(Level::Highest),
            (Transition::Raise, _) => Err("已是最高等级，不能再提升"),
            (Transition::Lower, Level::Highest) => Ok(Level::Raised),
            (Transition::Lower, _) => Err("加强等级不能再降低；如需恢复常态，请结束该指令"),
            (Transition::Extend, l) => Ok(l),
            (Transition::End, _) => Ok(Level::Normal),
        }
    }
}

/// A change to store.
#[derive(Debug, Clone)]
pub struct OrderChange {
    pub order_id: String,
    pub transition: Transition,
    pub from_level: Level,
    pub to_level: Level,
    /// The measures at the new level (unchanged for extend and end).
    pub measures: Vec<String>,
    pub ends_at: DateTime<Utc>,
    pub reason: String,
    pub by_name: String,
    pub at: DateTime<Utc>,
    /// The version read (stale → conflict); `None` for the scheduler's end.
    pub version: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_state_machine() {
        use Level::*;
        use Transition::*;
        assert_eq!(Raise.next(OrderState::Active, Raised), Ok(Highest));
        assert!(Raise.next(OrderState::Active, Highest).is_err());
        assert_eq!(Lower.next(OrderState::Active, Highest), Ok(Raised));
        assert!(Lower.next(OrderState::Active, Raised).is_err());
        assert_eq!(End.next(OrderState::Active, Highest), Ok(Normal));
        assert!(End.next(OrderState::Ended, Raised).is_err());
        assert_eq!(Level::from_code("highest"), Some(Highest));
        assert_eq!(Level::from_code("red"), None);
        assert_eq!(Level::from_number(Highest.number()), Highest);
        assert!(!Raised.default_measures().is_empty());
    }
}

/// An order covering a unit, with the unit's row of it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitOrder {
    pub order: Order,
    pub unit: OrderUnit,
}

/// A unit's protection level: its effective level (the highest active order covering it) and
/// the orders covering it, active first.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitProtection {
    pub unit_id: String,
    pub unit_name: String,
    pub level: Level,
    pub orders: Vec<UnitOrder>,
}

impl UnitProtection {
    /// The effective level of these orders: the highest active one, 常态 without any.
    pub fn effective(orders: &[UnitOrder]) -> Level {
        orders
            .iter()
            .filter(|o| o.order.state == OrderState::Active)
            .map(|o| o.order.level)
            .max()
            .unwrap_or(Level::Normal)
    }
}
