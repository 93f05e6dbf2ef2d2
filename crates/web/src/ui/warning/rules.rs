//! `GET /warning/rules`: every data rule, the built-in ones named, the condition fields; for
//! rule writers the editor of a new rule and the import form.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use neibao_domain::access::Permission;

use super::rule_views::{facts, new_editor, read_refused, BacktestView, Editor, Facts, ImportView, RuleRow};
use crate::error::ApiError;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{status_of, with_status};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::Nav;

#[derive(Template)]
#[template(path = "warning/rules.html")]
struct RulesPage {
    nav: Nav,
    rules: Vec<RuleRow>,
    builtin: Vec<(&'static str, &'static str)>,
    facts: Facts,
    may_edit: bool,
    /// The sub-navigation shows the channels link.
    is_admin: bool,
    editor: Editor,
    backtest: Option<BacktestView>,
    import: Option<ImportView>,
    import_error: Option<String>,
}

/// `GET /warning/rules`.
pub async fn rules(State(state): State<AppState>, UiUser(u): UiUser) -> Response {
    if !u.principal.can(Permission::AlertRuleRead) {
        return error_page(&u, read_refused());
    }
    rules_page(&state, &u, new_editor(), None, None, None).await
}

/// The rules page with the editor, a draft backtest, an import report or an import refusal.
pub(super) async fn rules_page(
    state: &AppState,
    u: &CurrentUser,
    editor: Editor,
    backtest: Option<BacktestView>,
    import: Option<ImportView>,
    import_error: Option<ApiError>,
) -> Response {
    let rules = match state.services.warning.rules(&u.principal).await {
        Ok(r) => r,
        Err(e) => return error_page(u, e.into()),
    };
    let status = editor
        .error
        .is_some()
        .then_some(StatusCode::BAD_REQUEST)
        .or(import_error.as_ref().map(status_of))
        .unwrap_or(StatusCode::OK);
    let page = render(&RulesPage {
        nav: Nav::new(u),
        rules: rules.iter().map(RuleRow::new).collect(),
        builtin: neibao_engine::alerts::builtin::builtin_rules()
            .into_iter()
            .map(|r| (r.code, r.title))
            .collect(),
        facts: facts(),
        may_edit: u.principal.can(Permission::AlertRuleWrite),
        is_admin: u.principal.can(Permission::ChannelManage),
        editor,
        backtest,
        import,
        import_error: import_error.map(|e| e.message),
    });
    with_status(page, status)
}
