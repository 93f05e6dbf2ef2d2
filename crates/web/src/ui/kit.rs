//! The UI kit every capability's pages use: the signed-in user extractor (a user who is not
//! signed in goes to the login page and comes back to the same page), rendering with a logged fallback, the error
//! page.

use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};

use super::accounts::resume::to_login;
use super::views::Nav;
use crate::error::ApiError;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

/// A signed-in browser user; anyone else is sent to the login page, and a session that must
/// still enrol a second factor to `/account/totp`.
pub struct UiUser(pub CurrentUser);

impl FromRequestParts<AppState> for UiUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        CurrentUser::from_request_parts(parts, state)
            .await
            .map(UiUser)
            .map_err(|e| {
                if e.code == neibao_domain::error::ErrorCode::SecondFactorPending {
                    Redirect::to("/account/totp").into_response()
                } else if e.code == neibao_domain::error::ErrorCode::PasswordChangeRequired {
                    Redirect::to("/account?password=required").into_response()
                } else {
                    // Back to this page (or the form's page) after signing in.
                    to_login(parts)
                }
            })
    }
}

/// Renders a template, or a plain 500 page if rendering fails (logged).
pub fn render<T: askama::Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template render failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Html("<h1>服务器内部错误</h1>".to_string()),
            )
                .into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "kit/error.html")]
struct ErrorPage {
    nav: Nav,
    message: String,
}

pub fn error_page(u: &CurrentUser, e: ApiError) -> Response {
    let status = axum::http::StatusCode::from_u16(e.code.http_status()).unwrap_or(axum::http::StatusCode::BAD_REQUEST);
    (
        status,
        render(&ErrorPage {
            nav: Nav::new(u),
            message: e.message,
        }),
    )
        .into_response()
}
