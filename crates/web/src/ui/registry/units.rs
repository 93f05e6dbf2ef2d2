//! The unit list (`GET /units`): search by name or USCC, division, key units.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use neibao_domain::access::Permission;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::registry::{Unit, UnitFilter};
use neibao_domain::validate::DivisionCode;
use serde::Deserialize;

use super::super::kit::{error_page, render, UiUser};
use super::super::views::{total_label, Nav, Pager};
use crate::state::AppState;

#[derive(Deserialize, Default)]
pub struct UnitsQuery {
    #[serde(default)]
    q: String,
    /// A division code (6 or 9 digits) or a prefix.
    #[serde(default)]
    division: String,
    #[serde(default)]
    key_unit: String,
    page: Option<u32>,
}

#[derive(Template)]
#[template(path = "registry/units.html")]
struct UnitsPage {
    nav: Nav,
    total: String,
    list: Listing<Unit>,
    q: String,
    division: String,
    key_unit: String,
    may_register: bool,
    /// Police and administrators: the look-up by ID number.
    may_lookup: bool,
    pager: Pager,
}

pub async fn units(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<UnitsQuery>) -> Response {
    let prefix = match DivisionCode::parse(&q.division) {
        Ok(code) => Some(code.scope_prefix().to_string()),
        Err(_) => {
            Some(q.division.trim().to_string()).filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        }
    };
    let filter = UnitFilter {
        q: Some(q.q.clone()),
        division_prefix: prefix,
        is_key_unit: q.key_unit.parse().ok(),
        kind: None,
    };
    let page = Page::new(q.page, Some(50));
    match state.services.registry.units(&u.principal, &filter, page).await {
        Ok(list) => {
            let pager = Pager::new(
                "/units",
                &[
                    ("q", q.q.clone()),
                    ("division", q.division.clone()),
                    ("key_unit", q.key_unit.clone()),
                ],
                page.page,
                page.per_page,
                list.total,
            );
            render(&UnitsPage {
                total: total_label(&list),
                nav: Nav::new(&u),
                may_register: u.principal.can(Permission::UnitRegister),
                may_lookup: u.principal.can(Permission::PersonLookup),
                list,
                q: q.q,
                division: q.division,
                key_unit: q.key_unit,
                pager,
            })
        }
        Err(e) => error_page(&u, e.into()),
    }
}
