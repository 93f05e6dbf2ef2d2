//! Accounts: users, sessions, API tokens, second factor.

mod principal;
mod user;

pub use user::*;
