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
        unit_id: r.get("unit_id"),
        owner_kind: AttachmentOwner::from_code(r.get("owner_kind")).unwrap_or(AttachmentOwner::Hazard),
        owner_id: r.get("owner_id"),
        name: r.get("name"),
        content_type: r.get("content_type"),
        size: r.get("size"),
        uploaded_by: r.get("uploaded_by"),
        created_at: from_ms(r.get("created_at")),
    }
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
        let id = new_id();
        let (name, name_sealed) = self.cipher.seal_free_text("attachments", "name", &a.name);
        let mut tx = self.begin_write().await?;
        sqlx::query(&sql(
            "INSERT INTO attachments (id, unit_id, owner_kind, owner_id, name, name_sealed, content_type, size, data,
                                      data_encrypted, uploaded_by, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(&id)
        .bind(&a.unit_id)
        .bind(a.owner_kind.code())
        .bind(&a.owner_id)
        .bind(&name)
        .bind(&name_sealed)
        .bind(&a.content_type)
        .bind(a.data.len() as i64)
        // The bytes encrypted at rest (AES-256-GCM, the field key; docs/SECURITY.md).
        .bind(self.cipher.encrypt_bytes(AAD_ATTACHMENT, &a.data))
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
        let data: Vec<u8> = r.get("data");
        // Files stored before attachments were encrypted are read as stored until
        // `neibao keys rotate` encrypts them.
        let data = if r.get::<bool, _>("data_encrypted") {
            self.cipher.decrypt_bytes(AAD_ATTACHMENT, &data)?
        } else {
            data
        };
        Ok((attachment_from_row(&r), data))
    }
}
