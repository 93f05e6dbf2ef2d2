//! Accounts: users, sessions, API tokens, second factor.

mod attempts;
mod drafts;
mod principal;
mod user;

pub use attempts::*;
pub use drafts::*;
pub use user::*;
