//! Early-warning pages (issue 4): data rules with versions, import and backtest (预警规则),
//! suppression windows (屏蔽时段). Notification channels and the inbox are the notifications
//! pages; device online rate is a devices page.
//!
//! Every write goes through [`neibao_engine::warning::WarningService`], as the JSON API does, so
//! validation, jurisdiction and reloading are the same. Forms are CSRF-checked before anything
//! else; a refused form is shown again with its zh-CN message and the values as typed.

mod editor;
mod import;
mod rule;
mod rule_form;
mod rule_views;
mod rules;
mod suppressions;

use crate::state::AppState;

/// This capability's pages.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/warning/rules", routing::get(rules::rules).post(editor::create_rule))
        .route("/warning/rules/import", routing::post(import::import))
        .route(
            "/warning/rules/{code}",
            routing::get(rule::rule).post(editor::update_rule),
        )
        .route("/warning/rules/{code}/backtest", routing::post(rule::backtest))
        .route(
            "/warning/suppressions",
            routing::get(suppressions::suppressions).post(suppressions::add_suppression),
        )
        .route(
            "/warning/suppressions/{id}/end",
            routing::post(suppressions::end_suppression),
        )
}
