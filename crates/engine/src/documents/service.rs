//! [`DocumentService`]: official documents (文书) in the caller's jurisdiction: lists and
//! details (the PDF is laid out from a document by the web layer, with `neibao-docgen`).
//! Documents are issued by the capability that produces them, in its own transaction (see
//! `crate::supervision`).

use chrono::Utc;
use neibao_domain::access::Principal;
use neibao_domain::documents::{check_action_text, receives, records_actions, Addressee, Document, DocumentFilter};
use neibao_domain::error::ErrorCode;
use neibao_domain::paging::{Listing, Page};

use crate::context::Ctx;
use crate::error::{ServiceError, ServiceResult};
use crate::notifications::notice::{send, Notice};

/// Official documents (文书): lists, details.
#[derive(Clone)]
pub struct DocumentService {
    pub(crate) ctx: Ctx,
}

impl DocumentService {
    pub fn new(ctx: Ctx) -> DocumentService {
        DocumentService { ctx }
    }

    /// Documents in the caller's jurisdiction, newest first.
    #[tracing::instrument(skip_all)]
    pub async fn list(&self, who: &Principal, filter: &DocumentFilter, page: Page) -> ServiceResult<Listing<Document>> {
        Ok(self.ctx.store.list_documents(&who.scope, filter, page).await?)
    }

    /// One document in the caller's jurisdiction.
    #[tracing::instrument(skip_all, fields(document = %id))]
    pub async fn get(&self, who: &Principal, id: &str) -> ServiceResult<Document> {
        Ok(self.ctx.store.get_document(&who.scope, id).await?)
    }

    /// Whether `who` is an addressee of `d` (signs for it; police only see it).
    pub fn receives(&self, who: &Principal, d: &Document) -> bool {
        receives(&who.scope, d.kind, &d.unit_id, d.department_id.as_deref())
    }

    /// How many documents addressed to `who` wait for their signature (签收), counted over the
    /// newest 200 unsigned documents in the jurisdiction.
    ///
    /// Errors: the database.
    pub async fn awaiting_signature(&self, who: &Principal) -> ServiceResult<usize> {
        if !matches!(
            who.scope,
            neibao_domain::access::Scope::Unit { .. } | neibao_domain::access::Scope::Department { .. }
        ) {
            return Ok(0);
        }
        let filter = DocumentFilter {
            unread: Some(true),
            ..Default::default()
        };
        let list = self.list(who, &filter, Page::new(Some(1), Some(200))).await?;
        Ok(list.items.iter().filter(|d| self.receives(who, d)).count())
    }

    /// Opens a document to read it (its PDF): for its addressee the first opening is the receipt
    /// (签收), kept with who and when and audited as `document.receipt`; anyone else just reads.
    ///
    /// Errors: `not_found` outside the jurisdiction.
    #[tracing::instrument(skip_all, fields(document = %id))]
    pub async fn open(&self, who: &Principal, id: &str) -> ServiceResult<Document> {
        let d = self.get(who, id).await?;
        if d.receipt.is_none() && self.receives(who, &d) {
            return self.record(who, d).await;
        }
        Ok(d)
    }

    /// Signs for a document (签收) as its addressee; signing again changes nothing.
    ///
    /// Errors: `not_found` outside the jurisdiction; `forbidden` for anyone but the addressee
    /// (the unit, or for a 问题抄告函 the competent department).
    #[tracing::instrument(skip_all, fields(document = %id))]
    pub async fn sign(&self, who: &Principal, id: &str) -> ServiceResult<Document> {
        let d = self.get(who, id).await?;
        if !self.receives(who, &d) {
            return Err(ServiceError::refused(
                ErrorCode::Forbidden,
                format!("只有{}可以签收此文书", Addressee::of(d.kind).label_zh()),
            ));
        }
        if d.receipt.is_some() {
            return Ok(d);
        }
        self.record(who, d).await
    }

    /// The competent department records what it did about a 问题抄告函 (R29): `text` (trimmed,
    /// 1–1000 characters, personal data masked and sealed as every free text). Recording is also
    /// signing for the letter if nobody had. The issuing police organ's accounts get a notice in
    /// their inbox and channels; the police read the records on the hazard and the document.
    /// Audited as `document.action`. Returns the document with its records.
    ///
    /// Errors: `not_found` outside the jurisdiction; `forbidden` for anyone but the letter's
    /// department, or for a document that is not a 问题抄告函; `invalid` for an empty or too long
    /// text.
    #[tracing::instrument(skip_all, fields(document = %id))]
    pub async fn record_action(&self, who: &Principal, id: &str, text: &str) -> ServiceResult<Document> {
        let d = self.get(who, id).await?;
        if !records_actions(d.kind) {
            return Err(ServiceError::refused(
                ErrorCode::Forbidden,
                "只有问题抄告函需要主管部门反馈处理情况",
            ));
        }
        if !self.receives(who, &d) {
            return Err(ServiceError::refused(
                ErrorCode::Forbidden,
                format!("只有{}可以反馈处理情况", Addressee::of(d.kind).label_zh()),
            ));
        }
        let text = check_action_text(text).map_err(ServiceError::invalid)?;
        let mut audit = who.audit("document.action", "documents", &d.id, Some(&d.unit_id));
        audit.detail = serde_json::json!({ "number": d.number, "kind": d.kind.code() }).to_string();
        let at = Utc::now();
        let action = self
            .ctx
            .store
            .record_document_action(&d.id, &who.user_id, &display_name(who), &text, &audit, at)
            .await?;
        let notice = Notice {
            key: format!("document-action:{}", action.id),
            unit_id: None,
            org_ids: vec![d.org_id.clone()],
            title: format!("主管部门反馈了问题抄告处理情况 {}", d.number),
            unit_name: d.unit_name.clone(),
            summary: format!(
                "{}的行业主管部门反馈了对{}问题抄告的处理情况，请查看。",
                d.unit_name, d.number
            ),
            link: format!("/documents/{}", d.id),
            at,
        };
        send(self.ctx.store.as_ref(), &notice, self.ctx.config.public_url.as_deref())
            .await
            .map_err(ServiceError::from)?;
        Ok(self.ctx.store.get_document(&who.scope, &d.id).await?)
    }

    async fn record(&self, who: &Principal, d: Document) -> ServiceResult<Document> {
        let mut audit = who.audit("document.receipt", "documents", &d.id, Some(&d.unit_id));
        audit.detail = serde_json::json!({ "number": d.number, "kind": d.kind.code() }).to_string();
        self.ctx
            .store
            .record_receipt(&d.id, &who.user_id, &display_name(who), &audit, Utc::now())
            .await?;
        Ok(self.ctx.store.get_document(&who.scope, &d.id).await?)
    }
}

/// The name a receipt or record shows: the display name, else the username.
fn display_name(who: &Principal) -> String {
    if who.display_name.trim().is_empty() {
        who.username.clone()
    } else {
        who.display_name.clone()
    }
}
