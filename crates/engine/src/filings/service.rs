//! [`FilingService`]: filings with the police (docs/FILINGS.md).
//!
//! Who may do what: everyone reads the filings of the units in their scope (police, competent
//! departments and administrators those of their jurisdiction, a unit's accounts their own);
//! the unit's security manager opens one by hand, fills it in and submits it
//! ([`Permission::FilingWrite`]); county-level and higher police acknowledge, return (with
//! reasons) and archive ([`Permission::FilingReview`]; own-hired guard filings only city-level
//! and higher, R57). Obligations opened by other capabilities (a guard starts service, a video
//! system goes into use) come in through [`FilingService::open_obligation`] under the system
//! actor. A filing outside the scope is not found.

use std::collections::BTreeMap;

use chrono::{NaiveDate, Utc};
use neibao_domain::access::{Permission, Principal};
use neibao_domain::designations::DesignationFilter;
use neibao_domain::filings::*;
use neibao_domain::ids::new_id;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::text::checked_text;
use serde::Serialize;

use super::deadlines::{beijing_today, deadline_jobs};
use crate::context::Ctx;
use crate::error::{ServiceError, ServiceResult};

/// Longest source reference (characters).
pub const MAX_SOURCE_REF_CHARS: usize = 100;
/// Longest reason of a return or note of an acknowledgement (characters).
pub const MAX_NOTE_CHARS: usize = 500;

/// Now, to the millisecond (as stored).
fn now() -> chrono::DateTime<Utc> {
    let t = Utc::now();
    chrono::DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

/// A kind of filing as clients read it: its required content and deadline rule.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct KindInfo {
    pub kind: FilingKind,
    pub label: String,
    pub article: String,
    pub rule: String,
    pub trigger_label: String,
    pub receiver: Receiver,
    pub receiver_label: String,
    pub fields: Vec<FieldSpec>,
}

impl KindInfo {
    pub fn of(kind: FilingKind) -> KindInfo {
        KindInfo {
            kind,
            label: kind.label_zh().into(),
            article: kind.article_zh().into(),
            rule: kind.rule_zh().into(),
            trigger_label: kind.trigger_label_zh().into(),
            receiver: kind.receiver(),
            receiver_label: kind.receiver().label_zh().into(),
            fields: kind.fields().to_vec(),
        }
    }
}

/// Filings with the police.
#[derive(Clone)]
pub struct FilingService {
    pub(crate) ctx: Ctx,
}

fn checked_trigger(d: NaiveDate) -> ServiceResult<NaiveDate> {
    let earliest = NaiveDate::from_ymd_opt(1980, 1, 1).unwrap_or_default();
    if d < earliest || d > beijing_today() {
        return Err(ServiceError::invalid("触发日期应在 1980 年 1 月 1 日至今天之间"));
    }
    Ok(d)
}

impl FilingService {
    pub fn new(ctx: Ctx) -> FilingService {
        FilingService { ctx }
    }

    /// Every kind with its required content and deadline rule.
    pub fn kinds(&self) -> Vec<KindInfo> {
        FilingKind::ALL.into_iter().map(KindInfo::of).collect()
    }

    async fn open_as(
        &self,
        who: &Principal,
        kind: FilingKind,
        unit_id: &str,
        trigger_date: NaiveDate,
        source_ref: &str,
    ) -> ServiceResult<(Filing, bool)> {
        let trigger_on = checked_trigger(trigger_date)?;
        let source_ref = checked_text(source_ref, "来源", MAX_SOURCE_REF_CHARS, true, false)?;
        let f = NewFiling {
            id: new_id(),
            kind,
            unit_id: unit_id.to_string(),
            source_ref,
            trigger_on,
            due_on: kind.due_on(trigger_on),
            opened_by: who.username.clone(),
        };
        let jobs = f.due_on.map(|d| deadline_jobs(&f.id, d)).unwrap_or_default();
        let mut audit = who.audit("filing.open", "filing", "", Some(unit_id));
        audit.detail = serde_json::json!({
            "kind": kind.code(), "trigger_on": trigger_on, "due_on": f.due_on, "source_ref": f.source_ref,
        })
        .to_string();
        let (filing, created) = self.ctx.store.open_filing(&who.scope, &f, &jobs, &audit, now()).await?;
        Ok((filing.with_flags(beijing_today()), created))
    }

    /// Opens the filing an obligation calls for, under the system actor (no user principal):
    /// `kind` of unit `unit_id`, triggered on `trigger_date` (Beijing date: service started,
    /// system in use …), from `source_ref` (what caused it: `guard:<id>`, `video:<id>`; at most
    /// 100 characters). Its due date follows the kind's rule ([`FilingKind::due_on`]) and its
    /// reminder and overdue jobs are written with it. Idempotent per kind, unit and source
    /// reference: a second call answers the first filing. Errors: `validation_failed` (a trigger
    /// date before 1980 or after today, an empty reference), `not_found` (no such unit),
    /// `invalid_transition` (the unit is closed). Audited as `filing.open` by 系统.
    #[tracing::instrument(skip_all, fields(unit = %unit_id, kind = kind.code()))]
    pub async fn open_obligation(
        &self,
        kind: FilingKind,
        unit_id: &str,
        trigger_date: NaiveDate,
        source_ref: &str,
    ) -> ServiceResult<Filing> {
        Ok(self
            .open_as(&Principal::system("system"), kind, unit_id, trigger_date, source_ref)
            .await?
            .0)
    }

    /// Opens a filing by hand ([`Permission::FilingWrite`]: the unit's own manager), e.g. guard
    /// service started on a date. `source_ref` empty: a new reference `manual:<id>`. Same rules
    /// and idempotency as [`FilingService::open_obligation`]. Returns it and whether it is new.
    #[tracing::instrument(skip_all, fields(unit = %unit_id, kind = kind.code()))]
    pub async fn open(
        &self,
        who: &Principal,
        unit_id: &str,
        kind: FilingKind,
        trigger_date: NaiveDate,
        source_ref: Option<&str>,
    ) -> ServiceResult<(Filing, bool)> {
        who.require(Permission::FilingWrite)?;
        let r = match source_ref.map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => s.to_string(),
            None => format!("manual:{}", new_id()),
        };
        self.open_as(who, kind, unit_id, trigger_date, &r).await
    }

    /// One filing with its history. 404 outside the scope.
    #[tracing::instrument(skip_all, fields(filing = %id))]
    pub async fn get(&self, who: &Principal, id: &str) -> ServiceResult<Filing> {
        Ok(self
            .ctx
            .store
            .get_filing(&who.scope, id)
            .await?
            .with_flags(beijing_today()))
    }

    /// Filings in the caller's scope, due first; with a unit in the filter, 404 when that unit
    /// is outside the scope.
    #[tracing::instrument(skip_all)]
    pub async fn list(&self, who: &Principal, filter: &FilingFilter, page: Page) -> ServiceResult<Listing<Filing>> {
        let today = beijing_today();
        if let Some(unit) = &filter.unit_id {
            self.ctx.store.filing_counts(&who.scope, unit, today).await?;
        }
        let mut l = self.ctx.store.list_filings(&who.scope, filter, page).await?;
        l.items = l.items.into_iter().map(|f| f.with_flags(today)).collect();
        Ok(l)
    }

    /// The overdue filings of the caller's jurisdiction (due date passed without a submission,
    /// or first submitted late; not archived), oldest due date first.
    #[tracing::instrument(skip_all)]
    pub async fn overdue(&self, who: &Principal, page: Page) -> ServiceResult<Listing<Filing>> {
        let filter = FilingFilter {
            overdue_on: Some(beijing_today()),
            ..Default::default()
        };
        self.list(who, &filter, page).await
    }

    async fn change(
        &self,
        who: &Principal,
        id: &str,
        version: i64,
        action: FilingAction,
        content: Option<BTreeMap<String, String>>,
        note: String,
    ) -> ServiceResult<Filing> {
        let current = self.ctx.store.get_filing(&who.scope, id).await?;
        let review = matches!(
            action,
            FilingAction::Acknowledge | FilingAction::Return | FilingAction::Archive
        );
        if review {
            who.require(Permission::FilingReview)?;
            if current.kind.receiver() == Receiver::City && !who.can(Permission::FilingReviewGuards) {
                return Err(ServiceError::forbidden(format!(
                    "{}由设区的市级公安机关受理（《保安服务管理条例》第十四条）",
                    current.kind.label_zh()
                )));
            }
        } else {
            who.require(Permission::FilingWrite)?;
        }
        let Some(status) = action.next(current.status) else {
            return Err(ServiceError::refused(
                neibao_domain::ErrorCode::InvalidTransition,
                format!("备案当前为“{}”，不能{}", current.status.label_zh(), action.label_zh()),
            ));
        };
        let content = match content {
            Some(c) => {
                let c: BTreeMap<String, String> = c.into_iter().map(|(k, v)| (k, v.trim().to_string())).collect();
                check_content(current.kind, &c, action == FilingAction::Submit)?;
                Some(c)
            }
            None => {
                if action == FilingAction::Submit {
                    check_content(current.kind, &current.content, true)?;
                }
                None
            }
        };
        let change = FilingChange {
            status,
            content,
            submitted_on: (action == FilingAction::Submit).then(beijing_today),
            step: action,
            note: note.clone(),
            actor_name: who.username.clone(),
        };
        let mut audit = who.audit(
            &format!("filing.{}", action.code()),
            "filing",
            id,
            Some(&current.unit_id),
        );
        audit.detail =
            serde_json::json!({ "kind": current.kind.code(), "status": status.code(), "note": note }).to_string();
        Ok(self
            .ctx
            .store
            .change_filing(&who.scope, id, version, &change, &audit, now())
            .await?
            .with_flags(beijing_today()))
    }

    /// Saves the content of a draft or returned filing without submitting it
    /// ([`Permission::FilingWrite`]). Refused: 400 an unknown field or a malformed value
    /// (dates YYYY-MM-DD, counts whole numbers), 409 `invalid_transition` (submitted or
    /// later), 409 `version_conflict`. Audited as `filing.save`.
    #[tracing::instrument(skip_all, fields(filing = %id))]
    pub async fn save(
        &self,
        who: &Principal,
        id: &str,
        version: i64,
        content: BTreeMap<String, String>,
    ) -> ServiceResult<Filing> {
        self.change(who, id, version, FilingAction::Save, Some(content), String::new())
            .await
    }

    /// Submits a draft or returned filing ([`Permission::FilingWrite`]), with its content
    /// (`None`: as saved): every required field of its kind filled in (400 naming the first
    /// missing one). The first submission's Beijing date decides whether it was on time (on or
    /// before the due date). Audited as `filing.submit`.
    #[tracing::instrument(skip_all, fields(filing = %id))]
    pub async fn submit(
        &self,
        who: &Principal,
        id: &str,
        version: i64,
        content: Option<BTreeMap<String, String>>,
    ) -> ServiceResult<Filing> {
        self.change(who, id, version, FilingAction::Submit, content, String::new())
            .await
    }

    /// Acknowledges (受理) a submitted filing ([`Permission::FilingReview`]), with an optional
    /// note (at most 500 characters). Audited as `filing.acknowledge`.
    #[tracing::instrument(skip_all, fields(filing = %id))]
    pub async fn acknowledge(&self, who: &Principal, id: &str, version: i64, note: &str) -> ServiceResult<Filing> {
        let note = checked_text(note, "受理意见", MAX_NOTE_CHARS, false, true)?;
        self.change(who, id, version, FilingAction::Acknowledge, None, note)
            .await
    }

    /// Returns a submitted filing to the unit with its reasons (required, at most 500
    /// characters; [`Permission::FilingReview`]); the unit corrects and resubmits, the history
    /// is kept. Audited as `filing.return`.
    #[tracing::instrument(skip_all, fields(filing = %id))]
    pub async fn return_filing(&self, who: &Principal, id: &str, version: i64, reason: &str) -> ServiceResult<Filing> {
        let reason = checked_text(reason, "退回理由", MAX_NOTE_CHARS, true, true)?;
        self.change(who, id, version, FilingAction::Return, None, reason).await
    }

    /// Archives an acknowledged filing ([`Permission::FilingReview`]). Audited as
    /// `filing.archive`.
    #[tracing::instrument(skip_all, fields(filing = %id))]
    pub async fn archive(&self, who: &Principal, id: &str, version: i64) -> ServiceResult<Filing> {
        self.change(who, id, version, FilingAction::Archive, None, String::new())
            .await
    }

    /// A pure read for the inspection checklist: the unit's filings by status, how many are
    /// overdue today, and its designations. 404 outside the scope.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn summary(&self, who: &Principal, unit_id: &str) -> ServiceResult<FilingSummary> {
        let (counts, overdue) = self
            .ctx
            .store
            .filing_counts(&who.scope, unit_id, beijing_today())
            .await?;
        let mut by_status: BTreeMap<String, i64> =
            FilingStatus::ALL.iter().map(|s| (s.code().to_string(), 0)).collect();
        for (s, n) in counts {
            by_status.insert(s.code().to_string(), n);
        }
        let designations = self
            .ctx
            .store
            .list_designations(
                &who.scope,
                &DesignationFilter {
                    unit_id: Some(unit_id.to_string()),
                    ..Default::default()
                },
                Page { page: 1, per_page: 50 },
            )
            .await?
            .items;
        Ok(FilingSummary {
            unit_id: unit_id.to_string(),
            by_status,
            overdue,
            designations,
        })
    }
}
