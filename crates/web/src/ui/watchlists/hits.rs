//! The hit pages of `mod.rs`: the hits of the caller's lists, and one hit's human check with the
//! capture and the reference photo side by side (each read for a stated purpose, audited) and the
//! top candidates — never a bare name.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::paging::Page;
use neibao_domain::watchlists::{Hit, HitStatus, ListKind};
use neibao_engine::watchlists::{encode_base64, HitReview};
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{field, no_store, refused_in_form, status_of, with_status, Fields};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_time, Nav, Pager};

/// A hit as the pages show it.
pub struct HitRow {
    pub id: String,
    pub list: String,
    pub kind: String,
    pub unit: String,
    pub similarity: String,
    pub status: String,
    pub pending: bool,
    pub at: String,
    pub reviewed: String,
    pub note: String,
    pub alert_id: String,
}

fn similarity(s: Option<f32>) -> String {
    s.map(|s| format!("{s:.1}%")).unwrap_or_else(|| "精确匹配".into())
}

fn row(h: &Hit) -> HitRow {
    HitRow {
        id: h.id.clone(),
        list: h.watchlist_name.clone(),
        kind: h.kind.label_zh().to_string(),
        unit: h.unit_name.clone(),
        similarity: similarity(h.similarity),
        status: h.status.label_zh().to_string(),
        pending: h.status == HitStatus::Pending,
        at: fmt_time(h.created_at),
        reviewed: match (&h.reviewed_by, h.reviewed_at) {
            (Some(by), Some(at)) => format!("{by}（{}）", fmt_time(at)),
            _ => String::new(),
        },
        note: h.review_note.clone(),
        alert_id: h.alert_id.clone().unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "watchlists/hits.html")]
struct HitsPage {
    nav: Nav,
    rows: Vec<HitRow>,
    status: String,
    pager: Pager,
}

#[derive(Deserialize)]
pub struct HitsQuery {
    status: Option<String>,
    page: Option<u32>,
}

/// `GET /watchlist-hits`: newest first, optionally of one status.
pub async fn index(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<HitsQuery>) -> Response {
    let status = q.status.as_deref().and_then(HitStatus::from_code);
    let page = Page::new(q.page, Some(50));
    let listing = match state.services.watchlists.hits(&u.principal, status, page).await {
        Ok(l) => l,
        Err(e) => return error_page(&u, e.into()),
    };
    let code = status.map(|s| s.code().to_string()).unwrap_or_default();
    let params: Vec<(&str, String)> = if code.is_empty() {
        vec![]
    } else {
        vec![("status", code.clone())]
    };
    render(&HitsPage {
        nav: Nav::new(&u),
        rows: listing.items.iter().map(row).collect(),
        pager: Pager::new(
            "/watchlist-hits",
            &params,
            listing.page,
            listing.per_page,
            listing.total,
        ),
        status: code,
    })
}

/// A candidate as the review page shows it.
pub struct CandidateRow {
    pub rank: usize,
    pub label: String,
    pub subject: String,
    pub similarity: String,
    pub on_list: bool,
}

#[derive(Template)]
#[template(path = "watchlists/hit.html")]
struct HitPage {
    nav: Nav,
    h: HitRow,
    face: bool,
    candidates: Vec<CandidateRow>,
    purpose: String,
    capture: String,
    capture_note: String,
    reference: String,
    reference_note: String,
    note: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct PurposeQuery {
    purpose: Option<String>,
}

async fn hit_page(
    state: &AppState,
    u: &CurrentUser,
    id: &str,
    purpose: Option<&str>,
    sent: &Fields,
    error: Option<ApiError>,
) -> Response {
    let svc = &state.services.watchlists;
    let h = match svc.hit(&u.principal, id).await {
        Ok(h) => h,
        Err(e) => return error_page(u, e.into()),
    };
    let (mut capture, mut capture_note, mut reference, mut reference_note) =
        (String::new(), String::new(), String::new(), String::new());
    let purpose = purpose.map(str::trim).filter(|p| !p.is_empty());
    if let Some(p) = purpose {
        // Each picture read for the stated purpose, audited by its service.
        match state.services.events.image(&u.principal, &h.event_id, 1, Some(p)).await {
            Ok(pic) => {
                capture = format!("data:{};base64,{}", pic.safe_content_type(), encode_base64(&pic.bytes));
            }
            Err(e) => {
                let e: ApiError = e.into();
                capture_note = if e.code.http_status() == 404 {
                    "设备未上传抓拍图片，或图片已按保存期限删除".into()
                } else {
                    e.message
                };
            }
        }
        if h.kind == ListKind::Face {
            match svc.entry_photo(&u.principal, &h.watchlist_id, &h.entry_id, p).await {
                Ok(b) => {
                    reference = format!(
                        "data:{};base64,{}",
                        crate::api::watchlists::photo_type(&b),
                        encode_base64(&b)
                    );
                }
                Err(_) => reference_note = "该布控对象没有布控照片".into(),
            }
        }
    }
    let candidates = h
        .candidates
        .iter()
        .enumerate()
        .map(|(i, c)| CandidateRow {
            rank: i + 1,
            label: c.label.clone().unwrap_or_else(|| "（不在本布控名单）".into()),
            subject: c.subject.clone(),
            similarity: similarity(c.similarity),
            on_list: c.entry_id.is_some(),
        })
        .collect();
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    no_store(with_status(
        render(&HitPage {
            nav: Nav::new(u),
            face: h.kind == ListKind::Face,
            h: row(&h),
            candidates,
            purpose: purpose.unwrap_or("").to_string(),
            capture,
            capture_note,
            reference,
            reference_note,
            note: field(sent, "note").to_string(),
            error: error.map(|e| e.message),
        }),
        status,
    ))
}

/// `GET /watchlist-hits/{id}` (`?purpose=…` shows the two pictures).
pub async fn show(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    Query(q): Query<PurposeQuery>,
) -> Response {
    hit_page(&state, &u, &id, q.purpose.as_deref(), &Vec::new(), None).await
}

/// `POST /watchlist-hits/{id}`: `decision` (confirm / reject) and `note`.
pub async fn review(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let r = HitReview {
        decision: field(&f, "decision").to_string(),
        note: field(&f, "note").to_string(),
    };
    match state.services.watchlists.review(&u.principal, &id, r).await {
        Ok(_) => Redirect::to(&format!("/watchlist-hits/{id}")).into_response(),
        Err(e) => {
            let e: ApiError = e.into();
            if refused_in_form(&e) {
                hit_page(&state, &u, &id, None, &f, Some(e)).await
            } else {
                error_page(&u, e)
            }
        }
    }
}
