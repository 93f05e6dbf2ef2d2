//! Delivery of an issued document to its addressee (docs/SUPERVISION.md "Delivery and
//! receipts"; docs/REQUIREMENTS.md R20 ¶2, R23, R25, R29): the `document.notify` job written
//! with the document puts it in the inbox of the addressee's accounts (the unit's for a unit
//! document, the competent department's for a 问题抄告函) and sends it to their own channels.
//! The receipt (签收) is recorded when someone of the addressee opens or signs for it.

use std::sync::Arc;

use neibao_domain::access::Scope;
use neibao_domain::documents::Addressee;
use neibao_domain::jobs::Job;
use neibao_store::{Store, StoreError};

use crate::jobs::scheduler::Handler;
use crate::notifications::notice::{send, Notice};

/// Runs one delivery job (see the module docs). A document gone, or a 问题抄告函 of a unit
/// without a competent department, is delivered to nobody.
pub async fn on_notify(store: &dyn Store, job: &Job, base_url: Option<&str>) -> anyhow::Result<()> {
    let doc = match store.get_document(&Scope::All, &job.subject_id).await {
        Ok(d) => d,
        Err(StoreError::NotFound) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    let (unit_id, org_ids) = match Addressee::of(doc.kind) {
        Addressee::Unit => (Some(doc.unit_id.clone()), Vec::new()),
        Addressee::Department => (None, doc.department_id.clone().into_iter().collect::<Vec<_>>()),
    };
    if unit_id.is_none() && org_ids.is_empty() {
        return Ok(());
    }
    let summary = match Addressee::of(doc.kind) {
        Addressee::Unit => format!(
            "{}：{}向你单位下发{}，请登录内保平台查阅并签收。",
            doc.unit_name,
            doc.content.issuer,
            doc.kind.title_zh()
        ),
        Addressee::Department => format!(
            "{}就{}的问题向你部门抄告，请登录内保平台查阅并签收。",
            doc.content.issuer, doc.unit_name
        ),
    };
    let notice = Notice {
        key: format!("document:{}", doc.id),
        unit_id,
        org_ids,
        title: format!("收到{} {}", doc.kind.title_zh(), doc.number),
        unit_name: doc.unit_name.clone(),
        summary,
        // The unit opens the PDF; the department the document's page, where it records its action.
        link: match Addressee::of(doc.kind) {
            Addressee::Unit => format!("/documents/{}/pdf", doc.id),
            Addressee::Department => format!("/documents/{}", doc.id),
        },
        at: doc.issued_at,
    };
    let queued = send(store, &notice, base_url).await?;
    tracing::debug!(document = %doc.id, queued, "document delivered");
    Ok(())
}

/// The scheduler handler of `JobKind::DocumentNotify`.
pub fn handler(store: Arc<dyn Store>, base_url: Option<String>) -> Handler {
    Arc::new(move |job| {
        let store = store.clone();
        let base_url = base_url.clone();
        Box::pin(async move { on_notify(store.as_ref(), &job, base_url.as_deref()).await })
    })
}
