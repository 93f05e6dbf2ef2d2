//! Units (单位) as registered, their key areas (重要部位) and armed schedules (布防时段).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::lifecycle::{LifeState, StateFilter};
use super::person::{NewResponsiblePerson, ResponsiblePerson};
use super::unit_kind::UnitKind;
use crate::paging::{Sort, SortColumn};
use crate::validate::{DivisionCode, Uscc};

/// Weekly armed schedule (布防时段) of a unit, in Asia/Shanghai local time. Each entry arms the
/// listed weekdays (1 = Monday … 7 = Sunday) from `start` to `end` (`HH:MM`); an entry whose end
/// is not after its start runs past midnight into the next day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ArmedSchedule {
    pub periods: Vec<ArmedPeriod>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ArmedPeriod {
    /// 1 = Monday … 7 = Sunday; at least one.
    #[schema(schema_with = weekdays_schema)]
    #[serde(deserialize_with = "integral_days")]
    pub weekdays: Vec<u8>,
    /// `HH:MM`, Asia/Shanghai.
    #[schema(pattern = r"^\s*([01]?\d|2[0-3]):[0-5]\d\s*$")]
    pub start: String,
    /// `HH:MM`; not after `start`: the period runs past midnight (equal: the whole day).
    #[schema(pattern = r"^\s*([01]?\d|2[0-3]):[0-5]\d\s*$")]
    pub end: String,
}

/// Weekdays as JSON numbers: `3` or `3.0` (JSON Schema's integers include both), 0–255.
fn integral_days<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
    let days: Vec<f64> = Deserialize::deserialize(d)?;
    days.into_iter()
        .map(|n| {
            if n.fract() == 0.0 && (0.0..=255.0).contains(&n) {
                Ok(n as u8)
            } else {
                Err(serde::de::Error::custom("weekday is not an integer 1–7"))
            }
        })
        .collect()
}

/// The schema of [`ArmedPeriod::weekdays`]: one to seven integers 1–7.
fn weekdays_schema() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(1))
                .maximum(Some(7)),
        )
        .min_items(Some(1))
        .build()
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Unit {
    pub id: String,
    pub name: String,
    pub kind: UnitKind,
    pub is_university: bool,
    pub is_private_enterprise: bool,
    pub uscc: String,
    pub address: String,
    pub division_code: String,
    /// The place's full name from the division table (浙江省杭州市西湖区北山街道: the division and
    /// the levels above it); `None` when the code is not in the table.
    pub division_name: Option<String>,
    pub police_station_id: Option<String>,
    pub police_station_name: Option<String>,
    pub competent_department_id: Option<String>,
    pub competent_department_name: Option<String>,
    pub is_key_unit: bool,
    /// Decree 421 Art 13 category 1–11 when `is_key_unit`.
    pub key_unit_category: Option<u8>,
    pub is_counter_terror_target: bool,
    pub armed_schedule: Option<ArmedSchedule>,
    pub responsible_persons: Vec<ResponsiblePerson>,
    /// The optimistic version (1 at registration, +1 with each change); every change sends the
    /// version it saw, a stale one is refused (409 `version_conflict`).
    pub version: i64,
    /// 在用 / 停用 / 注销 (docs/REGISTRY.md).
    pub state: LifeState,
    /// When it was closed (注销).
    pub closed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A validated unit to store.
#[derive(Debug, Clone)]
pub struct NewUnit {
    pub name: String,
    pub kind: UnitKind,
    pub is_university: bool,
    pub is_private_enterprise: bool,
    pub uscc: Uscc,
    pub address: String,
    pub division_code: DivisionCode,
    pub police_station_id: Option<String>,
    pub competent_department_id: Option<String>,
    pub is_key_unit: bool,
    pub key_unit_category: Option<u8>,
    pub is_counter_terror_target: bool,
    pub armed_schedule: Option<ArmedSchedule>,
    pub responsible_persons: Vec<NewResponsiblePerson>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct KeyArea {
    pub id: String,
    pub unit_id: String,
    pub name: String,
    pub description: String,
    /// The optimistic version (1 at creation, +1 with each change).
    pub version: i64,
    /// 在用 / 停用 / 注销.
    pub state: LifeState,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default)]
pub struct UnitFilter {
    /// Substring of the name or exact USCC.
    pub q: Option<String>,
    pub division_prefix: Option<String>,
    pub is_key_unit: Option<bool>,
    pub kind: Option<UnitKind>,
    /// Which states: live ones (在用, 停用) by default; closed (注销) units only when asked.
    pub state: StateFilter,
    /// The order; `None`: by division code, then name.
    pub sort: Option<Sort<UnitSort>>,
}

/// The columns a unit list may be ordered by (`sort=name`, `sort=-division` …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitSort {
    /// 单位名称.
    Name,
    /// 所在地 (the division code).
    Division,
}

impl SortColumn for UnitSort {
    const ALL: &'static [UnitSort] = &[UnitSort::Name, UnitSort::Division];
    fn code(self) -> &'static str {
        match self {
            UnitSort::Name => "name",
            UnitSort::Division => "division",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ArmedPeriod;

    #[test]
    fn weekdays_are_integral_json_numbers() {
        let p: ArmedPeriod =
            serde_json::from_str(r#"{"weekdays": [1, 7.0], "start": "20:00", "end": "06:00"}"#).unwrap();
        assert_eq!(p.weekdays, vec![1, 7]);
        for bad in ["[1.5]", "[-1]", "[256]", r#"["1"]"#] {
            let json = format!(r#"{{"weekdays": {bad}, "start": "20:00", "end": "06:00"}}"#);
            assert!(serde_json::from_str::<ArmedPeriod>(&json).is_err(), "{bad}");
        }
    }
}
