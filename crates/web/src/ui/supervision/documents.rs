//! Official documents (文书): `GET /documents`, the documents in the viewer's jurisdiction with
//! their delivery state (the addressee's receipt, 签收); `POST /documents/{id}/receipt`, the
//! addressee signs for one; `GET /documents/{id}/pdf`, the PDF (the addressee's first opening is
//! the receipt).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::documents::{Addressee, DocumentFilter};
use neibao_domain::paging::Page;
use serde::Deserialize;

use super::rows::DocRow;
use crate::api::documents::pdf_response;
use crate::extract::csrf::CsrfForm;
use crate::state::AppState;
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{total_label, Nav, Pager};

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
