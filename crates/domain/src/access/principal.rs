//! The principal of a request: who acts, in which role, over which jurisdiction. Resolved once
//! per request from the authenticated user (`neibao_domain::accounts::User::principal`) and handed to every
//! service call. Security-sensitive.

use crate::audit::AuditEntry;
use crate::error::{DomainError, ErrorCode};

use super::permission::{granted, Permission};
use super::role::Role;
use super::scope::Scope;

/// Who acts. `scope` filters what they see; [`Principal::require`] and [`Principal::can`] decide
/// what they may do, from the one permission table.
///
/// Access narrower than a unit (a counselling case readable only by the counsellors named on
/// it): the capability keeps its own assignments (object, user id) and its repository filters
/// by [`Principal::user_id`] in addition to the scope; a principal can then see such an object
/// only where it is named, whatever its scope.
#[derive(Debug, Clone, PartialEq)]
pub struct Principal {
    pub user_id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// Police organisation or competent department (police and department roles).
    pub org_id: Option<String>,
    pub org_name: Option<String>,
    /// The unit (unit manager and guard roles).
    pub unit_id: Option<String>,
    pub unit_name: Option<String>,
    /// Division code of the organisation or unit.
    pub division_code: Option<String>,
    /// The jurisdiction, as a filter.
    pub scope: Scope,
}

impl Principal {
    /// A principal for work the system does itself (the scheduler, the command line): an
    /// administrator's reach under the given name.
    pub fn system(name: &str) -> Principal {
        Principal {
            user_id: String::new(),
            username: name.to_string(),
            display_name: name.to_string(),
            role: Role::Admin,
            org_id: None,
            org_name: None,
            unit_id: None,
            unit_name: None,
            division_code: None,
            scope: Scope::All,
        }
    }

    /// Whether the principal's role holds `permission` (docs/SECURITY.md, "Permissions").
    pub fn can(&self, permission: Permission) -> bool {
        granted(self.role, permission)
    }

    /// Refuses with `forbidden` (403, zh-CN message naming what was refused) unless the
    /// principal's role holds `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), DomainError> {
        if self.can(permission) {
            Ok(())
        } else {
            Err(DomainError::with_message(
                ErrorCode::Forbidden,
                format!("没有权限：{}", permission.label_zh()),
            ))
        }
    }

    /// Police of any level (not administrators).
    pub fn is_police(&self) -> bool {
        self.role.is_police()
    }

    /// The audit entry of an action by this principal: `action` is a stable code
    /// (`unit.create`), `object_type` and `object_id` name what it acted on (leave the id empty
    /// on a create: the store writes the new object's id), `unit_id` the unit it concerns.
    pub fn audit(&self, action: &str, object_type: &str, object_id: &str, unit_id: Option<&str>) -> AuditEntry {
        AuditEntry {
            actor_id: (!self.user_id.is_empty()).then(|| self.user_id.clone()),
            actor_name: self.username.clone(),
            action: action.to_string(),
            object_type: object_type.to_string(),
            object_id: object_id.to_string(),
            unit_id: unit_id.map(str::to_string),
            purpose: String::new(),
            detail: String::new(),
        }
    }
}
