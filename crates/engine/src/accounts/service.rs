//! [`AccountService`]: who a request is (session or API token), login and logout, the first
//! administrator. Password, second factor and settings are in `security.rs`, API tokens in
//! `tokens.rs`. Security-sensitive.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use neibao_domain::access::{Principal, Role};
use neibao_domain::accounts::{AttemptKind, NewSession, NewUser, SessionInfo, TokenScope, TotpState, User};
use neibao_domain::audit::AuditEntry;
use neibao_domain::error::{DomainError, ErrorCode};
use neibao_domain::ids::token_hash;
use neibao_store::StoreError;

use super::password::{hash_password, verify_password};
use super::secrets::random_token;
use super::totp;
use crate::context::Ctx;
use crate::error::{ServiceError, ServiceResult};

/// Password attempts allowed per user name within [`LOGIN_WINDOW_MINUTES`], counted across all
/// nodes (a counter row in the database, claimed before each check): beyond it the name is
/// locked for the rest of the window. A success resets the counter.
pub const MAX_LOGIN_FAILURES: i64 = 10;
/// Second-factor codes allowed per account within [`LOGIN_WINDOW_MINUTES`] (every check: login,
/// confirming, removing), counted across all nodes like passwords. With three codes valid at
/// a time (one step of skew either way), 5 guesses per 15 minutes give a guesser about one
/// chance in 67 000 per window.
pub const MAX_TOTP_FAILURES: i64 = 5;
/// The window of the lockouts (minutes): it starts at the first counted attempt; once the
/// limit is used up, every attempt is refused (429 with `Retry-After` = the seconds left) until
/// it ends.
pub const LOGIN_WINDOW_MINUTES: i64 = 15;

/// Accounts: login, sessions, API tokens, passwords, the second factor.
#[derive(Clone)]
pub struct AccountService {
    pub(crate) ctx: Ctx,
}

/// A session just opened.
#[derive(Debug, Clone)]
pub struct Opened {
    pub user: User,
    /// The session token (for the cookie; only its hash is stored).
    pub token: String,
    /// The session's CSRF token.
    pub csrf: String,
    /// The session must enrol a second factor before anything else.
    pub must_enroll: bool,
}

/// A live browser session as the authentication layer sees it.
#[derive(Debug, Clone)]
pub struct Session {
    pub info: SessionInfo,
    /// The hash of the session token (what the store keys the session by).
    pub token_hash: String,
}

impl AccountService {
    pub fn new(ctx: Ctx) -> AccountService {
        AccountService { ctx }
    }

    /// The user and scope of a live API token (`None`: unknown, expired or revoked).
    #[tracing::instrument(skip_all)]
    pub async fn authenticate_token(&self, bearer: &str) -> ServiceResult<Option<(User, TokenScope)>> {
        Ok(self.ctx.store.api_token_user(&token_hash(bearer), Utc::now()).await?)
    }

    /// The live session of a session token (`None`: unknown, past its absolute expiry, or idle
    /// for longer than the idle timeout).
    #[tracing::instrument(skip_all)]
    pub async fn authenticate_session(&self, token: &str) -> ServiceResult<Option<Session>> {
        let hash = token_hash(token);
        let idle = chrono::Duration::from_std(self.ctx.config.session_idle).unwrap_or(chrono::Duration::minutes(30));
        Ok(self
            .ctx
            .store
            .session_user(&hash, Utc::now(), idle)
            .await?
            .map(|info| Session { info, token_hash: hash }))
    }

    /// Whether the bureau requires a second factor for accounts of this role (police).
    pub(crate) async fn totp_required_for(&self, role: Role) -> ServiceResult<bool> {
        Ok(role.is_police() && self.ctx.store.security_settings().await?.require_totp_police)
    }

    /// Checks credentials (and the TOTP code when the account has one) and opens a new session
    /// (a fresh token: sessions are never reused across logins; the browser's `previous`
    /// session, if any, ends with it). Successes and failures are audited in the transaction
    /// that records them; a failure's audit row names the typed user name masked like free
    /// text.
    ///
    /// Every password check is claimed on the name's counter first, every code check on the
    /// account's second-factor counter, atomically across nodes: however many attempts run at
    /// once, at most [`MAX_LOGIN_FAILURES`] passwords (and [`MAX_TOTP_FAILURES`] codes) are
    /// checked per window.
    ///
    /// Errors: `bad_credentials` (401); `totp_required` (401) when the account has a second
    /// factor and no code was sent (not counted as a failure); `busy` (429, with the seconds
    /// left as `retry_after`) once a user name has used [`MAX_LOGIN_FAILURES`] attempts in
    /// [`LOGIN_WINDOW_MINUTES`] minutes — then even the right password is refused until the
    /// window has passed — or the account [`MAX_TOTP_FAILURES`] codes.
    #[tracing::instrument(skip_all)]
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        otp: Option<&str>,
        previous: Option<&str>,
    ) -> ServiceResult<Opened> {
        let store = &self.ctx.store;
        let username = username.trim();
        if username.is_empty() || username.chars().count() > 64 {
            return Err(ServiceError::code(ErrorCode::BadCredentials));
        }
        let now = Utc::now();
        // The attempt is counted before anything is checked: parallel guesses cannot pass the
        // limit between a read of the count and the write of a failure.
        self.claim_attempt(AttemptKind::Password, username, "登录失败次数过多", now)
            .await?;
        let creds = store.user_credentials(username).await?;
        // Verify against a dummy hash when the user does not exist, so timing does not tell.
        static DUMMY: LazyLock<String> = LazyLock::new(|| hash_password("neibao-dummy"));
        let ok = match &creds {
            Some((_, hash)) => verify_password(password, hash),
            None => {
                verify_password(password, &DUMMY);
                false
            }
        };
        let Some((user, _)) = creds.filter(|_| ok) else {
            return Err(self.failed_login(username, "password", now).await);
        };
        let totp_state = store.totp_state(&user.id).await?;
        if totp_state.enabled {
            let Some(code) = otp.filter(|c| !c.trim().is_empty()) else {
                // The right password without a code is not a failure: the attempt is given back.
                store.release_attempt(AttemptKind::Password, username).await?;
                return Err(ServiceError::code(ErrorCode::TotpRequired));
            };
            self.claim_attempt(AttemptKind::SecondFactor, &user.id, "动态验证码错误次数过多", now)
                .await?;
            if !self.use_code(&user.id, &totp_state, code, now).await? {
                return Err(self.failed_login(username, "totp", now).await);
            }
            store.clear_attempts(AttemptKind::SecondFactor, &user.id).await?;
        }
        let must_enroll = !totp_state.enabled && self.totp_required_for(user.role).await?;
        store.clear_attempts(AttemptKind::Password, username).await?;
        tracing::info!(user = %user.id, "login");
        let token = random_token();
        let csrf = random_token();
        let ttl = chrono::Duration::from_std(self.ctx.config.session_ttl).unwrap_or(chrono::Duration::hours(8));
        let audit = AuditEntry {
            actor_id: Some(user.id.clone()),
            actor_name: user.username.clone(),
            action: "session.login".into(),
            object_type: "users".into(),
            object_id: user.id.clone(),
            unit_id: user.unit_id.clone(),
            detail: if totp_state.enabled {
                "password+totp"
            } else {
                "password"
            }
            .into(),
            ..AuditEntry::default()
        };
        store
            .create_session(
                &NewSession {
                    user_id: user.id.clone(),
                    token_hash: token_hash(&token),
                    csrf_token: csrf.clone(),
                    mfa_pending: must_enroll,
                    expires_at: now + ttl,
                    replaces: previous.map(token_hash),
                },
                &audit,
                now,
            )
            .await?;
        Ok(Opened {
            user,
            token,
            csrf,
            must_enroll,
        })
    }

    /// Claims one attempt on the counter of (`kind`, `subject`) before a secret is checked.
    ///
    /// Errors: `busy` (429) with `retry_after` = the seconds left in the window when the limit
    /// ([`MAX_LOGIN_FAILURES`] passwords, [`MAX_TOTP_FAILURES`] codes per
    /// [`LOGIN_WINDOW_MINUTES`] minutes) is used up; the message starts with `what` and says
    /// how many minutes to wait.
    pub(crate) async fn claim_attempt(
        &self,
        kind: AttemptKind,
        subject: &str,
        what: &str,
        now: DateTime<Utc>,
    ) -> ServiceResult<()> {
        let limit = match kind {
            AttemptKind::Password => MAX_LOGIN_FAILURES,
            AttemptKind::SecondFactor => MAX_TOTP_FAILURES,
        };
        let window = chrono::Duration::minutes(LOGIN_WINDOW_MINUTES);
        let claim = self.ctx.store.claim_attempt(kind, subject, window, now).await?;
        match claim.locked_for(limit, now) {
            None => Ok(()),
            Some(secs) => {
                tracing::debug!(kind = kind.code(), "attempt refused: locked");
                Err(DomainError::locked(format!("{what}，请{}分钟后再试", secs.div_ceil(60)), secs).into())
            }
        }
    }

    /// Audits a failed login (the attempt was counted when it was claimed; the audit row has the
    /// typed name masked) and returns the refusal to answer with (or the error that kept it
    /// from being recorded).
    async fn failed_login(&self, username: &str, why: &'static str, now: DateTime<Utc>) -> ServiceError {
        tracing::warn!(reason = why, "failed login");
        // The name typed may be anything (even an ID or phone number): masked like free text.
        let audit = AuditEntry {
            actor_id: None,
            actor_name: neibao_domain::sensitive::redact_numbers(username),
            action: "session.login_failed".into(),
            object_type: "users".into(),
            detail: why.into(),
            ..AuditEntry::default()
        };
        if let Err(e) = self.ctx.store.append_audit(&audit, now).await {
            return e.into();
        }
        match why {
            "totp" => ServiceError::refused(ErrorCode::BadCredentials, "动态验证码错误或已使用"),
            _ => ServiceError::code(ErrorCode::BadCredentials),
        }
    }

    /// Checks a TOTP code against the user's secret and uses its step: false when it is wrong
    /// or was used before (a replay).
    pub(crate) async fn use_code(
        &self,
        user_id: &str,
        state: &TotpState,
        code: &str,
        now: DateTime<Utc>,
    ) -> ServiceResult<bool> {
        let secs = now.timestamp().max(0) as u64;
        match state.secret.as_deref().and_then(|s| totp::matching_step(s, code, secs)) {
            Some(step) => Ok(self.ctx.store.use_totp_step(user_id, step).await?),
            None => Ok(false),
        }
    }

    /// Ends the session of `token`; the logout of a live session is audited.
    #[tracing::instrument(skip_all)]
    pub async fn logout(&self, token: &str) -> ServiceResult<()> {
        let session = self.authenticate_session(token).await?;
        let audit = session.as_ref().map(|s| {
            s.info
                .user
                .principal()
                .audit("session.logout", "users", &s.info.user.id, None)
        });
        self.ctx
            .store
            .delete_session(&token_hash(token), audit.as_ref(), Utc::now())
            .await?;
        Ok(())
    }

    /// Whether any account exists (first start: none).
    #[tracing::instrument(skip_all)]
    pub async fn has_accounts(&self, who: &Principal) -> ServiceResult<bool> {
        who.require(neibao_domain::access::Permission::SecuritySettingsConfigure)?;
        Ok(self.ctx.store.count_users().await? > 0)
    }

    /// Creates the administrator account `admin` with `password` when there is no account yet
    /// (first start). True when it was created here; false when accounts exist (or another node
    /// created it at the same moment). Not audited: nobody is signed in yet.
    #[tracing::instrument(skip_all)]
    pub async fn create_first_admin(&self, who: &Principal, password: &str) -> ServiceResult<bool> {
        who.require(neibao_domain::access::Permission::SecuritySettingsConfigure)?;
        if self.ctx.store.count_users().await? > 0 {
            return Ok(false);
        }
        let created = self
            .ctx
            .store
            .create_user(
                &NewUser {
                    username: "admin".into(),
                    display_name: "系统管理员".into(),
                    password_hash: hash_password(password),
                    password_temporary: false,
                    role: Role::Admin,
                    org_id: None,
                    unit_id: None,
                },
                Utc::now(),
            )
            .await;
        match created {
            Ok(_) => Ok(true),
            Err(StoreError::Conflict(_)) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
}
