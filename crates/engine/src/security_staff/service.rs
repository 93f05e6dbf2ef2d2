//! [`SecurityStaffService`]: the unit's security body, roster, guards, training and records
//! (docs/SECURITY-STAFF.md).
//!
//! Who may do what: police of the jurisdiction, the competent department and administrators
//! read ([`Permission::SecurityStaffRead`]), as does the unit's own security manager, who alone
//! writes ([`Permission::SecurityStaffWrite`]). Guards do not read the roster (it holds their
//! colleagues' personal information). A unit outside the caller's scope is not found.

use chrono::{DateTime, Days, NaiveDate, Utc};
use neibao_domain::access::{Permission, Principal};
use neibao_domain::error::ErrorCode;
use neibao_domain::filings::FilingKind;
use neibao_domain::ids::new_id;
use neibao_domain::security_staff::*;
use neibao_domain::text::checked_text;
use neibao_domain::validate::{CitizenId, PhoneNumber};

use super::expiry::expiry_job;
use super::input::*;
use crate::context::Ctx;
use crate::error::{ServiceError, ServiceResult};
use crate::filings::FilingService;

/// The unit's security staff as one page reads it (see [`SecurityStaffService::overview`]).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct UnitSecurity {
    pub unit_id: String,
    pub unit_name: String,
    /// The unit's key-unit flag (R19 warnings).
    pub is_key_unit: bool,
    pub body: Option<SecurityBody>,
    /// Current first, then removed (kept).
    pub staff: Vec<StaffMember>,
    pub guards: Vec<Guard>,
    /// Newest first, with each certificate's state today.
    pub trainings: Vec<Training>,
    /// Certificates expired or expiring within 30 days, of members still on the roster.
    pub expiring: Vec<Training>,
    pub records: Vec<StaffRecord>,
    /// Changes of the body and the roster, newest first (at most 200).
    pub history: Vec<StaffHistory>,
    pub summary: SecuritySummary,
}

/// The unit's security staff.
#[derive(Clone)]
pub struct SecurityStaffService {
    pub(crate) ctx: Ctx,
    /// Own-hired guards' R57 filings are opened through it.
    filings: FilingService,
}

/// Today in Beijing.
fn today() -> NaiveDate {
    Utc::now().with_timezone(&chrono_tz::Asia::Shanghai).date_naive()
}

/// Now, to the millisecond (as stored).
fn now() -> DateTime<Utc> {
    let t = Utc::now();
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

fn earliest() -> NaiveDate {
    NaiveDate::from_ymd_opt(1950, 1, 1).unwrap_or_default()
}

/// A date not before 1950 and not after today.
fn past_date(d: Option<NaiveDate>, label: &str) -> ServiceResult<NaiveDate> {
    let d = d.ok_or_else(|| ServiceError::invalid(format!("请填写{label}")))?;
    if d < earliest() || d > today() {
        return Err(ServiceError::invalid(format!(
            "{label}不能晚于今天，也不能早于 1950 年"
        )));
    }
    Ok(d)
}

/// An optional phone: `None`/empty keeps, `-` clears, else a valid number.
fn phone(p: &Option<String>) -> ServiceResult<Option<Option<PhoneNumber>>> {
    match p.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some("-") => Ok(Some(None)),
        Some(s) => Ok(Some(Some(PhoneNumber::parse(s)?))),
    }
}

fn code<T: Copy>(s: &str, default: Option<T>, parse: fn(&str) -> Option<T>, label: &str) -> ServiceResult<T> {
    let s = s.trim();
    if s.is_empty() {
        if let Some(d) = default {
            return Ok(d);
        }
    }
    parse(s).ok_or_else(|| ServiceError::invalid(format!("请选择{label}")))
}

fn opt_text(s: &str, label: &str, max: usize) -> ServiceResult<Option<String>> {
    let t = checked_text(s, label, max, false, false)?;
    Ok((!t.is_empty()).then_some(t))
}

/// The R19 warning of a guard at a key unit, if any.
fn warning_of(g: &Guard, is_key_unit: bool) -> Option<String> {
    (is_key_unit && g.employment == Employment::Company && g.company_foreign_invested && g.removed_at.is_none()).then(|| {
        format!(
            "警告：{} 所在的保安服务公司“{}”为外商投资企业，本单位为治安保卫重点单位。依照《保安服务管理条例》第二十二条，关系国家安全、涉及国家秘密的治安保卫重点单位不得聘请外商投资的保安服务公司提供保安服务，请立即核实。",
            g.name,
            g.company_name.clone().unwrap_or_default()
        )
    })
}

/// Fills in the derived fields (age, eligibility, R19 warnings, certificate states) and the
/// summary.
fn derive(unit_id: &str, mut d: UnitSecurityData, today: NaiveDate) -> UnitSecurity {
    for g in d.guards.iter_mut() {
        g.age = age_on(g.birth_date, today);
        g.eligible = g.age >= GUARD_MIN_AGE;
        g.warning = warning_of(g, d.is_key_unit);
    }
    for t in d.trainings.iter_mut() {
        t.certificate_state = t.certificate_expires_on.map(|e| CertificateState::of(e, today));
    }
    let active: Vec<&str> = d
        .staff
        .iter()
        .filter(|s| s.removed_at.is_none())
        .map(|s| s.id.as_str())
        .chain(
            d.guards
                .iter()
                .filter(|g| g.removed_at.is_none())
                .map(|g| g.id.as_str()),
        )
        .collect();
    let expiring: Vec<Training> = d
        .trainings
        .iter()
        .filter(|t| {
            active.contains(&t.member_id.as_str())
                && matches!(
                    t.certificate_state,
                    Some(CertificateState::Expiring | CertificateState::Expired)
                )
        })
        .cloned()
        .collect();
    let serving: Vec<&Guard> = d
        .guards
        .iter()
        .filter(|g| g.removed_at.is_none() && g.stopped_on.is_none_or(|s| s > today))
        .collect();
    let year_ago = today.checked_sub_days(Days::new(365)).unwrap_or(NaiveDate::MIN);
    let summary = SecuritySummary {
        unit_id: unit_id.to_string(),
        body_present: d.body.is_some(),
        body_kind: d.body.as_ref().map(|b| b.kind.label_zh().to_string()),
        staff: d.staff.iter().filter(|s| s.removed_at.is_none()).count() as i64,
        guards: serving.len() as i64,
        own_hired_guards: serving.iter().filter(|g| g.employment == Employment::OwnHired).count() as i64,
        ineligible_guards: serving.iter().filter(|g| !g.eligible).count() as i64,
        trainings_last_12_months: d.trainings.iter().filter(|t| t.trained_on > year_ago).count() as i64,
        certificates_expiring: expiring
            .iter()
            .filter(|t| t.certificate_state == Some(CertificateState::Expiring))
            .count() as i64,
        certificates_expired: expiring
            .iter()
            .filter(|t| t.certificate_state == Some(CertificateState::Expired))
            .count() as i64,
        warnings: d.guards.iter().filter_map(|g| g.warning.clone()).collect(),
    };
    UnitSecurity {
        unit_id: unit_id.to_string(),
        unit_name: d.unit_name,
        is_key_unit: d.is_key_unit,
        body: d.body,
        staff: d.staff,
        guards: d.guards,
        trainings: d.trainings,
        expiring,
        records: d.records,
        history: d.history,
        summary,
    }
}

impl SecurityStaffService {
    pub fn new(ctx: Ctx, filings: FilingService) -> SecurityStaffService {
        SecurityStaffService { ctx, filings }
    }

    /// Opens the R57 filings an own-hired guard calls for (《保安服务管理条例》第十四条、第十五条):
    /// 自行招用保安员备案 from the start of service, 撤销备案 from its stop, each within 30 days,
    /// once per guard (the filings are idempotent per source `guard:<id>` / `guard-stop:<id>`).
    /// A guard from a security company is the company's to file. A failure is logged, not
    /// answered: the guard is stored, and the unit can open the filing by hand on its filings page.
    async fn open_guard_filings(&self, g: &Guard) {
        if g.employment != Employment::OwnHired || g.removed_at.is_some() {
            return;
        }
        let mut wanted = vec![(FilingKind::GuardStart, g.started_on, format!("guard:{}", g.id))];
        if let Some(stop) = g.stopped_on {
            wanted.push((FilingKind::GuardStop, stop, format!("guard-stop:{}", g.id)));
        }
        for (kind, on, source) in wanted {
            if let Err(e) = self.filings.open_obligation(kind, &g.unit_id, on, &source).await {
                tracing::error!(code = ?e.error_code(), kind = kind.code(), "opening a guard's filing");
            }
        }
    }

    /// Everything about the unit's security staff, with derived ages, eligibility, R19
    /// warnings, certificate states and the summary ([`Permission::SecurityStaffRead`]; 404
    /// outside the scope).
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn overview(&self, who: &Principal, unit_id: &str) -> ServiceResult<UnitSecurity> {
        who.require(Permission::SecurityStaffRead)?;
        let d = self.ctx.store.unit_security(&who.scope, unit_id).await?;
        Ok(derive(unit_id, d, today()))
    }

    /// A pure read of the unit's security organisation in brief: body present, staff and guard
    /// counts, own-hired guards, trainings in the last 12 months, expiring/expired certificates,
    /// R19 warnings (shown next to inspection checklist items and on the unit page).
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn summary(&self, who: &Principal, unit_id: &str) -> ServiceResult<SecuritySummary> {
        Ok(self.overview(who, unit_id).await?.summary)
    }

    /// The unit's guards, current and removed, each with `employment`, `started_on` and
    /// `stopped_on` (the R57 filing deadlines of own-hired guards run from those dates).
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn guards(&self, who: &Principal, unit_id: &str) -> ServiceResult<Vec<Guard>> {
        Ok(self.overview(who, unit_id).await?.guards)
    }

    /// Records or changes the unit's security body ([`Permission::SecurityStaffWrite`]).
    /// `version`: `None` to record the first time (409 `conflict` when one exists), else the
    /// version read (stale → 409 `version_conflict`). Refused (400): empty or too long name (100)
    /// or head (50), unknown kind, an established date after today, a bad phone
    /// (`invalid_phone`). Audited as `security_staff.body`.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn save_body(
        &self,
        who: &Principal,
        unit_id: &str,
        input: BodyInput,
        version: Option<i64>,
    ) -> ServiceResult<SecurityBody> {
        who.require(Permission::SecurityStaffWrite)?;
        let d = BodyDraft {
            name: checked_text(&input.name, "保卫机构名称", 100, true, false)?,
            kind: code(&input.kind, None, BodyKind::from_code, "保卫机构类型")?,
            head: checked_text(&input.head, "负责人姓名", 50, true, false)?,
            established_on: match input.established_on {
                None => None,
                Some(d) => Some(past_date(Some(d), "成立日期")?),
            },
            phone: phone(&input.phone)?,
        };
        let audit = who.audit("security_staff.body", "security_body", unit_id, Some(unit_id));
        self.ctx
            .store
            .save_security_body(&who.scope, unit_id, &d, version, &who.username, &audit, now())
            .await?;
        self.overview(who, unit_id)
            .await?
            .body
            .ok_or_else(ServiceError::not_found)
    }

    fn staff_draft(input: &StaffInput) -> ServiceResult<MemberDraft> {
        Ok(MemberDraft {
            name: checked_text(&input.name, "姓名", 50, true, false)?,
            post: checked_text(&input.post, "职务或岗位", 50, false, false)?,
            full_time: input.full_time,
            phone: phone(&input.phone)?,
            on_duty: input.on_duty,
            guard: None,
        })
    }

    fn guard_draft(input: &GuardInput, adding: bool) -> ServiceResult<MemberDraft> {
        let today = today();
        let employment = code(
            &input.employment,
            None,
            Employment::from_code,
            "用工方式（自行招用或保安服务公司派驻）",
        )?;
        let (company_name, company_licence_no, foreign) = match employment {
            Employment::Company => (
                Some(checked_text(&input.company_name, "保安服务公司名称", 100, true, false)?),
                Some(checked_text(
                    &input.company_licence_no,
                    "保安服务许可证号",
                    50,
                    true,
                    false,
                )?),
                input.company_foreign_invested,
            ),
            Employment::OwnHired => (None, None, false),
        };
        let citizen_id = if input.citizen_id.trim().is_empty() {
            if adding {
                return Err(ServiceError::refused(
                    ErrorCode::InvalidCitizenId,
                    "请填写保安员的公民身份号码（用于核对年龄：年满18周岁方可担任保安员）",
                ));
            }
            None
        } else {
            let c = CitizenId::parse(&input.citizen_id, today)?;
            check_guard_age(c.birth_date(), today)?;
            Some(c)
        };
        let started_on = past_date(input.started_on, "上岗日期")?;
        let stopped_on = match input.stopped_on {
            None => None,
            Some(s) => {
                let s = past_date(Some(s), "离岗日期")?;
                if s < started_on {
                    return Err(ServiceError::invalid("离岗日期不能早于上岗日期"));
                }
                Some(s)
            }
        };
        let post = checked_text(&input.post, "岗位", 50, false, false)?;
        Ok(MemberDraft {
            name: checked_text(&input.name, "姓名", 50, true, false)?,
            post: if post.is_empty() { "保安员".into() } else { post },
            full_time: input.full_time,
            phone: phone(&input.phone)?,
            on_duty: input.on_duty && stopped_on.is_none(),
            guard: Some(GuardDraft {
                employment,
                company_name,
                company_licence_no,
                company_foreign_invested: foreign,
                certificate_no: opt_text(&input.certificate_no, "保安员证号", 50)?,
                citizen_id,
                started_on,
                stopped_on,
                vetting: code(&input.vetting, Some(Vetting::Pending), Vetting::from_code, "审查情况")?,
            }),
        })
    }

    async fn staff_member(&self, who: &Principal, unit_id: &str, id: &str) -> ServiceResult<StaffMember> {
        self.overview(who, unit_id)
            .await?
            .staff
            .into_iter()
            .find(|s| s.id == id)
            .ok_or_else(ServiceError::not_found)
    }

    async fn guard(&self, who: &Principal, unit_id: &str, id: &str) -> ServiceResult<Guard> {
        self.overview(who, unit_id)
            .await?
            .guards
            .into_iter()
            .find(|g| g.id == id)
            .ok_or_else(ServiceError::not_found)
    }

    /// Adds a security staff member to the roster ([`Permission::SecurityStaffWrite`]). Refused
    /// (400): empty or too long name (50) or post (50), a bad phone. Audited as
    /// `security_staff.staff_add`.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn add_staff(&self, who: &Principal, unit_id: &str, input: StaffInput) -> ServiceResult<StaffMember> {
        who.require(Permission::SecurityStaffWrite)?;
        let d = Self::staff_draft(&input)?;
        let id = new_id();
        let audit = who.audit("security_staff.staff_add", "security_staff", &id, Some(unit_id));
        self.ctx
            .store
            .add_security_member(&who.scope, unit_id, &id, &d, &audit, now())
            .await?;
        self.staff_member(who, unit_id, &id).await
    }

    /// Changes a staff member carrying the `version` read (stale → 409 `version_conflict`; a
    /// removed member → 409 `invalid_transition`). Audited as `security_staff.staff_update`.
    #[tracing::instrument(skip_all, fields(unit = %unit_id, id = %id))]
    pub async fn update_staff(
        &self,
        who: &Principal,
        unit_id: &str,
        id: &str,
        version: i64,
        input: StaffInput,
    ) -> ServiceResult<StaffMember> {
        who.require(Permission::SecurityStaffWrite)?;
        let d = Self::staff_draft(&input)?;
        let audit = who.audit("security_staff.staff_update", "security_staff", id, Some(unit_id));
        self.ctx
            .store
            .update_security_member(
                &who.scope,
                unit_id,
                id,
                MemberCategory::Staff,
                version,
                &d,
                &audit,
                now(),
            )
            .await?;
        self.staff_member(who, unit_id, id).await
    }

    /// Removes a staff member from the roster (soft: kept in the list as 已移除 and in the
    /// history), with the version rules of an update (`version` missing → 400). Audited as `security_staff.staff_remove`.
    #[tracing::instrument(skip_all, fields(unit = %unit_id, id = %id))]
    pub async fn remove_staff(
        &self,
        who: &Principal,
        unit_id: &str,
        id: &str,
        version: Option<i64>,
    ) -> ServiceResult<()> {
        who.require(Permission::SecurityStaffWrite)?;
        let version = version.ok_or_else(|| ServiceError::invalid("请提供所移除记录的版本号（version）"))?;
        let audit = who.audit("security_staff.staff_remove", "security_staff", id, Some(unit_id));
        Ok(self
            .ctx
            .store
            .remove_security_member(&who.scope, unit_id, id, MemberCategory::Staff, version, &audit, now())
            .await?)
    }

    /// Adds a guard ([`Permission::SecurityStaffWrite`]). Refused: a missing or invalid citizen
    /// ID (400 `invalid_citizen_id`, GB 11643); younger than 18 (400 `guard_underage`,
    /// 《保安服务管理条例》第十六条); a company guard without the company's name or licence
    /// number, dates after today or a stop before the start (400 `validation_failed`); the same
    /// ID number already on the roster (409 `conflict`). Only the vetting status is kept, never a
    /// criminal record. Audited as `security_staff.guard_add`.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn add_guard(&self, who: &Principal, unit_id: &str, input: GuardInput) -> ServiceResult<Guard> {
        who.require(Permission::SecurityStaffWrite)?;
        let d = Self::guard_draft(&input, true)?;
        let id = new_id();
        let audit = who.audit("security_staff.guard_add", "security_guard", &id, Some(unit_id));
        self.ctx
            .store
            .add_security_member(&who.scope, unit_id, &id, &d, &audit, now())
            .await?;
        let g = self.guard(who, unit_id, &id).await?;
        self.open_guard_filings(&g).await;
        Ok(g)
    }

    /// Changes a guard carrying the `version` read (the checks of [`Self::add_guard`]; an empty
    /// citizen ID keeps the stored one; stale → 409 `version_conflict`). Setting `stopped_on`
    /// ends the guard's service (R57: an own-hired guard's deregistration runs from it). Audited
    /// as `security_staff.guard_update`.
    #[tracing::instrument(skip_all, fields(unit = %unit_id, id = %id))]
    pub async fn update_guard(
        &self,
        who: &Principal,
        unit_id: &str,
        id: &str,
        version: i64,
        input: GuardInput,
    ) -> ServiceResult<Guard> {
        who.require(Permission::SecurityStaffWrite)?;
        let d = Self::guard_draft(&input, false)?;
        let audit = who.audit("security_staff.guard_update", "security_guard", id, Some(unit_id));
        self.ctx
            .store
            .update_security_member(
                &who.scope,
                unit_id,
                id,
                MemberCategory::Guard,
                version,
                &d,
                &audit,
                now(),
            )
            .await?;
        let g = self.guard(who, unit_id, id).await?;
        self.open_guard_filings(&g).await;
        Ok(g)
    }

    /// Removes a guard from the roster (soft), with the version rules of an update. Audited as
    /// `security_staff.guard_remove`.
    #[tracing::instrument(skip_all, fields(unit = %unit_id, id = %id))]
    pub async fn remove_guard(
        &self,
        who: &Principal,
        unit_id: &str,
        id: &str,
        version: Option<i64>,
    ) -> ServiceResult<()> {
        who.require(Permission::SecurityStaffWrite)?;
        let version = version.ok_or_else(|| ServiceError::invalid("请提供所移除记录的版本号（version）"))?;
        let audit = who.audit("security_staff.guard_remove", "security_guard", id, Some(unit_id));
        Ok(self
            .ctx
            .store
            .remove_security_member(&who.scope, unit_id, id, MemberCategory::Guard, version, &audit, now())
            .await?)
    }

    /// Records a training or exam of a roster member ([`Permission::SecurityStaffWrite`]); a
    /// certificate with an expiry date gets its reminder job (30 days before, R58). Refused
    /// (400): a member not on the unit's roster; a date after today; empty or too long topic
    /// (100); hours outside 0.5–1000; an unknown exam result; an expiry date before the training
    /// or without a certificate name. Audited as `security_staff.training`.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn add_training(&self, who: &Principal, unit_id: &str, input: TrainingInput) -> ServiceResult<Training> {
        who.require(Permission::SecurityStaffWrite)?;
        let trained_on = past_date(input.trained_on, "培训日期")?;
        if !input.hours.is_finite() || !(0.5..=1000.0).contains(&input.hours) {
            return Err(ServiceError::invalid("学时应在 0.5 至 1000 之间"));
        }
        let certificate_name = opt_text(&input.certificate_name, "证书名称", 100)?;
        if let Some(e) = input.certificate_expires_on {
            if e < trained_on {
                return Err(ServiceError::invalid("证书有效期不能早于培训日期"));
            }
            if certificate_name.is_none() {
                return Err(ServiceError::invalid("填写证书有效期时，请同时填写证书名称"));
            }
        }
        if input.member_id.trim().is_empty() {
            return Err(ServiceError::invalid("请选择参加培训的保卫人员或保安员"));
        }
        let t = NewTraining {
            id: new_id(),
            unit_id: unit_id.to_string(),
            member_id: input.member_id.trim().to_string(),
            trained_on,
            topic: checked_text(&input.topic, "培训内容", 100, true, false)?,
            hours: (input.hours * 10.0).round() / 10.0,
            exam_result: code(
                &input.exam_result,
                Some(ExamResult::None),
                ExamResult::from_code,
                "考核结果",
            )?,
            certificate_name,
            certificate_expires_on: input.certificate_expires_on,
            created_by: who.username.clone(),
            created_at: now(),
        };
        let job = t.certificate_expires_on.map(|e| expiry_job(&t.id, e, t.created_at));
        let audit = who.audit("security_staff.training", "security_training", &t.id, Some(unit_id));
        self.ctx
            .store
            .add_security_training(&who.scope, &t, job.as_ref(), &audit)
            .await?;
        self.overview(who, unit_id)
            .await?
            .trainings
            .into_iter()
            .find(|x| x.id == t.id)
            .ok_or_else(ServiceError::not_found)
    }

    /// Records a commendation, duty injury/death or complaint about security staff conduct
    /// ([`Permission::SecurityStaffWrite`]; R11, R14). Refused (400): an unknown kind; a member
    /// not on the roster; a date after today; empty or too long subject (100) or content
    /// (2000); handling longer than 2000 or result longer than 500 characters. Audited as
    /// `security_staff.record`.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn add_record(&self, who: &Principal, unit_id: &str, input: RecordInput) -> ServiceResult<StaffRecord> {
        who.require(Permission::SecurityStaffWrite)?;
        let kind = code(&input.kind, None, RecordKind::from_code, "记录类别")?;
        let member_id = (!input.member_id.trim().is_empty()).then(|| input.member_id.trim().to_string());
        let mut subject = input.subject.clone();
        if subject.trim().is_empty() {
            if let Some(m) = &member_id {
                let o = self.overview(who, unit_id).await?;
                subject = o
                    .staff
                    .iter()
                    .find(|s| &s.id == m)
                    .map(|s| s.name.clone())
                    .or_else(|| o.guards.iter().find(|g| &g.id == m).map(|g| g.name.clone()))
                    .unwrap_or_default();
            }
        }
        let r = StaffRecord {
            id: new_id(),
            unit_id: unit_id.to_string(),
            kind,
            member_id,
            subject: checked_text(&subject, "对象（单位或人员）", 100, true, false)?,
            occurred_on: past_date(input.occurred_on, "日期")?,
            content: checked_text(&input.content, "内容", 2000, true, true)?,
            handling: checked_text(&input.handling, "处理情况", 2000, false, true)?,
            result: checked_text(&input.result, "处理结果", 500, false, true)?,
            created_by: who.username.clone(),
            created_at: now(),
        };
        let audit = who.audit("security_staff.record", "security_staff_record", &r.id, Some(unit_id));
        self.ctx.store.add_security_record(&who.scope, &r, &audit).await?;
        Ok(r)
    }
}
