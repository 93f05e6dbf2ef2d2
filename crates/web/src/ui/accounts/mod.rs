//! Pages of accounts: login and logout, the account page (password, second factor, API tokens,
//! the bureau's security settings).

mod account;
mod login;
pub(crate) mod login_page;
pub(crate) mod resume;

use crate::state::AppState;

/// This capability's pages.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/login", routing::get(login::login_form).post(login::login))
        .route("/logout", routing::post(login::logout))
        .route("/account", routing::get(account::account))
        .route("/account/password", routing::post(account::change_password))
        .route(
            "/account/totp",
            routing::get(account::totp_page).post(account::totp_post),
        )
        .route("/account/tokens", routing::post(account::create_token))
        .route("/account/settings", routing::post(account::save_settings))
        .route("/account/tokens/{id}/revoke", routing::post(account::revoke_token))
}
