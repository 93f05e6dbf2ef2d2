//! The PIA pages of `mod.rs`: the caller's organ's or unit's assessments, a new draft, one
//! assessment with its approval (by someone other than the drafter).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::access::Permission;
use neibao_domain::watchlists::{Pia, PiaPurpose, PiaStatus};
use neibao_engine::watchlists::PiaDraft;

use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{field, refused_in_form, status_of, with_status, Fields, Sent};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_time, Nav};

/// A PIA as the pages show it.
pub struct PiaRow {
    pub id: String,
    pub title: String,
    pub purpose: String,
    pub status: String,
    pub draft: bool,
    pub drafted: String,
    pub approved: String,
    pub keep_until: String,
    pub necessity: String,
    pub risks: String,
    pub safeguards: String,
}

fn row(p: &Pia) -> PiaRow {
    PiaRow {
        id: p.id.clone(),
        title: p.title.clone(),
        purpose: p.purpose.label_zh().to_string(),
        status: p.status.label_zh().to_string(),
        draft: p.status == PiaStatus::Draft,
        drafted: format!("{}（{}）", p.drafted_by_name, fmt_time(p.created_at)),
        approved: match (&p.approved_by_name, p.approved_at) {
            (Some(by), Some(at)) => format!("{by}（{}）", fmt_time(at)),
            _ => String::new(),
        },
        keep_until: fmt_time(p.keep_until),
        necessity: p.necessity.clone(),
        risks: p.risks.clone(),
        safeguards: p.safeguards.clone(),
    }
}

#[derive(Template)]
#[template(path = "watchlists/pias.html")]
struct PiasPage {
    nav: Nav,
    rows: Vec<PiaRow>,
    purposes: Vec<(&'static str, &'static str)>,
    sent: Sent,
    error: Option<String>,
}

async fn pias_page(state: &AppState, u: &CurrentUser, sent: Sent, error: Option<ApiError>) -> Response {
    let rows = match state.services.watchlists.pias(&u.principal).await {
        Ok(l) => l.iter().map(row).collect(),
        Err(e) => return error_page(u, e.into()),
    };
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    with_status(
        render(&PiasPage {
            nav: Nav::new(u),
            rows,
            purposes: PiaPurpose::ALL.iter().map(|p| (p.code(), p.label_zh())).collect(),
            sent,
            error: error.map(|e| e.message),
        }),
        status,
    )
}

/// `GET /pias`.
pub async fn index(State(state): State<AppState>, UiUser(u): UiUser) -> Response {
    pias_page(&state, &u, Sent::default(), None).await
}

/// `POST /pias`: a new draft.
pub async fn create(State(state): State<AppState>, UiUser(u): UiUser, CsrfForm(f): CsrfForm<Fields>) -> Response {
    let d = PiaDraft {
        purpose: field(&f, "purpose").to_string(),
        title: field(&f, "title").to_string(),
        necessity: field(&f, "necessity").to_string(),
        risks: field(&f, "risks").to_string(),
        safeguards: field(&f, "safeguards").to_string(),
    };
    match state.services.watchlists.draft_pia(&u.principal, d).await {
        Ok(p) => Redirect::to(&format!("/pias/{}", p.id)).into_response(),
        Err(e) => {
            let e: ApiError = e.into();
            if refused_in_form(&e) {
                pias_page(&state, &u, Sent::new("create", &f), Some(e)).await
            } else {
                error_page(&u, e)
            }
        }
    }
}

#[derive(Template)]
#[template(path = "watchlists/pia.html")]
struct PiaPage {
    nav: Nav,
    p: PiaRow,
    may_approve: bool,
    error: Option<String>,
}

async fn pia_page(state: &AppState, u: &CurrentUser, id: &str, error: Option<ApiError>) -> Response {
    let p = match state.services.watchlists.pia(&u.principal, id).await {
        Ok(p) => p,
        Err(e) => return error_page(u, e.into()),
    };
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    with_status(
        render(&PiaPage {
            nav: Nav::new(u),
            may_approve: u.principal.can(Permission::PiaApprove) && p.drafted_by != u.principal.user_id,
            p: row(&p),
            error: error.map(|e| e.message),
        }),
        status,
    )
}

/// `GET /pias/{id}`.
pub async fn show(State(state): State<AppState>, UiUser(u): UiUser, Path(id): Path<String>) -> Response {
    pia_page(&state, &u, &id, None).await
}

/// `POST /pias/{id}/approve`.
pub async fn approve(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(_f): CsrfForm<Fields>,
) -> Response {
    match state.services.watchlists.approve_pia(&u.principal, &id).await {
        Ok(_) => Redirect::to(&format!("/pias/{id}")).into_response(),
        Err(e) => {
            let e: ApiError = e.into();
            if refused_in_form(&e) {
                pia_page(&state, &u, &id, Some(e)).await
            } else {
                error_page(&u, e)
            }
        }
    }
}
