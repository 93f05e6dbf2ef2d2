//! Repositories of alerts: [`AlertRepo`], [`EscalationPolicyRepo`], [`RuleSettingRepo`].
//! Implemented by both backends in `sql.rs` (compiled once per backend, see `crate::sqlite`).

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::*;
use neibao_domain::alerts::*;
use neibao_domain::audit::AuditEntry;
use neibao_domain::events::*;
use neibao_domain::paging::*;

/// Alerts: raise (deduplicated by fingerprint), lifecycle, escalation, statistics.
#[async_trait]
pub trait AlertRepo: Send + Sync {
    /// Opens an alert, or folds the draft into the unresolved alert with the same fingerprint.
    /// Idempotent per (event, fingerprint): raising it again for the same event changes nothing.
    async fn raise_alert(&self, draft: &AlertDraft) -> StoreResult<Raised>;
    async fn get_alert(&self, scope: &Scope, id: &str) -> StoreResult<Alert>;
    async fn list_alerts(&self, scope: &Scope, filter: &AlertFilter, page: Page) -> StoreResult<Listing<Alert>>;
    async fn alert_events(&self, scope: &Scope, alert_id: &str) -> StoreResult<Vec<SecurityEvent>>;
    /// Applies a lifecycle action (who, when, comment); illegal transitions are refused. The
    /// change and `audit` (its unit filled in when empty) commit together.
    #[allow(clippy::too_many_arguments)]
    async fn transition_alert(
        &self,
        scope: &Scope,
        id: &str,
        action: AlertAction,
        user: &str,
        comment: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Alert>;
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
}

/// Meta key under which the escalation policy is kept.
pub const ESCALATION_POLICY_KEY: &str = "alerts.escalation";

/// The escalation chain of unacknowledged alerts (one policy for the installation).
#[async_trait]
pub trait EscalationPolicyRepo: Send + Sync {
    /// The stored policy; `None` when none was set (or it no longer reads).
    async fn escalation_policy(&self) -> StoreResult<Option<EscalationPolicy>>;
    /// Replaces the policy; the change and `audit` commit together.
    async fn set_escalation_policy(
        &self,
        policy: &EscalationPolicy,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
}

/// Per-unit settings of the built-in early-warning rules.
#[async_trait]
pub trait RuleSettingRepo: Send + Sync {
    async fn rule_settings(&self, unit_id: &str) -> StoreResult<Vec<RuleSetting>>;
    /// Stores a unit's setting of one built-in rule and appends `audit` in the same transaction.
    async fn set_rule_setting(
        &self,
        scope: &Scope,
        unit_id: &str,
        setting: &RuleSetting,
        audit: &neibao_domain::audit::AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
}
