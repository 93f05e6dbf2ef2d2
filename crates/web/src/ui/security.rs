//! Account security (password, second factor, API tokens), the audit log, retention and legal
//! holds, and purpose-logged reads of personal information: the browser side of
//! `api::security`, with the same role checks. Changes are audited by the middleware like every
//! form post; unmasked reads are recorded explicitly before the page is rendered. Pages that
//! show a secret or plaintext personal data are sent with `Cache-Control: no-store`.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use chrono::Utc;
use neibao_domain::access::Role;
use neibao_domain::accounts::TokenScope;
use neibao_domain::audit::AuditFilter;
use neibao_domain::error::ErrorCode;
use neibao_domain::ids::{new_id, token_hash};
use neibao_domain::paging::Page;
use neibao_domain::privacy::{DataClass, LegalHold};
use neibao_domain::registry::UnitFilter;
use serde::Deserialize;

use super::form::{no_store, with_status};
use super::kit::error_page;
use super::kit::{render, UiUser};
use super::registry::{unit_page, UnitExtras};
use super::views::total_label;
use super::views::{fmt_ms, fmt_time, Nav, Pager};
use crate::api::session::clear_cookie;
use crate::auth::{random_token, totp, CurrentUser};
use crate::error::{ApiError, ApiResult};
use crate::extract::audit_slot::AuditSlot;
use crate::state::AppState;

/// The status a refused form is re-rendered with. A wrong current password is a 400 here, not
/// a 401: the user is still signed in.
fn status_of(e: &ApiError) -> StatusCode {
    match StatusCode::from_u16(e.code.http_status()) {
        Ok(StatusCode::UNAUTHORIZED) | Err(_) => StatusCode::BAD_REQUEST,
        Ok(s) => s,
    }
}

fn non_empty(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf_token: String,
}

// --- account: password, second factor, API tokens ---

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
    is_admin: bool,
    min_password: usize,
    /// The bureau's setting (shown to administrators).
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
}

fn scope_label(s: TokenScope) -> &'static str {
    match s {
        TokenScope::Read => "只读",
        TokenScope::Write => "读写",
    }
}

/// Whose tokens the caller lists and revokes: their own; administrators everyone's.
fn token_owner(u: &CurrentUser) -> Option<&str> {
    (u.user.role != Role::Admin).then_some(u.user.id.as_str())
}

async fn account_page(state: &AppState, u: &CurrentUser, v: AccountView) -> Response {
    let loaded = async {
        let st = state.store.totp_state(&u.user.id).await?;
        let required = crate::api::session::totp_required(state, &u.user).await?;
        let tokens = if v.totp_only {
            Vec::new()
        } else {
            state.store.list_api_tokens(token_owner(u)).await?
        };
        let require_police = state
            .store
            .get_meta(crate::api::session::REQUIRE_TOTP_POLICE)
            .await?
            .as_deref()
            == Some("1");
        Ok::<_, ApiError>((st, required, tokens, require_police))
    }
    .await;
    let (st, required, tokens, require_totp_police) = match loaded {
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
        notice: v.notice,
        password_error: v.password_error,
        totp_error: v.totp_error,
        token_error: v.token_error,
        totp_enabled: st.enabled,
        totp_required: required,
        totp_pending: !st.enabled && st.secret.is_some(),
        enrolment: v.enrolment,
        new_token: v.new_token,
        tokens,
        is_admin: u.user.role == Role::Admin,
        min_password: crate::auth::MIN_PASSWORD_CHARS,
        require_totp_police,
    });
    no_store(with_status(page, v.status.unwrap_or(StatusCode::OK)))
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
    csrf_token: String,
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
    Form(f): Form<PasswordForm>,
) -> Response {
    if let Err(e) = u.check_form_csrf(&f.csrf_token) {
        return error_page(&u, e);
    }
    let r = async {
        if f.new_password != f.repeat_password {
            return Err(ApiError::validation("两次输入的新密码不一致"));
        }
        crate::api::security::change_own_password(&state, &u, &f.current_password, &f.new_password).await
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
                status: Some(status_of(&e)),
                password_error: Some(e.message),
                ..Default::default()
            };
            account_page(&state, &u, v).await
        }
    }
}

#[derive(Deserialize)]
pub struct TotpForm {
    #[serde(default)]
    csrf_token: String,
    /// `begin`, `confirm` or `remove`.
    #[serde(default)]
    action: String,
    #[serde(default)]
    code: String,
}

/// `POST /account/totp`: every second-factor form posts here (the one path besides `/logout`
/// a session that must enrol may post to).
pub async fn totp_post(State(state): State<AppState>, UiUser(u): UiUser, Form(f): Form<TotpForm>) -> Response {
    if let Err(e) = u.check_form_csrf(&f.csrf_token) {
        return error_page(&u, e);
    }
    let r = match f.action.as_str() {
        "begin" => totp_begin(&state, &u).await.map(Some),
        "confirm" => crate::api::security::confirm_totp(&state, &u, &f.code)
            .await
            .map(|()| None),
        "remove" => crate::api::security::remove_totp(&state, &u, &f.code)
            .await
            .map(|()| None),
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
                status: Some(status_of(&e)),
                totp_error: Some(e.message),
                ..Default::default()
            };
            account_page(&state, &u, v).await
        }
    }
}

/// `1234 5678 …`: easier to type into an authenticator app.
fn group4(s: &str) -> String {
    s.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// As `totp_begin` in the API: refused while a second factor is active.
async fn totp_begin(state: &AppState, u: &CurrentUser) -> ApiResult<Enrolment> {
    let e = crate::api::security::begin_totp(state, u).await?;
    Ok(Enrolment {
        url: e.otpauth_url,
        grouped: group4(&e.secret),
    })
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    csrf_token: String,
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
    slot: Option<Extension<AuditSlot>>,
    Form(f): Form<TokenForm>,
) -> Response {
    if let Err(e) = u.check_form_csrf(&f.csrf_token) {
        return error_page(&u, e);
    }
    let r = async {
        let name = f.name.trim();
        if name.is_empty() || name.chars().count() > 64 {
            return Err(ApiError::validation("令牌名称须为 1–64 个字"));
        }
        let days = match f.days.trim() {
            "" => 90,
            d => d
                .parse::<i64>()
                .map_err(|_| ApiError::validation("有效期须为 1–365 天"))?,
        };
        if !(1..=365).contains(&days) {
            return Err(ApiError::validation("有效期须为 1–365 天"));
        }
        let scope = match f.scope.trim() {
            "" => TokenScope::Read,
            s => TokenScope::from_code(s).ok_or_else(|| ApiError::validation("未知的令牌权限"))?,
        };
        let token = random_token();
        let now = Utc::now();
        let expires = now + chrono::Duration::days(days);
        let id = state
            .store
            .create_api_token(&u.user.id, &token_hash(&token), name, scope, now, Some(expires))
            .await?;
        if let Some(Extension(slot)) = &slot {
            slot.object(&id, None);
        }
        Ok(CreatedTokenView {
            name: name.to_string(),
            token,
            scope: scope_label(scope),
            expires: fmt_time(expires),
        })
    }
    .await;
    let v = match r {
        Ok(t) => AccountView {
            new_token: Some(t),
            ..Default::default()
        },
        Err(e) => AccountView {
            status: Some(status_of(&e)),
            token_error: Some(e.message),
            ..Default::default()
        },
    };
    account_page(&state, &u, v).await
}

/// Revokes a token (one's own; administrators any).
pub async fn revoke_token(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    Form(f): Form<CsrfOnly>,
) -> Response {
    if let Err(e) = u.check_form_csrf(&f.csrf_token) {
        return error_page(&u, e);
    }
    match state.store.revoke_api_token(&id, token_owner(&u), Utc::now()).await {
        Ok(()) => Redirect::to("/account?token=revoked").into_response(),
        Err(e) => error_page(&u, e.into()),
    }
}

// --- personal information ---

#[derive(Deserialize)]
pub struct PurposeForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    purpose: String,
}

/// Shows one responsible person's ID number and phone in full on the unit page, for a stated
/// purpose, after writing the read to the audit log (as `POST /api/v1/persons/{id}/reveal`).
pub async fn reveal_person(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path((unit_id, person_id)): Path<(String, String)>,
    Form(f): Form<PurposeForm>,
) -> Response {
    if let Err(e) = u.check_form_csrf(&f.csrf_token) {
        return error_page(&u, e);
    }
    let r = crate::api::security::reveal(&state, &u, Some(&unit_id), &person_id, Some(&f.purpose), "ui").await;
    match r {
        Ok(person) => {
            let extras = UnitExtras {
                revealed: Some(person),
                ..Default::default()
            };
            unit_page(&state, &u, &unit_id, extras).await
        }
        Err(e) if e.code == ErrorCode::PurposeRequired => {
            let extras = UnitExtras {
                reveal_error: Some(e.message),
                ..Default::default()
            };
            unit_page(&state, &u, &unit_id, extras).await
        }
        Err(e) => error_page(&u, e),
    }
}

struct MatchRow {
    unit_id: String,
    unit_name: String,
    name: String,
    role: &'static str,
    citizen_id: String,
}

#[derive(Template)]
#[template(path = "privacy/person_lookup.html")]
struct LookupPage {
    nav: Nav,
    error: Option<String>,
    results: Option<Vec<MatchRow>>,
}

/// `GET /units/lookup`: the look-up form alone (police and administrators).
pub async fn lookup_form(UiUser(u): UiUser) -> Response {
    if let Err(e) = u.require(u.is_police_or_admin()) {
        return error_page(&u, e);
    }
    render(&LookupPage {
        nav: Nav::new(&u),
        error: None,
        results: None,
    })
}

#[derive(Deserialize)]
pub struct LookupForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    citizen_id: String,
    #[serde(default)]
    purpose: String,
}

/// Finds the responsible persons in the caller's jurisdiction with an exact ID number by its
/// blind index, audited with the purpose and the masked number (as `POST /api/v1/persons/lookup`).
pub async fn lookup(State(state): State<AppState>, UiUser(u): UiUser, Form(f): Form<LookupForm>) -> Response {
    if let Err(e) = u.check_form_csrf(&f.csrf_token) {
        return error_page(&u, e);
    }
    if let Err(e) = u.require(u.is_police_or_admin()) {
        return error_page(&u, e);
    }
    let r = crate::api::security::lookup(&state, &u, &f.citizen_id, Some(&f.purpose), "ui").await;
    let nav = Nav::new(&u);
    match r {
        Ok(found) => no_store(render(&LookupPage {
            nav,
            error: None,
            results: Some(
                found
                    .iter()
                    .map(|m| MatchRow {
                        unit_id: m.unit_id.clone(),
                        unit_name: m.unit_name.clone(),
                        name: m.name.clone(),
                        role: m.role.label_zh(),
                        citizen_id: m.citizen_id.as_ref().map(|c| c.masked()).unwrap_or_default(),
                    })
                    .collect(),
            ),
        })),
        Err(e) => with_status(
            render(&LookupPage {
                nav,
                error: Some(e.message.clone()),
                results: None,
            }),
            status_of(&e),
        ),
    }
}

// --- audit log ---

#[derive(Deserialize, Default)]
pub struct AuditPageQuery {
    #[serde(default)]
    action: String,
    #[serde(default)]
    actor: String,
    #[serde(default)]
    object_id: String,
    page: Option<u32>,
}

struct AuditRow {
    seq: i64,
    at: String,
    actor: String,
    action: String,
    action_label: &'static str,
    object_type: String,
    object_id: String,
    unit_id: String,
    unit: String,
    purpose: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "audit/audit.html")]
struct AuditPage {
    nav: Nav,
    rows: Vec<AuditRow>,
    total: String,
    action: String,
    actor: String,
    object_id: String,
    pager: Pager,
    head_seq: i64,
    head_hash: String,
    actions: Vec<(&'static str, &'static str)>,
}

/// Action codes with their zh-CN meaning (the filter's suggestions and the table's labels).
const AUDIT_ACTIONS: [(&str, &str); 8] = [
    ("person.reveal", "查看完整个人信息"),
    ("person.lookup", "按身份证号查找"),
    ("event.raw", "查看原始报文"),
    ("session.login", "登录"),
    ("session.login_failed", "登录失败"),
    ("retention.delete", "到期删除"),
    ("keys.rotate", "密钥轮换"),
    ("POST ", "提交修改"),
];

fn action_label(action: &str) -> &'static str {
    if let Some((_, l)) = AUDIT_ACTIONS.iter().find(|(a, _)| *a == action) {
        return l;
    }
    match action.split(' ').next() {
        Some("POST" | "PUT" | "PATCH") if action.contains(' ') => "提交修改",
        Some("DELETE") if action.contains(' ') => "删除",
        _ => "",
    }
}

/// Names of the units with these ids that the caller may see (others keep their id).
async fn unit_names(state: &AppState, u: &CurrentUser, ids: Vec<String>) -> HashMap<String, String> {
    let mut names = HashMap::new();
    for id in ids {
        if id.is_empty() || names.contains_key(&id) {
            continue;
        }
        let name = match state.store.get_unit(&u.scope, &id).await {
            Ok(unit) => unit.name,
            Err(_) => id.clone(),
        };
        names.insert(id, name);
    }
    names
}

/// The audit log, newest first (as `GET /api/v1/audit`: administrators all of it, police the
/// rows about units in their jurisdiction), with the chain head to write down.
pub async fn audit(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<AuditPageQuery>) -> Response {
    if let Err(e) = u.require(u.is_police_or_admin()) {
        return error_page(&u, e);
    }
    let filter = AuditFilter {
        action: non_empty(&q.action),
        actor: non_empty(&q.actor),
        object_id: non_empty(&q.object_id),
    };
    let page = Page::new(q.page, Some(50));
    let loaded = async {
        let list = state.store.list_audit(&u.scope, &u.user.id, &filter, page).await?;
        let head = state.store.audit_head().await?;
        Ok::<_, ApiError>((list, head))
    }
    .await;
    let (list, head) = match loaded {
        Ok(x) => x,
        Err(e) => return error_page(&u, e),
    };
    let ids = list.items.iter().filter_map(|r| r.entry.unit_id.clone()).collect();
    let names = unit_names(&state, &u, ids).await;
    let rows = list
        .items
        .iter()
        .map(|r| {
            let unit_id = r.entry.unit_id.clone().unwrap_or_default();
            AuditRow {
                seq: r.seq,
                at: fmt_ms(r.at),
                actor: r.entry.actor_name.clone(),
                action: r.entry.action.clone(),
                action_label: action_label(&r.entry.action),
                object_type: r.entry.object_type.clone(),
                object_id: r.entry.object_id.clone(),
                unit: names.get(&unit_id).cloned().unwrap_or_default(),
                unit_id,
                purpose: r.entry.purpose.clone(),
                detail: r.entry.detail.clone(),
            }
        })
        .collect();
    let pager = Pager::new(
        "/audit",
        &[
            ("action", q.action.clone()),
            ("actor", q.actor.clone()),
            ("object_id", q.object_id.clone()),
        ],
        page.page,
        page.per_page,
        list.total,
    );
    render(&AuditPage {
        nav: Nav::new(&u),
        rows,
        total: total_label(&list),
        action: q.action,
        actor: q.actor,
        object_id: q.object_id,
        pager,
        head_seq: head.last_seq,
        head_hash: head.last_hash,
        actions: AUDIT_ACTIONS.to_vec(),
    })
}

// --- retention and legal holds ---

struct PolicyRow {
    code: &'static str,
    label: String,
    max_days: i64,
    min_days: i64,
    min_days_counter_terror: i64,
}

struct HoldRow {
    id: String,
    case_no: String,
    unit_id: String,
    unit: String,
    class: &'static str,
    reason: String,
    created: String,
    released: String,
}

struct DeletionRow {
    at: String,
    class: &'static str,
    unit_id: String,
    unit: String,
    rows: i64,
    older_than: String,
    reason: String,
}

/// The legal-hold form as sent (kept when it is refused).
#[derive(Default)]
struct HoldValues {
    case_no: String,
    unit: String,
    data_class: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "privacy/retention.html")]
struct RetentionPage {
    nav: Nav,
    is_admin: bool,
    notice: Option<String>,
    policy_error: Option<String>,
    hold_error: Option<String>,
    policies: Vec<PolicyRow>,
    holds: Vec<HoldRow>,
    deletions: Vec<DeletionRow>,
    deletions_total: String,
    classes: Vec<(&'static str, &'static str)>,
    f: HoldValues,
}

#[derive(Default)]
struct RetentionView {
    status: Option<StatusCode>,
    notice: Option<String>,
    policy_error: Option<String>,
    hold_error: Option<String>,
    f: HoldValues,
}

async fn retention_page(state: &AppState, u: &CurrentUser, v: RetentionView) -> Response {
    let loaded = async {
        let policies = state.store.retention_policies().await?;
        let holds = state.store.list_legal_holds(&u.scope, true).await?;
        let deletions = state.store.list_deletions(Page::new(Some(1), Some(50))).await?;
        Ok::<_, ApiError>((policies, holds, deletions))
    }
    .await;
    let (policies, holds, deletions) = match loaded {
        Ok(x) => x,
        Err(e) => return error_page(u, e),
    };
    let ids = holds
        .iter()
        .map(|h| h.unit_id.clone())
        .chain(deletions.items.iter().filter_map(|d| d.unit_id.clone()))
        .collect::<Vec<_>>();
    let names = unit_names(state, u, ids).await;
    let name_of = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_string());
    let page = render(&RetentionPage {
        nav: Nav::new(u),
        is_admin: u.user.role == Role::Admin,
        notice: v.notice,
        policy_error: v.policy_error,
        hold_error: v.hold_error,
        policies: policies
            .iter()
            .map(|p| PolicyRow {
                code: p.data_class.code(),
                label: p.label.clone(),
                max_days: p.max_days,
                min_days: p.min_days,
                min_days_counter_terror: p.min_days_counter_terror,
            })
            .collect(),
        holds: holds
            .iter()
            .map(|h| HoldRow {
                id: h.id.clone(),
                case_no: h.case_no.clone(),
                unit: name_of(&h.unit_id),
                unit_id: h.unit_id.clone(),
                class: h.data_class.map_or("全部类别", DataClass::label_zh),
                reason: h.reason.clone(),
                created: format!("{} · {}", h.created_by, fmt_ms(h.created_at)),
                released: match (&h.released_by, h.released_at) {
                    (Some(by), Some(at)) => format!("{by} · {}", fmt_ms(at)),
                    (None, Some(at)) => fmt_ms(at),
                    _ => String::new(),
                },
            })
            .collect(),
        deletions_total: total_label(&deletions),
        deletions: deletions
            .items
            .iter()
            .map(|d| DeletionRow {
                at: fmt_ms(d.at),
                class: d.data_class.label_zh(),
                unit: d.unit_id.as_deref().map(name_of).unwrap_or_else(|| "全部单位".into()),
                unit_id: d.unit_id.clone().unwrap_or_default(),
                rows: d.rows_deleted,
                older_than: fmt_ms(d.older_than),
                reason: d.reason.clone(),
            })
            .collect(),
        classes: DataClass::ALL.iter().map(|c| (c.code(), c.label_zh())).collect(),
        f: v.f,
    });
    with_status(page, v.status.unwrap_or(StatusCode::OK))
}

#[derive(Deserialize, Default)]
pub struct RetentionQuery {
    #[serde(default)]
    saved: String,
    #[serde(default)]
    hold: String,
}

/// Retention policies, legal holds in the caller's jurisdiction and the latest deletions
/// (as `GET /api/v1/retention`: police and administrators).
pub async fn retention(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<RetentionQuery>) -> Response {
    if let Err(e) = u.require(u.is_police_or_admin()) {
        return error_page(&u, e);
    }
    let notice = match (q.saved.as_str(), q.hold.as_str()) {
        ("", "created") => Some("已设置法律保全：保全期间该单位的相关数据不会被删除。"),
        ("", "released") => Some("已解除法律保全。"),
        ("", _) => None,
        _ => Some("保存期限已修改。"),
    };
    let v = RetentionView {
        notice: notice.map(str::to_string),
        ..Default::default()
    };
    retention_page(&state, &u, v).await
}

#[derive(Deserialize)]
pub struct PolicyForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    max_days: String,
}

/// Sets a class's maximum retention (administrators; as `PUT /api/v1/retention/{class}`).
pub async fn set_policy(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(class): Path<String>,
    Form(f): Form<PolicyForm>,
) -> Response {
    if let Err(e) = u.check_form_csrf(&f.csrf_token) {
        return error_page(&u, e);
    }
    if let Err(e) = u.require(u.user.role == Role::Admin) {
        return error_page(&u, e);
    }
    let r = async {
        let class = DataClass::from_code(&class).ok_or_else(|| ApiError::validation("未知的数据类别"))?;
        let days: i64 = f
            .max_days
            .trim()
            .parse()
            .map_err(|_| ApiError::validation("最长保存天数应为整数"))?;
        state
            .store
            .set_retention_policy(class, days, &u.user.username, Utc::now())
            .await?;
        Ok::<_, ApiError>(())
    }
    .await;
    match r {
        Ok(()) => Redirect::to("/retention?saved=1").into_response(),
        Err(e) => {
            let v = RetentionView {
                status: Some(status_of(&e)),
                policy_error: Some(e.message),
                ..Default::default()
            };
            retention_page(&state, &u, v).await
        }
    }
}

#[derive(Deserialize)]
pub struct HoldForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    case_no: String,
    /// The unit's USCC (18 characters) or its id.
    #[serde(default)]
    unit: String,
    /// A class code, or empty for all classes.
    #[serde(default)]
    data_class: String,
    #[serde(default)]
    reason: String,
}

/// The id of the unit named by its USCC (18 characters) or id, within the caller's scope.
async fn resolve_unit(state: &AppState, u: &CurrentUser, s: &str) -> ApiResult<String> {
    let s = s.trim();
    if s.is_empty() {
        return Err(ApiError::validation("请填写单位的统一社会信用代码或单位编号"));
    }
    let not_found = || ApiError::msg(ErrorCode::NotFound, "辖区内没有找到该单位");
    if s.chars().count() == 18 {
        let uscc = s.to_ascii_uppercase();
        let filter = UnitFilter {
            q: Some(uscc.clone()),
            ..Default::default()
        };
        let list = state
            .store
            .list_units(&u.scope, &filter, Page::new(Some(1), Some(2)))
            .await?;
        return list
            .items
            .into_iter()
            .find(|unit| unit.uscc == uscc)
            .map(|unit| unit.id)
            .ok_or_else(not_found);
    }
    match state.store.get_unit(&u.scope, s).await {
        Ok(unit) => Ok(unit.id),
        Err(neibao_store::StoreError::NotFound) => Err(not_found()),
        Err(e) => Err(e.into()),
    }
}

/// Places a legal hold (police and administrators; as `POST /api/v1/legal_holds`).
pub async fn create_hold(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    slot: Option<Extension<AuditSlot>>,
    Form(f): Form<HoldForm>,
) -> Response {
    if let Err(e) = u.check_form_csrf(&f.csrf_token) {
        return error_page(&u, e);
    }
    if let Err(e) = u.require(u.is_police_or_admin()) {
        return error_page(&u, e);
    }
    let r = async {
        let case_no = f.case_no.trim();
        let reason = f.reason.trim();
        if case_no.is_empty() || case_no.chars().count() > 64 {
            return Err(ApiError::validation("案件编号须为 1–64 个字"));
        }
        if reason.is_empty() || reason.chars().count() > 500 {
            return Err(ApiError::validation("保全理由须为 1–500 个字"));
        }
        let data_class = match f.data_class.trim() {
            "" => None,
            c => Some(DataClass::from_code(c).ok_or_else(|| ApiError::validation("未知的数据类别"))?),
        };
        let unit_id = resolve_unit(&state, &u, &f.unit).await?;
        let hold = LegalHold {
            id: new_id(),
            case_no: case_no.to_string(),
            unit_id,
            data_class,
            reason: reason.to_string(),
            created_by: u.user.username.clone(),
            created_at: Utc::now().timestamp_millis(),
            released_at: None,
            released_by: None,
        };
        let hold = state.store.create_legal_hold(&u.scope, &hold).await?;
        if let Some(Extension(slot)) = &slot {
            slot.object(&hold.id, Some(&hold.unit_id));
        }
        Ok(())
    }
    .await;
    match r {
        Ok(()) => Redirect::to("/retention?hold=created").into_response(),
        Err(e) => {
            let v = RetentionView {
                status: Some(status_of(&e)),
                hold_error: Some(e.message),
                f: HoldValues {
                    case_no: f.case_no,
                    unit: f.unit,
                    data_class: f.data_class,
                    reason: f.reason,
                },
                ..Default::default()
            };
            retention_page(&state, &u, v).await
        }
    }
}

/// Releases a legal hold (police and administrators; as `POST /api/v1/legal_holds/{id}/release`).
pub async fn release_hold(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    Form(f): Form<CsrfOnly>,
) -> Response {
    if let Err(e) = u.check_form_csrf(&f.csrf_token) {
        return error_page(&u, e);
    }
    if let Err(e) = u.require(u.is_police_or_admin()) {
        return error_page(&u, e);
    }
    match state
        .store
        .release_legal_hold(&u.scope, &id, &u.user.username, Utc::now())
        .await
    {
        Ok(_) => Redirect::to("/retention?hold=released").into_response(),
        Err(e) => error_page(&u, e.into()),
    }
}

#[derive(Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    csrf_token: String,
    /// Present (`1`) when the box is ticked.
    #[serde(default)]
    require_totp_police: Option<String>,
}

/// `POST /account/settings`: the bureau's security settings (administrators; as
/// `PUT /api/v1/security/settings`).
pub async fn save_settings(State(state): State<AppState>, UiUser(u): UiUser, Form(f): Form<SettingsForm>) -> Response {
    if let Err(e) = u.check_form_csrf(&f.csrf_token) {
        return error_page(&u, e);
    }
    if let Err(e) = u.require(u.user.role == Role::Admin) {
        return error_page(&u, e);
    }
    let on = f.require_totp_police.is_some();
    match state
        .store
        .set_meta(crate::api::session::REQUIRE_TOTP_POLICE, if on { "1" } else { "0" })
        .await
    {
        Ok(()) => Redirect::to("/account?settings=ok#settings").into_response(),
        Err(e) => error_page(&u, e.into()),
    }
}

/// This capability's pages.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/units/lookup", routing::get(lookup_form).post(lookup))
        .route("/units/{id}/persons/{pid}/reveal", routing::post(reveal_person))
        .route("/account", routing::get(account))
        .route("/account/password", routing::post(change_password))
        .route("/account/totp", routing::get(totp_page).post(totp_post))
        .route("/account/tokens", routing::post(create_token))
        .route("/account/settings", routing::post(save_settings))
        .route("/account/tokens/{id}/revoke", routing::post(revoke_token))
        .route("/audit", routing::get(audit))
        .route("/retention", routing::get(retention))
        .route("/retention/holds", routing::post(create_hold))
        .route("/retention/holds/{id}/release", routing::post(release_hold))
        .route("/retention/{class}", routing::post(set_policy))
}
