//! Accounts: users, sessions, API tokens, second factor.

mod user;

pub use user::*;
