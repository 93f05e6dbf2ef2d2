//! `/units/lookup`: the responsible persons in the caller's jurisdiction with an exact ID number,
//! found by its blind index and audited with the purpose and the masked number (as
//! `POST /api/v1/persons/lookup`). Results are sent with `Cache-Control: no-store`.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use neibao_domain::access::Permission;
use neibao_engine::privacy::Via;
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::state::AppState;
use crate::ui::form::{no_store, signed_in_status_of, with_status};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::Nav;

struct MatchRow {
    unit_id: String,
    unit_name: String,
    name: String,
    role: &'static str,
    citizen_id: String,
}

#[derive(Template)]
#[template(path = "privacy/person_lookup.html")]
struct LookupPage {
    nav: Nav,
    error: Option<String>,
    results: Option<Vec<MatchRow>>,
}

/// `GET /units/lookup`: the look-up form alone (with `person.lookup`).
pub async fn lookup_form(UiUser(u): UiUser) -> Response {
    if let Err(e) = u.principal.require(Permission::PersonLookup) {
        return error_page(&u, e.into());
    }
    render(&LookupPage {
        nav: Nav::new(&u),
        error: None,
        results: None,
    })
}

#[derive(Deserialize)]
pub struct LookupForm {
    #[serde(default)]
    citizen_id: String,
    #[serde(default)]
    purpose: String,
}

pub async fn lookup(State(state): State<AppState>, UiUser(u): UiUser, CsrfForm(f): CsrfForm<LookupForm>) -> Response {
    if let Err(e) = u.principal.require(Permission::PersonLookup) {
        return error_page(&u, e.into());
    }
    let r = state
        .services
        .privacy
        .lookup_persons(&u.principal, &f.citizen_id, Some(&f.purpose), Via::Ui)
        .await
        .map_err(ApiError::from);
    let nav = Nav::new(&u);
    match r {
        Ok(found) => no_store(render(&LookupPage {
            nav,
            error: None,
            results: Some(
                found
                    .iter()
                    .map(|m| MatchRow {
                        unit_id: m.unit_id.clone(),
                        unit_name: m.unit_name.clone(),
                        name: m.name.clone(),
                        role: m.role.label_zh(),
                        citizen_id: m.citizen_id.as_ref().map(|c| c.masked()).unwrap_or_default(),
                    })
                    .collect(),
            ),
        })),
        Err(e) => with_status(
            render(&LookupPage {
                nav,
                error: Some(e.message.clone()),
                results: None,
            }),
            signed_in_status_of(&e),
        ),
    }
}
