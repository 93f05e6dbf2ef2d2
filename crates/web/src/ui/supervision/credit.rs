//! The credit box (诚信等级) of the unit page.

use chrono::Utc;
use neibao_domain::supervision::calendar::date_zh;

use crate::extract::principal::CurrentUser;
use crate::state::AppState;

/// The unit page's credit box (诚信等级).
pub struct CreditBox {
    pub grade: &'static str,
    pub grade_label: &'static str,
    pub score: i64,
    pub interval_days: i64,
    pub last: String,
    pub next_due: String,
    pub due_now: bool,
    pub records: usize,
}

/// A unit's credit for its page; `None` when it cannot be read (the page shows without it).
pub async fn credit_box(state: &AppState, u: &CurrentUser, unit_id: &str) -> Option<CreditBox> {
    let now = Utc::now();
    let c = state.services.supervision.credit(&u.principal, unit_id).await.ok()?;
    Some(CreditBox {
        grade: c.grade.code(),
        grade_label: c.grade.label_zh(),
        score: c.score,
        interval_days: c.interval_days,
        last: c.last_inspected_at.map(date_zh).unwrap_or_else(|| "从未检查".into()),
        next_due: date_zh(c.next_due_at),
        due_now: c.next_due_at <= now,
        records: c.records.iter().filter(|r| r.in_force(now)).count(),
    })
}
