//! The [`Store`] trait for a SQL backend: each method delegates to the backend's inherent
//! implementation in this folder. Compiled once per backend.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::alert::{Alert, AlertAction};
use neibao_domain::event::{DecodedEvent, SecurityEvent};
use neibao_domain::scope::Scope;

use super::Backend;
use crate::model::*;
use crate::repo::{Store, StoreResult};

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
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.create_session_impl(user_id, token_hash, csrf_token, now, expires_at)
            .await
    }
    async fn session_user(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<(User, String)>> {
        self.session_user_impl(token_hash, now).await
    }
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        self.delete_session_impl(token_hash).await
    }
    async fn create_api_token(
        &self,
        user_id: &str,
        token_hash: &str,
        name: &str,
        now: DateTime<Utc>,
        expires_at: Option<DateTime<Utc>>,
    ) -> StoreResult<()> {
        self.create_api_token_impl(user_id, token_hash, name, now, expires_at)
            .await
    }
    async fn api_token_user(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<User>> {
        self.api_token_user_impl(token_hash, now).await
    }
}
