//! Third-party assessors and the assessment's notifications (docs/ASSESSMENT.md "Third-party
//! assessors", "Notifications"): the 第三方评估机构 a campaign may name, the assignment of units to
//! it by the launching organisation, and the notices sent when a sheet is submitted or signed.

use neibao_domain::access::{Permission, Principal, Scope};
use neibao_domain::assessment::*;
use neibao_domain::text::checked_text;

use super::service::{conflict, display, now, AssessmentService};
use crate::error::{ServiceError, ServiceResult};
use crate::notifications::notice::{send, Notice};

impl AssessmentService {
    /// The third-party assessment organisations (kind `assessor_org`) a campaign may name, for the
    /// launch form ([`Permission::AssessmentLaunch`], else an empty list).
    pub async fn assessor_orgs(&self, who: &Principal) -> ServiceResult<Vec<neibao_domain::registry::Organisation>> {
        if !who.can(Permission::AssessmentLaunch) {
            return Ok(Vec::new());
        }
        Ok(self.ctx.store.list_organisations(Some("assessor_org"), None).await?)
    }

    /// An open organisation of kind `assessor_org` (第三方评估机构); 400 otherwise.
    pub(super) async fn assessor_org(&self, id: &str) -> ServiceResult<neibao_domain::registry::Organisation> {
        let refused =
            || ServiceError::invalid("所选第三方评估机构不存在或已撤销，请在组织机构中选择类别为第三方评估机构的组织");
        let o = match self.ctx.store.get_organisation(id).await {
            Ok(o) => o,
            Err(neibao_store::StoreError::NotFound) => return Err(refused()),
            Err(e) => return Err(e.into()),
        };
        if o.kind != "assessor_org" || self.ctx.store.get_org_detail(id).await?.status != "open" {
            return Err(refused());
        }
        Ok(o)
    }

    /// Assigns units of a third-party campaign to its assessment organisation
    /// ([`Permission::AssessmentLaunch`], the launching organisation only, else 403): the
    /// organisation's accounts then see those units and fill in their sheets. 400: no unit, over
    /// 500 units; 404: the campaign or a unit outside the scope, or a unit the campaign does not
    /// concern; 409: the campaign names no assessment organisation. Units already assigned stay.
    /// Audited as `assessment_campaign.assign`.
    #[tracing::instrument(skip_all, fields(campaign = %campaign_id))]
    pub async fn assign(
        &self,
        who: &Principal,
        campaign_id: &str,
        unit_ids: &[String],
    ) -> ServiceResult<Vec<AssessmentAssignment>> {
        who.require(Permission::AssessmentLaunch)?;
        let c = self.campaign(who, campaign_id).await?;
        if c.org_id.is_none() || c.org_id != who.org_id {
            return Err(ServiceError::forbidden("只有发起本批次的机构可以分派评估单位"));
        }
        let Some(org_id) = c.assessor_org_id.clone() else {
            return Err(conflict("本批次未指定第三方评估机构，不能分派单位"));
        };
        let mut ids: Vec<String> = unit_ids
            .iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        ids.sort();
        ids.dedup();
        if ids.is_empty() {
            return Err(ServiceError::invalid("请选择要分派给第三方评估机构的单位"));
        }
        if ids.len() > 500 {
            return Err(ServiceError::invalid("一次最多分派 500 家单位"));
        }
        for id in &ids {
            checked_text(id, "单位", 64, true, false)?;
        }
        let mut audit = who.audit("assessment_campaign.assign", "assessment_campaign", &c.id, None);
        audit.detail = serde_json::json!({ "org_id": org_id, "unit_ids": ids }).to_string();
        self.ctx
            .store
            .assign_assessment_units(&who.scope, &c, &org_id, &ids, &display(who), &audit, now())
            .await?;
        self.assignments(who, campaign_id).await
    }

    /// The units assigned in a campaign to its third-party organisation that the caller sees (a
    /// third-party assessor: its own). 404 when the campaign is outside the scope.
    pub async fn assignments(&self, who: &Principal, campaign_id: &str) -> ServiceResult<Vec<AssessmentAssignment>> {
        let c = self.campaign(who, campaign_id).await?;
        Ok(self.ctx.store.assessment_assignments(&who.scope, &c.id).await?)
    }

    /// Tells the police who review a submitted self-assessment or third-party sheet: the unit's
    /// police station and the police organisation that launched the campaign (their inbox and
    /// own channels).
    pub(super) async fn notify_reviewers(&self, a: &Assessment) -> ServiceResult<()> {
        let store = &self.ctx.store;
        let mut org_ids = Vec::new();
        if let Some(s) = store.assessed_unit(&Scope::All, &a.unit_id).await?.station_id {
            org_ids.push(s);
        }
        if let Some(cid) = &a.campaign_id {
            if let Some(c) = store.assessment_campaign(&Scope::All, cid).await? {
                if let Some(o) = c.org_id {
                    match store.get_organisation(&o).await {
                        Ok(org) if org.kind.starts_with("police_") && !org_ids.contains(&org.id) => {
                            org_ids.push(org.id)
                        }
                        Ok(_) | Err(neibao_store::StoreError::NotFound) => {}
                        Err(e) => return Err(e.into()),
                    }
                }
            }
        }
        if org_ids.is_empty() {
            return Ok(());
        }
        let who = match a.assessor {
            AssessorKind::ThirdParty => format!("第三方评估机构（{}）", a.assessor_org),
            _ => "单位自评".to_string(),
        };
        self.notify(Notice {
            key: format!("assessment-submitted:{}", a.id),
            unit_id: None,
            org_ids,
            title: format!("安全评估待复核：{}（{who}）", a.unit_name),
            unit_name: a.unit_name.clone(),
            summary: format!("{who}已提交评估表，当前得分 {:.1} 分，请复核并签发。", a.result.total),
            link: format!("/assessments/{}", a.id),
            at: now(),
        })
        .await
    }

    pub(super) async fn notify(&self, notice: Notice) -> ServiceResult<()> {
        send(self.ctx.store.as_ref(), &notice, self.ctx.config.public_url.as_deref())
            .await
            .map_err(ServiceError::from)?;
        Ok(())
    }
}
