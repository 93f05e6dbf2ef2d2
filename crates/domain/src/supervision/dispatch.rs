//! Handing a campaign's inspections down the police organisation tree (下发下级) and assigning
//! them to officers (指派检查人): which direct subordinate organisation covers a unit, and the
//! progress of a campaign per organisation that holds its inspections (issue 20).

use serde::{Deserialize, Serialize};

use crate::validate::DivisionCode;

/// Who a launched campaign's inspections go to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HandOut {
    /// 本人/本单位承办: every inspection stays with the launching officer and their organisation.
    #[default]
    #[serde(rename = "self")]
    Own,
    /// 下发下级: each unit's inspection goes to the direct subordinate police organisation that
    /// covers the unit, unassigned (待指派); units no subordinate covers stay with the launcher.
    Subordinates,
}

impl HandOut {
    pub fn code(self) -> &'static str {
        match self {
            HandOut::Own => "self",
            HandOut::Subordinates => "subordinates",
        }
    }
    pub fn from_code(s: &str) -> Option<HandOut> {
        match s {
            "self" => Some(HandOut::Own),
            "subordinates" => Some(HandOut::Subordinates),
            _ => None,
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            HandOut::Own => "本人/本单位承办",
            HandOut::Subordinates => "下发下级单位承办",
        }
    }
}

/// A direct subordinate police organisation (a child in `organisations`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subordinate {
    pub id: String,
    /// Its 6-digit (bureau) or 9-digit (station) division code.
    pub division_code: String,
}

/// A campaign inspection not yet assigned to an officer, with what routing it needs.
#[derive(Debug, Clone)]
pub struct Unassigned {
    pub inspection_id: String,
    /// The unit's division code.
    pub division_code: String,
    /// The unit's police station (organisation id), when it has one.
    pub police_station_id: Option<String>,
}

/// The direct subordinate that covers a unit: the unit's own police station when it is one of
/// them, else the subordinate whose division prefix (`3301` for a city's `330100`, the whole
/// code for a county or a township) starts the unit's division code, the longest one winning.
/// `None` when no subordinate covers it (the inspection stays with the organisation).
pub fn covering<'a>(subs: &'a [Subordinate], division_code: &str, police_station_id: Option<&str>) -> Option<&'a str> {
    if let Some(st) = police_station_id {
        if let Some(s) = subs.iter().find(|s| s.id == st) {
            return Some(&s.id);
        }
    }
    subs.iter()
        .filter_map(|s| {
            let prefix = match DivisionCode::parse(&s.division_code) {
                Ok(d) => d.scope_prefix().to_string(),
                Err(_) => s.division_code.clone(),
            };
            (!prefix.is_empty() && division_code.starts_with(&prefix)).then_some((prefix.len(), s.id.as_str()))
        })
        .max_by_key(|(len, _)| *len)
        .map(|(_, id)| id)
}

/// Which inspections an assignment covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssignWhat {
    /// One inspection (not submitted; assigned or not).
    One(String),
    /// Every inspection of this campaign the organisation holds that nobody is assigned to yet.
    UnassignedOfCampaign(String),
}

/// A campaign's progress at one organisation that holds some of its inspections (only those in
/// the caller's jurisdiction are counted).
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct OrgProgress {
    /// The organisation holding the inspections (`null`: none recorded).
    pub org_id: Option<String>,
    /// Its full name (a police station with its county bureau's name in front).
    pub org_name: String,
    /// Its kind (`police_city`, `police_county`, `police_station`, `department`, …).
    pub org_kind: Option<String>,
    pub total: i64,
    /// 待检查.
    pub planned: i64,
    /// 检查中.
    pub in_progress: i64,
    /// 已提交.
    pub submitted: i64,
    /// Past their due date and not submitted.
    pub late: i64,
    /// Hazards its inspections found.
    pub hazards: i64,
    /// Not submitted and assigned to nobody yet (待指派).
    pub unassigned: i64,
}

/// An active officer of an organisation, who may be assigned its inspections.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Officer {
    pub user_id: String,
    pub display_name: String,
    pub org_id: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(id: &str, code: &str) -> Subordinate {
        Subordinate {
            id: id.into(),
            division_code: code.into(),
        }
    }

    #[test]
    fn a_city_hands_to_the_county_whose_code_starts_the_units() {
        let counties = [sub("xihu", "330106"), sub("gongshu", "330105")];
        assert_eq!(covering(&counties, "330106001", Some("station")), Some("xihu"));
        assert_eq!(covering(&counties, "330105002", None), Some("gongshu"));
        assert_eq!(covering(&counties, "330110001", None), None);
    }

    #[test]
    fn a_county_hands_to_the_units_station_else_by_township() {
        let stations = [sub("a", "330106001"), sub("b", "330106002")];
        assert_eq!(covering(&stations, "330106001", Some("b")), Some("b"));
        assert_eq!(covering(&stations, "330106001", Some("elsewhere")), Some("a"));
        assert_eq!(covering(&stations, "330106003", None), None);
    }

    #[test]
    fn a_province_hands_to_the_city_by_its_four_digits() {
        let cities = [sub("hz", "330100"), sub("nb", "330200")];
        assert_eq!(covering(&cities, "330106001", None), Some("hz"));
        assert_eq!(covering(&cities, "330203001", None), Some("nb"));
    }

    #[test]
    fn the_hand_out_codes_round_trip() {
        for h in [HandOut::Own, HandOut::Subordinates] {
            assert_eq!(HandOut::from_code(h.code()), Some(h));
            assert_eq!(serde_json::to_value(h).unwrap(), h.code());
        }
        assert_eq!(HandOut::default(), HandOut::Own);
    }
}
