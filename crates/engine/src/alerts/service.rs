//! [`AlertService`]: alert lists and details, the lifecycle (acknowledge, resolve, false
//! positive), per-rule statistics, the escalation policy and the escalation job.

use chrono::{Duration, Utc};
use neibao_domain::access::{Permission, Principal};
use neibao_domain::alerts::{Alert, AlertAction, AlertFilter, EscalationPolicy, RuleAlertStats};
use neibao_domain::events::SecurityEvent;
use neibao_domain::paging::{Listing, Page};

use crate::context::Ctx;
use crate::error::{ServiceError, ServiceResult};
use crate::jobs::scheduler::Handler;

/// Statistics period when none is asked for (days).
pub const DEFAULT_STATS_DAYS: i64 = 30;
/// A rule with more than this many alerts in 24 hours is flagged as flooding (default).
pub const DEFAULT_FLOOD_THRESHOLD: i64 = 50;
/// Longest handling comment (characters).
pub const MAX_COMMENT_CHARS: usize = 1000;

/// Per-rule statistics and the period and threshold they were computed with.
#[derive(Debug, Clone)]
pub struct AlertStats {
    pub days: i64,
    pub flood_threshold: i64,
    pub rules: Vec<RuleAlertStats>,
}

/// Alerts: lists, lifecycle, statistics, escalation policy.
#[derive(Clone)]
pub struct AlertService {
    pub(crate) ctx: Ctx,
}

impl AlertService {
    pub fn new(ctx: Ctx) -> AlertService {
        AlertService { ctx }
    }

    /// Alerts in the caller's scope, most recent activity first.
    #[tracing::instrument(skip_all)]
    pub async fn list(&self, who: &Principal, filter: &AlertFilter, page: Page) -> ServiceResult<Listing<Alert>> {
        Ok(self.ctx.store.list_alerts(&who.scope, filter, page).await?)
    }

    /// One alert in the caller's scope (404 outside it).
    #[tracing::instrument(skip_all, fields(alert = %id))]
    pub async fn get(&self, who: &Principal, id: &str) -> ServiceResult<Alert> {
        Ok(self.ctx.store.get_alert(&who.scope, id).await?)
    }

    /// The events folded into an alert, newest first (at most 200).
    #[tracing::instrument(skip_all, fields(alert = %id))]
    pub async fn events(&self, who: &Principal, id: &str) -> ServiceResult<Vec<SecurityEvent>> {
        Ok(self.ctx.store.alert_events(&who.scope, id).await?)
    }

    /// Acknowledges, resolves or resolves as a false positive an alert in the caller's scope
    /// (404 outside it, then 403 without [`Permission::AlertHandle`]; 409 for a transition the
    /// alert's state does not allow). Who, when and the comment are recorded on the alert; the
    /// change is audited as `alert.acknowledge`, `alert.resolve` or `alert.false_positive`.
    #[tracing::instrument(skip_all, fields(alert = %id, action = action_code(action)))]
    pub async fn transition(
        &self,
        who: &Principal,
        id: &str,
        action: AlertAction,
        comment: &str,
    ) -> ServiceResult<Alert> {
        let alert = self.ctx.store.get_alert(&who.scope, id).await?;
        who.require(Permission::AlertHandle)?;
        let comment = neibao_domain::text::checked_text(comment, "处置说明", MAX_COMMENT_CHARS, false, true)?;
        let comment = comment.as_str();
        let mut audit = who.audit(action_code(action), "alert", id, Some(&alert.unit_id));
        let mut detail = serde_json::json!({ "from": alert.status.code() });
        if let AlertAction::FalsePositive(reason) = action {
            detail["reason"] = serde_json::json!(reason.code());
        }
        audit.detail = detail.to_string();
        Ok(self
            .ctx
            .store
            .transition_alert(&who.scope, id, action, &who.display_name, comment, &audit, Utc::now())
            .await?)
    }

    /// Per-rule statistics in the caller's jurisdiction over the last `days` (1–365, default
    /// 30); rules with more than `flood_threshold` (0–100 000, default 50) alerts in the last 24
    /// hours are flagged as flooding.
    #[tracing::instrument(skip_all)]
    pub async fn stats(
        &self,
        who: &Principal,
        days: Option<i64>,
        flood_threshold: Option<i64>,
    ) -> ServiceResult<AlertStats> {
        let days = days.unwrap_or(DEFAULT_STATS_DAYS);
        let threshold = flood_threshold.unwrap_or(DEFAULT_FLOOD_THRESHOLD);
        if !(1..=365).contains(&days) || !(0..=100_000).contains(&threshold) {
            return Err(ServiceError::invalid(
                "统计天数须在1至365之间，刷屏阈值须在0至100000之间",
            ));
        }
        let now = Utc::now();
        let rules = self
            .ctx
            .store
            .alert_rule_stats(&who.scope, now - Duration::days(days), now, threshold)
            .await?;
        Ok(AlertStats {
            days,
            flood_threshold: threshold,
            rules,
        })
    }

    /// The escalation chain of unacknowledged alerts (everyone may read it).
    #[tracing::instrument(skip_all)]
    pub async fn escalation_policy(&self, _who: &Principal) -> ServiceResult<EscalationPolicy> {
        Ok(super::escalation::policy(self.ctx.store.as_ref()).await?)
    }

    /// Replaces the escalation chain ([`Permission::AlertEscalationConfigure`]; at most 3 levels
    /// of 1–1440 minutes; empty turns escalation off). Audited as `escalation_policy.update`.
    #[tracing::instrument(skip_all)]
    pub async fn set_escalation_policy(&self, who: &Principal, p: EscalationPolicy) -> ServiceResult<EscalationPolicy> {
        who.require(Permission::AlertEscalationConfigure)?;
        p.validate()?;
        let mut audit = who.audit("escalation_policy.update", "escalation_policy", "alerts", None);
        audit.detail = serde_json::json!({ "delays_minutes": p.delays_minutes }).to_string();
        self.ctx.store.set_escalation_policy(&p, &audit, Utc::now()).await?;
        self.ctx.pipeline.forget_escalation();
        Ok(p)
    }

    /// The scheduler handler of `JobKind::AlertEscalate` (see [`super::escalation`]).
    pub fn escalation_handler(&self) -> Handler {
        super::escalation::handler(self.ctx.store.clone())
    }
}

/// The audit action of a lifecycle action.
fn action_code(action: AlertAction) -> &'static str {
    match action {
        AlertAction::Acknowledge => "alert.acknowledge",
        AlertAction::Resolve => "alert.resolve",
        AlertAction::FalsePositive(_) => "alert.false_positive",
    }
}
