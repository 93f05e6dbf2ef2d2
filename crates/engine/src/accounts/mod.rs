//! Accounts: login, sessions, API tokens, passwords, the second factor, the bureau's security
//! settings. Security-sensitive.

mod password;
mod secrets;
mod security;
mod service;
mod tokens;
pub mod totp;

pub use password::{check_password_policy, hash_password, verify_password, MIN_PASSWORD_CHARS};
pub use secrets::{constant_eq, random_token, temporary_password};
pub use security::{Enrolment, TotpStatus};
pub use service::{AccountService, Opened, Session, LOGIN_WINDOW_MINUTES, MAX_LOGIN_FAILURES, MAX_TOTP_FAILURES};
pub use tokens::{CreatedToken, TokenDraft, DEFAULT_TOKEN_DAYS};
