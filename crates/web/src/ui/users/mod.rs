//! Account administration pages (账号管理): the account list with the form opening an account,
//! one account with its edit form and its disable / enable / password-reset buttons. Every
//! write goes through [`neibao_engine::users::UserService`], as the JSON API does. A new
//! account's first password and a reset password are shown once in the page body (never in a
//! URL) and not kept for a repeated form.

mod account;
mod list;
mod rows;

use crate::state::AppState;

/// This capability's pages.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/users", routing::get(list::users).post(list::create))
        .route("/users/{id}", routing::get(account::account).post(account::update))
        .route("/users/{id}/disable", routing::post(account::disable))
        .route("/users/{id}/enable", routing::post(account::enable))
        .route("/users/{id}/password-reset", routing::post(account::reset))
}
