//! Repositories of settings: [`SettingsRepo`]. Implemented by both
//! backends in `sql.rs` (compiled once per backend, see `crate::sqlite`).

use crate::error::StoreResult;
use async_trait::async_trait;

/// Key-value settings of the installation (a bureau's supervision settings, escalation policy, security settings).
#[async_trait]
pub trait SettingsRepo: Send + Sync {
    async fn get_meta(&self, key: &str) -> StoreResult<Option<String>>;
    async fn set_meta(&self, key: &str, value: &str) -> StoreResult<()>;
}
