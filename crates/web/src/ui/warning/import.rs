//! `POST /warning/rules/import`: a rule file uploaded from the rules page (multipart: `csrf`,
//! then `file`; the token is checked by [`CsrfMultipart`] before the file is read).

use axum::extract::State;
use axum::response::Response;
use neibao_domain::access::Permission;
use neibao_domain::error::ErrorCode;

use super::rule_views::{edit_refused, new_editor};
use super::rules::rules_page;
use crate::error::ApiError;
use crate::extract::multipart::CsrfMultipart;
use crate::state::AppState;
use crate::ui::kit::{error_page, UiUser};

/// `POST /warning/rules/import`: imports the file and shows what it did on the rules page.
pub async fn import(State(state): State<AppState>, UiUser(u): UiUser, mp: CsrfMultipart) -> Response {
    let may_edit = u.principal.can(Permission::AlertRuleWrite);
    let r = async {
        if !may_edit {
            return Err(edit_refused());
        }
        let missing = || ApiError::validation("请选择规则文件（JSON）");
        let upload = mp.file().await.map_err(|e| match e.code {
            ErrorCode::PayloadTooLarge => ApiError::msg(ErrorCode::PayloadTooLarge, "规则文件过大"),
            ErrorCode::ValidationFailed if e.message.starts_with("请选择") => missing(),
            _ => e,
        })?;
        if upload.data.is_empty() {
            return Err(missing());
        }
        Ok::<_, ApiError>(state.services.warning.import_rules(&u.principal, &upload.data).await?)
    }
    .await;
    match r {
        Ok(report) => rules_page(&state, &u, new_editor(), None, Some(report.into()), None).await,
        Err(e) if e.code == ErrorCode::Forbidden => error_page(&u, e),
        Err(e) => rules_page(&state, &u, new_editor(), None, None, Some(e)).await,
    }
}
