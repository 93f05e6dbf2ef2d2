//! The dashboard page.

mod page;

use crate::state::AppState;

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new().route("/", routing::get(page::dashboard))
}
