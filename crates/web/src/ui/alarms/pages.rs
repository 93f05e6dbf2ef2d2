//! The pages of `mod.rs`. The phone page (390×844) is one big red button that sends at once
//! (scenario 其他突发事件 unless one was chosen below it), the optional scenario, key area and
//! note, and a separate drill button; a refused press shows the zh-CN error and keeps what was
//! chosen. A double tap (the same account within 60 seconds) opens the same alarm.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::access::Permission;
use neibao_domain::alarms::{duration_zh, AlarmCounts, AlarmFilter};
use neibao_domain::emergency::Scenario;
use neibao_domain::paging::Page;
use neibao_engine::alarms::{AlarmView, RaiseInput};
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{field, local_input, parse_local, status_of, with_status, Fields};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_time, Nav, Pager};

/// An alarm as a row or page shows it.
pub struct Row {
    pub id: String,
    pub drill: bool,
    pub unit_id: String,
    pub unit_name: String,
    pub scenario: String,
    pub key_area: String,
    pub caller: String,
    pub source: String,
    pub note: String,
    pub raised_at: String,
    pub alert_id: String,
    pub status: String,
    pub acknowledged: String,
    pub to_acknowledge: String,
    pub escalated: String,
    pub arrived: String,
    pub to_arrive: String,
    pub arrival_by: String,
    pub arrival_note: String,
    pub plan_link: String,
}

fn row(v: &AlarmView) -> Row {
    let a = &v.alarm;
    Row {
        id: a.id.clone(),
        drill: a.drill,
        unit_id: a.unit_id.clone(),
        unit_name: a.unit_name.clone(),
        scenario: a.scenario.label_zh().to_string(),
        key_area: a.key_area_name.clone().unwrap_or_default(),
        caller: a.caller_name.clone(),
        source: a.source.label_zh().to_string(),
        note: a.note.clone(),
        raised_at: fmt_time(a.raised_at),
        alert_id: a.alert_id.clone().unwrap_or_default(),
        status: match a.alert_status.as_deref() {
            Some("open") => "待确认",
            Some("acknowledged") => "已确认",
            Some("resolved") => "已解除",
            _ => "待确认",
        }
        .to_string(),
        acknowledged: match (&a.acknowledged_by, a.acknowledged_at) {
            (Some(by), Some(at)) => format!("{by} 于 {}", fmt_time(at)),
            (None, Some(at)) => fmt_time(at),
            _ => String::new(),
        },
        to_acknowledge: v.seconds_to_acknowledge.map(duration_zh).unwrap_or_default(),
        escalated: match &a.escalated_to {
            Some(to) if a.escalation_level > 0 => format!("未及时确认，已升级至{to}（第{}级）", a.escalation_level),
            _ => String::new(),
        },
        arrived: a.arrived_at.map(fmt_time).unwrap_or_default(),
        to_arrive: v.seconds_to_arrive.map(duration_zh).unwrap_or_default(),
        arrival_by: a.arrival_by.clone().unwrap_or_default(),
        arrival_note: a.arrival_note.clone(),
        plan_link: v.plan_link.clone(),
    }
}

#[derive(Template)]
#[template(path = "alarms/phone.html")]
struct PhonePage {
    nav: Nav,
    unit_id: String,
    unit_name: String,
    may_raise: bool,
    scenarios: Vec<(&'static str, &'static str)>,
    areas: Vec<(String, String)>,
    scenario: String,
    key_area_id: String,
    note: String,
    recent: Vec<Row>,
    error: Option<String>,
}

async fn phone_page(
    state: &AppState,
    u: &CurrentUser,
    unit_id: &str,
    sent: &Fields,
    error: Option<ApiError>,
) -> Response {
    let svc = &state.services.alarms;
    let (unit_name, areas) = match svc.unit_for_alarm(&u.principal, unit_id).await {
        Ok(x) => x,
        Err(e) => return error_page(u, e.into()),
    };
    let f = AlarmFilter {
        unit_id: Some(unit_id.to_string()),
        ..Default::default()
    };
    let recent = match svc.list(&u.principal, &f, Page { page: 1, per_page: 5 }).await {
        Ok(l) => l.items.iter().map(row).collect(),
        Err(e) => return error_page(u, e.into()),
    };
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    with_status(
        render(&PhonePage {
            nav: Nav::new(u),
            unit_id: unit_id.to_string(),
            unit_name,
            may_raise: u.principal.can(Permission::AlarmRaise),
            scenarios: Scenario::ALL.iter().map(|s| (s.code(), s.label_zh())).collect(),
            areas: areas.into_iter().map(|k| (k.id, k.name)).collect(),
            scenario: field(sent, "scenario").to_string(),
            key_area_id: field(sent, "key_area_id").to_string(),
            note: field(sent, "note").to_string(),
            recent,
            error: error.map(|e| e.message),
        }),
        status,
    )
}

/// `GET /units/{id}/alarm`.
pub async fn phone(State(state): State<AppState>, UiUser(u): UiUser, Path(id): Path<String>) -> Response {
    phone_page(&state, &u, &id, &Vec::new(), None).await
}

/// `POST /units/{id}/alarm`: `scenario`, `key_area_id`, `note` (all optional), `drill` (`1`: the
/// drill button).
pub async fn raise(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let input = RaiseInput {
        scenario: Some(field(&f, "scenario").to_string()),
        key_area_id: Some(field(&f, "key_area_id").to_string()),
        note: Some(field(&f, "note").to_string()),
        drill: field(&f, "drill") == "1",
    };
    match state.services.alarms.raise(&u.principal, &id, input).await {
        Ok((a, new)) => Redirect::to(&format!(
            "/alarms/{}?done={}",
            a.alarm.id,
            if new { "raised" } else { "again" }
        ))
        .into_response(),
        Err(e) => {
            let e: ApiError = e.into();
            if e.code.http_status() == 400 || e.code.http_status() == 409 {
                phone_page(&state, &u, &id, &f, Some(e)).await
            } else {
                error_page(&u, e)
            }
        }
    }
}

#[derive(Template)]
#[template(path = "alarms/alarm.html")]
struct AlarmPage {
    nav: Nav,
    a: Row,
    may_respond: bool,
    may_raise: bool,
    arrived_input: String,
    arrival_note: String,
    notice: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AlarmQuery {
    done: String,
}

fn alarm_page(
    u: &CurrentUser,
    v: &AlarmView,
    sent: &Fields,
    notice: Option<String>,
    error: Option<ApiError>,
) -> Response {
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    let mut nav = Nav::new(u);
    if v.alarm.arrived_at.is_none() {
        // Until the police arrive the page follows the acknowledgement and escalation.
        nav.autorefresh = 30;
    }
    let arrived_input = match field(sent, "arrived_at") {
        "" => local_input(chrono::Utc::now()),
        s => s.to_string(),
    };
    with_status(
        render(&AlarmPage {
            nav,
            a: row(v),
            may_respond: u.principal.can(Permission::AlarmRespond) && v.alarm.arrived_at.is_none(),
            may_raise: u.principal.can(Permission::AlarmRaise),
            arrived_input,
            arrival_note: field(sent, "note").to_string(),
            notice,
            error: error.map(|e| e.message),
        }),
        status,
    )
}

/// `GET /alarms/{id}`.
pub async fn alarm(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    Query(q): Query<AlarmQuery>,
) -> Response {
    let notice = match q.done.as_str() {
        "raised" => Some("报警已发出，值班派出所已收到。请保持电话畅通，先期处置，注意自身安全。".to_string()),
        "again" => Some("刚才已发出报警，这是同一次报警（未重复发送）。".to_string()),
        "arrived" => Some("已登记民警到场".to_string()),
        _ => None,
    };
    match state.services.alarms.get(&u.principal, &id).await {
        Ok(v) => alarm_page(&u, &v, &Vec::new(), notice, None),
        Err(e) => error_page(&u, e.into()),
    }
}

/// `POST /alarms/{id}/arrival`: `arrived_at` (Beijing `datetime-local`, empty: now), `note`.
pub async fn arrival(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let svc = &state.services.alarms;
    let r = async {
        let at = match field(&f, "arrived_at").trim() {
            "" => None,
            s => Some(parse_local(s, "到场时间")?),
        };
        Ok::<_, ApiError>(svc.record_arrival(&u.principal, &id, at, field(&f, "note")).await?)
    }
    .await;
    match r {
        Ok(_) => Redirect::to(&format!("/alarms/{id}?done=arrived")).into_response(),
        Err(e) if matches!(e.code.http_status(), 400 | 409) => match svc.get(&u.principal, &id).await {
            Ok(v) => alarm_page(&u, &v, &f, None, Some(e)),
            Err(e2) => error_page(&u, e2.into()),
        },
        Err(e) => error_page(&u, e),
    }
}

#[derive(Template)]
#[template(path = "alarms/list.html")]
struct ListPage {
    nav: Nav,
    rows: Vec<Row>,
    total: i64,
    drill: String,
    counts: AlarmCounts,
    mean_ack: String,
    mean_arrive: String,
    pager: Pager,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    /// `real`, `drill`, or empty (both).
    drill: String,
    page: Option<u32>,
}

/// `GET /emergency/alarms`: recent alarms in the jurisdiction with their times; drills apart.
pub async fn list(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<ListQuery>) -> Response {
    let svc = &state.services.alarms;
    let page = Page::checked(q.page, Some(50)).unwrap_or(Page { page: 1, per_page: 50 });
    let f = AlarmFilter {
        unit_id: None,
        drill: match q.drill.as_str() {
            "real" => Some(false),
            "drill" => Some(true),
            _ => None,
        },
        since: None,
    };
    let l = match svc.list(&u.principal, &f, page).await {
        Ok(l) => l,
        Err(e) => return error_page(&u, e.into()),
    };
    let counts = match svc.counts(&u.principal, None, 30).await {
        Ok(c) => c,
        Err(e) => return error_page(&u, e.into()),
    };
    let mut nav = Nav::new(&u);
    nav.watch_alerts = true;
    render(&ListPage {
        nav,
        rows: l.items.iter().map(row).collect(),
        total: l.total,
        pager: Pager::new(
            "/emergency/alarms",
            &[("drill", q.drill.clone())],
            l.page,
            l.per_page,
            l.total,
        ),
        drill: q.drill,
        mean_ack: counts
            .mean_seconds_to_acknowledge
            .map(duration_zh)
            .unwrap_or_else(|| "—".into()),
        mean_arrive: counts
            .mean_seconds_to_arrive
            .map(duration_zh)
            .unwrap_or_else(|| "—".into()),
        counts,
    })
}
