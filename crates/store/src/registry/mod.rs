//! Repositories of registry: [`DivisionRepo`], [`OrganisationRepo`], [`UnitRepo`], [`PersonRepo`]. Implemented by both
//! backends in `sql.rs` (compiled once per backend, see `crate::sqlite`).

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::*;
use neibao_domain::audit::AuditEntry;
use neibao_domain::paging::*;
use neibao_domain::registry::*;

/// GB/T 2260 administrative divisions and the versions of their table (docs/DIVISIONS.md).
#[async_trait]
pub trait DivisionRepo: Send + Sync {
    /// Writes rows as they are, in force (no version, no history): the demo and tests.
    async fn upsert_divisions(&self, divisions: &[Division]) -> StoreResult<()>;
    /// The divisions in force below `parent_code` (the provinces when `None`), by code.
    async fn list_divisions(&self, parent_code: Option<&str>) -> StoreResult<Vec<Division>>;
    /// One division by its code, in force or retired; `NotFound` when the table has no such code.
    async fn get_division(&self, code: &str) -> StoreResult<Division>;
    /// How many divisions the table holds (0: the shipped table was never loaded).
    async fn count_divisions(&self) -> StoreResult<i64>;
    /// Every division, in force and retired, by code.
    async fn all_divisions(&self) -> StoreResult<Vec<Division>>;
    /// The loaded table versions, oldest first.
    async fn division_versions(&self) -> StoreResult<Vec<DivisionVersion>>;
    /// What happened to `code` (and to the codes merged into it), oldest first.
    async fn division_history(&self, code: &str) -> StoreResult<Vec<DivisionChange>>;
    /// Loads `table` as `version` in one transaction: its rows written in force, the retired and
    /// merged codes of `changes` given their `valid_to` and successor, `changes` kept as history,
    /// the version recorded and `audit` (if any) appended.
    ///
    /// Errors: `Conflict` when that version is already loaded.
    async fn load_division_version(
        &self,
        version: &DivisionVersion,
        table: &[Division],
        changes: &[DivisionChange],
        audit: Option<&AuditEntry>,
    ) -> StoreResult<()>;
}

/// Police organisations and competent departments.
#[async_trait]
pub trait OrganisationRepo: Send + Sync {
    async fn create_organisation(&self, org: &Organisation) -> StoreResult<()>;
    async fn get_organisation(&self, id: &str) -> StoreResult<Organisation>;
    /// Open organisations (closed ones are left out), by division code and name.
    async fn list_organisations(
        &self,
        kind: Option<&str>,
        division_prefix: Option<&str>,
    ) -> StoreResult<Vec<Organisation>>;
}

/// Units with their responsible persons, armed schedules and key areas. Reads take the caller's
/// scope. Every write appends its `audit` entry in the same transaction (the change and its audit
/// row commit together or not at all).
#[async_trait]
pub trait UnitRepo: Send + Sync {
    /// Registers a unit. The audit entry's empty `object_id` (and missing `unit_id`) become the
    /// new unit's id.
    async fn create_unit(&self, unit: NewUnit, audit: &AuditEntry, now: DateTime<Utc>) -> StoreResult<Unit>;
    async fn update_unit(
        &self,
        scope: &Scope,
        id: &str,
        unit: NewUnit,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Unit>;
    /// Replaces a unit's armed schedule (布防时段); `None` clears it.
    async fn set_armed_schedule(
        &self,
        scope: &Scope,
        id: &str,
        schedule: Option<&ArmedSchedule>,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    async fn get_unit(&self, scope: &Scope, id: &str) -> StoreResult<Unit>;
    async fn list_units(&self, scope: &Scope, filter: &UnitFilter, page: Page) -> StoreResult<Listing<Unit>>;
    /// Adds a key area to a unit; the audit entry's empty `object_id` becomes the new area's id.
    async fn create_key_area(
        &self,
        scope: &Scope,
        unit_id: &str,
        name: &str,
        description: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<KeyArea>;
    async fn list_key_areas(&self, scope: &Scope, unit_id: &str) -> StoreResult<Vec<KeyArea>>;
}

/// Responsible persons' sensitive fields: exact look-up through the blind index, purpose-logged reveal.
#[async_trait]
pub trait PersonRepo: Send + Sync {
    /// Responsible persons in scope with this (validated, normalized) ID number, found by its
    /// blind index; masked.
    async fn find_persons_by_citizen_id(&self, scope: &Scope, citizen_id: &str) -> StoreResult<Vec<PersonMatch>>;
    /// Plaintext of a person's sensitive fields; log the read with its purpose first.
    async fn reveal_person(&self, scope: &Scope, person_id: &str) -> StoreResult<RevealedPerson>;
}
