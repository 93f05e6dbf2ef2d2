//! Accounts: users, browser sessions, API tokens and the second factor.

use serde::{Deserialize, Serialize};

use crate::access::Role;

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct User {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub org_id: Option<String>,
    pub unit_id: Option<String>,
    /// Division code of the user's organisation (police) or unit.
    pub division_code: Option<String>,
    pub org_name: Option<String>,
    pub unit_name: Option<String>,
    /// The password was made by the system (a new account's initial password, a reset): until
    /// its owner sets their own, a session may only change it, see who it is and sign out
    /// (`password_change_required`).
    #[serde(default)]
    pub password_temporary: bool,
}

/// An account to create. `password_hash` is an Argon2id PHC string.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    /// Made by the system and shown to an administrator (see [`User::password_temporary`]).
    pub password_temporary: bool,
    pub role: Role,
    /// Police organisation or competent department (police and department roles).
    pub org_id: Option<String>,
    /// The unit (unit manager and guard roles).
    pub unit_id: Option<String>,
}

/// A live browser session as the authentication layer sees it.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub user: User,
    pub csrf_token: String,
    /// The session still owes its second factor (or must enrol one): only TOTP routes answer.
    pub mfa_pending: bool,
}

/// What an API token may do: `read` allows safe methods only; `write` everything the role may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TokenScope {
    Read,
    Write,
}

impl TokenScope {
    pub fn code(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::Write => "write",
        }
    }
    pub fn from_code(s: &str) -> Option<TokenScope> {
        match s {
            "read" => Some(TokenScope::Read),
            "write" => Some(TokenScope::Write),
            _ => None,
        }
    }
}

/// An API token as listed (never the token itself, which is shown once at creation).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ApiTokenInfo {
    pub id: String,
    pub user_id: String,
    pub username: String,
    pub name: String,
    pub scope: TokenScope,
    /// Milliseconds since the Unix epoch (UTC), as every time in this struct.
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
}

/// The second-factor state of a user. `secret` is the base32 TOTP secret (decrypted).
#[derive(Debug, Clone)]
pub struct TotpState {
    pub secret: Option<String>,
    pub enabled: bool,
    pub last_step: i64,
}
