//! Pages of notifications: channels (administrators), the inbox and its badge.

mod channels;
mod inbox;

use crate::state::AppState;

/// This capability's pages.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route(
            "/warning/channels",
            routing::get(channels::channels).post(channels::add_channel),
        )
        .route("/warning/channels/{id}/switch", routing::post(channels::switch_channel))
        .route("/inbox", routing::get(inbox::inbox))
        .route("/inbox/read", routing::post(inbox::mark_read))
        .route("/inbox/badge", routing::get(inbox::badge))
}
