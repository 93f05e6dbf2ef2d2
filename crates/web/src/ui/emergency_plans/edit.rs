//! The form to create (`/units/{id}/emergency-plans/new`, posted to `/units/{id}/emergency-plans`)
//! and edit (`/emergency-plans/{id}/edit`) a plan. Lists are typed one row a line, the parts of a
//! row separated by `|` (or `｜`): roles `角色|人员|职责`, contacts `姓名|职务|电话`, equipment and
//! places `名称|说明`, steps one a line. A contact's phone shows masked and, kept masked, keeps the
//! stored number.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::access::Permission;
use neibao_domain::emergency::Scenario;
use neibao_domain::emergency_plans::{PlanContact, PlanContent, PlanResource, PlanRole, ResourceKind};
use neibao_engine::emergency_plans::PlanDraft;
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{status_of, with_status};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::Nav;

/// The form as sent (and as shown).
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct PlanFields {
    pub title: String,
    pub scenario: String,
    pub roles: String,
    pub contacts: String,
    pub steps: String,
    pub equipment: String,
    pub places: String,
    pub version: String,
}

fn parts(line: &str) -> Vec<String> {
    line.split(['|', '｜']).map(|s| s.trim().to_string()).collect()
}

fn lines(s: &str) -> impl Iterator<Item = &str> {
    s.lines().map(str::trim).filter(|l| !l.is_empty())
}

fn part(p: &[String], i: usize) -> String {
    p.get(i).cloned().unwrap_or_default()
}

impl PlanFields {
    /// The form filled with a version's content (phones as answered: masked).
    pub fn of(c: &PlanContent, version: i64) -> PlanFields {
        let res = |k: ResourceKind| {
            c.resources
                .iter()
                .filter(|r| r.kind == k)
                .map(|r| {
                    if r.detail.is_empty() {
                        r.name.clone()
                    } else {
                        format!("{}|{}", r.name, r.detail)
                    }
                })
                .collect::<Vec<_>>()
                .join("\n")
        };
        PlanFields {
            title: c.title.clone(),
            scenario: c.scenario.code().to_string(),
            roles: c
                .roles
                .iter()
                .map(|r| format!("{}|{}|{}", r.role, r.person, r.duty))
                .collect::<Vec<_>>()
                .join("\n"),
            contacts: c
                .contacts
                .iter()
                .map(|x| format!("{}|{}|{}", x.name, x.role, x.phone))
                .collect::<Vec<_>>()
                .join("\n"),
            steps: c.steps.join("\n"),
            equipment: res(ResourceKind::Equipment),
            places: res(ResourceKind::Place),
            version: version.to_string(),
        }
    }

    fn draft(&self) -> Result<PlanDraft, ApiError> {
        let scenario =
            Scenario::from_code(self.scenario.trim()).ok_or_else(|| ApiError::validation("请选择预案场景"))?;
        let mut resources = Vec::new();
        for (kind, text) in [
            (ResourceKind::Equipment, &self.equipment),
            (ResourceKind::Place, &self.places),
        ] {
            for l in lines(text) {
                let p = parts(l);
                resources.push(PlanResource {
                    kind,
                    name: part(&p, 0),
                    detail: p.get(1..).map(|r| r.join("|")).unwrap_or_default(),
                });
            }
        }
        Ok(PlanDraft {
            title: self.title.clone(),
            scenario,
            roles: lines(&self.roles)
                .map(|l| {
                    let p = parts(l);
                    PlanRole {
                        role: part(&p, 0),
                        person: part(&p, 1),
                        duty: p.get(2..).map(|r| r.join("|")).unwrap_or_default(),
                    }
                })
                .collect(),
            contacts: lines(&self.contacts)
                .map(|l| {
                    let p = parts(l);
                    // 姓名|电话 or 姓名|职务|电话.
                    let (role, phone) = if p.len() >= 3 {
                        (part(&p, 1), part(&p, 2))
                    } else {
                        (String::new(), part(&p, 1))
                    };
                    PlanContact {
                        name: part(&p, 0),
                        role,
                        phone,
                    }
                })
                .collect(),
            steps: lines(&self.steps).map(str::to_string).collect(),
            resources,
        })
    }
}

#[derive(Template)]
#[template(path = "emergency_plans/form.html")]
struct FormPage {
    nav: Nav,
    unit_id: String,
    unit_name: String,
    /// The plan edited (`None`: a new plan).
    plan_id: Option<String>,
    form: PlanFields,
    scenarios: Vec<(&'static str, &'static str)>,
    error: Option<String>,
}

async fn form_page(
    state: &AppState,
    u: &CurrentUser,
    unit_id: &str,
    plan_id: Option<String>,
    form: PlanFields,
    error: Option<ApiError>,
) -> Response {
    let (unit_name, _) = match state.services.emergency_plans.unit(&u.principal, unit_id).await {
        Ok(x) => x,
        Err(e) => return error_page(u, e.into()),
    };
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    let page = render(&FormPage {
        nav: Nav::new(u),
        unit_id: unit_id.to_string(),
        unit_name,
        plan_id,
        form,
        scenarios: Scenario::ALL.iter().map(|s| (s.code(), s.label_zh())).collect(),
        error: error.map(|e| e.message),
    });
    with_status(page, status)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    scenario: String,
}

/// `GET /units/{id}/emergency-plans/new[?scenario=]`.
pub async fn new_form(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<NewQuery>,
) -> Response {
    if let Err(e) = u.principal.require(Permission::EmergencyPlanWrite) {
        return error_page(&u, e.into());
    }
    let form = PlanFields {
        scenario: q.scenario,
        ..Default::default()
    };
    form_page(&state, &u, &id, None, form, None).await
}

/// `POST /units/{id}/emergency-plans`: creates a plan (the unit's manager).
pub async fn create(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<PlanFields>,
) -> Response {
    let r = async {
        u.principal.require(Permission::EmergencyPlanWrite)?;
        let d = f.draft()?;
        Ok::<_, ApiError>(state.services.emergency_plans.create(&u.principal, &id, d).await?)
    }
    .await;
    match r {
        Ok(p) => Redirect::to(&format!("/emergency-plans/{}", p.summary.id)).into_response(),
        Err(e) if matches!(e.code.http_status(), 400 | 409) => form_page(&state, &u, &id, None, f, Some(e)).await,
        Err(e) => error_page(&u, e),
    }
}

/// `GET /emergency-plans/{id}/edit`: the current version in the form.
pub async fn edit_form(State(state): State<AppState>, UiUser(u): UiUser, Path(id): Path<String>) -> Response {
    if let Err(e) = u.principal.require(Permission::EmergencyPlanWrite) {
        return error_page(&u, e.into());
    }
    let p = match state.services.emergency_plans.get(&u.principal, &id, None).await {
        Ok(p) => p,
        Err(e) => return error_page(&u, e.into()),
    };
    let form = PlanFields::of(&p.shown.content, p.summary.current_version);
    form_page(&state, &u, &p.summary.unit_id, Some(id), form, None).await
}

/// `POST /emergency-plans/{id}/edit`: saves a new version (the unit's manager).
pub async fn save(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<PlanFields>,
) -> Response {
    let s = &state.services.emergency_plans;
    let current = match s.get(&u.principal, &id, None).await {
        Ok(p) => p,
        Err(e) => return error_page(&u, e.into()),
    };
    let r = async {
        u.principal.require(Permission::EmergencyPlanWrite)?;
        let d = f.draft()?;
        let version = f.version.trim().parse().unwrap_or(0);
        Ok::<_, ApiError>(s.edit(&u.principal, &id, version, d).await?)
    }
    .await;
    match r {
        Ok(_) => Redirect::to(&format!("/emergency-plans/{id}")).into_response(),
        Err(e) if matches!(e.code.http_status(), 400 | 409) => {
            form_page(&state, &u, &current.summary.unit_id, Some(id), f, Some(e)).await
        }
        Err(e) => error_page(&u, e),
    }
}
