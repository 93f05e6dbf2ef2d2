//! `/account`: the caller's password, second factor and API tokens, and (with
//! `security.settings.configure`) the bureau's security settings — the browser side of the
//! accounts API. Pages that show a secret are sent with `Cache-Control: no-store`.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use neibao_domain::access::Permission;
use neibao_domain::accounts::{SecuritySettings, TokenScope};
use neibao_engine::accounts::{totp, TokenDraft, MIN_PASSWORD_CHARS};
use serde::Deserialize;

use crate::api::accounts::clear_cookie;
use crate::error::{ApiError, ApiResult};
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{no_store, signed_in_status_of, with_status};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_ms, fmt_time, Nav};

/// A second factor being enrolled: shown once, right after the secret was made.
struct Enrolment {
    /// The base32 secret in groups of four, for typing.
    grouped: String,
    url: String,
}

/// A token just created: shown once.
struct CreatedTokenView {
    name: String,
    token: String,
    scope: &'static str,
    expires: String,
}

struct TokenRow {
    id: String,
    owner: String,
    name: String,
    scope: &'static str,
    created: String,
    expires: String,
    last_used: String,
    state: &'static str,
    live: bool,
}

#[derive(Template)]
#[template(path = "accounts/account.html")]
struct AccountPage {
    nav: Nav,
    username: String,
    issuer: &'static str,
    /// Only the second-factor section (`/account/totp`: where a session that must enrol lands).
    totp_only: bool,
    /// Only the password section: the account signs in with a password the system made.
    password_only: bool,
    notice: Option<String>,
    password_error: Option<String>,
    totp_error: Option<String>,
    token_error: Option<String>,
    totp_enabled: bool,
    totp_required: bool,
    /// A secret is stored but not confirmed yet.
    totp_pending: bool,
    enrolment: Option<Enrolment>,
    new_token: Option<CreatedTokenView>,
    tokens: Vec<TokenRow>,
    /// Everyone's tokens are listed (with their owner).
    sees_all_tokens: bool,
    /// The caller may create API tokens (`token.create`: not guards).
    may_create_tokens: bool,
    /// The bureau's security settings are shown and may be changed.
    configures_security: bool,
    min_password: usize,
    /// The bureau's setting (shown with `configures_security`).
    require_totp_police: bool,
}

/// What one rendering of the account page adds to the stored state.
#[derive(Default)]
struct AccountView {
    totp_only: bool,
    status: Option<StatusCode>,
    notice: Option<String>,
    password_error: Option<String>,
    totp_error: Option<String>,
    token_error: Option<String>,
    enrolment: Option<Enrolment>,
    new_token: Option<CreatedTokenView>,
    /// The refusal shown, when it promises a `Retry-After` (a lockout).
    refusal: Option<ApiError>,
}

fn scope_label(s: TokenScope) -> &'static str {
    match s {
        TokenScope::Read => "只读",
        TokenScope::Write => "读写",
    }
}

async fn account_page(state: &AppState, u: &CurrentUser, v: AccountView) -> Response {
    let accounts = &state.services.accounts;
    let who = &u.principal;
    let configures_security = who.can(Permission::SecuritySettingsConfigure);
    let loaded = async {
        let st = accounts.totp_status(who).await?;
        let tokens = if v.totp_only {
            Vec::new()
        } else {
            accounts.list_tokens(who).await?
        };
        let settings = if configures_security {
            accounts.security_settings(who).await?
        } else {
            SecuritySettings::default()
        };
        Ok::<_, ApiError>((st, tokens, settings))
    }
    .await;
    let (st, tokens, settings) = match loaded {
        Ok(x) => x,
        Err(e) => return error_page(u, e),
    };
    let now = Utc::now().timestamp_millis();
    let tokens = tokens
        .iter()
        .map(|t| {
            let expired = t.expires_at.is_some_and(|e| e <= now);
            TokenRow {
                id: t.id.clone(),
                owner: t.username.clone(),
                name: t.name.clone(),
                scope: scope_label(t.scope),
                created: fmt_ms(t.created_at),
                expires: t.expires_at.map(fmt_ms).unwrap_or_else(|| "长期".into()),
                last_used: t.last_used_at.map(fmt_ms).unwrap_or_else(|| "从未使用".into()),
                state: match (t.revoked_at, expired) {
                    (Some(_), _) => "已撤销",
                    (None, true) => "已过期",
                    (None, false) => "有效",
                },
                live: t.revoked_at.is_none() && !expired,
            }
        })
        .collect();
    let page = render(&AccountPage {
        nav: Nav::new(u),
        username: u.user.username.clone(),
        issuer: totp::ISSUER,
        totp_only: v.totp_only,
        password_only: u.user.password_temporary && !v.totp_only,
        notice: v.notice,
        password_error: v.password_error,
        totp_error: v.totp_error,
        token_error: v.token_error,
        totp_enabled: st.enabled,
        totp_required: st.required,
        totp_pending: st.pending,
        enrolment: v.enrolment,
        new_token: v.new_token,
        tokens,
        sees_all_tokens: who.can(Permission::TokenAdminister),
        may_create_tokens: who.can(Permission::TokenCreate),
        configures_security,
        min_password: MIN_PASSWORD_CHARS,
        require_totp_police: settings.require_totp_police,
    });
    let page = no_store(with_status(page, v.status.unwrap_or(StatusCode::OK)));
    match &v.refusal {
        Some(e) => e.with_retry_after(page),
        None => page,
    }
}

#[derive(Deserialize, Default)]
pub struct AccountQuery {
    #[serde(default)]
    totp: String,
    #[serde(default)]
    token: String,
    #[serde(default)]
    settings: String,
}

pub async fn account(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<AccountQuery>) -> Response {
    let notice = match (q.totp.as_str(), q.token.as_str()) {
        ("ok", _) => Some("动态验证码已启用。以后登录时须同时输入身份验证器中显示的动态验证码。"),
        ("removed", _) => Some("已解除动态验证码。"),
        (_, "revoked") => Some("令牌已撤销，立即失效。"),
        _ if q.settings == "ok" => Some("安全设置已保存。"),
        _ => None,
    };
    let v = AccountView {
        notice: notice.map(str::to_string),
        ..Default::default()
    };
    account_page(&state, &u, v).await
}

/// `GET /account/totp`: the second-factor section alone (a session that must enrol one first
/// reaches only this page and `/logout`).
pub async fn totp_page(State(state): State<AppState>, UiUser(u): UiUser) -> Response {
    let v = AccountView {
        totp_only: true,
        ..Default::default()
    };
    account_page(&state, &u, v).await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    repeat_password: String,
}

/// Changes the password (as `PUT /api/v1/me/password`); every session ends, so the browser
/// goes to the login page.
pub async fn change_password(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    CsrfForm(f): CsrfForm<PasswordForm>,
) -> Response {
    let r = async {
        if f.new_password != f.repeat_password {
            return Err(ApiError::validation("两次输入的新密码不一致"));
        }
        state
            .services
            .accounts
            .change_password(&u.principal, &f.current_password, &f.new_password)
            .await?;
        Ok(())
    }
    .await;
    match r {
        Ok(()) => {
            let mut resp = Redirect::to("/login?changed=1").into_response();
            resp.headers_mut().insert(header::SET_COOKIE, clear_cookie());
            resp
        }
        Err(e) => {
            let v = AccountView {
                status: Some(signed_in_status_of(&e)),
                password_error: Some(e.message.clone()),
                refusal: Some(e),
                ..Default::default()
            };
            account_page(&state, &u, v).await
        }
    }
}

#[derive(Deserialize)]
pub struct TotpForm {
    /// `begin`, `confirm` or `remove`.
    #[serde(default)]
    action: String,
    #[serde(default)]
    code: String,
}

/// `1234 5678 …`: easier to type into an authenticator app.
fn group4(s: &str) -> String {
    s.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `POST /account/totp`: every second-factor form posts here (the one path besides `/logout`
/// a session that must enrol may post to).
pub async fn totp_post(State(state): State<AppState>, UiUser(u): UiUser, CsrfForm(f): CsrfForm<TotpForm>) -> Response {
    let accounts = &state.services.accounts;
    let r: ApiResult<Option<Enrolment>> = match f.action.as_str() {
        "begin" => accounts
            .begin_totp(&u.principal)
            .await
            .map(|e| {
                Some(Enrolment {
                    url: e.otpauth_url,
                    grouped: group4(&e.secret),
                })
            })
            .map_err(ApiError::from),
        "confirm" => accounts
            .confirm_totp(&u.principal, u.session.as_deref(), &f.code)
            .await
            .map(|()| None)
            .map_err(ApiError::from),
        "remove" => accounts
            .remove_totp(&u.principal, &f.code)
            .await
            .map(|()| None)
            .map_err(ApiError::from),
        _ => Err(ApiError::validation("未知的操作")),
    };
    match r {
        Ok(Some(enrolment)) => {
            let v = AccountView {
                totp_only: true,
                enrolment: Some(enrolment),
                ..Default::default()
            };
            account_page(&state, &u, v).await
        }
        Ok(None) if f.action == "confirm" => Redirect::to("/account?totp=ok").into_response(),
        Ok(None) => Redirect::to("/account?totp=removed").into_response(),
        Err(e) => {
            let v = AccountView {
                totp_only: true,
                status: Some(signed_in_status_of(&e)),
                totp_error: Some(e.message.clone()),
                refusal: Some(e),
                ..Default::default()
            };
            account_page(&state, &u, v).await
        }
    }
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
    /// `read` or `write`.
    #[serde(default)]
    scope: String,
    /// Days until expiry, 1–365 (90 when empty).
    #[serde(default)]
    days: String,
}

/// Creates an API token (as `POST /api/v1/tokens`) and shows it on the page this once.
pub async fn create_token(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    CsrfForm(f): CsrfForm<TokenForm>,
) -> Response {
    let r = async {
        let days = match f.days.trim() {
            "" => None,
            d => Some(
                d.parse::<i64>()
                    .map_err(|_| ApiError::validation("有效期须为 1–365 天"))?,
            ),
        };
        let scope = match f.scope.trim() {
            "" => None,
            s => Some(TokenScope::from_code(s).ok_or_else(|| ApiError::validation("未知的令牌权限"))?),
        };
        let draft = TokenDraft {
            name: f.name.clone(),
            scope,
            expires_in_days: days,
        };
        let t = state
            .services
            .accounts
            .create_token(&u.principal, u.token_scope.is_some(), draft)
            .await?;
        Ok::<_, ApiError>(CreatedTokenView {
            name: t.name,
            token: t.token,
            scope: scope_label(t.scope),
            expires: t.expires_at.map(fmt_time).unwrap_or_else(|| "长期".into()),
        })
    }
    .await;
    let v = match r {
        Ok(t) => AccountView {
            new_token: Some(t),
            ..Default::default()
        },
        Err(e) => AccountView {
            status: Some(signed_in_status_of(&e)),
            token_error: Some(e.message),
            ..Default::default()
        },
    };
    // Shown once: a repeat of this form is not answered with the token again.
    let shown = v.new_token.is_some();
    let mut resp = account_page(&state, &u, v).await;
    if shown {
        resp.extensions_mut().insert(crate::idempotency::ShownOnce);
    }
    resp
}

/// No fields besides the CSRF token.
#[derive(Deserialize)]
pub struct Empty {}

/// Revokes a token (one's own; with `token.administer` any).
pub async fn revoke_token(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(Empty {}): CsrfForm<Empty>,
) -> Response {
    match state.services.accounts.revoke_token(&u.principal, &id).await {
        Ok(()) => Redirect::to("/account?token=revoked").into_response(),
        Err(e) => error_page(&u, e.into()),
    }
}

#[derive(Deserialize)]
pub struct SettingsForm {
    /// Present (`1`) when the box is ticked.
    #[serde(default)]
    require_totp_police: Option<String>,
}

/// `POST /account/settings`: the bureau's security settings (as
/// `PUT /api/v1/security/settings`).
pub async fn save_settings(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    CsrfForm(f): CsrfForm<SettingsForm>,
) -> Response {
    let settings = SecuritySettings {
        require_totp_police: f.require_totp_police.is_some(),
    };
    match state
        .services
        .accounts
        .set_security_settings(&u.principal, settings)
        .await
    {
        Ok(_) => Redirect::to("/account?settings=ok#settings").into_response(),
        Err(e) => error_page(&u, e.into()),
    }
}
