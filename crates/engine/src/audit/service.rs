//! [`AuditService`]: the audit log read inside a scope, its head, and the verification of its
//! chain.

use std::collections::HashMap;

use neibao_domain::access::{Permission, Principal};
use neibao_domain::audit::{AuditEntry, AuditFilter, AuditHead, AuditRecord};
use neibao_domain::paging::{Listing, Page};

use super::units::unit_names;
use super::verify::{verify_chain, AuditReport, CheckpointLog};
use crate::context::Ctx;
use crate::error::ServiceResult;

/// The audit log: reading it inside a scope, verifying its chain.
#[derive(Clone)]
pub struct AuditService {
    pub(crate) ctx: Ctx,
}

impl AuditService {
    pub fn new(ctx: Ctx) -> AuditService {
        AuditService { ctx }
    }

    /// The log, newest first: everything for a principal who sees everything; otherwise the rows
    /// about units in the principal's scope and the rows of their own actions.
    ///
    /// Errors: `forbidden` (403) without `audit.read`.
    #[tracing::instrument(skip_all, fields(user = %who.user_id))]
    pub async fn list(&self, who: &Principal, filter: &AuditFilter, page: Page) -> ServiceResult<Listing<AuditRecord>> {
        who.require(Permission::AuditRead)?;
        Ok(self
            .ctx
            .store
            .list_audit(&who.scope, &who.user_id, filter, page)
            .await?)
    }

    /// Records a refused attempt to change something (a signed-in caller whose state-changing
    /// request was refused: 403, 404, 409 …). Successful changes are recorded by the service that
    /// made them, in the change's own transaction; a refusal changed nothing, so it is recorded
    /// on its own.
    #[tracing::instrument(skip_all, fields(action = %entry.action))]
    pub async fn record_refused(&self, entry: &AuditEntry) -> ServiceResult<()> {
        self.ctx.store.append_audit(entry, chrono::Utc::now()).await?;
        Ok(())
    }

    /// The chain's head (to record outside the database).
    ///
    /// Errors: `forbidden` (403) without `audit.read`.
    #[tracing::instrument(skip_all, fields(user = %who.user_id))]
    pub async fn head(&self, who: &Principal) -> ServiceResult<AuditHead> {
        who.require(Permission::AuditRead)?;
        Ok(self.ctx.store.audit_head().await?)
    }

    /// Walks the whole chain and reports every edited, deleted or reordered row, every anchor
    /// (`SEQ:HASH`, recorded earlier) the chain no longer matches and, with a checkpoint log,
    /// every forged checkpoint, every checkpoint the chain no longer matches, every row appended
    /// and backdated after a checkpoint, and the rows after the last checkpoint.
    ///
    /// Errors: `forbidden` (403) without `audit.read`; `validation_failed` for a malformed
    /// anchor.
    #[tracing::instrument(skip_all)]
    pub async fn verify(
        &self,
        who: &Principal,
        anchors: &[String],
        checkpoints: Option<CheckpointLog<'_>>,
    ) -> ServiceResult<AuditReport> {
        who.require(Permission::AuditRead)?;
        verify_chain(self.ctx.store.as_ref(), anchors, checkpoints).await
    }

    /// Names of the units with these ids that the principal may see (the others keep their id).
    #[tracing::instrument(skip_all, fields(user = %who.user_id))]
    pub async fn unit_names(
        &self,
        who: &Principal,
        ids: impl IntoIterator<Item = String>,
    ) -> ServiceResult<HashMap<String, String>> {
        unit_names(self.ctx.store.as_ref(), &who.scope, ids).await
    }
}
