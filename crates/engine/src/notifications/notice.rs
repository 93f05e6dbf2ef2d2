//! Notices: messages to a unit or an organisation that are not alerts (a document issued to a
//! unit, a rectification-deadline reminder). One [`send`] puts an inbox item in front of every
//! active account of the recipients and queues the notice to their own channels (the unit's or
//! the department's DingTalk/WeCom robot or mailbox) through the same outbox as alerts, so it
//! is retried and delivered once (docs/SUPERVISION.md "Delivery and receipts").

use chrono::{DateTime, Utc};
use neibao_domain::notifications::{Fanout, FanoutSubject};
use neibao_store::{Store, StoreResult};

/// A notice to send.
#[derive(Debug, Clone)]
pub struct Notice {
    /// Makes the notice unique per recipient: `document:<id>`, `reminder:<job id>`.
    pub key: String,
    /// The unit whose accounts and own channels receive it.
    pub unit_id: Option<String>,
    /// The organisations whose accounts and own channels receive it.
    pub org_ids: Vec<String>,
    /// One line, zh-CN (e.g. `收到限期整改通知书 西公(内保)限字〔2026〕第0001号`).
    pub title: String,
    /// The unit it concerns (its name, for the channel message).
    pub unit_name: String,
    /// What the recipient should do, zh-CN.
    pub summary: String,
    /// In-app path (`/documents/<id>/pdf`, `/hazards/<id>`).
    pub link: String,
    /// When it happened (issued, reminded).
    pub at: DateTime<Utc>,
}

/// Sends `notice` (see the module docs); `base_url` makes the channel message's link absolute.
/// Sending the same key twice adds nothing. Returns the outbox rows queued.
pub async fn send(store: &dyn Store, notice: &Notice, base_url: Option<&str>) -> StoreResult<usize> {
    let payload = neibao_notify::Notification {
        id: String::new(), // set per outbox row
        alert_id: String::new(),
        title: notice.title.clone(),
        severity: "medium".into(),
        severity_label: "中".into(),
        unit_name: notice.unit_name.clone(),
        device_name: None,
        rule: String::new(),
        happened_at: notice.at,
        link: base_url.map(|b| format!("{}{}", b.trim_end_matches('/'), notice.link)),
        summary: notice.summary.clone(),
        escalation_level: 0,
        category: neibao_notify::Category::Notice,
    };
    store
        .fan_out(
            &Fanout {
                subject: FanoutSubject::Message {
                    key: notice.key.clone(),
                },
                unit_id: notice.unit_id.clone(),
                org_ids: notice.org_ids.clone(),
                title: notice.title.clone(),
                // Own channels take notices unless set to high or critical only.
                severity: "medium".into(),
                link: notice.link.clone(),
                division_code: None,
                payload: serde_json::to_value(&payload).unwrap_or_default(),
            },
            notice.at,
        )
        .await
}
