//! [`ProtectionLevelService`]: protection-level orders (docs/PROTECTION-LEVELS.md; R46 ¶4).
//!
//! Who may do what: province, city and county police issue and change orders for their
//! jurisdiction, a police station for the units assigned to it
//! ([`Permission::ProtectionLevelSet`]); an order covers exactly the active units of the issuer's
//! scope under its division prefix and unit set at activation. Changing an order needs every
//! unit it covers in the caller's scope (the issuer or a level above). A unit's manager
//! acknowledges and records measures ([`Permission::ProtectionLevelAcknowledge`]); everyone sees
//! the orders covering units of their scope, and of each only the units of their scope.

use chrono::{DateTime, Duration, Utc};
use neibao_domain::access::{Permission, Principal, Scope};
use neibao_domain::error::ErrorCode;
use neibao_domain::ids::new_id;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::protection_levels::*;
use neibao_domain::text::checked_text;

use super::end::end_job;
use super::notify::notify_units;
use crate::context::Ctx;
use crate::error::{ServiceError, ServiceResult};

/// Longest title (characters).
pub const MAX_TITLE_CHARS: usize = 100;
/// Longest reason (characters).
pub const MAX_REASON_CHARS: usize = 500;
/// Longest measure text or note (characters).
pub const MAX_MEASURE_CHARS: usize = 200;
/// Most measures of one level.
pub const MAX_MEASURES: usize = 20;
/// Longest period of an order (days).
pub const MAX_DAYS: i64 = 366;
/// Most hand-picked units.
pub const MAX_PICKED: usize = 500;

/// An order as typed.
#[derive(Debug, Clone, Default)]
pub struct OrderDraft {
    pub title: String,
    pub division_prefix: String,
    pub unit_set: UnitSet,
    /// `raised` or `highest`.
    pub level: String,
    pub reason: String,
    /// Empty: the defaults of the level.
    pub measures: Vec<String>,
    pub ends_at: Option<DateTime<Utc>>,
}

/// A change of an order as sent: `raise`, `lower`, `extend` or `end`, the reason, the new
/// planned end (`extend`), the measures at the new level (`raise`/`lower`; empty: the level's
/// defaults), the version read (`None`: no check).
#[derive(Debug, Clone, Default)]
pub struct ChangeDraft {
    pub action: String,
    pub reason: String,
    pub ends_at: Option<DateTime<Utc>>,
    pub measures: Vec<String>,
    pub version: Option<i64>,
}

/// One measure as recorded: done, note (in the order of the required measures).
#[derive(Debug, Clone, Default)]
pub struct MeasureInput {
    pub done: bool,
    pub note: String,
}

/// Protection levels.
#[derive(Clone)]
pub struct ProtectionLevelService {
    pub(crate) ctx: Ctx,
}

fn now() -> DateTime<Utc> {
    let t = Utc::now();
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

fn checked_measures(m: &[String], level: Level) -> ServiceResult<Vec<String>> {
    let given: Vec<&str> = m.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect();
    if given.is_empty() {
        return Ok(level.default_measures());
    }
    if given.len() > MAX_MEASURES {
        return Err(ServiceError::invalid(format!("须落实的措施最多 {MAX_MEASURES} 条")));
    }
    given
        .iter()
        .enumerate()
        .map(|(i, s)| {
            Ok(checked_text(
                s,
                &format!("第{}条措施", i + 1),
                MAX_MEASURE_CHARS,
                true,
                false,
            )?)
        })
        .collect()
}

fn checked_end(ends_at: Option<DateTime<Utc>>, start: DateTime<Utc>) -> ServiceResult<DateTime<Utc>> {
    let Some(end) = ends_at else {
        return Err(ServiceError::invalid("请填写计划结束时间"));
    };
    if end <= start {
        return Err(ServiceError::invalid("计划结束时间应晚于开始时间（现在）"));
    }
    if end - start > Duration::days(MAX_DAYS) {
        return Err(ServiceError::invalid(format!("防范等级指令的期限最长 {MAX_DAYS} 天")));
    }
    Ok(end)
}

fn checked_level(code: &str) -> ServiceResult<Level> {
    match Level::from_code(code) {
        Some(Level::Normal) => Err(ServiceError::invalid(
            "常态无需下达指令；请选择 加强 或 最高，需恢复常态时结束指令",
        )),
        Some(l) => Ok(l),
        None => Err(ServiceError::invalid("防范等级应为 加强 或 最高")),
    }
}

fn checked_set(s: &UnitSet) -> ServiceResult<UnitSet> {
    s.normalized(MAX_PICKED).map_err(ServiceError::invalid)
}

/// The caller's own unit (a unit account's).
fn own_unit(who: &Principal) -> ServiceResult<String> {
    who.unit_id
        .clone()
        .filter(|u| !u.is_empty())
        .ok_or_else(|| ServiceError::forbidden("只有单位账号可以签收防范等级指令、登记措施"))
}

impl ProtectionLevelService {
    pub fn new(ctx: Ctx) -> ProtectionLevelService {
        ProtectionLevelService { ctx }
    }

    /// Issues an order ([`Permission::ProtectionLevelSet`]) and notifies the units it covers.
    /// 400 `validation_failed`: title (1–100) or reason (1–500) empty or too long; a level other
    /// than `raised`/`highest`; a division prefix not of 2–12 digits; no planned end, one not
    /// after now or more than 366 days away; an unknown unit kind; a measure too long; no unit
    /// in range. 404: a prefix outside the caller's jurisdiction or a hand-picked unit outside
    /// the scope. Audited as `protection_level.activate`; the end job is written with it.
    #[tracing::instrument(skip_all)]
    pub async fn create(&self, who: &Principal, d: OrderDraft) -> ServiceResult<OrderDetail> {
        who.require(Permission::ProtectionLevelSet)?;
        let title = checked_text(&d.title, "标题", MAX_TITLE_CHARS, true, false)?;
        let level = checked_level(&d.level)?;
        let reason = checked_text(&d.reason, "事由", MAX_REASON_CHARS, true, true)?;
        let prefix = d.division_prefix.trim().to_string();
        if !(2..=12).contains(&prefix.len()) || !prefix.chars().all(|c| c.is_ascii_digit()) {
            return Err(ServiceError::invalid("辖区应为 2–12 位行政区划代码（如 330106）"));
        }
        if let Scope::Division { prefix: mine } = &who.scope {
            if !prefix.starts_with(mine.as_str()) {
                return Err(ServiceError::refused(ErrorCode::NotFound, "所选辖区不在本人管辖范围内"));
            }
        }
        let starts_at = now();
        let ends_at = checked_end(d.ends_at, starts_at)?;
        let o = NewOrder {
            id: new_id(),
            title,
            division_prefix: prefix,
            unit_set: checked_set(&d.unit_set)?,
            level,
            reason,
            measures: checked_measures(&d.measures, level)?,
            starts_at,
            ends_at,
            created_by: who.user_id.clone(),
            created_by_name: if who.display_name.trim().is_empty() {
                who.username.clone()
            } else {
                who.display_name.clone()
            },
            org_id: who.org_id.clone(),
            org_name: who.org_name.clone(),
        };
        let audit = who.audit("protection_level.activate", "protection_level_order", &o.id, None);
        let (order, units) = self
            .ctx
            .store
            .create_protection_order(&who.scope, &o, &end_job(&o.id, ends_at), &audit)
            .await?;
        notify_units(&self.ctx, &order, &units, "启动")
            .await
            .map_err(ServiceError::Internal)?;
        self.order(who, &order.id).await
    }

    /// One order as the caller sees it. 404 when absent or covering none of their units.
    #[tracing::instrument(skip_all, fields(order = %id))]
    pub async fn order(&self, who: &Principal, id: &str) -> ServiceResult<OrderDetail> {
        self.ctx
            .store
            .protection_order(&who.scope, id)
            .await?
            .ok_or_else(ServiceError::not_found)
    }

    /// The orders covering units of the caller's scope, active first.
    #[tracing::instrument(skip_all)]
    pub async fn orders(&self, who: &Principal, page: Page) -> ServiceResult<Listing<Order>> {
        Ok(self.ctx.store.protection_orders(&who.scope, page).await?)
    }

    /// Raises, lowers, extends or ends an active order ([`Permission::ProtectionLevelSet`];
    /// 404 outside the scope; 403 when the order covers units outside it). 400: unknown
    /// action, no reason, a bad planned end for `extend`, a measure too long; 409
    /// `invalid_transition` (raise at 最高, lower at 加强, an ended order) or `version_conflict`.
    /// Audited as `protection_level.<action>` with the reason; the units are notified again.
    #[tracing::instrument(skip_all, fields(order = %id, action = %c.action))]
    pub async fn change(&self, who: &Principal, id: &str, c: ChangeDraft) -> ServiceResult<OrderDetail> {
        who.require(Permission::ProtectionLevelSet)?;
        let detail = self.order(who, id).await?;
        if !detail.in_full_scope {
            return Err(ServiceError::forbidden(
                "该指令覆盖本人管辖范围以外的单位，只有下达单位或其上级可以变更",
            ));
        }
        let ChangeDraft {
            action,
            reason,
            ends_at,
            measures,
            version,
        } = c;
        let Some(t) = Transition::from_code(&action) else {
            return Err(ServiceError::invalid("操作应为 提升、降低、调整结束时间或结束"));
        };
        let reason = checked_text(&reason, "变更理由", MAX_REASON_CHARS, true, true)?;
        let order = &detail.order;
        let to = t
            .next(order.state, order.level)
            .map_err(|m| ServiceError::refused(ErrorCode::InvalidTransition, m))?;
        let at = now();
        let new_end = if t == Transition::Extend {
            checked_end(ends_at, at)?
        } else {
            order.ends_at
        };
        let new_measures = match t {
            Transition::Raise | Transition::Lower => checked_measures(&measures, to)?,
            _ => order.measures.clone(),
        };
        let change = OrderChange {
            order_id: id.to_string(),
            transition: t,
            from_level: order.level,
            to_level: to,
            measures: new_measures,
            ends_at: new_end,
            reason,
            by_name: if who.display_name.trim().is_empty() {
                who.username.clone()
            } else {
                who.display_name.clone()
            },
            at,
            version,
        };
        let audit = who.audit(
            &format!("protection_level.{}", t.code()),
            "protection_level_order",
            id,
            None,
        );
        let job = (t == Transition::Extend).then(|| end_job(id, new_end));
        let (order, units) = self
            .ctx
            .store
            .change_protection_order(&change, job.as_ref(), &audit)
            .await?;
        let what = match t {
            Transition::Raise => "提升",
            Transition::Lower => "调整",
            Transition::Extend => "延续",
            Transition::End => "结束",
        };
        notify_units(&self.ctx, &order, &units, what)
            .await
            .map_err(ServiceError::Internal)?;
        self.order(who, id).await
    }

    /// A unit's current level and the orders covering it. 404 outside the scope.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn unit(&self, who: &Principal, unit_id: &str) -> ServiceResult<UnitProtection> {
        let (unit_name, rows) = self.ctx.store.unit_protection(&who.scope, unit_id).await?;
        let orders: Vec<UnitOrder> = rows
            .into_iter()
            .map(|(order, unit)| UnitOrder { order, unit })
            .collect();
        Ok(UnitProtection {
            unit_id: unit_id.to_string(),
            unit_name,
            level: UnitProtection::effective(&orders),
            orders,
        })
    }

    /// The unit's effective level (the highest active order covering it; one indexed query, no
    /// scope: for the engine's own use, e.g. the early-warning facts).
    pub async fn effective_level(&self, unit_id: &str) -> ServiceResult<Level> {
        Ok(self.ctx.store.effective_protection_level(unit_id).await?)
    }

    /// The caller's unit acknowledges the order at its current level
    /// ([`Permission::ProtectionLevelAcknowledge`]; 404 when the order does not cover the
    /// caller's unit; 409 for an ended order). Audited as `protection_level.acknowledge`.
    #[tracing::instrument(skip_all, fields(order = %order_id))]
    pub async fn acknowledge(&self, who: &Principal, order_id: &str) -> ServiceResult<OrderUnit> {
        who.require(Permission::ProtectionLevelAcknowledge)?;
        let unit_id = own_unit(who)?;
        let by = if who.display_name.trim().is_empty() {
            who.username.clone()
        } else {
            who.display_name.clone()
        };
        let audit = who.audit(
            "protection_level.acknowledge",
            "protection_level_order",
            order_id,
            Some(&unit_id),
        );
        Ok(self
            .ctx
            .store
            .acknowledge_protection(&who.scope, order_id, &unit_id, &by, &audit, now())
            .await?)
    }

    /// The caller's unit records the measures it took at the order's current level, one per
    /// required measure in order ([`Permission::ProtectionLevelAcknowledge`]). 400 when the
    /// count does not match or a note is longer than 200 characters. Audited as
    /// `protection_level.measures`.
    #[tracing::instrument(skip_all, fields(order = %order_id))]
    pub async fn record_measures(
        &self,
        who: &Principal,
        order_id: &str,
        input: &[MeasureInput],
    ) -> ServiceResult<OrderUnit> {
        who.require(Permission::ProtectionLevelAcknowledge)?;
        let unit_id = own_unit(who)?;
        let detail = self.order(who, order_id).await?;
        if !detail.units.iter().any(|u| u.unit_id == unit_id) {
            return Err(ServiceError::not_found());
        }
        let required = &detail.order.measures;
        if input.len() != required.len() {
            return Err(ServiceError::invalid(format!(
                "应逐条登记全部 {} 条措施的落实情况",
                required.len()
            )));
        }
        let mut records = Vec::new();
        for (i, (m, x)) in required.iter().zip(input).enumerate() {
            records.push(MeasureRecord {
                measure: m.clone(),
                done: x.done,
                note: checked_text(
                    &x.note,
                    &format!("第{}条措施的说明", i + 1),
                    MAX_MEASURE_CHARS,
                    false,
                    false,
                )?,
            });
        }
        let audit = who.audit(
            "protection_level.measures",
            "protection_level_order",
            order_id,
            Some(&unit_id),
        );
        Ok(self
            .ctx
            .store
            .record_protection_measures(&who.scope, order_id, &unit_id, &records, &audit, now())
            .await?)
    }
}
