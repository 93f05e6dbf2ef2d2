//! `GET /setup`, `POST /setup`: the first-run setup of an installation without `--demo`
//! (docs/SETUP.md): the division it serves (a picker down to the county), its top police
//! organisation, and the first administrator's own account. On success the bootstrap account is
//! disabled and the browser goes to the login page.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::access::Permission;
use neibao_domain::setup::SetupInput;
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::with_status;
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::Nav;

/// The setup form as typed (the passwords are never sent back).
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct SetupForm {
    pub division_code: String,
    pub org_name: String,
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub password_again: String,
}

#[derive(Template)]
#[template(path = "setup/index.html")]
struct SetupPage {
    nav: Nav,
    /// False: already set up (or an installation with organisations); the page says so.
    needed: bool,
    form: SetupForm,
    error: Option<String>,
}

async fn page(state: &AppState, u: &CurrentUser, form: SetupForm, error: Option<String>) -> Response {
    if !u.principal.can(Permission::UserAdminister) {
        return error_page(
            u,
            ApiError::msg(
                neibao_domain::error::ErrorCode::Forbidden,
                "只有系统管理员可以进行初始设置",
            ),
        );
    }
    match state.services.setup.status().await {
        Ok(status) => render(&SetupPage {
            nav: Nav::new(u),
            needed: status.needed,
            form: SetupForm {
                password: String::new(),
                password_again: String::new(),
                ..form
            },
            error,
        }),
        Err(e) => error_page(u, e.into()),
    }
}

/// `GET /setup`.
pub async fn setup_form(State(state): State<AppState>, UiUser(u): UiUser) -> Response {
    page(&state, &u, SetupForm::default(), None).await
}

/// `POST /setup`.
pub async fn complete(State(state): State<AppState>, UiUser(u): UiUser, CsrfForm(f): CsrfForm<SetupForm>) -> Response {
    if f.password != f.password_again {
        let resp = page(&state, &u, f, Some("两次输入的密码不一致".into())).await;
        return with_status(resp, StatusCode::BAD_REQUEST);
    }
    let input = SetupInput {
        division_code: f.division_code.clone(),
        org_name: f.org_name.clone(),
        username: f.username.clone(),
        display_name: f.display_name.clone(),
        password: f.password.clone(),
    };
    match state.services.setup.complete(&u.principal, input).await {
        // The bootstrap account is disabled and its session ended: sign in with the new one.
        Ok(_) => Redirect::to("/login?setup=1").into_response(),
        Err(e) => {
            let e: ApiError = e.into();
            if e.code == neibao_domain::error::ErrorCode::Forbidden {
                return error_page(&u, e);
            }
            let status = StatusCode::from_u16(e.code.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
            with_status(page(&state, &u, f, Some(e.message)).await, status)
        }
    }
}

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/setup", axum::routing::get(setup_form).post(complete))
}
