//! Accounts: login, sessions, API tokens, passwords, the second factor.

mod service;

pub use service::AccountService;
