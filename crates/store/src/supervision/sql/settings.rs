//! [`BureauSettingsRepo`]: a bureau's supervision settings, kept as JSON in the `meta` table
//! under `supervision.settings.{org_id}`.

use super::super::db::sql;
use super::super::store::Backend;
use super::tx::audit_in;
use crate::error::StoreResult;
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::audit::AuditEntry;
use neibao_domain::supervision::SupervisionSettings;

fn settings_key(org_id: &str) -> String {
    format!("supervision.settings.{org_id}")
}

#[async_trait]
impl BureauSettingsRepo for Backend {
    /// A stored value that no longer parses reads as the defaults.
    async fn bureau_settings(&self, org_id: &str) -> StoreResult<Option<SupervisionSettings>> {
        let v: Option<String> = sqlx::query_scalar(&sql("SELECT value FROM meta WHERE key = ?"))
            .bind(settings_key(org_id))
            .fetch_optional(&self.pool)
            .await?;
        Ok(v.map(|s| serde_json::from_str(&s).unwrap_or_default()))
    }

    async fn save_bureau_settings(
        &self,
        org_id: &str,
        s: &SupervisionSettings,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let json = serde_json::to_string(s).map_err(|e| anyhow::anyhow!(e))?;
        let mut tx = self.begin_write().await?;
        sqlx::query(&sql(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        ))
        .bind(settings_key(org_id))
        .bind(json)
        .execute(&mut *tx)
        .await?;
        audit_in(&mut tx, audit, Some(org_id), now).await?;
        tx.commit().await?;
        Ok(())
    }
}
