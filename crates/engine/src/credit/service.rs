//! [`CreditService`]: manual credit entries and objections (docs/CREDIT.md; R30).
//!
//! Who may do what: county-level and higher police enter entries and review objections
//! ([`Permission::CreditRecord`]); the unit's security manager objects to an entry of its own
//! unit ([`Permission::CreditObject`]); everyone reads the entries of the units in their scope
//! (outside it: not found), competent departments only the published (公示) ones.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use neibao_domain::access::{Permission, Principal, Role};
use neibao_domain::attachments::{
    check_size, clean_file_name, stored_content_type, Attachment, AttachmentOwner, NewAttachment, Upload,
};
use neibao_domain::credit::*;
use neibao_domain::ids::new_id;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::supervision::credit::EntryKind;
use neibao_domain::supervision::CreditRecord;
use neibao_domain::text::checked_text;
use serde::Serialize;

use super::deadline::{deadline_job, deadline_of};
use crate::context::Ctx;
use crate::error::{ServiceError, ServiceResult};
use crate::notifications::notice::{send, Notice};

/// A manual entry as sent.
#[derive(Debug, Clone, Default)]
pub struct EntryInput {
    /// An [`EntryKind`] code (`other_violation` for 其他违法违规行为).
    pub kind: String,
    /// Points deducted, 0–100.
    pub points: Option<i64>,
    /// 法律依据 (required, at most 500 characters).
    pub basis: String,
    /// 事实和理由 (required, at most 2000 characters).
    pub reason: String,
    /// Last day the entry counts, `YYYY-MM-DD` (Beijing time), after today and at most 3650
    /// days on.
    pub expires_on: String,
    /// 公示.
    pub published: bool,
}

/// A review decision as sent.
#[derive(Debug, Clone, Default)]
pub struct DecisionInput {
    /// `withdraw`, `amend` or `reject`.
    pub decision: String,
    /// The reasons (required, at most 2000 characters).
    pub reason: String,
    /// Amend: the new points (0–100).
    pub points: Option<i64>,
    /// Amend: the new last day, `YYYY-MM-DD`.
    pub expires_on: Option<String>,
}

/// An objection with the entry it concerns and its evidence files.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ObjectionDetail {
    pub objection: Objection,
    pub record: CreditRecord,
    pub evidence: Vec<Attachment>,
}

fn now() -> DateTime<Utc> {
    let t = Utc::now();
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
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

/// The end of day `s` (`YYYY-MM-DD`, Beijing time): the entry counts through that day. 400
/// unless after today and at most [`MAX_VALID_DAYS`] days on.
fn expiry_of(s: &str, at: DateTime<Utc>) -> ServiceResult<DateTime<Utc>> {
    let s = s.trim();
    if s.is_empty() {
        return Err(ServiceError::invalid("请填写有效期至（日期）"));
    }
    let day = NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| ServiceError::invalid(format!("有效期至「{s}」不是日期，应为 年-月-日，如 2027-12-31")))?;
    let tz = chrono_tz::Asia::Shanghai;
    let end = day
        .succ_opt()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|t| tz.from_local_datetime(&t).single())
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| ServiceError::invalid("有效期至不是有效日期"))?;
    if day <= at.with_timezone(&tz).date_naive() {
        return Err(ServiceError::invalid("有效期至应晚于今天"));
    }
    if end > at + Duration::days(MAX_VALID_DAYS + 1) {
        return Err(ServiceError::invalid(format!("有效期不超过{MAX_VALID_DAYS}日")));
    }
    Ok(end)
}

fn points_of(p: Option<i64>) -> ServiceResult<i64> {
    let p = p.ok_or_else(|| ServiceError::invalid("请填写扣分（0–100）"))?;
    if !(0..=100).contains(&p) {
        return Err(ServiceError::invalid("扣分须在0至100之间"));
    }
    Ok(p)
}

#[derive(Clone)]
pub struct CreditService {
    pub(crate) ctx: Ctx,
}

impl CreditService {
    pub fn new(ctx: Ctx) -> CreditService {
        CreditService { ctx }
    }

    async fn notify(&self, notice: Notice) -> ServiceResult<()> {
        send(self.ctx.store.as_ref(), &notice, self.ctx.config.public_url.as_deref())
            .await
            .map_err(ServiceError::from)?;
        Ok(())
    }

    /// Enters a credit entry by hand ([`Permission::CreditRecord`]; 404 outside the scope): 400
    /// for an unknown kind, points outside 0–100, an empty legal basis or reason, or an expiry
    /// not after today (at most 3650 days); 409 for a closed unit. It counts in the score at
    /// once; `published` (公示) shows it to competent departments and on the 诚信公示 list.
    /// Audited as `credit.record`. Repeats of one `Idempotency-Key` make one entry (middleware).
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn record(&self, who: &Principal, unit_id: &str, input: EntryInput) -> ServiceResult<CreditRecord> {
        who.require(Permission::CreditRecord)?;
        let code = input.kind.trim();
        if code.is_empty() {
            return Err(ServiceError::invalid("请选择记录类型"));
        }
        let kind = EntryKind::from_code(code)
            .ok_or_else(|| ServiceError::invalid(format!("记录类型「{code}」不存在，请从列表中选择")))?;
        let points = points_of(input.points)?;
        let basis = checked_text(&input.basis, "法律依据", MAX_BASIS_CHARS, true, true)?;
        let reason = checked_text(&input.reason, "事实和理由", MAX_TEXT_CHARS, true, true)?;
        let at = now();
        let expires_at = expiry_of(&input.expires_on, at)?;
        let e = NewManualEntry {
            id: new_id(),
            unit_id: unit_id.to_string(),
            kind,
            points,
            basis,
            reason,
            recorded_by: name_of(who),
            recorded_org_id: who.org_id.clone(),
            at,
            expires_at,
            published: input.published,
        };
        let mut audit = who.audit("credit.record", "credit_record", &e.id, Some(unit_id));
        audit.detail = format!(
            "{}，扣{}分，{}",
            kind.label_zh(),
            points,
            if e.published { "公示" } else { "不公示" }
        );
        Ok(self.ctx.store.record_credit_entry(&who.scope, &e, &audit).await?)
    }

    /// The credit entries of a unit in scope, newest first (withdrawn ones included, marked);
    /// competent departments see the published ones only. 404 outside the scope.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn entries(&self, who: &Principal, unit_id: &str) -> ServiceResult<Vec<CreditRecord>> {
        let mut v = self.ctx.store.credit_records(&who.scope, unit_id).await?;
        if !sees_unpublished(who.role) {
            v.retain(|r| r.published);
        }
        Ok(v)
    }

    async fn entry(&self, who: &Principal, id: &str) -> ServiceResult<CreditRecord> {
        let r = self
            .ctx
            .store
            .credit_entry(&who.scope, id)
            .await?
            .ok_or_else(ServiceError::not_found)?;
        if !r.published && !sees_unpublished(who.role) {
            return Err(ServiceError::not_found());
        }
        Ok(r)
    }

    /// The unit's objection (异议) to an entry ([`Permission::CreditObject`]; 404 outside the
    /// scope): the text (required, 2000 characters) says what is wrong; evidence files follow
    /// with [`CreditService::add_evidence`]. 409 when the entry is withdrawn or expired or
    /// already has a pending objection. The review deadline is
    /// [`neibao_domain::credit::REVIEW_DAYS`] days on; the reviewing police are told at once.
    /// Audited as `credit.object`.
    #[tracing::instrument(skip_all, fields(record = %record_id))]
    pub async fn object(&self, who: &Principal, record_id: &str, text: &str) -> ServiceResult<Objection> {
        who.require(Permission::CreditObject)?;
        let text = checked_text(text, "异议理由", MAX_TEXT_CHARS, true, true)?;
        self.entry(who, record_id).await?;
        let at = now();
        let o = NewObjection {
            id: new_id(),
            record_id: record_id.to_string(),
            text,
            filed_by: who.user_id.clone(),
            filed_by_name: name_of(who),
            at,
            deadline: deadline_of(at),
        };
        let audit = who.audit("credit.object", "credit_objection", &o.id, None);
        let created = self
            .ctx
            .store
            .file_credit_objection(&who.scope, &o, &deadline_job(&o.id, o.deadline), &audit)
            .await?;
        if let Some(org) = &created.review_org_id {
            self.notify(Notice {
                key: format!("credit-objection:{}", created.id),
                unit_id: None,
                org_ids: vec![org.clone()],
                title: format!("收到诚信异议：{}（{}）", created.unit_name, created.record_kind_label),
                unit_name: created.unit_name.clone(),
                summary: format!(
                    "请在 {} 前复核并作出更正或驳回的决定。",
                    created
                        .deadline
                        .with_timezone(&chrono_tz::Asia::Shanghai)
                        .format("%Y-%m-%d %H:%M")
                ),
                link: format!("/credit/objections/{}", created.id),
                at,
            })
            .await?;
        }
        Ok(created)
    }

    /// One objection with its entry and evidence. 404 absent or outside the scope; 403 for
    /// competent departments, which do not review objections.
    #[tracing::instrument(skip_all, fields(objection = %id))]
    pub async fn get(&self, who: &Principal, id: &str) -> ServiceResult<ObjectionDetail> {
        if who.role == Role::Department {
            return Err(ServiceError::forbidden("主管部门不复核诚信异议"));
        }
        let objection = self
            .ctx
            .store
            .credit_objection(&who.scope, id)
            .await?
            .ok_or_else(ServiceError::not_found)?;
        let record = self.entry(who, &objection.record_id).await?;
        let evidence = self
            .ctx
            .store
            .list_attachments(&who.scope, AttachmentOwner::CreditObjection, id)
            .await?;
        Ok(ObjectionDetail {
            objection,
            record,
            evidence,
        })
    }

    /// The public 诚信公示 list (no account; docs/CREDIT.md "Public list"): entries published
    /// (公示), not withdrawn and not expired, newest first; unit name, kind, legal basis, points
    /// and dates only — ID and phone numbers or plates in the legal basis masked as everywhere.
    #[tracing::instrument(skip_all)]
    pub async fn public_entries(&self, page: Page) -> ServiceResult<Listing<PublicEntry>> {
        let mut l = self.ctx.store.public_credit_entries(now(), page).await?;
        for e in &mut l.items {
            e.basis = neibao_domain::privacy::mask_personal_data(&e.basis);
        }
        Ok(l)
    }

    /// Objections in scope (a unit: its own), pending first, then by deadline. Competent
    /// departments do not review objections: 403.
    #[tracing::instrument(skip_all)]
    pub async fn list(&self, who: &Principal, f: &ObjectionFilter, page: Page) -> ServiceResult<Listing<Objection>> {
        if who.role == Role::Department {
            return Err(ServiceError::forbidden("主管部门不复核诚信异议"));
        }
        Ok(self.ctx.store.list_credit_objections(&who.scope, f, page).await?)
    }

    /// Whether the caller may add evidence to an objection (checked before the upload is read):
    /// [`Permission::CreditObject`], the objection in scope (404) and still pending (409).
    pub async fn evidence_target(&self, who: &Principal, id: &str) -> ServiceResult<Objection> {
        who.require(Permission::CreditObject)?;
        let d = self.get(who, id).await?;
        if d.objection.state != ObjectionState::Pending {
            return Err(ServiceError::refused(
                neibao_domain::error::ErrorCode::InvalidTransition,
                "异议已复核，不能再补充证据",
            ));
        }
        Ok(d.objection)
    }

    /// Stores an evidence file of a pending objection ([`Permission::CreditObject`]; at most
    /// 10 MB, else 413; images and PDF are shown inline, anything else offered for download)
    /// as an attachment of owner kind `credit_objection`, audited as `attachment.upload`.
    #[tracing::instrument(skip_all, fields(objection = %id))]
    pub async fn add_evidence(&self, who: &Principal, id: &str, upload: Upload) -> ServiceResult<Attachment> {
        let o = self.evidence_target(who, id).await?;
        check_size(upload.data.len())?;
        let content_type = stored_content_type(&upload.content_type);
        let mut audit = who.audit("attachment.upload", "attachment", "", Some(&o.unit_id));
        audit.detail = serde_json::json!({
            "owner_kind": AttachmentOwner::CreditObjection.code(),
            "owner_id": id,
            "content_type": content_type,
            "size": upload.data.len(),
        })
        .to_string();
        Ok(self
            .ctx
            .store
            .add_attachment(
                &who.scope,
                &NewAttachment {
                    unit_id: o.unit_id,
                    owner_kind: AttachmentOwner::CreditObjection,
                    owner_id: id.to_string(),
                    name: clean_file_name(&upload.name),
                    content_type,
                    data: upload.data,
                    uploaded_by: who.display_name.clone(),
                },
                &audit,
                Utc::now(),
            )
            .await?)
    }

    /// The police review ([`Permission::CreditRecord`]): `withdraw` (更正：撤销该记录; it no longer
    /// counts in the score or grade anywhere and stays visible as history), `amend` (new points
    /// 0–100 and/or a new last day) or `reject` (驳回; the entry stands), with reasons
    /// (required). 400 for bad input; 404 outside the scope; 409 when already decided. Audited
    /// as `credit.withdraw`, `credit.amend` or `credit.reject`; the unit is told.
    #[tracing::instrument(skip_all, fields(objection = %id))]
    pub async fn decide(&self, who: &Principal, id: &str, input: DecisionInput) -> ServiceResult<ObjectionDetail> {
        who.require(Permission::CreditRecord)?;
        let current = self.get(who, id).await?;
        let code = input.decision.trim();
        if code.is_empty() {
            return Err(ServiceError::invalid(
                "请选择复核结果（撤销记录、变更扣分或有效期、驳回异议）",
            ));
        }
        let kind = DecisionKind::from_code(code)
            .ok_or_else(|| ServiceError::invalid(format!("复核结果「{code}」不存在，请从列表中选择")))?;
        let reason = checked_text(&input.reason, "复核理由", MAX_TEXT_CHARS, true, true)?;
        let at = now();
        let (mut points, mut expires_at) = (None, None);
        if kind == DecisionKind::Amend {
            let exp = input.expires_on.as_deref().map(str::trim).filter(|s| !s.is_empty());
            if input.points.is_none() && exp.is_none() {
                return Err(ServiceError::invalid("变更记录时请填写新的扣分或有效期"));
            }
            if input.points.is_some() {
                points = Some(points_of(input.points)?);
            }
            if let Some(s) = exp {
                expires_at = Some(expiry_of(s, at)?);
            }
        }
        let d = Decision {
            kind,
            reason,
            points,
            expires_at,
            by: who.user_id.clone(),
            by_name: name_of(who),
        };
        let action = match kind {
            DecisionKind::Withdraw => "credit.withdraw",
            DecisionKind::Amend => "credit.amend",
            DecisionKind::Reject => "credit.reject",
        };
        let mut audit = who.audit(action, "credit_objection", id, Some(&current.objection.unit_id));
        audit.detail = match kind {
            DecisionKind::Amend => format!(
                "记录 {}：扣分 {} → {}",
                current.record.id,
                current.record.points,
                points.unwrap_or(current.record.points)
            ),
            _ => format!("记录 {}", current.record.id),
        };
        let o = self
            .ctx
            .store
            .decide_credit_objection(&who.scope, id, &d, at, &audit)
            .await?;
        self.notify(Notice {
            key: format!("credit-objection-decided:{id}"),
            unit_id: Some(o.unit_id.clone()),
            org_ids: Vec::new(),
            title: format!("诚信异议已复核：{}", kind.label_zh()),
            unit_name: o.unit_name.clone(),
            summary: format!(
                "公安机关已复核本单位对诚信记录「{}」的异议：{}。",
                o.record_kind_label,
                kind.label_zh()
            ),
            link: format!("/credit/objections/{id}"),
            at,
        })
        .await?;
        self.get(who, id).await
    }
}
