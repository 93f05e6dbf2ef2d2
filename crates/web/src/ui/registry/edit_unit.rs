//! Editing a unit's own registry entry from the UI (`GET`/`POST /units/{id}/edit`): name, kind,
//! flags, USCC, address, division, key-unit designation, at the version the form showed
//! (docs/REGISTRY.md). The police station and competent department change through the unit
//! page's move form, the persons and the armed schedule through their own forms: this form keeps
//! them as they are. A refusal (a stale version: 已被他人修改; bad input) shows the form again
//! with the reason and what was typed.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::access::Permission;
use neibao_domain::registry::{Unit, UnitKind, KEY_UNIT_CATEGORIES};
use neibao_engine::registry::UnitInput;
use serde::Deserialize;

use super::super::form::{status_of, with_status};
use super::super::kit::{error_page, render, UiUser};
use super::super::views::Nav;
use super::lifecycle::version_sent;
use super::new_unit::UnitFormValues;
use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "registry/unit_edit.html")]
struct EditUnitPage {
    nav: Nav,
    unit_id: String,
    unit_name: String,
    version: String,
    error: Option<String>,
    f: UnitFormValues,
    categories: Vec<(u8, &'static str)>,
    /// After a stale save: the entry as someone else saved it, to compare with what was typed.
    current: Vec<(&'static str, String)>,
}

/// The entry as stored, as the form shows it (the address masked as everywhere).
fn values_of(u: &Unit) -> UnitFormValues {
    UnitFormValues {
        name: u.name.clone(),
        kind: u.kind.code().to_string(),
        is_university: u.is_university,
        is_private_enterprise: u.is_private_enterprise,
        uscc: u.uscc.clone(),
        address: u.address.clone(),
        division_code: u.division_code.clone(),
        police_station_id: u.police_station_id.clone().unwrap_or_default(),
        is_key_unit: u.is_key_unit,
        key_unit_category: u.key_unit_category.map(|c| c.to_string()).unwrap_or_default(),
        is_counter_terror_target: u.is_counter_terror_target,
        ..Default::default()
    }
}

/// The stored entry as label and text, shown beside a form refused as stale.
fn entry_lines(u: &Unit) -> Vec<(&'static str, String)> {
    let yes_no = |b: bool| if b { "是" } else { "否" }.to_string();
    vec![
        ("单位名称", u.name.clone()),
        ("单位类型", u.kind.label_zh().to_string()),
        ("统一社会信用代码", u.uscc.clone()),
        ("地址", u.address.clone()),
        ("行政区划代码", u.division_code.clone()),
        ("高等学校", yes_no(u.is_university)),
        ("民营企业", yes_no(u.is_private_enterprise)),
        (
            "治安保卫重点单位",
            match (u.is_key_unit, u.key_unit_category) {
                (true, Some(c)) => format!("是（第{c}类）"),
                (true, None) => "是".into(),
                (false, _) => "否".into(),
            },
        ),
        ("反恐怖重点目标", yes_no(u.is_counter_terror_target)),
    ]
}

fn page(u: &CurrentUser, unit: &Unit, version: String, error: Option<ApiError>, f: UnitFormValues) -> Response {
    let stale = error
        .as_ref()
        .is_some_and(|e| e.code == neibao_domain::error::ErrorCode::VersionConflict);
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    let page = render(&EditUnitPage {
        nav: Nav::new(u),
        unit_id: unit.id.clone(),
        unit_name: unit.name.clone(),
        version,
        error: error.map(|e| e.message),
        f,
        categories: KEY_UNIT_CATEGORIES.to_vec(),
        current: if stale { entry_lines(unit) } else { Vec::new() },
    });
    with_status(page, status)
}

/// `GET /units/{id}/edit`: the form over the entry as stored now.
pub async fn edit_form(State(state): State<AppState>, UiUser(u): UiUser, Path(id): Path<String>) -> Response {
    let unit = match state.services.registry.unit(&u.principal, &id).await {
        Ok(unit) => unit,
        Err(e) => return error_page(&u, e.into()),
    };
    if !u.principal.can(Permission::UnitRegister) {
        return error_page(&u, ApiError::forbidden());
    }
    page(&u, &unit, unit.version.to_string(), None, values_of(&unit))
}

/// The edit form as sent.
#[derive(Deserialize)]
pub struct EditForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    is_university: Option<String>,
    #[serde(default)]
    is_private_enterprise: Option<String>,
    #[serde(default)]
    uscc: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    division_code: String,
    #[serde(default)]
    is_key_unit: Option<String>,
    #[serde(default)]
    key_unit_category: String,
    #[serde(default)]
    is_counter_terror_target: Option<String>,
}

/// `POST /units/{id}/edit`: saves the entry at the version the form showed.
pub async fn save(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<EditForm>,
) -> Response {
    let unit = match state.services.registry.unit(&u.principal, &id).await {
        Ok(unit) => unit,
        Err(e) => return error_page(&u, e.into()),
    };
    let typed = UnitFormValues {
        name: f.name.clone(),
        kind: f.kind.clone(),
        is_university: f.is_university.is_some(),
        is_private_enterprise: f.is_private_enterprise.is_some(),
        uscc: f.uscc.clone(),
        address: f.address.clone(),
        division_code: f.division_code.clone(),
        police_station_id: String::new(),
        is_key_unit: f.is_key_unit.is_some(),
        key_unit_category: f.key_unit_category.clone(),
        is_counter_terror_target: f.is_counter_terror_target.is_some(),
        ..Default::default()
    };
    let is_key_unit = f.is_key_unit.is_some();
    let input = UnitInput {
        name: f.name,
        kind: UnitKind::from_code(&f.kind).unwrap_or(unit.kind),
        is_university: f.is_university.is_some(),
        is_private_enterprise: f.is_private_enterprise.is_some(),
        uscc: f.uscc,
        address: f.address,
        division_code: f.division_code,
        // Kept: changed by the move form.
        police_station_id: unit.police_station_id.clone(),
        competent_department_id: unit.competent_department_id.clone(),
        is_key_unit,
        // A category left chosen while the box is unticked means nothing.
        key_unit_category: if is_key_unit {
            f.key_unit_category.parse().ok()
        } else {
            None
        },
        is_counter_terror_target: f.is_counter_terror_target.is_some(),
        // Kept: changed by their own forms on the unit page.
        armed_schedule: unit.armed_schedule.clone(),
        responsible_persons: None,
    };
    let version = version_sent(&f.version);
    match state
        .services
        .registry
        .update_unit(&u.principal, &id, version, input)
        .await
    {
        Ok(_) => Redirect::to(&format!("/units/{id}#history")).into_response(),
        Err(e) => {
            let e = ApiError::from(e);
            if matches!(e.code.http_status(), 403 | 404) {
                return error_page(&u, e);
            }
            // A stale version: the form again at the current version, with what was typed.
            let now = state.services.registry.unit(&u.principal, &id).await.unwrap_or(unit);
            page(&u, &now, now.version.to_string(), Some(e), typed)
        }
    }
}
