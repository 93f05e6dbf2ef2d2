//! SQL of settings (compiled once per backend: see `crate::sqlite` and `crate::postgres`).

use super::db::sql;
use super::store::Backend;
use crate::error::StoreResult;
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;

#[async_trait]
impl SettingsRepo for Backend {
    async fn get_meta(&self, key: &str) -> StoreResult<Option<String>> {
        Ok(sqlx::query_scalar(&sql("SELECT value FROM meta WHERE key = ?"))
            .bind(key)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn set_meta(&self, key: &str, value: &str) -> StoreResult<()> {
        sqlx::query(&sql(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        ))
        .bind(key)
        .bind(value)
        .execute(self.writer())
        .await?;
        Ok(())
    }
}
