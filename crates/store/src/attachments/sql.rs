//! SQL of attachments (compiled once per backend: see `crate::sqlite` and `crate::postgres`).

use super::common::{from_ms, ms, push_scope};
use super::db::{sql, Db, DbRow};
use super::privacy_rotate::AAD_ATTACHMENT;
use super::store::Backend;
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::attachments::{Attachment, AttachmentOwner, NewAttachment};
use neibao_domain::audit::AuditEntry;
use neibao_domain::ids::new_id;
use sqlx::{QueryBuilder, Row};

fn attachment_from_row(r: &DbRow) -> Attachment {
    Attachment {
        id: r.get("id"),
        unit_id: r.get::<Option<String>, _>("unit_id").unwrap_or_default(),
        owner_kind: AttachmentOwner::from_code(r.get("owner_kind")).unwrap_or(AttachmentOwner::Hazard),
        owner_id: r.get("owner_id"),
        name: r.get("name"),
        content_type: r.get("content_type"),
        size: r.get("size"),
        uploaded_by: r.get("uploaded_by"),
        created_at: from_ms(r.get("created_at")),
    }
}

/// The file of row `r` with its bytes decrypted. Files stored before attachments were encrypted
/// are read as stored until `neibao keys rotate` encrypts them.
fn with_bytes(b: &Backend, r: &DbRow) -> StoreResult<(Attachment, Vec<u8>)> {
    let data: Vec<u8> = r.get("data");
    let data = if r.get::<bool, _>("data_encrypted") {
        b.cipher.decrypt_bytes(AAD_ATTACHMENT, &data)?
    } else {
        data
    };
    Ok((attachment_from_row(r), data))
}

/// Stores `a` (its bytes encrypted; an empty `unit_id` as NULL) with the audit entry of its
/// upload, in one transaction.
async fn insert(b: &Backend, a: &NewAttachment, audit: &AuditEntry, now: DateTime<Utc>) -> StoreResult<Attachment> {
    let id = new_id();
    let (name, name_sealed) = b.cipher.seal_free_text("attachments", "name", &a.name);
    let unit_id = (!a.unit_id.is_empty()).then_some(a.unit_id.as_str());
    let mut tx = b.begin_write().await?;
    sqlx::query(&sql(
        "INSERT INTO attachments (id, unit_id, owner_kind, owner_id, name, name_sealed, content_type, size, data,
                                  data_encrypted, uploaded_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    ))
    .bind(&id)
    .bind(unit_id)
    .bind(a.owner_kind.code())
    .bind(&a.owner_id)
    .bind(&name)
    .bind(&name_sealed)
    .bind(&a.content_type)
    .bind(a.data.len() as i64)
    // The bytes encrypted at rest (AES-256-GCM, the field key; docs/SECURITY.md).
    .bind(b.cipher.encrypt_bytes(AAD_ATTACHMENT, &a.data))
    .bind(true)
    .bind(&a.uploaded_by)
    .bind(ms(now))
    .execute(&mut *tx)
    .await?;
    // The audit entry of the upload, in the same transaction; a failed append fails it.
    let mut entry = audit.clone();
    if entry.object_id.is_empty() {
        entry.object_id = id.clone();
    }
    super::audit::append_in(&mut tx, &entry, now)
        .await
        .map_err(|e| StoreError::Other(anyhow::anyhow!("audit append for {} failed: {e}", entry.action)))?;
    tx.commit().await?;
    Ok(Attachment {
        id,
        unit_id: a.unit_id.clone(),
        owner_kind: a.owner_kind,
        owner_id: a.owner_id.clone(),
        name,
        content_type: a.content_type.clone(),
        size: a.data.len() as i64,
        uploaded_by: a.uploaded_by.clone(),
        created_at: now,
    })
}

#[async_trait]
impl AttachmentRepo for Backend {
    async fn add_attachment(
        &self,
        scope: &Scope,
        a: &NewAttachment,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Attachment> {
        self.unit_in_scope(scope, &a.unit_id).await?;
        insert(self, a, audit, now).await
    }

    async fn add_owned_attachment(
        &self,
        a: &NewAttachment,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Attachment> {
        insert(self, a, audit, now).await
    }

    async fn owner_attachments(&self, owner: AttachmentOwner, owner_id: &str) -> StoreResult<Vec<Attachment>> {
        let rows = sqlx::query(&sql(
            "SELECT id, unit_id, owner_kind, owner_id, name, content_type, size, uploaded_by, created_at
             FROM attachments WHERE owner_kind = ? AND owner_id = ? ORDER BY created_at, id LIMIT 200",
        ))
        .bind(owner.code())
        .bind(owner_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(attachment_from_row).collect())
    }

    async fn owner_attachment(
        &self,
        owner: AttachmentOwner,
        owner_id: &str,
        id: &str,
    ) -> StoreResult<(Attachment, Vec<u8>)> {
        let r = sqlx::query(&sql(
            "SELECT * FROM attachments WHERE id = ? AND owner_kind = ? AND owner_id = ?",
        ))
        .bind(id)
        .bind(owner.code())
        .bind(owner_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        with_bytes(self, &r)
    }

    async fn list_attachments(
        &self,
        scope: &Scope,
        owner: AttachmentOwner,
        owner_id: &str,
    ) -> StoreResult<Vec<Attachment>> {
        let mut qb: QueryBuilder<'_, Db> = QueryBuilder::new(
            "SELECT a.id, a.unit_id, a.owner_kind, a.owner_id, a.name, a.content_type, a.size, a.uploaded_by, a.created_at
             FROM attachments a JOIN units u ON u.id = a.unit_id WHERE a.owner_kind = ",
        );
        qb.push_bind(owner.code())
            .push(" AND a.owner_id = ")
            .push_bind(owner_id.to_string());
        push_scope(&mut qb, scope);
        qb.push(" ORDER BY a.created_at, a.id LIMIT 200");
        let rows = qb.build().fetch_all(&self.pool).await?;
        Ok(rows.iter().map(attachment_from_row).collect())
    }

    async fn get_attachment(&self, scope: &Scope, id: &str) -> StoreResult<(Attachment, Vec<u8>)> {
        let mut qb: QueryBuilder<'_, Db> =
            QueryBuilder::new("SELECT a.* FROM attachments a JOIN units u ON u.id = a.unit_id WHERE a.id = ");
        qb.push_bind(id.to_string());
        push_scope(&mut qb, scope);
        let r = qb
            .build()
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        with_bytes(self, &r)
    }
}
