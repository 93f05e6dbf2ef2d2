//! [`WarningService`]: early-warning rules as data (list, versions, create, update, import,
//! backtest). Suppression windows are in `suppressions.rs`.
//!
//! Who may do what: police and administrators read and backtest rules
//! ([`Permission::AlertRuleRead`]); administrators and provincial, city and county police write
//! them ([`Permission::AlertRuleWrite`]), each only rules whose scope lies inside their
//! jurisdiction (a rule with no division prefix written by an officer gets the officer's). After
//! every write this node's rule engine is reloaded; other nodes reload within 10 s.

use chrono::{DateTime, Utc};
use neibao_domain::access::{Permission, Principal, Scope};
use neibao_domain::error::ErrorCode;
use neibao_domain::warning::StoredRule;

use super::engine::{backtest, import_specs_by, reload, BacktestReport, ImportReport};
use super::ruleset::{compile, RuleFile, RuleSpec};
use crate::context::Ctx;
use crate::error::{ServiceError, ServiceResult};

/// A backtest: a stored rule by `code`, or a draft `rule` (which wins); the period; optionally
/// one unit.
#[derive(Debug, Clone)]
pub struct BacktestInput {
    pub code: Option<String>,
    pub rule: Option<RuleSpec>,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub unit_id: Option<String>,
}

/// Early warning as data: rules, backtests, suppression windows.
#[derive(Clone)]
pub struct WarningService {
    pub(crate) ctx: Ctx,
}

impl WarningService {
    pub fn new(ctx: Ctx) -> WarningService {
        WarningService { ctx }
    }

    /// The current version of every data rule ([`Permission::AlertRuleRead`]).
    #[tracing::instrument(skip_all)]
    pub async fn rules(&self, who: &Principal) -> ServiceResult<Vec<StoredRule>> {
        who.require(Permission::AlertRuleRead)?;
        Ok(self.ctx.store.list_rules(None).await?)
    }

    /// Every version of one rule, newest first ([`Permission::AlertRuleRead`]; 404 when there is
    /// no such rule).
    #[tracing::instrument(skip_all, fields(rule = %code))]
    pub async fn rule_versions(&self, who: &Principal, code: &str) -> ServiceResult<Vec<StoredRule>> {
        who.require(Permission::AlertRuleRead)?;
        let v = self.ctx.store.list_rules(Some(code)).await?;
        if v.is_empty() {
            return Err(ServiceError::refused(ErrorCode::NotFound, "没有这条预警规则"));
        }
        Ok(v)
    }

    /// Creates a rule (version 1; 409 when the code exists). Audited as `alert_rule.create`.
    #[tracing::instrument(skip_all, fields(rule = %spec.code))]
    pub async fn create_rule(&self, who: &Principal, spec: RuleSpec) -> ServiceResult<StoredRule> {
        self.save_rule(who, spec, Some(0)).await
    }

    /// Saves a new version of rule `code` (the code wins over the one in `spec`). With
    /// `expected_version`, 409 unless it is the current version; 404 when the rule does not
    /// exist. Disabling is a new version with `enabled: false`. Audited as `alert_rule.update`.
    #[tracing::instrument(skip_all, fields(rule = %code))]
    pub async fn update_rule(
        &self,
        who: &Principal,
        code: &str,
        mut spec: RuleSpec,
        expected_version: Option<i64>,
    ) -> ServiceResult<StoredRule> {
        spec.code = code.to_string();
        self.save_rule(who, spec, expected_version).await
    }

    /// Stores a spec as a new version and reloads this node's engine. `expected_version` 0
    /// creates the rule (409 when the code exists); otherwise the rule must exist (404).
    async fn save_rule(
        &self,
        who: &Principal,
        spec: RuleSpec,
        expected_version: Option<i64>,
    ) -> ServiceResult<StoredRule> {
        who.require(Permission::AlertRuleWrite)?;
        let spec = check_spec(who, spec)?;
        if expected_version == Some(0) && !self.ctx.store.list_rules(Some(&spec.code)).await?.is_empty() {
            return Err(ServiceError::refused(
                ErrorCode::Conflict,
                format!("规则代码「{}」已被使用，请换一个代码", spec.code),
            ));
        }
        self.check_units(who, &spec).await?;
        let current = self.check_existing(who, &spec.code).await?;
        if expected_version != Some(0) && current.is_none() {
            return Err(ServiceError::refused(ErrorCode::NotFound, "没有这条预警规则"));
        }
        let value = serde_json::to_value(&spec).map_err(|e| ServiceError::invalid(e.to_string()))?;
        let action = if expected_version == Some(0) {
            "alert_rule.create"
        } else {
            "alert_rule.update"
        };
        let mut audit = who.audit(action, "alert_rule", &spec.code, None);
        audit.detail = serde_json::json!({
            "based_on_version": current.as_ref().map_or(0, |c| c.version),
            "enabled": spec.enabled,
            "division_prefix": spec.scope.division_prefix,
        })
        .to_string();
        let saved = self
            .ctx
            .store
            .put_rule(
                &spec.code,
                &value,
                spec.enabled,
                expected_version,
                &who.username,
                &audit,
                Utc::now(),
            )
            .await?;
        reload(self.ctx.store.as_ref(), self.ctx.pipeline.rule_engine()).await?;
        Ok(saved)
    }

    /// Imports a rule file (`{"rules":[…]}` or a bare array, as in `data/rules/default.json`;
    /// [`Permission::AlertRuleWrite`]). Every rule is checked first (syntax, scope inside the
    /// caller's jurisdiction); if one fails nothing is stored. A rule equal to its current
    /// version is left alone; each other becomes a new version, audited as `alert_rule.import`.
    #[tracing::instrument(skip_all, fields(bytes = bytes.len()))]
    pub async fn import_rules(&self, who: &Principal, bytes: &[u8]) -> ServiceResult<ImportReport> {
        who.require(Permission::AlertRuleWrite)?;
        let specs = RuleFile::parse(bytes).map_err(ServiceError::invalid)?;
        let mut checked = Vec::with_capacity(specs.len());
        for s in specs {
            let s = check_spec(who, s)?;
            self.check_units(who, &s).await?;
            self.check_existing(who, &s.code).await?;
            checked.push(s);
        }
        let report = import_specs_by(self.ctx.store.as_ref(), &checked, who, Utc::now()).await?;
        reload(self.ctx.store.as_ref(), self.ctx.pipeline.rule_engine()).await?;
        Ok(report)
    }

    /// Runs a rule over the stored events of a period in the caller's jurisdiction and returns
    /// what it would have raised; nothing is stored or sent ([`Permission::AlertRuleRead`]; 404
    /// for an unknown rule code or a unit outside the jurisdiction).
    #[tracing::instrument(skip_all)]
    pub async fn backtest(&self, who: &Principal, req: BacktestInput) -> ServiceResult<BacktestReport> {
        who.require(Permission::AlertRuleRead)?;
        let spec = match (req.rule, req.code) {
            (Some(spec), _) => spec,
            (None, Some(code)) => {
                let stored = self
                    .ctx
                    .store
                    .list_rules(Some(&code))
                    .await?
                    .into_iter()
                    .next()
                    .ok_or_else(|| ServiceError::refused(ErrorCode::NotFound, "没有这条预警规则"))?;
                serde_json::from_value(stored.spec).map_err(|e| ServiceError::invalid(e.to_string()))?
            }
            (None, None) => return Err(ServiceError::invalid("请指定规则代码或规则内容")),
        };
        let compiled = compile(&spec).map_err(ServiceError::invalid)?;
        let unit_id = req.unit_id.filter(|u| !u.is_empty());
        if let Some(unit) = unit_id.as_deref() {
            // 404 for a unit that does not exist or lies outside the caller's jurisdiction.
            self.ctx.store.get_unit(&who.scope, unit).await?;
        }
        backtest(
            self.ctx.store.as_ref(),
            &who.scope,
            compiled,
            req.from,
            req.to,
            unit_id.as_deref(),
        )
        .await?
        .map_err(ServiceError::invalid)
    }

    /// The units a rule names (`scope.unit_ids`) exist in the caller's jurisdiction (at most
    /// [`MAX_RULE_UNITS`]).
    ///
    /// Errors: `validation_failed` naming the first unknown unit.
    async fn check_units(&self, who: &Principal, spec: &RuleSpec) -> ServiceResult<()> {
        if spec.scope.unit_ids.len() > MAX_RULE_UNITS {
            return Err(ServiceError::invalid(format!(
                "指定单位最多 {MAX_RULE_UNITS} 个；更多单位请按行政区划限定"
            )));
        }
        for id in &spec.scope.unit_ids {
            match self.ctx.store.get_unit(&who.scope, id).await {
                Ok(_) => {}
                Err(neibao_store::StoreError::NotFound) => {
                    return Err(ServiceError::invalid(format!(
                        "指定单位「{id}」不存在或不在您的辖区，请检查单位编号"
                    )))
                }
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }

    /// The rule `code` as stored now, after checking that it lies in the caller's jurisdiction
    /// (403 otherwise). `None` when there is no such rule.
    async fn check_existing(&self, who: &Principal, code: &str) -> ServiceResult<Option<StoredRule>> {
        let current = self.ctx.store.list_rules(Some(code)).await?.into_iter().next();
        if let (Some(prefix), Some(c)) = (rule_prefix(who)?, &current) {
            let theirs = c
                .spec
                .pointer("/scope/division_prefix")
                .and_then(|v| v.as_str())
                .unwrap_or("");
            if !theirs.starts_with(&prefix) {
                return Err(ServiceError::forbidden("该规则的适用范围超出了您的辖区，不能修改"));
            }
        }
        Ok(current)
    }
}

/// The most units one rule may name (`scope.unit_ids`).
pub const MAX_RULE_UNITS: usize = 200;

/// The division prefix the caller's rules must lie in (`None`: anywhere, administrators).
fn rule_prefix(who: &Principal) -> ServiceResult<Option<String>> {
    match &who.scope {
        Scope::All => Ok(None),
        Scope::Division { prefix } if who.can(Permission::AlertRuleWrite) => Ok(Some(prefix.clone())),
        _ => Err(ServiceError::forbidden(
            "只有有辖区的公安机关和系统管理员可以编写预警规则",
        )),
    }
}

/// Compiles a spec and confines its scope to the caller's jurisdiction (an empty prefix becomes
/// the caller's).
fn check_spec(who: &Principal, mut spec: RuleSpec) -> ServiceResult<RuleSpec> {
    if let Some(prefix) = rule_prefix(who)? {
        if spec.scope.division_prefix.is_empty() {
            spec.scope.division_prefix = prefix.clone();
        }
        if !spec.scope.division_prefix.starts_with(&prefix) {
            return Err(ServiceError::forbidden("规则的适用范围超出了您的辖区"));
        }
    }
    compile(&spec).map_err(ServiceError::invalid)?;
    Ok(spec)
}
