//! The hazard list (by phase, class, unit) and recording a hazard by hand, or from an alert.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use neibao_domain::access::Permission;
use neibao_domain::paging::{Page, Sort};
use neibao_domain::supervision::ladder::{HazardClass, HazardSource, Phase};
use neibao_domain::supervision::{HazardFilter, HazardSort};
use neibao_engine::supervision::{HazardForm, HazardInput};
use serde::Deserialize;

use super::rows::HazardRow;
use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{field, status_of, with_status, Fields};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{export_href, total_label, Nav, Pager, SortHeader};

#[derive(Deserialize, Default)]
pub struct HazardsQuery {
    #[serde(default)]
    phase: String,
    #[serde(default)]
    open: String,
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    class: String,
    /// `deadline`, `created`, or either with a leading `-` (descending); anything else: the
    /// default order (nearest deadline first).
    #[serde(default)]
    sort: String,
    page: Option<u32>,
}

#[derive(Template)]
#[template(path = "supervision/hazards.html")]
struct HazardsPage {
    nav: Nav,
    hazards: Vec<HazardRow>,
    total: String,
    pager: Pager,
    phase: String,
    open: bool,
    class: String,
    unit_id: String,
    unit_name: String,
    phases: Vec<(&'static str, &'static str)>,
    classes: Vec<(&'static str, &'static str)>,
    may_report: bool,
    /// The order as understood (empty: the default), kept by the filter form.
    sort: String,
    sort_deadline: SortHeader,
    sort_created: SortHeader,
    /// 导出 Excel: this list's filters and order.
    export: String,
}

/// `GET /hazards`.
pub async fn hazards(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<HazardsQuery>) -> Response {
    let now = Utc::now();
    let sv = &state.services.supervision;
    let page = Page::new(q.page, Some(50));
    let filter = HazardFilter {
        unit_id: Some(q.unit_id.clone()).filter(|s| !s.is_empty()),
        phase: Phase::from_code(&q.phase),
        open_only: !q.open.is_empty(),
        inspection_id: None,
        class: HazardClass::from_code(&q.class),
        sort: Sort::parse(&q.sort),
    };
    let sort = filter.sort.map(|s: Sort<HazardSort>| s.param()).unwrap_or_default();
    let filters = [
        ("phase", q.phase.clone()),
        ("open", q.open.clone()),
        ("unit_id", q.unit_id.clone()),
        ("class", q.class.clone()),
    ];
    let mut with_sort = filters.to_vec();
    with_sort.push(("sort", sort.clone()));
    let mut with_page = filters.to_vec();
    with_page.push(("page", q.page.map(|p| p.to_string()).unwrap_or_default()));
    let header = |column| SortHeader::new("/hazards", &with_page, &sort, column);
    let unit_name = match &filter.unit_id {
        Some(id) => match sv.unit_name(&u.principal, id).await {
            Ok(name) => name,
            Err(e) => return error_page(&u, e.into()),
        },
        None => String::new(),
    };
    match sv.hazards(&u.principal, &filter, page).await {
        Ok(list) => render(&HazardsPage {
            nav: Nav::new(&u),
            export: export_href(
                "hazards",
                &[
                    ("unit_id", q.unit_id.clone()),
                    ("phase", filter.phase.map(|p| p.code().to_string()).unwrap_or_default()),
                    ("class", filter.class.map(|c| c.code().to_string()).unwrap_or_default()),
                    ("open", if filter.open_only { "true".into() } else { String::new() }),
                    ("sort", sort.clone()),
                ],
            ),
            hazards: list.items.iter().map(|h| HazardRow::new(h, now)).collect(),
            total: total_label(&list),
            pager: Pager::new("/hazards", &with_sort, page.page, page.per_page, list.total),
            sort_deadline: header("deadline"),
            sort_created: header("created"),
            open: !q.open.is_empty(),
            phase: q.phase,
            class: q.class,
            unit_id: q.unit_id,
            unit_name,
            phases: Phase::ALL.iter().map(|p| (p.code(), p.label_zh())).collect(),
            classes: [HazardClass::General, HazardClass::Major]
                .iter()
                .map(|c| (c.code(), c.label_zh()))
                .collect(),
            may_report: u.principal.can(Permission::Inspect),
            sort,
        }),
        Err(e) => error_page(&u, e.into()),
    }
}

#[derive(Template)]
#[template(path = "supervision/hazard_new.html")]
struct NewHazardPage {
    nav: Nav,
    unit_id: String,
    unit_name: String,
    error: Option<String>,
    title: String,
    description: String,
    class: String,
    source: String,
    /// The alert a hazard is made from (empty otherwise).
    source_id: String,
    sources: Vec<(&'static str, &'static str)>,
}

#[derive(Deserialize, Default)]
pub struct NewHazardQuery {
    #[serde(default)]
    unit_id: String,
    /// Turn this alert into a hazard (source 预警告警).
    #[serde(default)]
    alert_id: String,
}

const HAND_SOURCES: [HazardSource; 3] = [HazardSource::Report, HazardSource::Inspection, HazardSource::Assessment];

/// `GET /hazards/new`: the form, for a unit or from an alert.
pub async fn new_hazard(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<NewHazardQuery>) -> Response {
    let unit_id = if q.unit_id.is_empty() {
        u.principal.unit_id.clone().unwrap_or_default()
    } else {
        q.unit_id
    };
    let alert = Some(q.alert_id.as_str()).filter(|a| !a.is_empty());
    match state
        .services
        .supervision
        .hazard_form(&u.principal, &unit_id, alert)
        .await
    {
        Ok(form) => {
            let prefill: Fields = if form.alert_id.is_empty() {
                Fields::new()
            } else {
                vec![
                    ("title".into(), form.title.clone()),
                    ("source".into(), HazardSource::Alert.code().into()),
                    ("source_id".into(), form.alert_id.clone()),
                    ("description".into(), form.description.clone()),
                ]
            };
            new_hazard_page(&u, &form, None, &prefill)
        }
        Err(e) => error_page(&u, e.into()),
    }
}

fn new_hazard_page(u: &CurrentUser, form: &HazardForm, error: Option<ApiError>, f: &Fields) -> Response {
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    let page = render(&NewHazardPage {
        nav: Nav::new(u),
        unit_id: form.unit_id.clone(),
        unit_name: form.unit_name.clone(),
        error: error.map(|e| e.message),
        title: field(f, "title").to_string(),
        description: field(f, "description").to_string(),
        class: field(f, "class").to_string(),
        source: field(f, "source").to_string(),
        source_id: field(f, "source_id").to_string(),
        sources: if field(f, "source_id").is_empty() {
            HAND_SOURCES.iter().map(|s| (s.code(), s.label_zh())).collect()
        } else {
            vec![(HazardSource::Alert.code(), HazardSource::Alert.label_zh())]
        },
    });
    with_status(page, status)
}

/// `POST /hazards`: records a hazard by hand.
pub async fn create_hazard(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let sv = &state.services.supervision;
    let unit_id = field(&f, "unit_id").to_string();
    let input = HazardInput {
        unit_id: unit_id.clone(),
        title: field(&f, "title").to_string(),
        description: field(&f, "description").to_string(),
        class: HazardClass::from_code(field(&f, "class")).unwrap_or(HazardClass::General),
        source: if field(&f, "source_id").is_empty() {
            HazardSource::from_code(field(&f, "source"))
                .filter(|s| HAND_SOURCES.contains(s))
                .unwrap_or(HazardSource::Report)
        } else {
            HazardSource::Alert
        },
        // An alert id is checked against the caller's jurisdiction by the service.
        source_id: Some(field(&f, "source_id").to_string()).filter(|s| !s.is_empty()),
    };
    match sv.report_hazard(&u.principal, input).await {
        Ok(h) => Redirect::to(&format!("/hazards/{}", h.id)).into_response(),
        Err(e) => match sv.hazard_form(&u.principal, &unit_id, None).await {
            Ok(form) => new_hazard_page(&u, &form, Some(e.into()), &f),
            Err(e2) => error_page(&u, e2.into()),
        },
    }
}
