//! Credit (诚信) and the due-for-inspection list: a unit's score and grade under the caller's
//! bureau rule, its inspection interval, and the units in scope whose inspection is due.

use chrono::{DateTime, Duration, Utc};
use neibao_domain::access::Principal;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::supervision::credit::{CreditRule, Grade};
use neibao_domain::supervision::{CreditRecord, StandingFilter, UnitStanding};
use neibao_store::{Store, StoreError};
use serde::Serialize;

use super::settings::settings;
use crate::error::ServiceResult;

/// Score and grade of a unit standing under a rule.
pub fn grade_of(rule: &CreditRule, s: &UnitStanding) -> (i64, Grade) {
    let score = rule.score([s.credit_deductions]);
    (score, rule.grade(score))
}

/// A unit's credit: score, grade, inspection interval and records.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CreditSummary {
    pub unit_id: String,
    pub score: i64,
    pub grade: Grade,
    pub interval_days: i64,
    pub last_inspected_at: Option<DateTime<Utc>>,
    pub next_due_at: DateTime<Utc>,
    pub records: Vec<CreditRecord>,
    /// The rule the grade came from.
    pub rule: CreditRule,
}

/// A unit's credit summary under the caller's bureau rule (or the default).
pub async fn summary(
    store: &dyn Store,
    who: &Principal,
    unit_id: &str,
    now: DateTime<Utc>,
) -> ServiceResult<CreditSummary> {
    let mut records = store.credit_records(&who.scope, unit_id).await?;
    // Competent departments see published (公示) entries only (docs/CREDIT.md).
    if !neibao_domain::credit::sees_unpublished(who.role) {
        records.retain(|r| r.published);
    }
    let standing = store
        .unit_standings(
            &who.scope,
            &StandingFilter {
                unit_id: Some(unit_id.to_string()),
                ..Default::default()
            },
            now,
        )
        .await?
        .into_iter()
        .next()
        .ok_or(StoreError::NotFound)?;
    let rule = settings(store, who.org_id.as_deref()).await?.credit;
    let (score, grade) = grade_of(&rule, &standing);
    let interval_days = rule.interval_days(grade);
    Ok(CreditSummary {
        unit_id: unit_id.to_string(),
        score,
        grade,
        interval_days,
        last_inspected_at: standing.last_inspected_at,
        next_due_at: standing
            .last_inspected_at
            .map_or(now, |t| t + Duration::days(interval_days)),
        records,
        rule,
    })
}

/// A unit due for inspection.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DueUnit {
    pub unit_id: String,
    pub unit_name: String,
    pub division_code: String,
    pub grade: Grade,
    pub score: i64,
    pub interval_days: i64,
    pub last_inspected_at: Option<DateTime<Utc>>,
    pub due_at: DateTime<Utc>,
    pub open_hazards: i64,
}

/// One page of the units in scope whose inspection is due by `now` (never inspected, or last
/// police/department inspection older than the grade's interval): worst grade, never inspected
/// and longest overdue first, with the exact total (the grades are computed from every unit
/// standing in scope, so the whole list is known).
pub async fn units_due_page(
    store: &dyn Store,
    who: &Principal,
    now: DateTime<Utc>,
    page: Page,
) -> ServiceResult<Listing<DueUnit>> {
    let due = all_due(store, who, now).await?;
    let total = due.len() as i64;
    let items = due
        .into_iter()
        .skip(usize::try_from(page.offset()).unwrap_or(usize::MAX))
        .take(page.per_page as usize)
        .collect();
    Ok(Listing {
        items,
        total,
        total_capped: false,
        page: page.page,
        per_page: page.per_page,
    })
}

/// Every unit due, worst grade, never inspected and longest overdue first.
async fn all_due(store: &dyn Store, who: &Principal, now: DateTime<Utc>) -> ServiceResult<Vec<DueUnit>> {
    let rule = settings(store, who.org_id.as_deref()).await?.credit;
    let mut due: Vec<DueUnit> = store
        .unit_standings(&who.scope, &StandingFilter::default(), now)
        .await?
        .into_iter()
        .filter_map(|s| {
            let (score, grade) = grade_of(&rule, &s);
            let interval_days = rule.interval_days(grade);
            // Never inspected: due now.
            let due_at = s.last_inspected_at.map_or(now, |t| t + Duration::days(interval_days));
            (due_at <= now).then_some(DueUnit {
                unit_id: s.unit_id,
                unit_name: s.unit_name,
                division_code: s.division_code,
                grade,
                score,
                interval_days,
                last_inspected_at: s.last_inspected_at,
                due_at,
                open_hazards: s.open_hazards,
            })
        })
        .collect();
    due.sort_by(|a, b| {
        b.grade
            .cmp(&a.grade)
            .then(a.last_inspected_at.is_some().cmp(&b.last_inspected_at.is_some()))
            .then(a.due_at.cmp(&b.due_at))
            .then(a.unit_id.cmp(&b.unit_id))
    });
    Ok(due)
}
