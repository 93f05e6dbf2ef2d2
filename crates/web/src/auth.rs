//! Temporary re-exports for the files that still name `crate::auth` (the caller extractor is
//! `crate::extract::principal`; password hashing, random tokens and TOTP are the accounts
//! service's, `neibao_engine::accounts`). Removed once nothing imports this module.

pub use crate::extract::principal::{CurrentUser, CSRF_HEADER};
pub use neibao_engine::accounts::{hash_password, random_token, totp};
