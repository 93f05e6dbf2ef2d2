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
use neibao_domain::supervision::dispatch::HandOut;
use neibao_domain::supervision::ladder::Phase;
use neibao_domain::supervision::{Campaign, Hazard, HazardFilter, Inspection, InspectionFilter};
use neibao_engine::supervision::{CampaignInput, CampaignSelection, DueUnit};
use neibao_engine::ServiceResult;

use super::rows::{date_value, days_left, parse_date, CampaignRow, DueRow, HazardRow, InspectionRow};
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
    /// `self` or `subordinates` (police only).
    hand_out: String,
}

#[derive(Template)]
#[template(path = "supervision/hub.html")]
struct HubPage {
    nav: Nav,
    jurisdiction: bool,
    may_launch: bool,
    /// Police launch for themselves or hand out to subordinates; departments only for themselves.
    may_hand_out: bool,
    /// The caller's own inspections (assigned to them, or their organisation's 待指派).
    mine: Vec<InspectionRow>,
    mine_total: i64,
    campaigns: Vec<CampaignRow>,
    campaigns_total: String,
    pager: Pager,
    due: Vec<DueRow>,
    due_total: i64,
    /// The due list's pager (its page number in `due_page`).
    due_pager: Pager,
    overdue: Vec<HazardRow>,
    overdue_total: i64,
    soon: Vec<HazardRow>,
    /// Every one of the first rows falls within the week: the full list is linked.
    soon_more: bool,
    recheck: Vec<HazardRow>,
    recheck_total: i64,
    /// Shown beside a section that lists only the first rows of a longer list.
    shown: usize,
    unit_id: String,
    unit_name: String,
    open_hazards: Vec<HazardRow>,
    open_total: i64,
    inspections: Vec<InspectionRow>,
    may_self_inspect: bool,
    /// 本局设置: only for whom may change the bureau's settings (county-level and higher police).
    may_configure: bool,
    kinds: Vec<(&'static str, &'static str)>,
    /// (code, label, checked)
    grades: Vec<(&'static str, &'static str, bool)>,
    min_date: String,
    f: LaunchValues,
    error: Option<String>,
}

/// The hub's two page numbers: campaigns (`page`) and units due (`due_page`).
#[derive(serde::Deserialize, Default, Clone, Copy)]
pub struct HubQuery {
    page: Option<u32>,
    due_page: Option<u32>,
}

/// Rows of the hub's short lists (overdue, re-inspection, a unit's open hazards): the full lists
/// are one link away on the hazard list, with their totals shown here.
const SHOWN: u32 = 50;
/// Rows per page of the campaigns and of the units due.
const PER_PAGE: u32 = 20;

/// `GET /supervision`.
pub async fn hub(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<HubQuery>) -> Response {
    let f = LaunchValues {
        due_date: date_value(deadline_after_days(Utc::now(), 30)),
        ..Default::default()
    };
    hub_page(&state, &u, q, f, None).await
}

/// What the hub shows.
#[derive(Default)]
struct Loaded {
    campaigns: Option<Listing<Campaign>>,
    mine: Option<Listing<Inspection>>,
    due: Option<Listing<DueUnit>>,
    overdue: Option<Listing<Hazard>>,
    soon: Vec<Hazard>,
    recheck: Option<Listing<Hazard>>,
    open: Option<Listing<Hazard>>,
    inspections: Vec<Inspection>,
}

async fn load(state: &AppState, who: &Principal, page: Page, due_page: Page) -> ServiceResult<Loaded> {
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
            // 我的检查: what the caller inspects, and what their organisation received unassigned.
            mine: match who.can(Permission::Inspect) {
                true => Some(
                    sv.inspections(who, InspectionFilter::default(), true, Page::new(Some(1), Some(SHOWN)))
                        .await?,
                ),
                false => None,
            },
            due: Some(sv.units_due_page(who, due_page).await?),
            overdue: Some(hazards(Some(Phase::Overdue), SHOWN).await?),
            // The nearest deadlines first: when all shown fall within the week, more may.
            soon: hazards(Some(Phase::Rectifying), SHOWN)
                .await?
                .items
                .into_iter()
                .filter(|h| h.deadline.is_some_and(|d| days_left(d, now) <= 7))
                .collect(),
            recheck: Some(hazards(Some(Phase::RecheckPending), SHOWN).await?),
            ..Default::default()
        })
    } else {
        Ok(Loaded {
            open: Some(hazards(None, SHOWN).await?),
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
    q: HubQuery,
    f: LaunchValues,
    error: Option<ApiError>,
) -> Response {
    let now = Utc::now();
    let who = &u.principal;
    let page = Page::new(q.page, Some(PER_PAGE));
    let due_page = Page::new(q.due_page, Some(PER_PAGE));
    let loaded = match load(state, who, page, due_page).await {
        Ok(l) => l,
        Err(e) => return error_page(u, e.into()),
    };
    let (campaigns_total, campaigns) = match &loaded.campaigns {
        Some(list) => (total_label(list), list.items.iter().map(CampaignRow::new).collect()),
        None => (String::new(), Vec::new()),
    };
    let total = |l: &Option<Listing<_>>| l.as_ref().map_or(0, |l: &Listing<Hazard>| l.total);
    let rows = |l: Option<Listing<Hazard>>| -> Vec<HazardRow> {
        l.map(|l| l.items.iter().map(|h| HazardRow::new(h, now)).collect())
            .unwrap_or_default()
    };
    // Each pager keeps the other list's page.
    let pager = Pager::named(
        "/supervision",
        &[("due_page", q.due_page.map(|p| p.to_string()).unwrap_or_default())],
        "page",
        page.page,
        page.per_page,
        loaded.campaigns.as_ref().map_or(0, |l| l.total),
    );
    let due_total = loaded.due.as_ref().map_or(0, |l| l.total);
    let due_pager = Pager::named(
        "/supervision",
        &[("page", q.page.map(|p| p.to_string()).unwrap_or_default())],
        "due_page",
        due_page.page,
        due_page.per_page,
        due_total,
    );
    let (overdue_total, recheck_total, open_total) =
        (total(&loaded.overdue), total(&loaded.recheck), total(&loaded.open));
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    let page = render(&HubPage {
        nav: Nav::new(u),
        jurisdiction: who.can(Permission::SupervisionSettingsRead),
        may_launch: who.can(Permission::CampaignLaunch),
        may_hand_out: who.can(Permission::CampaignLaunch) && who.role.is_police(),
        mine_total: loaded.mine.as_ref().map_or(0, |l| l.total),
        mine: loaded
            .mine
            .as_ref()
            .map(|l| l.items.iter().map(|i| InspectionRow::new(i, now)).collect())
            .unwrap_or_default(),
        campaigns,
        campaigns_total,
        pager,
        due: loaded
            .due
            .map(|l| l.items)
            .unwrap_or_default()
            .into_iter()
            .map(DueRow::new)
            .collect(),
        due_total,
        due_pager,
        overdue: rows(loaded.overdue),
        overdue_total,
        soon_more: loaded.soon.len() >= SHOWN as usize,
        soon: loaded.soon.iter().map(|h| HazardRow::new(h, now)).collect(),
        recheck: rows(loaded.recheck),
        recheck_total,
        shown: SHOWN as usize,
        unit_id: who.unit_id.clone().unwrap_or_default(),
        unit_name: who.unit_name.clone().unwrap_or_default(),
        open_hazards: rows(loaded.open),
        open_total,
        may_configure: who.can(Permission::BureauSettingsConfigure),
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
        hand_out: field(&f, "hand_out").to_string(),
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
            hand_out: match values.hand_out.as_str() {
                "" => HandOut::Own,
                code => HandOut::from_code(code).ok_or_else(|| ApiError::validation("请选择承办方式"))?,
            },
        };
        Ok::<_, ApiError>(state.services.supervision.launch_campaign(&u.principal, input).await?)
    }
    .await;
    match r {
        Ok(c) => Redirect::to(&format!("/campaigns/{}", c.id)).into_response(),
        Err(e) => hub_page(&state, &u, HubQuery::default(), values, Some(e)).await,
    }
}
