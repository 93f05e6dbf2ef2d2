//! `POST /units/{id}/persons/{pid}/reveal`: a responsible person's ID number and phone in full on
//! the unit page, for a stated purpose, after the read was written to the audit log (as
//! `POST /api/v1/persons/{id}/reveal`). Sent with `Cache-Control: no-store`.

use axum::extract::{Path, State};
use axum::response::Response;
use neibao_domain::error::ErrorCode;
use neibao_engine::privacy::Via;
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::state::AppState;
use crate::ui::kit::{error_page, UiUser};
use crate::ui::registry::{unit_page, UnitExtras};

#[derive(Deserialize)]
pub struct PurposeForm {
    #[serde(default)]
    purpose: String,
}

pub async fn reveal_person(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path((unit_id, person_id)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<PurposeForm>,
) -> Response {
    let r = state
        .services
        .privacy
        .reveal_person(&u.principal, Some(&unit_id), &person_id, Some(&f.purpose), Via::Ui)
        .await
        .map_err(ApiError::from);
    match r {
        Ok(person) => {
            let extras = UnitExtras {
                revealed: Some(person),
                ..Default::default()
            };
            unit_page(&state, &u, &unit_id, extras).await
        }
        Err(e) if e.code == ErrorCode::PurposeRequired => {
            let extras = UnitExtras {
                reveal_error: Some(e.message),
                ..Default::default()
            };
            unit_page(&state, &u, &unit_id, extras).await
        }
        Err(e) => error_page(&u, e),
    }
}
