//! [`ChecklistRepo`]: versioned checklists (version 1 of each variant seeded on first use).

use super::super::common::ms;
use super::super::db::sql;
use super::super::store::Backend;
use super::rows::checklist_from_row;
use super::tx::audit_in;
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::audit::AuditEntry;
use neibao_domain::ids::new_id;
use neibao_domain::supervision::checklist::{seed_items, ChecklistItem, Variant};
use neibao_domain::supervision::ChecklistVersion;

impl Backend {
    /// Inserts a version (audited when a person publishes it; the seed is not).
    #[allow(clippy::too_many_arguments)]
    async fn insert_checklist(
        &self,
        variant: Variant,
        version: i64,
        title: &str,
        items: &[ChecklistItem],
        by: &str,
        audit: Option<&AuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<ChecklistVersion> {
        let id = new_id();
        let mut tx = self.begin_write().await?;
        sqlx::query(&sql(
            "INSERT INTO checklists (id, variant, version, title, items, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(&id)
        .bind(variant.code())
        .bind(version)
        .bind(title)
        .bind(serde_json::to_string(items).unwrap_or_default())
        .bind(by)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
        if let Some(audit) = audit {
            audit_in(&mut tx, audit, Some(&id), now).await?;
        }
        tx.commit().await?;
        self.get_checklist(&id).await
    }

    async fn newest_checklist(&self, variant: Variant) -> StoreResult<Option<ChecklistVersion>> {
        let row = sqlx::query(&sql(
            "SELECT * FROM checklists WHERE variant = ? ORDER BY version DESC LIMIT 1",
        ))
        .bind(variant.code())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(checklist_from_row))
    }
}

#[async_trait]
impl ChecklistRepo for Backend {
    async fn list_checklists(&self) -> StoreResult<Vec<ChecklistVersion>> {
        for v in Variant::ALL {
            self.latest_checklist(v).await?;
        }
        let rows = sqlx::query("SELECT * FROM checklists ORDER BY variant, version DESC")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(checklist_from_row).collect())
    }

    async fn get_checklist(&self, id: &str) -> StoreResult<ChecklistVersion> {
        let r = sqlx::query(&sql("SELECT * FROM checklists WHERE id = ?"))
            .bind(id)
            .fetch_one(&self.pool)
            .await?;
        Ok(checklist_from_row(&r))
    }

    /// The newest version of a variant; the seed of docs/REQUIREMENTS.md §d becomes version 1 on first use.
    async fn latest_checklist(&self, variant: Variant) -> StoreResult<ChecklistVersion> {
        if let Some(c) = self.newest_checklist(variant).await? {
            return Ok(c);
        }
        match self
            .insert_checklist(
                variant,
                1,
                variant.label_zh(),
                &seed_items(variant),
                "系统预置",
                None,
                Utc::now(),
            )
            .await
        {
            Ok(c) => Ok(c),
            // Seeded by a concurrent request.
            Err(StoreError::Conflict(_)) => self.newest_checklist(variant).await?.ok_or(StoreError::NotFound),
            Err(e) => Err(e),
        }
    }

    async fn add_checklist_version(
        &self,
        variant: Variant,
        title: &str,
        items: &[ChecklistItem],
        by: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<ChecklistVersion> {
        let latest = self.latest_checklist(variant).await?;
        self.insert_checklist(variant, latest.version + 1, title, items, by, Some(audit), now)
            .await
    }
}
