//! The [`Store`] trait for a SQL backend: each method delegates to the backend's inherent
//! implementation in this folder. Compiled once per backend.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::alerts::{Alert, AlertAction};
use neibao_domain::events::{DecodedEvent, SecurityEvent};

use super::Backend;
use crate::repo::{Store, StoreResult};
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

#[async_trait]
impl Store for Backend {
    async fn get_meta(&self, key: &str) -> StoreResult<Option<String>> {
        self.get_meta_impl(key).await
    }
    async fn set_meta(&self, key: &str, value: &str) -> StoreResult<()> {
        self.set_meta_impl(key, value).await
    }
    async fn upsert_divisions(&self, divisions: &[Division]) -> StoreResult<()> {
        self.upsert_divisions_impl(divisions).await
    }
    async fn list_divisions(&self, parent_code: Option<&str>) -> StoreResult<Vec<Division>> {
        self.list_divisions_impl(parent_code).await
    }
    async fn create_organisation(&self, org: &Organisation) -> StoreResult<()> {
        self.create_organisation_impl(org).await
    }
    async fn get_organisation(&self, id: &str) -> StoreResult<Organisation> {
        self.get_organisation_impl(id).await
    }
    async fn list_organisations(
        &self,
        kind: Option<&str>,
        division_prefix: Option<&str>,
    ) -> StoreResult<Vec<Organisation>> {
        self.list_organisations_impl(kind, division_prefix).await
    }
    async fn create_unit(&self, unit: NewUnit, now: DateTime<Utc>) -> StoreResult<Unit> {
        self.create_unit_impl(unit, now).await
    }
    async fn update_unit(&self, scope: &Scope, id: &str, unit: NewUnit, now: DateTime<Utc>) -> StoreResult<Unit> {
        self.update_unit_impl(scope, id, unit, now).await
    }
    async fn set_armed_schedule(
        &self,
        scope: &Scope,
        id: &str,
        schedule: Option<&ArmedSchedule>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.set_armed_schedule_impl(scope, id, schedule, now).await
    }
    async fn get_unit(&self, scope: &Scope, id: &str) -> StoreResult<Unit> {
        self.get_unit_impl(scope, id).await
    }
    async fn list_units(&self, scope: &Scope, filter: &UnitFilter, page: Page) -> StoreResult<Listing<Unit>> {
        self.list_units_impl(scope, filter, page).await
    }
    async fn create_key_area(
        &self,
        scope: &Scope,
        unit_id: &str,
        name: &str,
        description: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<KeyArea> {
        self.create_key_area_impl(scope, unit_id, name, description, now).await
    }
    async fn list_key_areas(&self, scope: &Scope, unit_id: &str) -> StoreResult<Vec<KeyArea>> {
        self.list_key_areas_impl(scope, unit_id).await
    }
    async fn create_device(&self, scope: &Scope, device: NewDevice, now: DateTime<Utc>) -> StoreResult<Device> {
        self.create_device_impl(scope, device, now).await
    }
    async fn get_device(&self, scope: &Scope, id: &str, now: DateTime<Utc>) -> StoreResult<Device> {
        self.get_device_impl(scope, id, now).await
    }
    async fn list_devices(
        &self,
        scope: &Scope,
        filter: &DeviceFilter,
        page: Page,
        now: DateTime<Utc>,
    ) -> StoreResult<Listing<Device>> {
        self.list_devices_impl(scope, filter, page, now).await
    }
    async fn device_for_ingest(&self, token_hash: &str) -> StoreResult<Option<IngestDevice>> {
        self.device_for_ingest_impl(token_hash).await
    }
    async fn touch_device(&self, device_id: &str, now: DateTime<Utc>) -> StoreResult<()> {
        self.touch_device_impl(device_id, now).await
    }
    async fn record_event(
        &self,
        device: &IngestDevice,
        event: &DecodedEvent,
        raw: &[u8],
        content_type: Option<&str>,
        source_key: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<Recorded> {
        self.record_event_impl(device, event, raw, content_type, source_key, now)
            .await
    }
    async fn mark_evaluated(&self, source_key: &str) -> StoreResult<()> {
        self.mark_evaluated_impl(source_key).await
    }
    async fn record_events(
        &self,
        device: &IngestDevice,
        events: &[DecodedEvent],
        raw: &[u8],
        content_type: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Recorded>> {
        self.record_events_impl(device, events, raw, content_type, now).await
    }
    async fn ingest_device(&self, device_id: &str) -> StoreResult<Option<IngestDevice>> {
        self.ingest_device_impl(device_id).await
    }
    async fn get_event(&self, scope: &Scope, id: &str) -> StoreResult<SecurityEvent> {
        self.get_event_impl(scope, id).await
    }
    async fn get_event_raw(&self, scope: &Scope, id: &str) -> StoreResult<(Vec<u8>, Option<String>)> {
        self.get_event_raw_impl(scope, id).await
    }
    async fn list_events(
        &self,
        scope: &Scope,
        filter: &EventFilter,
        page: Page,
    ) -> StoreResult<Listing<SecurityEvent>> {
        self.list_events_impl(scope, filter, page).await
    }
    async fn count_recent_events(
        &self,
        device_id: &str,
        kind: &str,
        region: Option<&str>,
        since: DateTime<Utc>,
    ) -> StoreResult<i64> {
        self.count_recent_events_impl(device_id, kind, region, since).await
    }
    async fn raise_alert(&self, draft: &AlertDraft) -> StoreResult<Raised> {
        self.raise_alert_impl(draft).await
    }
    async fn get_alert(&self, scope: &Scope, id: &str) -> StoreResult<Alert> {
        self.get_alert_impl(scope, id).await
    }
    async fn list_alerts(&self, scope: &Scope, filter: &AlertFilter, page: Page) -> StoreResult<Listing<Alert>> {
        self.list_alerts_impl(scope, filter, page).await
    }
    async fn alert_events(&self, scope: &Scope, alert_id: &str) -> StoreResult<Vec<SecurityEvent>> {
        self.alert_events_impl(scope, alert_id).await
    }
    async fn transition_alert(
        &self,
        scope: &Scope,
        id: &str,
        action: AlertAction,
        user: &str,
        comment: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Alert> {
        self.transition_alert_impl(scope, id, action, user, comment, now).await
    }
    async fn alert_rule_stats(
        &self,
        scope: &Scope,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
        flood_threshold: i64,
    ) -> StoreResult<Vec<neibao_domain::alerts::RuleAlertStats>> {
        self.alert_rule_stats_impl(scope, since, now, flood_threshold).await
    }
    async fn escalate_alert(&self, id: &str, level: i64, org_name: &str, at: DateTime<Utc>) -> StoreResult<bool> {
        self.escalate_alert_impl(id, level, org_name, at).await
    }
    async fn rule_settings(&self, unit_id: &str) -> StoreResult<Vec<RuleSetting>> {
        self.rule_settings_impl(unit_id).await
    }
    async fn set_rule_setting(&self, scope: &Scope, unit_id: &str, setting: &RuleSetting) -> StoreResult<()> {
        self.set_rule_setting_impl(scope, unit_id, setting).await
    }
    async fn schedule_job(&self, job: &NewJob, now: DateTime<Utc>) -> StoreResult<bool> {
        self.schedule_job_impl(job, now).await
    }
    async fn claim_due_jobs(
        &self,
        node: &str,
        now: DateTime<Utc>,
        lease: chrono::Duration,
        limit: i64,
    ) -> StoreResult<Vec<Job>> {
        self.claim_due_jobs_impl(node, now, lease, limit).await
    }
    async fn complete_job(&self, id: &str, node: &str, now: DateTime<Utc>) -> StoreResult<bool> {
        self.complete_job_impl(id, node, now).await
    }
    async fn dashboard(&self, scope: &Scope, now: DateTime<Utc>) -> StoreResult<Dashboard> {
        self.dashboard_impl(scope, now).await
    }
    async fn count_users(&self) -> StoreResult<i64> {
        self.count_users_impl().await
    }
    async fn create_user(&self, user: &NewUser, now: DateTime<Utc>) -> StoreResult<User> {
        self.create_user_impl(user, now).await
    }
    async fn user_credentials(&self, username: &str) -> StoreResult<Option<(User, String)>> {
        self.user_credentials_impl(username).await
    }
    async fn get_user(&self, id: &str) -> StoreResult<User> {
        self.get_user_impl(id).await
    }
    async fn count_login_failures(&self, username: &str, since: DateTime<Utc>) -> StoreResult<i64> {
        self.count_login_failures_impl(username, since).await
    }
    async fn record_login_failure(&self, username: &str, at: DateTime<Utc>) -> StoreResult<()> {
        self.record_login_failure_impl(username, at).await
    }
    async fn clear_login_failures(&self, username: &str) -> StoreResult<()> {
        self.clear_login_failures_impl(username).await
    }
    async fn create_session(
        &self,
        user_id: &str,
        token_hash: &str,
        csrf_token: &str,
        mfa_pending: bool,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.create_session_impl(user_id, token_hash, csrf_token, mfa_pending, now, expires_at)
            .await
    }
    async fn session_user(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        idle: chrono::Duration,
    ) -> StoreResult<Option<SessionInfo>> {
        self.session_user_impl(token_hash, now, idle).await
    }
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        self.delete_session_impl(token_hash).await
    }
    async fn create_api_token(
        &self,
        user_id: &str,
        token_hash: &str,
        name: &str,
        scope: TokenScope,
        now: DateTime<Utc>,
        expires_at: Option<DateTime<Utc>>,
    ) -> StoreResult<String> {
        self.create_api_token_impl(user_id, token_hash, name, scope, now, expires_at)
            .await
    }
    async fn api_token_user(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<(User, TokenScope)>> {
        self.api_token_user_impl(token_hash, now).await
    }
    async fn list_api_tokens(&self, user_id: Option<&str>) -> StoreResult<Vec<ApiTokenInfo>> {
        self.list_api_tokens_impl(user_id).await
    }
    async fn revoke_api_token(&self, id: &str, user_id: Option<&str>, now: DateTime<Utc>) -> StoreResult<()> {
        self.revoke_api_token_impl(id, user_id, now).await
    }
    async fn set_password(&self, user_id: &str, password_hash: &str, now: DateTime<Utc>) -> StoreResult<()> {
        self.set_password_impl(user_id, password_hash, now).await
    }
    async fn complete_second_factor(&self, token_hash: &str) -> StoreResult<()> {
        self.complete_second_factor_impl(token_hash).await
    }
    async fn totp_state(&self, user_id: &str) -> StoreResult<TotpState> {
        self.totp_state_impl(user_id).await
    }
    async fn set_totp(&self, user_id: &str, secret: Option<&str>, enabled: bool) -> StoreResult<()> {
        self.set_totp_impl(user_id, secret, enabled).await
    }
    async fn use_totp_step(&self, user_id: &str, step: i64) -> StoreResult<bool> {
        self.use_totp_step_impl(user_id, step).await
    }
    async fn append_audit(&self, entry: &AuditEntry, now: DateTime<Utc>) -> StoreResult<AuditRecord> {
        self.append_audit_impl(entry, now).await
    }
    async fn audit_head(&self) -> StoreResult<AuditHead> {
        self.audit_head_impl().await
    }
    async fn audit_rows(&self, after_seq: i64, limit: i64) -> StoreResult<Vec<AuditRecord>> {
        self.audit_rows_impl(after_seq, limit).await
    }
    async fn list_audit(
        &self,
        scope: &Scope,
        viewer: &str,
        filter: &AuditFilter,
        page: Page,
    ) -> StoreResult<Listing<AuditRecord>> {
        self.list_audit_impl(scope, viewer, filter, page).await
    }
    async fn find_persons_by_citizen_id(&self, scope: &Scope, citizen_id: &str) -> StoreResult<Vec<PersonMatch>> {
        self.find_persons_by_citizen_id_impl(scope, citizen_id).await
    }
    async fn reveal_person(&self, scope: &Scope, person_id: &str) -> StoreResult<RevealedPerson> {
        self.reveal_person_impl(scope, person_id).await
    }
    async fn reencrypt_all(&self) -> StoreResult<ReencryptReport> {
        self.reencrypt_all_impl().await
    }
    async fn retention_policies(&self) -> StoreResult<Vec<RetentionPolicy>> {
        self.retention_policies_impl().await
    }
    async fn set_retention_policy(
        &self,
        class: DataClass,
        max_days: i64,
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.set_retention_policy_impl(class, max_days, by, now).await
    }
    async fn create_legal_hold(&self, scope: &Scope, hold: &LegalHold) -> StoreResult<LegalHold> {
        self.create_legal_hold_impl(scope, hold).await
    }
    async fn release_legal_hold(
        &self,
        scope: &Scope,
        id: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<LegalHold> {
        self.release_legal_hold_impl(scope, id, by, now).await
    }
    async fn list_legal_holds(&self, scope: &Scope, include_released: bool) -> StoreResult<Vec<LegalHold>> {
        self.list_legal_holds_impl(scope, include_released).await
    }
    async fn retention_sweep(&self, now: DateTime<Utc>) -> StoreResult<Vec<DeletionRecord>> {
        self.retention_sweep_impl(now).await
    }
    async fn list_deletions(&self, page: Page) -> StoreResult<Listing<DeletionRecord>> {
        self.list_deletions_impl(page).await
    }

    // ---- supervision ----
    async fn list_checklists(&self) -> StoreResult<Vec<ChecklistVersion>> {
        self.list_checklists_impl().await
    }
    async fn get_checklist(&self, id: &str) -> StoreResult<ChecklistVersion> {
        self.get_checklist_impl(id).await
    }
    async fn latest_checklist(&self, variant: Variant) -> StoreResult<ChecklistVersion> {
        self.latest_checklist_impl(variant).await
    }
    async fn add_checklist_version(
        &self,
        variant: Variant,
        title: &str,
        items: &[ChecklistItem],
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<ChecklistVersion> {
        self.add_checklist_version_impl(variant, title, items, by, now).await
    }
    async fn unit_standings(
        &self,
        scope: &Scope,
        filter: &StandingFilter,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<UnitStanding>> {
        self.unit_standings_impl(scope, filter, now).await
    }
    async fn create_campaign(&self, campaign: &NewCampaign, now: DateTime<Utc>) -> StoreResult<String> {
        self.create_campaign_impl(campaign, now).await
    }
    async fn list_campaigns(&self, scope: &Scope, page: Page, now: DateTime<Utc>) -> StoreResult<Listing<Campaign>> {
        self.list_campaigns_impl(scope, page, now).await
    }
    async fn get_campaign(&self, scope: &Scope, id: &str, now: DateTime<Utc>) -> StoreResult<Campaign> {
        self.get_campaign_impl(scope, id, now).await
    }
    async fn create_inspection(
        &self,
        scope: &Scope,
        inspection: &NewInspection,
        now: DateTime<Utc>,
    ) -> StoreResult<Inspection> {
        self.create_inspection_impl(scope, inspection, now).await
    }
    async fn get_inspection(&self, scope: &Scope, id: &str) -> StoreResult<Inspection> {
        self.get_inspection_impl(scope, id).await
    }
    async fn list_inspections(
        &self,
        scope: &Scope,
        filter: &InspectionFilter,
        page: Page,
    ) -> StoreResult<Listing<Inspection>> {
        self.list_inspections_impl(scope, filter, page).await
    }
    async fn save_inspection(
        &self,
        scope: &Scope,
        id: &str,
        record: &InspectionRecord,
        results: &[ItemOutcome],
        now: DateTime<Utc>,
    ) -> StoreResult<Inspection> {
        self.save_inspection_impl(scope, id, record, results, now).await
    }
    async fn submit_inspection(
        &self,
        scope: &Scope,
        id: &str,
        submit: &SubmitInspection,
        now: DateTime<Utc>,
    ) -> StoreResult<(Inspection, Vec<String>, Option<String>)> {
        self.submit_inspection_impl(scope, id, submit, now).await
    }
    async fn create_hazard(&self, scope: &Scope, hazard: &NewHazard, now: DateTime<Utc>) -> StoreResult<Hazard> {
        self.create_hazard_impl(scope, hazard, now).await
    }
    async fn get_hazard(&self, scope: &Scope, id: &str) -> StoreResult<Hazard> {
        self.get_hazard_impl(scope, id).await
    }
    async fn list_hazards(&self, scope: &Scope, filter: &HazardFilter, page: Page) -> StoreResult<Listing<Hazard>> {
        self.list_hazards_impl(scope, filter, page).await
    }
    async fn hazard_steps(&self, scope: &Scope, id: &str) -> StoreResult<Vec<HazardStep>> {
        self.hazard_steps_impl(scope, id).await
    }
    async fn update_hazard(
        &self,
        scope: &Scope,
        update: &HazardUpdate,
        now: DateTime<Utc>,
    ) -> StoreResult<(Hazard, HazardStep)> {
        self.update_hazard_impl(scope, update, now).await
    }
    async fn list_documents(
        &self,
        scope: &Scope,
        filter: &DocumentFilter,
        page: Page,
    ) -> StoreResult<Listing<Document>> {
        self.list_documents_impl(scope, filter, page).await
    }
    async fn get_document(&self, scope: &Scope, id: &str) -> StoreResult<Document> {
        self.get_document_impl(scope, id).await
    }
    async fn credit_records(&self, scope: &Scope, unit_id: &str) -> StoreResult<Vec<CreditRecord>> {
        self.credit_records_impl(scope, unit_id).await
    }
    async fn add_attachment(
        &self,
        scope: &Scope,
        attachment: &NewAttachment,
        now: DateTime<Utc>,
    ) -> StoreResult<Attachment> {
        self.add_attachment_impl(scope, attachment, now).await
    }
    async fn list_attachments(&self, scope: &Scope, owner_kind: &str, owner_id: &str) -> StoreResult<Vec<Attachment>> {
        self.list_attachments_impl(scope, owner_kind, owner_id).await
    }
    async fn get_attachment(&self, scope: &Scope, id: &str) -> StoreResult<(Attachment, Vec<u8>)> {
        self.get_attachment_impl(scope, id).await
    }

    fn offline_after_seconds(&self) -> i64 {
        self.offline_after.num_seconds()
    }
    async fn put_rule(
        &self,
        code: &str,
        spec: &serde_json::Value,
        enabled: bool,
        expected_version: Option<i64>,
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<StoredRule> {
        self.put_rule_impl(code, spec, enabled, expected_version, by, now).await
    }
    async fn list_rules(&self, code: Option<&str>) -> StoreResult<Vec<StoredRule>> {
        self.list_rules_impl(code).await
    }
    async fn create_suppression(&self, scope: &Scope, window: &SuppressionWindow) -> StoreResult<()> {
        self.create_suppression_impl(scope, window).await
    }
    async fn list_suppressions(
        &self,
        scope: &Scope,
        unit_id: Option<&str>,
        ending_after: DateTime<Utc>,
    ) -> StoreResult<Vec<SuppressionWindow>> {
        self.list_suppressions_impl(scope, unit_id, ending_after).await
    }
    async fn end_suppression(&self, scope: &Scope, id: &str, now: DateTime<Utc>) -> StoreResult<()> {
        self.end_suppression_impl(scope, id, now).await
    }
    async fn create_channel(&self, channel: &NewChannel, now: DateTime<Utc>) -> StoreResult<NotificationChannel> {
        self.create_channel_impl(channel, now).await
    }
    async fn get_channel(&self, id: &str) -> StoreResult<NotificationChannel> {
        self.get_channel_impl(id).await
    }
    async fn list_channels(&self) -> StoreResult<Vec<NotificationChannel>> {
        self.list_channels_impl().await
    }
    async fn set_channel_enabled(&self, id: &str, enabled: bool) -> StoreResult<()> {
        self.set_channel_enabled_impl(id, enabled).await
    }
    async fn fan_out(&self, fanout: &Fanout, now: DateTime<Utc>) -> StoreResult<usize> {
        self.fan_out_impl(fanout, now).await
    }
    async fn claim_outbox(
        &self,
        node: &str,
        now: DateTime<Utc>,
        lease: chrono::Duration,
        limit: i64,
    ) -> StoreResult<Vec<(OutboxItem, NotificationChannel)>> {
        self.claim_outbox_impl(node, now, lease, limit).await
    }
    async fn finish_outbox(
        &self,
        id: &str,
        node: &str,
        outcome: &DeliveryOutcome,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        self.finish_outbox_impl(id, node, outcome, now).await
    }
    async fn alert_outbox(&self, alert_id: &str) -> StoreResult<Vec<OutboxItem>> {
        self.alert_outbox_impl(alert_id).await
    }
    async fn list_inbox(&self, user_id: &str, unread_only: bool, limit: i64) -> StoreResult<Vec<InboxItem>> {
        self.list_inbox_impl(user_id, unread_only, limit).await
    }
    async fn count_unread(&self, user_id: &str) -> StoreResult<i64> {
        self.count_unread_impl(user_id).await
    }
    async fn mark_inbox_read(&self, user_id: &str, id: Option<&str>, now: DateTime<Utc>) -> StoreResult<u64> {
        self.mark_inbox_read_impl(user_id, id, now).await
    }
    async fn device_health(&self, scope: &Scope, now: DateTime<Utc>) -> StoreResult<Vec<UnitHealth>> {
        self.device_health_impl(scope, now).await
    }
    async fn silent_devices(&self, silent_since: DateTime<Utc>, limit: i64) -> StoreResult<Vec<SilentDevice>> {
        self.silent_devices_impl(silent_since, limit).await
    }
    async fn device_placement(&self, device_id: &str) -> StoreResult<Option<DevicePlacement>> {
        self.device_placement_impl(device_id).await
    }
    async fn replay_events(
        &self,
        scope: &Scope,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        unit_id: Option<&str>,
        limit: i64,
    ) -> StoreResult<Vec<ReplayEvent>> {
        self.replay_events_impl(scope, from, to, unit_id, limit).await
    }
}
