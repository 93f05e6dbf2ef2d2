//! [`ComplianceService`]: personal-information compliance records (docs/COMPLIANCE.md).
//!
//! Who may do what ([`Permission::ComplianceHandle`]): each keeper (个人信息处理者) keeps its own
//! records — a unit's manager the unit's, police the records of their own organ, administrators
//! the installation's (the defaults of what neibao itself processes); police read the records of
//! the units and organs in their jurisdiction but do not change them (403). Administrators set
//! the reply period and the holiday list ([`Permission::ComplianceConfigure`]). Outside the
//! scope: not found.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use neibao_domain::access::{Permission, Principal, Scope};
use neibao_domain::compliance::working_days::add_working_days;
use neibao_domain::compliance::*;
use neibao_domain::ids::new_id;
use neibao_domain::text::checked_text;

use crate::context::Ctx;
use crate::error::{ServiceError, ServiceResult};

/// A record of processing activities as sent (codes of [`PiPurpose`], [`PiLegalBasis`],
/// [`PiCategory`]).
#[derive(Debug, Clone, Default)]
pub struct ActivityInput {
    pub purpose: String,
    pub description: String,
    pub legal_basis: String,
    pub categories: Vec<String>,
    pub retention_days: Option<i64>,
    pub recipients: String,
    pub pia_ref: String,
}

/// A data-subject request as sent.
#[derive(Debug, Clone, Default)]
pub struct RequestInput {
    pub kind: String,
    pub subject_name: String,
    pub contact: String,
    pub content: String,
    /// The day received (default today; not in the future, at most a year back).
    pub received_on: Option<NaiveDate>,
    /// Who handles it (default the caller).
    pub handler: String,
}

/// A data incident as sent (on creation and on each change of its content).
#[derive(Debug, Clone, Default)]
pub struct BreachInput {
    pub title: String,
    pub occurred_at: Option<DateTime<Utc>>,
    pub discovered_at: Option<DateTime<Utc>>,
    pub description: String,
    pub categories: Vec<String>,
    pub affected_count: Option<i64>,
    pub cause: String,
    pub possible_harm: String,
    pub remedial_measures: String,
    pub individual_measures: String,
    pub handler_contact: String,
}

/// A notification of an incident: to the authority (its name) or to the individuals (how).
#[derive(Debug, Clone, Default)]
pub struct NotifyInput {
    pub target: String,
    /// The authority's name, or how the individuals were told.
    pub recipient: String,
    /// When (default now; not in the future).
    pub at: Option<DateTime<Utc>>,
}

/// The installation's settings as sent.
#[derive(Debug, Clone, Default)]
pub struct SettingsInput {
    pub deadline_working_days: i64,
    pub holidays: Vec<NaiveDate>,
}

fn now() -> DateTime<Utc> {
    let t = Utc::now();
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

/// Today in Beijing.
fn today() -> NaiveDate {
    Utc::now().with_timezone(&chrono_tz::Asia::Shanghai).date_naive()
}

fn name_of(who: &Principal) -> String {
    let name = if who.display_name.trim().is_empty() {
        who.username.clone()
    } else {
        who.display_name.clone()
    };
    match (&who.org_name, &who.unit_name) {
        (Some(org), _) => format!("{name}（{org}）"),
        (None, Some(unit)) => format!("{name}（{unit}）"),
        _ => name,
    }
}

/// The keeper the caller acts for: their unit, their police organ, or the installation.
fn own_keeper(who: &Principal) -> ServiceResult<PiOwner> {
    if let (Some(unit), Scope::Unit { .. }) = (&who.unit_id, &who.scope) {
        return Ok(PiOwner {
            owner_kind: PiOwnerKind::Unit,
            unit_id: Some(unit.clone()),
            org_id: None,
            owner_name: who.unit_name.clone().unwrap_or_default(),
            division_code: None,
        });
    }
    if who.is_police() {
        if let Some(org) = &who.org_id {
            return Ok(PiOwner {
                owner_kind: PiOwnerKind::Org,
                unit_id: None,
                org_id: Some(org.clone()),
                owner_name: who.org_name.clone().unwrap_or_default(),
                division_code: who.division_code.clone(),
            });
        }
    }
    if who.can(Permission::ComplianceConfigure) {
        return Ok(PiOwner {
            owner_kind: PiOwnerKind::Installation,
            unit_id: None,
            org_id: None,
            owner_name: "本系统".into(),
            division_code: None,
        });
    }
    Err(ServiceError::forbidden(
        "账号未关联单位或公安机关，不能登记个人信息保护事项",
    ))
}

/// 403 unless the caller keeps `owner`'s records (an ownership rule, like a counselling case's
/// named counsellors: the unit's own people, the organ's own officers, and for the installation's
/// records those who configure compliance; see the module).
fn keeper_check(who: &Principal, owner: &PiOwner) -> ServiceResult<()> {
    let ok = match owner.owner_kind {
        PiOwnerKind::Unit => !who.is_police() && who.unit_id.is_some() && who.unit_id == owner.unit_id,
        PiOwnerKind::Org => who.is_police() && who.org_id.is_some() && who.org_id == owner.org_id,
        PiOwnerKind::Installation => who.can(Permission::ComplianceConfigure),
    };
    if ok {
        Ok(())
    } else {
        Err(ServiceError::forbidden(format!(
            "该事项由{}（{}）自行办理，您只能查看",
            owner.owner_name,
            owner.owner_kind.label_zh()
        )))
    }
}

fn categories(codes: &[String], required: bool) -> ServiceResult<Vec<PiCategory>> {
    let mut out: Vec<PiCategory> = Vec::new();
    for c in codes.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        let cat = PiCategory::from_code(c)
            .ok_or_else(|| ServiceError::invalid(format!("个人信息种类「{c}」不存在，请从列表中选择")))?;
        if !out.contains(&cat) {
            out.push(cat);
        }
    }
    if required && out.is_empty() {
        return Err(ServiceError::invalid("请至少选择一种个人信息种类"));
    }
    Ok(out)
}

fn line(v: &str, label: &str, required: bool) -> ServiceResult<String> {
    Ok(checked_text(v, label, MAX_LINE_CHARS, required, false)?)
}

fn text(v: &str, label: &str, required: bool) -> ServiceResult<String> {
    Ok(checked_text(v, label, MAX_TEXT_CHARS, required, true)?)
}

fn not_future(t: DateTime<Utc>, label: &str) -> ServiceResult<DateTime<Utc>> {
    if t > Utc::now() + Duration::minutes(5) {
        return Err(ServiceError::invalid(format!("{label}不能晚于现在")));
    }
    if t.timestamp_millis() < 0 {
        return Err(ServiceError::invalid(format!("{label}无效")));
    }
    Ok(t)
}

#[derive(Clone)]
pub struct ComplianceService {
    pub(crate) ctx: Ctx,
}

impl ComplianceService {
    pub fn new(ctx: Ctx) -> ComplianceService {
        ComplianceService { ctx }
    }

    /// Whether the caller keeps (may change) a record of `owner` — the pages show the forms only
    /// then.
    pub fn keeps(who: &Principal, owner: &PiOwner) -> bool {
        keeper_check(who, owner).is_ok()
    }

    // ---- settings ----

    /// The reply period (working days) and the holiday list ([`Permission::ComplianceHandle`]).
    #[tracing::instrument(skip_all)]
    pub async fn settings(&self, who: &Principal) -> ServiceResult<ComplianceSettings> {
        who.require(Permission::ComplianceHandle)?;
        self.current_settings().await
    }

    async fn current_settings(&self) -> ServiceResult<ComplianceSettings> {
        let v = self.ctx.store.get_meta(SETTINGS_KEY).await?;
        Ok(v.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default())
    }

    /// Sets the reply period (1–60 working days) and the holidays (at most 400 dates), for
    /// requests received after ([`Permission::ComplianceConfigure`]). Audited as
    /// `compliance.settings`.
    #[tracing::instrument(skip_all, fields(days = input.deadline_working_days))]
    pub async fn set_settings(&self, who: &Principal, input: SettingsInput) -> ServiceResult<ComplianceSettings> {
        who.require(Permission::ComplianceConfigure)?;
        if !(1..=60).contains(&input.deadline_working_days) {
            return Err(ServiceError::invalid("答复期限为 1–60 个工作日"));
        }
        let mut holidays = input.holidays;
        holidays.sort();
        holidays.dedup();
        if holidays.len() > MAX_HOLIDAYS {
            return Err(ServiceError::invalid(format!("节假日最多 {MAX_HOLIDAYS} 天")));
        }
        let s = ComplianceSettings {
            deadline_working_days: input.deadline_working_days,
            holidays,
        };
        let mut audit = who.audit("compliance.settings", "compliance_settings", SETTINGS_KEY, None);
        audit.detail = format!(
            "答复期限 {} 个工作日，节假日 {} 天",
            s.deadline_working_days,
            s.holidays.len()
        );
        self.ctx.store.set_compliance_settings(&s, &audit).await?;
        Ok(s)
    }

    // ---- records of processing activities ----

    /// Records visible to the caller: the installation's defaults, their own, and (police) those
    /// of their jurisdiction.
    #[tracing::instrument(skip_all)]
    pub async fn activities(&self, who: &Principal) -> ServiceResult<Vec<ProcessingActivity>> {
        who.require(Permission::ComplianceHandle)?;
        Ok(self.ctx.store.list_pi_activities(&who.scope).await?)
    }

    /// One record. 404 absent or outside the scope.
    #[tracing::instrument(skip_all, fields(activity = %id))]
    pub async fn activity(&self, who: &Principal, id: &str) -> ServiceResult<ProcessingActivity> {
        who.require(Permission::ComplianceHandle)?;
        self.ctx
            .store
            .pi_activity(&who.scope, id)
            .await?
            .ok_or_else(ServiceError::not_found)
    }

    fn checked_activity(input: &ActivityInput, a: &mut ProcessingActivity) -> ServiceResult<()> {
        let p = input.purpose.trim();
        if p.is_empty() {
            return Err(ServiceError::invalid("请选择处理目的"));
        }
        a.purpose = PiPurpose::from_code(p)
            .ok_or_else(|| ServiceError::invalid(format!("处理目的「{p}」不存在，请从列表中选择")))?;
        a.purpose_label = a.purpose.label_zh().into();
        let b = input.legal_basis.trim();
        if b.is_empty() {
            return Err(ServiceError::invalid(
                "请选择处理的法律依据（《个人信息保护法》第十三条所列情形之一）",
            ));
        }
        a.legal_basis = PiLegalBasis::from_code(b).ok_or_else(|| {
            ServiceError::invalid(format!(
                "法律依据「{b}」不存在，请从《个人信息保护法》第十三条所列情形中选择"
            ))
        })?;
        a.legal_basis_label = a.legal_basis.label_zh().into();
        a.categories = categories(&input.categories, true)?;
        a.sensitive = a.categories.iter().any(|c| c.sensitive());
        a.retention_days = match input.retention_days {
            Some(d) if (1..=MAX_RETENTION_DAYS).contains(&d) => d,
            Some(_) => return Err(ServiceError::invalid(format!("保存期限为 1–{MAX_RETENTION_DAYS} 天"))),
            None => return Err(ServiceError::invalid("请填写保存期限（天）")),
        };
        a.description = text(&input.description, "处理活动说明", false)?;
        a.recipients = line(&input.recipients, "接收方", false)?;
        a.pia_ref = line(&input.pia_ref, "影响评估编号", false)?;
        Ok(())
    }

    /// Records a processing activity of the caller's own keeper. 400 (zh-CN) for a missing or
    /// unknown purpose, legal basis or category, or a retention out of 1–36500 days. Audited as
    /// `compliance.activity_create`.
    #[tracing::instrument(skip_all)]
    pub async fn create_activity(&self, who: &Principal, input: ActivityInput) -> ServiceResult<ProcessingActivity> {
        who.require(Permission::ComplianceHandle)?;
        let owner = own_keeper(who)?;
        let at = now();
        let mut a = ProcessingActivity {
            id: new_id(),
            owner,
            purpose: PiPurpose::Other,
            purpose_label: String::new(),
            description: String::new(),
            legal_basis: PiLegalBasis::OtherLaw,
            legal_basis_label: String::new(),
            categories: Vec::new(),
            sensitive: false,
            retention_days: 0,
            recipients: String::new(),
            pia_ref: String::new(),
            seeded: false,
            updated_by: name_of(who),
            updated_at: at,
            created_at: at,
        };
        Self::checked_activity(&input, &mut a)?;
        let audit = who.audit(
            "compliance.activity_create",
            "pi_activity",
            &a.id,
            a.owner.unit_id.as_deref(),
        );
        self.ctx.store.insert_pi_activity(&a, &audit).await?;
        Ok(a)
    }

    /// Changes a record (its keeper only: 403 for others who see it). Audited as
    /// `compliance.activity_update`.
    #[tracing::instrument(skip_all, fields(activity = %id))]
    pub async fn update_activity(
        &self,
        who: &Principal,
        id: &str,
        input: ActivityInput,
    ) -> ServiceResult<ProcessingActivity> {
        let mut a = self.activity(who, id).await?;
        keeper_check(who, &a.owner)?;
        Self::checked_activity(&input, &mut a)?;
        a.updated_by = name_of(who);
        a.updated_at = now();
        let audit = who.audit(
            "compliance.activity_update",
            "pi_activity",
            &a.id,
            a.owner.unit_id.as_deref(),
        );
        self.ctx.store.update_pi_activity(&a, &audit).await?;
        Ok(a)
    }

    // ---- data-subject requests ----

    /// Requests visible to the caller (their own keeper's; police: their jurisdiction's), newest
    /// first; `overdue` flags those still open after their deadline.
    #[tracing::instrument(skip_all)]
    pub async fn requests(&self, who: &Principal, f: &SubjectRequestFilter) -> ServiceResult<Vec<SubjectRequest>> {
        who.require(Permission::ComplianceHandle)?;
        Ok(self.ctx.store.list_subject_requests(&who.scope, f, today()).await?)
    }

    /// One request. 404 absent or outside the scope.
    #[tracing::instrument(skip_all, fields(request = %id))]
    pub async fn request(&self, who: &Principal, id: &str) -> ServiceResult<SubjectRequest> {
        who.require(Permission::ComplianceHandle)?;
        self.ctx
            .store
            .subject_request(&who.scope, id, today())
            .await?
            .ok_or_else(ServiceError::not_found)
    }

    /// Records a request received by the caller's keeper, with its deadline: the configured
    /// number of working days after the day received (default 15, GB/T 35273 §8.7). 400 for an
    /// unknown kind, a missing name or content, or a receipt day in the future or over a year
    /// back. Audited as `compliance.request_create`.
    #[tracing::instrument(skip_all)]
    pub async fn create_request(&self, who: &Principal, input: RequestInput) -> ServiceResult<SubjectRequest> {
        who.require(Permission::ComplianceHandle)?;
        let owner = own_keeper(who)?;
        let k = input.kind.trim();
        if k.is_empty() {
            return Err(ServiceError::invalid("请选择请求类型"));
        }
        let kind = PiRequestKind::from_code(k)
            .ok_or_else(|| ServiceError::invalid(format!("请求类型「{k}」不存在，请从列表中选择")))?;
        let subject_name = checked_text(&input.subject_name, "请求人姓名", 60, true, false)?;
        let contact = checked_text(&input.contact, "联系方式", 60, false, false)?;
        let content = text(&input.content, "请求内容", true)?;
        let handler = line(&input.handler, "承办人", false)?;
        let today = today();
        let received_on = input.received_on.unwrap_or(today);
        if received_on > today {
            return Err(ServiceError::invalid("收到日期不能晚于今天"));
        }
        if received_on < today - Duration::days(366) {
            return Err(ServiceError::invalid("收到日期不能早于一年前"));
        }
        let settings = self.current_settings().await?;
        let days = u32::try_from(settings.deadline_working_days.clamp(1, 60)).unwrap_or(15);
        let deadline = add_working_days(received_on, days, &settings.holidays);
        let at = now();
        let r = SubjectRequest {
            id: new_id(),
            owner,
            kind,
            kind_label: kind.label_zh().into(),
            subject_name,
            contact: neibao_domain::sensitive::mask(&contact, 3, 4),
            content,
            received_on,
            deadline,
            state: PiRequestState::Open,
            state_label: PiRequestState::Open.label_zh().into(),
            overdue: today > deadline,
            handler: if handler.is_empty() { name_of(who) } else { handler },
            reply: String::new(),
            refusal_reasons: String::new(),
            closed_at: None,
            closed_by: None,
            created_by: name_of(who),
            created_at: at,
        };
        let audit = who.audit(
            "compliance.request_create",
            "pi_subject_request",
            &r.id,
            r.owner.unit_id.as_deref(),
        );
        self.ctx.store.insert_subject_request(&r, &contact, &audit).await?;
        Ok(r)
    }

    /// Replies to an open request (its keeper only). 400 without the reply; 409 when already
    /// answered. Audited as `compliance.request_reply`.
    #[tracing::instrument(skip_all, fields(request = %id))]
    pub async fn reply(&self, who: &Principal, id: &str, reply: &str, handler: &str) -> ServiceResult<SubjectRequest> {
        self.close_request(who, id, PiRequestState::Replied, reply, handler)
            .await
    }

    /// Refuses an open request with its reasons (PIPL Art 50: a refusal states its reasons).
    /// 400 without reasons; 409 when already answered. Audited as `compliance.request_refuse`.
    #[tracing::instrument(skip_all, fields(request = %id))]
    pub async fn refuse(
        &self,
        who: &Principal,
        id: &str,
        reasons: &str,
        handler: &str,
    ) -> ServiceResult<SubjectRequest> {
        self.close_request(who, id, PiRequestState::Refused, reasons, handler)
            .await
    }

    async fn close_request(
        &self,
        who: &Principal,
        id: &str,
        state: PiRequestState,
        words: &str,
        handler: &str,
    ) -> ServiceResult<SubjectRequest> {
        let mut r = self.request(who, id).await?;
        keeper_check(who, &r.owner)?;
        let words = if state == PiRequestState::Refused {
            if words.trim().is_empty() {
                return Err(ServiceError::invalid(
                    "拒绝个人的请求须说明理由（《个人信息保护法》第五十条）",
                ));
            }
            text(words, "拒绝理由", true)?
        } else {
            text(words, "答复内容", true)?
        };
        if r.state != PiRequestState::Open {
            return Err(ServiceError::refused(
                neibao_domain::ErrorCode::InvalidTransition,
                format!("该请求已{}，不能再次办理", r.state.label_zh().trim_start_matches('已')),
            ));
        }
        let handler = line(handler, "承办人", false)?;
        if !handler.is_empty() {
            r.handler = handler;
        }
        let (action, at) = match state {
            PiRequestState::Refused => {
                r.refusal_reasons = words;
                ("compliance.request_refuse", now())
            }
            _ => {
                r.reply = words;
                ("compliance.request_reply", now())
            }
        };
        r.state = state;
        r.closed_at = Some(at);
        r.closed_by = Some(name_of(who));
        let audit = who.audit(action, "pi_subject_request", &r.id, r.owner.unit_id.as_deref());
        self.ctx.store.close_subject_request(&r, &audit).await?;
        self.request(who, id).await
    }

    // ---- data incidents ----

    /// Incidents visible to the caller, newest discovery first.
    #[tracing::instrument(skip_all)]
    pub async fn breaches(&self, who: &Principal) -> ServiceResult<Vec<Breach>> {
        who.require(Permission::ComplianceHandle)?;
        Ok(self.ctx.store.list_breaches(&who.scope).await?)
    }

    /// One incident. 404 absent or outside the scope.
    #[tracing::instrument(skip_all, fields(breach = %id))]
    pub async fn breach(&self, who: &Principal, id: &str) -> ServiceResult<Breach> {
        who.require(Permission::ComplianceHandle)?;
        self.ctx
            .store
            .breach(&who.scope, id)
            .await?
            .ok_or_else(ServiceError::not_found)
    }

    fn checked_breach(input: &BreachInput, b: &mut Breach) -> ServiceResult<()> {
        b.title = line(&input.title, "事件名称", true)?;
        b.description = text(&input.description, "事件经过", true)?;
        b.occurred_at = match input.occurred_at {
            Some(t) => Some(not_future(t, "发生时间")?),
            None => None,
        };
        if let Some(t) = input.discovered_at {
            b.discovered_at = not_future(t, "发现时间")?;
        }
        if let Some(o) = b.occurred_at {
            if o > b.discovered_at {
                return Err(ServiceError::invalid("发生时间不能晚于发现时间"));
            }
        }
        b.categories = categories(&input.categories, false)?;
        b.affected_count = match input.affected_count {
            Some(n) if !(0..=10_000_000_000).contains(&n) => {
                return Err(ServiceError::invalid("涉及人数应为 0 或正整数"))
            }
            n => n,
        };
        b.cause = text(&input.cause, "原因", false)?;
        b.possible_harm = text(&input.possible_harm, "可能造成的危害", false)?;
        b.remedial_measures = text(&input.remedial_measures, "已采取的补救措施", false)?;
        b.individual_measures = text(&input.individual_measures, "个人可以采取的减轻危害的措施", false)?;
        b.handler_contact = line(&input.handler_contact, "联系方式", false)?;
        Ok(())
    }

    /// Records an incident of the caller's keeper (title and what happened required; the Art 57
    /// content may follow). Audited as `compliance.breach_create`.
    #[tracing::instrument(skip_all)]
    pub async fn create_breach(&self, who: &Principal, input: BreachInput) -> ServiceResult<Breach> {
        who.require(Permission::ComplianceHandle)?;
        let owner = own_keeper(who)?;
        let at = now();
        let mut b = Breach {
            id: new_id(),
            owner,
            title: String::new(),
            occurred_at: None,
            discovered_at: at,
            description: String::new(),
            categories: Vec::new(),
            affected_count: None,
            cause: String::new(),
            possible_harm: String::new(),
            remedial_measures: String::new(),
            individual_measures: String::new(),
            handler_contact: String::new(),
            state: PiBreachState::Open,
            state_label: PiBreachState::Open.label_zh().into(),
            authority_name: String::new(),
            authority_notified_at: None,
            authority_notified_by: None,
            individuals_method: String::new(),
            individuals_notified_at: None,
            individuals_notified_by: None,
            closed_at: None,
            closed_by: None,
            closure_note: String::new(),
            created_by: name_of(who),
            created_at: at,
        };
        Self::checked_breach(&input, &mut b)?;
        let audit = who.audit(
            "compliance.breach_create",
            "pi_breach",
            &b.id,
            b.owner.unit_id.as_deref(),
        );
        self.ctx.store.insert_breach(&b, &audit).await?;
        Ok(b)
    }

    async fn open_breach(&self, who: &Principal, id: &str) -> ServiceResult<Breach> {
        let b = self.breach(who, id).await?;
        keeper_check(who, &b.owner)?;
        if b.state != PiBreachState::Open {
            return Err(ServiceError::refused(
                neibao_domain::ErrorCode::InvalidTransition,
                "该事件已结案，不能再修改",
            ));
        }
        Ok(b)
    }

    /// Changes an open incident's content (its keeper only). Audited as
    /// `compliance.breach_update`.
    #[tracing::instrument(skip_all, fields(breach = %id))]
    pub async fn update_breach(&self, who: &Principal, id: &str, input: BreachInput) -> ServiceResult<Breach> {
        let mut b = self.open_breach(who, id).await?;
        Self::checked_breach(&input, &mut b)?;
        let audit = who.audit(
            "compliance.breach_update",
            "pi_breach",
            &b.id,
            b.owner.unit_id.as_deref(),
        );
        self.ctx.store.update_breach(&b, &audit).await?;
        Ok(b)
    }

    /// Records the notification of the authority or of the individuals (PIPL Art 57). 400
    /// (zh-CN, naming what is missing) unless the incident holds every item Art 57 lists
    /// (categories, cause, possible harm; remedial measures; what individuals can do; the
    /// handler's contact), and without the authority's name or the way individuals were told;
    /// 409 when that side was notified already or the incident is closed. Audited as
    /// `compliance.breach_notify`.
    #[tracing::instrument(skip_all, fields(breach = %id))]
    pub async fn notify(&self, who: &Principal, id: &str, input: NotifyInput) -> ServiceResult<Breach> {
        let t = input.target.trim();
        let target = PiNotifyTarget::from_code(t)
            .ok_or_else(|| ServiceError::invalid("请选择通知对象：履行个人信息保护职责的部门或个人"))?;
        let mut b = self.open_breach(who, id).await?;
        let missing = b.missing_notification_items();
        if !missing.is_empty() {
            return Err(ServiceError::invalid(format!(
                "通知须包含《个人信息保护法》第五十七条规定的事项，尚缺：{}",
                missing.join("、")
            )));
        }
        let at = not_future(input.at.unwrap_or_else(now), "通知时间")?;
        let by = name_of(who);
        match target {
            PiNotifyTarget::Authority => {
                if b.authority_notified_at.is_some() {
                    return Err(ServiceError::refused(
                        neibao_domain::ErrorCode::InvalidTransition,
                        "已登记通知履行个人信息保护职责的部门",
                    ));
                }
                b.authority_name = line(&input.recipient, "通知的部门", true)?;
                b.authority_notified_at = Some(at);
                b.authority_notified_by = Some(by);
            }
            PiNotifyTarget::Individuals => {
                if b.individuals_notified_at.is_some() {
                    return Err(ServiceError::refused(
                        neibao_domain::ErrorCode::InvalidTransition,
                        "已登记通知个人",
                    ));
                }
                b.individuals_method = line(&input.recipient, "通知个人的方式", true)?;
                b.individuals_notified_at = Some(at);
                b.individuals_notified_by = Some(by);
            }
        }
        let mut audit = who.audit(
            "compliance.breach_notify",
            "pi_breach",
            &b.id,
            b.owner.unit_id.as_deref(),
        );
        audit.detail = target.label_zh().to_string();
        self.ctx.store.update_breach(&b, &audit).await?;
        Ok(b)
    }

    /// Closes an open incident with a note (required). Audited as `compliance.breach_close`.
    #[tracing::instrument(skip_all, fields(breach = %id))]
    pub async fn close_breach(&self, who: &Principal, id: &str, note: &str) -> ServiceResult<Breach> {
        let mut b = self.open_breach(who, id).await?;
        b.closure_note = text(note, "结案说明", true)?;
        b.state = PiBreachState::Closed;
        b.state_label = PiBreachState::Closed.label_zh().into();
        b.closed_at = Some(now());
        b.closed_by = Some(name_of(who));
        let audit = who.audit(
            "compliance.breach_close",
            "pi_breach",
            &b.id,
            b.owner.unit_id.as_deref(),
        );
        self.ctx.store.update_breach(&b, &audit).await?;
        Ok(b)
    }
}
