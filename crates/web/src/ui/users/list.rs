//! `GET /users`: the accounts inside the administrator's jurisdiction with their filters, and
//! the form opening an account; `POST /users`: opens it and shows its first password once.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use neibao_domain::access::Role;
use neibao_domain::paging::Page;
use neibao_domain::users::UserFilter;
use neibao_engine::users::NewAccount;
use serde::Deserialize;

use super::rows::{org_options, role_options, AccountForm, AccountRow};
use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{some_text, with_status};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{total_label, Nav, Pager};

#[derive(Deserialize, Default)]
pub struct UsersQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    role: String,
    /// `1`: disabled accounts only.
    #[serde(default)]
    disabled: String,
    /// Prefills the form with this unit (the unit page's link 开设账号).
    #[serde(default)]
    unit_id: String,
    page: Option<u32>,
}

#[derive(Template)]
#[template(path = "users/list.html")]
struct UsersPage {
    nav: Nav,
    rows: Vec<AccountRow>,
    total: String,
    pager: Pager,
    q: String,
    role: String,
    disabled: String,
    roles: Vec<(&'static str, &'static str)>,
    orgs: Vec<(String, String)>,
    form: AccountForm,
    error: Option<String>,
    /// The account just opened and its first password (shown this once).
    created: Option<(AccountRow, String)>,
}

async fn users_page(
    state: &AppState,
    u: &CurrentUser,
    q: UsersQuery,
    form: AccountForm,
    error: Option<String>,
    created: Option<(AccountRow, String)>,
) -> Response {
    let svc = &state.services.users;
    let filter = UserFilter {
        q: some_text(&q.q),
        role: Role::from_code(&q.role),
        disabled: (q.disabled == "1").then_some(true),
        org_id: None,
    };
    let page = Page::new(q.page, Some(50));
    let loaded = async {
        let list = svc.list(&u.principal, &filter, page).await?;
        let orgs = svc.organisations(&u.principal).await?;
        Ok::<_, ApiError>((list, orgs))
    }
    .await;
    match loaded {
        Ok((list, orgs)) => render(&UsersPage {
            nav: Nav::new(u),
            rows: list.items.iter().map(AccountRow::new).collect(),
            total: total_label(&list),
            pager: Pager::new(
                "/users",
                &[
                    ("q", q.q.clone()),
                    ("role", q.role.clone()),
                    ("disabled", q.disabled.clone()),
                ],
                page.page,
                page.per_page,
                list.total,
            ),
            q: q.q,
            role: q.role,
            disabled: q.disabled,
            roles: role_options(&orgs, None),
            orgs: org_options(&orgs),
            form,
            error,
            created,
        }),
        Err(e) => error_page(u, e),
    }
}

/// `GET /users`.
pub async fn users(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<UsersQuery>) -> Response {
    let form = AccountForm {
        unit_id: q.unit_id.clone(),
        role: if q.unit_id.is_empty() {
            String::new()
        } else {
            "unit_manager".into()
        },
        ..Default::default()
    };
    users_page(&state, &u, q, form, None, None).await
}

/// `POST /users`: opens the account; the page then shows its first password once. A refused
/// form is shown again as typed, with the reason.
pub async fn create(State(state): State<AppState>, UiUser(u): UiUser, CsrfForm(f): CsrfForm<AccountForm>) -> Response {
    let Some(role) = Role::from_code(&f.role) else {
        let resp = users_page(&state, &u, UsersQuery::default(), f, Some("请选择角色".into()), None).await;
        return with_status(resp, StatusCode::BAD_REQUEST);
    };
    let input = NewAccount {
        username: f.username.clone(),
        display_name: f.display_name.clone(),
        role,
        org_id: some_text(&f.org_id),
        unit_id: some_text(&f.unit_id),
        external_subject: some_text(&f.external_subject),
    };
    match state.services.users.create(&u.principal, input).await {
        Ok(c) => {
            let shown = (AccountRow::new(&c.account), c.initial_password);
            let mut resp = users_page(
                &state,
                &u,
                UsersQuery::default(),
                AccountForm::default(),
                None,
                Some(shown),
            )
            .await;
            // Shown once: a repeat of this form is not answered with the password again.
            resp.extensions_mut().insert(crate::idempotency::ShownOnce);
            crate::ui::form::no_store(resp)
        }
        Err(e) => {
            let e = ApiError::from(e);
            if e.code == neibao_domain::error::ErrorCode::Forbidden {
                return error_page(&u, e);
            }
            let status = crate::ui::form::status_of(&e);
            let resp = users_page(&state, &u, UsersQuery::default(), f, Some(e.message), None).await;
            with_status(resp, status)
        }
    }
}
