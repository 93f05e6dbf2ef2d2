//! Repository of the personal-information compliance records: [`ComplianceRepo`] (docs/COMPLIANCE.md).
//! Implemented by both backends in `sql.rs` (compiled once per backend, see `crate::sqlite`).

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::NaiveDate;
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::compliance::*;

/// Records of processing activities, data-subject requests and data incidents, each kept by a
/// unit, a police organ or the installation. Visible to a scope: a unit's records when the unit
/// is in it; a police organ's when the organ is the scope's station or its division is under the
/// scope's prefix; the installation's to administrators (and, for records of processing
/// activities, which hold no personal information, to everyone who reads these records).
/// Otherwise `None` / `NotFound`. Each write takes its audit entry, written in its transaction.
#[async_trait]
pub trait ComplianceRepo: Send + Sync {
    /// Records of processing activities visible to `scope`, the installation's first, then by
    /// keeper and purpose (at most 1000).
    async fn list_pi_activities(&self, scope: &Scope) -> StoreResult<Vec<ProcessingActivity>>;
    /// One record of processing activities, `None` when absent or not visible.
    async fn pi_activity(&self, scope: &Scope, id: &str) -> StoreResult<Option<ProcessingActivity>>;
    /// Stores a new record.
    async fn insert_pi_activity(&self, a: &ProcessingActivity, audit: &AuditEntry) -> StoreResult<()>;
    /// Replaces the changeable fields of a record (purpose, description, basis, categories,
    /// retention, recipients, PIA reference, who and when).
    async fn update_pi_activity(&self, a: &ProcessingActivity, audit: &AuditEntry) -> StoreResult<()>;

    /// Data-subject requests visible to `scope`, newest receipt first (at most 1000); `overdue`
    /// and the filter's overdue are counted against `today` (Beijing date).
    async fn list_subject_requests(
        &self,
        scope: &Scope,
        f: &SubjectRequestFilter,
        today: NaiveDate,
    ) -> StoreResult<Vec<SubjectRequest>>;
    /// One data-subject request, `None` when absent or not visible.
    async fn subject_request(&self, scope: &Scope, id: &str, today: NaiveDate) -> StoreResult<Option<SubjectRequest>>;
    /// Stores a new request; `contact` in plaintext (the store encrypts it).
    async fn insert_subject_request(&self, r: &SubjectRequest, contact: &str, audit: &AuditEntry) -> StoreResult<()>;
    /// Records the reply or the refusal (`r.state`, `reply`, `refusal_reasons`, `closed_*`,
    /// `handler`) of a request still open; `invalid_transition` when it is not.
    async fn close_subject_request(&self, r: &SubjectRequest, audit: &AuditEntry) -> StoreResult<()>;

    /// Data incidents visible to `scope`, newest discovery first (at most 1000).
    async fn list_breaches(&self, scope: &Scope) -> StoreResult<Vec<Breach>>;
    /// One data incident, `None` when absent or not visible.
    async fn breach(&self, scope: &Scope, id: &str) -> StoreResult<Option<Breach>>;
    /// Stores a new incident.
    async fn insert_breach(&self, b: &Breach, audit: &AuditEntry) -> StoreResult<()>;
    /// Replaces every changeable field of an incident still open; `invalid_transition` when it
    /// is closed.
    async fn update_breach(&self, b: &Breach, audit: &AuditEntry) -> StoreResult<()>;

    /// Stores the installation's settings (meta [`SETTINGS_KEY`]).
    async fn set_compliance_settings(&self, s: &ComplianceSettings, audit: &AuditEntry) -> StoreResult<()>;
}
