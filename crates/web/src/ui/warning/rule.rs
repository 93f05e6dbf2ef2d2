//! `GET /warning/rules/{code}`: one rule, its versions, the editor of its next version and the
//! backtest of the stored rule over a period.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use neibao_domain::access::Permission;
use neibao_domain::audit::actor_label;
use neibao_domain::error::ErrorCode;
use neibao_engine::warning::BacktestInput;
use serde::Deserialize;

use super::rule_views::{facts, read_refused, BacktestView, Editor, Facts, PeriodForm, RuleRow};
use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{parse_local, some_text, with_status};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_time, Nav};

pub struct VersionRow {
    pub version: i64,
    pub enabled: bool,
    pub created_by: String,
    pub created_at: String,
    pub spec: String,
}

#[derive(Template)]
#[template(path = "warning/rule.html")]
struct RulePage {
    nav: Nav,
    /// The sub-navigation shows the channels link.
    is_admin: bool,
    r: RuleRow,
    versions: Vec<VersionRow>,
    facts: Facts,
    may_edit: bool,
    editor: Editor,
    period: PeriodForm,
    backtest: Option<BacktestView>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct NoticeQuery {
    #[serde(default)]
    saved: String,
}

/// `GET /warning/rules/{code}[?saved=1]`.
pub async fn rule(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(code): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Response {
    if !u.principal.can(Permission::AlertRuleRead) {
        return error_page(&u, read_refused());
    }
    let notice = (!q.saved.is_empty()).then(|| "已保存为新版本，规则已重新加载".to_string());
    rule_page(&state, &u, &code, None, PeriodForm::last_week(), None, notice).await
}

/// The rule page with the editor as sent (or of the next version), a backtest period and
/// result, a notice.
pub(super) async fn rule_page(
    state: &AppState,
    u: &CurrentUser,
    code: &str,
    editor: Option<Editor>,
    period: PeriodForm,
    backtest: Option<BacktestView>,
    notice: Option<String>,
) -> Response {
    let versions = match state.services.warning.rule_versions(&u.principal, code).await {
        Ok(v) => v,
        Err(e) => return error_page(u, e.into()),
    };
    let current = &versions[0];
    let mut editor = editor.unwrap_or_else(|| Editor::of_stored(current));
    if editor.json.is_empty() {
        // A refused form keeps what was typed; the export stays the stored version.
        editor.json = serde_json::to_string_pretty(&current.spec).unwrap_or_default();
    }
    let status = if editor.error.is_some() || period.error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let page = render(&RulePage {
        nav: Nav::new(u),
        is_admin: u.principal.can(Permission::ChannelManage),
        r: RuleRow::new(current),
        versions: versions
            .iter()
            .map(|v| VersionRow {
                version: v.version,
                enabled: v.enabled,
                created_by: actor_label(&v.created_by),
                created_at: fmt_time(v.created_at),
                spec: serde_json::to_string_pretty(&v.spec).unwrap_or_default(),
            })
            .collect(),
        facts: facts(),
        may_edit: u.principal.can(Permission::AlertRuleWrite),
        editor,
        period,
        backtest,
        notice,
    });
    with_status(page, status)
}

/// A backtest period as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PeriodFields {
    from: String,
    to: String,
    unit_id: String,
}

/// `POST /warning/rules/{code}/backtest`: runs the stored rule over a period.
pub async fn backtest(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(code): Path<String>,
    CsrfForm(f): CsrfForm<PeriodFields>,
) -> Response {
    if !u.principal.can(Permission::AlertRuleRead) {
        return error_page(&u, read_refused());
    }
    let mut period = PeriodForm {
        from: f.from.trim().to_string(),
        to: f.to.trim().to_string(),
        unit_id: f.unit_id.trim().to_string(),
        error: None,
    };
    let r = async {
        let input = BacktestInput {
            code: Some(code.clone()),
            rule: None,
            from: parse_local(&period.from, "开始时间")?,
            to: parse_local(&period.to, "结束时间")?,
            unit_id: some_text(&period.unit_id),
        };
        Ok::<_, ApiError>(state.services.warning.backtest(&u.principal, input).await?)
    }
    .await;
    let view = match r {
        Ok(report) => Some(BacktestView::new(report, false)),
        Err(e) if e.code == ErrorCode::NotFound => return error_page(&u, e),
        Err(e) => {
            period.error = Some(e.message);
            None
        }
    };
    rule_page(&state, &u, &code, None, period, view, None).await
}
