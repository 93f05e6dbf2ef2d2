//! Official documents (文书): `GET /documents`, the documents in the viewer's jurisdiction with
//! their delivery state (the addressee's receipt, 签收); `POST /documents/{id}/receipt`, the
//! addressee signs for one; `GET /documents/{id}/pdf`, the PDF (the addressee's first opening is
//! the receipt); `GET /documents/{id}`, one document with its delivery state and, for a
//! 问题抄告函, what the competent department did about it; `POST /documents/{id}/actions`, the
//! department records its action (R29). A refused record keeps what was typed.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::documents::{records_actions, Addressee, Document, DocumentFilter};
use neibao_domain::paging::Page;
use serde::Deserialize;

use super::rows::DocRow;
use crate::api::documents::pdf_response;
use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{field, status_of, with_status, Fields};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_time, total_label, Nav, Pager};

/// `GET /documents/{id}/pdf`.
pub async fn document_pdf(State(state): State<AppState>, UiUser(u): UiUser, Path(id): Path<String>) -> Response {
    let r = async {
        // The addressee's first opening is the receipt (签收).
        let d = state.services.documents.open(&u.principal, &id).await?;
        pdf_response(d).await
    }
    .await;
    r.unwrap_or_else(|e| error_page(&u, e))
}

#[derive(Deserialize, Default)]
pub struct DocumentsQuery {
    /// `1`: not yet signed for; `0`: signed.
    #[serde(default)]
    unread: String,
    page: Option<u32>,
}

/// One row of the list.
struct ListRow {
    doc: DocRow,
    unit_name: String,
    addressee: &'static str,
    /// The viewer is the addressee and has not signed yet: the 签收 button shows.
    may_sign: bool,
}

#[derive(Template)]
#[template(path = "supervision/documents.html")]
struct DocumentsPage {
    nav: Nav,
    rows: Vec<ListRow>,
    total: String,
    pager: Pager,
    unread: String,
}

/// `GET /documents`.
pub async fn documents(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<DocumentsQuery>) -> Response {
    let svc = &state.services.documents;
    let filter = DocumentFilter {
        unread: match q.unread.as_str() {
            "1" => Some(true),
            "0" => Some(false),
            _ => None,
        },
        ..Default::default()
    };
    let page = Page::new(q.page, Some(50));
    match svc.list(&u.principal, &filter, page).await {
        Ok(list) => {
            let pager = Pager::new(
                "/documents",
                &[("unread", q.unread.clone())],
                page.page,
                page.per_page,
                list.total,
            );
            let rows = list
                .items
                .iter()
                .map(|d| ListRow {
                    may_sign: d.receipt.is_none() && svc.receives(&u.principal, d),
                    addressee: Addressee::of(d.kind).label_zh(),
                    unit_name: d.unit_name.clone(),
                    doc: DocRow::new(d),
                })
                .collect();
            render(&DocumentsPage {
                nav: Nav::new(&u),
                rows,
                total: total_label(&list),
                pager,
                unread: q.unread,
            })
        }
        Err(e) => error_page(&u, e.into()),
    }
}

#[derive(Deserialize, Default)]
pub struct Empty {}

/// `POST /documents/{id}/receipt`: the addressee signs for the document.
pub async fn sign(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Response {
    match state.services.documents.sign(&u.principal, &id).await {
        Ok(_) => Redirect::to("/documents?signed=1").into_response(),
        Err(e) => error_page(&u, e.into()),
    }
}

/// One action record as shown.
struct ActionRow {
    id: String,
    by: String,
    at: String,
    text: String,
}

#[derive(Template)]
#[template(path = "supervision/document.html")]
struct DocumentPage {
    nav: Nav,
    doc: DocRow,
    kind: &'static str,
    /// The document's text, as the PDF lays it out.
    paragraphs: Vec<String>,
    fields: Vec<(String, String)>,
    unit_id: String,
    unit_name: String,
    hazard_id: String,
    addressee: &'static str,
    may_sign: bool,
    /// A 问题抄告函: the department's records show.
    referral: bool,
    actions: Vec<ActionRow>,
    /// The viewer is the letter's department: the record form shows.
    may_record: bool,
    /// What was typed into a refused record.
    text: String,
    error: Option<String>,
}

fn document_page(state: &AppState, u: &CurrentUser, d: &Document, text: &str, error: Option<ApiError>) -> Response {
    let svc = &state.services.documents;
    let receives = svc.receives(&u.principal, d);
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    with_status(
        render(&DocumentPage {
            nav: Nav::new(u),
            doc: DocRow::new(d),
            kind: d.kind.title_zh(),
            paragraphs: d.content.paragraphs.clone(),
            fields: d.content.fields.clone(),
            unit_id: d.unit_id.clone(),
            unit_name: d.unit_name.clone(),
            hazard_id: d.hazard_id.clone().unwrap_or_default(),
            addressee: Addressee::of(d.kind).label_zh(),
            may_sign: d.receipt.is_none() && receives,
            referral: records_actions(d.kind),
            actions: d
                .actions
                .iter()
                .map(|a| ActionRow {
                    id: a.id.clone(),
                    by: a.recorded_by.clone(),
                    at: fmt_time(a.recorded_at),
                    text: a.text.clone(),
                })
                .collect(),
            may_record: records_actions(d.kind) && receives,
            text: text.to_string(),
            error: error.map(|e| e.message),
        }),
        status,
    )
}

/// `GET /documents/{id}`: the page shows the document's text, so the addressee's first opening
/// of it is the receipt, as the PDF's is.
pub async fn document(State(state): State<AppState>, UiUser(u): UiUser, Path(id): Path<String>) -> Response {
    match state.services.documents.open(&u.principal, &id).await {
        Ok(d) => document_page(&state, &u, &d, "", None),
        Err(e) => error_page(&u, e.into()),
    }
}

/// `POST /documents/{id}/actions`: `text`, the department's action record.
pub async fn record_action(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let svc = &state.services.documents;
    let text = field(&f, "text");
    match svc.record_action(&u.principal, &id, text).await {
        Ok(_) => Redirect::to(&format!("/documents/{id}#actions")).into_response(),
        Err(e) => {
            let e: ApiError = e.into();
            if e.code.http_status() == 400 {
                match svc.get(&u.principal, &id).await {
                    Ok(d) => document_page(&state, &u, &d, text, Some(e)),
                    Err(e2) => error_page(&u, e2.into()),
                }
            } else {
                error_page(&u, e)
            }
        }
    }
}
