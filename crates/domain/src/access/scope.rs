//! Roles and access scopes. Security-sensitive.
//!
//! A user's scope is resolved once per request into a [`Scope`]; the store turns it into a SQL
//! filter that every query on units (and on everything that belongs to a unit) applies. Objects
//! outside the scope are reported as not found (DESIGN.md §1, "deny by default").

use serde::{Deserialize, Serialize};

/// Roles (DESIGN.md §1; issue 2 "Roles").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// System administrator: manages accounts; sees everything.
    Admin,
    /// 省厅内保民警
    PoliceProvince,
    /// 市局内保民警
    PoliceCity,
    /// 分局/县局内保民警
    PoliceCounty,
    /// 派出所民警
    PoliceStation,
    /// 行业主管部门
    Department,
    /// 单位保卫负责人
    UnitManager,
    /// 保安员
    Guard,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Admin,
        Role::PoliceProvince,
        Role::PoliceCity,
        Role::PoliceCounty,
        Role::PoliceStation,
        Role::Department,
        Role::UnitManager,
        Role::Guard,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::PoliceProvince => "police_province",
            Role::PoliceCity => "police_city",
            Role::PoliceCounty => "police_county",
            Role::PoliceStation => "police_station",
            Role::Department => "department",
            Role::UnitManager => "unit_manager",
            Role::Guard => "guard",
        }
    }
    pub fn from_code(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Role::Admin => "系统管理员",
            Role::PoliceProvince => "省厅内保民警",
            Role::PoliceCity => "市局内保民警",
            Role::PoliceCounty => "分局内保民警",
            Role::PoliceStation => "派出所民警",
            Role::Department => "行业主管部门",
            Role::UnitManager => "单位保卫负责人",
            Role::Guard => "保安员",
        }
    }
    pub fn is_police(self) -> bool {
        matches!(
            self,
            Role::PoliceProvince | Role::PoliceCity | Role::PoliceCounty | Role::PoliceStation
        )
    }
    /// May create and edit units (police and admin only; a unit manager edits their own unit's
    /// key areas and devices but not the registry entry itself).
    pub fn may_register_units(self) -> bool {
        self == Role::Admin || self.is_police()
    }
    /// May create devices and key areas.
    pub fn may_manage_devices(self) -> bool {
        self.may_register_units() || self == Role::UnitManager
    }
    /// May acknowledge and resolve alerts. Competent departments only read.
    pub fn may_handle_alerts(self) -> bool {
        self != Role::Department
    }
}

/// What a user may see. Each variant becomes a filter on `units`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Everything (system administrator).
    All,
    /// Units whose division code starts with the prefix (province / city / county police).
    Division { prefix: String },
    /// Units assigned to one police station (organisation id).
    Station { org_id: String },
    /// Units whose competent department is this organisation.
    Department { org_id: String },
    /// One unit (unit security manager, guard).
    Unit { unit_id: String },
    /// Nothing (misconfigured account): deny by default.
    Nothing,
}
