//! The pages of `mod.rs`. A refused form shows the zh-CN error and keeps what was typed (each
//! form's fields have names of their own, so the page refills the form that was sent).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use neibao_domain::access::Permission;
use neibao_domain::paging::Page;
use neibao_domain::universities::{Holiday, Semester, SemesterDetail, UniversityProfile};
use neibao_engine::universities::{
    CampusInput, CollegeInput, DormitoryInput, DutyInput, SemesterInput, UniversityProfileInput,
};
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{field, fields, refused_in_form, status_of, with_status, Fields};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_time, Nav};

/// What a refused form sent, read back by the template (`typed.get("name")`).
pub struct Typed(Fields);

impl Typed {
    pub fn get(&self, name: &str) -> &str {
        field(&self.0, name)
    }
}

fn date_zh(d: NaiveDate) -> String {
    d.format("%Y年%m月%d日").to_string()
}

fn day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

#[derive(Template)]
#[template(path = "universities/profile.html")]
struct ProfilePage {
    nav: Nav,
    p: UniversityProfile,
    updated: String,
    may_write: bool,
    stations: Vec<(String, String)>,
    typed: Typed,
    error: Option<String>,
}

async fn profile_page(state: &AppState, u: &CurrentUser, id: &str, sent: Fields, error: Option<ApiError>) -> Response {
    let svc = &state.services.universities;
    let p = match svc.profile(&u.principal, id).await {
        Ok(p) => p,
        Err(e) => return error_page(u, e.into()),
    };
    let may_write = u.principal.can(Permission::UniversityWrite) && p.is_university;
    let stations = if may_write {
        svc.campus_stations(&u.principal, id).await.unwrap_or_default()
    } else {
        Vec::new()
    };
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    with_status(
        render(&ProfilePage {
            nav: Nav::new(u),
            updated: match (&p.updated_by, p.updated_at) {
                (Some(by), Some(at)) => format!("{by}（{}）", fmt_time(at)),
                _ => String::new(),
            },
            p,
            may_write,
            stations,
            typed: Typed(sent),
            error: error.map(|e| e.message),
        }),
        status,
    )
}

/// `GET /units/{id}/university`.
pub async fn profile(State(state): State<AppState>, UiUser(u): UiUser, Path(id): Path<String>) -> Response {
    profile_page(&state, &u, &id, Vec::new(), None).await
}

async fn after_profile<T>(
    state: &AppState,
    u: &CurrentUser,
    id: &str,
    f: Fields,
    anchor: &str,
    r: Result<T, ApiError>,
) -> Response {
    match r {
        Ok(_) => Redirect::to(&format!("/units/{id}/university#{anchor}")).into_response(),
        Err(e) if refused_in_form(&e) => profile_page(state, u, id, f, Some(e)).await,
        Err(e) => error_page(u, e),
    }
}

/// `POST /units/{id}/university`: the organisation (`version`, `party_secretary`,
/// `president`, `security_office`, `security_office_head`).
pub async fn save_profile(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let input = UniversityProfileInput {
        version: field(&f, "version").trim().parse().unwrap_or(-1),
        party_secretary: field(&f, "party_secretary").into(),
        president: field(&f, "president").into(),
        security_office: field(&f, "security_office").into(),
        security_office_head: field(&f, "security_office_head").into(),
    };
    let r = state
        .services
        .universities
        .save_profile(&u.principal, &id, input)
        .await
        .map_err(ApiError::from);
    after_profile(&state, &u, &id, f, "organisation", r).await
}

/// `POST /units/{id}/university/colleges`: `college_name`, `college_head`,
/// `college_safety_officer`.
pub async fn add_college(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let input = CollegeInput {
        name: field(&f, "college_name").into(),
        head: field(&f, "college_head").into(),
        safety_officer: field(&f, "college_safety_officer").into(),
    };
    let r = state
        .services
        .universities
        .add_college(&u.principal, &id, input)
        .await
        .map_err(ApiError::from);
    after_profile(&state, &u, &id, f, "colleges", r).await
}

/// `POST /units/{id}/university/campuses`: `campus_name`, `campus_address`,
/// `campus_station`, `campus_areas` (one per line or separated by 、).
pub async fn add_campus(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let input = CampusInput {
        name: field(&f, "campus_name").into(),
        address: field(&f, "campus_address").into(),
        police_station_id: Some(field(&f, "campus_station").to_string()),
        key_areas: field(&f, "campus_areas")
            .split(['\n', '、', ','])
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
    };
    let r = state
        .services
        .universities
        .add_campus(&u.principal, &id, input)
        .await
        .map_err(ApiError::from);
    after_profile(&state, &u, &id, f, "campuses", r).await
}

/// `POST /units/{id}/university/dormitories`: `dorm_campus`, `dorm_name`, `dorm_rooms`.
pub async fn add_dormitory(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let rooms = field(&f, "dorm_rooms").trim();
    let input = DormitoryInput {
        campus_id: field(&f, "dorm_campus").into(),
        name: field(&f, "dorm_name").into(),
        rooms: if rooms.is_empty() {
            0
        } else {
            rooms.parse().unwrap_or(-1)
        },
    };
    let r = state
        .services
        .universities
        .add_dormitory(&u.principal, &id, input)
        .await
        .map_err(ApiError::from);
    after_profile(&state, &u, &id, f, "dormitories", r).await
}

/// `POST /units/{id}/university/duty`: `duty_date`, `duty_holiday`, `duty_person`,
/// `duty_post`.
pub async fn add_duty(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let input = DutyInput {
        date: day(field(&f, "duty_date")),
        holiday: field(&f, "duty_holiday").into(),
        person: field(&f, "duty_person").into(),
        post: field(&f, "duty_post").into(),
    };
    let r = state
        .services
        .universities
        .add_duty(&u.principal, &id, input)
        .await
        .map_err(ApiError::from);
    after_profile(&state, &u, &id, f, "duty", r).await
}

/// A semester row of the calendar page.
pub struct SemesterRow {
    pub id: String,
    pub city_code: String,
    pub name: String,
    pub dates: String,
    pub safety_week: String,
    pub holidays: String,
}

fn row(s: &Semester) -> SemesterRow {
    SemesterRow {
        id: s.id.clone(),
        city_code: s.city_code.clone(),
        name: s.name.clone(),
        dates: format!("{}至{}", date_zh(s.starts_on), date_zh(s.ends_on)),
        safety_week: s
            .safety_week_from
            .map(|d| format!("{}起一周", date_zh(d)))
            .unwrap_or_default(),
        holidays: s
            .holidays
            .iter()
            .map(|h| {
                format!(
                    "{}（{}至{}）",
                    h.name,
                    h.from.format("%m月%d日"),
                    h.to.format("%m月%d日")
                )
            })
            .collect::<Vec<_>>()
            .join("、"),
    }
}

#[derive(Template)]
#[template(path = "universities/semesters.html")]
struct SemestersPage {
    nav: Nav,
    rows: Vec<SemesterRow>,
    pager: crate::ui::views::Pager,
    may_configure: bool,
    typed: Typed,
    error: Option<String>,
}

/// The calendar's page parameter.
#[derive(Debug, Default, Deserialize)]
pub struct PageParams {
    pub page: Option<u32>,
}

async fn semesters_page(
    state: &AppState,
    u: &CurrentUser,
    page: Option<u32>,
    sent: Fields,
    error: Option<ApiError>,
) -> Response {
    let page = Page::new(page, Some(50));
    let list = match state.services.universities.semesters(&u.principal, page).await {
        Ok(l) => l,
        Err(e) => return error_page(u, e.into()),
    };
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    with_status(
        render(&SemestersPage {
            nav: Nav::new(u),
            rows: list.items.iter().map(row).collect(),
            pager: crate::ui::views::Pager::new("/semesters", &[], list.page, list.per_page, list.total),
            may_configure: u.principal.can(Permission::SemesterConfigure),
            typed: Typed(sent),
            error: error.map(|e| e.message),
        }),
        status,
    )
}

/// `GET /semesters`: the semester calendar of the cities in scope.
pub async fn semesters(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<PageParams>) -> Response {
    semesters_page(&state, &u, q.page, Vec::new(), None).await
}

/// `POST /semesters`: `city_code`, `name`, `starts_on`, `ends_on`, `safety_week_from`, and
/// holidays as `holiday_name`/`holiday_from`/`holiday_to` (repeated).
pub async fn create_semester(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let names = fields(&f, "holiday_name");
    let froms = fields(&f, "holiday_from");
    let tos = fields(&f, "holiday_to");
    let mut holidays = Vec::new();
    let mut bad_holiday = false;
    for (i, n) in names.iter().enumerate() {
        let from = froms.get(i).copied().unwrap_or("");
        let to = tos.get(i).copied().unwrap_or("");
        if n.trim().is_empty() && from.trim().is_empty() && to.trim().is_empty() {
            continue;
        }
        match (day(from), day(to)) {
            (Some(from), Some(to)) => holidays.push(Holiday {
                name: n.to_string(),
                from,
                to,
            }),
            _ => bad_holiday = true,
        }
    }
    let r = if bad_holiday {
        Err(ApiError::from(neibao_engine::error::ServiceError::invalid(
            "请填写每个节假日的开始和结束日期（年-月-日）",
        )))
    } else {
        let input = SemesterInput {
            city_code: field(&f, "city_code").into(),
            name: field(&f, "name").into(),
            starts_on: day(field(&f, "starts_on")),
            ends_on: day(field(&f, "ends_on")),
            safety_week_from: day(field(&f, "safety_week_from")),
            holidays,
        };
        state
            .services
            .universities
            .create_semester(&u.principal, input)
            .await
            .map_err(ApiError::from)
    };
    match r {
        Ok(s) => Redirect::to(&format!("/semesters/{}", s.id)).into_response(),
        Err(e) if refused_in_form(&e) => semesters_page(&state, &u, None, f, Some(e)).await,
        Err(e) => error_page(&u, e),
    }
}

#[derive(Template)]
#[template(path = "universities/semester.html")]
struct SemesterPage {
    nav: Nav,
    s: SemesterRow,
    d: SemesterDetail,
    may_configure: bool,
    report: Vec<String>,
    error: Option<String>,
}

async fn semester_page(
    state: &AppState,
    u: &CurrentUser,
    id: &str,
    report: Vec<String>,
    error: Option<ApiError>,
) -> Response {
    let d = match state.services.universities.semester(&u.principal, id).await {
        Ok(d) => d,
        Err(e) => return error_page(u, e.into()),
    };
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    with_status(
        render(&SemesterPage {
            nav: Nav::new(u),
            s: row(&d.semester),
            d,
            may_configure: u.principal.can(Permission::SemesterConfigure),
            report,
            error: error.map(|e| e.message),
        }),
        status,
    )
}

/// `GET /semesters/{id}`: the semester, its inspection rounds and the city's universities with
/// their drills and duty entries.
pub async fn semester(State(state): State<AppState>, UiUser(u): UiUser, Path(id): Path<String>) -> Response {
    semester_page(&state, &u, &id, Vec::new(), None).await
}

/// `POST /semesters/{id}/schedule`: schedules the two inspection rounds and the reminders.
pub async fn schedule(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(_f): CsrfForm<Fields>,
) -> Response {
    match state.services.universities.schedule(&u.principal, &id).await {
        Ok(r) => {
            let mut report = vec![format!(
                "本次安排专项检查 {} 次，安全教育周提醒 {} 所高校。",
                r.launched, r.reminders
            )];
            report.extend(r.skipped);
            semester_page(&state, &u, &id, report, None).await
        }
        Err(e) => {
            let e: ApiError = e.into();
            if refused_in_form(&e) {
                semester_page(&state, &u, &id, Vec::new(), Some(e)).await
            } else {
                error_page(&u, e)
            }
        }
    }
}
