//! Roles (docs/DESIGN.md §1). Security-sensitive: what a role may do is decided by the
//! permission table ([`super::permission`]), nowhere else.

use serde::{Deserialize, Serialize};

/// Roles (docs/DESIGN.md §1).
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
    /// 第三方评估人员: an account of a third-party assessment organisation (第三方评估机构); sees
    /// only the units assigned to its organisation in assessment campaigns, and only their
    /// assessments (docs/ASSESSMENT.md "Third-party assessors").
    Assessor,
    /// 心理辅导员 (docs/WELLBEING.md; R36): a unit's counsellor, named on the crisis cases they follow.
    Counsellor,
}

impl Role {
    pub const ALL: [Role; 10] = [
        Role::Admin,
        Role::PoliceProvince,
        Role::PoliceCity,
        Role::PoliceCounty,
        Role::PoliceStation,
        Role::Department,
        Role::UnitManager,
        Role::Guard,
        Role::Assessor,
        Role::Counsellor,
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
            Role::Assessor => "assessor",
            Role::Counsellor => "counsellor",
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
            Role::Assessor => "第三方评估人员",
            Role::Counsellor => "心理辅导员",
        }
    }
    pub fn is_police(self) -> bool {
        matches!(
            self,
            Role::PoliceProvince | Role::PoliceCity | Role::PoliceCounty | Role::PoliceStation
        )
    }
}
