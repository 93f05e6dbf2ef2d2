//! The principal of a signed-in account: its role, organisation or unit, and the scope they
//! give. Security-sensitive.

use super::user::User;
use crate::access::{Principal, Role, Scope};
use crate::validate::DivisionCode;

impl User {
    /// The principal of a signed-in user: the scope its role and organisation give
    /// (docs/DESIGN.md §1): administrators everything (a delegated administrator, one with a
    /// police organisation, that organisation's division prefix); province, city and county police the
    /// division-code prefix of their organisation; a police station the units assigned to it; a
    /// competent department its sector; a unit's manager and guards their unit. A misconfigured
    /// account (no organisation, no unit) sees nothing.
    pub fn principal(&self) -> Principal {
        let user = self;
        let scope = match user.role {
            // The installation's administrator has no organisation; a delegated administrator
            // (a city bureau's) manages only inside its organisation's jurisdiction.
            Role::Admin => match (&user.org_id, user.division_code.as_deref().map(DivisionCode::parse)) {
                (None, _) => Scope::All,
                (Some(_), Some(Ok(code))) => Scope::Division {
                    prefix: code.scope_prefix().to_string(),
                },
                (Some(_), _) => Scope::Nothing,
            },
            Role::PoliceProvince | Role::PoliceCity | Role::PoliceCounty => {
                match user.division_code.as_deref().map(DivisionCode::parse) {
                    Some(Ok(code)) => Scope::Division {
                        prefix: code.scope_prefix().to_string(),
                    },
                    _ => Scope::Nothing,
                }
            }
            Role::PoliceStation => user
                .org_id
                .clone()
                .map_or(Scope::Nothing, |org_id| Scope::Station { org_id }),
            Role::Department => user
                .org_id
                .clone()
                .map_or(Scope::Nothing, |org_id| Scope::Department { org_id }),
            Role::UnitManager | Role::Guard | Role::Counsellor => user
                .unit_id
                .clone()
                .map_or(Scope::Nothing, |unit_id| Scope::Unit { unit_id }),
            // A third-party assessor: the units assigned to its organisation, for the assessment
            // capability only.
            Role::Assessor => user
                .org_id
                .clone()
                .map_or(Scope::Nothing, |org_id| Scope::Assessor { org_id }),
        };
        Principal {
            user_id: user.id.clone(),
            username: user.username.clone(),
            display_name: user.display_name.clone(),
            role: user.role,
            org_id: user.org_id.clone(),
            org_name: user.org_name.clone(),
            unit_id: user.unit_id.clone(),
            unit_name: user.unit_name.clone(),
            division_code: user.division_code.clone(),
            scope,
        }
    }
}
