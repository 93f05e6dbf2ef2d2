//! [`CsrfForm`]: a UI form post whose `csrf_token` field is checked against the session before
//! the form is parsed. Every state-changing UI form takes its fields through it, so no handler
//! checks the token by hand. Security-sensitive.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::response::{IntoResponse, Redirect, Response};
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::accounts::resume::to_login;
use crate::ui::error_page;
use neibao_domain::error::ErrorCode;

/// Largest UI form body accepted (bytes); uploads go through their own multipart limit.
pub const MAX_FORM_BYTES: usize = 256 * 1024;

/// A form whose CSRF token matched the signed-in session (`T` is its other fields).
///
/// Rejections are pages: a wrong or missing token gets the "page expired" page (403), a body
/// that does not parse the validation page (400), a visitor who is not signed in goes to the login
/// page (a form posted after the session ended was carried there by `ui::carry_forms` first). Bearer-token callers carry no CSRF token and none is needed (they are not browsers).
pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let user = match CurrentUser::from_request_parts(&mut parts, state).await {
            Ok(u) => u,
            Err(e) if e.code == ErrorCode::SecondFactorPending => {
                return Err(Redirect::to("/account/totp").into_response())
            }
            Err(e) if e.code == ErrorCode::PasswordChangeRequired => {
                return Err(Redirect::to("/account?password=required").into_response())
            }
            // Unreachable from a browser form: `ui::carry_forms` answered first (ui/accounts/resume.rs).
            Err(_) => return Err(to_login(&parts)),
        };
        let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES)
            .await
            .map_err(|_| error_page(&user, ApiError::validation("表单内容过大或不完整")))?;
        let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
        let sent = fields
            .iter()
            .find(|(k, _)| k == "csrf_token")
            .map(|(_, v)| v.as_str())
            .unwrap_or("");
        user.check_form_csrf(sent).map_err(|e| error_page(&user, e))?;
        serde_urlencoded::from_bytes(&bytes)
            .map(CsrfForm)
            .map_err(|_| error_page(&user, ApiError::validation("表单格式不正确：缺少字段或字段类型不符")))
    }
}
