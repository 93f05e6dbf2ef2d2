//! [`ReportService`]: reports to the police (docs/REPORTS.md; R12(4), R24, R48).
//!
//! Who may do what: the unit's own manager and guards file reports of their unit
//! ([`Permission::ReportFile`]); anyone files a suspicious-activity report through the public form
//! (no account; a per-address [`PublicBudget`] and an hourly installation-wide cap); police of the
//! organisation it was routed to, and the bureaus above it, acknowledge it and record its handling
//! ([`Permission::ReportHandle`]); everyone reads the reports in their scope (a unit its own,
//! police those of their jurisdiction, a competent department none). People involved and the
//! public reporter's contact are encrypted at rest and answered masked.

use std::net::IpAddr;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Asia::Shanghai;
use neibao_domain::access::{Permission, Principal};
use neibao_domain::error::ErrorCode;
use neibao_domain::ids::new_id;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::registry::{KeyArea, LifeState, Organisation};
use neibao_domain::reports::*;
use neibao_domain::text::checked_text;
use neibao_domain::validate::{CitizenId, DivisionCode, PhoneNumber};
use serde::Serialize;

use super::budget::PublicBudget;
use crate::context::Ctx;
use crate::error::{ServiceError, ServiceResult};
use crate::notifications::notice::{send, Notice};

/// What a unit account files.
#[derive(Debug, Clone, Default)]
pub struct FileInput {
    /// A [`ReportKind`] code; absent: `incident`.
    pub kind: Option<String>,
    pub title: String,
    pub details: String,
    pub place: String,
    pub key_area_id: Option<String>,
    pub occurred_at: Option<DateTime<Utc>>,
    pub people: Vec<InvolvedPerson>,
    pub first_actions: String,
    pub scene_preserved: bool,
}

/// What the public form sends.
#[derive(Debug, Clone, Default)]
pub struct PublicInput {
    /// The division of the place (a division code the police organisations cover).
    pub division_code: String,
    pub place: String,
    pub details: String,
    pub occurred_at: Option<DateTime<Utc>>,
    /// Optional; encrypted at rest.
    pub contact: String,
    /// The honeypot field: a person never fills it in.
    pub honeypot: String,
}

/// What a public reporter is told: nothing but the receipt.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicReceipt {
    /// `已收到`.
    pub message: String,
    /// The receipt number (回执编号).
    pub receipt_no: String,
}

/// One report as answered: people and contact masked, the time to acknowledgement beside it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReportView {
    #[serde(flatten)]
    pub report: Report,
    /// Seconds from filing to acknowledgement (R24).
    pub seconds_to_acknowledge: Option<i64>,
    /// Its photos, oldest first (a single report's answer; empty in lists). Download one from
    /// `/api/v1/reports/{id}/photos/{photo}`.
    pub photos: Vec<neibao_domain::attachments::Attachment>,
}

impl ReportView {
    pub fn of(r: Report) -> ReportView {
        ReportView {
            seconds_to_acknowledge: r.seconds_to_acknowledge(),
            report: r.masked(),
            photos: Vec::new(),
        }
    }
}

/// Now, to the millisecond (as stored).
fn now() -> DateTime<Utc> {
    let t = Utc::now();
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

#[derive(Clone)]
pub struct ReportService {
    pub(super) ctx: Ctx,
    budget: Arc<PublicBudget>,
}

impl ReportService {
    pub fn new(ctx: Ctx) -> ReportService {
        ReportService {
            ctx,
            budget: Arc::new(PublicBudget::default()),
        }
    }

    /// The unit's name and key areas in use, for the filing page. 404 outside the scope.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn unit_for_report(&self, who: &Principal, unit_id: &str) -> ServiceResult<(String, Vec<KeyArea>)> {
        who.require(Permission::ReportRead)?;
        let unit = self.ctx.store.get_unit(&who.scope, unit_id).await?;
        let areas = self
            .ctx
            .store
            .list_key_areas(&who.scope, unit_id)
            .await?
            .into_iter()
            .filter(|k| k.state == LifeState::Active)
            .collect();
        Ok((unit.name, areas))
    }

    /// The deepest police organisation whose jurisdiction covers `division` (stations only when
    /// `stations`).
    async fn route(&self, division: &str, stations: bool) -> ServiceResult<Option<Organisation>> {
        let mut best: Option<(usize, Organisation)> = None;
        for org in self.ctx.store.list_organisations(None, None).await? {
            if !org.kind.starts_with("police_") || (!stations && org.kind == "police_station") {
                continue;
            }
            let Ok(code) = DivisionCode::parse(&org.division_code) else {
                continue;
            };
            let prefix = code.scope_prefix().to_string();
            if division.starts_with(&prefix) && best.as_ref().is_none_or(|(n, _)| prefix.len() > *n) {
                best = Some((prefix.len(), org));
            }
        }
        Ok(best.map(|(_, o)| o))
    }

    /// The places the public form offers: every police station and county bureau, as
    /// (division code, name), by code. Reveals nothing about any unit.
    #[tracing::instrument(skip_all)]
    pub async fn public_places(&self) -> ServiceResult<Vec<(String, String)>> {
        let mut v: Vec<(String, String)> = self
            .ctx
            .store
            .list_organisations(None, None)
            .await?
            .into_iter()
            .filter(|o| o.kind == "police_station" || o.kind == "police_county")
            .map(|o| (o.division_code, o.name))
            .collect();
        v.sort();
        v.dedup_by(|a, b| a.0 == b.0);
        Ok(v)
    }

    /// Files a report of the unit as the caller ([`Permission::ReportFile`]: the unit's own
    /// manager and guards; 404 outside the scope; 409 for a unit that is not active). 400 for an
    /// unknown kind, a missing or too long title (100), details (2000), place (200), first actions
    /// (1000), more than 20 people, a person without a name, an invalid ID number or phone, a key
    /// area not the unit's, a time in the future. Routed to the unit's police station (a unit
    /// without one: the deepest bureau covering its division), which is told at once (inbox and
    /// channels). Audited as `report.file`. A repeat with the same `Idempotency-Key` is one report.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn file(&self, who: &Principal, unit_id: &str, input: FileInput) -> ServiceResult<ReportView> {
        who.require(Permission::ReportFile)?;
        let unit = self.ctx.store.get_unit(&who.scope, unit_id).await?;
        if unit.state != LifeState::Active {
            return Err(ServiceError::refused(
                ErrorCode::InvalidTransition,
                "单位已停用或注销，不能报告；如遇紧急情况请直接拨打110",
            ));
        }
        let kind = match input.kind.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => ReportKind::Incident,
            Some(code) => ReportKind::from_code(code)
                .ok_or_else(|| ServiceError::invalid(format!("报告类型「{code}」不存在，请从列表中选择")))?,
        };
        let title = checked_text(&input.title, "事件概要", MAX_TITLE_CHARS, true, false)?;
        let details = checked_text(&input.details, "详细经过", MAX_DETAILS_CHARS, false, true)?;
        let place = checked_text(&input.place, "发生地点", MAX_PLACE_CHARS, false, false)?;
        let first_actions = checked_text(&input.first_actions, "先期处置", MAX_ACTIONS_CHARS, false, true)?;
        let occurred_at = checked_time(input.occurred_at)?;
        let people = checked_people(&input.people)?;
        let key_area_id = input
            .key_area_id
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        if let Some(k) = &key_area_id {
            let areas = self.ctx.store.list_key_areas(&who.scope, unit_id).await?;
            if !areas.iter().any(|a| &a.id == k) {
                return Err(ServiceError::invalid("所选重要部位不属于本单位"));
            }
        }
        let station = match &unit.police_station_id {
            Some(s) => Some(s.clone()),
            None => self.route(&unit.division_code, false).await?.map(|o| o.id),
        };
        let at = now();
        let id = new_id();
        let r = NewReport {
            receipt_no: receipt_no(at, &id),
            id,
            kind,
            source: "unit",
            unit_id: Some(unit_id.to_string()),
            station_id: station,
            division_code: unit.division_code.clone(),
            key_area_id,
            place,
            title,
            details,
            occurred_at,
            people,
            first_actions,
            scene_preserved: input.scene_preserved,
            reporter_id: Some(who.user_id.clone()),
            reporter_name: if who.display_name.trim().is_empty() {
                who.username.clone()
            } else {
                who.display_name.clone()
            },
            contact: String::new(),
            anonymous: false,
            client: String::new(),
            at,
        };
        let audit = who.audit("report.file", "report", &r.id, Some(unit_id));
        let report = self.ctx.store.create_report(&r, &audit).await?;
        self.tell_police(&report).await?;
        Ok(ReportView::of(report))
    }

    /// Files a suspicious-activity report from the public form (R48; no account). 400 for a place
    /// division the police organisations do not cover, missing or too long details (2000) or
    /// place (200), a contact over 50 characters, a time in the future; 429 (`busy`) when the
    /// client address has used up its budget or the installation its hourly cap. A filled
    /// honeypot is answered like a success and stores nothing. Only an accepted report is
    /// charged, and every accepted report is stored. Routed to the deepest police organisation
    /// covering the division (a station first), told at once. Audited as `report.file_public`.
    #[tracing::instrument(skip_all)]
    pub async fn file_public(&self, client: IpAddr, input: PublicInput) -> ServiceResult<PublicReceipt> {
        let details = checked_text(&input.details, "情况描述", MAX_DETAILS_CHARS, true, true)?;
        let place = checked_text(&input.place, "发生地点", MAX_PLACE_CHARS, true, false)?;
        let contact = checked_text(&input.contact, "联系方式", MAX_CONTACT_CHARS, false, false)?;
        let occurred_at = checked_time(input.occurred_at)?;
        let division = input.division_code.trim();
        let org = match DivisionCode::parse(division) {
            Ok(_) => self.route(division, true).await?,
            Err(_) => None,
        };
        let Some(org) = org else {
            return Err(ServiceError::invalid("请从列表中选择事发地所属辖区"));
        };
        if let Err(secs) = self.budget.take(client) {
            return Err(busy(format!(
                "提交过于频繁，请约 {} 分钟后再试；如情况紧急请直接拨打110",
                secs.div_ceil(60)
            )));
        }
        let at = now();
        let id = new_id();
        let receipt = receipt_no(at, &id);
        if !input.honeypot.trim().is_empty() {
            // A form filled in by a robot: it is told what a person is told.
            return Ok(PublicReceipt {
                message: "已收到".into(),
                receipt_no: receipt,
            });
        }
        let stored = self.ctx.store.public_reports_since(at - Duration::hours(1)).await?;
        if stored >= i64::from(PUBLIC_PER_HOUR) {
            return Err(busy("当前提交的报告过多，请稍后再试；如情况紧急请直接拨打110".into()));
        }
        let r = NewReport {
            receipt_no: receipt.clone(),
            id,
            kind: ReportKind::Suspicious,
            source: "public",
            unit_id: None,
            station_id: Some(org.id.clone()),
            division_code: division.to_string(),
            key_area_id: None,
            place,
            title: "群众报告可疑情况".into(),
            details,
            occurred_at,
            people: Vec::new(),
            first_actions: String::new(),
            scene_preserved: false,
            reporter_id: None,
            reporter_name: String::new(),
            anonymous: contact.is_empty(),
            contact,
            client: crate::intake::tokens::address_group(client).to_string(),
            at,
        };
        let audit = Principal::system("公众").audit("report.file_public", "report", &r.id, None);
        let report = self.ctx.store.create_report(&r, &audit).await?;
        self.tell_police(&report).await?;
        Ok(PublicReceipt {
            message: "已收到".into(),
            receipt_no: receipt,
        })
    }

    /// Tells the organisation the report was routed to: an inbox item for each of its accounts
    /// and its channels, in the same request.
    async fn tell_police(&self, r: &Report) -> ServiceResult<()> {
        let Some(org) = &r.station_id else {
            return Ok(());
        };
        let from = r.unit_name.clone().unwrap_or_else(|| "群众".into());
        let notice = Notice {
            key: format!("report:{}", r.id),
            unit_id: None,
            org_ids: vec![org.clone()],
            title: format!("{}报告：{} {}", r.kind.label_zh(), from, r.title),
            unit_name: from.clone(),
            summary: format!(
                "{from}报告了{}（回执 {}），请及时签收并登记处置。",
                r.kind.label_zh(),
                r.receipt_no
            ),
            link: format!("/reports/{}", r.id),
            at: r.submitted_at,
        };
        send(self.ctx.store.as_ref(), &notice, self.ctx.config.public_url.as_deref()).await?;
        Ok(())
    }

    /// One report, masked, with its photos ([`Permission::ReportRead`]). 404 absent or outside
    /// the scope.
    #[tracing::instrument(skip_all, fields(report = %id))]
    pub async fn get(&self, who: &Principal, id: &str) -> ServiceResult<ReportView> {
        who.require(Permission::ReportRead)?;
        let r = self
            .ctx
            .store
            .report(&who.scope, id)
            .await?
            .ok_or_else(ServiceError::not_found)?;
        self.view(r).await
    }

    /// The answer of one report: masked, with its photos.
    pub(super) async fn view(&self, r: Report) -> ServiceResult<ReportView> {
        let photos = self.photos_of(&r).await?;
        Ok(ReportView {
            photos,
            ..ReportView::of(r)
        })
    }

    /// Reports in scope, newest first, masked ([`Permission::ReportRead`]).
    #[tracing::instrument(skip_all)]
    pub async fn list(&self, who: &Principal, f: &ReportFilter, page: Page) -> ServiceResult<Listing<ReportView>> {
        who.require(Permission::ReportRead)?;
        let l = self.ctx.store.list_reports(&who.scope, f, page).await?;
        Ok(Listing {
            items: l.items.into_iter().map(ReportView::of).collect(),
            total: l.total,
            total_capped: l.total_capped,
            page: l.page,
            per_page: l.per_page,
        })
    }

    fn handler_name(who: &Principal) -> String {
        match &who.org_name {
            Some(org) => format!("{}（{org}）", who.display_name),
            None => who.display_name.clone(),
        }
    }

    /// Acknowledges (签收) a report ([`Permission::ReportHandle`]; 404 outside the scope; 409
    /// `invalid_transition` when acknowledged already). Audited as `report.acknowledge`.
    #[tracing::instrument(skip_all, fields(report = %id))]
    pub async fn acknowledge(&self, who: &Principal, id: &str) -> ServiceResult<ReportView> {
        who.require(Permission::ReportHandle)?;
        let current = self.get(who, id).await?;
        let audit = who.audit("report.acknowledge", "report", id, current.report.unit_id.as_deref());
        let r = self
            .ctx
            .store
            .acknowledge_report(&who.scope, id, &Self::handler_name(who), now(), &audit)
            .await?;
        self.view(r).await
    }

    /// Records handling (处置记录, 1000 characters, required) and, with `close`, closes the
    /// report ([`Permission::ReportHandle`]; a submitted report is acknowledged by it; 404 outside
    /// the scope; 409 once closed). Audited as `report.note` or `report.close`.
    #[tracing::instrument(skip_all, fields(report = %id, close))]
    pub async fn handle(&self, who: &Principal, id: &str, text: &str, close: bool) -> ServiceResult<ReportView> {
        who.require(Permission::ReportHandle)?;
        let text = checked_text(text, "处置情况", MAX_NOTE_CHARS, true, true)?;
        let current = self.get(who, id).await?;
        let audit = who.audit(
            if close { "report.close" } else { "report.note" },
            "report",
            id,
            current.report.unit_id.as_deref(),
        );
        let r = self
            .ctx
            .store
            .add_report_note(
                &who.scope,
                id,
                &HandlingNote {
                    text,
                    close,
                    by: Self::handler_name(who),
                    at: now(),
                },
                &audit,
            )
            .await?;
        self.view(r).await
    }
}

fn busy(message: String) -> ServiceError {
    ServiceError::refused(ErrorCode::Busy, message)
}

fn checked_time(t: Option<DateTime<Utc>>) -> ServiceResult<Option<DateTime<Utc>>> {
    if let Some(t) = t {
        if t > Utc::now() + Duration::minutes(5) {
            return Err(ServiceError::invalid("发生时间不能晚于当前时间"));
        }
        if t < Utc::now() - Duration::days(366) {
            return Err(ServiceError::invalid("发生时间不能早于一年前"));
        }
    }
    Ok(t)
}

fn checked_people(people: &[InvolvedPerson]) -> ServiceResult<Vec<InvolvedPerson>> {
    if people.len() > MAX_PEOPLE {
        return Err(ServiceError::invalid(format!("涉事人员最多 {MAX_PEOPLE} 人")));
    }
    let today = Utc::now().with_timezone(&Shanghai).date_naive();
    let mut out = Vec::new();
    for (i, p) in people.iter().enumerate() {
        let n = i + 1;
        if p.name.trim().is_empty() && p.id_number.trim().is_empty() && p.phone.trim().is_empty() {
            continue;
        }
        let name = checked_text(&p.name, &format!("第{n}位涉事人员的姓名"), 50, true, false)?;
        let role = checked_text(&p.role, &format!("第{n}位涉事人员的身份"), 50, false, false)?;
        let id_number = p.id_number.trim().to_ascii_uppercase();
        if !id_number.is_empty() {
            CitizenId::parse(&id_number, today)
                .map_err(|e| ServiceError::invalid(format!("第{n}位涉事人员的{}", e.message)))?;
        }
        let phone: String = p.phone.chars().filter(|c| !c.is_whitespace()).collect();
        if !phone.is_empty() {
            PhoneNumber::parse(&phone).map_err(|e| ServiceError::invalid(format!("第{n}位涉事人员的{}", e.message)))?;
        }
        out.push(InvolvedPerson {
            name,
            role,
            id_number,
            phone,
        });
    }
    Ok(out)
}
