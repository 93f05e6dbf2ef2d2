//! Account administration (账号管理): the accounts an administrator sees and manages, and the
//! pure rules of who may hold which role where (docs/SECURITY.md "Account administration").
//!
//! Every account hangs on one node of the jurisdiction tree: police and competent-department
//! accounts on their organisation (the organisation's kind must match the role: 市局内保民警 on a
//! `police_city` organisation …), unit accounts on their unit, administrators on a police
//! organisation (a delegated administrator, who manages only inside that organisation's
//! jurisdiction) or on none (the installation's administrator). Source: docs/REQUIREMENTS.md R2
//! (police supervise by jurisdiction), the "delegated administration".

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::access::Role;
use crate::accounts::User;
use crate::error::{DomainError, ErrorCode};

/// An account as its administrator sees it: the user with its state. Never the password hash
/// or the second-factor secret.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UserAccount {
    #[serde(flatten)]
    pub user: User,
    /// A disabled account cannot sign in; its sessions ended and its tokens were revoked when it
    /// was disabled.
    pub disabled: bool,
    /// Whether a TOTP second factor is active.
    pub totp_enabled: bool,
    pub created_at: DateTime<Utc>,
    /// The account's subject in an external directory (统一身份认证, LDAP DN, OIDC `sub`), for a
    /// later sign-in through it; unique where set.
    pub external_subject: Option<String>,
}

/// Which accounts a list shows (all conditions together; `None` does not restrict).
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    /// Part of the user name or the display name.
    pub q: Option<String>,
    pub role: Option<Role>,
    pub disabled: Option<bool>,
    /// Accounts of this organisation.
    pub org_id: Option<String>,
}

/// The account to write: identity, role and node, as checked by the service.
#[derive(Debug, Clone)]
pub struct AccountChange {
    pub display_name: String,
    pub role: Role,
    pub org_id: Option<String>,
    pub unit_id: Option<String>,
    pub external_subject: Option<String>,
}

/// Checks an external subject as typed: trimmed, empty is none, at most 256 characters without
/// control characters.
///
/// Errors: `validation_failed` with the reason in Chinese.
pub fn check_external_subject(typed: Option<&str>) -> Result<Option<String>, DomainError> {
    let Some(s) = typed.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    if s.chars().count() > 256 || s.chars().any(char::is_control) {
        return Err(DomainError::with_message(
            crate::error::ErrorCode::ValidationFailed,
            "外部身份标识不超过 256 个字符，且不含控制字符",
        ));
    }
    Ok(Some(s.to_string()))
}

/// The node an account of `role` hangs on, as given: the organisation's kind (one of
/// `crate::registry::ORG_KINDS`) or a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Node<'a> {
    /// No organisation and no unit.
    None,
    Organisation {
        kind: &'a str,
    },
    Unit,
}

/// The organisation kind a police or department role needs; `None` for the others.
pub fn org_kind_of(role: Role) -> Option<&'static str> {
    match role {
        Role::PoliceProvince => Some("police_province"),
        Role::PoliceCity => Some("police_city"),
        Role::PoliceCounty => Some("police_county"),
        Role::PoliceStation => Some("police_station"),
        Role::Department => Some("department"),
        Role::Assessor => Some("assessor_org"),
        Role::Admin | Role::UnitManager | Role::Guard | Role::Counsellor => None,
    }
}

/// Whether `role` may hang on `node`.
///
/// Errors: `validation_failed` in zh-CN naming what the role needs.
pub fn check_node(role: Role, node: Node<'_>) -> Result<(), DomainError> {
    let refuse = |m: &str| Err(DomainError::with_message(ErrorCode::ValidationFailed, m));
    match (role, node) {
        (Role::UnitManager | Role::Guard, Node::Unit) => Ok(()),
        (Role::UnitManager | Role::Guard, _) => refuse("单位保卫负责人和保安员须选择所在单位，不选机构"),
        (Role::Counsellor, Node::Unit) => Ok(()),
        (Role::Counsellor, _) => refuse("心理辅导员须选择所在单位，不选机构"),
        (Role::Admin, Node::None) => Ok(()),
        (Role::Admin, Node::Organisation { kind }) if kind.starts_with("police_") => Ok(()),
        (Role::Admin, _) => refuse("系统管理员只能属于公安机关（分级管理），或不属于任何机构"),
        (r, Node::Organisation { kind }) if org_kind_of(r) == Some(kind) => Ok(()),
        (r, _) => refuse(&format!(
            "{}须选择{}",
            r.label_zh(),
            crate::registry::org_kind_label_zh(org_kind_of(r).unwrap_or("department"))
        )),
    }
}

/// A user name as typed, trimmed and checked: 3–32 of `a-z 0-9 _ . -`, starting with a letter
/// (lower case: names are compared exactly at sign-in).
///
/// Errors: `validation_failed` in zh-CN.
pub fn check_username(typed: &str) -> Result<String, DomainError> {
    let name = typed.trim();
    let ok = (3..=32).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'.' | b'-'));
    if ok {
        Ok(name.to_string())
    } else {
        Err(DomainError::with_message(
            ErrorCode::ValidationFailed,
            "用户名须为3至32位小写字母、数字或 _ . -，以字母开头",
        ))
    }
}

/// A display name: 1–50 characters after trimming, no control characters.
///
/// Errors: `validation_failed` in zh-CN.
pub fn check_display_name(typed: &str) -> Result<String, DomainError> {
    let name = typed.trim();
    if name.is_empty() || name.chars().count() > 50 || name.chars().any(char::is_control) {
        return Err(DomainError::with_message(
            ErrorCode::ValidationFailed,
            "姓名须为1至50个字，不含控制字符",
        ));
    }
    Ok(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_hangs_on_its_kind_of_node() {
        let org = |kind| Node::Organisation { kind };
        assert!(check_node(Role::PoliceCity, org("police_city")).is_ok());
        assert!(check_node(Role::PoliceCity, org("police_county")).is_err());
        assert!(check_node(Role::PoliceStation, Node::Unit).is_err());
        assert!(check_node(Role::Department, org("department")).is_ok());
        assert!(check_node(Role::Guard, Node::Unit).is_ok());
        assert!(check_node(Role::Guard, org("police_station")).is_err());
        assert!(check_node(Role::Admin, Node::None).is_ok());
        assert!(check_node(Role::Admin, org("police_city")).is_ok());
        assert!(check_node(Role::Admin, org("department")).is_err());
        assert!(check_node(Role::PoliceCounty, Node::None)
            .unwrap_err()
            .to_string()
            .contains("县级公安局或分局"));
    }

    #[test]
    fn user_names_are_plain_lower_case() {
        assert_eq!(check_username(" zhang.san ").unwrap(), "zhang.san");
        for bad in ["ab", "Zhang", "1abc", "张三", "a b c", "abc;drop", &"a".repeat(33)] {
            assert!(check_username(bad).is_err(), "{bad}");
        }
        assert!(check_display_name("  ").is_err());
        assert!(check_display_name("张三").is_ok());
        assert!(check_display_name("a\u{7}b").is_err());
    }
}
