//! The rule editor's posts: `POST /warning/rules` (a new rule) and `POST /warning/rules/{code}`
//! (its next version); with `action=backtest` the draft is backtested instead of saved.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::access::Permission;
use neibao_domain::error::ErrorCode;
use neibao_engine::warning::BacktestInput;

use super::rule::rule_page;
use super::rule_form::RuleForm;
use super::rule_views::{edit_refused, read_refused, BacktestView, Editor, PeriodForm};
use super::rules::rules_page;
use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{field, parse_local, some_text, Fields};
use crate::ui::kit::{error_page, UiUser};

/// The editor as sent: the rule form's fields (see [`RuleForm`]), `expected_version`, the
/// draft-backtest period (`from`, `to`, `unit_id`) and `action` (`save` or `backtest`).
fn editor_sent(f: &Fields, action: String) -> Editor {
    Editor {
        action,
        form: RuleForm::sent(f),
        json: String::new(),
        expected_version: field(f, "expected_version").trim().parse().unwrap_or(0),
        from: field(f, "from").trim().to_string(),
        to: field(f, "to").trim().to_string(),
        unit_id: field(f, "unit_id").trim().to_string(),
        error: None,
    }
}

/// What the editor's post did: saved a version (the rule's code), or backtested the draft.
enum Done {
    Saved(String),
    Backtested(BacktestView),
}

/// Saves the spec the form describes, or backtests it as a draft (`action=backtest`).
/// `path_code`: the rule being edited (its code wins over one sent).
async fn save_or_backtest(state: &AppState, u: &CurrentUser, f: &Fields, path_code: Option<&str>) -> Response {
    if !u.principal.can(Permission::AlertRuleRead) {
        return error_page(u, read_refused());
    }
    let action = match path_code {
        Some(c) => format!("/warning/rules/{c}"),
        None => "/warning/rules".to_string(),
    };
    let mut editor = editor_sent(f, action);
    if let Some(c) = path_code {
        editor.form.code = c.to_string();
    }
    let draft = field(f, "action") == "backtest";
    let warning = &state.services.warning;
    let result = async {
        let spec = editor.form.spec()?;
        if draft {
            let input = BacktestInput {
                code: None,
                rule: Some(spec),
                from: parse_local(&editor.from, "回测开始时间")?,
                to: parse_local(&editor.to, "回测结束时间")?,
                unit_id: some_text(&editor.unit_id),
            };
            let report = warning.backtest(&u.principal, input).await?;
            return Ok(Done::Backtested(BacktestView::new(report, true)));
        }
        if !u.principal.can(Permission::AlertRuleWrite) {
            return Err(edit_refused());
        }
        let saved = if editor.expected_version == 0 {
            warning.create_rule(&u.principal, spec).await?
        } else {
            let code = spec.code.clone();
            warning
                .update_rule(&u.principal, &code, spec, Some(editor.expected_version))
                .await?
        };
        Ok::<_, ApiError>(Done::Saved(saved.code))
    }
    .await;
    let backtest = match result {
        Ok(Done::Saved(code)) => {
            return Redirect::to(&format!("/warning/rules/{code}?saved=1")).into_response();
        }
        Ok(Done::Backtested(view)) => Some(view),
        Err(e) if e.code == ErrorCode::Forbidden && !u.principal.can(Permission::AlertRuleWrite) => {
            return error_page(u, e)
        }
        Err(e) => {
            editor.error = Some(match e.code {
                // Saving a version over one someone else saved meanwhile; a new rule's code
                // conflict says so itself.
                ErrorCode::Conflict if path_code.is_some() => {
                    format!("{}（其他人已保存了新的版本，请刷新后再改）", e.message)
                }
                _ => e.message,
            });
            None
        }
    };
    match path_code {
        Some(c) => rule_page(state, u, c, Some(editor), PeriodForm::last_week(), backtest, None).await,
        None => rules_page(state, u, editor, backtest, None, None).await,
    }
}

/// `POST /warning/rules`: creates a rule (or backtests the draft).
pub async fn create_rule(State(state): State<AppState>, UiUser(u): UiUser, CsrfForm(f): CsrfForm<Fields>) -> Response {
    save_or_backtest(&state, &u, &f, None).await
}

/// `POST /warning/rules/{code}`: saves a new version (or backtests the draft).
pub async fn update_rule(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(code): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    save_or_backtest(&state, &u, &f, Some(&code)).await
}
