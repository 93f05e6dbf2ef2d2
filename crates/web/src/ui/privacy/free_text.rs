//! `/reveal/{object}/{id}`: the plaintext of the ID numbers, mobile numbers and plates masked in
//! an object's free texts (an event's device texts, an alert's comments, a hazard, a step's
//! reason, an inspection, a unit's address, a campaign, a file name …), for a stated purpose,
//! after the read was written to the audit log (as `POST /api/v1/reveal/{object}/{id}`). The
//! pages that show masked free text link here (查看原文) for users with `person.reveal`. The
//! answer is sent with `Cache-Control: no-store`.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use neibao_domain::audit::object_label;
use neibao_domain::error::ErrorCode;
use neibao_domain::privacy::free_text_fields_of;
use neibao_engine::privacy::Via;
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::state::AppState;
use crate::ui::form::{no_store, signed_in_status_of, with_status};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::Nav;

#[derive(Template)]
#[template(path = "privacy/free_text_reveal.html")]
struct RevealPage {
    nav: Nav,
    object: String,
    object_label: String,
    id: String,
    back: String,
    purpose: String,
    error: Option<String>,
    /// (field label, plaintext) once revealed.
    revealed: Option<Vec<(String, String)>>,
}

#[derive(Deserialize)]
pub struct BackQuery {
    #[serde(default)]
    back: Option<String>,
}

#[derive(Deserialize)]
pub struct RevealForm {
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    back: Option<String>,
}

/// A page of this site to go back to: a path (`/alerts/…`), never another site.
fn local_path(back: Option<&str>) -> String {
    match back {
        Some(b) if b.starts_with('/') && !b.starts_with("//") && !b.contains('\\') && b.len() <= 300 => b.to_string(),
        _ => "/".to_string(),
    }
}

fn page(nav: Nav, object: &str, id: &str, back: String) -> RevealPage {
    RevealPage {
        nav,
        object: object.to_string(),
        object_label: object_label(object),
        id: id.to_string(),
        back,
        purpose: String::new(),
        error: None,
        revealed: None,
    }
}

/// `GET /reveal/{object}/{id}`: the purpose form.
pub async fn reveal_form(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path((object, id)): Path<(String, String)>,
    Query(q): Query<BackQuery>,
) -> Response {
    if let Err(e) = state
        .services
        .privacy
        .check_free_text_object(&u.principal, &object, &id)
        .await
    {
        return error_page(&u, e.into());
    }
    render(&page(Nav::new(&u), &object, &id, local_path(q.back.as_deref())))
}

/// `POST /reveal/{object}/{id}`: the plaintexts, after the audited read; a missing or short
/// purpose shows the form again with what was typed.
pub async fn reveal(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path((object, id)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<RevealForm>,
) -> Response {
    let r = state
        .services
        .privacy
        .reveal_free_text(&u.principal, &object, &id, Some(&f.purpose), Via::Ui)
        .await
        .map_err(ApiError::from);
    let mut p = page(Nav::new(&u), &object, &id, local_path(f.back.as_deref()));
    match r {
        Ok(texts) if object == "reports" => {
            p.revealed = Some(crate::ui::reports::revealed_fields(&texts));
            p.purpose = f.purpose;
            no_store(render(&p))
        }
        Ok(texts) => {
            p.revealed = Some(
                free_text_fields_of(&object)
                    .filter_map(|field| {
                        texts
                            .fields
                            .get(field.column)
                            .map(|plain| (field.label.to_string(), plain.clone()))
                    })
                    .collect(),
            );
            p.purpose = f.purpose;
            no_store(render(&p))
        }
        Err(e) if e.code == ErrorCode::PurposeRequired => {
            p.purpose = f.purpose;
            p.error = Some(e.message.clone());
            with_status(render(&p), signed_in_status_of(&e))
        }
        Err(e) => error_page(&u, e),
    }
}
