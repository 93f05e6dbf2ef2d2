//! The supervision hub (监督检查): for the jurisdiction's side, campaigns with their progress,
//! the units due for inspection, overdue hazards, deadlines within a week and re-inspections
//! waiting, with the form launching a campaign; for a unit, its open hazards and inspections.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use neibao_domain::access::{Permission, Principal};
use neibao_domain::paging::{Listing, Page};
use neibao_domain::registry::UnitKind;
use neibao_domain::supervision::calendar::deadline_after_days;
use neibao_domain::supervision::credit::Grade;
use neibao_domain::supervision::ladder::Phase;
use neibao_domain::supervision::{Campaign, Hazard, HazardFilter, Inspection, InspectionFilter};
use neibao_engine::supervision::{CampaignInput, CampaignSelection, DueUnit};
use neibao_engine::ServiceResult;

use super::rows::{date_value, days_left, parse_date, CampaignRow, DueRow, HazardRow, InspectionRow, PageQuery};
use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{field, fields, status_of, with_status, Fields};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{total_label, Nav, Pager};

#[derive(Default)]
pub struct LaunchValues {
    title: String,
    description: String,
    due_date: String,
    division_prefix: String,
    kind: String,
    key_unit_only: bool,
    counter_terror_only: bool,
    university_only: bool,
    grades: Vec<String>,
}

#[derive(Template)]
#[template(path = "supervision/hub.html")]
struct HubPage {
    nav: Nav,
    jurisdiction: bool,
    may_launch: bool,
    campaigns: Vec<CampaignRow>,
    campaigns_total: String,
    pager: Pager,
    due: Vec<DueRow>,
    overdue: Vec<HazardRow>,
    soon: Vec<HazardRow>,
    recheck: Vec<HazardRow>,
    unit_id: String,
    unit_name: String,
    open_hazards: Vec<HazardRow>,
    inspections: Vec<InspectionRow>,
    may_self_inspect: bool,
    kinds: Vec<(&'static str, &'static str)>,
    /// (code, label, checked)
    grades: Vec<(&'static str, &'static str, bool)>,
    min_date: String,
    f: LaunchValues,
    error: Option<String>,
}

/// `GET /supervision`.
pub async fn hub(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<PageQuery>) -> Response {
    let f = LaunchValues {
        due_date: date_value(deadline_after_days(Utc::now(), 30)),
        ..Default::default()
    };
    hub_page(&state, &u, q.page, f, None).await
}

/// What the hub shows.
#[derive(Default)]
struct Loaded {
    campaigns: Option<Listing<Campaign>>,
    due: Vec<DueUnit>,
    overdue: Vec<Hazard>,
    soon: Vec<Hazard>,
    recheck: Vec<Hazard>,
    open: Vec<Hazard>,
    inspections: Vec<Inspection>,
}

async fn load(state: &AppState, who: &Principal, page: Page) -> ServiceResult<Loaded> {
    let now = Utc::now();
    let sv = &state.services.supervision;
    let hazards = |phase: Option<Phase>, per_page: u32| {
        let filter = HazardFilter {
            phase,
            open_only: phase.is_none(),
            ..Default::default()
        };
        async move { sv.hazards(who, &filter, Page::new(Some(1), Some(per_page))).await }
    };
    // Police, departments and administrators see supervision from the jurisdiction's side (the
    // roles that read the supervision settings); unit users see their unit's.
    if who.can(Permission::SupervisionSettingsRead) {
        Ok(Loaded {
            campaigns: Some(sv.campaigns(who, page).await?),
            due: sv.units_due(who, 50).await?,
            overdue: hazards(Some(Phase::Overdue), 50).await?.items,
            soon: hazards(Some(Phase::Rectifying), 200)
                .await?
                .items
                .into_iter()
                .filter(|h| h.deadline.is_some_and(|d| days_left(d, now) <= 7))
                .collect(),
            recheck: hazards(Some(Phase::RecheckPending), 50).await?.items,
            ..Default::default()
        })
    } else {
        Ok(Loaded {
            open: hazards(None, 100).await?.items,
            inspections: sv
                .inspections(who, InspectionFilter::default(), false, Page::new(Some(1), Some(30)))
                .await?
                .items,
            ..Default::default()
        })
    }
}

async fn hub_page(
    state: &AppState,
    u: &CurrentUser,
    page: Option<u32>,
    f: LaunchValues,
    error: Option<ApiError>,
) -> Response {
    let now = Utc::now();
    let who = &u.principal;
    let page = Page::new(page, Some(20));
    let loaded = match load(state, who, page).await {
        Ok(l) => l,
        Err(e) => return error_page(u, e.into()),
    };
    let (campaigns_total, pager, campaigns) = match &loaded.campaigns {
        Some(list) => (
            total_label(list),
            Pager::new("/supervision", &[], page.page, page.per_page, list.total),
            list.items.iter().map(CampaignRow::new).collect(),
        ),
        None => (String::new(), Pager::new("/supervision", &[], 1, 20, 0), Vec::new()),
    };
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    let page = render(&HubPage {
        nav: Nav::new(u),
        jurisdiction: who.can(Permission::SupervisionSettingsRead),
        may_launch: who.can(Permission::CampaignLaunch),
        campaigns,
        campaigns_total,
        pager,
        due: loaded.due.into_iter().map(DueRow::new).collect(),
        overdue: loaded.overdue.iter().map(|h| HazardRow::new(h, now)).collect(),
        soon: loaded.soon.iter().map(|h| HazardRow::new(h, now)).collect(),
        recheck: loaded.recheck.iter().map(|h| HazardRow::new(h, now)).collect(),
        unit_id: who.unit_id.clone().unwrap_or_default(),
        unit_name: who.unit_name.clone().unwrap_or_default(),
        open_hazards: loaded.open.iter().map(|h| HazardRow::new(h, now)).collect(),
        inspections: loaded.inspections.iter().map(|i| InspectionRow::new(i, now)).collect(),
        // A unit's own 自查: an inspector with a unit.
        may_self_inspect: who.can(Permission::Inspect) && who.unit_id.is_some(),
        kinds: UnitKind::ALL.iter().map(|k| (k.code(), k.label_zh())).collect(),
        grades: Grade::ALL
            .iter()
            .map(|g| (g.code(), g.label_zh(), f.grades.iter().any(|c| c == g.code())))
            .collect(),
        min_date: date_value(now + chrono::Duration::days(1)),
        f,
        error: error.map(|e| e.message),
    });
    with_status(page, status)
}

/// `POST /campaigns`: launches a campaign (专项检查) from the hub's form.
pub async fn launch(State(state): State<AppState>, UiUser(u): UiUser, CsrfForm(f): CsrfForm<Fields>) -> Response {
    let values = LaunchValues {
        title: field(&f, "title").to_string(),
        description: field(&f, "description").to_string(),
        due_date: field(&f, "due_date").to_string(),
        division_prefix: field(&f, "division_prefix").trim().to_string(),
        kind: field(&f, "kind").to_string(),
        key_unit_only: !field(&f, "key_unit_only").is_empty(),
        counter_terror_only: !field(&f, "counter_terror_only").is_empty(),
        university_only: !field(&f, "university_only").is_empty(),
        grades: fields(&f, "grades").into_iter().map(str::to_string).collect(),
    };
    let r = async {
        let due_date = parse_date(&values.due_date, "检查截止日期")?;
        let input = CampaignInput {
            title: values.title.clone(),
            description: values.description.clone(),
            selection: CampaignSelection {
                division_prefix: Some(values.division_prefix.clone()).filter(|p| !p.is_empty()),
                kind: Some(values.kind.clone()).filter(|k| UnitKind::from_code(k).is_some()),
                key_unit_only: values.key_unit_only,
                key_unit_category: None,
                counter_terror_only: values.counter_terror_only,
                university_only: values.university_only,
                grades: values.grades.iter().filter_map(|g| Grade::from_code(g)).collect(),
            },
            due_date,
            assignee_name: None,
        };
        Ok::<_, ApiError>(state.services.supervision.launch_campaign(&u.principal, input).await?)
    }
    .await;
    match r {
        Ok(c) => Redirect::to(&format!("/campaigns/{}", c.id)).into_response(),
        Err(e) => hub_page(&state, &u, None, values, Some(e)).await,
    }
}
