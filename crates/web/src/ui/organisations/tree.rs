//! `GET /organisations`: the caller's visible tree (nested lists, each node with its kind,
//! division, counts and link) and the form creating an organisation; `POST /organisations`
//! creates it. A refused form is shown again as typed, with the reason.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use neibao_engine::organisations::NewOrganisation;
use serde::Deserialize;

use super::rows::{kind_options, org_options, CreateForm, NodeRow, TreeRow};
use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{some_text, status_of, with_status};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::Nav;

#[derive(Deserialize, Default)]
pub struct TreeQuery {
    /// `1`: closed organisations too.
    #[serde(default)]
    closed: String,
}

#[derive(Template)]
#[template(path = "organisations/tree.html")]
struct TreePage {
    nav: Nav,
    rows: Vec<TreeRow>,
    /// Depth of the last row (the lists still open at the end).
    last_depth: usize,
    closed: bool,
    kinds: Vec<(&'static str, &'static str)>,
    parents: Vec<(String, String)>,
    form: CreateForm,
    error: Option<String>,
}

async fn tree_page(
    state: &AppState,
    u: &CurrentUser,
    closed: bool,
    form: CreateForm,
    error: Option<String>,
) -> Response {
    let svc = &state.services.organisations;
    match svc.tree(&u.principal, closed).await {
        Ok(nodes) => {
            let mut rows = Vec::with_capacity(nodes.len());
            let mut prev = 0usize;
            for (i, n) in nodes.iter().enumerate() {
                let depth = n.depth as usize;
                rows.push(TreeRow {
                    node: NodeRow::new(&n.node),
                    down: i > 0 && depth > prev,
                    ups: prev.saturating_sub(depth),
                });
                prev = depth;
            }
            let details: Vec<_> = nodes.into_iter().map(|n| n.node).collect();
            // A provincial department is only ever the top organisation, and there is one top
            // organisation: once the tree has any, the kind is not offered.
            let kinds = kind_options()
                .into_iter()
                .filter(|k| details.is_empty() || k.0 != "police_province")
                .collect();
            render(&TreePage {
                nav: Nav::new(u),
                rows,
                last_depth: prev,
                closed,
                kinds,
                parents: org_options(&details),
                form,
                error,
            })
        }
        Err(e) => error_page(u, e.into()),
    }
}

/// `GET /organisations` (`closed=1`: closed organisations too).
pub async fn page(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<TreeQuery>) -> Response {
    tree_page(&state, &u, q.closed == "1", CreateForm::default(), None).await
}

/// `POST /organisations`: creates the organisation and opens its page.
pub async fn create(State(state): State<AppState>, UiUser(u): UiUser, CsrfForm(f): CsrfForm<CreateForm>) -> Response {
    let input = NewOrganisation {
        name: f.name.clone(),
        kind: f.kind.clone(),
        division_code: f.division_code.clone(),
        parent_id: some_text(&f.parent_id),
        sector: some_text(&f.sector),
    };
    match state.services.organisations.create(&u.principal, input).await {
        Ok(o) => Redirect::to(&format!("/organisations/{}?done=created", o.org.id)).into_response(),
        Err(e) => {
            let e = ApiError::from(e);
            if e.code == neibao_domain::error::ErrorCode::Forbidden {
                return error_page(&u, e);
            }
            let status = status_of(&e);
            with_status(tree_page(&state, &u, false, f, Some(e.message)).await, status)
        }
    }
}
