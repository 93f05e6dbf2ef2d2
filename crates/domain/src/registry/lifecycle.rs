//! The registry's lifecycle (docs/REGISTRY.md): the state of a unit, key area or device
//! (在用 / 停用 / 注销), the transitions between them, optimistic versions and the history rows
//! of every change (docs/REQUIREMENTS.md R1, R15: the registry follows the real unit; R82: no
//! history is lost).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{DomainError, ErrorCode};

/// The state of a unit, key area or device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LifeState {
    /// 在用: in service; devices' events are taken.
    #[default]
    Active,
    /// 停用: out of service for a while (renovation, suspended business); readable, may be
    /// reactivated; its devices' events are refused at intake.
    Deactivated,
    /// 注销: closed for good; its records stay readable, it takes no changes and nothing new.
    Closed,
}

impl LifeState {
    pub const ALL: [LifeState; 3] = [LifeState::Active, LifeState::Deactivated, LifeState::Closed];

    /// The stored and API code: `active`, `deactivated`, `closed`.
    pub fn code(self) -> &'static str {
        match self {
            LifeState::Active => "active",
            LifeState::Deactivated => "deactivated",
            LifeState::Closed => "closed",
        }
    }

    /// The state of a stored code; unknown codes read as `active`.
    pub fn from_code(s: &str) -> LifeState {
        LifeState::ALL
            .into_iter()
            .find(|st| st.code() == s)
            .unwrap_or(LifeState::Active)
    }

    /// 在用 / 停用 / 注销.
    pub fn label_zh(self) -> &'static str {
        match self {
            LifeState::Active => "在用",
            LifeState::Deactivated => "停用",
            LifeState::Closed => "注销",
        }
    }
}

/// A change of state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LifeAction {
    /// 停用: from 在用.
    Deactivate,
    /// 恢复在用: from 停用.
    Reactivate,
    /// 注销: from 在用 or 停用; final.
    Close,
}

impl LifeAction {
    /// `deactivate`, `reactivate`, `close` (history and audit action names).
    pub fn code(self) -> &'static str {
        match self {
            LifeAction::Deactivate => "deactivate",
            LifeAction::Reactivate => "reactivate",
            LifeAction::Close => "close",
        }
    }

    /// 停用 / 恢复在用 / 注销 (the verb in history sentences).
    pub fn label_zh(self) -> &'static str {
        match self {
            LifeAction::Deactivate => "停用",
            LifeAction::Reactivate => "恢复在用",
            LifeAction::Close => "注销",
        }
    }

    /// The state after the action, when the action is allowed from `from`; otherwise the
    /// refusal (409 `invalid_transition`) naming the object (`what`: 单位, 重要部位, 设备).
    pub fn apply(self, from: LifeState, what: &str) -> Result<LifeState, DomainError> {
        match (self, from) {
            (_, LifeState::Closed) => Err(closed_refusal(what)),
            (LifeAction::Deactivate, LifeState::Active) => Ok(LifeState::Deactivated),
            (LifeAction::Reactivate, LifeState::Deactivated) => Ok(LifeState::Active),
            (LifeAction::Close, _) => Ok(LifeState::Closed),
            (LifeAction::Deactivate, _) => Err(DomainError::with_message(
                ErrorCode::InvalidTransition,
                format!("该{what}已停用"),
            )),
            (LifeAction::Reactivate, _) => Err(DomainError::with_message(
                ErrorCode::InvalidTransition,
                format!("该{what}在用，无需恢复"),
            )),
        }
    }
}

/// The refusal of a stale version (409 `version_conflict`): someone changed the object since the
/// caller read it; nothing was written.
pub fn stale(what: &str) -> DomainError {
    DomainError::with_message(
        ErrorCode::VersionConflict,
        format!("该{what}已被他人修改，请刷新后重试（您填写的内容未保存）"),
    )
}

/// The refusal of any change to a closed (注销) object (409 `invalid_transition`).
pub fn closed_refusal(what: &str) -> DomainError {
    DomainError::with_message(
        ErrorCode::InvalidTransition,
        format!("该{what}已注销，不能再修改；其记录仍可查阅"),
    )
}

/// Which states a unit list shows: live ones (在用 and 停用) unless asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StateFilter {
    /// 在用 and 停用 (the default list).
    #[default]
    Live,
    /// One state.
    Only(LifeState),
    /// Every state, 注销 included.
    All,
}

impl StateFilter {
    /// From a query value: empty or absent → live, `all`, or a state code; `None` for anything
    /// else.
    pub fn parse(s: Option<&str>) -> Option<StateFilter> {
        match s.map(str::trim) {
            None | Some("") | Some("live") => Some(StateFilter::Live),
            Some("all") => Some(StateFilter::All),
            Some(c) => LifeState::ALL
                .into_iter()
                .find(|st| st.code() == c)
                .map(StateFilter::Only),
        }
    }
}

/// One row of a unit's change history (变更记录): the unit itself, its key areas, responsible
/// persons and devices.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HistoryEntry {
    pub id: String,
    pub unit_id: String,
    /// `unit`, `key_area`, `device`.
    pub object_type: String,
    pub object_id: String,
    /// `create`, `update`, `move`, `deactivate`, `reactivate`, `close`.
    pub action: String,
    /// Who: a user name.
    pub actor_name: String,
    pub at: DateTime<Utc>,
    /// The version of the object after the change.
    pub version: i64,
    /// The change as a zh-CN sentence: 「张三 将单位名称由「甲」改为「乙」」.
    pub sentence: String,
}

/// A history row to write (its id, time and version are given by the store).
#[derive(Debug, Clone)]
pub struct NewHistory {
    pub action: String,
    pub actor_id: Option<String>,
    pub actor_name: String,
    pub sentence: String,
}

/// 「甲」改为「乙」 for a changed field, `None` when unchanged.
pub fn change(label: &str, before: &str, after: &str) -> Option<String> {
    (before != after).then(|| format!("{label}由「{before}」改为「{after}」"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transitions() {
        assert_eq!(
            LifeAction::Deactivate.apply(LifeState::Active, "单位").unwrap(),
            LifeState::Deactivated
        );
        assert_eq!(
            LifeAction::Reactivate.apply(LifeState::Deactivated, "单位").unwrap(),
            LifeState::Active
        );
        assert_eq!(
            LifeAction::Close.apply(LifeState::Deactivated, "设备").unwrap(),
            LifeState::Closed
        );
        let e = LifeAction::Reactivate.apply(LifeState::Closed, "设备").unwrap_err();
        assert!(e.to_string().contains("已注销"), "{e}");
        assert!(LifeAction::Deactivate.apply(LifeState::Deactivated, "单位").is_err());
        assert!(LifeAction::Reactivate.apply(LifeState::Active, "单位").is_err());
    }

    #[test]
    fn state_filter_parses() {
        assert_eq!(StateFilter::parse(None), Some(StateFilter::Live));
        assert_eq!(StateFilter::parse(Some("all")), Some(StateFilter::All));
        assert_eq!(
            StateFilter::parse(Some("closed")),
            Some(StateFilter::Only(LifeState::Closed))
        );
        assert_eq!(StateFilter::parse(Some("gone")), None);
    }
}
