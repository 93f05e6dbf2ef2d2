//! `GET /users/{id}`: one account, its edit form (name, role, organisation or unit) and its
//! disable / enable / password-reset buttons; the posts that change it.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::access::Role;
use neibao_domain::error::ErrorCode;
use neibao_engine::users::AccountEdit;
use serde::Deserialize;

use super::rows::{org_options, role_options, AccountForm, AccountRow};
use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{no_store, some_text, status_of, with_status};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::Nav;

#[derive(Template)]
#[template(path = "users/account.html")]
struct AccountPage {
    nav: Nav,
    a: AccountRow,
    roles: Vec<(&'static str, &'static str)>,
    orgs: Vec<(String, String)>,
    /// The edit form: as stored, or as typed when refused.
    form: AccountForm,
    error: Option<String>,
    notice: Option<&'static str>,
    /// A password just reset (shown this once).
    password: Option<String>,
    /// The administrator's own account: role, node and state are changed by another one.
    own: bool,
}

/// A button's form: its CSRF token only (checked by [`CsrfForm`]).
#[derive(Deserialize)]
pub struct Button {}

#[derive(Deserialize, Default)]
pub struct AccountQuery {
    #[serde(default)]
    done: String,
}

async fn account_page(
    state: &AppState,
    u: &CurrentUser,
    id: &str,
    typed: Option<AccountForm>,
    error: Option<String>,
    notice: Option<&'static str>,
    password: Option<String>,
) -> Response {
    let svc = &state.services.users;
    let loaded = async {
        let a = svc.get(&u.principal, id).await?;
        let orgs = svc.organisations(&u.principal).await?;
        Ok::<_, ApiError>((a, orgs))
    }
    .await;
    match loaded {
        Ok((a, orgs)) => {
            let row = AccountRow::new(&a);
            let form = typed.unwrap_or_else(|| AccountForm {
                username: row.username.clone(),
                display_name: row.display_name.clone(),
                role: row.role_code.clone(),
                org_id: row.org_id.clone(),
                unit_id: row.unit_id.clone(),
                external_subject: row.external_subject.clone(),
            });
            let roles = role_options(&orgs, Some(&row.role_code));
            render(&AccountPage {
                nav: Nav::new(u),
                own: a.user.id == u.principal.user_id,
                a: row,
                roles,
                orgs: org_options(&orgs),
                form,
                error,
                notice,
                password,
            })
        }
        Err(e) => error_page(u, e),
    }
}

/// `GET /users/{id}` (`done=saved|disabled|enabled` after a change).
pub async fn account(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    Query(q): Query<AccountQuery>,
) -> Response {
    let notice = match q.done.as_str() {
        "saved" => Some("已保存。角色或所属机构有变化时，该账号已退出登录，API 令牌已撤销。"),
        "disabled" => Some("账号已停用：不能登录，已退出所有登录，API 令牌已撤销。"),
        "enabled" => Some("账号已启用。"),
        _ => None,
    };
    account_page(&state, &u, &id, None, None, notice, None).await
}

/// A refusal: the error page for what the caller may not do at all, else the page again with
/// the reason and what was typed.
async fn refused(state: &AppState, u: &CurrentUser, id: &str, e: ApiError, typed: Option<AccountForm>) -> Response {
    if matches!(e.code, ErrorCode::Forbidden | ErrorCode::NotFound) {
        return error_page(u, e);
    }
    let status = status_of(&e);
    with_status(
        account_page(state, u, id, typed, Some(e.message), None, None).await,
        status,
    )
}

/// `POST /users/{id}`: saves name, role and node.
pub async fn update(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<AccountForm>,
) -> Response {
    let Some(role) = Role::from_code(&f.role) else {
        return refused(&state, &u, &id, ApiError::validation("请选择角色"), Some(f)).await;
    };
    let edit = AccountEdit {
        display_name: f.display_name.clone(),
        role,
        org_id: some_text(&f.org_id),
        unit_id: some_text(&f.unit_id),
        external_subject: some_text(&f.external_subject),
    };
    match state.services.users.update(&u.principal, &id, edit).await {
        Ok(_) => Redirect::to(&format!("/users/{id}?done=saved")).into_response(),
        Err(e) => refused(&state, &u, &id, e.into(), Some(f)).await,
    }
}

async fn set_disabled(state: AppState, u: CurrentUser, id: String, disabled: bool) -> Response {
    match state.services.users.set_disabled(&u.principal, &id, disabled).await {
        Ok(_) => {
            let done = if disabled { "disabled" } else { "enabled" };
            Redirect::to(&format!("/users/{id}?done={done}")).into_response()
        }
        Err(e) => refused(&state, &u, &id, e.into(), None).await,
    }
}

/// `POST /users/{id}/disable`.
pub async fn disable(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    _: CsrfForm<Button>,
) -> Response {
    set_disabled(state, u, id, true).await
}

/// `POST /users/{id}/enable`.
pub async fn enable(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    _: CsrfForm<Button>,
) -> Response {
    set_disabled(state, u, id, false).await
}

/// `POST /users/{id}/password-reset`: the new password is shown once in the page body.
pub async fn reset(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    _: CsrfForm<Button>,
) -> Response {
    match state.services.users.reset_password(&u.principal, &id).await {
        Ok(password) => {
            let notice = Some("密码已重置：原密码、动态验证码绑定和所有登录均已失效，API 令牌已撤销。");
            let mut resp = account_page(&state, &u, &id, None, None, notice, Some(password)).await;
            resp.extensions_mut().insert(crate::idempotency::ShownOnce);
            no_store(resp)
        }
        Err(e) => refused(&state, &u, &id, e.into(), None).await,
    }
}
