//! The account's own security: password change (and the recovery of an account from the
//! command line), the TOTP second factor, and the bureau's security settings.
//! Security-sensitive.

use chrono::Utc;
use neibao_domain::access::{Permission, Principal};
use neibao_domain::accounts::{AttemptKind, SecuritySettings};
use neibao_domain::error::ErrorCode;

use super::password::{check_password_policy, hash_password, verify_password};
use super::secrets::temporary_password;
use super::service::AccountService;
use super::totp;
use crate::error::{ServiceError, ServiceResult};

/// The second-factor state of the caller.
#[derive(Debug, Clone, Copy)]
pub struct TotpStatus {
    pub enabled: bool,
    /// A secret is stored but not confirmed yet.
    pub pending: bool,
    /// The bureau requires a second factor for this account.
    pub required: bool,
}

/// A second factor being enrolled: shown once, right after the secret was made.
#[derive(Debug, Clone)]
pub struct Enrolment {
    /// Base32 secret to type into an authenticator app.
    pub secret: String,
    /// `otpauth://` URL (for a QR code).
    pub otpauth_url: String,
}

impl AccountService {
    /// Changes the caller's password: the current password is checked under the login lockout
    /// (a wrong one counts as a failed login), the new one against the policy and must differ;
    /// then every session of the user ends and every API token is revoked, with the audit row
    /// in the same transaction.
    ///
    /// Errors: `busy` (429, locked, with `retry_after`), `bad_credentials` (401), `weak_password` (400),
    /// `validation_failed` (400, same as the current one).
    #[tracing::instrument(skip_all, fields(user = %who.user_id))]
    pub async fn change_password(&self, who: &Principal, current: &str, new: &str) -> ServiceResult<()> {
        let store = &self.ctx.store;
        let name = &who.username;
        let now = Utc::now();
        self.claim_attempt(AttemptKind::Password, name, "密码错误次数过多", now)
            .await?;
        let Some((_, hash)) = store.user_credentials(name).await? else {
            store.release_attempt(AttemptKind::Password, name).await?;
            return Err(ServiceError::code(ErrorCode::Unauthenticated));
        };
        if !verify_password(current, &hash) {
            // The attempt stays counted; the refused request itself is audited by the web
            // layer as an attempt.
            return Err(ServiceError::refused(ErrorCode::BadCredentials, "当前密码错误"));
        }
        // The right password: not a failure.
        store.release_attempt(AttemptKind::Password, name).await?;
        check_password_policy(new, name)?;
        if new == current {
            return Err(ServiceError::invalid("新密码不能与当前密码相同"));
        }
        let mut audit = who.audit("user.password_change", "users", &who.user_id, None);
        audit.detail = "sessions ended, tokens revoked".into();
        store
            .set_password(&who.user_id, &hash_password(new), &audit, now)
            .await?;
        Ok(())
    }

    /// Recovers the account `username` (`neibao user reset`): a new random password (returned,
    /// to print once), the second factor removed, the login lock lifted, every session ended
    /// and every API token revoked; audited.
    ///
    /// Errors: `not_found` when there is no such active account.
    #[tracing::instrument(skip_all)]
    pub async fn reset_account(&self, who: &Principal, username: &str) -> ServiceResult<String> {
        who.require(Permission::SecuritySettingsConfigure)?;
        let store = &self.ctx.store;
        let (user, _) = store
            .user_credentials(username)
            .await?
            .ok_or_else(ServiceError::not_found)?;
        let password = temporary_password();
        let mut audit = who.audit("user.reset", "users", &user.id, None);
        audit.detail = "password, totp, lock, sessions, tokens".into();
        store
            .reset_user(&user.id, &hash_password(&password), &audit, Utc::now())
            .await?;
        Ok(password)
    }

    /// Whether the caller has a second factor, and whether one is required.
    #[tracing::instrument(skip_all, fields(user = %who.user_id))]
    pub async fn totp_status(&self, who: &Principal) -> ServiceResult<TotpStatus> {
        let st = self.ctx.store.totp_state(&who.user_id).await?;
        Ok(TotpStatus {
            enabled: st.enabled,
            pending: !st.enabled && st.secret.is_some(),
            required: self.totp_required_for(who.role).await?,
        })
    }

    /// Starts enrolment: stores a new secret, not active until confirmed with a code.
    ///
    /// Errors: `conflict` (409) when a second factor is already active.
    #[tracing::instrument(skip_all, fields(user = %who.user_id))]
    pub async fn begin_totp(&self, who: &Principal) -> ServiceResult<Enrolment> {
        if self.ctx.store.totp_state(&who.user_id).await?.enabled {
            return Err(ServiceError::refused(
                ErrorCode::Conflict,
                "已绑定动态验证码；如需更换请先解除",
            ));
        }
        let secret = totp::new_secret();
        let audit = who.audit("totp.begin", "users", &who.user_id, None);
        self.ctx
            .store
            .set_totp(&who.user_id, Some(&secret), false, &audit, Utc::now())
            .await?;
        Ok(Enrolment {
            otpauth_url: totp::otpauth_url(&secret, &who.username),
            secret,
        })
    }

    /// Checks a code against the stored secret and uses its step (a replayed code fails). The
    /// check is claimed on the account's second-factor counter first (shared with login).
    ///
    /// Errors: `busy` (429, `retry_after`) after `MAX_TOTP_FAILURES` codes in
    /// `LOGIN_WINDOW_MINUTES` minutes (`service.rs`); `validation_failed` (400) for a wrong or
    /// used code.
    async fn check_code(&self, who: &Principal, code: &str) -> ServiceResult<()> {
        let now = Utc::now();
        self.claim_attempt(AttemptKind::SecondFactor, &who.user_id, "动态验证码错误次数过多", now)
            .await?;
        let st = self.ctx.store.totp_state(&who.user_id).await?;
        if self.use_code(&who.user_id, &st, code, now).await? {
            self.ctx
                .store
                .clear_attempts(AttemptKind::SecondFactor, &who.user_id)
                .await?;
            Ok(())
        } else {
            Err(ServiceError::invalid("动态验证码错误或已使用"))
        }
    }

    /// Confirms enrolment with a current code: activates the second factor and clears the
    /// pending state of the caller's session (`session_hash`, when signed in by cookie).
    ///
    /// Errors: `validation_failed` (400) for a wrong or used code; `busy` (429) after too many.
    #[tracing::instrument(skip_all, fields(user = %who.user_id))]
    pub async fn confirm_totp(&self, who: &Principal, session_hash: Option<&str>, code: &str) -> ServiceResult<()> {
        self.check_code(who, code).await?;
        let audit = who.audit("totp.enable", "users", &who.user_id, None);
        self.ctx
            .store
            .enable_totp(&who.user_id, session_hash, &audit, Utc::now())
            .await?;
        Ok(())
    }

    /// Removes the caller's second factor (needs a current code).
    ///
    /// Errors: `forbidden` (403) while the bureau requires one; `validation_failed` (400) for a
    /// wrong or used code; `busy` (429) after too many.
    #[tracing::instrument(skip_all, fields(user = %who.user_id))]
    pub async fn remove_totp(&self, who: &Principal, code: &str) -> ServiceResult<()> {
        if self.totp_required_for(who.role).await? {
            return Err(ServiceError::forbidden("本级公安机关要求警务账号必须启用动态验证码"));
        }
        self.check_code(who, code).await?;
        let audit = who.audit("totp.remove", "users", &who.user_id, None);
        self.ctx
            .store
            .set_totp(&who.user_id, None, false, &audit, Utc::now())
            .await?;
        Ok(())
    }

    /// The bureau's security settings.
    #[tracing::instrument(skip_all)]
    pub async fn security_settings(&self, who: &Principal) -> ServiceResult<SecuritySettings> {
        who.require(Permission::SecuritySettingsRead)?;
        Ok(self.ctx.store.security_settings().await?)
    }

    /// Changes the bureau's security settings.
    #[tracing::instrument(skip_all)]
    pub async fn set_security_settings(
        &self,
        who: &Principal,
        settings: SecuritySettings,
    ) -> ServiceResult<SecuritySettings> {
        who.require(Permission::SecuritySettingsConfigure)?;
        let mut audit = who.audit("security_settings.update", "settings", "security", None);
        audit.detail = format!("require_totp_police={}", settings.require_totp_police);
        self.ctx
            .store
            .set_security_settings(&settings, &audit, Utc::now())
            .await?;
        Ok(settings)
    }
}
