//! [`RulebookService`]: a unit's written security rules (docs/RULEBOOK.md).
//!
//! Who may do what: everyone reads the rules of the units in their scope (police, competent
//! departments and administrators those of their jurisdiction, a unit's accounts their own);
//! the unit's security manager publishes versions and marks subject 8 不适用
//! ([`Permission::RulebookWrite`]); the unit's manager and guards acknowledge the current
//! versions ([`Permission::RulebookAcknowledge`], Decree 421 Art 12, R13). A unit outside the
//! scope is not found.

use chrono::{NaiveDate, Utc};
use neibao_domain::access::{Permission, Principal};
use neibao_domain::ids::new_id;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::rulebook::*;
use neibao_domain::text::checked_text;

use super::review::review_job;
use crate::context::Ctx;
use crate::error::{ServiceError, ServiceResult};

/// Longest title (characters).
pub const MAX_TITLE_CHARS: usize = 100;
/// Longest text of a version (characters).
pub const MAX_BODY_CHARS: usize = 20_000;
/// Longest 不适用 reason (characters).
pub const MAX_REASON_CHARS: usize = 200;

/// A version to publish: its title and text as typed, its approval and publication dates
/// (Beijing dates).
#[derive(Debug, Clone)]
pub struct VersionDraft {
    pub title: String,
    pub body: String,
    pub approved_on: NaiveDate,
    pub published_on: NaiveDate,
}

/// A unit's written security rules.
#[derive(Clone)]
pub struct RulebookService {
    pub(crate) ctx: Ctx,
}

/// Today in Beijing.
fn today() -> NaiveDate {
    Utc::now().with_timezone(&chrono_tz::Asia::Shanghai).date_naive()
}

/// Now, to the millisecond (as stored: an answer reads the same as a later read).
fn now() -> chrono::DateTime<Utc> {
    let t = Utc::now();
    chrono::DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

/// The earliest date a version may carry.
fn earliest() -> NaiveDate {
    NaiveDate::from_ymd_opt(1980, 1, 1).unwrap_or_default()
}

/// A unit's rules page (see [`RulebookService::overview`]).
#[derive(Debug, Clone)]
pub struct Overview {
    pub book: UnitRulebook,
    /// One per subject, 1–9.
    pub rosters: Vec<AcknowledgementRoster>,
    /// Every version, by subject, newest first.
    pub history: Vec<RuleVersion>,
}

/// The current (highest-numbered) version of a subject.
pub(super) fn current_of(rules: &UnitRules, subject: i64) -> Option<RuleVersion> {
    rules
        .versions
        .iter()
        .filter(|v| v.subject == subject)
        .max_by_key(|v| v.version)
        .cloned()
}

/// The nine subjects of a unit as `who` sees them.
fn view(rules: &UnitRules, who: &Principal, unit_id: &str) -> UnitRulebook {
    let today = today();
    let subjects: Vec<SubjectView> = (1..=SUBJECTS)
        .map(|n| {
            let current = current_of(rules, n);
            let na = rules.not_applicable.iter().find(|x| x.subject == n).cloned();
            let state = SubjectState::of(na.is_some(), current.as_ref().map(|c| c.published_on), today);
            let acks: Vec<&Acknowledgement> = current
                .as_ref()
                .map(|c| rules.acknowledgements.iter().filter(|a| a.version_id == c.id).collect())
                .unwrap_or_default();
            SubjectView {
                subject: n,
                label: subject_label(n).unwrap_or_default().to_string(),
                state,
                state_label: state.label_zh().to_string(),
                versions: rules.versions.iter().filter(|v| v.subject == n).count() as i64,
                not_applicable: na,
                acknowledged_by_me: acks.iter().any(|a| a.user_id == who.user_id),
                acknowledged: rules
                    .staff
                    .iter()
                    .filter(|s| acks.iter().any(|a| a.user_id == s.user_id))
                    .count() as i64,
                staff: rules.staff.len() as i64,
                current,
            }
        })
        .collect();
    UnitRulebook {
        unit_id: unit_id.to_string(),
        unit_name: rules.unit_name.clone(),
        covered: subjects.iter().filter(|s| s.state.covered()).count() as i64,
        total: SUBJECTS,
        review_due: subjects.iter().filter(|s| s.state == SubjectState::ReviewDue).count() as i64,
        subjects,
    }
}

/// Who of the unit's active accounts acknowledged the current version of `subject` (those who
/// have not first).
fn roster_of(rules: &UnitRules, unit_id: &str, subject: i64) -> AcknowledgementRoster {
    let version = current_of(rules, subject);
    let mut staff = rules.staff.clone();
    if let Some(v) = &version {
        for s in staff.iter_mut() {
            if let Some(a) = rules
                .acknowledgements
                .iter()
                .find(|a| a.version_id == v.id && a.user_id == s.user_id)
            {
                s.acknowledged_at = Some(a.acknowledged_at);
                s.signed_name = Some(a.signed_name.clone());
            }
        }
    }
    staff.sort_by_key(|s| s.acknowledged_at.is_some());
    AcknowledgementRoster {
        unit_id: unit_id.to_string(),
        subject,
        acknowledged: staff.iter().filter(|s| s.acknowledged_at.is_some()).count() as i64,
        version,
        staff,
    }
}

impl RulebookService {
    pub fn new(ctx: Ctx) -> RulebookService {
        RulebookService { ctx }
    }

    /// The unit's nine subjects: state, current version, 不适用 mark, acknowledgements. 404
    /// outside the scope.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn unit(&self, who: &Principal, unit_id: &str) -> ServiceResult<UnitRulebook> {
        let rules = self.ctx.store.unit_rules(&who.scope, unit_id).await?;
        Ok(view(&rules, who, unit_id))
    }

    /// The unit's rules page in one read: the nine subjects, every subject's acknowledgement
    /// roster, every version (newest first per subject). 404 outside the scope.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn overview(&self, who: &Principal, unit_id: &str) -> ServiceResult<Overview> {
        let rules = self.ctx.store.unit_rules(&who.scope, unit_id).await?;
        Ok(Overview {
            book: view(&rules, who, unit_id),
            rosters: (1..=SUBJECTS).map(|n| roster_of(&rules, unit_id, n)).collect(),
            history: rules.versions,
        })
    }

    /// Every version of one subject of the unit's rules, newest first (the first is current).
    /// 400 for a subject outside 1–9; 404 outside the scope.
    #[tracing::instrument(skip_all, fields(unit = %unit_id, subject))]
    pub async fn versions(&self, who: &Principal, unit_id: &str, subject: i64) -> ServiceResult<Vec<RuleVersion>> {
        let subject = checked_subject(subject)?;
        let rules = self.ctx.store.unit_rules(&who.scope, unit_id).await?;
        let mut v: Vec<RuleVersion> = rules.versions.into_iter().filter(|v| v.subject == subject).collect();
        v.sort_by_key(|x| std::cmp::Reverse(x.version));
        Ok(v)
    }

    /// Publishes a new version of one subject ([`Permission::RulebookWrite`]; 404 outside the
    /// scope). Refused (400 `validation_failed`): subject outside 1–9; empty or too long title
    /// (100) or text (20 000); approval after publication; publication after today (Beijing) or
    /// before the current version's; a date before 1980. Earlier versions are kept. The annual
    /// review job is written with it. Audited as `rulebook.publish`.
    #[tracing::instrument(skip_all, fields(unit = %unit_id, subject))]
    pub async fn publish(
        &self,
        who: &Principal,
        unit_id: &str,
        subject: i64,
        d: VersionDraft,
    ) -> ServiceResult<RuleVersion> {
        who.require(Permission::RulebookWrite)?;
        let subject = checked_subject(subject)?;
        let title = checked_text(&d.title, "制度名称", MAX_TITLE_CHARS, true, false)?;
        let body = checked_text(&d.body, "制度内容", MAX_BODY_CHARS, true, true)?;
        if d.approved_on < earliest() || d.published_on < earliest() {
            return Err(ServiceError::invalid("批准日期和发布日期不早于 1980 年 1 月 1 日"));
        }
        if d.approved_on > d.published_on {
            return Err(ServiceError::invalid("批准日期不能晚于发布日期"));
        }
        if d.published_on > today() {
            return Err(ServiceError::invalid("发布日期不能晚于今天：请在制度发布后登记"));
        }
        let v = NewRuleVersion {
            id: new_id(),
            unit_id: unit_id.to_string(),
            subject,
            title,
            body,
            approved_on: d.approved_on,
            published_on: d.published_on,
            created_by: who.username.clone(),
            created_at: now(),
        };
        let mut audit = who.audit("rulebook.publish", "rulebook_version", &v.id, Some(unit_id));
        audit.detail = serde_json::json!({
            "subject": subject,
            "approved_on": v.approved_on,
            "published_on": v.published_on,
        })
        .to_string();
        let job = review_job(&v.id, v.published_on);
        Ok(self.ctx.store.add_rule_version(&who.scope, &v, &job, &audit).await?)
    }

    /// Marks subject 8 不适用 with a reason, or unmarks it (`not_applicable` false)
    /// ([`Permission::RulebookWrite`]; 404 outside the scope). Refused (400): another subject
    /// (only Art 8 item 8 applies "where such goods are kept"); marking without a reason, or one
    /// longer than 200 characters. Audited as `rulebook.not_applicable` / `rulebook.applicable`.
    #[tracing::instrument(skip_all, fields(unit = %unit_id, subject))]
    pub async fn set_applicability(
        &self,
        who: &Principal,
        unit_id: &str,
        subject: i64,
        not_applicable: bool,
        reason: &str,
    ) -> ServiceResult<UnitRulebook> {
        who.require(Permission::RulebookWrite)?;
        let subject = checked_subject(subject)?;
        if subject != OPTIONAL_SUBJECT {
            return Err(ServiceError::invalid(
                "只有第八项（危险物品、菌种毒种、武器弹药的安全管理制度）可以标记为不适用，其他各项每个单位都应当有",
            ));
        }
        let reason = if not_applicable {
            Some(checked_text(reason, "不适用的理由", MAX_REASON_CHARS, true, false)?)
        } else {
            None
        };
        let action = if not_applicable {
            "rulebook.not_applicable"
        } else {
            "rulebook.applicable"
        };
        let mut audit = who.audit(action, "rulebook", unit_id, Some(unit_id));
        audit.detail = serde_json::json!({ "subject": subject, "reason": reason }).to_string();
        self.ctx
            .store
            .set_not_applicable(
                &who.scope,
                unit_id,
                subject,
                reason.as_deref(),
                &who.username,
                &audit,
                Utc::now(),
            )
            .await?;
        self.unit(who, unit_id).await
    }

    /// The caller's e-signature under the current version of one subject: 我已阅读并遵守, with
    /// their name and the time ([`Permission::RulebookAcknowledge`]: the unit's own manager and
    /// guards; 404 outside the scope). 409 `conflict` when `version_id` is not the current
    /// version (superseded meanwhile, or none published). Signing again answers the first
    /// signature. Audited as `rulebook.acknowledge`. Returns it and whether it is new.
    #[tracing::instrument(skip_all, fields(unit = %unit_id, subject))]
    pub async fn acknowledge(
        &self,
        who: &Principal,
        unit_id: &str,
        subject: i64,
        version_id: &str,
    ) -> ServiceResult<(Acknowledgement, bool)> {
        who.require(Permission::RulebookAcknowledge)?;
        let subject = checked_subject(subject)?;
        if who.user_id.is_empty() {
            return Err(ServiceError::forbidden("只有本单位的账号可以签署确认"));
        }
        let signed = if who.display_name.trim().is_empty() {
            who.username.clone()
        } else {
            who.display_name.clone()
        };
        let mut audit = who.audit("rulebook.acknowledge", "rulebook_version", version_id, Some(unit_id));
        audit.detail = serde_json::json!({ "subject": subject, "signed_name": signed }).to_string();
        Ok(self
            .ctx
            .store
            .acknowledge_rule(
                &who.scope,
                unit_id,
                subject,
                version_id,
                &who.user_id,
                &signed,
                &audit,
                now(),
            )
            .await?)
    }

    /// Who of the unit's active accounts has and has not acknowledged the current version of
    /// one subject (those who have not first). 400 for a subject outside 1–9; 404 outside the
    /// scope.
    #[tracing::instrument(skip_all, fields(unit = %unit_id, subject))]
    pub async fn roster(&self, who: &Principal, unit_id: &str, subject: i64) -> ServiceResult<AcknowledgementRoster> {
        let subject = checked_subject(subject)?;
        let rules = self.ctx.store.unit_rules(&who.scope, unit_id).await?;
        Ok(roster_of(&rules, unit_id, subject))
    }

    /// The units in the caller's scope with how many of the nine subjects each covers, fewest
    /// first; with `incomplete` only those missing some.
    #[tracing::instrument(skip_all, fields(incomplete))]
    pub async fn coverage(
        &self,
        who: &Principal,
        incomplete: bool,
        page: Page,
    ) -> ServiceResult<Listing<UnitCoverage>> {
        Ok(self.ctx.store.rule_coverage(&who.scope, incomplete, page).await?)
    }
}
