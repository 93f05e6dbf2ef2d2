//! [`AssessmentService`]: the biennial safety assessment (docs/ASSESSMENT.md; R32, R6, R8, R37,
//! docs/REQUIREMENTS.md §d "Scoring model").
//!
//! Who may do what: county-level and higher police and competent departments (their sector)
//! launch campaigns ([`Permission::AssessmentLaunch`]); police assess, review a unit's
//! self-assessment, sign results and turn failed items into hazards
//! ([`Permission::AssessmentConduct`]); a unit's security manager fills in its own
//! self-assessment and submits it ([`Permission::AssessmentSelf`]); everyone reads what concerns
//! the units of their scope (outside it: not found). A third-party assessor is recorded by its
//! organisation's name; when the campaign names a third-party assessment organisation
//! (`assessor_org_id`), the launcher assigns units to it and its own accounts (第三方评估人员,
//! [`Permission::AssessmentThirdParty`]) see only those units and fill in their sheets, which the
//! police review and sign once submitted ("Third-party assessors" in docs/ASSESSMENT.md).
//! Submitting a sheet notifies the reviewing police; signing notifies the unit.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use neibao_domain::access::{Permission, Principal, Scope};
use neibao_domain::assessment::*;
use neibao_domain::attachments::Attachment;
use neibao_domain::error::ErrorCode;
use neibao_domain::ids::new_id;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::supervision::checklist::{ItemResult, Variant};
use neibao_domain::supervision::ladder::{HazardClass, HazardSource};
use neibao_domain::supervision::NewHazard;
use neibao_domain::text::checked_text;

use crate::context::Ctx;
use crate::error::{ServiceError, ServiceResult};
use crate::notifications::notice::Notice;

/// A campaign as sent.
#[derive(Debug, Clone, Default)]
pub struct CampaignInput {
    /// 1–60 characters.
    pub title: String,
    /// An [`AssessorKind`] code: `police`, `self`, `third_party`.
    pub assessor: String,
    /// The third-party organisation's name (required for `third_party` without
    /// `assessor_org_id`, at most 100 characters).
    pub assessor_org: String,
    /// The third-party assessment organisation (an open organisation of kind `assessor_org`)
    /// whose own accounts fill in the sheets of the units assigned to it (`third_party` only).
    pub assessor_org_id: Option<String>,
    /// Only the units of this competent department (police only; a department's campaign is
    /// always its own sector).
    pub department_id: Option<String>,
    /// Only units of this kind (a registry unit-kind code).
    pub unit_kind: Option<String>,
}

/// A new assessment as sent.
#[derive(Debug, Clone, Default)]
pub struct StartInput {
    pub unit_id: String,
    pub campaign_id: Option<String>,
    /// An [`AssessorKind`] code; default: the campaign's, else `self` for a unit's manager and
    /// `police` for the police.
    pub assessor: Option<String>,
    pub assessor_org: String,
    /// The period the data covers, `YYYY-MM-DD` (Beijing time); default: the two years up to today.
    pub period_from: Option<String>,
    pub period_to: Option<String>,
}

/// One item as scored by hand.
#[derive(Debug, Clone, Default)]
pub struct ItemInput {
    pub code: String,
    /// `pass`, `fail`, `not_applicable`, or "" (not scored yet).
    pub result: String,
    pub note: String,
}

/// A sheet as saved.
#[derive(Debug, Clone, Default)]
pub struct SheetInput {
    pub items: Vec<ItemInput>,
    /// Cases attributable to failed prevention in the period (0–100).
    pub outcome_cases: Option<i64>,
    /// The version the user saw; a stale one is refused (409).
    pub expected_version: Option<i64>,
}

/// The evidence files of each item.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ItemEvidence {
    pub code: String,
    pub files: Vec<Attachment>,
}

/// The biennial safety assessment.
#[derive(Clone)]
pub struct AssessmentService {
    pub(crate) ctx: Ctx,
}

pub(super) fn now() -> DateTime<Utc> {
    let t = Utc::now();
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

pub(super) fn display(who: &Principal) -> String {
    let name = if who.display_name.trim().is_empty() {
        who.username.clone()
    } else {
        who.display_name.clone()
    };
    match &who.org_name {
        Some(o) if !o.is_empty() => format!("{name}（{o}）"),
        _ => name,
    }
}

fn beijing_day_start(d: NaiveDate) -> DateTime<Utc> {
    let bj = chrono::FixedOffset::east_opt(8 * 3600).expect("offset");
    bj.from_local_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight"))
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(Utc::now)
}

fn date(s: &str, label: &str) -> ServiceResult<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| ServiceError::invalid(format!("{label}应为“年-月-日”格式的日期，例如 2026-01-31")))
}

fn assessor(code: &str) -> ServiceResult<AssessorKind> {
    AssessorKind::from_code(code.trim())
        .ok_or_else(|| ServiceError::invalid("评估方式应为公安机关评估、单位自评或第三方机构评估"))
}

fn variant_of(u: &neibao_store::assessment::AssessedUnit) -> Variant {
    Variant::for_unit(u.university, u.counter_terror, u.key_unit)
}

pub(super) fn conflict(m: &str) -> ServiceError {
    ServiceError::refused(ErrorCode::Conflict, m)
}

impl AssessmentService {
    pub fn new(ctx: Ctx) -> AssessmentService {
        AssessmentService { ctx }
    }

    /// Launches a campaign ([`Permission::AssessmentLaunch`]) over the caller's jurisdiction (a
    /// department: its sector), optionally one department's units and one unit kind. 400: a
    /// title empty or over 60 characters; an unknown assessor; a third party without its name.
    /// Audited as `assessment_campaign.launch`.
    #[tracing::instrument(skip_all)]
    pub async fn launch(&self, who: &Principal, input: CampaignInput) -> ServiceResult<AssessmentCampaign> {
        who.require(Permission::AssessmentLaunch)?;
        let title = checked_text(&input.title, "批次名称", 60, true, false)?;
        let kind = assessor(&input.assessor)?;
        let clean = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(String::from);
        let org_id = match clean(&input.assessor_org_id) {
            Some(_) if kind != AssessorKind::ThirdParty => {
                return Err(ServiceError::invalid("只有第三方机构评估的批次可以指定第三方评估机构"))
            }
            Some(id) => Some(self.assessor_org(&id).await?),
            None => None,
        };
        let typed = match (&org_id, input.assessor_org.trim().is_empty()) {
            (Some(o), true) => o.name.clone(),
            _ => input.assessor_org.clone(),
        };
        let org = checked_text(
            &typed,
            "第三方评估机构名称",
            100,
            kind == AssessorKind::ThirdParty,
            false,
        )?;
        let (prefix, station, mut department) = match &who.scope {
            Scope::Division { prefix } => (prefix.clone(), None, None),
            Scope::Station { org_id } => (String::new(), Some(org_id.clone()), None),
            Scope::Department { org_id } => (String::new(), None, Some(org_id.clone())),
            Scope::All => (String::new(), None, None),
            _ => return Err(ServiceError::forbidden("当前账号不能发起安全评估批次")),
        };
        if department.is_none() {
            department = clean(&input.department_id);
        }
        let unit_kind = clean(&input.unit_kind);
        if let Some(k) = &unit_kind {
            checked_text(k, "单位类别", 40, false, false)?;
        }
        let c = NewAssessmentCampaign {
            id: new_id(),
            title,
            assessor: kind,
            assessor_org: if kind == AssessorKind::ThirdParty {
                org
            } else {
                String::new()
            },
            assessor_org_id: org_id.map(|o| o.id),
            division_prefix: prefix,
            department_id: department,
            unit_kind,
            org_id: who.org_id.clone(),
            created_by: display(who),
            at: now(),
        };
        let mut audit = who.audit("assessment_campaign.launch", "assessment_campaign", &c.id, None);
        audit.detail = serde_json::json!({ "title": c.title, "assessor": kind.code() }).to_string();
        Ok(self
            .ctx
            .store
            .create_assessment_campaign(&c, station.as_deref(), &audit)
            .await?)
    }

    /// The campaigns concerning units of the caller's scope, newest first.
    pub async fn campaigns(&self, who: &Principal, page: Page) -> ServiceResult<Listing<AssessmentCampaign>> {
        Ok(self.ctx.store.assessment_campaigns(&who.scope, page).await?)
    }

    /// One campaign. 404 when absent or concerning no unit of the scope.
    pub async fn campaign(&self, who: &Principal, id: &str) -> ServiceResult<AssessmentCampaign> {
        self.ctx
            .store
            .assessment_campaign(&who.scope, id)
            .await?
            .ok_or_else(ServiceError::not_found)
    }

    /// The units of the scope (of the campaign when given) in their two-year cycle: overdue
    /// (never assessed, or the last signed result older than two years), due within 90 days,
    /// or current; `only_due` leaves out the current ones.
    pub async fn due(
        &self,
        who: &Principal,
        campaign_id: Option<&str>,
        only_due: bool,
        page: Page,
    ) -> ServiceResult<Listing<DueUnit>> {
        let c = match campaign_id {
            Some(id) => Some(self.campaign(who, id).await?),
            None => None,
        };
        Ok(self
            .ctx
            .store
            .assessment_due_units(&who.scope, c.as_ref(), only_due, now(), page)
            .await?)
    }

    /// Starts an assessment of a unit: the sheet is the checklist version in force for the
    /// unit's variant, data-scored items filled from the unit's figures over the period. Police
    /// ([`Permission::AssessmentConduct`]) start police or third-party assessments; the unit's
    /// manager ([`Permission::AssessmentSelf`]) starts its self-assessment. 400: bad dates, a
    /// period not ending after it starts, over three years, or ending in the future; a third
    /// party without its name; an assessor the caller cannot act as. 404 outside the scope; 409
    /// when the unit already has an unsigned assessment or is closed. Audited as `assessment.start`.
    #[tracing::instrument(skip_all, fields(unit = %input.unit_id))]
    pub async fn start(&self, who: &Principal, input: StartInput) -> ServiceResult<Assessment> {
        if !who.can(Permission::AssessmentConduct)
            && !who.can(Permission::AssessmentSelf)
            && !who.can(Permission::AssessmentThirdParty)
        {
            return Err(ServiceError::forbidden("当前账号不能开展安全评估"));
        }
        let unit_id = checked_text(&input.unit_id, "单位", 64, true, false)?;
        let campaign = match input.campaign_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(id) => Some(self.campaign(who, id).await?),
            None => None,
        };
        let kind = match (&input.assessor, &campaign) {
            (Some(a), _) if !a.trim().is_empty() => assessor(a)?,
            (_, Some(c)) => c.assessor,
            _ if who.can(Permission::AssessmentSelf) => AssessorKind::SelfAssessment,
            _ if who.can(Permission::AssessmentThirdParty) => AssessorKind::ThirdParty,
            _ => AssessorKind::Police,
        };
        match kind {
            AssessorKind::SelfAssessment => who.require(Permission::AssessmentSelf)?,
            AssessorKind::ThirdParty if who.can(Permission::AssessmentThirdParty) => {}
            _ => who.require(Permission::AssessmentConduct)?,
        }
        // A third-party assessor starts sheets only for the units assigned to its organisation,
        // in the campaign they were assigned in.
        let assessor_org_id = campaign
            .as_ref()
            .filter(|_| kind == AssessorKind::ThirdParty)
            .and_then(|c| c.assessor_org_id.clone());
        if who.can(Permission::AssessmentThirdParty) {
            let Some(c) = &campaign else {
                // A unit not assigned to the organisation at all is not found first.
                self.ctx.store.assessed_unit(&who.scope, &unit_id).await?;
                return Err(ServiceError::invalid("请选择分派本单位的评估批次"));
            };
            let assigned = self.ctx.store.assessment_assignments(&who.scope, &c.id).await?;
            if !assigned.iter().any(|x| x.unit_id == unit_id) {
                return Err(ServiceError::not_found());
            }
        }
        let org_text = if input.assessor_org.trim().is_empty() {
            campaign.as_ref().map(|c| c.assessor_org.clone()).unwrap_or_default()
        } else {
            input.assessor_org.clone()
        };
        let org = checked_text(
            &org_text,
            "第三方评估机构名称",
            100,
            kind == AssessorKind::ThirdParty,
            false,
        )?;
        let today = (Utc::now() + Duration::hours(8)).date_naive();
        let to_day = match input.period_to.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(s) => date(s, "评估期截止日期")?,
            None => today,
        };
        let from_day = match input.period_from.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(s) => date(s, "评估期起始日期")?,
            None => to_day - Duration::days(CYCLE_DAYS),
        };
        if to_day > today {
            return Err(ServiceError::invalid("评估期截止日期不能晚于今天"));
        }
        if from_day >= to_day || (to_day - from_day).num_days() > 3 * 366 {
            return Err(ServiceError::invalid(
                "评估期起始日期应早于截止日期，且评估期不超过三年",
            ));
        }
        let unit = self.ctx.store.assessed_unit(&who.scope, &unit_id).await?;
        if unit.closed {
            return Err(ServiceError::refused(
                ErrorCode::InvalidTransition,
                "单位已注销，不能开展安全评估",
            ));
        }
        let period_from = beijing_day_start(from_day);
        let period_to = (beijing_day_start(to_day) + Duration::days(1) - Duration::milliseconds(1)).min(now());
        let variant = variant_of(&unit);
        let checklist = self.ctx.store.latest_checklist(variant).await?;
        let figures = self.ctx.store.unit_figures(&unit_id, period_from, period_to).await?;
        let a = NewAssessment {
            id: new_id(),
            campaign_id: campaign.map(|c| c.id),
            unit_id: unit_id.clone(),
            assessor: kind,
            assessor_org: if kind == AssessorKind::ThirdParty {
                org
            } else {
                String::new()
            },
            assessor_org_id,
            checklist_id: checklist.id.clone(),
            variant,
            period_from,
            period_to,
            items: sheet(&checklist.items, &figures),
            created_by: display(who),
            at: now(),
        };
        let mut audit = who.audit("assessment.start", "assessment", &a.id, Some(&unit_id));
        audit.detail = serde_json::json!({ "assessor": kind.code(), "checklist_id": a.checklist_id }).to_string();
        Ok(self.ctx.store.create_assessment(&who.scope, &a, &audit).await?)
    }

    /// One assessment with its sheet and result. 404 when absent or outside the scope.
    pub async fn get(&self, who: &Principal, id: &str) -> ServiceResult<Assessment> {
        self.ctx
            .store
            .assessment(&who.scope, id)
            .await?
            .ok_or_else(ServiceError::not_found)
    }

    /// Assessments in scope, newest first.
    pub async fn list(
        &self,
        who: &Principal,
        f: &AssessmentFilter,
        page: Page,
    ) -> ServiceResult<Listing<AssessmentRow>> {
        Ok(self.ctx.store.list_assessments(&who.scope, f, page).await?)
    }

    /// Whether the caller may change the sheet now: the unit's manager its self-assessment
    /// while a draft; the police a police or third-party draft, and any submitted sheet (review).
    pub(super) fn edit_check(who: &Principal, a: &Assessment) -> ServiceResult<()> {
        if a.assessor == AssessorKind::SelfAssessment {
            if !who.can(Permission::AssessmentSelf) && !who.can(Permission::AssessmentConduct) {
                return Err(ServiceError::forbidden("当前账号不能填写或复核安全评估"));
            }
        } else if a.assessor_org_id.is_some() && who.can(Permission::AssessmentThirdParty) {
            // The third-party organisation's own accounts fill in its draft (the scope kept
            // every other sheet from them).
            return match a.state {
                AssessmentState::Signed => Err(conflict("评估结果已签发，不能再修改")),
                AssessmentState::Submitted => Err(conflict("评估表已提交，等待公安机关复核")),
                AssessmentState::Draft => Ok(()),
            };
        } else {
            who.require(Permission::AssessmentConduct)?;
            if a.assessor_org_id.is_some() && a.state == AssessmentState::Draft {
                return Err(conflict("第三方评估机构尚未提交评估表，提交后再复核"));
            }
        }
        match (a.state, a.assessor) {
            (AssessmentState::Signed, _) => Err(conflict("评估结果已签发，不能再修改")),
            (AssessmentState::Draft, AssessorKind::SelfAssessment) if !who.can(Permission::AssessmentSelf) => {
                Err(conflict("单位自评尚未提交，提交后再复核"))
            }
            (AssessmentState::Submitted, AssessorKind::SelfAssessment) if who.can(Permission::AssessmentSelf) => {
                Err(conflict("自评已提交，等待公安机关复核"))
            }
            _ => Ok(()),
        }
    }

    /// Whether the caller may change the sheet now (pages show the form or the result).
    pub fn editable(who: &Principal, a: &Assessment) -> bool {
        Self::edit_check(who, a).is_ok()
    }

    /// Applies a sheet as sent to the current one; data-scored items keep the data's result
    /// (refreshed from the figures over the period).
    async fn apply(&self, a: &Assessment, input: &SheetInput) -> ServiceResult<(Vec<SheetItem>, i64)> {
        let mut items = a.items.clone();
        for (n, i) in input.items.iter().enumerate() {
            let code = i.code.trim();
            let Some(it) = items.iter_mut().find(|it| it.code == code) else {
                return Err(ServiceError::invalid(format!(
                    "第{}项：检查项「{code}」不在本评估表中",
                    n + 1
                )));
            };
            let note = checked_text(&i.note, &format!("检查项{code}的评估说明"), MAX_NOTE_CHARS, false, true)?;
            it.note = note;
            if it.scored_by == ScoredBy::Hand {
                it.result = match i.result.trim() {
                    "" => None,
                    "pass" => Some(ItemResult::Pass),
                    "fail" => Some(ItemResult::Fail),
                    "not_applicable" => Some(ItemResult::NotApplicable),
                    _ => {
                        return Err(ServiceError::invalid(format!(
                            "检查项{code}的评分应为符合、不符合或不适用"
                        )))
                    }
                };
            }
        }
        let cases = input.outcome_cases.unwrap_or(a.outcome_cases);
        if !(0..=100).contains(&cases) {
            return Err(ServiceError::invalid("因防范不力发生的案件数应为 0–100 的整数"));
        }
        let figures = self
            .ctx
            .store
            .unit_figures(&a.unit_id, a.period_from, a.period_to)
            .await?;
        let fresh = sheet(
            &items
                .iter()
                .map(|i| neibao_domain::supervision::checklist::ChecklistItem {
                    code: i.code.clone(),
                    defence: i.defence,
                    title: i.title.clone(),
                    basis: i.basis.clone(),
                    weight: i.weight,
                    critical: i.critical,
                    evidence: String::new(),
                    auto: i.scored_by == ScoredBy::Data,
                })
                .collect::<Vec<_>>(),
            &figures,
        );
        for (it, f) in items.iter_mut().zip(fresh) {
            if it.scored_by == ScoredBy::Data {
                it.data = f.data;
                it.result = f.result;
            }
        }
        Ok((items, cases))
    }

    fn unscored(items: &[SheetItem]) -> ServiceResult<()> {
        let missing: Vec<&str> = items
            .iter()
            .filter(|i| i.result.is_none())
            .map(|i| i.code.as_str())
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(ServiceError::invalid(format!(
                "以下检查项尚未评分：{}",
                missing.join("、")
            )))
        }
    }

    async fn write(
        &self,
        who: &Principal,
        a: &Assessment,
        u: AssessmentUpdate,
        action: &str,
        detail: serde_json::Value,
    ) -> ServiceResult<Assessment> {
        let mut audit = who.audit(action, "assessment", &a.id, Some(&a.unit_id));
        audit.detail = detail.to_string();
        Ok(self.ctx.store.update_assessment(&who.scope, &u, &audit, now()).await?)
    }

    /// Saves the sheet as a draft kept on the server (hand-scored results, notes, the outcome
    /// cases); data-scored items are refreshed from the data. 400: an item not of the sheet, a
    /// result other than pass/fail/not_applicable, a note over 1000 characters, cases outside
    /// 0–100. 409: signed, stale version, or not the caller's turn. Audited as `assessment.save`.
    #[tracing::instrument(skip_all, fields(assessment = %id))]
    pub async fn save(&self, who: &Principal, id: &str, input: SheetInput) -> ServiceResult<Assessment> {
        let a = self.get(who, id).await?;
        Self::edit_check(who, &a)?;
        let (items, cases) = self.apply(&a, &input).await?;
        let u = AssessmentUpdate {
            id: a.id.clone(),
            expected_version: input.expected_version.unwrap_or(a.version),
            state: a.state,
            items,
            outcome_cases: cases,
            submitted_at: a.submitted_at,
            signed: None,
            hazards: Vec::new(),
            escalation_trigger: String::new(),
        };
        self.write(who, &a, u, "assessment.save", serde_json::json!({})).await
    }

    /// Submits the sheet for review (every item scored, else 400 naming the unscored items).
    /// Audited as `assessment.submit`.
    #[tracing::instrument(skip_all, fields(assessment = %id))]
    pub async fn submit(&self, who: &Principal, id: &str, input: SheetInput) -> ServiceResult<Assessment> {
        let a = self.get(who, id).await?;
        Self::edit_check(who, &a)?;
        if a.state != AssessmentState::Draft {
            return Err(conflict("评估表已提交"));
        }
        let (items, cases) = self.apply(&a, &input).await?;
        Self::unscored(&items)?;
        let r = result(&items, cases);
        let u = AssessmentUpdate {
            id: a.id.clone(),
            expected_version: input.expected_version.unwrap_or(a.version),
            state: AssessmentState::Submitted,
            items,
            outcome_cases: cases,
            submitted_at: Some(now()),
            signed: None,
            hazards: Vec::new(),
            escalation_trigger: String::new(),
        };
        let out = self
            .write(who, &a, u, "assessment.submit", serde_json::json!({ "total": r.total }))
            .await?;
        if out.assessor != AssessorKind::Police {
            self.notify_reviewers(&out).await?;
        }
        Ok(out)
    }

    /// Reviews and signs the result ([`Permission::AssessmentConduct`]): a self-assessment once
    /// submitted; a police or third-party sheet from draft or submitted. The sheet sent (may be
    /// empty) is applied first; every item must be scored. A result under 60 opens a ladder case
    /// at once (a major hazard, source `assessment`, its trigger recorded on the assessment and
    /// in the hazard). 409 when signed or a self-assessment not yet submitted. Audited as
    /// `assessment.sign`.
    #[tracing::instrument(skip_all, fields(assessment = %id))]
    pub async fn sign(&self, who: &Principal, id: &str, input: SheetInput) -> ServiceResult<Assessment> {
        who.require(Permission::AssessmentConduct)?;
        let a = self.get(who, id).await?;
        Self::edit_check(who, &a)?;
        let (items, cases) = self.apply(&a, &input).await?;
        Self::unscored(&items)?;
        let r = result(&items, cases);
        let at = now();
        let mut hazards = Vec::new();
        let mut trigger = String::new();
        if r.total < PASS_SCORE {
            trigger = format!(
                "安全评估签发得分 {:.1} 分，低于合格线 {:.0} 分{}，自动立案进入隐患整改阶梯",
                r.total,
                PASS_SCORE,
                if r.capped_by_critical {
                    "（否决项不符合，总分封顶 59 分）"
                } else {
                    ""
                }
            );
            let failed: Vec<String> = items
                .iter()
                .filter(|i| i.result == Some(ItemResult::Fail))
                .map(|i| format!("{} {}", i.code, i.title.chars().take(30).collect::<String>()))
                .collect();
            hazards.push((
                None,
                NewHazard {
                    unit_id: a.unit_id.clone(),
                    source: HazardSource::Assessment,
                    source_id: Some(a.id.clone()),
                    inspection_id: None,
                    item_code: None,
                    class: HazardClass::Major,
                    title: format!("安全评估不合格（{:.1} 分）", r.total),
                    description: format!(
                        "{trigger}。最薄弱：{}。不符合项：{}。",
                        if r.weakest_label.is_empty() {
                            "—"
                        } else {
                            &r.weakest_label
                        },
                        failed.join("；")
                    )
                    .chars()
                    .take(2000)
                    .collect(),
                    org_id: who.org_id.clone(),
                    created_by: display(who),
                },
            ));
        }
        let u = AssessmentUpdate {
            id: a.id.clone(),
            expected_version: input.expected_version.unwrap_or(a.version),
            state: AssessmentState::Signed,
            items,
            outcome_cases: cases,
            submitted_at: a.submitted_at.or(Some(at)),
            signed: Some(Signature {
                by: display(who),
                at,
                total: r.total,
                grade: r.grade,
                outcome_score: r.outcome_score,
            }),
            hazards,
            escalation_trigger: trigger,
        };
        let out = self
            .write(
                who,
                &a,
                u,
                "assessment.sign",
                serde_json::json!({ "total": r.total, "grade": r.grade.code(), "capped": r.capped_by_critical }),
            )
            .await?;
        // The unit's accounts (its security manager) learn the result.
        self.notify(Notice {
            key: format!("assessment-signed:{}", out.id),
            unit_id: Some(out.unit_id.clone()),
            org_ids: Vec::new(),
            title: format!("安全评估结果已签发：{:.1} 分（{}）", r.total, r.grade.label_zh()),
            unit_name: out.unit_name.clone(),
            summary: if r.total < PASS_SCORE {
                "评估不合格，已自动立案进入隐患整改阶梯，请查看评估报告并按期整改。".to_string()
            } else {
                "请查看评估报告和不符合项。".to_string()
            },
            link: format!("/assessments/{}", out.id),
            at,
        })
        .await?;
        Ok(out)
    }

    /// Turns every failed item of a signed assessment into a hazard in one action
    /// ([`Permission::AssessmentConduct`]): source `assessment`, the item's code, class major
    /// for a critical item. Items that already have one keep it: doing it twice opens nothing
    /// more. 409 before signing. Audited as `assessment.hazards`.
    #[tracing::instrument(skip_all, fields(assessment = %id))]
    pub async fn open_hazards(&self, who: &Principal, id: &str) -> ServiceResult<Assessment> {
        who.require(Permission::AssessmentConduct)?;
        for attempt in 0..2 {
            let a = self.get(who, id).await?;
            if a.state != AssessmentState::Signed {
                return Err(conflict("评估结果签发后才能将不合格项转为隐患"));
            }
            let hazards: Vec<(Option<String>, NewHazard)> = a
                .items
                .iter()
                .filter(|i| i.result == Some(ItemResult::Fail) && i.hazard_id.is_none())
                .map(|i| {
                    let mut description =
                        format!("安全评估（{}）不符合项 {}：{}", a.assessor.label_zh(), i.code, i.title);
                    if !i.note.is_empty() {
                        description.push_str(&format!("。评估说明：{}", i.note));
                    }
                    if let Some(d) = &i.data {
                        let figs: Vec<String> = d.figures.iter().map(|f| format!("{} {}", f.label, f.value)).collect();
                        description.push_str(&format!("。数据：{}（{}）", figs.join("，"), d.rule));
                    }
                    (
                        Some(i.code.clone()),
                        NewHazard {
                            unit_id: a.unit_id.clone(),
                            source: HazardSource::Assessment,
                            source_id: Some(a.id.clone()),
                            inspection_id: None,
                            item_code: Some(i.code.clone()),
                            class: if i.critical {
                                HazardClass::Major
                            } else {
                                HazardClass::General
                            },
                            title: format!("安全评估不符合项 {}：{}", i.code, i.title)
                                .chars()
                                .take(200)
                                .collect(),
                            description: description.chars().take(2000).collect(),
                            org_id: who.org_id.clone(),
                            created_by: display(who),
                        },
                    )
                })
                .collect();
            if hazards.is_empty() {
                return Ok(a);
            }
            let n = hazards.len();
            let u = AssessmentUpdate {
                id: a.id.clone(),
                expected_version: a.version,
                state: a.state,
                items: a.items.clone(),
                outcome_cases: a.outcome_cases,
                submitted_at: a.submitted_at,
                signed: None,
                hazards,
                escalation_trigger: String::new(),
            };
            match self
                .write(who, &a, u, "assessment.hazards", serde_json::json!({ "opened": n }))
                .await
            {
                Err(e) if attempt == 0 && e.error_code() == ErrorCode::VersionConflict => continue,
                other => return other,
            }
        }
        Err(conflict("评估表已被他人修改，请刷新后重试"))
    }

    /// The latest signed result per unit of the caller's scope signed within `[from, to]`: score,
    /// grade, outcome score, signed_at. The reader of the roll-up, 平安单位 and dashboards.
    pub async fn latest_results(
        &self,
        who: &Principal,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> ServiceResult<Vec<UnitResult>> {
        self.latest_results_in(&who.scope, from, to).await
    }

    /// [`AssessmentService::latest_results`] for a scope given directly (other capabilities'
    /// services and jobs, which checked their own permission).
    pub async fn latest_results_in(
        &self,
        scope: &Scope,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> ServiceResult<Vec<UnitResult>> {
        Ok(self.ctx.store.latest_assessment_results(scope, from, to).await?)
    }
}
