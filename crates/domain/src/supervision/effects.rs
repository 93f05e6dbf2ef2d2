//! What a supervision step writes besides its own record: the hazards a submitted inspection
//! finds, the credit entry a ladder transition costs the unit, and the deadline and reminder
//! jobs of a running deadline. Pure; the engine hands them to the store in one transaction.

use chrono::{DateTime, Duration, Utc};

use super::checklist::ItemResult;
use super::credit::{CreditRule, EntryKind};
use super::credit_records::NewCreditRecord;
use super::hazard::{Hazard, NewHazard};
use super::inspection::{ChecklistVersion, Inspection, ItemOutcome};
use super::ladder::{Action, HazardClass, HazardSource, Phase, Rung};
use crate::jobs::{JobKind, NewJob};

/// One hazard per failed item of a submitted inspection (major when the item is critical),
/// recorded by `by`.
pub fn findings(i: &Inspection, checklist: &ChecklistVersion, results: &[ItemOutcome], by: &str) -> Vec<NewHazard> {
    checklist
        .items
        .iter()
        .filter_map(|it| {
            let outcome = results.iter().find(|r| r.code == it.code)?;
            (outcome.result == ItemResult::Fail).then(|| NewHazard {
                unit_id: i.unit_id.clone(),
                source: HazardSource::Inspection,
                source_id: Some(i.id.clone()),
                inspection_id: Some(i.id.clone()),
                item_code: Some(it.code.clone()),
                class: if it.critical {
                    HazardClass::Major
                } else {
                    HazardClass::General
                },
                title: format!("未达到「{}」的要求（{}）", it.title, it.code),
                description: outcome.note.clone(),
                org_id: i.org_id.clone(),
                created_by: by.to_string(),
            })
        })
        .collect()
}

/// The credit entry a transition writes: becoming overdue (the deadline passing, or a failed
/// re-inspection after it), a rung, a fine or a transfer.
pub fn credit_kind(action: &Action, from: Phase, to: Phase) -> Option<EntryKind> {
    if to == Phase::Overdue && from != Phase::Overdue {
        return Some(EntryKind::Overdue);
    }
    match action {
        Action::Escalate { rung, .. } => Some(match rung {
            Rung::Circular => EntryKind::Circular,
            Rung::Interview => EntryKind::Interview,
            Rung::ListedSupervision => EntryKind::ListedSupervision,
            Rung::Referral => EntryKind::Referral,
        }),
        Action::DecideFine { .. } => Some(EntryKind::Fine),
        Action::TransferCriminal => Some(EntryKind::CriminalTransfer),
        _ => None,
    }
}

/// A credit entry of `kind` for a hazard's unit under the bureau's rule (points, validity).
pub fn credit_record(
    rule: &CreditRule,
    kind: EntryKind,
    h: &Hazard,
    basis: &str,
    by: &str,
    at: DateTime<Utc>,
) -> NewCreditRecord {
    let entry = rule.entry(kind);
    NewCreditRecord {
        unit_id: h.unit_id.clone(),
        kind,
        points: entry.points,
        source_id: Some(h.id.clone()),
        basis: basis.to_string(),
        reason: format!("{}：{}", kind.label_zh(), h.title),
        recorded_by: by.to_string(),
        expires_at: at + Duration::days(entry.valid_days),
    }
}

/// The jobs of a running deadline: the deadline itself, and a reminder `d` days before it for
/// each `d` of `reminder_days` still ahead of `now`. Each job carries the deadline (ms), so a
/// job of a deadline that has since moved does nothing.
pub fn deadline_jobs(
    hazard_id: &str,
    deadline: DateTime<Utc>,
    reminder_days: &[i64],
    now: DateTime<Utc>,
) -> Vec<NewJob> {
    let mut jobs = vec![NewJob {
        kind: JobKind::HazardDeadline,
        subject_id: hazard_id.to_string(),
        due_at: deadline,
        payload: serde_json::json!({ "deadline": deadline.timestamp_millis() }),
    }];
    for d in reminder_days {
        let at = deadline - Duration::days(*d);
        if at > now {
            jobs.push(NewJob {
                kind: JobKind::HazardReminder,
                subject_id: hazard_id.to_string(),
                due_at: at,
                payload: serde_json::json!({ "deadline": deadline.timestamp_millis(), "days": d }),
            });
        }
    }
    jobs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reminders_only_ahead_of_now() {
        let now = Utc::now();
        let jobs = deadline_jobs("h", now + Duration::days(2), &[7, 3, 1], now);
        assert_eq!(jobs.len(), 2);
        assert_eq!(jobs[0].kind, JobKind::HazardDeadline);
        assert_eq!(jobs[1].kind, JobKind::HazardReminder);
        assert_eq!(jobs[1].payload["days"], 1);
    }

    #[test]
    fn overdue_costs_credit_once() {
        assert_eq!(
            credit_kind(&Action::MarkOverdue, Phase::Rectifying, Phase::Overdue),
            Some(EntryKind::Overdue)
        );
        assert_eq!(
            credit_kind(&Action::Recheck { passed: false }, Phase::Overdue, Phase::Overdue),
            None
        );
        assert_eq!(
            credit_kind(&Action::TransferCriminal, Phase::FineDecided, Phase::CriminalTransfer),
            Some(EntryKind::CriminalTransfer)
        );
    }
}
