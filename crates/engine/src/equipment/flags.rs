//! Flags to the unit (docs/EQUIPMENT.md; R35): after every change or check of a post, and when
//! an item reaches its expiry date (`equipment.expiry`, due at 00:00 Beijing time on the day
//! after the expiry date), the post's flags are worked out anew — each type below its minimum,
//! each expired item, each item checked as 损坏/缺失/过期. Flags not open before are recorded and
//! send the unit's accounts and own channels one notice per post naming them all (key
//! `equipment-flag:<id of the first new flag>`); a
//! flag no longer true is removed, so that the same shortfall arising again later is a new one.
//! Running the job again finds the flag open and sends nothing.

use std::sync::Arc;

use chrono::{Days, NaiveDate, Utc};
use neibao_domain::access::Scope;
use neibao_domain::equipment::views;
use neibao_domain::jobs::{Job, JobKind, NewJob};
use neibao_domain::supervision::calendar::beijing_date;
use neibao_store::Store;

use crate::filings::deadlines::{beijing_midnight, beijing_today};
use crate::jobs::scheduler::Handler;
use crate::notifications::notice::{send, Notice};

/// The expiry job of item `item_id` expiring on `expires_on` (the last day it may be used).
pub fn expiry_job(item_id: &str, expires_on: NaiveDate) -> NewJob {
    let day_after = expires_on.checked_add_days(Days::new(1)).unwrap_or(expires_on);
    NewJob {
        kind: JobKind::EquipmentExpiry,
        subject_id: item_id.to_string(),
        due_at: beijing_midnight(day_after),
        payload: serde_json::json!({ "expires_on": expires_on.to_string() }),
    }
}

/// Works out the flags of the unit's posts (of `post` only when given) on `today`, records
/// them and sends one notice per new flag. Returns how many notices were sent.
pub(crate) async fn evaluate(
    store: &dyn Store,
    base_url: Option<&str>,
    unit_id: &str,
    post: Option<&str>,
    today: NaiveDate,
) -> anyhow::Result<usize> {
    let data = store.equipment_unit(&Scope::All, unit_id).await?;
    let standards = store.equipment_standards().await?;
    let mut sent = 0;
    for v in views(&data, &standards, today) {
        if post.is_some_and(|p| p != v.post.id) {
            continue;
        }
        let new = store
            .sync_equipment_flags(unit_id, &v.post.id, &v.flags, Utc::now())
            .await?;
        let Some(first) = new.first() else { continue };
        // One notice per post and evaluation, naming every new flag.
        let title = match first.flag.kind.as_str() {
            "short" => format!("防护器械低于最低配备：{}", v.post.name),
            "expired" => format!("防护器械已过期：{}", v.post.name),
            _ => format!("防护器械检查异常：{}", v.post.name),
        };
        let details: Vec<&str> = new.iter().map(|n| n.flag.detail.as_str()).collect();
        let notice = Notice {
            key: format!("equipment-flag:{}", first.id),
            unit_id: Some(unit_id.to_string()),
            org_ids: Vec::new(),
            title,
            unit_name: data.unit_name.clone(),
            summary: format!(
                "岗位「{}」：{}。请及时补充、更换或维修（《关于进一步加强单位治安保卫工作的意见》第四部分：单位配备防护器械）。",
                v.post.name,
                details.join("；")
            ),
            link: format!("/units/{unit_id}/equipment#post-{}", v.post.id),
            at: Utc::now(),
        };
        send(store, &notice, base_url).await?;
        sent += 1;
    }
    Ok(sent)
}

async fn on_expiry(store: &dyn Store, job: &Job, base_url: Option<&str>) -> anyhow::Result<()> {
    let Some(item) = store.equipment_item(&Scope::All, &job.subject_id).await? else {
        return Ok(());
    };
    let planned = job.payload.get("expires_on").and_then(|v| v.as_str());
    if item.expires_on.map(|d| d.to_string()).as_deref() != planned {
        // Changed since: the change scheduled its own job.
        return Ok(());
    }
    // The job's own day counts (a scheduler behind the clock, a test's controlled clock).
    let today = beijing_today().max(beijing_date(job.due_at));
    evaluate(store, base_url, &item.unit_id, Some(&item.post_id), today).await?;
    Ok(())
}

/// The scheduler handler of `JobKind::EquipmentExpiry`.
pub fn expiry_handler(store: Arc<dyn Store>, base_url: Option<String>) -> Handler {
    Arc::new(move |job| {
        let store = store.clone();
        let base_url = base_url.clone();
        Box::pin(async move { on_expiry(store.as_ref(), &job, base_url.as_deref()).await })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_at_beijing_midnight_the_day_after() {
        let j = expiry_job("i", "2026-03-31".parse().unwrap());
        assert_eq!(j.due_at.to_rfc3339(), "2026-03-31T16:00:00+00:00");
    }
}
