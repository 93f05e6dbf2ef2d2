//! Organisation tree administration (组织机构管理): the police organisations and competent
//! departments a bureau keeps, with their state (open or closed, merged into another), their
//! optimistic version, their history, and the pure rules of where a node may sit.
//!
//! Sources: docs/REQUIREMENTS.md R2 (supervision along an organisation tree by division code:
//! county-level and higher police within their territory, police stations below them, competent
//! departments their sector), R27 (responsibility at three levels: the tree is what the roles hang
//! on) and R82 (GB/T 2260 division codes change yearly: bureaus are renamed, moved and merged).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{DomainError, ErrorCode};
use crate::registry::{org_kind_label_zh, Organisation, ORG_KINDS};
use crate::validate::DivisionCode;

/// An organisation's state: `open` (in use) or `closed` (撤销; kept for history, out of the
/// pickers).
pub const ORG_STATUSES: [&str; 2] = ["open", "closed"];

/// What a person reads for an organisation state.
pub fn org_status_label_zh(status: &str) -> &'static str {
    if status == "closed" {
        "已撤销"
    } else {
        "正常"
    }
}

/// What a person reads for a competent department's sector: the codes in use (`education`,
/// `health`) in Chinese, anything else as typed.
pub fn sector_label_zh(sector: &str) -> String {
    match sector {
        "education" => "教育".to_string(),
        "health" => "卫生健康".to_string(),
        "public_security" => "公安".to_string(),
        other => other.to_string(),
    }
}

/// An organisation as its administrator sees it: the organisation, its version and state, and
/// what still hangs on it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrgDetail {
    #[serde(flatten)]
    pub org: Organisation,
    /// Optimistic version: starts at 1, +1 with each change. Edits carry the version the user
    /// saw; a stale one is refused with 409 `version_conflict`.
    pub version: i64,
    /// `open` or `closed` ([`ORG_STATUSES`]).
    pub status: String,
    /// The organisation a closed one was merged into.
    pub merged_into: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    /// Units supervised by it (as police station or as competent department).
    pub units: i64,
    /// Active (not disabled) accounts hanging on it.
    pub users: i64,
    /// Open child organisations.
    pub children: i64,
}

/// One row of an organisation's history: who did what when, the node before and after.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OrgHistoryEntry {
    pub id: String,
    pub org_id: String,
    /// `create`, `update`, `move`, `merge`, `merged`, `close`.
    pub action: String,
    /// Who: a user name, or a system actor (`cli`).
    pub actor_name: String,
    pub at: DateTime<Utc>,
    /// The node before the change (name, sector, parent, state), as JSON; `null` for a creation.
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    /// The node after the change, as JSON.
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
    /// The change as a zh-CN sentence ("admin 将组织名称由「甲」改为「乙」").
    pub sentence: String,
}

/// A history row to write (its id and time are given by the store).
#[derive(Debug, Clone)]
pub struct NewOrgHistory {
    pub action: String,
    pub actor_id: Option<String>,
    pub actor_name: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub sentence: String,
}

/// What a merge moved from the source to the target.
#[derive(Debug, Clone, Copy, Default, Serialize, utoipa::ToSchema)]
pub struct MergeCounts {
    pub units: i64,
    pub users: i64,
    pub children: i64,
}

/// The snapshot of a node kept in its history.
pub fn snapshot(o: &OrgDetail) -> serde_json::Value {
    serde_json::json!({
        "name": o.org.name,
        "kind": o.org.kind,
        "division_code": o.org.division_code,
        "parent_id": o.org.parent_id,
        "sector": o.org.sector,
        "status": o.status,
        "merged_into": o.merged_into,
        "version": o.version,
    })
}

/// Whether `kind` is one of [`ORG_KINDS`].
///
/// Errors: `validation_failed` in zh-CN.
pub fn check_kind(kind: &str) -> Result<(), DomainError> {
    if ORG_KINDS.contains(&kind) {
        Ok(())
    } else {
        Err(DomainError::with_message(
            ErrorCode::ValidationFailed,
            "组织类别须为：省级公安机关、市级公安局、县级公安局或分局、派出所、行业主管部门或第三方评估机构",
        ))
    }
}

/// Whether an organisation of `kind` may sit under a parent of `parent_kind` (`None`: a root).
/// A provincial police department may be a root; a city bureau sits under a province, a county
/// bureau under a city, a police station under a county bureau; a competent department under any
/// police organ or another department (R2: supervision along the tree).
///
/// Errors: `validation_failed` in zh-CN naming what the kind needs.
pub fn check_parent_kind(kind: &str, parent_kind: Option<&str>) -> Result<(), DomainError> {
    let needed = match kind {
        "police_province" => None,
        "police_city" => Some("police_province"),
        "police_county" => Some("police_city"),
        "police_station" => Some("police_county"),
        _ => Some("any"),
    };
    let ok = match (needed, parent_kind) {
        (None, None) => true,
        (None, Some(_)) => false,
        (Some(_), None) => false,
        (Some("any"), Some(_)) => true,
        (Some(n), Some(p)) => n == p,
    };
    if ok {
        return Ok(());
    }
    let message = match needed {
        None => "省级公安机关只能作为最上级组织，不能设在其他组织之下".to_string(),
        Some("any") => format!("{}须设在某一公安机关或行业主管部门之下", org_kind_label_zh(kind)),
        Some(n) => format!("{}须设在{}之下", org_kind_label_zh(kind), org_kind_label_zh(n)),
    };
    Err(DomainError::with_message(ErrorCode::ValidationFailed, message))
}

/// Whether a child's division code lies within its parent's: the child's code starts with the
/// parent's division prefix (trailing zeros stripped by level, [`DivisionCode::scope_prefix`]:
/// `3301` for Hangzhou), as jurisdiction is matched everywhere (docs/REQUIREMENTS.md §c.3).
///
/// Errors: `validation_failed` in zh-CN.
pub fn check_division_within(child: &str, parent: &str) -> Result<(), DomainError> {
    let within = DivisionCode::parse(parent)
        .map(|p| child.starts_with(p.scope_prefix()))
        .unwrap_or(false);
    if within {
        Ok(())
    } else {
        Err(DomainError::with_message(
            ErrorCode::ValidationFailed,
            format!("行政区划代码 {child} 不在上级组织的辖区（{parent}）之内"),
        ))
    }
}

/// The refusal of closing an organisation that still has units, active accounts or open child
/// organisations, naming what is still there; `None` when it may be closed.
pub fn closing_refusal(units: i64, users: i64, children: i64) -> Option<DomainError> {
    let mut left = Vec::new();
    if units > 0 {
        left.push(format!("在管单位 {units} 家"));
    }
    if users > 0 {
        left.push(format!("在用账号 {users} 个"));
    }
    if children > 0 {
        left.push(format!("未撤销的下级组织 {children} 个"));
    }
    if left.is_empty() {
        return None;
    }
    Some(DomainError::with_message(
        ErrorCode::InvalidTransition,
        format!("该组织仍有{}，不能撤销；请先将其迁移或合并到其他组织", left.join("、")),
    ))
}

/// The refusal of a stale edit (409 `version_conflict`).
pub fn version_conflict() -> DomainError {
    DomainError::with_message(ErrorCode::VersionConflict, "该组织已被他人修改，请刷新后重试")
}

/// The refusal of a change to a closed organisation (409 `invalid_transition`).
pub fn closed_refusal() -> DomainError {
    DomainError::with_message(ErrorCode::InvalidTransition, "该组织已撤销，不能再修改")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_sit_under_their_parents() {
        assert!(check_parent_kind("police_province", None).is_ok());
        assert!(check_parent_kind("police_city", Some("police_province")).is_ok());
        assert!(check_parent_kind("police_county", Some("police_city")).is_ok());
        assert!(check_parent_kind("police_station", Some("police_county")).is_ok());
        assert!(check_parent_kind("department", Some("police_city")).is_ok());
        assert!(check_parent_kind("department", Some("department")).is_ok());
        assert!(check_parent_kind("department", None).is_err());
        assert!(check_parent_kind("police_city", None).is_err());
        assert!(check_parent_kind("police_province", Some("police_city")).is_err());
        let e = check_parent_kind("police_station", Some("police_city")).unwrap_err();
        assert!(e.to_string().contains("县级公安局或分局"), "{e}");
    }

    #[test]
    fn divisions_lie_within_the_parent() {
        assert!(check_division_within("330106", "330100").is_ok());
        assert!(check_division_within("330106001", "330106").is_ok());
        assert!(check_division_within("330200", "330100").is_err());
        assert!(check_division_within("330100", "330000").is_ok());
        assert!(check_division_within("340100", "330000").is_err());
    }

    #[test]
    fn closing_names_what_is_left() {
        assert!(closing_refusal(0, 0, 0).is_none());
        let e = closing_refusal(3, 0, 1).unwrap();
        assert!(e.to_string().contains("在管单位 3 家"), "{e}");
        assert!(e.to_string().contains("下级组织 1 个"), "{e}");
        assert!(!e.to_string().contains("账号"), "{e}");
    }
}
