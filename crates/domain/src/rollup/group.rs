//! Grouping units into rows: by division (province → city → county → police station → unit) or
//! by sector (competent department → unit). A row's figures are the sum of its units.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::figures::{Figures, UnitFigures};
use crate::access::Scope;
use crate::supervision::credit::Grade;

/// The key of the group of units with no police station (by division) or no competent
/// department (by sector); as `org` it selects them.
pub const NO_STATION: &str = "-";

/// How rows are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// 按辖区: province → city → county → police station → unit.
    #[default]
    Division,
    /// 按行业: competent department → unit.
    Sector,
}

impl GroupBy {
    pub fn code(self) -> &'static str {
        match self {
            GroupBy::Division => "division",
            GroupBy::Sector => "sector",
        }
    }
    pub fn from_code(s: &str) -> Option<GroupBy> {
        match s {
            "division" => Some(GroupBy::Division),
            "sector" => Some(GroupBy::Sector),
            _ => None,
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            GroupBy::Division => "按辖区",
            GroupBy::Sector => "按行业",
        }
    }
}

/// What a row stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = RollupLevel)]
pub enum Level {
    /// 省 (2-digit division prefix).
    Province,
    /// 市 (4 digits).
    City,
    /// 县（市、区） (6 digits).
    County,
    /// 派出所 (organisation id; `-`: units with none).
    Station,
    /// 行业主管部门 (organisation id; `-`: units with none).
    Department,
    /// 单位 (unit id).
    Unit,
}

impl Level {
    pub fn label_zh(self) -> &'static str {
        match self {
            Level::Province => "省",
            Level::City => "市",
            Level::County => "县（市、区）",
            Level::Station => "派出所",
            Level::Department => "行业主管部门",
            Level::Unit => "单位",
        }
    }
}

/// The query parameters that open a row's units or sub-divisions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = RollupDrill)]
pub struct Drill {
    /// `division`: a division-code prefix (2, 4 or 6 digits).
    pub division: Option<String>,
    /// `org`: a police station (by division) or a competent department (by sector); `-`: none.
    pub org: Option<String>,
}

/// One row of a roll-up.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RollupRow {
    /// Division prefix, organisation id, unit id, or `-`.
    pub key: String,
    /// The name a person reads.
    pub label: String,
    pub level: Level,
    /// How to open the row (`None` for a unit).
    pub drill: Option<Drill>,
    pub figures: Figures,
}

/// The level of the rows shown for `by` in `scope` with the filters `division` (a prefix) and
/// `org`.
pub fn start_level(by: GroupBy, scope: &Scope, division: Option<&str>, org: Option<&str>) -> Level {
    if org.is_some() {
        return Level::Unit;
    }
    if by == GroupBy::Sector {
        return Level::Department;
    }
    let by_len = |n: usize| match n {
        0 => Level::Province,
        1 | 2 => Level::City,
        3 | 4 => Level::County,
        _ => Level::Station,
    };
    if let Some(d) = division {
        return by_len(d.len());
    }
    match scope {
        Scope::All => Level::Province,
        Scope::Division { prefix } => by_len(prefix.len()),
        Scope::Department { .. } => Level::County,
        Scope::Station { .. } | Scope::Unit { .. } | Scope::Assessor { .. } | Scope::Nothing => Level::Unit,
    }
}

/// The key of `u`'s row at `level`.
pub fn key_of(u: &UnitFigures, level: Level) -> String {
    let prefix = |n: usize| u.division_code.get(..n).unwrap_or(&u.division_code).to_string();
    match level {
        Level::Province => prefix(2),
        Level::City => prefix(4),
        Level::County => prefix(6),
        Level::Station => u.police_station_id.clone().unwrap_or_else(|| NO_STATION.to_string()),
        Level::Department => u
            .competent_department_id
            .clone()
            .unwrap_or_else(|| NO_STATION.to_string()),
        Level::Unit => u.unit_id.clone(),
    }
}

/// The rows of `units` (each with its credit grade) at `level`, in key order (`-` last), and
/// their total. `names` gives the name of a division prefix or organisation id; `division` is
/// the division filter in force (kept in the drill of the `-` station row).
pub fn group(
    units: &[(UnitFigures, Grade)],
    level: Level,
    names: &HashMap<String, String>,
    division: Option<&str>,
) -> (Vec<RollupRow>, Figures) {
    let mut rows: BTreeMap<(bool, String), RollupRow> = BTreeMap::new();
    let mut total = Figures::default();
    for (u, g) in units {
        let key = key_of(u, level);
        let row = rows.entry((key == NO_STATION, key.clone())).or_insert_with(|| {
            let label = match level {
                Level::Unit => u.unit_name.clone(),
                Level::Station if key == NO_STATION => "未分配派出所".to_string(),
                Level::Department if key == NO_STATION => "未指定主管部门".to_string(),
                _ => names.get(&key).cloned().unwrap_or_else(|| key.clone()),
            };
            let drill = match level {
                Level::Province | Level::City | Level::County => Some(Drill {
                    division: Some(key.clone()),
                    org: None,
                }),
                Level::Station | Level::Department => Some(Drill {
                    division: division.map(str::to_string),
                    org: Some(key.clone()),
                }),
                Level::Unit => None,
            };
            RollupRow {
                key: key.clone(),
                label,
                level,
                drill,
                figures: Figures::default(),
            }
        });
        row.figures.add(u, *g);
        total.add(u, *g);
    }
    (rows.into_values().collect(), total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(id: &str, division: &str, station: Option<&str>, hazards: i64) -> (UnitFigures, Grade) {
        (
            UnitFigures {
                unit_id: id.into(),
                unit_name: format!("单位{id}"),
                division_code: division.into(),
                police_station_id: station.map(str::to_string),
                hazards_opened: hazards,
                ..Default::default()
            },
            Grade::A,
        )
    }

    #[test]
    fn rows_are_the_sum_of_their_units() {
        let units = vec![
            unit("1", "330106", Some("s1"), 2),
            unit("2", "330106001", Some("s1"), 3),
            unit("3", "330106", None, 1),
            unit("4", "330102", Some("s2"), 5),
        ];
        let names = HashMap::from([("330106".to_string(), "西湖区".to_string())]);
        let (rows, total) = group(&units, Level::County, &names, Some("3301"));
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].label, "西湖区");
        assert_eq!(rows[1].figures.hazards_opened, 6);
        assert_eq!(total.hazards_opened, 11);
        let (rows, _) = group(&units[..3], Level::Station, &names, Some("330106"));
        assert_eq!(rows[0].key, "s1");
        assert_eq!(rows[1].label, "未分配派出所");
        assert_eq!(rows[1].drill.as_ref().unwrap().division.as_deref(), Some("330106"));
        assert_eq!(
            start_level(
                GroupBy::Division,
                &Scope::Division {
                    prefix: "330106".into()
                },
                None,
                None
            ),
            Level::Station
        );
        assert_eq!(
            start_level(GroupBy::Division, &Scope::All, Some("33"), None),
            Level::City
        );
        assert_eq!(start_level(GroupBy::Sector, &Scope::All, None, None), Level::Department);
    }
}
