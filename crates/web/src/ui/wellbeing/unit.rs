//! A unit's 心防 page: volunteer teams with members and duties, their activities, education
//! activities with attendance and materials, and (for the unit's security manager) the
//! designated case reporters. A refused form shows the zh-CN error and keeps what was typed.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::access::Permission;
use neibao_domain::wellbeing::{
    EducationActivity, EducationKind, Reporter, TeamActivity, TeamMember, VolunteerTeam, WellbeingCounts,
};
use neibao_engine::wellbeing::{EducationInput, TeamActivityInput, TeamInput};

use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{field, fields, refused_in_form, status_of, with_status, Fields};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::Nav;

#[derive(Template)]
#[template(path = "wellbeing/unit.html")]
struct UnitPage {
    nav: Nav,
    unit_id: String,
    unit_name: String,
    teams: Vec<VolunteerTeam>,
    activities: Vec<TeamActivity>,
    education: Vec<(EducationActivity, &'static str)>,
    counts: WellbeingCounts,
    may_write: bool,
    may_designate: bool,
    reporters: Vec<Reporter>,
    candidates: Vec<(String, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    /// Which form was refused (`team`, `activity`, `education`, `reporters`).
    form: String,
    sent: Fields,
    error: Option<String>,
}

impl UnitPage {
    fn sent(&self, form: &str, name: &str) -> &str {
        if self.form == form {
            field(&self.sent, name)
        } else {
            ""
        }
    }
    fn designated(&self, id: &str) -> bool {
        if self.form == "reporters" {
            fields(&self.sent, "user_ids").contains(&id)
        } else {
            self.reporters.iter().any(|r| r.user_id == id)
        }
    }
}

async fn unit_page(
    state: &AppState,
    u: &CurrentUser,
    id: &str,
    form: &str,
    sent: Fields,
    error: Option<ApiError>,
) -> Response {
    let svc = &state.services.wellbeing;
    let w = match svc.unit(&u.principal, id).await {
        Ok(w) => w,
        Err(e) => return error_page(u, e.into()),
    };
    let unit_name = match state.services.registry.unit(&u.principal, id).await {
        Ok(x) => x.name,
        Err(e) => return error_page(u, e.into()),
    };
    let may_designate = u.principal.can(Permission::CrisisReporterDesignate);
    let (reporters, candidates) = if may_designate {
        match svc.reporters(&u.principal, id).await {
            Ok(x) => x,
            Err(e) => return error_page(u, e.into()),
        }
    } else {
        (Vec::new(), Vec::new())
    };
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    with_status(
        render(&UnitPage {
            nav: Nav::new(u),
            unit_id: id.to_string(),
            unit_name,
            teams: w.teams,
            activities: w.team_activities,
            education: w
                .education
                .into_iter()
                .map(|e| (e.clone(), e.kind.label_zh()))
                .collect(),
            counts: w.counts,
            may_write: u.principal.can(Permission::WellbeingWrite),
            may_designate,
            reporters,
            candidates,
            kinds: EducationKind::ALL.iter().map(|k| (k.code(), k.label_zh())).collect(),
            form: form.to_string(),
            sent,
            error: error.map(|e| e.message),
        }),
        status,
    )
}

/// `GET /units/{id}/wellbeing`.
pub async fn page(State(state): State<AppState>, UiUser(u): UiUser, Path(id): Path<String>) -> Response {
    unit_page(&state, &u, &id, "", Vec::new(), None).await
}

async fn after(
    state: &AppState,
    u: &CurrentUser,
    unit_id: &str,
    form: &str,
    f: Fields,
    r: Result<(), ApiError>,
) -> Response {
    match r {
        Ok(()) => Redirect::to(&format!("/units/{unit_id}/wellbeing")).into_response(),
        Err(e) if refused_in_form(&e) => unit_page(state, u, unit_id, form, f, Some(e)).await,
        Err(e) => error_page(u, e),
    }
}

/// The members typed one a line: `姓名 职责` (the first space or `，` separates them).
fn members_of(text: &str) -> Vec<TeamMember> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (name, duty) = l.split_once([' ', '\u{3000}', '，', ',']).unwrap_or((l, ""));
            TeamMember {
                name: name.trim().to_string(),
                duty: duty.trim().to_string(),
            }
        })
        .collect()
}

/// `POST /units/{id}/wellbeing/teams`: `name`, `kind`, `duties`, `members` (one a line).
pub async fn create_team(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let t = TeamInput {
        name: field(&f, "name").to_string(),
        kind: field(&f, "kind").to_string(),
        duties: field(&f, "duties").to_string(),
        members: members_of(field(&f, "members")),
    };
    let r = state
        .services
        .wellbeing
        .create_team(&u.principal, &id, t)
        .await
        .map(|_| ())
        .map_err(ApiError::from);
    after(&state, &u, &id, "team", f, r).await
}

/// `POST /wellbeing/teams/{id}/activities`: `unit_id`, `held_on`, `summary`, `participants`.
pub async fn add_team_activity(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let participants = match field(&f, "participants").trim().parse::<i64>() {
        Ok(n) => n,
        Err(_) if field(&f, "participants").trim().is_empty() => 0,
        Err(_) => -1,
    };
    let a = TeamActivityInput {
        held_on: field(&f, "held_on").to_string(),
        summary: field(&f, "summary").to_string(),
        participants,
    };
    let unit_id = field(&f, "unit_id").to_string();
    match state.services.wellbeing.add_team_activity(&u.principal, &id, a).await {
        Ok((_, unit)) => Redirect::to(&format!("/units/{unit}/wellbeing")).into_response(),
        Err(e) => {
            let e: ApiError = e.into();
            if refused_in_form(&e) && !unit_id.is_empty() {
                let mut f = f;
                f.push(("team_id".into(), id));
                unit_page(&state, &u, &unit_id, "activity", f, Some(e)).await
            } else {
                error_page(&u, e)
            }
        }
    }
}

/// `POST /units/{id}/wellbeing/education`: `kind`, `title`, `held_on`, `attendance`,
/// `materials`.
pub async fn add_education(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let attendance = match field(&f, "attendance").trim().parse::<i64>() {
        Ok(n) => n,
        Err(_) if field(&f, "attendance").trim().is_empty() => 0,
        Err(_) => -1,
    };
    let e = EducationInput {
        kind: field(&f, "kind").to_string(),
        title: field(&f, "title").to_string(),
        held_on: field(&f, "held_on").to_string(),
        attendance,
        materials: field(&f, "materials").to_string(),
    };
    let r = state
        .services
        .wellbeing
        .add_education(&u.principal, &id, e)
        .await
        .map(|_| ())
        .map_err(ApiError::from);
    after(&state, &u, &id, "education", f, r).await
}

/// `POST /units/{id}/wellbeing/reporters`: `user_ids` (repeated): the reporters as they should be.
pub async fn set_reporters(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let ids: Vec<String> = fields(&f, "user_ids").into_iter().map(str::to_string).collect();
    let r = state
        .services
        .wellbeing
        .set_reporters(&u.principal, &id, &ids)
        .await
        .map(|_| ())
        .map_err(ApiError::from);
    after(&state, &u, &id, "reporters", f, r).await
}
