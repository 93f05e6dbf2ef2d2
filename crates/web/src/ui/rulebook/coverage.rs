//! `GET /rulebook`: the units in the user's jurisdiction with how many of the nine subjects of
//! Decree 421 Art 8 their rules cover, fewest first, optionally only the incomplete ones, paged.
//! A unit's own accounts go straight to their unit's page.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::paging::{Listing, Page};
use neibao_domain::rulebook::UnitCoverage;
use serde::Deserialize;

use crate::state::AppState;
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{Nav, Pager};

#[derive(Template)]
#[template(path = "rulebook/coverage.html")]
struct CoveragePage {
    nav: Nav,
    list: Listing<UnitCoverage>,
    incomplete: bool,
    pager: Pager,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CoverageQuery {
    incomplete: String,
    page: Option<u32>,
}

/// `GET /rulebook[?incomplete=1][&page=]`.
pub async fn coverage(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<CoverageQuery>) -> Response {
    if let Some(unit) = &u.principal.unit_id {
        return Redirect::to(&format!("/units/{unit}/rulebook")).into_response();
    }
    let incomplete = !q.incomplete.is_empty() && q.incomplete != "0";
    let page = match Page::checked(q.page, None) {
        Ok(p) => p,
        Err(e) => return error_page(&u, e.into()),
    };
    let list = match state.services.rulebook.coverage(&u.principal, incomplete, page).await {
        Ok(l) => l,
        Err(e) => return error_page(&u, e.into()),
    };
    let params = [("incomplete", if incomplete { "1".to_string() } else { String::new() })];
    let pager = Pager::new("/rulebook", &params, list.page, list.per_page, list.total);
    render(&CoveragePage {
        nav: Nav::new(&u),
        list,
        incomplete,
        pager,
    })
}
