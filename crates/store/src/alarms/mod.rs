//! Repositories of one-press alarms: [`AlarmRepo`]. Implemented by both backends in `sql.rs`
//! (compiled once per backend, see `crate::sqlite`).

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::alarms::*;
use neibao_domain::audit::AuditEntry;
use neibao_domain::devices::IngestDevice;
use neibao_domain::paging::{Listing, Page};

/// A unit's one-press alarms (docs/ALARMS.md; R12(4), R20(3), R34). Methods taking a scope do not
/// find a unit or an alarm outside it (`NotFound` / `None`). Each alarm is read with its alert's
/// status, acknowledgement and escalation.
#[async_trait]
pub trait AlarmRepo: Send + Sync {
    /// Stores a new alarm with `audit`, in one transaction, and answers it with `true`; or, when
    /// the same caller raised an alarm (drill or not alike) of the unit within `double_tap_since`,
    /// answers that one with `false` and stores nothing (a double tap makes one alarm).
    /// `NotFound` when the unit is outside the scope or the key area is not the unit's; refused
    /// (`InvalidTransition`) for a unit that is not active.
    async fn create_alarm(
        &self,
        scope: &Scope,
        a: &NewAlarm,
        double_tap_since: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> StoreResult<(Alarm, bool)>;

    /// Links the alarm to the alert it raised.
    async fn set_alarm_alert(&self, id: &str, alert_id: &str) -> StoreResult<()>;

    /// One alarm; `None` when absent or outside the scope.
    async fn alarm(&self, scope: &Scope, id: &str) -> StoreResult<Option<Alarm>>;

    /// The alarm that raised this alert, if any (in scope).
    async fn alarm_of_alert(&self, scope: &Scope, alert_id: &str) -> StoreResult<Option<Alarm>>;

    /// Alarms in scope, newest first.
    async fn list_alarms(&self, scope: &Scope, f: &AlarmFilter, page: Page) -> StoreResult<Listing<Alarm>>;

    /// Counts of the alarms in scope raised since `since` (drills apart).
    async fn alarm_counts(
        &self,
        scope: &Scope,
        unit_id: Option<&str>,
        since: DateTime<Utc>,
    ) -> StoreResult<AlarmCounts>;

    /// Records the police's arrival at `at` with a note, by `by`, with `audit`, in one transaction.
    /// `NotFound` outside the scope; `InvalidTransition` when an arrival is already recorded.
    async fn record_alarm_arrival(
        &self,
        scope: &Scope,
        id: &str,
        at: DateTime<Utc>,
        note: &str,
        by: &str,
        audit: &AuditEntry,
    ) -> StoreResult<Alarm>;

    /// The unit's alarm event source (a device of kind `other` named 一键报警（内保平台）, created
    /// once per unit, no ingest token resolves to it); `None` for a unit that is not active.
    async fn alarm_device(&self, unit_id: &str) -> StoreResult<Option<IngestDevice>>;

    /// Sets the escalation step of alarms (minutes, meta key
    /// [`neibao_domain::alarms::ESCALATION_STEP_KEY`]) with `audit`, in one transaction.
    async fn set_alarm_escalation_step(&self, minutes: i64, audit: &AuditEntry) -> StoreResult<()>;
}

/// The id of a unit's alarm event source (one device per unit).
pub fn alarm_device_id(unit_id: &str) -> String {
    format!("alarm-{unit_id}")
}
