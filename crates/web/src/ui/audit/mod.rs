//! Pages of the audit log.

mod log;

use crate::state::AppState;

/// This capability's pages.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/audit", axum::routing::get(log::audit))
}
