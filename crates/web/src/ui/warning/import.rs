//! `POST /warning/rules/import`: a rule file uploaded from the rules page (multipart: `csrf`,
//! then `file`).

use axum::extract::{Multipart, State};
use axum::http::HeaderMap;
use axum::response::Response;
use neibao_domain::access::Permission;
use neibao_domain::error::ErrorCode;

use super::rule_views::{edit_refused, new_editor};
use super::rules::rules_page;
use super::upload::checked_file;
use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::kit::{error_page, UiUser};

/// `POST /warning/rules/import`: imports the file and shows what it did on the rules page.
pub async fn import(State(state): State<AppState>, UiUser(u): UiUser, headers: HeaderMap, mp: Multipart) -> Response {
    let may_edit = u.principal.can(Permission::AlertRuleWrite);
    let r = async {
        let bytes = checked_file(&u, &headers, mp, "规则文件").await?;
        if !may_edit {
            return Err(edit_refused());
        }
        Ok::<_, ApiError>(state.services.warning.import_rules(&u.principal, &bytes).await?)
    }
    .await;
    match r {
        Ok(report) => rules_page(&state, &u, new_editor(), None, Some(report.into()), None).await,
        Err(e) if e.code == ErrorCode::Forbidden && (!may_edit || e.message.contains("页面已过期")) => {
            error_page(&u, e)
        }
        Err(e) => rules_page(&state, &u, new_editor(), None, None, Some(e)).await,
    }
}
