//! Accounts: users, sessions, API tokens, second factor.

mod drafts;
mod principal;
mod user;

pub use drafts::*;
pub use user::*;
