//! Repositories of protective equipment: [`EquipmentRepo`]. Implemented by both backends in
//! `sql.rs` (compiled once per backend, see `crate::sqlite`).

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::equipment::*;
use neibao_domain::jobs::NewJob;

/// A unit's posts, items, item history and checks, the minimum sets and the open flags
/// (docs/EQUIPMENT.md; R35). Methods taking a scope do not find a unit, post, item or check
/// outside it (`NotFound` / `None`).
#[async_trait]
pub trait EquipmentRepo: Send + Sync {
    /// The unit's name, facts, posts (by name) and items (with their last check). `NotFound`
    /// outside the scope.
    async fn equipment_unit(&self, scope: &Scope, unit_id: &str) -> StoreResult<UnitEquipmentData>;

    /// The same for every unit in the scope that has a post (by division code, name).
    async fn equipment_units(&self, scope: &Scope) -> StoreResult<Vec<UnitEquipmentData>>;

    /// One post; `None` when absent or outside the scope.
    async fn equipment_post(&self, scope: &Scope, id: &str) -> StoreResult<Option<Post>>;

    /// Stores a new post with `audit`. `NotFound` outside the scope; refused for a closed unit
    /// or a key area not of the unit.
    async fn create_equipment_post(&self, scope: &Scope, p: &NewPost, audit: &AuditEntry) -> StoreResult<Post>;

    /// Changes a post's name, location, kind and key area when it is still at `version`
    /// (`VersionConflict` otherwise), with `audit`.
    async fn update_equipment_post(
        &self,
        scope: &Scope,
        p: &NewPost,
        version: i64,
        audit: &AuditEntry,
    ) -> StoreResult<Post>;

    /// One item with its last check; `None` when absent or outside the scope.
    async fn equipment_item(&self, scope: &Scope, id: &str) -> StoreResult<Option<Item>>;

    /// Adds item `id` to post `post_id` with a history row (by `actor`), the expiry job (if
    /// any) and `audit`, in one transaction. `NotFound` outside the scope.
    #[allow(clippy::too_many_arguments)]
    async fn add_equipment_item(
        &self,
        scope: &Scope,
        id: &str,
        post_id: &str,
        f: &ItemFields,
        actor: &str,
        job: Option<&NewJob>,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Item>;

    /// Changes an item when it is still at `version` (`VersionConflict` otherwise), with a
    /// history row saying what changed, the expiry job (if any) and `audit`.
    #[allow(clippy::too_many_arguments)]
    async fn update_equipment_item(
        &self,
        scope: &Scope,
        id: &str,
        version: i64,
        f: &ItemFields,
        actor: &str,
        job: Option<&NewJob>,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Item>;

    /// An item's history, oldest first. `NotFound` outside the scope.
    async fn equipment_history(&self, scope: &Scope, item_id: &str) -> StoreResult<Vec<ItemHistory>>;

    /// Records a check of an item with a history row and `audit`. `NotFound` outside the scope.
    async fn add_equipment_check(&self, scope: &Scope, c: &NewCheck, audit: &AuditEntry) -> StoreResult<Check>;

    /// One check (its photo the latest attachment of owner kind `equipment`); `None` when
    /// absent or outside the scope.
    async fn equipment_check(&self, scope: &Scope, id: &str) -> StoreResult<Option<Check>>;

    /// Every minimum set, by name.
    async fn equipment_standards(&self) -> StoreResult<Vec<Standard>>;

    /// Creates a minimum set (`version` `None`) or replaces one still at `version`
    /// (`VersionConflict` otherwise; `NotFound` when absent), with `audit`.
    async fn save_equipment_standard(
        &self,
        s: &Standard,
        version: Option<i64>,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Standard>;

    /// Makes the open flags of a post `flags`: removes those no longer true, records the new
    /// ones and answers them (each with its id, for the one notice it sends).
    async fn sync_equipment_flags(
        &self,
        unit_id: &str,
        post_id: &str,
        flags: &[Flag],
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<NewFlag>>;
}
