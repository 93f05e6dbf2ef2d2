//! Suppression windows (屏蔽时段) of [`WarningService`]: police, administrators and the unit's
//! security manager ([`Permission::SuppressionManage`]) set and end them for units in their
//! scope; everyone lists those in their scope. After a change the pipeline forgets its cached
//! windows, so the next event sees it.

use chrono::{DateTime, Duration, Utc};
use neibao_domain::access::{Permission, Principal};
use neibao_domain::devices::DeviceFilter;
use neibao_domain::ids::new_id;
use neibao_domain::paging::Page;
use neibao_domain::registry::UnitFilter;
use neibao_domain::warning::SuppressionWindow;

use super::ruleset::SUPPRESSION_REASONS;
use super::service::WarningService;
use crate::error::{ServiceError, ServiceResult};

/// Longest suppression window.
pub const MAX_SUPPRESSION_DAYS: i64 = 31;
/// Longest note (characters).
pub const MAX_NOTE_CHARS: usize = 200;

/// A suppression window to add: a unit, optionally one device of it and one rule (data or
/// built-in), the period, a reason (`maintenance`, `visit`, `other`) and a note.
#[derive(Debug, Clone)]
pub struct SuppressionDraft {
    pub unit_id: String,
    pub device_id: Option<String>,
    pub rule: Option<String>,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub reason: String,
    pub note: String,
}

/// What the add form offers: units, devices of the chosen unit, rules (id or code, name).
#[derive(Debug, Clone, Default)]
pub struct SuppressionChoices {
    /// Units in scope (the first 200, then any asked for by id).
    pub units: Vec<(String, String)>,
    /// More units in scope than listed.
    pub units_capped: bool,
    /// Devices of the chosen unit (at most 200).
    pub devices: Vec<(String, String)>,
    /// Built-in rules, then data rules (code, title).
    pub rules: Vec<(String, String)>,
}

/// Units and devices listed in the form.
const CHOICES: u32 = 200;

impl WarningService {
    /// Windows not yet ended, in the caller's scope (optionally of one unit).
    #[tracing::instrument(skip_all)]
    pub async fn suppressions(&self, who: &Principal, unit_id: Option<&str>) -> ServiceResult<Vec<SuppressionWindow>> {
        Ok(self
            .ctx
            .store
            .list_suppressions(&who.scope, unit_id, Utc::now())
            .await?)
    }

    /// Adds a window after checking it ([`Permission::SuppressionManage`]; at most 31 days,
    /// ending in the future, a known reason and rule, a clean note; 404 for a unit outside the
    /// scope; the device must belong to the unit). Audited as `suppression.create`.
    #[tracing::instrument(skip_all, fields(unit = %d.unit_id))]
    pub async fn create_suppression(&self, who: &Principal, d: SuppressionDraft) -> ServiceResult<SuppressionWindow> {
        who.require(Permission::SuppressionManage)?;
        let now = Utc::now();
        if d.to <= d.from {
            return Err(ServiceError::invalid("屏蔽时段的结束时间应晚于开始时间"));
        }
        if d.to <= now {
            return Err(ServiceError::invalid(
                "屏蔽时段应在现在之后结束（已经过去的时段无需屏蔽）",
            ));
        }
        if d.to - d.from > Duration::days(MAX_SUPPRESSION_DAYS) {
            return Err(ServiceError::invalid("屏蔽时段不超过 31 天"));
        }
        if !SUPPRESSION_REASONS.iter().any(|(c, _)| *c == d.reason) {
            return Err(ServiceError::invalid("屏蔽原因应为 maintenance、visit 或 other"));
        }
        let rule = d.rule.filter(|r| !r.is_empty());
        if let Some(rule) = rule.as_deref() {
            let builtin = crate::alerts::builtin::builtin_rules().iter().any(|b| b.code == rule);
            if !builtin && self.ctx.store.list_rules(Some(rule)).await?.is_empty() {
                return Err(ServiceError::invalid(format!("没有代码为「{rule}」的预警规则")));
            }
        }
        let note = d.note.trim().to_string();
        if note.chars().count() > MAX_NOTE_CHARS || !neibao_domain::text::text_is_clean(&note) {
            return Err(ServiceError::invalid("备注不超过 200 个字符且不含控制字符"));
        }
        let w = SuppressionWindow {
            id: new_id(),
            unit_id: d.unit_id,
            device_id: d.device_id.filter(|x| !x.is_empty()),
            device_name: None,
            rule,
            from: d.from,
            to: d.to,
            reason: d.reason,
            note,
            created_by: who.username.clone(),
            created_at: now,
        };
        let mut audit = who.audit("suppression.create", "suppression", &w.id, Some(&w.unit_id));
        audit.detail = serde_json::json!({
            "device_id": w.device_id,
            "rule": w.rule,
            "reason": w.reason,
            "from": w.from,
            "to": w.to,
        })
        .to_string();
        self.ctx.store.create_suppression(&who.scope, &w, &audit).await?;
        self.ctx.pipeline.forget_suppressions(&w.unit_id);
        // Answered as stored: the note with personal data masked (docs/SECURITY.md).
        let note = neibao_domain::privacy::FreeText::new(&w.note).shown().to_string();
        Ok(SuppressionWindow { note, ..w })
    }

    /// Ends a window now ([`Permission::SuppressionManage`]; 404 outside the scope). Audited as
    /// `suppression.end`.
    #[tracing::instrument(skip_all, fields(suppression = %id))]
    pub async fn end_suppression(&self, who: &Principal, id: &str) -> ServiceResult<()> {
        who.require(Permission::SuppressionManage)?;
        let audit = who.audit("suppression.end", "suppression", id, None);
        self.ctx
            .store
            .end_suppression(&who.scope, id, &audit, Utc::now())
            .await?;
        // The window just ended is no longer listed: drop every cached unit.
        self.ctx.pipeline.forget_all_suppressions();
        Ok(())
    }

    /// What the add form offers the caller: units in scope (the first 200, plus `wanted` ones
    /// that are in scope), the devices of `unit_id`, every rule.
    #[tracing::instrument(skip_all)]
    pub async fn suppression_choices(
        &self,
        who: &Principal,
        wanted: &[&str],
        unit_id: Option<&str>,
    ) -> ServiceResult<SuppressionChoices> {
        let store = &self.ctx.store;
        let list = store
            .list_units(&who.scope, &UnitFilter::default(), Page::new(Some(1), Some(CHOICES)))
            .await?;
        let mut units: Vec<(String, String)> = list.items.iter().map(|x| (x.id.clone(), x.name.clone())).collect();
        let units_capped = list.total > units.len() as i64;
        // A unit asked for that is not in the first page: look it up (it must be in scope).
        for id in wanted {
            if !id.is_empty() && !units.iter().any(|(i, _)| i == id) {
                if let Ok(unit) = store.get_unit(&who.scope, id).await {
                    units.insert(0, (unit.id, unit.name));
                }
            }
        }
        let devices = match unit_id.filter(|u| !u.is_empty()) {
            None => Vec::new(),
            Some(unit) => store
                .list_devices(
                    &who.scope,
                    &DeviceFilter {
                        unit_id: Some(unit.to_string()),
                        online: None,
                        sort: None,
                    },
                    Page::new(Some(1), Some(CHOICES)),
                    Utc::now(),
                )
                .await
                .map(|l| l.items.iter().map(|d| (d.id.clone(), d.name.clone())).collect())
                .unwrap_or_default(),
        };
        let mut rules: Vec<(String, String)> = crate::alerts::builtin::builtin_rules()
            .into_iter()
            .map(|r| (r.code.to_string(), r.title.to_string()))
            .collect();
        for r in store.list_rules(None).await? {
            let title = r
                .spec
                .pointer("/title")
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string();
            rules.push((r.code, title));
        }
        Ok(SuppressionChoices {
            units,
            units_capped,
            devices,
            rules,
        })
    }
}
