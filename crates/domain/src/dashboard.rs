//! Dashboard figures inside a scope, broken down by the administrative level one below the
//! viewer's own (issue 20: "dashboards and navigation per role").

use serde::Serialize;

use crate::access::Scope;

/// The level a dashboard breaks its figures down by (GB/T 2260 codes: `ppcc00` city, `ppccxx`
/// county, 9 digits township or street).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AreaLevel {
    /// 地市: the first 4 digits of a unit's division code.
    City,
    /// 区县: the first 6 digits.
    County,
    /// 乡镇（街道）: the first 9 digits.
    Township,
}

impl AreaLevel {
    /// The breakdown a scope's dashboard shows, or `None` for one unit (its managers and guards
    /// see their own unit, not a table of areas):
    /// everything and a province's police → cities; a city's police → counties; a county's police,
    /// a police station and a competent department → townships (streets).
    pub fn for_scope(scope: &Scope) -> Option<AreaLevel> {
        match scope {
            Scope::All => Some(AreaLevel::City),
            Scope::Division { prefix } if prefix.len() <= 2 => Some(AreaLevel::City),
            Scope::Division { prefix } if prefix.len() <= 4 => Some(AreaLevel::County),
            Scope::Division { .. } | Scope::Station { .. } | Scope::Department { .. } => Some(AreaLevel::Township),
            Scope::Unit { .. } | Scope::Nothing => None,
        }
    }

    /// How many leading digits of a division code name an area of this level.
    pub fn digits(self) -> usize {
        match self {
            AreaLevel::City => 4,
            AreaLevel::County => 6,
            AreaLevel::Township => 9,
        }
    }

    /// The division code of an area from its leading digits (a city's `3301` is `330100`).
    pub fn code(self, digits: &str) -> String {
        if digits.len() < 6 {
            format!("{digits:0<6}")
        } else {
            digits.to_string()
        }
    }

    /// The column header of the breakdown.
    pub fn label_zh(self) -> &'static str {
        match self {
            AreaLevel::City => "地市",
            AreaLevel::County => "区县",
            AreaLevel::Township => "乡镇（街道）",
        }
    }
}

/// Numbers of one area (city, county or township) inside the caller's scope.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AreaStats {
    /// The area's GB/T 2260 division code (6 or 9 digits).
    pub code: String,
    /// Its name (the code itself when the division table does not know it).
    pub name: String,
    pub units: i64,
    pub key_units: i64,
    pub open_alerts: i64,
    pub devices: i64,
    pub offline_devices: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Dashboard {
    pub units: i64,
    pub key_units: i64,
    pub open_alerts: i64,
    pub devices: i64,
    pub offline_devices: i64,
    /// The level of `by_area`; absent for one unit's dashboard.
    pub area_level: Option<AreaLevel>,
    /// Every area of that level inside a division scope (those without units too, with zeros),
    /// or the areas that have units for the other scopes; empty for one unit.
    pub by_area: Vec<AreaStats>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_scope_is_broken_down_one_level_below_its_own() {
        let div = |p: &str| Scope::Division { prefix: p.to_string() };
        assert_eq!(AreaLevel::for_scope(&Scope::All), Some(AreaLevel::City));
        assert_eq!(AreaLevel::for_scope(&div("33")), Some(AreaLevel::City));
        assert_eq!(AreaLevel::for_scope(&div("3301")), Some(AreaLevel::County));
        assert_eq!(AreaLevel::for_scope(&div("330106")), Some(AreaLevel::Township));
        let unit = Scope::Unit { unit_id: "u".into() };
        assert_eq!(AreaLevel::for_scope(&unit), None);
        assert_eq!(AreaLevel::City.code("3301"), "330100");
        assert_eq!(AreaLevel::Township.code("330106001"), "330106001");
    }
}
