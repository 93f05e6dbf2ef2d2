//! `/filings` (the police list and the overdue list of the jurisdiction) and
//! `/units/{id}/filings` (a unit's filings and designations, the open-by-hand form for the unit's
//! manager, the proposal form for county-level and higher police).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::access::Permission;
use neibao_domain::designations::{Designation, DesignationFilter};
use neibao_domain::filings::{Filing, FilingFilter, FilingKind};
use neibao_domain::paging::{Listing, Page};
use neibao_domain::registry::KEY_UNIT_CATEGORIES;
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{status_of, with_status};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{Nav, Pager};

/// A filing as a row.
pub struct Row {
    pub id: String,
    pub kind: String,
    pub unit_id: String,
    pub unit_name: String,
    pub trigger_on: String,
    pub due_on: String,
    pub status: String,
    pub overdue: bool,
    pub on_time: String,
}

impl Row {
    pub fn new(f: &Filing) -> Row {
        Row {
            id: f.id.clone(),
            kind: f.kind_label.clone(),
            unit_id: f.unit_id.clone(),
            unit_name: f.unit_name.clone(),
            trigger_on: f.trigger_on.to_string(),
            due_on: f.due_on.map(|d| d.to_string()).unwrap_or_else(|| "无法定期限".into()),
            status: f.status_label.clone(),
            overdue: f.overdue,
            on_time: match f.on_time {
                Some(true) => "按期".into(),
                Some(false) => "逾期提交".into(),
                None => String::new(),
            },
        }
    }
}

#[derive(Template)]
#[template(path = "filings/list.html")]
struct ListPage {
    nav: Nav,
    overdue: Vec<Row>,
    overdue_total: i64,
    rows: Vec<Row>,
    total: i64,
    pager: Pager,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    page: Option<u32>,
}

/// `GET /filings[?page=]`: the overdue filings of the jurisdiction (first 100), then every
/// filing, paged. A unit's own accounts go to their unit's page.
pub async fn police_list(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<ListQuery>) -> Response {
    if let Some(unit) = &u.principal.unit_id {
        return Redirect::to(&format!("/units/{unit}/filings")).into_response();
    }
    let r = async {
        let page = Page::checked(q.page, None)?;
        let overdue = state
            .services
            .filings
            .overdue(&u.principal, Page { page: 1, per_page: 100 })
            .await?;
        let all = state
            .services
            .filings
            .list(&u.principal, &FilingFilter::default(), page)
            .await?;
        Ok::<_, ApiError>((overdue, all))
    }
    .await;
    let (overdue, all): (Listing<Filing>, Listing<Filing>) = match r {
        Ok(x) => x,
        Err(e) => return error_page(&u, e),
    };
    render(&ListPage {
        nav: Nav::new(&u),
        overdue: overdue.items.iter().map(Row::new).collect(),
        overdue_total: overdue.total,
        rows: all.items.iter().map(Row::new).collect(),
        total: all.total,
        pager: Pager::new("/filings", &[], all.page, all.per_page, all.total),
    })
}

/// A designation as a row.
pub struct DesignationRow {
    pub id: String,
    pub kind: String,
    pub detail: String,
    pub status: String,
    pub document: String,
    pub unit_id: String,
    pub unit_name: String,
    pub proposed_by: String,
}

impl DesignationRow {
    pub fn new(d: &Designation) -> DesignationRow {
        let detail = match d.category.and_then(neibao_domain::registry::key_unit_category_label) {
            Some(c) => format!("第{}类 {c}", d.category.unwrap_or_default()),
            None if !d.grade.is_empty() => format!("等级：{}", d.grade),
            None => String::new(),
        };
        DesignationRow {
            id: d.id.clone(),
            kind: d.kind_label.clone(),
            detail,
            status: d.status_label.clone(),
            document: match d.decided_on {
                Some(on) => format!("{} {}（{}）", d.deciding_authority, d.document_number, on),
                None => String::new(),
            },
            unit_id: d.unit_id.clone(),
            unit_name: d.unit_name.clone(),
            proposed_by: d.proposing_org_name.clone(),
        }
    }
}

/// The open-by-hand and proposal forms as sent.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct OpenFields {
    kind: String,
    trigger_date: String,
    source_ref: String,
}

/// The proposal form as sent.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ProposeFields {
    pub kind: String,
    pub category: String,
    pub grade: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "filings/unit.html")]
struct UnitPage {
    nav: Nav,
    unit_id: String,
    unit_name: String,
    rows: Vec<Row>,
    designations: Vec<DesignationRow>,
    may_open: bool,
    may_propose: bool,
    kinds: Vec<(&'static str, &'static str, &'static str)>,
    categories: Vec<(String, &'static str)>,
    form: OpenFields,
    proposal: ProposeFields,
    error: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct UnitQuery {
    done: String,
}

/// `GET /units/{id}/filings`.
pub async fn unit_page(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    Query(q): Query<UnitQuery>,
) -> Response {
    let notice = match q.done.as_str() {
        "opened" => Some("已立项，请填写并在期限内提交".to_string()),
        "proposed" => Some("已提议，待政府作出决定后登记".to_string()),
        _ => None,
    };
    unit_view(
        &state,
        &u,
        &id,
        OpenFields::default(),
        ProposeFields::default(),
        None,
        notice,
    )
    .await
}

/// Shows a unit's page, with a refused form's values and message.
pub async fn unit_view(
    state: &AppState,
    u: &CurrentUser,
    id: &str,
    form: OpenFields,
    proposal: ProposeFields,
    error: Option<ApiError>,
    notice: Option<String>,
) -> Response {
    let r = async {
        let unit = state.services.registry.unit(&u.principal, id).await?;
        let filings = state
            .services
            .filings
            .list(
                &u.principal,
                &FilingFilter {
                    unit_id: Some(id.to_string()),
                    ..Default::default()
                },
                Page { page: 1, per_page: 200 },
            )
            .await?;
        let designations = state
            .services
            .designations
            .list(
                &u.principal,
                &DesignationFilter {
                    unit_id: Some(id.to_string()),
                    ..Default::default()
                },
                Page { page: 1, per_page: 50 },
            )
            .await?;
        Ok::<_, ApiError>((unit, filings, designations))
    }
    .await;
    let (unit, filings, designations) = match r {
        Ok(x) => x,
        Err(e) => return error_page(u, e),
    };
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    let page = render(&UnitPage {
        nav: Nav::new(u),
        unit_id: unit.id.clone(),
        unit_name: unit.name.clone(),
        rows: filings.items.iter().map(Row::new).collect(),
        designations: designations.items.iter().map(DesignationRow::new).collect(),
        may_open: u.principal.can(Permission::FilingWrite),
        may_propose: u.principal.can(Permission::DesignationPropose),
        kinds: FilingKind::ALL
            .iter()
            .map(|k| (k.code(), k.label_zh(), k.rule_zh()))
            .collect(),
        categories: KEY_UNIT_CATEGORIES.iter().map(|(c, l)| (c.to_string(), *l)).collect(),
        form,
        proposal,
        error: error.map(|e| e.message),
        notice,
    });
    with_status(page, status)
}

/// `POST /units/{id}/filings`: opens a filing by hand (the unit's manager).
pub async fn open(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<OpenFields>,
) -> Response {
    let r = async {
        u.principal.require(Permission::FilingWrite)?;
        let kind = FilingKind::from_code(&f.kind).ok_or_else(|| ApiError::validation("请选择备案类别"))?;
        let date = f
            .trigger_date
            .trim()
            .parse()
            .map_err(|_| ApiError::validation("触发日期应为日期，如 2026-01-31"))?;
        Ok::<_, ApiError>(
            state
                .services
                .filings
                .open(&u.principal, &id, kind, date, Some(&f.source_ref))
                .await?,
        )
    }
    .await;
    match r {
        Ok((filing, _)) => Redirect::to(&format!("/filings/{}", filing.id)).into_response(),
        Err(e) if e.code.http_status() == 400 => {
            unit_view(&state, &u, &id, f, ProposeFields::default(), Some(e), None).await
        }
        Err(e) => error_page(&u, e),
    }
}
