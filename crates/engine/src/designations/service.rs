//! [`DesignationService`]: the designation workflow — a police organ (county level or higher,
//! in its jurisdiction) proposes a unit ([`Permission::DesignationPropose`]); the decision is
//! recorded by police from the government's document, or the refusal, or later a revocation
//! ([`Permission::DesignationDecide`]). A decision sets the unit's flag in the registry
//! (`is_key_unit` with its category, or `is_counter_terror_target`) through the registry's own
//! update path (its history and audit), a revocation clears it, and the unit is told in its
//! inbox. Every step is kept in the record's history and audited. Everyone reads the records of
//! the units in their scope.

use chrono::{NaiveDate, Utc};
use neibao_domain::access::{Permission, Principal};
use neibao_domain::designations::*;
use neibao_domain::ids::new_id;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::registry::key_unit_category_label;
use neibao_domain::text::checked_text;

use crate::context::Ctx;
use crate::error::{ServiceError, ServiceResult};
use crate::filings::beijing_today;
use crate::notifications::notice::{send, Notice};
use crate::registry::{RegistryService, UnitInput};

/// A proposal as sent.
#[derive(Debug, Clone)]
pub struct ProposalDraft {
    pub kind: DesignationKind,
    /// Art 13 category 1–11 (key units; required there, absent for targets).
    pub category: Option<u8>,
    /// Grade of a counter-terror target (optional, at most 20 characters).
    pub grade: String,
    /// Why (required, at most 500 characters).
    pub reason: String,
}

/// A decision or revocation as sent.
#[derive(Debug, Clone)]
pub struct DecisionDraft {
    /// The deciding government or authority (required for a decision, at most 100 characters).
    pub authority: String,
    /// The document number (文号; required, at most 100 characters).
    pub document_number: String,
    /// The document's date (not after today).
    pub decided_on: NaiveDate,
    /// The date the unit was told (counter-terror targets, R40); absent: the decision date.
    pub notice_on: Option<NaiveDate>,
    /// A note (optional, at most 500 characters).
    pub note: String,
}

/// The designation workflow.
#[derive(Clone)]
pub struct DesignationService {
    pub(crate) ctx: Ctx,
}

fn now() -> chrono::DateTime<Utc> {
    let t = Utc::now();
    chrono::DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

fn checked_date(d: NaiveDate, label: &str) -> ServiceResult<NaiveDate> {
    let earliest = NaiveDate::from_ymd_opt(1980, 1, 1).unwrap_or_default();
    if d < earliest || d > beijing_today() {
        return Err(ServiceError::invalid(format!(
            "{label}应在 1980 年 1 月 1 日至今天之间"
        )));
    }
    Ok(d)
}

impl DesignationService {
    pub fn new(ctx: Ctx) -> DesignationService {
        DesignationService { ctx }
    }

    /// One record with its history. 404 outside the scope.
    #[tracing::instrument(skip_all, fields(designation = %id))]
    pub async fn get(&self, who: &Principal, id: &str) -> ServiceResult<Designation> {
        Ok(self.ctx.store.get_designation(&who.scope, id).await?)
    }

    /// Records in the caller's scope, newest first.
    #[tracing::instrument(skip_all)]
    pub async fn list(
        &self,
        who: &Principal,
        filter: &DesignationFilter,
        page: Page,
    ) -> ServiceResult<Listing<Designation>> {
        Ok(self.ctx.store.list_designations(&who.scope, filter, page).await?)
    }

    /// Proposes unit `unit_id` ([`Permission::DesignationPropose`]: county-level and higher
    /// police; the unit in their jurisdiction, else 404). Refused (400): a key unit without a
    /// category 1–11 (Decree 421 Art 13), a target with one; an empty reason; too long a grade.
    /// Audited as `designation.propose`.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn propose(&self, who: &Principal, unit_id: &str, d: ProposalDraft) -> ServiceResult<Designation> {
        who.require(Permission::DesignationPropose)?;
        match (d.kind, d.category) {
            (DesignationKind::KeyUnit, Some(c)) if key_unit_category_label(c).is_some() => {}
            (DesignationKind::KeyUnit, _) => {
                return Err(ServiceError::invalid(
                    "请选择重点单位类别（《企业事业单位内部治安保卫条例》第十三条第一至十一项）",
                ))
            }
            (DesignationKind::CounterTerror, Some(_)) => {
                return Err(ServiceError::invalid("反恐怖重点目标不分重点单位类别，请不要填写类别"))
            }
            (DesignationKind::CounterTerror, None) => {}
        }
        let grade = checked_text(&d.grade, "目标等级", 20, false, false)?;
        let reason = checked_text(&d.reason, "提议理由", 500, true, true)?;
        let n = NewDesignation {
            id: new_id(),
            unit_id: unit_id.to_string(),
            kind: d.kind,
            category: d.category,
            grade,
            proposing_org_id: who.org_id.clone(),
            proposing_org_name: who.org_name.clone().unwrap_or_else(|| who.username.clone()),
            reason,
            actor_name: who.username.clone(),
        };
        let mut audit = who.audit("designation.propose", "designation", "", Some(unit_id));
        audit.detail = serde_json::json!({ "kind": d.kind.code(), "category": d.category }).to_string();
        Ok(self.ctx.store.add_designation(&who.scope, &n, &audit, now()).await?)
    }

    async fn step(
        &self,
        who: &Principal,
        id: &str,
        version: i64,
        to: DesignationStatus,
        change: DesignationChange,
    ) -> ServiceResult<(Designation, Designation)> {
        who.require(Permission::DesignationDecide)?;
        let current = self.ctx.store.get_designation(&who.scope, id).await?;
        if !current.status.allows_next(to) {
            return Err(ServiceError::refused(
                neibao_domain::ErrorCode::InvalidTransition,
                format!(
                    "该事项当前为“{}”，不能改为“{}”",
                    current.status.label_zh(),
                    to.label_zh()
                ),
            ));
        }
        if current.version != version {
            return Err(ServiceError::refused(
                neibao_domain::ErrorCode::VersionConflict,
                "该确定事项已被他人修改，请刷新后重试",
            ));
        }
        let mut audit = who.audit(
            &format!("designation.{}", change.action),
            "designation",
            id,
            Some(&current.unit_id),
        );
        audit.detail = serde_json::json!({
            "kind": current.kind.code(), "status": to.code(),
            "document_number": change.document_number, "decided_on": change.decided_on,
        })
        .to_string();
        let after = self
            .ctx
            .store
            .change_designation(&who.scope, id, version, &change, &audit, now())
            .await?;
        Ok((current, after))
    }

    /// Sets or clears the unit's flag through the registry's own update (its history and audit).
    async fn set_flag(&self, who: &Principal, d: &Designation, on: bool) -> ServiceResult<()> {
        let u = self.ctx.store.get_unit(&who.scope, &d.unit_id).await?;
        let mut input = UnitInput {
            name: u.name.clone(),
            kind: u.kind,
            is_university: u.is_university,
            is_private_enterprise: u.is_private_enterprise,
            uscc: u.uscc.clone(),
            address: u.address.clone(),
            division_code: u.division_code.clone(),
            police_station_id: u.police_station_id.clone(),
            competent_department_id: u.competent_department_id.clone(),
            is_key_unit: u.is_key_unit,
            key_unit_category: u.key_unit_category,
            is_counter_terror_target: u.is_counter_terror_target,
            armed_schedule: u.armed_schedule.clone(),
            responsible_persons: None,
        };
        match d.kind {
            DesignationKind::KeyUnit => {
                input.is_key_unit = on;
                input.key_unit_category = if on { d.category } else { None };
            }
            DesignationKind::CounterTerror => input.is_counter_terror_target = on,
        }
        RegistryService::new(self.ctx.clone())
            .update_unit(who, &u.id, u.version, input)
            .await?;
        Ok(())
    }

    async fn tell(&self, d: &Designation, title: String, summary: String) -> ServiceResult<()> {
        let notice = Notice {
            key: format!("designation:{}:{}", d.id, d.status.code()),
            unit_id: Some(d.unit_id.clone()),
            org_ids: Vec::new(),
            title,
            unit_name: d.unit_name.clone(),
            summary,
            link: format!("/units/{}/filings", d.unit_id),
            at: Utc::now(),
        };
        send(self.ctx.store.as_ref(), &notice, self.ctx.config.public_url.as_deref()).await?;
        Ok(())
    }

    /// Records the decision (from the government's document) on a proposed record
    /// ([`Permission::DesignationDecide`]): authority, document number, date, and for a target
    /// the notice date. Sets the unit's flag in the registry and tells the unit in its inbox.
    /// Refused: 400 missing authority or number, a date after today; 409 `invalid_transition`
    /// (not proposed), `version_conflict`. Audited as `designation.decide` (and the registry's
    /// `unit.update`).
    #[tracing::instrument(skip_all, fields(designation = %id))]
    pub async fn decide(
        &self,
        who: &Principal,
        id: &str,
        version: i64,
        d: DecisionDraft,
    ) -> ServiceResult<Designation> {
        let authority = checked_text(&d.authority, "决定机关", 100, true, false)?;
        let number = checked_text(&d.document_number, "决定文号", 100, true, false)?;
        let decided_on = checked_date(d.decided_on, "决定日期")?;
        let notice_on = checked_date(d.notice_on.unwrap_or(decided_on), "告知日期")?;
        let note = checked_text(&d.note, "备注", 500, false, true)?;
        let change = DesignationChange {
            status: DesignationStatus::Decided,
            deciding_authority: Some(authority.clone()),
            document_number: Some(number.clone()),
            decided_on: Some(decided_on),
            notice_on: Some(notice_on),
            action: "decide",
            action_label: "确定",
            note,
            actor_name: who.username.clone(),
        };
        let (_, after) = self.step(who, id, version, DesignationStatus::Decided, change).await?;
        self.set_flag(who, &after, true).await?;
        let what = match (after.kind, after.category.and_then(key_unit_category_label)) {
            (DesignationKind::KeyUnit, Some(c)) => format!("治安保卫重点单位（{c}）"),
            _ => after.kind.label_zh().to_string(),
        };
        self.tell(
            &after,
            format!("本单位已被确定为{}", after.kind.label_zh()),
            format!(
                "{authority}以 {number}（{decided_on}）确定本单位为{what}。请依法落实相应的治安保卫和防范责任，并按要求办理备案。"
            ),
        )
        .await?;
        Ok(after)
    }

    /// Records that a proposal was not approved (reason required). Audited as
    /// `designation.reject`.
    #[tracing::instrument(skip_all, fields(designation = %id))]
    pub async fn reject(&self, who: &Principal, id: &str, version: i64, reason: &str) -> ServiceResult<Designation> {
        let note = checked_text(reason, "未获批准的理由", 500, true, true)?;
        let change = DesignationChange {
            status: DesignationStatus::Rejected,
            deciding_authority: None,
            document_number: None,
            decided_on: None,
            notice_on: None,
            action: "reject",
            action_label: "未获批准",
            note,
            actor_name: who.username.clone(),
        };
        Ok(self
            .step(who, id, version, DesignationStatus::Rejected, change)
            .await?
            .1)
    }

    /// Revokes a decided record with the revoking document's number and date (and a reason):
    /// clears the unit's flag in the registry and tells the unit. Audited as
    /// `designation.revoke`.
    #[tracing::instrument(skip_all, fields(designation = %id))]
    pub async fn revoke(
        &self,
        who: &Principal,
        id: &str,
        version: i64,
        d: DecisionDraft,
    ) -> ServiceResult<Designation> {
        let number = checked_text(&d.document_number, "撤销文号", 100, true, false)?;
        let on = checked_date(d.decided_on, "撤销日期")?;
        let note = checked_text(&d.note, "撤销理由", 500, true, true)?;
        let change = DesignationChange {
            status: DesignationStatus::Revoked,
            deciding_authority: None,
            document_number: None,
            decided_on: None,
            notice_on: None,
            action: "revoke",
            action_label: "撤销",
            note: format!("{number}（{on}）：{note}"),
            actor_name: who.username.clone(),
        };
        let (_, after) = self.step(who, id, version, DesignationStatus::Revoked, change).await?;
        self.set_flag(who, &after, false).await?;
        self.tell(
            &after,
            format!("本单位的{}身份已撤销", after.kind.label_zh()),
            format!(
                "依据 {number}（{on}），本单位不再作为{}。理由：{note}",
                after.kind.label_zh()
            ),
        )
        .await?;
        Ok(after)
    }
}
