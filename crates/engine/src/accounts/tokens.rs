//! API tokens: scoped (`read` allows safe methods only), expiring, revocable; only their hash
//! is stored. Security-sensitive.

use chrono::{DateTime, Utc};
use neibao_domain::access::{Permission, Principal};
use neibao_domain::accounts::{ApiTokenInfo, NewApiToken, TokenScope};
use neibao_domain::error::ErrorCode;
use neibao_domain::ids::token_hash;

use super::secrets::random_token;
use super::service::AccountService;
use crate::error::{ServiceError, ServiceResult};

/// Days a token lives when the request does not say.
pub const DEFAULT_TOKEN_DAYS: i64 = 90;

/// A token as requested by its owner.
#[derive(Debug, Clone, Default)]
pub struct TokenDraft {
    /// 1–64 characters.
    pub name: String,
    /// `read` when absent.
    pub scope: Option<TokenScope>,
    /// Days until the token expires, 1–365 ([`DEFAULT_TOKEN_DAYS`] when absent).
    pub expires_in_days: Option<i64>,
}

/// A token just created: the token itself is shown this once.
#[derive(Debug, Clone)]
pub struct CreatedToken {
    pub id: String,
    pub token: String,
    pub name: String,
    pub scope: TokenScope,
    pub expires_at: Option<DateTime<Utc>>,
}

impl AccountService {
    /// Whose tokens the caller lists and revokes: their own; with `token.administer`
    /// everyone's.
    fn token_owner(who: &Principal) -> Option<&str> {
        (!who.can(Permission::TokenAdminister)).then_some(who.user_id.as_str())
    }

    /// The caller's API tokens (with `token.administer`: everyone's), newest first.
    #[tracing::instrument(skip_all, fields(user = %who.user_id))]
    pub async fn list_tokens(&self, who: &Principal) -> ServiceResult<Vec<ApiTokenInfo>> {
        Ok(self.ctx.store.list_api_tokens(Self::token_owner(who)).await?)
    }

    /// Creates an API token for the caller. Only from a signed-in session, never with another
    /// token (`with_token`: the caller authenticated with an API token): a stolen token must
    /// not outlive its own revocation.
    ///
    /// Errors: `forbidden` (403) with a token or without `token.create` (guards);
    /// `validation_failed` (400) for the name or the days.
    #[tracing::instrument(skip_all, fields(user = %who.user_id))]
    pub async fn create_token(
        &self,
        who: &Principal,
        with_token: bool,
        draft: TokenDraft,
    ) -> ServiceResult<CreatedToken> {
        who.require(Permission::TokenCreate)?;
        if with_token {
            return Err(ServiceError::refused(
                ErrorCode::Forbidden,
                "不能用 API 令牌创建新令牌，请登录后在「账户安全」中创建",
            ));
        }
        let name = neibao_domain::text::checked_text(&draft.name, "令牌名称", 64, true, false)?;
        let name = name.as_str();
        let days = draft.expires_in_days.unwrap_or(DEFAULT_TOKEN_DAYS);
        if !(1..=365).contains(&days) {
            return Err(ServiceError::invalid("有效期须为 1–365 天"));
        }
        let now = Utc::now();
        let scope = draft.scope.unwrap_or(TokenScope::Read);
        self.store_token(
            who,
            &who.user_id,
            &who.username,
            name,
            scope,
            Some(now + chrono::Duration::days(days)),
        )
        .await
    }

    /// Creates an API token for the account `username` (`neibao token create`): `expires_at`
    /// `None` never expires.
    ///
    /// Errors: `not_found` when there is no such active account.
    #[tracing::instrument(skip_all)]
    pub async fn issue_token(
        &self,
        who: &Principal,
        username: &str,
        name: &str,
        scope: TokenScope,
        expires_at: Option<DateTime<Utc>>,
    ) -> ServiceResult<CreatedToken> {
        who.require(Permission::TokenAdminister)?;
        let (user, _) = self
            .ctx
            .store
            .user_credentials(username)
            .await?
            .ok_or_else(ServiceError::not_found)?;
        self.store_token(who, &user.id, &user.username, name, scope, expires_at)
            .await
    }

    async fn store_token(
        &self,
        who: &Principal,
        user_id: &str,
        username: &str,
        name: &str,
        scope: TokenScope,
        expires_at: Option<DateTime<Utc>>,
    ) -> ServiceResult<CreatedToken> {
        let token = random_token();
        let mut audit = who.audit("token.create", "api_tokens", "", None);
        audit.detail = format!("user={username} scope={}", scope.code());
        let id = self
            .ctx
            .store
            .create_api_token(
                &NewApiToken {
                    user_id: user_id.to_string(),
                    token_hash: token_hash(&token),
                    name: name.to_string(),
                    scope,
                    expires_at,
                },
                &audit,
                Utc::now(),
            )
            .await?;
        Ok(CreatedToken {
            id,
            token,
            name: name.to_string(),
            scope,
            expires_at,
        })
    }

    /// Revokes a live token: one's own; with `token.administer` anyone's.
    ///
    /// Errors: `not_found` (404) when there is no such live token the caller may revoke.
    #[tracing::instrument(skip_all, fields(user = %who.user_id, token = %id))]
    pub async fn revoke_token(&self, who: &Principal, id: &str) -> ServiceResult<()> {
        let audit = who.audit("token.revoke", "api_tokens", id, None);
        self.ctx
            .store
            .revoke_api_token(id, Self::token_owner(who), &audit, Utc::now())
            .await?;
        Ok(())
    }
}
