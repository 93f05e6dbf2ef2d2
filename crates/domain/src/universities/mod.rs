//! Universities (高校) as first-class units (docs/UNIVERSITIES.md; R39, R84–R88, issue 18): the
//! university's organisation on top of its registry unit (党委, president, 保卫处, colleges and
//! departments, campuses with their key areas and police stations, dormitory buildings), holiday
//! duty rosters, and the semester calendar of a city with its inspection rounds (at least two
//! safety inspections per semester, R86) and school-safety education week (last week of March).

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use serde::{Deserialize, Serialize};

/// The university's organisation (R84: the party committee leads, the president is responsible,
/// the security office does the work). Empty strings until the profile is first saved
/// (`version` 0).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UniversityProfile {
    pub unit_id: String,
    pub unit_name: String,
    pub division_code: String,
    /// Whether the registry marks the unit as a university (高等学校); the profile of another
    /// unit cannot be written (409).
    pub is_university: bool,
    /// 党委书记.
    pub party_secretary: String,
    /// 校长.
    pub president: String,
    /// 保卫处 (the security office's name, e.g. 保卫处、保卫部).
    pub security_office: String,
    /// 保卫处负责人.
    pub security_office_head: String,
    /// 0 before the first save; +1 with each save (an edit sends the version it saw).
    pub version: i64,
    pub updated_by: Option<String>,
    pub updated_at: Option<DateTime<Utc>>,
    pub colleges: Vec<College>,
    pub campuses: Vec<Campus>,
    pub dormitories: Vec<Dormitory>,
    /// The holiday duty roster, by date.
    pub duty: Vec<DutyEntry>,
}

/// A college or department (院系) with its own responsible person.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct College {
    pub id: String,
    pub name: String,
    /// 院系负责人 (党政负责人).
    pub head: String,
    /// 安全工作联络人 ("" when none).
    pub safety_officer: String,
    pub created_at: DateTime<Utc>,
}

/// A campus (校区) with the police station covering it and its key areas.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Campus {
    pub id: String,
    pub name: String,
    pub address: String,
    pub police_station_id: Option<String>,
    pub police_station_name: Option<String>,
    /// The campus's key areas: registry key areas of the unit (devices attach to them).
    pub key_areas: Vec<CampusArea>,
    pub created_at: DateTime<Utc>,
}

/// A key area of a campus.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CampusArea {
    /// The registry key area's id.
    pub key_area_id: String,
    pub name: String,
}

/// A dormitory building (宿舍楼). Its registry key area takes cameras for the building's
/// entrances and public areas only: a camera inside a dormitory room is refused (R85).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Dormitory {
    pub id: String,
    pub campus_id: String,
    pub campus_name: String,
    pub name: String,
    /// Number of rooms.
    pub rooms: i64,
    pub key_area_id: String,
    pub created_at: DateTime<Utc>,
}

/// Who is on duty on a holiday date (假期值班, R86).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DutyEntry {
    pub id: String,
    pub date: NaiveDate,
    /// The holiday (e.g. 国庆节、寒假).
    pub holiday: String,
    pub person: String,
    /// 值班领导、值班人员 …
    pub post: String,
    pub created_by: String,
}

/// A holiday of a semester calendar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Holiday {
    #[schema(min_length = 1, max_length = 30)]
    pub name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// A semester of a city's calendar (R86).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Semester {
    pub id: String,
    /// The city's 6-digit division code (330100).
    pub city_code: String,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// School-safety education week (学校安全教育周) when the semester holds the last week of
    /// March: from this Monday for seven days.
    pub safety_week_from: Option<NaiveDate>,
    pub holidays: Vec<Holiday>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// A semester's inspection round: the campaign it was scheduled as.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SemesterRound {
    /// 1 or 2.
    pub round: i64,
    pub due_on: NaiveDate,
    /// The campaign (专项检查); `None` while being scheduled.
    pub campaign_id: Option<String>,
    pub scheduled_at: DateTime<Utc>,
}

/// A university of the semester's city with what it did in the semester.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SemesterUniversity {
    pub unit_id: String,
    pub unit_name: String,
    /// Drills (应急演练, docs/DRILLS.md) planned within the semester.
    pub drills_planned: i64,
    /// Of these, the drills finished or evaluated.
    pub drills_done: i64,
    /// Duty roster entries on the semester's dates.
    pub duty_entries: i64,
}

/// A semester with its rounds and its city's universities in the caller's jurisdiction.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SemesterDetail {
    #[serde(flatten)]
    pub semester: Semester,
    pub rounds: Vec<SemesterRound>,
    pub universities: Vec<SemesterUniversity>,
}

/// The last week of March of `year` (学校安全教育周, S19 Ningbo): the last Monday of March and
/// the six days after it.
pub fn safety_week(year: i32) -> (NaiveDate, NaiveDate) {
    let mut d = NaiveDate::from_ymd_opt(year, 3, 31).unwrap_or_default();
    while d.weekday() != Weekday::Mon {
        d -= Duration::days(1);
    }
    (d, d + Duration::days(6))
}

/// The safety week a semester holds: the last week of March of a year between its start and
/// end, starting inside it.
pub fn safety_week_in(starts_on: NaiveDate, ends_on: NaiveDate) -> Option<NaiveDate> {
    (starts_on.year()..=ends_on.year())
        .map(|y| safety_week(y).0)
        .find(|d| *d >= starts_on && *d <= ends_on)
}

/// The due dates of a semester's two safety inspections (R86: at least twice per semester): the
/// middle of the semester and its last day.
pub fn round_due_dates(starts_on: NaiveDate, ends_on: NaiveDate) -> [NaiveDate; 2] {
    let half = (ends_on - starts_on).num_days() / 2;
    [starts_on + Duration::days(half), ends_on]
}

/// A city's division code: six digits, a province-level prefix and a city part, ending in `00`
/// (330100). `None` for anything else.
pub fn city_code(s: &str) -> Option<String> {
    let s = s.trim();
    (s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()) && s.ends_with("00") && !s.ends_with("0000"))
        .then(|| s.to_string())
}

/// The division prefix of a city code (`3301` of `330100`).
pub fn city_prefix(city_code: &str) -> &str {
    city_code.get(..4).unwrap_or(city_code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_safety_week_is_the_last_week_of_march() {
        assert_eq!(safety_week(2026), (d(2026, 3, 30), d(2026, 4, 5)));
        assert_eq!(safety_week(2027), (d(2027, 3, 29), d(2027, 4, 4)));
        assert_eq!(safety_week_in(d(2026, 2, 23), d(2026, 7, 10)), Some(d(2026, 3, 30)));
        assert_eq!(safety_week_in(d(2026, 9, 1), d(2027, 1, 20)), None);
    }

    #[test]
    fn two_rounds_per_semester() {
        let [a, b] = round_due_dates(d(2026, 9, 1), d(2027, 1, 20));
        assert!(a > d(2026, 9, 1) && a < b);
        assert_eq!(b, d(2027, 1, 20));
    }

    #[test]
    fn city_codes() {
        assert_eq!(city_code("330100").as_deref(), Some("330100"));
        assert_eq!(city_code("330106"), None);
        assert_eq!(city_code("330000"), None);
        assert_eq!(city_code("3301"), None);
        assert_eq!(city_prefix("330100"), "3301");
    }
}
