//! Visitor pages (docs/VISITORS.md; R12(2), R87; Decree 421 Art 11): the unit's visits with the
//! host's invitation form, approvals and settings (`/visitors`), one visit with its link's QR
//! code (`/visitors/{id}`), the phone-sized gate page for guards (`/visitors/gate`: look up,
//! check in with the ID verified, walk-ins, check out, who is still inside at closing time), and
//! the visitor's public form (`/visit?t=…`, no account, limited per client address).

mod gate;
mod pages;
mod public;
mod view;

use crate::state::AppState;

/// This capability's pages.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/visitors", routing::get(pages::hub))
        .route("/visitors/invitations", routing::post(pages::invite))
        .route("/visitors/settings", routing::post(pages::settings))
        .route("/visitors/gate", routing::get(gate::gate))
        .route("/visitors/gate/walk-in", routing::post(gate::walk_in))
        .route("/visitors/{id}", routing::get(pages::visit))
        .route("/visitors/{id}/decision", routing::post(pages::decide))
        .route("/visitors/{id}/check-in", routing::post(gate::check_in))
        .route("/visitors/{id}/check-out", routing::post(gate::check_out))
        .route(
            "/visit",
            routing::get(public::form)
                .post(public::submit)
                .layer(axum::extract::DefaultBodyLimit::max(
                    crate::api::visitors::MAX_PUBLIC_BODY,
                )),
        )
}
