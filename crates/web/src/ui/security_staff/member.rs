//! The edit pages of a staff member (`/units/{id}/security/staff/{staff_id}/edit`) and of a guard
//! (`/units/{id}/security/guards/{guard_id}/edit`), and their removal (soft: kept as 已移除).
//! Only the unit's security manager edits; each form carries the version it was read at (stale
//! → 409, the form shown again as typed).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::access::Permission;
use neibao_domain::security_staff::{Employment, Vetting};
use serde::Deserialize;

use super::parse;
use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{field, status_of, with_status, Fields};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::Nav;

/// A staff member's or guard's form values (as stored, or as typed).
#[derive(Default)]
pub struct MemberFields {
    pub version: String,
    pub name: String,
    pub post: String,
    pub full_time: bool,
    /// Masked stored phone, shown as a placeholder (an empty field keeps it).
    pub phone_masked: String,
    pub phone: String,
    pub on_duty: bool,
    pub employment: String,
    pub company_name: String,
    pub company_licence_no: String,
    pub company_foreign_invested: bool,
    pub certificate_no: String,
    pub citizen_id_masked: String,
    pub started_on: String,
    pub stopped_on: String,
    pub vetting: String,
}

impl MemberFields {
    fn typed(f: &Fields, masked: (String, String)) -> MemberFields {
        MemberFields {
            version: field(f, "version").into(),
            name: field(f, "name").into(),
            post: field(f, "post").into(),
            full_time: parse::checked(f, "full_time"),
            phone_masked: masked.0,
            phone: field(f, "phone").into(),
            on_duty: parse::checked(f, "on_duty"),
            employment: field(f, "employment").into(),
            company_name: field(f, "company_name").into(),
            company_licence_no: field(f, "company_licence_no").into(),
            company_foreign_invested: parse::checked(f, "company_foreign_invested"),
            certificate_no: field(f, "certificate_no").into(),
            citizen_id_masked: masked.1,
            started_on: field(f, "started_on").into(),
            stopped_on: field(f, "stopped_on").into(),
            vetting: field(f, "vetting").into(),
        }
    }
}

#[derive(Template)]
#[template(path = "security_staff/member.html")]
struct MemberPage {
    nav: Nav,
    unit_id: String,
    unit_name: String,
    id: String,
    is_guard: bool,
    form: MemberFields,
    employments: Vec<(&'static str, &'static str)>,
    vettings: Vec<(&'static str, &'static str)>,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct StaffPath {
    id: String,
    staff_id: String,
}

#[derive(Deserialize)]
pub struct GuardPath {
    id: String,
    guard_id: String,
}

/// The stored values of a member (`None`: not on the unit's list), with the unit's name.
async fn stored(
    state: &AppState,
    u: &CurrentUser,
    unit_id: &str,
    id: &str,
    guard: bool,
) -> Result<(String, MemberFields), ApiError> {
    u.principal.require(Permission::SecurityStaffWrite)?;
    let o = state.services.security_staff.overview(&u.principal, unit_id).await?;
    let f = if guard {
        let g = o
            .guards
            .iter()
            .find(|g| g.id == id)
            .ok_or_else(|| ApiError::from(neibao_engine::error::ServiceError::not_found()))?;
        MemberFields {
            version: g.version.to_string(),
            name: g.name.clone(),
            post: g.post.clone(),
            full_time: g.full_time,
            phone_masked: g.phone.as_ref().map(|p| p.masked()).unwrap_or_default(),
            phone: String::new(),
            on_duty: g.on_duty,
            employment: g.employment.code().into(),
            company_name: g.company_name.clone().unwrap_or_default(),
            company_licence_no: g.company_licence_no.clone().unwrap_or_default(),
            company_foreign_invested: g.company_foreign_invested,
            certificate_no: g.certificate_no.clone().unwrap_or_default(),
            citizen_id_masked: g.citizen_id.masked(),
            started_on: g.started_on.to_string(),
            stopped_on: g.stopped_on.map(|d| d.to_string()).unwrap_or_default(),
            vetting: g.vetting.code().into(),
        }
    } else {
        let s = o
            .staff
            .iter()
            .find(|s| s.id == id)
            .ok_or_else(|| ApiError::from(neibao_engine::error::ServiceError::not_found()))?;
        MemberFields {
            version: s.version.to_string(),
            name: s.name.clone(),
            post: s.post.clone(),
            full_time: s.full_time,
            phone_masked: s.phone.as_ref().map(|p| p.masked()).unwrap_or_default(),
            on_duty: s.on_duty,
            ..Default::default()
        }
    };
    Ok((o.unit_name, f))
}

fn show(
    u: &CurrentUser,
    unit_id: &str,
    unit_name: String,
    id: &str,
    guard: bool,
    form: MemberFields,
    error: Option<ApiError>,
) -> Response {
    let status = error.as_ref().map(status_of).unwrap_or(axum::http::StatusCode::OK);
    let page = render(&MemberPage {
        nav: Nav::new(u),
        unit_id: unit_id.to_string(),
        unit_name,
        id: id.to_string(),
        is_guard: guard,
        form,
        employments: Employment::ALL.iter().map(|e| (e.code(), e.label_zh())).collect(),
        vettings: Vetting::ALL.iter().map(|e| (e.code(), e.label_zh())).collect(),
        error: error.map(|e| e.message),
    });
    with_status(page, status)
}

async fn edit_page(state: &AppState, u: &CurrentUser, unit_id: &str, id: &str, guard: bool) -> Response {
    match stored(state, u, unit_id, id, guard).await {
        Ok((name, form)) => show(u, unit_id, name, id, guard, form, None),
        Err(e) => error_page(u, e),
    }
}

async fn save(state: &AppState, u: &CurrentUser, unit_id: &str, id: &str, guard: bool, f: Fields) -> Response {
    let (unit_name, before) = match stored(state, u, unit_id, id, guard).await {
        Ok(s) => s,
        Err(e) => return error_page(u, e),
    };
    let r = async {
        let version = parse::version(&f)?;
        if guard {
            let input = parse::guard(&f)?;
            state
                .services
                .security_staff
                .update_guard(&u.principal, unit_id, id, version, input)
                .await?;
        } else {
            state
                .services
                .security_staff
                .update_staff(&u.principal, unit_id, id, version, parse::staff(&f))
                .await?;
        }
        Ok::<_, ApiError>(())
    }
    .await;
    match r {
        Ok(()) => Redirect::to(&format!("/units/{unit_id}/security?done=updated")).into_response(),
        Err(e) if matches!(e.code.http_status(), 400 | 409) => {
            let form = MemberFields::typed(&f, (before.phone_masked, before.citizen_id_masked));
            show(u, unit_id, unit_name, id, guard, form, Some(e))
        }
        Err(e) => error_page(u, e),
    }
}

async fn remove(state: &AppState, u: &CurrentUser, unit_id: &str, id: &str, guard: bool, f: Fields) -> Response {
    let r = async {
        u.principal.require(Permission::SecurityStaffWrite)?;
        let version = Some(parse::version(&f)?);
        if guard {
            state
                .services
                .security_staff
                .remove_guard(&u.principal, unit_id, id, version)
                .await?;
        } else {
            state
                .services
                .security_staff
                .remove_staff(&u.principal, unit_id, id, version)
                .await?;
        }
        Ok::<_, ApiError>(())
    }
    .await;
    match r {
        Ok(()) => Redirect::to(&format!("/units/{unit_id}/security?done=removed")).into_response(),
        Err(e) => error_page(u, e),
    }
}

/// `GET /units/{id}/security/staff/{staff_id}/edit`.
pub async fn edit_staff_page(State(state): State<AppState>, UiUser(u): UiUser, Path(p): Path<StaffPath>) -> Response {
    edit_page(&state, &u, &p.id, &p.staff_id, false).await
}

/// `POST /units/{id}/security/staff/{staff_id}/edit`.
pub async fn edit_staff(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(p): Path<StaffPath>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    save(&state, &u, &p.id, &p.staff_id, false, f).await
}

/// `POST /units/{id}/security/staff/{staff_id}/remove`.
pub async fn remove_staff(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(p): Path<StaffPath>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    remove(&state, &u, &p.id, &p.staff_id, false, f).await
}

/// `GET /units/{id}/security/guards/{guard_id}/edit`.
pub async fn edit_guard_page(State(state): State<AppState>, UiUser(u): UiUser, Path(p): Path<GuardPath>) -> Response {
    edit_page(&state, &u, &p.id, &p.guard_id, true).await
}

/// `POST /units/{id}/security/guards/{guard_id}/edit`.
pub async fn edit_guard(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(p): Path<GuardPath>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    save(&state, &u, &p.id, &p.guard_id, true, f).await
}

/// `POST /units/{id}/security/guards/{guard_id}/remove`.
pub async fn remove_guard(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(p): Path<GuardPath>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    remove(&state, &u, &p.id, &p.guard_id, true, f).await
}
