//! What the accounts service hands the store (a session to open, an API token to keep) and the
//! bureau's security settings.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::user::TokenScope;

/// A browser session to open (the token itself never reaches the store, only its hash).
#[derive(Debug, Clone)]
pub struct NewSession {
    pub user_id: String,
    pub token_hash: String,
    pub csrf_token: String,
    /// The session owes its second factor (must enrol one before anything else).
    pub mfa_pending: bool,
    /// Absolute expiry.
    pub expires_at: DateTime<Utc>,
    /// The hash of the session the browser had before: it ends as this one opens (rotation).
    pub replaces: Option<String>,
}

/// An API token to keep (its hash; the token is shown once).
#[derive(Debug, Clone)]
pub struct NewApiToken {
    pub user_id: String,
    pub token_hash: String,
    pub name: String,
    pub scope: TokenScope,
    /// `None`: never expires (only `neibao token create` makes such tokens).
    pub expires_at: Option<DateTime<Utc>>,
}

/// The bureau's security settings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SecuritySettings {
    /// Police accounts must use a TOTP second factor.
    pub require_totp_police: bool,
}
