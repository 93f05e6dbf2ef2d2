//! The unit list (`GET /units`): search by name or USCC, division, key units, state (live ones
//! by default; closed units with 已注销).

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use neibao_domain::access::Permission;
use neibao_domain::paging::{Listing, Page, Sort};
use neibao_domain::registry::{StateFilter, Unit, UnitFilter, UnitSort};
use neibao_domain::validate::DivisionCode;
use serde::Deserialize;

use super::super::kit::{error_page, render, UiUser};
use super::super::views::{export_href, total_label, Nav, Pager, SortHeader};
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
    /// 在用/停用 (empty: live ones), `active`, `deactivated`, `closed` (注销) or `all`; anything
    /// else: live ones.
    #[serde(default)]
    state: String,
    /// `name`, `division`, or either with a leading `-` (descending); anything else: the
    /// default order.
    #[serde(default)]
    sort: String,
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
    state: String,
    may_register: bool,
    /// Police and administrators: the look-up by ID number.
    may_lookup: bool,
    pager: Pager,
    /// The order as understood (empty: the default), kept by the search form.
    sort: String,
    sort_name: SortHeader,
    sort_division: SortHeader,
    /// 导出 Excel: this list's filters.
    export: String,
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
        state: StateFilter::parse(Some(&q.state)).unwrap_or_default(),
        sort: Sort::parse(&q.sort),
    };
    let sort = filter.sort.map(|s: Sort<UnitSort>| s.param()).unwrap_or_default();
    let page = Page::new(q.page, Some(50));
    match state.services.registry.units(&u.principal, &filter, page).await {
        Ok(list) => {
            let filters = [
                ("q", q.q.clone()),
                ("division", q.division.clone()),
                ("key_unit", q.key_unit.clone()),
                ("state", q.state.clone()),
            ];
            let mut with_sort = filters.to_vec();
            with_sort.push(("sort", sort.clone()));
            let pager = Pager::new("/units", &with_sort, page.page, page.per_page, list.total);
            let mut with_page = filters.to_vec();
            with_page.push(("page", q.page.map(|p| p.to_string()).unwrap_or_default()));
            let header = |column| SortHeader::new("/units", &with_page, &sort, column);
            let export = export_href(
                "units",
                &[
                    ("q", q.q.trim().to_string()),
                    ("division", filter.division_prefix.clone().unwrap_or_default()),
                    (
                        "key_unit",
                        filter.is_key_unit.map(|k| k.to_string()).unwrap_or_default(),
                    ),
                ],
            );
            render(&UnitsPage {
                export,
                total: total_label(&list),
                nav: Nav::new(&u),
                may_register: u.principal.can(Permission::UnitRegister),
                may_lookup: u.principal.can(Permission::PersonLookup),
                list,
                q: q.q,
                division: q.division,
                key_unit: q.key_unit,
                state: q.state,
                pager,
                sort_name: header("name"),
                sort_division: header("division"),
                sort,
            })
        }
        Err(e) => error_page(&u, e.into()),
    }
}
