//! Repositories of video systems: [`VideoRepo`] (docs/VIDEO.md). Implemented by both backends in
//! `sql.rs` (compiled once per backend, see `crate::sqlite`).

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::video::*;

/// A unit's public-security video system: camera placement, the system record, signage groups
/// and checks, and the retrieval log. Every method takes the caller's scope: a unit outside it
/// is not found. The retrieval log has an append and reads only (R53: it cannot be altered).
#[async_trait]
pub trait VideoRepo: Send + Sync {
    /// The unit's cameras, NVR count, system record, signage groups with their checks, and the
    /// number of retrievals recorded since `since`. `NotFound` outside the scope.
    async fn video_register(&self, scope: &Scope, unit_id: &str, since: DateTime<Utc>) -> StoreResult<VideoRegister>;

    /// Sets a camera's location type and field-of-view note at `version` (+1), with `audit`, in
    /// one transaction. `NotFound` outside the scope or not a camera; `version_conflict` when
    /// stale; `invalid_transition` when the camera is closed.
    #[allow(clippy::too_many_arguments)]
    async fn set_camera_placement(
        &self,
        scope: &Scope,
        device_id: &str,
        version: i64,
        location_type: Option<LocationType>,
        view_note: Option<&str>,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// Records the unit's commissioning date and storage period at `version` (0 for the first
    /// record), with `audit`, in one transaction. `version_conflict` when stale.
    #[allow(clippy::too_many_arguments)]
    async fn set_video_system(
        &self,
        scope: &Scope,
        unit_id: &str,
        version: i64,
        commissioned_on: Option<NaiveDate>,
        storage_days: Option<i64>,
        by: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<VideoSystem>;

    /// Adds a signage group of the unit, with `audit`. `conflict` when the name is taken.
    #[allow(clippy::too_many_arguments)]
    async fn add_signage_group(
        &self,
        scope: &Scope,
        unit_id: &str,
        name: &str,
        camera_ids: &[String],
        by: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<SignageGroup>;

    /// Records a check of a group's sign, with `audit`. `NotFound` outside the scope.
    #[allow(clippy::too_many_arguments)]
    async fn add_signage_check(
        &self,
        scope: &Scope,
        group_id: &str,
        checked_on: NaiveDate,
        checked_by: &str,
        present: bool,
        note: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<SignageCheck>;

    /// The unit of a signage check (for its photo upload). `NotFound` outside the scope.
    async fn signage_check_unit(&self, scope: &Scope, check_id: &str) -> StoreResult<String>;

    /// Appends a retrieval with `audit` (object id filled in), in one transaction. There is no
    /// method to change or delete one.
    async fn add_retrieval(
        &self,
        scope: &Scope,
        r: &NewRetrieval,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Retrieval>;

    /// The unit's retrievals, newest first. `NotFound` outside the scope.
    async fn list_retrievals(&self, scope: &Scope, unit_id: &str, page: Page) -> StoreResult<Listing<Retrieval>>;
}
