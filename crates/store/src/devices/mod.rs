//! Repositories of devices: [`DeviceRepo`]. Implemented by both
//! backends in `sql.rs` (compiled once per backend, see `crate::sqlite`).

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::*;
use neibao_domain::audit::AuditEntry;
use neibao_domain::devices::*;
use neibao_domain::paging::*;

/// Devices: registration, the ingest view of a device, liveness and health.
#[async_trait]
pub trait DeviceRepo: Send + Sync {
    /// Seconds of silence after which a device counts as offline.
    fn offline_after_seconds(&self) -> i64;
    /// Registers a device and appends `audit` in the same transaction (its empty `object_id`
    /// becomes the new device's id).
    async fn create_device(
        &self,
        scope: &Scope,
        device: NewDevice,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Device>;
    async fn get_device(&self, scope: &Scope, id: &str, now: DateTime<Utc>) -> StoreResult<Device>;
    async fn list_devices(
        &self,
        scope: &Scope,
        filter: &DeviceFilter,
        page: Page,
        now: DateTime<Utc>,
    ) -> StoreResult<Listing<Device>>;
    /// Replaces the ingest token hash of a device in scope that is not closed (重新生成接入令牌),
    /// with its history row (at the device's current version: the token is not part of what an
    /// edit compares) and `audit`, in one transaction: from the commit on, the old token no longer
    /// resolves. Errors: `NotFound` (not in scope), `invalid_transition` (closed).
    async fn set_device_token(
        &self,
        scope: &Scope,
        id: &str,
        token_hash: &str,
        history: &neibao_domain::registry::NewHistory,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Resolves an ingest token hash to its device (no scope: the token is the credential).
    async fn device_for_ingest(&self, token_hash: &str) -> StoreResult<Option<IngestDevice>>;
    /// Marks the device as heard from at `now` (heartbeats and events).
    async fn touch_device(&self, device_id: &str, now: DateTime<Utc>) -> StoreResult<()>;
    /// The device with this id, as the ingest path sees it (no scope: internal use by the bus).
    async fn ingest_device(&self, device_id: &str) -> StoreResult<Option<IngestDevice>>;
    /// Devices and online devices per unit in the scope (units with devices only).
    async fn device_health(&self, scope: &Scope, now: DateTime<Utc>) -> StoreResult<Vec<UnitHealth>>;
    /// Devices heard from at least once, but not since `silent_since` (never-seen devices are
    /// "not yet online", not offline).
    async fn silent_devices(&self, silent_since: DateTime<Utc>, limit: i64) -> StoreResult<Vec<SilentDevice>>;
    async fn device_placement(&self, device_id: &str) -> StoreResult<Option<DevicePlacement>>;
}
