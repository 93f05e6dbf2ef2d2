//! Repository of universities (docs/UNIVERSITIES.md; R84–R88): [`UniversityRepo`], the
//! university's organisation on top of its registry unit, its holiday duty roster, and the
//! semester calendars of cities with their inspection rounds. Implemented by both backends in
//! `sql.rs`.

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::universities::*;

/// The profile fields as checked by the service.
#[derive(Debug, Clone)]
pub struct ProfileFields {
    pub party_secretary: String,
    pub president: String,
    pub security_office: String,
    pub security_office_head: String,
    /// The version the caller saw (0 before the first save).
    pub version: i64,
    pub by: String,
}

/// A college as checked by the service.
#[derive(Debug, Clone)]
pub struct NewCollege {
    pub id: String,
    pub name: String,
    pub head: String,
    pub safety_officer: String,
    pub by: String,
}

/// A campus with the names of its key areas, as checked by the service.
#[derive(Debug, Clone)]
pub struct NewCampus {
    pub id: String,
    pub name: String,
    pub address: String,
    pub police_station_id: Option<String>,
    pub key_areas: Vec<String>,
    pub by: String,
}

/// A dormitory building as checked by the service.
#[derive(Debug, Clone)]
pub struct NewDormitory {
    pub id: String,
    pub campus_id: String,
    pub name: String,
    pub rooms: i64,
    pub by: String,
}

/// A duty roster entry as checked by the service.
#[derive(Debug, Clone)]
pub struct NewDuty {
    pub id: String,
    pub date: NaiveDate,
    pub holiday: String,
    pub person: String,
    pub post: String,
    pub by: String,
}

/// A semester as checked by the service.
#[derive(Debug, Clone)]
pub struct NewSemester {
    pub id: String,
    pub city_code: String,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub safety_week_from: Option<NaiveDate>,
    pub holidays: Vec<Holiday>,
    pub by: String,
}

/// Universities' organisation, duty rosters and semester calendars. A unit outside the scope is
/// `NotFound`; a semester is in the scope when a unit of the scope lies in its city (or, for
/// division scopes, when the two divisions overlap).
#[async_trait]
pub trait UniversityRepo: Send + Sync {
    /// The unit's profile with its colleges, campuses, dormitories and duty roster. `NotFound`
    /// outside the scope.
    async fn university_profile(&self, scope: &Scope, unit_id: &str) -> StoreResult<UniversityProfile>;

    /// Saves the profile with `audit` in one transaction. `NotFound` outside the scope;
    /// `InvalidTransition` when the unit is not a university or is closed; `VersionConflict`
    /// when `f.version` is not the stored one.
    async fn save_university_profile(
        &self,
        scope: &Scope,
        unit_id: &str,
        f: &ProfileFields,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<UniversityProfile>;

    /// Adds a college. As [`Self::save_university_profile`]; `Conflict` for a name the
    /// university has.
    async fn add_university_college(
        &self,
        scope: &Scope,
        unit_id: &str,
        c: &NewCollege,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<College>;

    /// Adds a campus and its key areas (registry key areas of the unit, linked to the campus),
    /// in one transaction. `Conflict` for a name the university has; `Invalid` for a police
    /// station that is not one.
    async fn add_university_campus(
        &self,
        scope: &Scope,
        unit_id: &str,
        c: &NewCampus,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Campus>;

    /// Adds a dormitory building of one of the university's campuses with its registry key
    /// area. `NotFound` for a campus not of the unit; `Conflict` for a name the campus has.
    async fn add_university_dormitory(
        &self,
        scope: &Scope,
        unit_id: &str,
        d: &NewDormitory,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Dormitory>;

    /// Adds a duty roster entry.
    async fn add_university_duty(
        &self,
        scope: &Scope,
        unit_id: &str,
        d: &NewDuty,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<DutyEntry>;

    /// Whether a key area is a dormitory building's (R85: devices registered on it).
    async fn is_dormitory_area(&self, key_area_id: &str) -> StoreResult<bool>;

    /// Stores a semester with `audit`. `Conflict` when the city has a semester of that name.
    async fn create_semester(&self, s: &NewSemester, audit: &AuditEntry, now: DateTime<Utc>) -> StoreResult<Semester>;

    /// One semester; `None` when absent or outside the scope.
    async fn semester(&self, scope: &Scope, id: &str) -> StoreResult<Option<Semester>>;

    /// The semesters in the scope, newest start first.
    async fn semesters(&self, scope: &Scope, page: Page) -> StoreResult<Listing<Semester>>;

    /// The semester's inspection rounds, by round.
    async fn semester_rounds(&self, semester_id: &str) -> StoreResult<Vec<SemesterRound>>;

    /// Claims round `round` of the semester with `audit` (one transaction). `false` when it was
    /// claimed before: nothing is written.
    async fn claim_semester_round(
        &self,
        semester_id: &str,
        round: i64,
        due_on: NaiveDate,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;

    /// Links a claimed round to its campaign.
    async fn link_semester_round(&self, semester_id: &str, round: i64, campaign_id: &str) -> StoreResult<()>;

    /// Gives up a claimed round whose campaign could not be launched.
    async fn release_semester_round(&self, semester_id: &str, round: i64) -> StoreResult<()>;

    /// The universities of the city (active, in the scope) with their drills planned in
    /// `[from, to]` and their duty entries on those dates, by name.
    async fn semester_universities(
        &self,
        scope: &Scope,
        city_prefix: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<SemesterUniversity>>;
}
