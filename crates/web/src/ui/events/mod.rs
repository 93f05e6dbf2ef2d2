//! Pages of events: the event list.

mod list;

use crate::state::AppState;

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new().route("/events", routing::get(list::events))
}
