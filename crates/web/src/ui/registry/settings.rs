//! The unit page's forms: a key area, the armed schedule, a built-in rule's setting.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use neibao_engine::registry::{KeyAreaInput, RuleInput};
use serde::Deserialize;

use neibao_domain::error::ErrorCode;
use neibao_domain::registry::ArmedSchedule;

use super::super::form::Fields;
use super::super::kit::{error_page, UiUser};
use super::super::weekly::{periods_sent, rows_sent};
use super::unit::{unit_page, UnitExtras};
use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::state::AppState;

/// Back to the unit page, or the error page.
fn back(u: &crate::extract::principal::CurrentUser, id: &str, r: Result<(), ApiError>) -> Response {
    match r {
        Ok(()) => Redirect::to(&format!("/units/{id}")).into_response(),
        Err(e) => error_page(u, e),
    }
}

#[derive(Deserialize)]
pub struct KeyAreaForm {
    name: String,
    #[serde(default)]
    description: String,
}

pub async fn create_key_area(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<KeyAreaForm>,
) -> Response {
    let input = KeyAreaInput {
        name: f.name,
        description: f.description,
    };
    let r = state.services.registry.create_key_area(&u.principal, &id, input).await;
    back(&u, &id, r.map(|_| ()).map_err(ApiError::from))
}

/// `POST /units/{id}/schedule`: the armed schedule as weekly rows (see
/// [`crate::ui::weekly`]); a refused form shows the unit page again with the rows as typed.
pub async fn set_schedule(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let r = async {
        let periods = periods_sent(&f, "布防时段")?;
        Ok::<_, ApiError>(
            state
                .services
                .registry
                .set_armed_schedule(&u.principal, &id, &ArmedSchedule { periods })
                .await?,
        )
    }
    .await;
    match r {
        Ok(()) => Redirect::to(&format!("/units/{id}")).into_response(),
        Err(e) if e.code == ErrorCode::ValidationFailed => {
            let extras = UnitExtras {
                schedule_refused: Some((rows_sent(&f), e.message)),
                ..UnitExtras::default()
            };
            unit_page(&state, &u, &id, extras).await
        }
        Err(e) => error_page(&u, e),
    }
}

#[derive(Deserialize)]
pub struct RuleForm {
    #[serde(default)]
    enabled: Option<String>,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    threshold: Option<String>,
    #[serde(default)]
    window_seconds: Option<String>,
}

pub async fn set_rule(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path((id, rule)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<RuleForm>,
) -> Response {
    let r = async {
        let mut params = serde_json::Map::new();
        params.insert("severity".into(), f.severity.clone().into());
        for (key, value) in [("threshold", &f.threshold), ("window_seconds", &f.window_seconds)] {
            if let Some(v) = value.as_deref().filter(|v| !v.trim().is_empty()) {
                let n: i64 = v
                    .trim()
                    .parse()
                    .map_err(|_| ApiError::validation("阈值和时间窗口应为整数"))?;
                params.insert(key.into(), n.into());
            }
        }
        let input = RuleInput {
            enabled: f.enabled.is_some(),
            params: params.into(),
        };
        Ok(state
            .services
            .registry
            .set_rule(&u.principal, &id, &rule, input)
            .await?)
    }
    .await;
    back(&u, &id, r)
}
