//! 布控 pages (docs/WATCHLISTS.md): `/watchlists` (the caller's organ's or unit's lists and a new
//! one), `/watchlists/{id}` (a list: its basis, expiry and threshold, switching it on under an
//! approved PIA, its entries), `/watchlist-hits` and `/watchlist-hits/{id}` (the hits and their
//! human check: the capture and the reference photo side by side, the top candidates, 确认本人 /
//! 非本人), `/pias` and `/pias/{id}` (个人信息保护影响评估: draft, approve).

mod hits;
mod lists;
mod pias;

use crate::state::AppState;

/// This capability's pages.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/watchlists", routing::get(lists::index).post(lists::create))
        .route("/watchlists/{id}", routing::get(lists::show).post(lists::update))
        .route("/watchlists/{id}/activate", routing::post(lists::activate))
        .route("/watchlists/{id}/deactivate", routing::post(lists::deactivate))
        .route("/watchlists/{id}/entries", routing::post(lists::add_entry))
        .route(
            "/watchlists/{id}/entries/{entry_id}/delete",
            routing::post(lists::delete_entry),
        )
        .route("/watchlist-hits", routing::get(hits::index))
        .route("/watchlist-hits/{id}", routing::get(hits::show).post(hits::review))
        .route("/pias", routing::get(pias::index).post(pias::create))
        .route("/pias/{id}", routing::get(pias::show))
        .route("/pias/{id}/approve", routing::post(pias::approve))
}
