//! The list pages of `mod.rs`. A refused form shows the zh-CN error and keeps what was typed.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::paging::Page;
use neibao_domain::watchlists::{ListKind, PiaPurpose, PiaStatus, Watchlist, DEFAULT_THRESHOLD};
use neibao_engine::watchlists::{EntryDraft, WatchlistDraft};
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{field, refused_in_form, status_of, with_status, Fields, Sent};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_time, Nav, Pager};

/// A list as the pages show it.
pub struct ListRow {
    pub id: String,
    pub kind: String,
    pub face: bool,
    pub name: String,
    pub owner: String,
    pub legal_basis: String,
    pub expires_on: String,
    pub threshold: u8,
    pub active: bool,
    pub entries: i64,
}

fn row(l: &Watchlist) -> ListRow {
    ListRow {
        id: l.id.clone(),
        kind: l.kind.label_zh().to_string(),
        face: l.kind == ListKind::Face,
        name: l.name.clone(),
        owner: l.owner_name.clone(),
        legal_basis: l.legal_basis.clone(),
        expires_on: l.expires_on.format("%Y-%m-%d").to_string(),
        threshold: l.threshold,
        active: l.active,
        entries: l.entry_count,
    }
}

#[derive(Template)]
#[template(path = "watchlists/lists.html")]
struct ListsPage {
    nav: Nav,
    rows: Vec<ListRow>,
    sent: Sent,
    default_threshold: u8,
    error: Option<String>,
}

async fn lists_page(state: &AppState, u: &CurrentUser, sent: Sent, error: Option<ApiError>) -> Response {
    let rows = match state.services.watchlists.lists(&u.principal).await {
        Ok(l) => l.iter().map(row).collect(),
        Err(e) => return error_page(u, e.into()),
    };
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    with_status(
        render(&ListsPage {
            nav: Nav::new(u),
            rows,
            sent,
            default_threshold: DEFAULT_THRESHOLD,
            error: error.map(|e| e.message),
        }),
        status,
    )
}

/// `GET /watchlists`.
pub async fn index(State(state): State<AppState>, UiUser(u): UiUser) -> Response {
    lists_page(&state, &u, Sent::default(), None).await
}

fn draft(f: &Fields) -> WatchlistDraft {
    WatchlistDraft {
        kind: field(f, "kind").to_string(),
        name: field(f, "name").to_string(),
        legal_basis: field(f, "legal_basis").to_string(),
        expires_on: field(f, "expires_on").to_string(),
        threshold: field(f, "threshold").trim().parse().ok(),
    }
}

/// `POST /watchlists`: a new list.
pub async fn create(State(state): State<AppState>, UiUser(u): UiUser, CsrfForm(f): CsrfForm<Fields>) -> Response {
    match state.services.watchlists.create(&u.principal, draft(&f)).await {
        Ok(l) => Redirect::to(&format!("/watchlists/{}", l.id)).into_response(),
        Err(e) => {
            let e: ApiError = e.into();
            if refused_in_form(&e) {
                lists_page(&state, &u, Sent::new("create", &f), Some(e)).await
            } else {
                error_page(&u, e)
            }
        }
    }
}

/// An entry as the page shows it.
pub struct EntryRow {
    pub id: String,
    pub label: String,
    pub external: String,
    pub biometric: String,
    pub note: String,
    pub created: String,
}

#[derive(Template)]
#[template(path = "watchlists/list.html")]
struct ListPage {
    nav: Nav,
    l: ListRow,
    pias: Vec<(String, String)>,
    entries: Vec<EntryRow>,
    total: i64,
    pager: Pager,
    sent: Sent,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct PageQuery {
    page: Option<u32>,
}

async fn list_page(
    state: &AppState,
    u: &CurrentUser,
    id: &str,
    page: Option<u32>,
    sent: Sent,
    error: Option<ApiError>,
) -> Response {
    let svc = &state.services.watchlists;
    let l = match svc.list(&u.principal, id).await {
        Ok(l) => l,
        Err(e) => return error_page(u, e.into()),
    };
    let page = Page::new(page, Some(50));
    let listing = match svc.entries(&u.principal, id, page).await {
        Ok(x) => x,
        Err(e) => return error_page(u, e.into()),
    };
    let pias = svc
        .pias(&u.principal)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|p| p.status == PiaStatus::Approved && p.purpose == PiaPurpose::FaceWatchlist)
        .map(|p| (p.id, p.title))
        .collect();
    let entries = listing
        .items
        .iter()
        .map(|e| EntryRow {
            id: e.id.clone(),
            label: e.plate.clone().or_else(|| e.subject_name.clone()).unwrap_or_default(),
            external: e.external_subject_id.clone().unwrap_or_default(),
            biometric: match (e.has_photo, e.has_template) {
                (true, true) => "有照片和特征模板".into(),
                (true, false) => "有照片".into(),
                (false, true) => "有特征模板".into(),
                _ => String::new(),
            },
            note: e.note.clone(),
            created: fmt_time(e.created_at),
        })
        .collect();
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    with_status(
        render(&ListPage {
            nav: Nav::new(u),
            l: row(&l),
            pias,
            entries,
            total: listing.total,
            pager: Pager::new(
                &format!("/watchlists/{id}"),
                &[],
                listing.page,
                listing.per_page,
                listing.total,
            ),
            sent,
            error: error.map(|e| e.message),
        }),
        status,
    )
}

/// `GET /watchlists/{id}`.
pub async fn show(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    list_page(&state, &u, &id, q.page, Sent::default(), None).await
}

async fn after(
    state: &AppState,
    u: &CurrentUser,
    id: &str,
    form: &str,
    f: &Fields,
    r: Result<(), ApiError>,
) -> Response {
    match r {
        Ok(()) => Redirect::to(&format!("/watchlists/{id}")).into_response(),
        Err(e) if refused_in_form(&e) => list_page(state, u, id, None, Sent::new(form, f), Some(e)).await,
        Err(e) => error_page(u, e),
    }
}

/// `POST /watchlists/{id}`: name, basis, expiry, threshold.
pub async fn update(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let r = state.services.watchlists.update(&u.principal, &id, draft(&f)).await;
    after(&state, &u, &id, "edit", &f, r.map(|_| ()).map_err(ApiError::from)).await
}

/// `POST /watchlists/{id}/activate`: `pia_id` for a face list.
pub async fn activate(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let pia = Some(field(&f, "pia_id")).filter(|p| !p.is_empty());
    let r = state.services.watchlists.activate(&u.principal, &id, pia).await;
    after(&state, &u, &id, "activate", &f, r.map(|_| ()).map_err(ApiError::from)).await
}

/// `POST /watchlists/{id}/deactivate`.
pub async fn deactivate(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let r = state.services.watchlists.deactivate(&u.principal, &id).await;
    after(&state, &u, &id, "deactivate", &f, r.map(|_| ()).map_err(ApiError::from)).await
}

/// `POST /watchlists/{id}/entries`: one entry (plate, or name and subject id).
pub async fn add_entry(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let d = EntryDraft {
        plate: field(&f, "plate").to_string(),
        subject_name: field(&f, "subject_name").to_string(),
        external_subject_id: field(&f, "external_subject_id").to_string(),
        template: None,
        photo: None,
        note: field(&f, "note").to_string(),
    };
    let r = state.services.watchlists.add_entries(&u.principal, &id, vec![d]).await;
    after(&state, &u, &id, "entry", &f, r.map(|_| ()).map_err(ApiError::from)).await
}

/// `POST /watchlists/{id}/entries/{entry_id}/delete`.
pub async fn delete_entry(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path((id, entry_id)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let r = state
        .services
        .watchlists
        .delete_entry(&u.principal, &id, &entry_id)
        .await;
    after(&state, &u, &id, "delete", &f, r.map_err(ApiError::from)).await
}
