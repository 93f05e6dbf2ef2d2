//! Repository of account administration: [`UserAdminRepo`]. Implemented by both backends in
//! `sql.rs` (compiled once per backend, see `crate::sqlite`). Every change takes its
//! [`AuditEntry`] and writes it in the same transaction.

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::accounts::NewUser;
use neibao_domain::audit::AuditEntry;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::users::{AccountChange, UserAccount, UserFilter};

/// Accounts as administrators see and change them.
#[async_trait]
pub trait UserAdminRepo: Send + Sync {
    /// Accounts whose node (organisation or unit) lies in the division-code `prefix` (`None`:
    /// every account), by user name; accounts with neither node only when `prefix` is `None`.
    async fn list_accounts(
        &self,
        prefix: Option<&str>,
        f: &UserFilter,
        page: Page,
    ) -> StoreResult<Listing<UserAccount>>;
    /// One account with its state. NotFound when there is none.
    async fn get_account(&self, id: &str) -> StoreResult<UserAccount>;
    /// Creates an account; `conflict` when the user name is taken. Returns its id.
    /// Errors: `Domain(conflict)` when the user name or the external subject is taken.
    async fn create_account(
        &self,
        user: &NewUser,
        external_subject: Option<&str>,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<String>;
    /// Changes name, role and node. When the role or node changes, every session of the account
    /// ends and its API tokens are revoked (they carried the old rights).
    async fn update_account(
        &self,
        id: &str,
        change: &AccountChange,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Disables (every session ended, every API token revoked) or enables an account.
    async fn set_account_disabled(
        &self,
        id: &str,
        disabled: bool,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
}
