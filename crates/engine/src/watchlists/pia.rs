//! The PIA part of [`WatchlistService`]: personal-information protection impact assessments
//! (个人信息保护影响评估; PIPL Arts 55–56, R69) per owner and purpose — drafted, approved by an
//! authorised person other than the drafter, kept at least three years.

use neibao_domain::access::{Permission, Principal};
use neibao_domain::ids::new_id;
use neibao_domain::text::checked_text;
use neibao_domain::watchlists::*;

use super::service::{actor, now, owner_of, PiaDraft, WatchlistService};
use crate::error::{ServiceError, ServiceResult};

impl WatchlistService {
    /// The caller's organ's or unit's PIAs.
    #[tracing::instrument(skip_all)]
    pub async fn pias(&self, who: &Principal) -> ServiceResult<Vec<Pia>> {
        who.require(Permission::PiaDraft)?;
        let (owner, _, _) = owner_of(who)?;
        Ok(self.ctx.store.list_pias(&owner).await?)
    }

    /// One PIA of the caller's organ or unit (404 otherwise).
    #[tracing::instrument(skip_all, fields(pia = %id))]
    pub async fn pia(&self, who: &Principal, id: &str) -> ServiceResult<Pia> {
        who.require(Permission::PiaDraft)?;
        let (owner, _, _) = owner_of(who)?;
        self.ctx
            .store
            .pia(&owner, id)
            .await?
            .ok_or_else(ServiceError::not_found)
    }

    /// Drafts a PIA: purpose, and the three things PIPL Art 56 says it covers (legality and
    /// necessity; impact and risk; adequacy of safeguards), each required. `pia.create`.
    #[tracing::instrument(skip_all)]
    pub async fn draft_pia(&self, who: &Principal, d: PiaDraft) -> ServiceResult<Pia> {
        who.require(Permission::PiaDraft)?;
        let (owner, owner_name, _) = owner_of(who)?;
        let purpose =
            PiaPurpose::from_code(d.purpose.trim()).ok_or_else(|| ServiceError::invalid("请选择评估的处理活动"))?;
        let p = NewPia {
            id: new_id(),
            owner: owner.clone(),
            owner_name,
            purpose,
            title: checked_text(&d.title, "评估标题", 100, true, false)?,
            necessity: checked_text(&d.necessity, "合法性、正当性和必要性", 5000, true, true)?,
            risks: checked_text(&d.risks, "对个人权益的影响及安全风险", 5000, true, true)?,
            safeguards: checked_text(&d.safeguards, "保护措施", 5000, true, true)?,
            drafted_by: who.user_id.clone(),
            drafted_by_name: actor(who),
            at: now(),
        };
        let audit = who.audit("pia.create", "pia", &p.id, owner.unit_id());
        Ok(self.ctx.store.create_pia(&p, &audit).await?)
    }

    /// Approves a draft. The approver holds [`Permission::PiaApprove`] in the same organ or unit
    /// and is not its drafter (409 otherwise). `pia.approve`.
    #[tracing::instrument(skip_all, fields(pia = %id))]
    pub async fn approve_pia(&self, who: &Principal, id: &str) -> ServiceResult<Pia> {
        who.require(Permission::PiaApprove)?;
        let (owner, _, _) = owner_of(who)?;
        let p = self
            .ctx
            .store
            .pia(&owner, id)
            .await?
            .ok_or_else(ServiceError::not_found)?;
        if p.drafted_by == who.user_id {
            return Err(ServiceError::refused(
                neibao_domain::error::ErrorCode::InvalidTransition,
                "影响评估须由起草人以外的负责人批准",
            ));
        }
        let audit = who.audit("pia.approve", "pia", id, owner.unit_id());
        Ok(self
            .ctx
            .store
            .approve_pia(&owner, id, &who.user_id, &actor(who), &audit, now())
            .await?)
    }

    /// Deletes a PIA, refused (409) within its three-year keeping period (PIPL Art 56 ¶2) or
    /// while a list was switched on under it. `pia.delete`.
    #[tracing::instrument(skip_all, fields(pia = %id))]
    pub async fn delete_pia(&self, who: &Principal, id: &str) -> ServiceResult<()> {
        who.require(Permission::PiaApprove)?;
        let (owner, _, _) = owner_of(who)?;
        let p = self
            .ctx
            .store
            .pia(&owner, id)
            .await?
            .ok_or_else(ServiceError::not_found)?;
        check_pia_deletion(&p, now())?;
        let audit = who.audit("pia.delete", "pia", id, owner.unit_id());
        Ok(self.ctx.store.delete_pia(&owner, id, &audit).await?)
    }
}
