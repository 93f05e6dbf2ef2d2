//! Repositories of registry: [`DivisionRepo`], [`OrganisationRepo`], [`UnitRepo`], [`PersonRepo`]. Implemented by both
//! backends in `sql.rs`, `divisions_sql.rs`, `lifecycle_sql.rs` and `persons_sql.rs` (compiled once per backend, see
//! `crate::sqlite`).

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
    /// Replaces a unit's registry entry (and, with `replace_persons`, its responsible persons by
    /// `unit.responsible_persons`; otherwise they are kept) when it is still at `version` and not
    /// closed, raises the version and writes `history`. Errors: `version_conflict`,
    /// `invalid_transition` (closed), NotFound.
    #[allow(clippy::too_many_arguments)]
    async fn update_unit(
        &self,
        scope: &Scope,
        id: &str,
        version: i64,
        unit: NewUnit,
        replace_persons: bool,
        history: &NewHistory,
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

/// The registry's lifecycle (docs/REGISTRY.md): moving a unit, editing key areas and devices,
/// deactivating, reactivating and closing each, and the history of a unit. Every change takes the
/// version the caller saw (checked and raised in the transaction: `version_conflict` when it moved
/// on, `invalid_transition` when the object is closed), its history row and its audit entry, all
/// written in one transaction. Objects outside `scope` are NotFound.
#[async_trait]
pub trait LifecycleRepo: Send + Sync {
    /// Puts a unit under another police station and competent department (`None`: none).
    #[allow(clippy::too_many_arguments)]
    async fn move_unit(
        &self,
        scope: &Scope,
        id: &str,
        version: i64,
        station_id: Option<&str>,
        department_id: Option<&str>,
        history: &NewHistory,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Unit>;
    /// Deactivates, reactivates or closes a unit. Closing is refused (409 `invalid_transition`)
    /// while the unit has hazards not ended (and so open rectification orders) or inspections not
    /// submitted; the message names the counts.
    #[allow(clippy::too_many_arguments)]
    async fn set_unit_state(
        &self,
        scope: &Scope,
        id: &str,
        version: i64,
        action: LifeAction,
        history: &NewHistory,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Unit>;
    /// One key area of a unit in scope.
    async fn get_key_area(&self, scope: &Scope, id: &str) -> StoreResult<KeyArea>;
    /// Renames a key area and replaces its description.
    #[allow(clippy::too_many_arguments)]
    async fn update_key_area(
        &self,
        scope: &Scope,
        id: &str,
        version: i64,
        name: &str,
        description: &str,
        history: &NewHistory,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<KeyArea>;
    /// Deactivates, reactivates or closes a key area; closing is refused while devices not
    /// closed sit in it.
    #[allow(clippy::too_many_arguments)]
    async fn set_key_area_state(
        &self,
        scope: &Scope,
        id: &str,
        version: i64,
        action: LifeAction,
        history: &NewHistory,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<KeyArea>;
    /// Renames a device, puts it in another key area of its unit (`None`: none; the key area
    /// must not be closed) and sets its clock's time zone (an IANA name; `None`: the
    /// installation's, Asia/Shanghai).
    #[allow(clippy::too_many_arguments)]
    async fn update_device(
        &self,
        scope: &Scope,
        id: &str,
        version: i64,
        name: &str,
        key_area_id: Option<&str>,
        time_zone: Option<&str>,
        history: &NewHistory,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Deactivates, reactivates or closes a device.
    #[allow(clippy::too_many_arguments)]
    async fn set_device_state(
        &self,
        scope: &Scope,
        id: &str,
        version: i64,
        action: LifeAction,
        history: &NewHistory,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// The change history (变更记录) of a unit in scope, its key areas and devices: newest first,
    /// at most 500 rows.
    async fn unit_history(&self, scope: &Scope, unit_id: &str) -> StoreResult<Vec<HistoryEntry>>;
}

/// Responsible persons' sensitive fields: exact look-up through the blind index, purpose-logged reveal.
#[async_trait]
pub trait PersonRepo: Send + Sync {
    /// Responsible persons in scope with this (validated, normalized) ID number, found by its
    /// blind index; masked.
    async fn find_persons_by_citizen_id(&self, scope: &Scope, citizen_id: &str) -> StoreResult<Vec<PersonMatch>>;
    /// Plaintext of a person's sensitive fields; log the read with its purpose first.
    async fn reveal_person(&self, scope: &Scope, person_id: &str) -> StoreResult<RevealedPerson>;

    /// One responsible person of a unit in scope (masked), with its version. NotFound when the
    /// unit is outside `scope` or the person is not of that unit.
    async fn get_person(&self, scope: &Scope, unit_id: &str, person_id: &str) -> StoreResult<ResponsiblePerson>;
    /// The person of a unit in scope with this role and (validated, normalized) ID number, found
    /// through the ID number's blind index (the import's match); `None` when there is none (or the
    /// unit is outside `scope`).
    async fn find_unit_person(
        &self,
        scope: &Scope,
        unit_id: &str,
        role: PersonRole,
        citizen_id: &str,
    ) -> StoreResult<Option<ResponsiblePerson>>;
    /// Adds a responsible person (version 1) to a unit in scope that is not closed. The unit's
    /// version rises too (its entry, `PUT /api/v1/units/{id}`, carries the persons). The audit
    /// entry's empty `object_id` becomes the person's id. Errors: NotFound, `invalid_transition`
    /// (closed unit).
    async fn add_person(
        &self,
        scope: &Scope,
        unit_id: &str,
        person: &NewResponsiblePerson,
        history: &NewHistory,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<ResponsiblePerson>;
    /// Replaces a person's role, name, ID number and phone when it is still at `version` (the
    /// unit's version rises too). Errors: NotFound, `version_conflict`, `invalid_transition`
    /// (closed unit).
    #[allow(clippy::too_many_arguments)]
    async fn update_person(
        &self,
        scope: &Scope,
        unit_id: &str,
        person_id: &str,
        version: i64,
        person: &NewResponsiblePerson,
        history: &NewHistory,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<ResponsiblePerson>;
    /// Removes a person still at `version` (the unit's version rises); its history rows stay.
    /// Errors: NotFound, `version_conflict`, `invalid_transition` (closed unit).
    #[allow(clippy::too_many_arguments)]
    async fn remove_person(
        &self,
        scope: &Scope,
        unit_id: &str,
        person_id: &str,
        version: i64,
        history: &NewHistory,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
}
