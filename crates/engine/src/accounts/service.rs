//! [`AccountService`]: Accounts: login, sessions, API tokens, passwords, the second factor.

use crate::context::Ctx;

/// Accounts: login, sessions, API tokens, passwords, the second factor.
#[derive(Clone)]
pub struct AccountService {
    #[allow(dead_code)] // until the capability's handlers move here
    pub(crate) ctx: Ctx,
}

impl AccountService {
    pub fn new(ctx: Ctx) -> AccountService {
        AccountService { ctx }
    }
}
