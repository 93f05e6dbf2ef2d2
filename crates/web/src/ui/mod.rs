//! Server-rendered zh-CN web UI (askama templates under `templates/`). Uses the browser session;
//! every form carries the session's CSRF token. Assets are served from the binary.

mod assets;
mod kit;
mod pages;
mod security;
mod supervision;
mod supervision_admin;
mod views;
mod warning;

use axum::Router;

use crate::state::AppState;

pub use kit::{error_page, render, UiUser};
pub use views::fmt_time;

/// Every page, one line per capability.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(assets::routes())
        .merge(pages::routes())
        .merge(security::routes())
        .merge(supervision::routes())
        .merge(supervision_admin::routes())
        .merge(warning::routes())
}
