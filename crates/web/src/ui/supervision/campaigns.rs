//! A campaign's page: its progress, its progress per organisation holding its inspections
//! (承办单位) with the 下发下级 and 指派检查人 forms for whoever may use them, and its inspections.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use neibao_domain::paging::Page;
use neibao_domain::supervision::dispatch::OrgProgress;
use neibao_engine::supervision::{AssignAllInput, HandOutInput};
use serde::Deserialize;

use super::rows::{CampaignRow, InspectionRow};
use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{field, status_of, with_status, Fields, Sent};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{total_label, Nav, Pager};

/// One organisation's row: its progress and, when the viewer may act for it, its officers.
struct OrgRow {
    org_id: String,
    name: String,
    p: OrgProgress,
    /// The viewer may hand out and assign for this organisation.
    may: bool,
    /// A police station has no subordinates to hand out to.
    station: bool,
    /// (user id, name, chosen in the refused form)
    officers: Vec<(String, String, bool)>,
}

#[derive(Template)]
#[template(path = "supervision/campaign.html")]
struct CampaignPage {
    nav: Nav,
    c: CampaignRow,
    orgs: Vec<OrgRow>,
    /// Some row has forms (the column is shown).
    any_may: bool,
    inspections: Vec<InspectionRow>,
    total: String,
    pager: Pager,
    notice: String,
    error: Option<String>,
}

/// The campaign page's query: its page number and the notice after a form.
#[derive(Deserialize, Default)]
pub struct CampaignQuery {
    page: Option<u32>,
    #[serde(default)]
    done: String,
}

/// `GET /campaigns/{id}`.
pub async fn campaign(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    Query(q): Query<CampaignQuery>,
) -> Response {
    let notice = match q.done.as_str() {
        "hand_out" => "已将待指派的检查下发给下级单位",
        "assign" => "已指派检查人",
        _ => "",
    };
    campaign_page(&state, &u, &id, q.page, notice, Sent::default(), None).await
}

async fn campaign_page(
    state: &AppState,
    u: &CurrentUser,
    id: &str,
    page_no: Option<u32>,
    notice: &str,
    sent: Sent,
    error: Option<ApiError>,
) -> Response {
    let now = Utc::now();
    let page = Page::new(page_no, Some(50));
    let sv = &state.services.supervision;
    let (c, list) = match sv.campaign_with_inspections(&u.principal, id, page).await {
        Ok(r) => r,
        Err(e) => return error_page(u, e.into()),
    };
    let org_ids: Vec<String> = c.by_organisation.iter().filter_map(|o| o.org_id.clone()).collect();
    let (may, officers) = match sv.dispatch_options(&u.principal, &org_ids).await {
        Ok(r) => r,
        Err(e) => return error_page(u, e.into()),
    };
    let orgs: Vec<OrgRow> = c
        .by_organisation
        .iter()
        .map(|o| {
            let org_id = o.org_id.clone().unwrap_or_default();
            let form = format!("assign:{org_id}");
            OrgRow {
                may: may.contains(&org_id),
                station: o.org_kind.as_deref() == Some("police_station"),
                officers: officers
                    .iter()
                    .filter(|x| x.org_id == org_id)
                    .map(|x| {
                        (
                            x.user_id.clone(),
                            x.display_name.clone(),
                            sent.chose(&form, "user_id", &x.user_id),
                        )
                    })
                    .collect(),
                name: if o.org_name.is_empty() {
                    "未记录承办单位".into()
                } else {
                    o.org_name.clone()
                },
                org_id,
                p: o.clone(),
            }
        })
        .collect();
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    let page = render(&CampaignPage {
        nav: Nav::new(u),
        c: CampaignRow::new(&c.campaign),
        any_may: orgs.iter().any(|o| o.may && o.p.unassigned > 0),
        orgs,
        inspections: list.items.iter().map(|i| InspectionRow::new(i, now)).collect(),
        total: total_label(&list),
        pager: Pager::new(&format!("/campaigns/{id}"), &[], page.page, page.per_page, list.total),
        notice: notice.to_string(),
        error: error.map(|e| e.message),
    });
    with_status(page, status)
}

/// `POST /campaigns/{id}/hand_out`: hands an organisation's unassigned inspections of the
/// campaign to its direct subordinates (下发下级).
pub async fn hand_out(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let input = HandOutInput {
        org_id: Some(field(&f, "org_id").to_string()).filter(|s| !s.is_empty()),
    };
    match state.services.supervision.hand_out(&u.principal, &id, input).await {
        Ok(_) => Redirect::to(&format!("/campaigns/{id}?done=hand_out")).into_response(),
        Err(e) => {
            let sent = Sent::new(&format!("hand_out:{}", field(&f, "org_id")), &f);
            campaign_page(&state, &u, &id, None, "", sent, Some(e.into())).await
        }
    }
}

/// `POST /campaigns/{id}/assign`: assigns an organisation's unassigned inspections of the
/// campaign to one of its officers (指派检查人).
pub async fn assign(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let input = AssignAllInput {
        org_id: Some(field(&f, "org_id").to_string()).filter(|s| !s.is_empty()),
        user_id: field(&f, "user_id").to_string(),
    };
    match state
        .services
        .supervision
        .assign_campaign(&u.principal, &id, input)
        .await
    {
        Ok(_) => Redirect::to(&format!("/campaigns/{id}?done=assign")).into_response(),
        Err(e) => {
            let sent = Sent::new(&format!("assign:{}", field(&f, "org_id")), &f);
            campaign_page(&state, &u, &id, None, "", sent, Some(e.into())).await
        }
    }
}
