//! [`BulletinService`]: bulletins (警企通报, docs/BULLETINS.md; the Opinions Part 3).
//!
//! Who may do what: province, city and county police and police stations issue bulletins to the
//! units of their jurisdiction ([`Permission::BulletinIssue`]); a unit's security manager
//! acknowledges them ([`Permission::BulletinAcknowledge`]) and reports risks to the unit's police
//! station ([`Permission::BulletinReport`]). Everyone sees the bulletins addressed to units of
//! their scope (a unit: those addressed to it and its own reports); the rest reads as 404.

use chrono::{DateTime, Duration, Utc};
use neibao_domain::access::{Permission, Principal, Scope};
use neibao_domain::attachments::AttachmentOwner;
use neibao_domain::bulletins::*;
use neibao_domain::error::ErrorCode;
use neibao_domain::ids::new_id;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::registry::UnitSet;
use neibao_domain::text::checked_text;

use super::deadline::deadline_job;
use super::notify::{notify_recipients, notify_station};
use crate::context::Ctx;
use crate::error::{ServiceError, ServiceResult};

/// Longest title (characters).
pub const MAX_TITLE_CHARS: usize = 100;
/// Longest body (characters).
pub const MAX_BODY_CHARS: usize = 5000;
/// Longest reply (characters).
pub const MAX_REPLY_CHARS: usize = 1000;
/// Latest acknowledgement deadline (days from now).
pub const MAX_DEADLINE_DAYS: i64 = 90;
/// Most hand-picked units.
pub const MAX_PICKED: usize = 500;

/// A bulletin as typed by the police.
#[derive(Debug, Clone, Default)]
pub struct BulletinDraft {
    /// `risk_warning`, `case_notice`, `policy_notice`, `seasonal_reminder`.
    pub kind: String,
    /// `normal`, `important`, `urgent`.
    pub severity: String,
    pub title: String,
    pub body: String,
    /// The jurisdiction: a division-code prefix (2–12 digits) within the caller's.
    pub division_prefix: String,
    pub unit_set: UnitSet,
    pub ack_deadline: Option<DateTime<Utc>>,
    pub reply_requested: bool,
}

/// A unit's report to its police station.
#[derive(Debug, Clone, Default)]
pub struct ReportDraft {
    pub kind: String,
    pub severity: String,
    pub title: String,
    pub body: String,
}

/// Bulletins.
#[derive(Clone)]
pub struct BulletinService {
    pub(crate) ctx: Ctx,
}

pub(super) fn now() -> DateTime<Utc> {
    let t = Utc::now();
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

pub(super) fn name_of(who: &Principal) -> String {
    if who.display_name.trim().is_empty() {
        who.username.clone()
    } else {
        who.display_name.clone()
    }
}

fn checked_kind(s: &str) -> ServiceResult<BulletinKind> {
    BulletinKind::from_code(s)
        .ok_or_else(|| ServiceError::invalid("通报类别应为 风险提示、案情通报、政策通知 或 季节性提醒"))
}

fn checked_severity(s: &str) -> ServiceResult<Severity> {
    if s.trim().is_empty() {
        return Ok(Severity::Normal);
    }
    Severity::from_code(s).ok_or_else(|| ServiceError::invalid("紧急程度应为 一般、重要 或 紧急"))
}

fn own_unit(who: &Principal) -> ServiceResult<String> {
    who.unit_id
        .clone()
        .filter(|u| !u.is_empty())
        .ok_or_else(|| ServiceError::forbidden("只有单位账号可以签收或上报警企通报"))
}

impl BulletinService {
    pub fn new(ctx: Ctx) -> BulletinService {
        BulletinService { ctx }
    }

    /// Issues a bulletin ([`Permission::BulletinIssue`]) to the active units of the caller's
    /// scope under `division_prefix` matching `unit_set`, stored now, and notifies them (inbox and
    /// their own channels); the deadline job is written with it. 400 `validation_failed`: an
    /// unknown kind or severity, title (1–100) or body (1–5000) empty or too long, a prefix not of
    /// 2–12 digits, no deadline or one not after now or more than 90 days away, an unknown unit
    /// kind, no unit in range. 404: a prefix outside the jurisdiction, a hand-picked unit outside
    /// the scope, a park (`unit_set.liaison_point_id`, a liaison point's units now) not visible. Audited as `bulletin.issue`.
    #[tracing::instrument(skip_all)]
    pub async fn issue(&self, who: &Principal, d: BulletinDraft) -> ServiceResult<BulletinDetail> {
        who.require(Permission::BulletinIssue)?;
        let kind = checked_kind(&d.kind)?;
        let severity = checked_severity(&d.severity)?;
        let title = checked_text(&d.title, "标题", MAX_TITLE_CHARS, true, false)?;
        let body = checked_text(&d.body, "正文", MAX_BODY_CHARS, true, true)?;
        let prefix = d.division_prefix.trim().to_string();
        if !(2..=12).contains(&prefix.len()) || !prefix.chars().all(|c| c.is_ascii_digit()) {
            return Err(ServiceError::invalid("辖区应为 2–12 位行政区划代码（如 330106）"));
        }
        if let Scope::Division { prefix: mine } = &who.scope {
            if !prefix.starts_with(mine.as_str()) {
                return Err(ServiceError::refused(ErrorCode::NotFound, "所选辖区不在本人管辖范围内"));
            }
        }
        let at = now();
        let Some(deadline) = d.ack_deadline else {
            return Err(ServiceError::invalid("请填写签收期限"));
        };
        if deadline <= at {
            return Err(ServiceError::invalid("签收期限应晚于现在"));
        }
        if deadline - at > Duration::days(MAX_DEADLINE_DAYS) {
            return Err(ServiceError::invalid(format!("签收期限最长 {MAX_DEADLINE_DAYS} 天")));
        }
        let mut unit_set = d.unit_set.normalized(MAX_PICKED).map_err(ServiceError::invalid)?;
        if let Some(point) = unit_set.liaison_point_id.clone() {
            // A park (园区): the units of a liaison point the caller sees (R33).
            let p = self
                .ctx
                .store
                .liaison_point(&who.scope, who.org_id.as_deref(), &point)
                .await?
                .ok_or_else(|| ServiceError::refused(ErrorCode::NotFound, "所选园区不存在或不在本人管辖范围内"))?;
            unit_set.park_name = Some(if p.point.park_name.is_empty() {
                p.point.name.clone()
            } else {
                p.point.park_name.clone()
            });
        }
        if let Some(department) = unit_set.department_id.clone() {
            // A sector (行业): the units of a competent department.
            let org = match self.ctx.store.get_org_detail(&department).await {
                Ok(d) if d.org.kind == "department" => d.org,
                Ok(_) | Err(neibao_store::StoreError::NotFound) => {
                    return Err(ServiceError::refused(ErrorCode::NotFound, "所选行业主管部门不存在"))
                }
                Err(e) => return Err(e.into()),
            };
            unit_set.department_name = Some(org.name);
        }
        let b = NewBulletin {
            id: new_id(),
            direction: Direction::Down,
            kind,
            severity,
            title,
            body,
            division_prefix: prefix,
            unit_set,
            ack_deadline: Some(deadline),
            reply_requested: d.reply_requested,
            from_unit_id: None,
            from_unit_name: None,
            org_id: who.org_id.clone(),
            org_name: who.org_name.clone(),
            created_by: who.user_id.clone(),
            created_by_name: name_of(who),
            created_at: at,
        };
        let audit = who.audit("bulletin.issue", "bulletin", &b.id, None);
        let (bulletin, units) = self
            .ctx
            .store
            .create_bulletin(&who.scope, &b, Some(&deadline_job(&b.id, deadline)), &audit)
            .await?;
        notify_recipients(&self.ctx, &bulletin, &units)
            .await
            .map_err(ServiceError::Internal)?;
        self.bulletin(who, &bulletin.id).await
    }

    /// The caller's unit reports a risk to its police station ([`Permission::BulletinReport`]);
    /// the station is notified at once. 400 as [`BulletinService::issue`] for kind, severity,
    /// title and body; 409 `invalid_transition` when the unit has no police station. Audited as
    /// `bulletin.report`.
    #[tracing::instrument(skip_all)]
    pub async fn report(&self, who: &Principal, d: ReportDraft) -> ServiceResult<BulletinDetail> {
        who.require(Permission::BulletinReport)?;
        let unit_id = own_unit(who)?;
        let kind = checked_kind(&d.kind)?;
        let severity = checked_severity(&d.severity)?;
        let title = checked_text(&d.title, "标题", MAX_TITLE_CHARS, true, false)?;
        let body = checked_text(&d.body, "正文", MAX_BODY_CHARS, true, true)?;
        let unit = self.ctx.store.get_unit(&who.scope, &unit_id).await?;
        let Some(station) = unit.police_station_id.clone() else {
            return Err(ServiceError::refused(
                ErrorCode::InvalidTransition,
                "本单位尚未确定管辖派出所，无法上报",
            ));
        };
        let b = NewBulletin {
            id: new_id(),
            direction: Direction::Up,
            kind,
            severity,
            title,
            body,
            division_prefix: unit.division_code.clone(),
            unit_set: UnitSet::default(),
            ack_deadline: None,
            reply_requested: false,
            from_unit_id: Some(unit.id.clone()),
            from_unit_name: Some(unit.name.clone()),
            org_id: Some(station),
            org_name: unit.police_station_name.clone(),
            created_by: who.user_id.clone(),
            created_by_name: name_of(who),
            created_at: now(),
        };
        let audit = who.audit("bulletin.report", "bulletin", &b.id, Some(&unit.id));
        let (bulletin, _) = self.ctx.store.create_bulletin(&who.scope, &b, None, &audit).await?;
        notify_station(&self.ctx, &bulletin)
            .await
            .map_err(ServiceError::Internal)?;
        self.bulletin(who, &bulletin.id).await
    }

    /// One bulletin as the caller sees it: a unit account opening a bulletin addressed to its
    /// unit records the read receipt (first opening; audited as `bulletin.read`). 404 when
    /// absent or not addressed to the caller's scope.
    #[tracing::instrument(skip_all, fields(bulletin = %id))]
    pub async fn bulletin(&self, who: &Principal, id: &str) -> ServiceResult<BulletinDetail> {
        let (bulletin, mut recipients) = self
            .ctx
            .store
            .bulletin(&who.scope, id)
            .await?
            .ok_or_else(ServiceError::not_found)?;
        if let Some(unit) = who.unit_id.as_deref().filter(|u| !u.is_empty()) {
            if let Some(r) = recipients.iter_mut().find(|r| r.unit_id == unit && r.read_at.is_none()) {
                let at = now();
                let audit = who.audit("bulletin.read", "bulletin", id, Some(unit));
                if self
                    .ctx
                    .store
                    .read_bulletin(id, unit, &name_of(who), at, &audit)
                    .await?
                {
                    r.read_at = Some(at);
                    r.read_by = Some(name_of(who));
                }
            }
        }
        let stats = BulletinStats::of(&recipients, bulletin.ack_deadline, Utc::now());
        let attachments = self
            .ctx
            .store
            .owner_attachments(AttachmentOwner::Bulletin, &bulletin.id)
            .await?;
        Ok(BulletinDetail {
            bulletin,
            recipients,
            stats,
            attachments,
        })
    }

    /// The bulletin `id` if visible to the caller (no read receipt); 404 otherwise.
    pub(crate) async fn visible(&self, who: &Principal, id: &str) -> ServiceResult<(Bulletin, Vec<Recipient>)> {
        self.ctx
            .store
            .bulletin(&who.scope, id)
            .await?
            .ok_or_else(ServiceError::not_found)
    }

    /// The bulletins visible to the caller (optionally only `down` or `up`), newest first.
    #[tracing::instrument(skip_all)]
    pub async fn bulletins(
        &self,
        who: &Principal,
        direction: Option<Direction>,
        page: Page,
    ) -> ServiceResult<Listing<Bulletin>> {
        Ok(self.ctx.store.bulletins(&who.scope, direction, page).await?)
    }

    /// The caller's unit acknowledges a bulletin addressed to it, with a reply (required when the
    /// bulletin asks for one; at most 1000 characters) ([`Permission::BulletinAcknowledge`]).
    /// Acknowledging again changes nothing. 404 when not addressed to the caller's unit; 400 a
    /// missing or too long reply. Audited as `bulletin.acknowledge`.
    #[tracing::instrument(skip_all, fields(bulletin = %id))]
    pub async fn acknowledge(&self, who: &Principal, id: &str, reply: &str) -> ServiceResult<Recipient> {
        who.require(Permission::BulletinAcknowledge)?;
        let unit_id = own_unit(who)?;
        let (bulletin, recipients) = self
            .ctx
            .store
            .bulletin(&who.scope, id)
            .await?
            .ok_or_else(ServiceError::not_found)?;
        let Some(mine) = recipients.into_iter().find(|r| r.unit_id == unit_id) else {
            return Err(ServiceError::not_found());
        };
        if mine.acknowledged_at.is_some() {
            return Ok(mine);
        }
        let reply = checked_text(reply, "回复", MAX_REPLY_CHARS, bulletin.reply_requested, true)?;
        let audit = who.audit("bulletin.acknowledge", "bulletin", id, Some(&unit_id));
        let reply = (!reply.is_empty()).then_some(reply);
        Ok(self
            .ctx
            .store
            .acknowledge_bulletin(id, &unit_id, &name_of(who), reply.as_deref(), now(), &audit)
            .await?)
    }
}
