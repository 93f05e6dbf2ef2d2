//! `/designations` (the records of the jurisdiction), `/designations/{id}` (a record with its
//! history and the decide / reject / revoke forms for county-level and higher police) and
//! `POST /units/{id}/designations` (a proposal from the unit's filings page).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::access::Permission;
use neibao_domain::audit::actor_label;
use neibao_domain::designations::{Designation, DesignationFilter, DesignationKind, DesignationStatus};
use neibao_domain::paging::Page;
use neibao_engine::designations::{DecisionDraft, ProposalDraft};
use serde::Deserialize;

use super::pages::{unit_view, DesignationRow, OpenFields, ProposeFields};
use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{field, status_of, with_status, Fields};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_time, Nav, Pager};

#[derive(Template)]
#[template(path = "filings/designations.html")]
struct ListPage {
    nav: Nav,
    rows: Vec<DesignationRow>,
    total: i64,
    pager: Pager,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    page: Option<u32>,
}

/// `GET /designations[?page=]`.
pub async fn list(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<ListQuery>) -> Response {
    let r = async {
        let page = Page::checked(q.page, None)?;
        Ok::<_, ApiError>(
            state
                .services
                .designations
                .list(&u.principal, &DesignationFilter::default(), page)
                .await?,
        )
    }
    .await;
    let l = match r {
        Ok(l) => l,
        Err(e) => return error_page(&u, e),
    };
    render(&ListPage {
        nav: Nav::new(&u),
        rows: l.items.iter().map(DesignationRow::new).collect(),
        total: l.total,
        pager: Pager::new("/designations", &[], l.page, l.per_page, l.total),
    })
}

/// `POST /units/{id}/designations`: a proposal.
pub async fn propose(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<ProposeFields>,
) -> Response {
    let r = async {
        u.principal.require(Permission::DesignationPropose)?;
        let kind = DesignationKind::from_code(&f.kind).ok_or_else(|| ApiError::validation("请选择确定类别"))?;
        let category = match f.category.trim() {
            "" => None,
            c => Some(
                c.parse::<u8>()
                    .map_err(|_| ApiError::validation("请选择重点单位类别"))?,
            ),
        };
        let d = ProposalDraft {
            kind,
            category: if kind == DesignationKind::KeyUnit {
                category
            } else {
                None
            },
            grade: f.grade.clone(),
            reason: f.reason.clone(),
        };
        Ok::<_, ApiError>(state.services.designations.propose(&u.principal, &id, d).await?)
    }
    .await;
    match r {
        Ok(d) => Redirect::to(&format!("/designations/{}", d.id)).into_response(),
        Err(e) if e.code.http_status() == 400 => {
            unit_view(&state, &u, &id, OpenFields::default(), f, Some(e), None).await
        }
        Err(e) => error_page(&u, e),
    }
}

/// One step as shown.
pub struct StepRow {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub status: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "filings/designation.html")]
struct DetailPage {
    nav: Nav,
    d: Designation,
    row: DesignationRow,
    steps: Vec<StepRow>,
    may_decide: bool,
    proposed: bool,
    decided: bool,
    target: bool,
    today: String,
    typed: Fields,
    error: Option<String>,
}

async fn view(state: &AppState, u: &CurrentUser, id: &str, typed: Fields, error: Option<ApiError>) -> Response {
    let d = match state.services.designations.get(&u.principal, id).await {
        Ok(d) => d,
        Err(e) => return error_page(u, e.into()),
    };
    let steps = d
        .steps
        .iter()
        .map(|s| StepRow {
            at: fmt_time(s.at),
            actor: actor_label(&s.actor_name),
            action: s.action_label.clone(),
            status: DesignationStatus::from_code(&s.status)
                .map(|x| x.label_zh().to_string())
                .unwrap_or_default(),
            note: s.note.clone(),
        })
        .collect();
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    let page = render(&DetailPage {
        nav: Nav::new(u),
        row: DesignationRow::new(&d),
        steps,
        may_decide: u.principal.can(Permission::DesignationDecide),
        proposed: d.status == DesignationStatus::Proposed,
        decided: d.status == DesignationStatus::Decided,
        target: d.kind == DesignationKind::CounterTerror,
        today: neibao_engine::filings::beijing_today().to_string(),
        typed,
        error: error.map(|e| e.message),
        d,
    });
    with_status(page, status)
}

/// `GET /designations/{id}`.
pub async fn detail(State(state): State<AppState>, UiUser(u): UiUser, Path(id): Path<String>) -> Response {
    view(&state, &u, &id, Fields::new(), None).await
}

fn date(s: &str, label: &str) -> Result<chrono::NaiveDate, ApiError> {
    s.trim()
        .parse()
        .map_err(|_| ApiError::validation(format!("{label}应为日期，如 2026-01-31")))
}

/// `POST /designations/{id}`: `action` = `decide`, `reject` or `revoke`.
pub async fn act(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let version: i64 = field(&f, "version").parse().unwrap_or(0);
    let s = &state.services.designations;
    let p = &u.principal;
    let r = async {
        let draft = || -> Result<DecisionDraft, ApiError> {
            Ok(DecisionDraft {
                authority: field(&f, "authority").to_string(),
                document_number: field(&f, "document_number").to_string(),
                decided_on: date(field(&f, "decided_on"), "决定日期")?,
                notice_on: match field(&f, "notice_on").trim() {
                    "" => None,
                    v => Some(date(v, "告知日期")?),
                },
                note: field(&f, "note").to_string(),
            })
        };
        Ok::<_, ApiError>(match field(&f, "action") {
            "decide" => s.decide(p, &id, version, draft()?).await?,
            "reject" => s.reject(p, &id, version, field(&f, "note")).await?,
            "revoke" => s.revoke(p, &id, version, draft()?).await?,
            _ => return Err(ApiError::validation("未知的操作")),
        })
    }
    .await;
    match r {
        Ok(_) => Redirect::to(&format!("/designations/{id}")).into_response(),
        Err(e) if matches!(e.code.http_status(), 400 | 409) => view(&state, &u, &id, f, Some(e)).await,
        Err(e) => error_page(&u, e),
    }
}
