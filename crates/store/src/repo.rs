//! The repository trait. One implementation per backend (SQLite now; PostgreSQL in the
//! province-scale issue); the web layer holds an `Arc<dyn Store>`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::alerts::{Alert, AlertAction};
use neibao_domain::error::{DomainError, ErrorCode};
use neibao_domain::events::{DecodedEvent, SecurityEvent};

use neibao_domain::accounts::{ApiTokenInfo, NewUser, SessionInfo, TokenScope, TotpState, User};
use neibao_domain::alerts::{AlertDraft, AlertFilter, Raised, RuleSetting};
use neibao_domain::attachments::Attachment;
use neibao_domain::attachments::NewAttachment;
use neibao_domain::audit::AuditFilter;
use neibao_domain::audit::{AuditEntry, AuditHead, AuditRecord};
use neibao_domain::dashboard::Dashboard;
use neibao_domain::devices::{Device, DeviceFilter, IngestDevice, NewDevice};
use neibao_domain::devices::{DevicePlacement, SilentDevice, UnitHealth};
use neibao_domain::documents::{Document, DocumentFilter};
use neibao_domain::events::ReplayEvent;
use neibao_domain::events::{EventFilter, Recorded};
use neibao_domain::jobs::{Job, NewJob};
use neibao_domain::notifications::{DeliveryOutcome, Fanout, InboxItem, NewChannel, NotificationChannel, OutboxItem};
use neibao_domain::paging::{Listing, Page};
use neibao_domain::privacy::ReencryptReport;
use neibao_domain::privacy::{DataClass, DeletionRecord, LegalHold, RetentionPolicy};
use neibao_domain::registry::{
    ArmedSchedule, Division, KeyArea, NewUnit, Organisation, PersonMatch, RevealedPerson, Unit, UnitFilter,
};
use neibao_domain::supervision::checklist::{ChecklistItem, Variant};
use neibao_domain::supervision::{
    Campaign, ChecklistVersion, CreditRecord, Hazard, HazardFilter, HazardStep, HazardUpdate, Inspection,
    InspectionFilter, InspectionRecord, ItemOutcome, NewCampaign, NewHazard, NewInspection, StandingFilter,
    SubmitInspection, UnitStanding,
};
use neibao_domain::warning::{StoredRule, SuppressionWindow};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(db.message().to_string()),
            _ => StoreError::Other(e.into()),
        }
    }
}

impl StoreError {
    pub fn code(&self) -> ErrorCode {
        match self {
            StoreError::NotFound => ErrorCode::NotFound,
            StoreError::Conflict(_) => ErrorCode::Conflict,
            StoreError::Domain(d) => d.code,
            StoreError::Other(_) => ErrorCode::Internal,
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Everything neibao persists. Methods that read unit-owned data take the caller's [`Scope`].
#[async_trait]
pub trait Store: Send + Sync + 'static {
    // --- meta, divisions, organisations ---
    async fn get_meta(&self, key: &str) -> StoreResult<Option<String>>;
    async fn set_meta(&self, key: &str, value: &str) -> StoreResult<()>;
    async fn upsert_divisions(&self, divisions: &[Division]) -> StoreResult<()>;
    async fn list_divisions(&self, parent_code: Option<&str>) -> StoreResult<Vec<Division>>;
    async fn create_organisation(&self, org: &Organisation) -> StoreResult<()>;
    async fn get_organisation(&self, id: &str) -> StoreResult<Organisation>;
    async fn list_organisations(
        &self,
        kind: Option<&str>,
        division_prefix: Option<&str>,
    ) -> StoreResult<Vec<Organisation>>;

    // --- units ---
    async fn create_unit(&self, unit: NewUnit, now: DateTime<Utc>) -> StoreResult<Unit>;
    async fn update_unit(&self, scope: &Scope, id: &str, unit: NewUnit, now: DateTime<Utc>) -> StoreResult<Unit>;
    /// Replaces a unit's armed schedule (布防时段); `None` clears it.
    async fn set_armed_schedule(
        &self,
        scope: &Scope,
        id: &str,
        schedule: Option<&ArmedSchedule>,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    async fn get_unit(&self, scope: &Scope, id: &str) -> StoreResult<Unit>;
    async fn list_units(&self, scope: &Scope, filter: &UnitFilter, page: Page) -> StoreResult<Listing<Unit>>;

    // --- key areas and devices ---
    async fn create_key_area(
        &self,
        scope: &Scope,
        unit_id: &str,
        name: &str,
        description: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<KeyArea>;
    async fn list_key_areas(&self, scope: &Scope, unit_id: &str) -> StoreResult<Vec<KeyArea>>;
    async fn create_device(&self, scope: &Scope, device: NewDevice, now: DateTime<Utc>) -> StoreResult<Device>;
    async fn get_device(&self, scope: &Scope, id: &str, now: DateTime<Utc>) -> StoreResult<Device>;
    async fn list_devices(
        &self,
        scope: &Scope,
        filter: &DeviceFilter,
        page: Page,
        now: DateTime<Utc>,
    ) -> StoreResult<Listing<Device>>;
    /// Resolves an ingest token hash to its device (no scope: the token is the credential).
    async fn device_for_ingest(&self, token_hash: &str) -> StoreResult<Option<IngestDevice>>;
    /// Marks the device as heard from at `now` (heartbeats and events).
    async fn touch_device(&self, device_id: &str, now: DateTime<Utc>) -> StoreResult<()>;

    // --- events ---
    /// Persists one decoded event with the raw payload, folding a repeated `active` post of an
    /// ongoing condition into its occurrence (see `SecurityEvent`).
    ///
    /// `source_key` identifies the event in a bus message (message id + index): recording the
    /// same key twice writes nothing the second time and returns the first result, so a message
    /// delivered twice is stored once.
    async fn record_event(
        &self,
        device: &IngestDevice,
        event: &DecodedEvent,
        raw: &[u8],
        content_type: Option<&str>,
        source_key: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<Recorded>;
    /// Notes that the rules ran for the event recorded under `source_key`.
    async fn mark_evaluated(&self, source_key: &str) -> StoreResult<()>;
    /// Records the events of one payload that came without a bus message, in order (as
    /// [`Store::record_event`] each, written together).
    async fn record_events(
        &self,
        device: &IngestDevice,
        events: &[DecodedEvent],
        raw: &[u8],
        content_type: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Recorded>>;
    /// The device with this id, as the ingest path sees it (no scope: internal use by the bus).
    async fn ingest_device(&self, device_id: &str) -> StoreResult<Option<IngestDevice>>;
    async fn get_event(&self, scope: &Scope, id: &str) -> StoreResult<SecurityEvent>;
    /// Raw payload of an event (scoped).
    async fn get_event_raw(&self, scope: &Scope, id: &str) -> StoreResult<(Vec<u8>, Option<String>)>;
    async fn list_events(&self, scope: &Scope, filter: &EventFilter, page: Page)
        -> StoreResult<Listing<SecurityEvent>>;
    /// Occurrences of `kind` on a device (and region) since `since`; for threshold rules.
    async fn count_recent_events(
        &self,
        device_id: &str,
        kind: &str,
        region: Option<&str>,
        since: DateTime<Utc>,
    ) -> StoreResult<i64>;

    // --- alerts ---
    /// Opens an alert, or folds the draft into the unresolved alert with the same fingerprint.
    /// Idempotent per (event, fingerprint): raising it again for the same event changes nothing.
    async fn raise_alert(&self, draft: &AlertDraft) -> StoreResult<Raised>;
    async fn get_alert(&self, scope: &Scope, id: &str) -> StoreResult<Alert>;
    async fn list_alerts(&self, scope: &Scope, filter: &AlertFilter, page: Page) -> StoreResult<Listing<Alert>>;
    async fn alert_events(&self, scope: &Scope, alert_id: &str) -> StoreResult<Vec<SecurityEvent>>;
    /// Applies a lifecycle action (who, when, comment); illegal transitions are refused.
    async fn transition_alert(
        &self,
        scope: &Scope,
        id: &str,
        action: AlertAction,
        user: &str,
        comment: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Alert>;

    // --- rule settings ---
    async fn rule_settings(&self, unit_id: &str) -> StoreResult<Vec<RuleSetting>>;
    /// Marks an open alert escalated to `level` (upwards only); false if no longer open or
    /// already there.
    async fn escalate_alert(&self, id: &str, level: i64, org_name: &str, at: DateTime<Utc>) -> StoreResult<bool>;
    /// Per-rule statistics of the alerts in scope first seen since `since`; rules with more than
    /// `flood_threshold` alerts in the 24 hours before `now` are flagged as flooding.
    async fn alert_rule_stats(
        &self,
        scope: &Scope,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
        flood_threshold: i64,
    ) -> StoreResult<Vec<neibao_domain::alerts::RuleAlertStats>>;
    async fn set_rule_setting(&self, scope: &Scope, unit_id: &str, setting: &RuleSetting) -> StoreResult<()>;

    // --- scheduled jobs ---
    /// Schedules a job; the same (kind, subject, due time) twice is scheduled once. Returns
    /// whether it was new.
    async fn schedule_job(&self, job: &NewJob, now: DateTime<Utc>) -> StoreResult<bool>;
    /// Claims up to `limit` due jobs for `node`: jobs not done, due at `now`, and not claimed or
    /// whose claim is older than `lease` (the claimer died). Several nodes may call this at once;
    /// each job goes to one of them.
    async fn claim_due_jobs(
        &self,
        node: &str,
        now: DateTime<Utc>,
        lease: chrono::Duration,
        limit: i64,
    ) -> StoreResult<Vec<Job>>;
    /// Marks a job claimed by `node` done; false when it was not this node's (lease lost) or
    /// already done.
    async fn complete_job(&self, id: &str, node: &str, now: DateTime<Utc>) -> StoreResult<bool>;

    // --- dashboard ---
    async fn dashboard(&self, scope: &Scope, now: DateTime<Utc>) -> StoreResult<Dashboard>;

    // --- users, sessions, tokens ---
    async fn count_users(&self) -> StoreResult<i64>;
    async fn create_user(&self, user: &NewUser, now: DateTime<Utc>) -> StoreResult<User>;
    /// The user and their password hash, for login.
    async fn user_credentials(&self, username: &str) -> StoreResult<Option<(User, String)>>;
    async fn get_user(&self, id: &str) -> StoreResult<User>;
    /// Failed logins for `username` since `since` (all nodes).
    async fn count_login_failures(&self, username: &str, since: DateTime<Utc>) -> StoreResult<i64>;
    /// Records a failed login; forgets failures older than a day.
    async fn record_login_failure(&self, username: &str, at: DateTime<Utc>) -> StoreResult<()>;
    async fn clear_login_failures(&self, username: &str) -> StoreResult<()>;
    async fn create_session(
        &self,
        user_id: &str,
        token_hash: &str,
        csrf_token: &str,
        mfa_pending: bool,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// The live session of a token hash: before its absolute expiry and used within `idle`.
    async fn session_user(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        idle: chrono::Duration,
    ) -> StoreResult<Option<SessionInfo>>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    /// Stores a token hash; returns the token id.
    async fn create_api_token(
        &self,
        user_id: &str,
        token_hash: &str,
        name: &str,
        scope: TokenScope,
        now: DateTime<Utc>,
        expires_at: Option<DateTime<Utc>>,
    ) -> StoreResult<String>;
    /// The user and scope of a live (unexpired, unrevoked) token.
    async fn api_token_user(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<(User, TokenScope)>>;
    /// Tokens of one user, or of everyone.
    async fn list_api_tokens(&self, user_id: Option<&str>) -> StoreResult<Vec<ApiTokenInfo>>;
    /// Revokes a live token (only `user_id`'s when given); NotFound otherwise.
    async fn revoke_api_token(&self, id: &str, user_id: Option<&str>, now: DateTime<Utc>) -> StoreResult<()>;
    /// Replaces the password hash, ends every session and revokes every API token of the user.
    async fn set_password(&self, user_id: &str, password_hash: &str, now: DateTime<Utc>) -> StoreResult<()>;
    /// Clears the session's pending second factor.
    async fn complete_second_factor(&self, token_hash: &str) -> StoreResult<()>;
    async fn totp_state(&self, user_id: &str) -> StoreResult<TotpState>;
    /// Stores a secret (encrypted) with its enabled flag, or clears it with `secret = None,
    /// enabled = false`; `secret = None, enabled = true` enables the stored secret.
    async fn set_totp(&self, user_id: &str, secret: Option<&str>, enabled: bool) -> StoreResult<()>;
    /// Marks a TOTP time step used; false if it or a later one was used (replay).
    async fn use_totp_step(&self, user_id: &str, step: i64) -> StoreResult<bool>;

    // --- audit log (see crate::audit) ---
    async fn append_audit(&self, entry: &AuditEntry, now: DateTime<Utc>) -> StoreResult<AuditRecord>;
    async fn audit_head(&self) -> StoreResult<AuditHead>;
    /// Rows with `seq > after_seq`, ascending, at most `limit`.
    async fn audit_rows(&self, after_seq: i64, limit: i64) -> StoreResult<Vec<AuditRecord>>;
    /// Newest first: everything for `Scope::All`; otherwise the rows about units in scope and
    /// the rows of `viewer`'s own actions.
    async fn list_audit(
        &self,
        scope: &Scope,
        viewer: &str,
        filter: &AuditFilter,
        page: Page,
    ) -> StoreResult<Listing<AuditRecord>>;

    // --- sensitive personal information ---
    /// Responsible persons in scope with this (validated, normalized) ID number, found by its
    /// blind index; masked.
    async fn find_persons_by_citizen_id(&self, scope: &Scope, citizen_id: &str) -> StoreResult<Vec<PersonMatch>>;
    /// Plaintext of a person's sensitive fields; log the read with its purpose first.
    async fn reveal_person(&self, scope: &Scope, person_id: &str) -> StoreResult<RevealedPerson>;
    /// Re-encrypts everything under the current key and fills missing blind indexes.
    async fn reencrypt_all(&self) -> StoreResult<ReencryptReport>;

    // --- retention (see crate::retention) ---
    async fn retention_policies(&self) -> StoreResult<Vec<RetentionPolicy>>;
    async fn set_retention_policy(
        &self,
        class: DataClass,
        max_days: i64,
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    async fn create_legal_hold(&self, scope: &Scope, hold: &LegalHold) -> StoreResult<LegalHold>;
    async fn release_legal_hold(&self, scope: &Scope, id: &str, by: &str, now: DateTime<Utc>)
        -> StoreResult<LegalHold>;
    async fn list_legal_holds(&self, scope: &Scope, include_released: bool) -> StoreResult<Vec<LegalHold>>;
    /// Deletes what is past retention at `now` (holds respected) and logs each deletion.
    async fn retention_sweep(&self, now: DateTime<Utc>) -> StoreResult<Vec<DeletionRecord>>;
    async fn list_deletions(&self, page: Page) -> StoreResult<Listing<DeletionRecord>>;

    // ---- supervision (issue 3) ----
    /// Every checklist version, newest first per variant (seeds version 1 of each variant).
    async fn list_checklists(&self) -> StoreResult<Vec<ChecklistVersion>>;
    async fn get_checklist(&self, id: &str) -> StoreResult<ChecklistVersion>;
    /// The newest version of a variant (version 1 is seeded from REQUIREMENTS.md §d on first use).
    async fn latest_checklist(&self, variant: Variant) -> StoreResult<ChecklistVersion>;
    /// Stores a new version of a variant (version = latest + 1); past inspections keep theirs.
    async fn add_checklist_version(
        &self,
        variant: Variant,
        title: &str,
        items: &[ChecklistItem],
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<ChecklistVersion>;
    /// Units in scope matching the filter with their credit deductions in force at `now`, last
    /// police/department inspection and open hazards (at most `STANDINGS_CAP`).
    async fn unit_standings(
        &self,
        scope: &Scope,
        filter: &StandingFilter,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<UnitStanding>>;
    /// Creates a campaign and its inspections in one transaction; returns its id.
    async fn create_campaign(&self, campaign: &NewCampaign, now: DateTime<Utc>) -> StoreResult<String>;
    /// Campaigns with at least one inspection in scope; progress counts only those.
    async fn list_campaigns(&self, scope: &Scope, page: Page, now: DateTime<Utc>) -> StoreResult<Listing<Campaign>>;
    async fn get_campaign(&self, scope: &Scope, id: &str, now: DateTime<Utc>) -> StoreResult<Campaign>;
    async fn create_inspection(
        &self,
        scope: &Scope,
        inspection: &NewInspection,
        now: DateTime<Utc>,
    ) -> StoreResult<Inspection>;
    async fn get_inspection(&self, scope: &Scope, id: &str) -> StoreResult<Inspection>;
    async fn list_inspections(
        &self,
        scope: &Scope,
        filter: &InspectionFilter,
        page: Page,
    ) -> StoreResult<Listing<Inspection>>;
    /// Saves a draft (record and results); conflict once submitted.
    async fn save_inspection(
        &self,
        scope: &Scope,
        id: &str,
        record: &InspectionRecord,
        results: &[ItemOutcome],
        now: DateTime<Utc>,
    ) -> StoreResult<Inspection>;
    /// Submits once: the inspection, its hazards and its record document in one transaction.
    /// Returns the inspection, the new hazard ids and the document id.
    async fn submit_inspection(
        &self,
        scope: &Scope,
        id: &str,
        submit: &SubmitInspection,
        now: DateTime<Utc>,
    ) -> StoreResult<(Inspection, Vec<String>, Option<String>)>;
    async fn create_hazard(&self, scope: &Scope, hazard: &NewHazard, now: DateTime<Utc>) -> StoreResult<Hazard>;
    async fn get_hazard(&self, scope: &Scope, id: &str) -> StoreResult<Hazard>;
    /// Hazards in scope, nearest deadline first.
    async fn list_hazards(&self, scope: &Scope, filter: &HazardFilter, page: Page) -> StoreResult<Listing<Hazard>>;
    async fn hazard_steps(&self, scope: &Scope, id: &str) -> StoreResult<Vec<HazardStep>>;
    /// Writes a hazard's new state, its step, document, credit entry and jobs in one transaction
    /// if the hazard is still at `expected_version` (else `Conflict`, nothing written).
    async fn update_hazard(
        &self,
        scope: &Scope,
        update: &HazardUpdate,
        now: DateTime<Utc>,
    ) -> StoreResult<(Hazard, HazardStep)>;
    async fn list_documents(
        &self,
        scope: &Scope,
        filter: &DocumentFilter,
        page: Page,
    ) -> StoreResult<Listing<Document>>;
    async fn get_document(&self, scope: &Scope, id: &str) -> StoreResult<Document>;
    /// A unit's credit records, newest first (at most 500).
    async fn credit_records(&self, scope: &Scope, unit_id: &str) -> StoreResult<Vec<CreditRecord>>;
    async fn add_attachment(
        &self,
        scope: &Scope,
        attachment: &NewAttachment,
        now: DateTime<Utc>,
    ) -> StoreResult<Attachment>;
    async fn list_attachments(&self, scope: &Scope, owner_kind: &str, owner_id: &str) -> StoreResult<Vec<Attachment>>;
    async fn get_attachment(&self, scope: &Scope, id: &str) -> StoreResult<(Attachment, Vec<u8>)>;

    // ---- early warning (issue 4) ----
    /// Seconds of silence after which a device counts as offline.
    fn offline_after_seconds(&self) -> i64;
    /// Stores a new version of a data rule (version = latest + 1). With `expected_version`, fails
    /// with a conflict unless the latest version is that one (0 = the rule must not exist yet).
    async fn put_rule(
        &self,
        code: &str,
        spec: &serde_json::Value,
        enabled: bool,
        expected_version: Option<i64>,
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<StoredRule>;
    /// The current version of every rule (`None`), or every version of one rule, newest first.
    async fn list_rules(&self, code: Option<&str>) -> StoreResult<Vec<StoredRule>>;
    /// Adds a suppression window to a unit in the scope (the device must belong to the unit).
    async fn create_suppression(&self, scope: &Scope, window: &SuppressionWindow) -> StoreResult<()>;
    /// Windows in the scope (optionally of one unit) that end after `ending_after`.
    async fn list_suppressions(
        &self,
        scope: &Scope,
        unit_id: Option<&str>,
        ending_after: DateTime<Utc>,
    ) -> StoreResult<Vec<SuppressionWindow>>;
    /// Ends a window now.
    async fn end_suppression(&self, scope: &Scope, id: &str, now: DateTime<Utc>) -> StoreResult<()>;
    /// Adds a notification channel (config encrypted at rest).
    async fn create_channel(&self, channel: &NewChannel, now: DateTime<Utc>) -> StoreResult<NotificationChannel>;
    async fn get_channel(&self, id: &str) -> StoreResult<NotificationChannel>;
    async fn list_channels(&self) -> StoreResult<Vec<NotificationChannel>>;
    async fn set_channel_enabled(&self, id: &str, enabled: bool) -> StoreResult<()>;
    /// In one transaction: inbox items for the recipients and one outbox row per matching enabled
    /// channel (each (alert, channel, level) once). Returns the outbox rows added.
    async fn fan_out(&self, fanout: &Fanout, now: DateTime<Utc>) -> StoreResult<usize>;
    /// Claims pending outbox rows that are due, with a lease (`attempts` counts claims).
    async fn claim_outbox(
        &self,
        node: &str,
        now: DateTime<Utc>,
        lease: chrono::Duration,
        limit: i64,
    ) -> StoreResult<Vec<(OutboxItem, NotificationChannel)>>;
    /// Records a delivery attempt's outcome; false when this node no longer holds the claim.
    async fn finish_outbox(
        &self,
        id: &str,
        node: &str,
        outcome: &DeliveryOutcome,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Deliveries of one alert (caller checks the alert is in scope).
    async fn alert_outbox(&self, alert_id: &str) -> StoreResult<Vec<OutboxItem>>;
    async fn list_inbox(&self, user_id: &str, unread_only: bool, limit: i64) -> StoreResult<Vec<InboxItem>>;
    async fn count_unread(&self, user_id: &str) -> StoreResult<i64>;
    /// Marks one item (or all with `None`) read; returns how many changed.
    async fn mark_inbox_read(&self, user_id: &str, id: Option<&str>, now: DateTime<Utc>) -> StoreResult<u64>;
    /// Devices and online devices per unit in the scope (units with devices only).
    async fn device_health(&self, scope: &Scope, now: DateTime<Utc>) -> StoreResult<Vec<UnitHealth>>;
    /// Devices heard from at least once, but not since `silent_since` (never-seen devices are
    /// "not yet online", not offline).
    async fn silent_devices(&self, silent_since: DateTime<Utc>, limit: i64) -> StoreResult<Vec<SilentDevice>>;
    async fn device_placement(&self, device_id: &str) -> StoreResult<Option<DevicePlacement>>;
    /// Stored events in `[from, to)` in the scope, oldest first, at most `limit`.
    async fn replay_events(
        &self,
        scope: &Scope,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        unit_id: Option<&str>,
        limit: i64,
    ) -> StoreResult<Vec<ReplayEvent>>;
}
