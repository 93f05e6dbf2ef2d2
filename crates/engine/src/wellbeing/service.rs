//! [`WellbeingService`]: 心防 (docs/WELLBEING.md; R36, R87, R88, R64).
//!
//! Who may do what: the permission table decides the kind of act; for a case, the store finds it
//! only for a counsellor named on it or its reporter (access narrower than a unit,
//! docs/ARCHITECTURE.md), so anyone else — the unit's security head, police, administrators —
//! is answered 403 or 404 and never reads its content. Every read of a case's content is audited
//! with its purpose (`crisis_case.read`) before the answer; audit rows of cases carry no unit and
//! no personal data.

use chrono::{DateTime, Utc};
use neibao_domain::access::{Permission, Principal, Role};
use neibao_domain::ids::new_id;
use neibao_domain::privacy::check_purpose;
use neibao_domain::text::checked_text;
use neibao_domain::wellbeing::*;
use neibao_store::wellbeing::{NewCase, NewEducation, NewFollowUp, NewTeam, NewTeamActivity};
use serde::Serialize;

use crate::context::Ctx;
use crate::error::{ServiceError, ServiceResult};
use crate::notifications::notice::{send, Notice};

/// A new volunteer team.
#[derive(Debug, Clone, Default)]
pub struct TeamInput {
    pub name: String,
    pub kind: String,
    pub duties: String,
    pub members: Vec<TeamMember>,
}

/// A team's activity.
#[derive(Debug, Clone, Default)]
pub struct TeamActivityInput {
    pub held_on: String,
    pub summary: String,
    pub participants: i64,
}

/// An education activity.
#[derive(Debug, Clone, Default)]
pub struct EducationInput {
    pub kind: String,
    pub title: String,
    pub held_on: String,
    pub attendance: i64,
    pub materials: String,
}

/// A case as the reporter raises it.
#[derive(Debug, Clone, Default)]
pub struct CaseInput {
    pub person_name: String,
    pub person_role: String,
    pub narrative: String,
    pub health_details: String,
    pub risk: String,
    pub threat_to_others: bool,
    pub counsellor_ids: Vec<String>,
}

/// A follow-up as a counsellor records it.
#[derive(Debug, Clone, Default)]
pub struct FollowUpInput {
    pub kind: String,
    pub note: String,
    /// A new risk level (empty: unchanged).
    pub risk: String,
}

/// What creating answers: the id and number only (no content, so that nothing of the case is
/// kept with the general key by the idempotency store).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = wellbeing::CaseRef)]
pub struct CaseRef {
    pub id: String,
    pub number: String,
}

/// Accounts as (id, name).
pub type Accounts = Vec<(String, String)>;

fn now() -> DateTime<Utc> {
    let t = Utc::now();
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

fn name_of(who: &Principal) -> String {
    if who.display_name.trim().is_empty() {
        who.username.clone()
    } else {
        who.display_name.clone()
    }
}

fn date_of(s: &str) -> ServiceResult<String> {
    parse_date(s)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .ok_or_else(|| ServiceError::invalid("日期格式无效（如 2026-03-30）"))
}

fn count_of(n: i64, label: &str) -> ServiceResult<i64> {
    if !(0..=100_000).contains(&n) {
        return Err(ServiceError::invalid(format!("{label}应为 0–100000 的整数")));
    }
    Ok(n)
}

#[derive(Clone)]
pub struct WellbeingService {
    pub(crate) ctx: Ctx,
}

impl WellbeingService {
    pub fn new(ctx: Ctx) -> WellbeingService {
        WellbeingService { ctx }
    }

    /// The unit's teams, their activities and its education activities with their counts
    /// ([`Permission::WellbeingRead`]). 404 outside the scope.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn unit(&self, who: &Principal, unit_id: &str) -> ServiceResult<UnitWellbeing> {
        who.require(Permission::WellbeingRead)?;
        self.ctx
            .store
            .unit_wellbeing(&who.scope, unit_id)
            .await?
            .ok_or_else(ServiceError::not_found)
    }

    /// Records a volunteer team ([`Permission::WellbeingWrite`]). 400 for a missing name or
    /// kind, a member without a name, too many members; 404 outside the scope.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn create_team(&self, who: &Principal, unit_id: &str, t: TeamInput) -> ServiceResult<String> {
        who.require(Permission::WellbeingWrite)?;
        let name = checked_text(&t.name, "队伍名称", MAX_NAME_CHARS, true, false)?;
        let kind = checked_text(&t.kind, "队伍类别", MAX_NAME_CHARS, true, false)?;
        let duties = checked_text(&t.duties, "职责", MAX_TEXT_CHARS, false, true)?;
        if t.members.len() > MAX_MEMBERS {
            return Err(ServiceError::invalid(format!("队员最多{MAX_MEMBERS}人")));
        }
        let mut members = Vec::new();
        for m in &t.members {
            let n = checked_text(&m.name, "队员姓名", MAX_NAME_CHARS, false, false)?;
            let d = checked_text(&m.duty, "队员职责", MAX_NAME_CHARS, false, false)?;
            if n.is_empty() && d.is_empty() {
                continue;
            }
            if n.is_empty() {
                return Err(ServiceError::invalid("队员姓名不能为空"));
            }
            members.push(TeamMember { name: n, duty: d });
        }
        let team = NewTeam {
            id: new_id(),
            unit_id: unit_id.to_string(),
            name,
            kind,
            duties,
            members,
            by: name_of(who),
            at: now(),
        };
        let audit = who.audit("wellbeing.team.create", "volunteer_team", &team.id, Some(unit_id));
        self.ctx.store.create_volunteer_team(&who.scope, &team, &audit).await?;
        Ok(team.id)
    }

    /// Records an activity of a team ([`Permission::WellbeingWrite`]). Answers the activity's id
    /// and the team's unit.
    #[tracing::instrument(skip_all, fields(team = %team_id))]
    pub async fn add_team_activity(
        &self,
        who: &Principal,
        team_id: &str,
        a: TeamActivityInput,
    ) -> ServiceResult<(String, String)> {
        who.require(Permission::WellbeingWrite)?;
        let act = NewTeamActivity {
            id: new_id(),
            team_id: team_id.to_string(),
            held_on: date_of(&a.held_on)?,
            summary: checked_text(&a.summary, "活动内容", MAX_TEXT_CHARS, true, true)?,
            participants: count_of(a.participants, "参加人数")?,
            by: name_of(who),
            at: now(),
        };
        let audit = who.audit("wellbeing.team.activity", "volunteer_team", team_id, None);
        let unit = self.ctx.store.add_team_activity(&who.scope, &act, &audit).await?;
        Ok((act.id, unit))
    }

    /// Records an education activity ([`Permission::WellbeingWrite`]).
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn add_education(&self, who: &Principal, unit_id: &str, e: EducationInput) -> ServiceResult<String> {
        who.require(Permission::WellbeingWrite)?;
        let kind = EducationKind::from_code(e.kind.trim()).ok_or_else(|| ServiceError::invalid("请选择活动类别"))?;
        let ed = NewEducation {
            id: new_id(),
            unit_id: unit_id.to_string(),
            kind,
            title: checked_text(&e.title, "活动名称", MAX_NAME_CHARS, true, false)?,
            held_on: date_of(&e.held_on)?,
            attendance: count_of(e.attendance, "参加人数")?,
            materials: checked_text(&e.materials, "宣传教育材料", MAX_TEXT_CHARS, false, true)?,
            by: name_of(who),
            at: now(),
        };
        let audit = who.audit(
            "wellbeing.education.create",
            "education_activity",
            &ed.id,
            Some(unit_id),
        );
        self.ctx.store.add_education_activity(&who.scope, &ed, &audit).await?;
        Ok(ed.id)
    }

    /// The unit's designated reporters and the accounts that may be designated (the unit's
    /// manager, guards and counsellors) ([`Permission::CrisisReporterDesignate`]).
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn reporters(&self, who: &Principal, unit_id: &str) -> ServiceResult<(Vec<Reporter>, Accounts)> {
        who.require(Permission::CrisisReporterDesignate)?;
        let reporters = self.ctx.store.crisis_reporters(&who.scope, unit_id).await?;
        let mut candidates = Vec::new();
        for r in [Role::UnitManager, Role::Counsellor, Role::Guard] {
            candidates.extend(self.ctx.store.unit_accounts_of_role(unit_id, r.code()).await?);
        }
        Ok((reporters, candidates))
    }

    /// Sets the unit's designated reporters ([`Permission::CrisisReporterDesignate`]): each must
    /// be an active account of the unit (400 otherwise). Audited `crisis.reporters.set`.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn set_reporters(
        &self,
        who: &Principal,
        unit_id: &str,
        user_ids: &[String],
    ) -> ServiceResult<Vec<Reporter>> {
        who.require(Permission::CrisisReporterDesignate)?;
        let (_, candidates) = self.reporters(who, unit_id).await?;
        let mut chosen: Vec<(String, String)> = Vec::new();
        for id in user_ids.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            let Some(c) = candidates.iter().find(|c| c.0 == id) else {
                return Err(ServiceError::invalid("报告人须为本单位在用的账号"));
            };
            if !chosen.iter().any(|x| x.0 == id) {
                chosen.push(c.clone());
            }
        }
        let audit = who.audit("crisis.reporters.set", "unit", unit_id, Some(unit_id));
        Ok(self
            .ctx
            .store
            .set_crisis_reporters(&who.scope, unit_id, &chosen, &name_of(who), now(), &audit)
            .await?)
    }

    /// Whether the caller may raise a case (the permission and designated by their unit), and
    /// the counsellors of their unit they may name.
    #[tracing::instrument(skip_all)]
    pub async fn raise_form(&self, who: &Principal) -> ServiceResult<(bool, Vec<(String, String)>)> {
        let Some(unit) = who.unit_id.as_deref().filter(|_| who.can(Permission::CrisisCaseRaise)) else {
            return Ok((false, Vec::new()));
        };
        if !self.ctx.store.is_crisis_reporter(unit, &who.user_id).await? {
            return Ok((false, Vec::new()));
        }
        let counsellors = self
            .ctx
            .store
            .unit_accounts_of_role(unit, Role::Counsellor.code())
            .await?;
        Ok((true, counsellors))
    }

    /// Raises a case ([`Permission::CrisisCaseRaise`], and designated a reporter by the unit:
    /// 403 otherwise). 400 for a missing name or narrative, an unknown risk level, no counsellor
    /// or one who is not a counsellor account of the unit. Audited `crisis_case.create` without
    /// unit or personal data. Answers the id and number only.
    #[tracing::instrument(skip_all)]
    pub async fn raise(&self, who: &Principal, c: CaseInput) -> ServiceResult<CaseRef> {
        who.require(Permission::CrisisCaseRaise)?;
        let (may, counsellors) = self.raise_form(who).await?;
        let Some(unit_id) = who.unit_id.clone().filter(|_| may) else {
            return Err(ServiceError::forbidden("您不是本单位指定的心理危机个案报告人"));
        };
        let content = CaseContent {
            person_name: checked_text(&c.person_name, "当事人姓名", MAX_NAME_CHARS, true, false)?,
            person_role: checked_text(&c.person_role, "当事人身份", MAX_NAME_CHARS, false, false)?,
            narrative: checked_text(&c.narrative, "情况描述", MAX_TEXT_CHARS, true, true)?,
            health_details: checked_text(&c.health_details, "健康情况", MAX_TEXT_CHARS, false, true)?,
            closure_note: String::new(),
        };
        let risk = Risk::from_code(c.risk.trim()).ok_or_else(|| ServiceError::invalid("请选择风险等级"))?;
        let mut named: Vec<(String, String)> = Vec::new();
        for id in c.counsellor_ids.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            let Some(x) = counsellors.iter().find(|x| x.0 == id) else {
                return Err(ServiceError::invalid("承办人须为本单位的心理辅导员账号"));
            };
            if !named.iter().any(|n| n.0 == id) {
                named.push(x.clone());
            }
        }
        if named.is_empty() {
            return Err(ServiceError::invalid("请至少指定一名心理辅导员承办"));
        }
        if named.len() > MAX_COUNSELLORS {
            return Err(ServiceError::invalid(format!(
                "一个个案最多指定{MAX_COUNSELLORS}名心理辅导员"
            )));
        }
        let case = NewCase {
            id: new_id(),
            unit_id,
            reporter_id: who.user_id.clone(),
            reporter_name: name_of(who),
            risk,
            threat_to_others: c.threat_to_others,
            content,
            counsellors: named,
            at: now(),
        };
        let audit = who.audit("crisis_case.create", "crisis_case", &case.id, None);
        self.ctx.store.create_crisis_case(&case, &audit).await?;
        Ok(CaseRef {
            number: case_number(&case.id),
            id: case.id,
        })
    }

    /// The caller's cases (named counsellor or reporter), without content
    /// ([`Permission::CrisisCaseRead`]).
    #[tracing::instrument(skip_all)]
    pub async fn my_cases(&self, who: &Principal) -> ServiceResult<Vec<CaseSummary>> {
        who.require(Permission::CrisisCaseRead)?;
        Ok(self.ctx.store.my_crisis_cases(&who.scope, &who.user_id).await?)
    }

    /// Whether the caller may see the case at all (named or reporter), without reading or
    /// auditing its content: the purpose form of the page.
    #[tracing::instrument(skip_all, fields(case = %id))]
    pub async fn case_summary(&self, who: &Principal, id: &str) -> ServiceResult<CaseSummary> {
        who.require(Permission::CrisisCaseRead)?;
        self.ctx
            .store
            .my_crisis_cases(&who.scope, &who.user_id)
            .await?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or_else(ServiceError::not_found)
    }

    /// One case with its content, for a stated purpose ([`Permission::CrisisCaseRead`]; 400
    /// `purpose_required` without one): a counsellor named on it reads everything, its reporter
    /// what they reported (no health details, no follow-ups, no closing note); anyone else 404
    /// (checked before the purpose).
    /// The read is audited (`crisis_case.read`, the purpose) before the answer.
    #[tracing::instrument(skip_all, fields(case = %id))]
    pub async fn case(&self, who: &Principal, id: &str, purpose: Option<&str>) -> ServiceResult<CaseDetail> {
        // Not named on it: 404 before anything else (no hint from a purpose refusal).
        self.case_summary(who, id).await?;
        let purpose = check_purpose(purpose)?;
        let rec = self
            .ctx
            .store
            .crisis_case(&who.scope, &who.user_id, id)
            .await?
            .ok_or_else(ServiceError::not_found)?;
        let mut d = rec.detail;
        let counsellor = d.summary.mine_as_counsellor && who.can(Permission::CrisisCaseWork);
        let mut audit = who.audit("crisis_case.read", "crisis_case", id, None);
        audit.purpose = purpose;
        audit.detail = if counsellor { "counsellor" } else { "reporter" }.into();
        self.ctx.store.append_audit(&audit, Utc::now()).await?;
        if !counsellor {
            d.content.health_details.clear();
            d.content.closure_note.clear();
            d.follow_ups.clear();
        }
        Ok(d)
    }

    /// The case if the caller is a counsellor named on it and it is open (403 for a reporter who
    /// is not named; 404 for anyone else; 409 when closed).
    async fn worked_case(&self, who: &Principal, id: &str) -> ServiceResult<CaseDetail> {
        who.require(Permission::CrisisCaseWork)?;
        let rec = self
            .ctx
            .store
            .crisis_case(&who.scope, &who.user_id, id)
            .await?
            .ok_or_else(ServiceError::not_found)?;
        if !rec.detail.summary.mine_as_counsellor {
            return Err(ServiceError::forbidden("仅个案指定的心理辅导员可以办理"));
        }
        if rec.detail.summary.state == CaseState::Closed {
            return Err(ServiceError::refused(
                neibao_domain::error::ErrorCode::Conflict,
                "个案已结案",
            ));
        }
        Ok(rec.detail)
    }

    /// Records a follow-up (plan, visit, family contact, referral), optionally setting a new
    /// risk level ([`Permission::CrisisCaseWork`], named on the case). Audited
    /// `crisis_case.follow_up`.
    #[tracing::instrument(skip_all, fields(case = %id))]
    pub async fn follow_up(&self, who: &Principal, id: &str, f: FollowUpInput) -> ServiceResult<CaseRef> {
        let kind = FollowUpKind::from_code(f.kind.trim()).ok_or_else(|| ServiceError::invalid("请选择记录类别"));
        let note = checked_text(&f.note, "记录内容", MAX_TEXT_CHARS, true, true);
        let risk = match f.risk.trim() {
            "" => Ok(None),
            r => Risk::from_code(r)
                .map(Some)
                .ok_or_else(|| ServiceError::invalid("未知的风险等级")),
        };
        self.worked_case(who, id).await?;
        let rec = NewFollowUp {
            id: new_id(),
            kind: kind?,
            note: note?,
            risk: risk?,
            by: who.user_id.clone(),
            by_name: name_of(who),
            at: now(),
        };
        let mut audit = who.audit("crisis_case.follow_up", "crisis_case", id, None);
        audit.detail = rec.kind.code().into();
        self.ctx.store.add_crisis_follow_up(id, &rec, &audit).await?;
        Ok(CaseRef {
            id: id.to_string(),
            number: case_number(id),
        })
    }

    /// Escalates a high-risk case that threatens others ([`Permission::CrisisCaseWork`], named
    /// on it; 409 otherwise): a minimal notice (the unit, that a high-risk situation needs
    /// security attention, whom to contact — no name, no health details) to the unit's accounts
    /// and its police station, through the inbox and their own channels. Audited
    /// `crisis_case.escalate`.
    #[tracing::instrument(skip_all, fields(case = %id))]
    pub async fn escalate(&self, who: &Principal, id: &str, contact: &str) -> ServiceResult<Escalation> {
        let contact = checked_text(contact, "联系方式", MAX_NAME_CHARS, false, false);
        let d = self.worked_case(who, id).await?;
        let contact = contact?;
        let s = &d.summary;
        if !escalation_allowed(s.risk, s.threat_to_others, s.state) {
            return Err(ServiceError::refused(
                neibao_domain::error::ErrorCode::Conflict,
                "仅风险等级为高且可能危及他人的个案可以升级通报",
            ));
        }
        let e = Escalation {
            id: new_id(),
            unit_id: s.unit_id.clone(),
            unit_name: s.unit_name.clone(),
            counsellor_name: name_of(who),
            contact,
            at: now(),
        };
        let audit = who.audit("crisis_case.escalate", "crisis_case", id, None);
        self.ctx.store.escalate_crisis_case(id, &e, &audit).await?;
        let unit = self
            .ctx
            .store
            .get_unit(&neibao_domain::access::Scope::All, &s.unit_id)
            .await?;
        let notice = Notice {
            key: format!("crisis-escalation:{}", e.id),
            unit_id: Some(s.unit_id.clone()),
            org_ids: unit.police_station_id.clone().into_iter().collect(),
            title: escalation_title(&s.unit_name, &e.counsellor_name, &e.contact),
            unit_name: s.unit_name.clone(),
            summary: "请安保力量关注并与心理辅导员联系；个案内容不随通报发送。".into(),
            link: "/wellbeing/escalations".into(),
            at: e.at,
        };
        send(self.ctx.store.as_ref(), &notice, self.ctx.config.public_url.as_deref())
            .await
            .map_err(ServiceError::from)?;
        Ok(e)
    }

    /// Closes a case with a closing note ([`Permission::CrisisCaseWork`], named on it). Audited
    /// `crisis_case.close`. Closed cases are deleted after the retention period
    /// (`counselling_cases`, docs/SECURITY.md).
    #[tracing::instrument(skip_all, fields(case = %id))]
    pub async fn close(&self, who: &Principal, id: &str, note: &str) -> ServiceResult<CaseRef> {
        let note = checked_text(note, "结案说明", MAX_TEXT_CHARS, true, true);
        let d = self.worked_case(who, id).await?;
        let mut content = d.content;
        content.closure_note = note?;
        let audit = who.audit("crisis_case.close", "crisis_case", id, None);
        self.ctx.store.close_crisis_case(id, &content, now(), &audit).await?;
        Ok(CaseRef {
            id: id.to_string(),
            number: case_number(id),
        })
    }

    /// Counts of cases by unit and risk level in the caller's jurisdiction
    /// ([`Permission::CrisisCountsRead`]); no content, no names.
    #[tracing::instrument(skip_all)]
    pub async fn counts(&self, who: &Principal) -> ServiceResult<Vec<CaseCount>> {
        who.require(Permission::CrisisCountsRead)?;
        Ok(self.ctx.store.crisis_counts(&who.scope).await?)
    }

    /// Escalation notices of the units in the caller's scope ([`Permission::CrisisEscalationRead`]).
    #[tracing::instrument(skip_all)]
    pub async fn escalations(&self, who: &Principal) -> ServiceResult<Vec<Escalation>> {
        who.require(Permission::CrisisEscalationRead)?;
        Ok(self.ctx.store.crisis_escalations(&who.scope).await?)
    }
}
