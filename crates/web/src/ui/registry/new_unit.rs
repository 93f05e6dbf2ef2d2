//! Registering a unit from the UI (`GET /units/new`, `POST /units`).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::access::Permission;
use neibao_domain::registry::{Organisation, PersonRole, UnitKind, KEY_UNIT_CATEGORIES};
use neibao_engine::registry::{PersonInput, UnitInput};
use serde::Deserialize;

use super::super::form::{status_of, with_status};
use super::super::kit::{error_page, render, UiUser};
use super::super::views::Nav;
use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

/// The form as typed, shown again after a refusal: every field, the security head's ID number
/// and phone too (sent back only in the answer to the person who typed them; nothing is stored).
#[derive(Default)]
pub(super) struct UnitFormValues {
    pub name: String,
    pub kind: String,
    pub is_university: bool,
    pub is_private_enterprise: bool,
    pub uscc: String,
    pub address: String,
    pub division_code: String,
    pub police_station_id: String,
    pub is_key_unit: bool,
    pub key_unit_category: String,
    pub is_counter_terror_target: bool,
    pub head_name: String,
    pub head_citizen_id: String,
    pub head_phone: String,
}

#[derive(Template)]
#[template(path = "registry/unit_new.html")]
struct NewUnitPage {
    nav: Nav,
    error: Option<String>,
    f: UnitFormValues,
    /// Police stations grouped by county (district), labelled with the county bureau's name.
    station_groups: Vec<(String, Vec<Organisation>)>,
    categories: Vec<(u8, &'static str)>,
}

/// The registration form; after a refusal with its message, what was typed and the refusal's
/// status (400 for bad input, as the API answers).
async fn new_unit_page(state: &AppState, u: &CurrentUser, error: Option<ApiError>, f: UnitFormValues) -> Response {
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    let page = render(&NewUnitPage {
        nav: Nav::new(u),
        error: error.map(|e| e.message),
        f,
        station_groups: state.services.registry.stations_by_county(&u.principal).await,
        categories: KEY_UNIT_CATEGORIES.to_vec(),
    });
    with_status(page, status)
}

pub async fn new_unit(State(state): State<AppState>, UiUser(u): UiUser) -> Response {
    if !u.principal.can(Permission::UnitRegister) {
        return error_page(&u, ApiError::forbidden());
    }
    new_unit_page(&state, &u, None, UnitFormValues::default()).await
}

#[derive(Deserialize)]
pub struct UnitForm {
    name: String,
    kind: String,
    #[serde(default)]
    is_university: Option<String>,
    #[serde(default)]
    is_private_enterprise: Option<String>,
    uscc: String,
    #[serde(default)]
    address: String,
    division_code: String,
    #[serde(default)]
    police_station_id: String,
    #[serde(default)]
    is_key_unit: Option<String>,
    #[serde(default)]
    key_unit_category: String,
    #[serde(default)]
    is_counter_terror_target: Option<String>,
    #[serde(default)]
    head_name: String,
    #[serde(default)]
    head_citizen_id: String,
    #[serde(default)]
    head_phone: String,
}

pub async fn create_unit(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    CsrfForm(f): CsrfForm<UnitForm>,
) -> Response {
    if !u.principal.can(Permission::UnitRegister) {
        return error_page(&u, ApiError::forbidden());
    }
    let values = UnitFormValues {
        name: f.name.clone(),
        kind: f.kind.clone(),
        is_university: f.is_university.is_some(),
        is_private_enterprise: f.is_private_enterprise.is_some(),
        uscc: f.uscc.clone(),
        address: f.address.clone(),
        division_code: f.division_code.clone(),
        police_station_id: f.police_station_id.clone(),
        is_key_unit: f.is_key_unit.is_some(),
        key_unit_category: f.key_unit_category.clone(),
        is_counter_terror_target: f.is_counter_terror_target.is_some(),
        head_name: f.head_name.clone(),
        head_citizen_id: f.head_citizen_id.clone(),
        head_phone: f.head_phone.clone(),
    };
    let mut persons = Vec::new();
    if !f.head_name.trim().is_empty() {
        persons.push(PersonInput {
            role: PersonRole::SecurityHead,
            name: f.head_name,
            citizen_id: Some(f.head_citizen_id),
            phone: Some(f.head_phone),
        });
    }
    let input = UnitInput {
        name: f.name,
        kind: UnitKind::from_code(&f.kind).unwrap_or(UnitKind::Enterprise),
        is_university: f.is_university.is_some(),
        is_private_enterprise: f.is_private_enterprise.is_some(),
        uscc: f.uscc,
        address: f.address,
        division_code: f.division_code,
        police_station_id: Some(f.police_station_id),
        competent_department_id: None,
        is_key_unit: f.is_key_unit.is_some(),
        key_unit_category: f.key_unit_category.parse().ok(),
        is_counter_terror_target: f.is_counter_terror_target.is_some(),
        armed_schedule: None,
        responsible_persons: Some(persons),
    };
    match state.services.registry.create_unit(&u.principal, input).await {
        Ok(unit) => Redirect::to(&format!("/units/{}", unit.id)).into_response(),
        Err(e) => new_unit_page(&state, &u, Some(ApiError::from(e)), values).await,
    }
}
