//! [`VisitorService`]: a unit's visits (docs/VISITORS.md).
//!
//! Who may do what: the unit's security manager invites visitors, approves them and sets the
//! unit's retention and closing time ([`Permission::VisitorHost`]); the manager and the guards
//! register walk-ins, check visitors in and out and read the unit's visits
//! ([`Permission::VisitorGate`]). Police and administrators do not read visitor records (PIPL
//! Art 6: no more than the purpose needs). A visitor fills in an invitation through its link
//! with no account; the public form is limited per client address like the public report form.

use std::net::IpAddr;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use neibao_domain::access::{Permission, Principal};
use neibao_domain::error::ErrorCode;
use neibao_domain::ids::new_id;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::sensitive::redact_numbers;
use neibao_domain::text::checked_text;
use neibao_domain::validate::PhoneNumber;
use neibao_domain::visitors::*;

use crate::context::Ctx;
use crate::error::{ServiceError, ServiceResult};
use crate::reports::PublicBudget;

/// The host's part of an invitation.
#[derive(Debug, Clone, Default)]
pub struct InvitationDraft {
    pub unit_id: String,
    pub host_name: String,
    pub purpose: String,
    pub expected_on: Option<NaiveDate>,
    pub area_ids: Vec<String>,
}

/// A new invitation and the token of its link (`/visit?t=…`).
#[derive(Debug, Clone)]
pub struct Invitation {
    pub visit: Visit,
    pub token: String,
}

/// A visitor's details as typed (the public form, or the guard's walk-in form).
#[derive(Debug, Clone, Default)]
pub struct VisitorDraft {
    pub name: String,
    /// An [`IdType`] code.
    pub id_type: String,
    pub id_number: String,
    pub phone: String,
    pub purpose: String,
    pub plate: String,
    pub goods: String,
    /// The birth date, for documents that do not encode it (passports, permits).
    pub birth_date: Option<NaiveDate>,
    pub guardian_name: String,
    pub guardian_consent: bool,
    /// Consent to the notice (required where consent is the basis).
    pub consent: bool,
    /// The honeypot of the public form (left empty by people).
    pub honeypot: String,
}

/// The visitors still inside a unit.
#[derive(Debug, Clone)]
pub struct InsideList {
    pub closing_time: String,
    /// Now is after today's closing time (Beijing): everyone listed should have left.
    pub past_closing: bool,
    pub visits: Vec<Visit>,
}

/// A unit's visits.
#[derive(Clone)]
pub struct VisitorService {
    pub(crate) ctx: Ctx,
    budget: Arc<PublicBudget>,
}

/// Now, to the millisecond (as stored).
fn now() -> DateTime<Utc> {
    let t = Utc::now();
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

fn today() -> NaiveDate {
    Utc::now().with_timezone(&Shanghai).date_naive()
}

/// The instant `time` (HH:MM, Beijing) of `day`.
fn beijing(day: NaiveDate, time: &str) -> Option<DateTime<Utc>> {
    let t = NaiveTime::parse_from_str(time, "%H:%M").ok()?;
    Shanghai
        .from_local_datetime(&day.and_time(t))
        .single()
        .map(|t| t.with_timezone(&Utc))
}

fn clean(value: &str, label: &str, max: usize, required: bool) -> ServiceResult<String> {
    Ok(redact_numbers(&checked_text(value, label, max, required, false)?))
}

/// Checks a visitor's details for a visit of `source` on `day` (docs/VISITORS.md): the document
/// by its kind (GB 11643 with its check digit for a citizen identity number), the phone, the
/// plate, a minor's guardian, the consent where consent is the basis.
pub fn check_visitor(
    d: &VisitorDraft,
    source: VisitSource,
    purpose_required: bool,
    day: NaiveDate,
    at: DateTime<Utc>,
) -> ServiceResult<CheckedVisitor> {
    let name = checked_text(&d.name, "访客姓名", 30, true, false)?;
    let kind = IdType::from_code(d.id_type.trim()).ok_or_else(|| {
        ServiceError::invalid("请选择证件类型（居民身份证、护照、港澳居民来往内地通行证、台湾居民来往大陆通行证）")
    })?;
    let id = IdDocument::parse(kind, &d.id_number, day)?;
    let phone = PhoneNumber::parse(&d.phone)
        .map_err(|_| {
            ServiceError::refused(
                ErrorCode::InvalidPhone,
                "手机号码无效：请填写 11 位手机号码或带区号的固定电话",
            )
        })?
        .into_sensitive();
    let purpose = clean(&d.purpose, "来访事由", 60, purpose_required)?;
    let plate = match d.plate.trim() {
        "" => String::new(),
        p => check_plate(p)?,
    };
    let goods_in = clean(&d.goods, "携带物品", 200, false)?;
    let birth = match id.birth_date {
        Some(b) => Some(b),
        None => match d.birth_date {
            Some(b) if b > day => return Err(ServiceError::invalid("出生日期不能晚于今天")),
            b => b,
        },
    };
    let minor = birth.is_some_and(|b| is_minor(b, day));
    let guardian_name = if minor {
        let g = checked_text(&d.guardian_name, "监护人姓名", 30, false, false)?;
        if g.is_empty() || !d.guardian_consent {
            return Err(ServiceError::refused(
                ErrorCode::ValidationFailed,
                "访客未满 18 周岁：请填写监护人姓名，并由监护人同意个人信息处理告知",
            ));
        }
        g
    } else {
        String::new()
    };
    let notice = source.notice();
    let consent_at = match notice.basis {
        LegalBasis::Consent => {
            if !d.consent {
                return Err(ServiceError::invalid("请阅读并勾选同意《个人信息处理告知》后再提交"));
            }
            Some(at)
        }
        LegalBasis::LegalDuty => None,
    };
    Ok(CheckedVisitor {
        name,
        id,
        phone,
        purpose,
        plate,
        goods_in,
        minor,
        guardian_name,
        notice_purpose: notice.purpose.to_string(),
        notice_version: notice.version.to_string(),
        basis: notice.basis,
        consent_at,
    })
}

fn area_list(areas: &[String]) -> ServiceResult<Vec<String>> {
    let mut out: Vec<String> = areas
        .iter()
        .map(|a| a.trim().to_string())
        .filter(|a| !a.is_empty())
        .collect();
    out.sort();
    out.dedup();
    if out.len() > 20 || out.iter().any(|a| a.len() > 64) {
        return Err(ServiceError::invalid("来访区域最多 20 个重点部位"));
    }
    Ok(out)
}

/// A new link token: 128 random bits as 32 hex characters.
fn new_token() -> String {
    rand::random::<[u8; 16]>().iter().map(|b| format!("{b:02x}")).collect()
}

impl VisitorService {
    pub fn new(ctx: Ctx) -> Self {
        VisitorService {
            ctx,
            budget: Arc::new(PublicBudget::default()),
        }
    }

    /// The unit a unit account acts for when it names none ([`Permission::VisitorGate`]).
    pub fn own_unit(who: &Principal) -> ServiceResult<String> {
        who.require(Permission::VisitorGate)?;
        who.unit_id.clone().ok_or_else(ServiceError::not_found)
    }

    /// Until when a visit that starts now suppresses its areas' alarms: today's closing time if
    /// it is still ahead, else four hours (check-out ends the windows earlier).
    async fn window_end(&self, who: &Principal, unit_id: &str, at: DateTime<Utc>) -> ServiceResult<DateTime<Utc>> {
        let s = self.ctx.store.visitor_settings(&who.scope, unit_id).await?;
        Ok(beijing(today(), &s.closing_time)
            .filter(|c| *c > at + Duration::minutes(30))
            .unwrap_or(at + Duration::hours(4)))
    }

    /// Invites a visitor ([`Permission::VisitorHost`]): the host's name, the purpose, the day,
    /// the key areas. Audited as `visitor.invite`.
    #[tracing::instrument(skip_all, fields(unit = %d.unit_id))]
    pub async fn invite(&self, who: &Principal, d: InvitationDraft) -> ServiceResult<Invitation> {
        who.require(Permission::VisitorHost)?;
        // A unit outside the scope is not found before anything typed is judged.
        self.ctx.store.visitor_unit(&who.scope, d.unit_id.trim()).await?;
        let host_name = checked_text(&d.host_name, "被访人", 30, true, false)?;
        let purpose = clean(&d.purpose, "来访事由", 60, true)?;
        let expected_on = d.expected_on.ok_or_else(|| ServiceError::invalid("请填写来访日期"))?;
        let day = today();
        if expected_on < day || expected_on > day + Duration::days(90) {
            return Err(ServiceError::invalid("来访日期应在今天起 90 天以内"));
        }
        let area_ids = area_list(&d.area_ids)?;
        let at = now();
        let inv = NewInvitation {
            id: new_id(),
            unit_id: d.unit_id.trim().to_string(),
            token: new_token(),
            host_name,
            purpose,
            expected_on,
            area_ids,
            created_by: who.username.clone(),
            at,
        };
        let audit = who.audit("visitor.invite", "visit", "", Some(&inv.unit_id));
        let visit = self.ctx.store.create_invitation(&who.scope, &inv, &audit).await?;
        Ok(Invitation {
            visit,
            token: inv.token,
        })
    }

    /// What the public form of a link shows; 404 for an unknown token.
    pub async fn public_invitation(&self, token: &str) -> ServiceResult<PublicInvitation> {
        let t = token.trim();
        if t.is_empty() || t.len() > 64 {
            return Err(ServiceError::refused(
                ErrorCode::NotFound,
                "链接无效或已过期，请向被访人索取新的邀请链接",
            ));
        }
        let v = self.ctx.store.invitation_by_token(t).await?.ok_or_else(|| {
            ServiceError::refused(ErrorCode::NotFound, "链接无效或已过期，请向被访人索取新的邀请链接")
        })?;
        Ok(PublicInvitation {
            unit_name: v.unit_name,
            host_name: v.host_name,
            purpose: v.purpose,
            expected_on: v.expected_on.unwrap_or_else(today),
            status: v.status,
            notice: NOTICE_PREREGISTRATION.clone(),
        })
    }

    /// The visitor fills in an invitation (no account): 400 for invalid details (zh-CN), 404 for
    /// an unknown link, 409 once filled in or past its day, 429 when the client address has used
    /// up its budget. A filled honeypot is answered like a success and stores nothing. Audited as
    /// `visitor.submit` (actor `public`).
    #[tracing::instrument(skip_all)]
    pub async fn submit_public(&self, client: IpAddr, token: &str, d: VisitorDraft) -> ServiceResult<VisitStatus> {
        let inv = self.public_invitation(token).await?;
        if inv.status != VisitStatus::Invited {
            return Err(ServiceError::refused(
                ErrorCode::InvalidTransition,
                "该预约已填写，无需重复提交",
            ));
        }
        let day = today();
        if inv.expected_on < day {
            return Err(ServiceError::refused(
                ErrorCode::InvalidTransition,
                "该邀请已过期，请向被访人索取新的邀请链接",
            ));
        }
        let at = now();
        let v = check_visitor(&d, VisitSource::Invitation, false, day, at)?;
        if let Err(secs) = self.budget.take(client) {
            return Err(ServiceError::refused(
                ErrorCode::Busy,
                format!("提交过于频繁，请约 {} 分钟后再试", secs.div_ceil(60)),
            ));
        }
        if !d.honeypot.trim().is_empty() {
            return Ok(VisitStatus::Submitted);
        }
        let audit = Principal::system("public").audit("visitor.submit", "visit", "", None);
        let visit = self.ctx.store.submit_invitation(token.trim(), &v, &audit, at).await?;
        Ok(visit.status)
    }

    /// Approves or rejects a submitted visit ([`Permission::VisitorHost`]). Audited as
    /// `visitor.approve` / `visitor.reject`.
    #[tracing::instrument(skip_all, fields(visit = %id))]
    pub async fn decide(&self, who: &Principal, id: &str, approve: bool, note: &str) -> ServiceResult<Visit> {
        who.require(Permission::VisitorHost)?;
        let note = clean(note, "审批意见", 200, false)?;
        let action = if approve { "visitor.approve" } else { "visitor.reject" };
        let audit = who.audit(action, "visit", id, None);
        Ok(self
            .ctx
            .store
            .decide_visit(&who.scope, id, approve, &who.username, &note, &audit, now())
            .await?)
    }

    /// Registers a walk-in at the gate ([`Permission::VisitorGate`]): the visitor is inside from
    /// now (the gate-check notice shown; consent not the basis). Audited as `visitor.walk_in`.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn walk_in(
        &self,
        who: &Principal,
        unit_id: &str,
        host_name: &str,
        area_ids: &[String],
        d: VisitorDraft,
    ) -> ServiceResult<Visit> {
        who.require(Permission::VisitorGate)?;
        self.ctx.store.visitor_unit(&who.scope, unit_id).await?;
        let host_name = checked_text(host_name, "被访人", 30, true, false)?;
        let area_ids = area_list(area_ids)?;
        let at = now();
        let v = check_visitor(&d, VisitSource::WalkIn, true, today(), at)?;
        let until = self.window_end(who, unit_id, at).await?;
        let id = new_id();
        let audit = who.audit("visitor.walk_in", "visit", &id, Some(unit_id));
        let visit = self
            .ctx
            .store
            .create_walk_in(
                &who.scope,
                &id,
                unit_id,
                &host_name,
                &area_ids,
                &v,
                &who.username,
                until,
                &audit,
                at,
            )
            .await?;
        self.ctx.pipeline.forget_suppressions(unit_id);
        Ok(visit)
    }

    /// Checks an approved visitor in ([`Permission::VisitorGate`]) after the ID number on the
    /// document shown at the gate matched the registered one. Audited as `visitor.check_in`.
    #[tracing::instrument(skip_all, fields(visit = %id))]
    pub async fn check_in(&self, who: &Principal, id: &str, shown_id_number: &str) -> ServiceResult<Visit> {
        who.require(Permission::VisitorGate)?;
        let v = self.get(who, id).await?;
        let kind = v.id_type.unwrap_or(IdType::CitizenId);
        let shown = IdDocument::parse(kind, shown_id_number, today())?;
        let at = now();
        let until = self.window_end(who, &v.unit_id, at).await?;
        let audit = who.audit("visitor.check_in", "visit", id, Some(&v.unit_id));
        let visit = self
            .ctx
            .store
            .check_in_visit(&who.scope, id, shown.expose(), &who.username, until, &audit, at)
            .await?;
        self.ctx.pipeline.forget_suppressions(&visit.unit_id);
        Ok(visit)
    }

    /// Checks a visitor out ([`Permission::VisitorGate`]): the goods carried out need the name of
    /// who authorised them (Decree 421 Art 11). Audited as `visitor.check_out`.
    #[tracing::instrument(skip_all, fields(visit = %id))]
    pub async fn check_out(
        &self,
        who: &Principal,
        id: &str,
        goods_out: &str,
        authorised_by: &str,
    ) -> ServiceResult<Visit> {
        who.require(Permission::VisitorGate)?;
        let goods_out = clean(goods_out, "带出物品", 200, false)?;
        let authorised_by = checked_text(authorised_by, "物品放行批准人", 30, false, false)?;
        if !goods_out.is_empty() && authorised_by.is_empty() {
            return Err(ServiceError::invalid("带出物品须登记放行批准人"));
        }
        let audit = who.audit("visitor.check_out", "visit", id, None);
        let visit = self
            .ctx
            .store
            .check_out_visit(&who.scope, id, &goods_out, &authorised_by, &who.username, &audit, now())
            .await?;
        self.ctx.pipeline.forget_suppressions(&visit.unit_id);
        Ok(visit)
    }

    /// One visit ([`Permission::VisitorGate`]; 404 outside the scope).
    pub async fn get(&self, who: &Principal, id: &str) -> ServiceResult<Visit> {
        who.require(Permission::VisitorGate)?;
        self.ctx
            .store
            .visit(&who.scope, id)
            .await?
            .ok_or_else(ServiceError::not_found)
    }

    /// Visits in the caller's scope ([`Permission::VisitorGate`]); `id_number` searches by the
    /// blind index (the number is never stored or logged in plaintext).
    pub async fn list(
        &self,
        who: &Principal,
        unit_id: Option<String>,
        status: Option<VisitStatus>,
        id_number: Option<&str>,
        day: Option<NaiveDate>,
        page: Page,
    ) -> ServiceResult<Listing<Visit>> {
        who.require(Permission::VisitorGate)?;
        let id_number = id_number
            .map(|n| {
                n.chars()
                    .filter(|c| !c.is_whitespace())
                    .collect::<String>()
                    .to_ascii_uppercase()
            })
            .filter(|n| !n.is_empty());
        if id_number.as_ref().is_some_and(|n| n.len() > 18) {
            return Err(ServiceError::invalid("证件号码不超过 18 位"));
        }
        let day = match day {
            Some(d) => Some((d, beijing(d, "00:00").ok_or_else(|| ServiceError::invalid("日期无效"))?)),
            None => None,
        };
        let f = VisitFilter {
            unit_id,
            status,
            id_number,
            day,
        };
        Ok(self.ctx.store.list_visits(&who.scope, &f, page).await?)
    }

    /// The visitors still inside a unit, and whether its closing time has passed
    /// ([`Permission::VisitorGate`]).
    pub async fn inside(&self, who: &Principal, unit_id: &str) -> ServiceResult<InsideList> {
        who.require(Permission::VisitorGate)?;
        let s = self.ctx.store.visitor_settings(&who.scope, unit_id).await?;
        let f = VisitFilter {
            unit_id: Some(unit_id.to_string()),
            status: Some(VisitStatus::Inside),
            ..VisitFilter::default()
        };
        let visits = self
            .ctx
            .store
            .list_visits(&who.scope, &f, Page::new(Some(1), Some(200)))
            .await?
            .items;
        let past_closing = beijing(today(), &s.closing_time).is_some_and(|c| Utc::now() > c);
        Ok(InsideList {
            closing_time: s.closing_time,
            past_closing,
            visits,
        })
    }

    /// The unit's visitor settings ([`Permission::VisitorGate`]).
    pub async fn settings(&self, who: &Principal, unit_id: &str) -> ServiceResult<VisitorSettings> {
        who.require(Permission::VisitorGate)?;
        Ok(self.ctx.store.visitor_settings(&who.scope, unit_id).await?)
    }

    /// Sets the unit's retention (1–365 days) and closing time ([`Permission::VisitorHost`]).
    /// Audited as `visitor.settings`.
    pub async fn set_settings(&self, who: &Principal, s: VisitorSettings) -> ServiceResult<VisitorSettings> {
        who.require(Permission::VisitorHost)?;
        if !(1..=MAX_RETENTION_DAYS).contains(&s.retention_days) {
            return Err(ServiceError::invalid("访客记录保存期限应为 1–365 天"));
        }
        let closing = NaiveTime::parse_from_str(s.closing_time.trim(), "%H:%M")
            .map_err(|_| ServiceError::invalid("闭门时间格式应为 时:分（例如 18:00）"))?;
        let s = VisitorSettings {
            closing_time: closing.format("%H:%M").to_string(),
            ..s
        };
        let mut audit = who.audit("visitor.settings", "unit", &s.unit_id, Some(&s.unit_id));
        audit.detail =
            serde_json::json!({"retention_days": s.retention_days, "closing_time": s.closing_time}).to_string();
        self.ctx
            .store
            .set_visitor_settings(&who.scope, &s, &who.username, &audit, now())
            .await?;
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(id: &str) -> VisitorDraft {
        VisitorDraft {
            name: "张三".into(),
            id_type: "citizen_id".into(),
            id_number: id.into(),
            phone: "13812345678".into(),
            purpose: "洽谈".into(),
            consent: true,
            ..VisitorDraft::default()
        }
    }

    #[test]
    fn minors_need_a_guardian_and_consent_is_recorded() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let body = "33010620150101001";
        let id = format!(
            "{body}{}",
            neibao_domain::validate::citizen_id_check_char(body).unwrap()
        );
        let e = check_visitor(&draft(&id), VisitSource::Invitation, false, day, Utc::now()).unwrap_err();
        assert!(e.to_string().contains("监护人"));
        let mut d = draft(&id);
        d.guardian_name = "张父".into();
        d.guardian_consent = true;
        let v = check_visitor(&d, VisitSource::Invitation, false, day, Utc::now()).unwrap();
        assert!(v.minor && v.consent_at.is_some());
        let mut d = draft("11010519491231002X");
        d.consent = false;
        assert!(check_visitor(&d, VisitSource::Invitation, false, day, Utc::now()).is_err());
        let v = check_visitor(&d, VisitSource::WalkIn, true, day, Utc::now()).unwrap();
        assert!(!v.minor && v.consent_at.is_none() && v.basis == LegalBasis::LegalDuty);
    }
}
