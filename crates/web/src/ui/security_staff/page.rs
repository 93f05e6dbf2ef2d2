//! `/units/{id}/security`: the unit's security body, roster (staff and guards), training and
//! exam records with expiring certificates, commendations / duty injuries / complaints and the
//! change history; for the unit's security manager the forms that add to them.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::access::Permission;
use neibao_domain::audit::actor_label;
use neibao_domain::security_staff::{
    BodyKind, CertificateState, Employment, ExamResult, Guard, RecordKind, StaffMember, Training, Vetting,
};
use neibao_engine::security_staff::UnitSecurity;
use serde::Deserialize;

use super::parse;
use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{status_of, with_status, Fields, Sent};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_time, Nav};

/// A staff member as shown.
pub struct StaffRow {
    pub id: String,
    pub name: String,
    pub post: String,
    pub full_time: bool,
    pub phone: String,
    pub on_duty: bool,
    pub removed: Option<String>,
}

impl StaffRow {
    fn new(s: &StaffMember) -> StaffRow {
        StaffRow {
            id: s.id.clone(),
            name: s.name.clone(),
            post: s.post.clone(),
            full_time: s.full_time,
            phone: s.phone.as_ref().map(|p| p.masked()).unwrap_or_default(),
            on_duty: s.on_duty,
            removed: s.removed_at.map(fmt_time),
        }
    }
}

/// A guard as shown.
pub struct GuardRow {
    pub id: String,
    pub name: String,
    pub post: String,
    pub employment: &'static str,
    pub company: String,
    pub certificate_no: String,
    pub citizen_id: String,
    pub age: u32,
    pub eligible: bool,
    pub started_on: String,
    pub stopped_on: String,
    pub vetting: &'static str,
    pub on_duty: bool,
    pub phone: String,
    pub warning: Option<String>,
    pub removed: Option<String>,
}

impl GuardRow {
    fn new(g: &Guard) -> GuardRow {
        GuardRow {
            id: g.id.clone(),
            name: g.name.clone(),
            post: g.post.clone(),
            employment: g.employment.label_zh(),
            company: match (&g.company_name, &g.company_licence_no) {
                (Some(n), Some(l)) => format!(
                    "{n}（许可证号 {l}{}）",
                    if g.company_foreign_invested {
                        "，外商投资"
                    } else {
                        ""
                    }
                ),
                _ => String::new(),
            },
            certificate_no: g.certificate_no.clone().unwrap_or_default(),
            citizen_id: g.citizen_id.masked(),
            age: g.age,
            eligible: g.eligible,
            started_on: g.started_on.to_string(),
            stopped_on: g.stopped_on.map(|d| d.to_string()).unwrap_or_default(),
            vetting: g.vetting.label_zh(),
            on_duty: g.on_duty,
            phone: g.phone.as_ref().map(|p| p.masked()).unwrap_or_default(),
            warning: g.warning.clone(),
            removed: g.removed_at.map(fmt_time),
        }
    }
}

/// A training record as shown.
pub struct TrainingRow {
    pub member: String,
    pub trained_on: String,
    pub topic: String,
    pub hours: String,
    pub exam: &'static str,
    pub certificate: String,
    pub expires_on: String,
    pub state: &'static str,
    pub state_code: &'static str,
}

impl TrainingRow {
    fn new(t: &Training) -> TrainingRow {
        TrainingRow {
            member: format!("{}（{}）", t.member_name, t.member_category.label_zh()),
            trained_on: t.trained_on.to_string(),
            topic: t.topic.clone(),
            hours: format!("{}", t.hours),
            exam: t.exam_result.label_zh(),
            certificate: t.certificate_name.clone().unwrap_or_default(),
            expires_on: t.certificate_expires_on.map(|d| d.to_string()).unwrap_or_default(),
            state: t.certificate_state.map(|s| s.label_zh()).unwrap_or(""),
            state_code: match t.certificate_state {
                Some(CertificateState::Expired) => "expired",
                Some(CertificateState::Expiring) => "expiring",
                Some(CertificateState::Valid) => "valid",
                None => "",
            },
        }
    }
}

/// A commendation, injury or complaint as shown.
pub struct RecordRow {
    pub kind: &'static str,
    pub subject: String,
    pub occurred_on: String,
    pub content: String,
    pub handling: String,
    pub result: String,
    pub created_by: String,
}

/// One history row as shown.
pub struct HistoryRow {
    pub what: &'static str,
    pub action: &'static str,
    pub version: i64,
    pub snapshot: String,
    pub by: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "security_staff/unit.html")]
struct UnitPage {
    nav: Nav,
    unit_id: String,
    unit_name: String,
    is_key_unit: bool,
    may_write: bool,
    body: Option<(String, &'static str, String, String, String, i64)>,
    staff: Vec<StaffRow>,
    guards: Vec<GuardRow>,
    trainings: Vec<TrainingRow>,
    expiring: Vec<TrainingRow>,
    records: Vec<RecordRow>,
    history: Vec<HistoryRow>,
    summary_staff: i64,
    summary_guards: i64,
    summary_own_hired: i64,
    summary_trainings: i64,
    warnings: Vec<String>,
    /// (id, name) of the current roster, for the training and record forms.
    members: Vec<(String, String)>,
    body_kinds: Vec<(&'static str, &'static str)>,
    employments: Vec<(&'static str, &'static str)>,
    vettings: Vec<(&'static str, &'static str)>,
    exams: Vec<(&'static str, &'static str)>,
    record_kinds: Vec<(&'static str, &'static str)>,
    sent: Sent,
    error: Option<String>,
    notice: Option<String>,
}

fn codes<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(&'static str, &'static str)> {
    all.iter().map(|v| (code(*v), label(*v))).collect()
}

fn view(u: &CurrentUser, o: UnitSecurity, sent: Sent, error: Option<String>, notice: Option<String>) -> UnitPage {
    let members = o
        .staff
        .iter()
        .filter(|s| s.removed_at.is_none())
        .map(|s| (s.id.clone(), format!("{}（保卫人员）", s.name)))
        .chain(
            o.guards
                .iter()
                .filter(|g| g.removed_at.is_none())
                .map(|g| (g.id.clone(), format!("{}（保安员）", g.name))),
        )
        .collect();
    UnitPage {
        nav: Nav::new(u),
        unit_id: o.unit_id.clone(),
        unit_name: o.unit_name.clone(),
        is_key_unit: o.is_key_unit,
        may_write: u.principal.can(Permission::SecurityStaffWrite),
        body: o.body.as_ref().map(|b| {
            (
                b.name.clone(),
                b.kind.label_zh(),
                b.head.clone(),
                b.established_on.map(|d| d.to_string()).unwrap_or_default(),
                b.phone.as_ref().map(|p| p.masked()).unwrap_or_default(),
                b.version,
            )
        }),
        staff: o.staff.iter().map(StaffRow::new).collect(),
        guards: o.guards.iter().map(GuardRow::new).collect(),
        trainings: o.trainings.iter().map(TrainingRow::new).collect(),
        expiring: o.expiring.iter().map(TrainingRow::new).collect(),
        records: o
            .records
            .iter()
            .map(|r| RecordRow {
                kind: r.kind.label_zh(),
                subject: r.subject.clone(),
                occurred_on: r.occurred_on.to_string(),
                content: r.content.clone(),
                handling: r.handling.clone(),
                result: r.result.clone(),
                created_by: actor_label(&r.created_by),
            })
            .collect(),
        history: o
            .history
            .iter()
            .map(|h| HistoryRow {
                what: match h.object_type.as_str() {
                    "body" => "保卫机构",
                    "guard" => "保安员",
                    _ => "保卫人员",
                },
                action: match h.action.as_str() {
                    "create" => "登记",
                    "remove" => "移出名册",
                    _ => "修改",
                },
                version: h.version,
                snapshot: h.snapshot.clone(),
                by: actor_label(&h.changed_by),
                at: fmt_time(h.changed_at),
            })
            .collect(),
        summary_staff: o.summary.staff,
        summary_guards: o.summary.guards,
        summary_own_hired: o.summary.own_hired_guards,
        summary_trainings: o.summary.trainings_last_12_months,
        warnings: o.summary.warnings.clone(),
        members,
        body_kinds: codes(BodyKind::ALL, BodyKind::code, BodyKind::label_zh),
        employments: codes(Employment::ALL, Employment::code, Employment::label_zh),
        vettings: codes(Vetting::ALL, Vetting::code, Vetting::label_zh),
        exams: codes(ExamResult::ALL, ExamResult::code, ExamResult::label_zh),
        record_kinds: codes(RecordKind::ALL, RecordKind::code, RecordKind::label_zh),
        sent,
        error,
        notice,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct UnitQuery {
    done: String,
}

/// `GET /units/{id}/security`.
pub async fn unit(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    Query(q): Query<UnitQuery>,
) -> Response {
    let notice = match q.done.as_str() {
        "body" => Some("已保存保卫机构信息".to_string()),
        "staff" => Some("已登记保卫人员".to_string()),
        "guard" => Some("已登记保安员".to_string()),
        "training" => Some("已登记培训考核记录".to_string()),
        "record" => Some("已登记".to_string()),
        "updated" => Some("已保存修改".to_string()),
        "removed" => Some("已移出名册，原记录保留可查".to_string()),
        _ => None,
    };
    page(&state, &u, &id, Sent::default(), None, notice).await
}

/// The page, with a refused form's values and message if any.
pub async fn page(
    state: &AppState,
    u: &CurrentUser,
    unit_id: &str,
    sent: Sent,
    error: Option<ApiError>,
    notice: Option<String>,
) -> Response {
    let o = match state.services.security_staff.overview(&u.principal, unit_id).await {
        Ok(o) => o,
        Err(e) => return error_page(u, e.into()),
    };
    let status = error.as_ref().map(status_of).unwrap_or(axum::http::StatusCode::OK);
    with_status(render(&view(u, o, sent, error.map(|e| e.message), notice)), status)
}

fn back(unit_id: &str, done: &str, anchor: &str) -> Response {
    Redirect::to(&format!("/units/{unit_id}/security?done={done}#{anchor}")).into_response()
}

/// Answers a form: back to the page when done; the page again with the form as typed when
/// refused (400/409); the error page otherwise (403/404).
async fn answer<T>(
    state: &AppState,
    u: &CurrentUser,
    unit_id: &str,
    form: &str,
    f: &Fields,
    r: Result<T, ApiError>,
    done: &str,
) -> Response {
    match r {
        Ok(_) => back(unit_id, done, form),
        Err(e) if matches!(e.code.http_status(), 400 | 409) => {
            page(state, u, unit_id, Sent::new(form, f), Some(e), None).await
        }
        Err(e) => error_page(u, e),
    }
}

/// `POST /units/{id}/security/body`: records or changes the body (`version` empty: first time).
pub async fn body(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let r = async {
        u.principal.require(Permission::SecurityStaffWrite)?;
        let input = parse::body(&f)?;
        let v = crate::ui::form::field(&f, "version").trim();
        let version = if v.is_empty() { None } else { Some(parse::version(&f)?) };
        Ok::<_, ApiError>(
            state
                .services
                .security_staff
                .save_body(&u.principal, &id, input, version)
                .await?,
        )
    }
    .await;
    answer(&state, &u, &id, "body", &f, r, "body").await
}

/// `POST /units/{id}/security/staff`: adds a staff member.
pub async fn add_staff(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let r = state
        .services
        .security_staff
        .add_staff(&u.principal, &id, parse::staff(&f))
        .await
        .map_err(ApiError::from);
    answer(&state, &u, &id, "staff", &f, r, "staff").await
}

/// `POST /units/{id}/security/guards`: adds a guard.
pub async fn add_guard(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let r = async {
        u.principal.require(Permission::SecurityStaffWrite)?;
        let input = parse::guard(&f)?;
        Ok::<_, ApiError>(
            state
                .services
                .security_staff
                .add_guard(&u.principal, &id, input)
                .await?,
        )
    }
    .await;
    answer(&state, &u, &id, "guards", &f, r, "guard").await
}

/// `POST /units/{id}/security/trainings`: records a training.
pub async fn add_training(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let r = async {
        u.principal.require(Permission::SecurityStaffWrite)?;
        let input = parse::training(&f)?;
        Ok::<_, ApiError>(
            state
                .services
                .security_staff
                .add_training(&u.principal, &id, input)
                .await?,
        )
    }
    .await;
    answer(&state, &u, &id, "training", &f, r, "training").await
}

/// `POST /units/{id}/security/records`: records a commendation, injury or complaint.
pub async fn add_record(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let r = async {
        u.principal.require(Permission::SecurityStaffWrite)?;
        let input = parse::record(&f)?;
        Ok::<_, ApiError>(
            state
                .services
                .security_staff
                .add_record(&u.principal, &id, input)
                .await?,
        )
    }
    .await;
    answer(&state, &u, &id, "records", &f, r, "record").await
}
