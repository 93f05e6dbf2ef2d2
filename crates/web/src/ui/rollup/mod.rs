//! The roll-up page (docs/ROLLUP.md; R3, R24, R31): `/rollup` — a period picker, 按辖区/按行业,
//! the rows of one level with their figures, each row opening its sub-divisions, stations or
//! units (drill-down), and the `.xlsx` export link.

mod pages;

use crate::state::AppState;

/// This capability's pages.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new().route("/rollup", routing::get(pages::index))
}
